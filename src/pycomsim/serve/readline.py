"""The REPL's line editor, as lib/mp-readline/readline.c of MicroPython 1.11 (Pycom 1.20.2.r4 ships
it unchanged) does it: VT100 echo and cursor moves, history, auto-indent, tab completion.

The Pycom port's configuration (esp32/mpconfigport.h): MICROPY_REPL_AUTO_INDENT on,
MICROPY_REPL_EMACS_KEYS off, MICROPY_HELPER_REPL on (tab completion), 8 history lines
(``readline_hist[8]``). Sans-I/O: ``process_char`` takes one byte and writes its echo through
``write``; it returns -1 while the line goes on, 0 when Enter ends it, or the control character
(Ctrl-A..Ctrl-E on an empty line, Ctrl-C any time) the REPL acts on.
"""

from __future__ import annotations

from collections.abc import Callable

HISTORY_SIZE = 8  # esp32/mpconfigport.h: const char *readline_hist[8]
CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E = 1, 2, 3, 4, 5
_ESC, _ESC_BRACKET, _ESC_BRACKET_DIGIT, _ESC_O = 1, 2, 3, 4

# tab completion: the text before the cursor -> (text to insert, listing printed instead or "")
Complete = Callable[[str], "tuple[str, str]"]


def move_cursor_back(pos: int) -> bytes:
    """readline.c mp_hal_move_cursor_back: backspaces for up to 4 steps, else ESC [ n D."""
    if pos <= 0:
        return b""
    if pos <= 4:
        return b"\b" * pos
    return b"\x1b[%dD" % pos


class History:
    """readline_push_history: the newest line first, no empty lines, no repeat of the newest."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []

    def push(self, line: bytes) -> None:
        if line and (not self.lines or self.lines[0] != line):
            self.lines.insert(0, line)
            del self.lines[HISTORY_SIZE:]


class ReadLine:
    """One line being edited. ``line`` may start with earlier lines of a compound statement
    (``orig_len`` bytes that are no longer editable), as pyexec.c's ``vstr`` does."""

    def __init__(
        self,
        write: Callable[[bytes], None],
        history: History,
        complete: Complete | None = None,
    ) -> None:
        self._write = write
        self.history = history
        self.complete = complete
        self.line = bytearray()
        self.orig_len = 0
        self.cursor = 0
        self.escape = 0
        self.escape_digit = 0
        self.hist_cur = -1
        self.prompt = b""

    # ---- readline_init / readline_note_newline ----
    def init(self, line: bytearray, prompt: bytes) -> None:
        self.line = line
        self.escape = 0
        self.escape_digit = 0
        self.hist_cur = -1
        self.note_newline(prompt)

    def note_newline(self, prompt: bytes) -> None:
        self.orig_len = self.cursor = len(self.line)
        self.prompt = prompt
        self._write(prompt)
        self._auto_indent()

    def _auto_indent(self) -> None:
        """readline_auto_indent: indent like the previous line, one level more after a ':'."""
        line = self.line
        if len(line) <= 1 or line[-1] != 0x0A:
            return
        i = len(line) - 1
        while i > 0 and line[i - 1] != 0x0A:
            i -= 1
        j = i
        while j < len(line) and line[j] == 0x20:
            j += 1
        if i > 0 and j + 1 == len(line):
            # the previous line is all spaces: no indent if the one before is all spaces too
            k = i - 1
            while k > 0:
                if line[k - 1] == 0x0A:
                    return
                if line[k - 1] != 0x20:
                    break
                k -= 1
        n = (j - i) // 4
        if line[-2] == ord(":"):
            n += 1
        for _ in range(n):
            line += b"    "
            self._write(b"    ")
            self.cursor += 4

    # ---- readline_process_char ----
    def process_char(self, c: int) -> int:
        line = self.line
        last_len = len(line)
        step_back = 0
        from_cursor = False
        step_forward = 0
        escape = self.escape
        if escape == 0:
            if CTRL_A <= c <= CTRL_E and len(line) == self.orig_len:
                return c  # a control character on an empty line
            if c == CTRL_A:
                step_back = self.cursor - self.orig_len  # home
            elif c == CTRL_C:
                return c
            elif c == CTRL_E:
                step_forward = len(line) - self.cursor  # end
            elif c == 0x0D:
                self._write(b"\r\n")
                self.history.push(bytes(line[self.orig_len :]))
                return 0
            elif c == 27:
                self.escape = _ESC
            elif c in (8, 127):
                if self.cursor > self.orig_len:
                    # auto-indent: a backspace in leading spaces removes a whole level
                    typed = line[self.orig_len : self.cursor]
                    n = 4 if len(typed) >= 4 and typed.count(b" ") == len(typed) else 1
                    del line[self.cursor - n : self.cursor]
                    step_back = n
                    from_cursor = True
            elif c == 9:
                step_forward, from_cursor = self._tab()
            elif 32 <= c <= 126:
                line.insert(self.cursor, c)
                from_cursor = True
                step_forward = 1
        elif escape == _ESC:
            self.escape = {ord("["): _ESC_BRACKET, ord("O"): _ESC_O}.get(c, 0)
        elif escape == _ESC_BRACKET:
            if 0x30 <= c <= 0x39:
                self.escape = _ESC_BRACKET_DIGIT
                self.escape_digit = c
            else:
                self.escape = 0
                if c == ord("A"):
                    step_back, from_cursor, step_forward = self._history_step(+1)
                elif c == ord("B"):
                    step_back, from_cursor, step_forward = self._history_step(-1)
                elif c == ord("C"):
                    if self.cursor < len(line):
                        step_forward = 1
                elif c == ord("D"):
                    if self.cursor > self.orig_len:
                        step_back = 1
                elif c == ord("H"):
                    step_back = self.cursor - self.orig_len
                elif c == ord("F"):
                    step_forward = len(line) - self.cursor
        elif escape == _ESC_BRACKET_DIGIT:
            if c == ord("~"):
                digit = chr(self.escape_digit)
                if digit in "17":
                    step_back = self.cursor - self.orig_len
                elif digit in "48":
                    step_forward = len(line) - self.cursor
                elif digit == "3" and self.cursor < len(line):
                    del line[self.cursor]
                    from_cursor = True
            self.escape = 0
        elif escape == _ESC_O:
            # readline.c jumps to home/end here and leaves the escape state set (a 1.11 quirk)
            if c == ord("H"):
                step_back = self.cursor - self.orig_len
            elif c == ord("F"):
                step_forward = len(line) - self.cursor
            else:
                self.escape = 0
        self._redraw(last_len, step_back, from_cursor, step_forward)
        return -1

    def _history_step(self, direction: int) -> tuple[int, bool, int]:
        hist = self.history.lines
        line = self.line
        if direction > 0:
            if self.hist_cur + 1 >= len(hist):
                return 0, False, 0
            self.hist_cur += 1
        else:
            if self.hist_cur < 0:
                return 0, False, 0
            self.hist_cur -= 1
        del line[self.orig_len :]
        if self.hist_cur >= 0:
            line += hist[self.hist_cur]
        return self.cursor - self.orig_len, True, len(line) - self.orig_len

    def _tab(self) -> tuple[int, bool]:
        """Tab: one completion is inserted; several are listed, then the prompt and line again."""
        if self.complete is None:
            return 0, False
        typed = bytes(self.line[self.orig_len : self.cursor]).decode("utf-8", "replace")
        insert, listing = self.complete(typed)
        if listing:  # printed through mp_plat_print: '\n' goes out as '\r\n'
            self._write(listing.replace("\n", "\r\n").encode())
            self._write(self.prompt + bytes(self.line[self.orig_len : self.cursor]))
            return 0, True
        if not insert:
            return 0, False
        data = insert.encode()
        self.line[self.cursor : self.cursor] = data
        return len(data), True

    def _redraw(self, last_len: int, step_back: int, from_cursor: bool, step_forward: int) -> None:
        """The end of readline_process_char: redraw the command line, efficiently."""
        line = self.line
        out = bytearray()
        if step_back > 0:
            out += move_cursor_back(step_back)
            self.cursor -= step_back
        if from_cursor:
            if len(line) < last_len:
                out += b"\x1b[K"  # erase the old characters
            out += line[self.cursor :]
            out += move_cursor_back(len(line) - (self.cursor + step_forward))
            self.cursor += step_forward
        elif step_forward > 0:
            out += line[self.cursor : self.cursor + step_forward]
            self.cursor += step_forward
        if out:
            self._write(bytes(out))
