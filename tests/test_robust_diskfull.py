"""A disk that fills up while ``init`` or ``import`` writes leaves no half-written folder:
what the command created is removed (and only that), the exit code is 3, the path named.
An empty ``-o ""`` (or folder) is a usage error, not the current folder."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, LOT1
from proposal_kit import load_project
from proposal_kit.cli import cli
from proposal_kit.render import output as writer
from proposal_kit.render import render_project

TOOLKIT = str(Path(__file__).resolve().parent.parent / "toolkit")


class _FillingDisk:
    """``os.fdopen`` of the writer whose files take ``room`` bytes in all, then ENOSPC."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.real: Callable[..., Any] = os.fdopen

    def __call__(self, fd: int, *args: Any, **kwargs: Any) -> Any:
        handle = self.real(fd, *args, **kwargs)
        disk = self
        real_write = handle.write

        def write(data: bytes) -> int:
            if len(data) > disk.room:
                disk.room = 0
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            disk.room -= len(data)
            written: int = real_write(data)
            return written

        handle.write = write
        return handle


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``folder``."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def _init_size(tmp_path: Path) -> int:
    """The bytes ``init`` writes."""
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "sizes"), "--call", LOT1])
    assert result.exit_code == 0, result.output
    return sum(p.stat().st_size for p in (tmp_path / "sizes").rglob("*") if p.is_file())


@pytest.mark.parametrize("existing", [False, True])
def test_init_on_a_full_disk_removes_what_it_created(tmp_path: Path, existing: bool,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    total = _init_size(tmp_path)
    for n, room in enumerate([0, 50, 500, 5_000, 50_000, total - 1]):
        folder = tmp_path / f"new{n}" / "proj"
        if existing:
            folder.mkdir(parents=True)  # an empty folder the user made: it stays
        monkeypatch.setattr(writer.os, "fdopen", _FillingDisk(room))
        result = CliRunner().invoke(cli, ["init", str(folder), "--call", LOT1])
        monkeypatch.undo()
        assert result.exit_code == 3, (room, result.output)
        assert "the disk is full" in result.stderr and str(folder) in result.stderr
        assert "Traceback" not in result.output
        if existing:
            assert folder.is_dir() and _tree(folder) == {}
        else:
            assert not folder.parent.exists(), _tree(folder.parent)


def test_import_on_a_full_disk_keeps_what_was_there(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "proj"
    shutil.copytree(EXAMPLES / "lot1-education-enterprises", project)
    draft = tmp_path / "draft.docx"
    render_project(load_project(project / "project.yaml"), draft, "docx")
    target = tmp_path / "target"
    (target / "sections").mkdir(parents=True)
    (target / "notes.txt").write_text("mine\n", encoding="utf-8")
    (target / "sections" / "needs.md").write_text("My own needs text.\n", encoding="utf-8")
    (target / "project.yaml").write_text("# my own project file\n", encoding="utf-8")
    before = _tree(target)
    for room in (0, 3_000, 30_000):
        monkeypatch.setattr(writer.os, "fdopen", _FillingDisk(room))
        result = CliRunner().invoke(cli, ["import", str(draft), "-o", str(target), "--force"])
        monkeypatch.undo()
        assert result.exit_code == 3, (room, result.output)
        assert "the disk is full" in result.stderr and str(target) in result.stderr
        assert "taken back" in result.stderr or room == 0
        assert _tree(target) == before, room  # the replaced files put back, no backups left
    result = CliRunner().invoke(cli, ["import", str(draft), "-o", str(target), "--force"])
    assert result.exit_code == 0, result.output
    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_init_under_a_file_size_limit_exits_3(tmp_path: Path) -> None:
    """A real limit of the system (RLIMIT_FSIZE, like a quota): write() fails with EFBIG."""
    import resource

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    folder = tmp_path / "new"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([TOOLKIT, os.environ.get(
        "PYTHONPATH", "")]), "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.run([sys.executable, "-m", "proposal_kit", "init", str(folder),
                          "--call", LOT1], capture_output=True, text=True, env=env,
                         preexec_fn=limit, timeout=120, check=False)
    assert run.returncode == 3, run.stderr
    assert str(folder) in run.stderr and "larger than" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert not folder.exists()


@pytest.mark.parametrize("args", [
    ["import", "{docx}", "-o", ""], ["init", "", "--call", LOT1], ["init", " ", "--call", LOT1],
    ["schema", "-o", ""], ["render", "{project}", "-o", ""], ["watch", "{project}", "-o", ""],
    ["plan", "--deadline", "2027-03-01", "--ics", ""], ["budget", "{project}", "--xlsx", ""],
    ["texts", "new", "my-text", "--dir", ""],
])
def test_an_empty_output_name_is_a_usage_error(tmp_path: Path, args: list[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "proj"
    shutil.copytree(EXAMPLES / "lot1-education-enterprises", project)
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    docx = tmp_path / "x.docx"
    docx.write_bytes(b"PK")
    args = [a.format(docx=docx, project=project / "project.yaml") for a in args]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "the name is empty" in result.stderr
    assert not list(here.iterdir())
