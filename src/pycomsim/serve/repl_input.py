"""What the friendly REPL decides about a line: py/repl.c of MicroPython 1.11.

``continue_with_input`` (``mp_repl_continue_with_input``) says whether the REPL asks for another
line (``... ``); ``autocomplete`` (``mp_repl_autocomplete``) is the tab key: names of ``__main__``
(then attributes along ``a.b.c``) starting with what was typed.

Deviation: the board lists several matches in the order of its interned-string pool; pycomsim
lists them alphabetically.
"""

from __future__ import annotations

from typing import Any

_COMPOUND = ("if", "while", "for", "try", "with", "def", "class", "async")
WORD_SLOT_LEN = 16
MAX_LINE_LEN = 4 * WORD_SLOT_LEN
_DUNDERS_SHOWN = frozenset({"__name__", "__file__"})


def _starts_with_word(text: str, head: str) -> bool:
    return text.startswith(head) and (
        len(text) == len(head) or not (text[len(head)].isalnum() or text[len(head)] == "_")
    )


def continue_with_input(text: str) -> bool:
    """True when ``text`` (the lines so far, joined by '\\n') is not a complete statement yet."""
    if not text:
        return False
    compound = text[0] == "@" or any(_starts_with_word(text, w) for w in _COMPOUND)
    paren = brack = brace = 0
    quote = ""  # '', "'", '"', "'''", '"""'
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            triple = c * 3
            if quote in ("", triple) and text.startswith(triple, i):
                i += 2
                quote = "" if quote == triple else triple
            elif quote in ("", c):
                quote = "" if quote == c else c
        elif c == "\\" and i + 1 < n and text[i + 1] in "'\"\\":
            if quote:
                i += 1
        elif not quote:
            if c == "(":
                paren += 1
            elif c == ")":
                paren -= 1
            elif c == "[":
                brack += 1
            elif c == "]":
                brack -= 1
            elif c == "{":
                brace += 1
            elif c == "}":
                brace -= 1
        i += 1
    if len(quote) == 3:
        return True
    if (paren > 0 or brack > 0 or brace > 0) and not quote:
        return True
    if text[-1] == "\\":
        return True
    return compound and text[-1] != "\n"


def _names(obj: Any, top: bool) -> list[str]:
    if top:
        return sorted(k for k in obj if isinstance(k, str))
    try:
        # the board's objects have few dunder attributes: a module's __name__ (and __file__)
        return sorted(n for n in dir(obj) if not n.startswith("__") or n in _DUNDERS_SHOWN)
    except Exception:  # a user object's __dir__ may raise: no completion, as a failed lookup
        return []


def autocomplete(typed: str, main: dict[str, Any]) -> tuple[str, str]:
    """Tab on ``typed`` (the line up to the cursor): (text to insert, listing to print)."""
    start = len(typed)
    while start > 0 and (typed[start - 1].isalnum() or typed[start - 1] in "_."):
        start -= 1
    chain = typed[start:]
    *words, partial = chain.split(".")
    obj: Any = main
    top = True
    for word in words:
        try:
            obj = main[word] if top else getattr(obj, word)
        except (KeyError, AttributeError):
            return "", ""
        except Exception:  # mp_load_method_protected: any error is a failed lookup
            return "", ""
        top = False
    matches = [name for name in _names(obj, top) if name.startswith(partial)]
    if not matches:
        if not words and start == 0 and "import ".startswith(partial):
            return "import "[len(chain) :], ""  # the first word of the line: complete 'import'
        return "", ""
    prefix = matches[0]
    for name in matches[1:]:
        j = len(partial)
        while j < len(prefix) and j < len(name) and prefix[j] == name[j]:
            j += 1
        prefix = prefix[:j]
    if len(matches) == 1 or len(prefix) > len(partial):
        return prefix[len(partial) :], ""
    return "", _listing(matches)


def _listing(names: list[str]) -> str:
    """The matches in 16-column slots, at most 64 columns a line, as mp_repl_autocomplete prints."""
    out = []
    line_len = MAX_LINE_LEN  # forces a newline before the first word
    for name in names:
        gap = (line_len + WORD_SLOT_LEN - 1) // WORD_SLOT_LEN * WORD_SLOT_LEN - line_len
        if gap < 2:
            gap += WORD_SLOT_LEN
        if line_len + gap + len(name) <= MAX_LINE_LEN:
            out.append(" " * gap + name)
            line_len += gap + len(name)
        else:
            out.append("\n" + name)
            line_len = len(name)
    return "".join(out) + "\n"
