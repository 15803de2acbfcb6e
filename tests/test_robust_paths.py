"""Templates and outputs that are links to other places are refused, not followed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES
from proposal_kit import load_project
from proposal_kit.check import check_file
from proposal_kit.errors import OutputConflictError, ProposalKitError
from proposal_kit.render import render_bytes, render_project

SECRET = "SECRET-LINE-3f9a"


@pytest.fixture
def lot1(tmp_path: Path) -> Path:
    target = tmp_path / "proj"
    shutil.copytree(EXAMPLES / "lot1-education-enterprises", target)
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    return target / "project.yaml"


@pytest.mark.parametrize("linked", ["file", "folder"])
def test_a_template_linked_outside_the_project_is_refused(lot1: Path, linked: str) -> None:
    outside = lot1.parent.parent / "secret.txt"
    templates = lot1.parent / "templates"
    if linked == "file":
        templates.mkdir()
        (templates / "partb.md.j2").symlink_to(outside)
    else:
        elsewhere = lot1.parent.parent / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / "partb.md.j2").write_text(SECRET + "\n", encoding="utf-8")
        templates.symlink_to(elsewhere)
    with pytest.raises(ProposalKitError) as raised:
        render_bytes(load_project(lot1), "md")
    assert "is a link to a file outside" in raised.value.message
    assert SECRET not in raised.value.message
    [error] = [f for f in check_file(lot1).findings if f.severity.value == "error"]
    assert "outside" in error.message


def test_a_template_linked_inside_the_project_is_used(lot1: Path) -> None:
    own = lot1.parent / "mine"
    own.mkdir()
    (own / "partb.md.j2").write_text("Own draft of the project.\n", encoding="utf-8")
    (lot1.parent / "templates").symlink_to(own)
    assert "\nOwn draft of the project.\n" in render_bytes(load_project(lot1), "md").decode()


def test_an_output_that_is_a_link_is_refused_and_its_target_kept(lot1: Path) -> None:
    outside = lot1.parent.parent / "secret.txt"
    out = lot1.parent / "draft.md"
    out.symlink_to(outside)
    with pytest.raises(OutputConflictError) as raised:
        render_project(load_project(lot1), out, "md", force=True)
    assert "symbolic link" in raised.value.message
    assert outside.read_text(encoding="utf-8") == SECRET + "\n"
    assert out.is_symlink() and not list(lot1.parent.glob("draft.backup-*"))


def test_a_pipe_or_a_device_in_a_text_library_is_refused_not_read(lot1: Path) -> None:
    """`texts list`/`lint`/`search` read every file of the library: a FIFO there blocked
    them for ever. Run as a subprocess, so that a hang fails the test instead."""
    import json
    import os
    import subprocess
    import sys

    library = lot1.parent / "texts" / "corpus"
    library.mkdir(parents=True)
    os.mkfifo(library / "pipe.md")
    (library / "zero.md").symlink_to("/dev/zero")
    toolkit = str(Path(__file__).resolve().parent.parent / "toolkit")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([toolkit, os.environ.get(
        "PYTHONPATH", "")])}
    for args in (["texts", "list"], ["texts", "lint"], ["texts", "search", "x"],
                 ["texts", "show", "corpus/pipe"], ["texts", "show", "corpus/zero"]):
        result = subprocess.run([sys.executable, "-m", "proposal_kit", *args, "--project",
                                 str(lot1), "--format", "json"], capture_output=True,
                                text=True, env=env, timeout=60, check=False)
        assert result.returncode in (0, 1, 2), (args, result.stderr)
        json.loads(result.stdout)
        assert "Traceback" not in result.stderr
    show = subprocess.run([sys.executable, "-m", "proposal_kit", "texts", "show",
                           "corpus/pipe", "--project", str(lot1)], capture_output=True,
                          text=True, env=env, timeout=60, check=False)
    assert "FIFO" in show.stderr and "did you mean" not in show.stderr


def test_an_acronym_naming_other_folders_stays_in_the_default_output_names(lot1: Path,
                                                                         tmp_path: Path
                                                                         ) -> None:
    from click.testing import CliRunner

    from conftest import official_file
    from proposal_kit.cli import cli

    text = lot1.read_text(encoding="utf-8")
    lot1.write_text(text.replace("acronym: AGRIVENTURE", 'acronym: "../../ESCAPED"', 1),
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(lot1), "--format", "md"])
    assert result.exit_code == 0, result.output
    annex = official_file("detailed-budget-table-erasmus-lsii-v*.xlsx")
    result = CliRunner().invoke(cli, ["budget", str(lot1), "--workbook", str(annex),
                                      "--no-verify"])
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob("*ESCAPED*")) and not list(tmp_path.parent.glob("*ESCAPED*"))
    assert len(list(lot1.parent.glob("*ESCAPED-partB.md"))) == 1
    assert len(list(lot1.parent.glob("*ESCAPED-budget-annex.xlsx"))) == 1


def test_a_render_to_a_folder_is_a_usage_error(lot1: Path) -> None:
    """`render -o drafts/` or `-o drafts.docx` naming an existing folder: refused at once,
    as every other command's output file is, not "cannot tell the format"."""
    from click.testing import CliRunner

    from proposal_kit.cli import cli

    for folder in (lot1.parent, lot1.parent / "drafts.docx"):
        folder.mkdir(exist_ok=True)
        result = CliRunner().invoke(cli, ["render", str(lot1), "-o", str(folder)])
        assert result.exit_code == 2 and "is a directory" in result.output, result.output
    assert not list(lot1.parent.glob("*.docx.*"))  # nothing written beside it
