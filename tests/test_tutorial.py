"""The tutorial runs as written in an empty folder, and prints what the page shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, require_tool
from tutorial_steps import Command, apply, run, steps

PAGE = ROOT / "docs" / "tutorial.md"


@pytest.mark.libreoffice
def test_the_tutorial_runs_as_written(tmp_path: Path) -> None:
    require_tool("soffice")  # its last step counts pages
    page = PAGE.read_text(encoding="utf-8")
    found = steps(page)
    commands = [s for s in found if isinstance(s, Command)]
    assert commands[0].line.startswith("proposal-kit --version")
    assert any(c.line.startswith("proposal-kit init ") for c in commands)
    assert len(found) - len(commands) >= 3  # edits of the project file
    for step in found:
        if isinstance(step, Command):
            _, output = run(step.line, tmp_path)
            assert output.rstrip("\n") == step.output.rstrip("\n"), (
                f"`{step.line}` prints something else now; if that is intended, run "
                f"`.venv/bin/python tests/tutorial_steps.py docs/tutorial.md`\n{output}")
        else:
            apply(step, tmp_path)
    assert (tmp_path / "greenweld" / "GREENWELD-partB.docx").is_file()
