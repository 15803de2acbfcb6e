"""Read the tutorial as steps and run them: commands (``$`` lines of ``console`` blocks) and
edits of the project file (a ``% tutorial: replace FILE`` block, then ``% tutorial: with``).

The test (tests/test_tutorial.py) runs every step in an empty folder and compares each
command's output with the page. When the program's output changes on purpose, rewrite the
outputs on the page from the current program with::

    .venv/bin/python tests/tutorial_steps.py docs/tutorial.md
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from proposal_kit.cli import cli

_BLOCK = re.compile(r"(?:^% tutorial: (replace \S+|with)\n)?^```(\w+)\n(.*?)^```$", re.M | re.S)


@dataclass
class Command:
    line: str
    output: str


@dataclass
class Edit:
    file: str
    old: str
    new: str


def steps(page: str) -> list[Command | Edit]:
    """The commands and edits of ``page``, in order."""
    out: list[Command | Edit] = []
    pending: tuple[str, str] | None = None
    for marker, kind, body in _BLOCK.findall(page):
        if marker.startswith("replace "):
            pending = (marker.split(" ", 1)[1], body)
        elif marker == "with":
            assert pending is not None, "a 'with' block without its 'replace' block"
            out.append(Edit(pending[0], pending[1], body))
            pending = None
        elif kind == "console":
            command, _, output = body.partition("\n")
            assert command.startswith("$ proposal-kit "), command
            out.append(Command(command[2:], output))
    return out


def run(command: str, folder: Path) -> tuple[int, str]:
    """Run a ``proposal-kit ...`` line in ``folder``: exit code and output."""
    args = shlex.split(command)[1:]
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, args)
    finally:
        os.chdir(cwd)
    return result.exit_code, result.output


def apply(edit: Edit, folder: Path) -> None:
    """Make ``edit`` in its file; the old text must be there exactly once."""
    path = folder / edit.file
    text = path.read_text(encoding="utf-8")
    assert text.count(edit.old) == 1, f"{edit.file}: the text to replace is not there once"
    path.write_text(text.replace(edit.old, edit.new), encoding="utf-8")


def update(page: Path) -> None:
    """Rewrite the output of every command on ``page`` with what it prints now."""
    import tempfile

    text = page.read_text(encoding="utf-8")
    folder = Path(tempfile.mkdtemp(prefix="tutorial-"))
    parts: list[str] = []
    last = 0
    for match in _BLOCK.finditer(text):
        marker, kind, body = match.groups()
        if marker and marker.startswith("replace "):
            pending = Edit(marker.split(" ", 1)[1], body, "")
        elif marker == "with":
            apply(Edit(pending.file, pending.old, body), folder)
        elif kind == "console":
            command = body.partition("\n")[0]
            _, output = run(command[2:], folder)
            start = match.start(3)
            parts += [text[last:start], command + "\n" + output.rstrip("\n") + "\n"]
            last = match.end(3)
    parts.append(text[last:])
    page.write_text("".join(parts), encoding="utf-8")


if __name__ == "__main__":
    import sys

    update(Path(sys.argv[1]))
