"""docs/first-ten-minutes.md as a test: its commands run in order, as a reader would type them, and their
output must match what the page shows.

The page is read top to bottom. A ```python title="NAME"``` block is saved as NAME in the current folder;
in a ```console``` block each `$ ` line is a command and the lines under it are its expected output
(stdout and stderr together, as a terminal shows them): a line `...` stands for any number of lines, and
`...` inside a line for any text. `cd` and `export` change the state later commands see; `~` is a fresh
temporary home. Two kinds of command are checked rather than run as typed, because running them would
change the project's own `.venv` under the other tests: `pip install -e '.[EXTRAS]' PKG` checks that each
extra exists in pyproject.toml and that every package it names is installed; a `--ui` run is started,
its page fetched from the address it prints, then stopped with Ctrl-C (exit 130).
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shlex
import signal
import subprocess
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "first-ten-minutes.md"
BLOCK = re.compile(r'```(console|python title="([^"]+)")\n(.*?)```', re.S)


@dataclass
class Step:
    command: str | None = None  # a shell command, or None for a file
    expected: list[str] = field(default_factory=list)
    file: str | None = None
    text: str = ""


def page_steps(text: str) -> list[Step]:
    steps: list[Step] = []
    for match in BLOCK.finditer(text):
        if match[2]:
            steps.append(Step(file=match[2], text=match[3]))
            continue
        for line in match[3].splitlines():
            if line.startswith("$ "):
                steps.append(Step(command=line[2:]))
            elif steps and steps[-1].command is not None:
                steps[-1].expected.append(line)
    return steps


def output_matches(expected: list[str], actual: list[str]) -> bool:
    """`...` alone: any number of lines; `...` in a line: any text."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == "...":
        return any(output_matches(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    pattern = ".*".join(re.escape(part) for part in head.split("..."))
    return re.fullmatch(pattern, actual[0]) is not None and output_matches(rest, actual[1:])


class Reader:
    """A shell session as the reader has it: the current folder and the environment."""

    def __init__(self, home: Path) -> None:
        self.cwd = ROOT  # the folder of the clone
        self.env = {
            k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")
        }
        self.env.update(HOME=str(home), PYTHONUNBUFFERED="1", NO_COLOR="1", TERM="dumb")
        self.env.pop("PYTEST_XDIST_WORKER", None)
        self.env.pop("PYTEST_CURRENT_TEST", None)

    def expand(self, word: str) -> str:
        done = subprocess.run(
            ["bash", "-c", f'printf %s "{word}"'],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return (
            done.stdout.replace("~", self.env["HOME"], 1) if word.startswith("~") else done.stdout
        )

    def run(self, step: Step) -> list[str]:
        command = step.command or ""
        if command.startswith("export "):
            name, _, value = command[len("export ") :].partition("=")
            self.env[name] = self.expand(value.strip('"'))
            return []
        if " && cd " in command or command.startswith("cd "):
            before, _, folder = command.rpartition("cd ")
            if before:
                self.shell(before.removesuffix(" && "))
            self.cwd = Path(self.expand(folder))
            return []
        if "pip install" in command:
            return check_pip_install(command)
        if " --ui" in command:
            return self.run_ui(command)
        return self.shell(command)

    def shell(self, command: str) -> list[str]:
        done = subprocess.run(
            command.replace("~", self.env["HOME"]),
            shell=True,
            executable="bash",
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=180,
        )
        lines = done.stdout.splitlines()
        expected_code = 1 if "script raised" in " ".join(lines) else 0
        assert done.returncode == expected_code, (
            f"{command!r} exited {done.returncode}:\n{done.stdout}"
        )
        return lines

    def run_ui(self, command: str) -> list[str]:
        process = subprocess.Popen(
            command,
            shell=True,
            executable="bash",
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            first = process.stdout.readline().rstrip("\n")
            url = re.search(r"http://127\.0\.0\.1:\d+/", first)
            assert url, f"{command!r} printed {first!r}"
            with urllib.request.urlopen(url[0], timeout=30) as page:
                assert page.status == 200 and b"<html" in page.read().lower()
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
            rest, _ = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        assert process.returncode == 130
        return [first, *rest.splitlines()]


def check_pip_install(command: str) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    for word in shlex.split(command)[2:]:
        if word in ("-e", "-q"):
            continue
        match = re.fullmatch(r"\.\[([\w,]+)\]", word)
        names = [word]
        if match:
            names = []
            for extra in match[1].split(","):
                assert extra in extras, f"no extra {extra!r} in pyproject.toml"
                names += [re.split(r"[<>=!~;\[ ]", r)[0] for r in extras[extra]]
        for name in names:
            importlib.metadata.version(name)  # installed (PackageNotFoundError if not)
    return []


def test_the_page_has_every_step_a_newcomer_needs():
    commands = [s.command for s in page_steps(PAGE.read_text()) if s.command]
    assert commands[0] == "make run"  # install and the quickstart
    assert any(c.startswith("pytest") for c in commands)  # a first test
    assert any("--vcd" in c for c in commands) and any(" --ui" in c for c in commands)


def test_every_command_of_the_page_runs_and_prints_what_the_page_shows(tmp_path):
    reader = Reader(tmp_path / "home")
    (tmp_path / "home").mkdir()
    for step in page_steps(PAGE.read_text()):
        if step.file is not None:
            (reader.cwd / step.file).write_text(step.text)
            continue
        actual = reader.run(step)
        if step.expected or actual:
            assert output_matches(step.expected, actual), (
                f"$ {step.command}\nexpected:\n"
                + "\n".join(step.expected)
                + "\nactual:\n"
                + "\n".join(actual)
            )
    home = tmp_path / "home" / "first-board"
    assert (home / "blink.vcd").stat().st_size > 0 and (home / "blink.sr").stat().st_size > 0


def test_the_output_matcher_is_strict_outside_the_dots():
    assert output_matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert output_matches(["pressed at 6..."], ["pressed at 600"])
    assert not output_matches(["a", "z"], ["a", "b", "z"])
    assert not output_matches(["pressed at 600"], ["pressed at 601"])
