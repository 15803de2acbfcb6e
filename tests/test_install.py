"""Install from a built wheel, as the install guide shows: the wheel carries the templates,
the generic texts and the data, and its entry point runs outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    # Without PYTHONPATH: the installed wheel must be what runs, not a checkout on the path.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                            cwd=cwd, timeout=600, env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
         "--disable-pip-version-check", "-w", dist, ROOT)
    (found,) = dist.glob("proposal_kit-*-py3-none-any.whl")
    return found


def test_the_wheel_carries_templates_texts_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (ROOT / "templates").rglob("*"):
        if template.is_file():
            rel = template.relative_to(ROOT / "templates").as_posix()
            assert f"proposal_kit/_bundled/templates/{rel}" in names, rel
    texts = [p for p in (ROOT / "generic_texts").rglob("*.md")]
    assert texts
    for text in texts:
        rel = text.relative_to(ROOT / "generic_texts").as_posix()
        assert f"proposal_kit/_bundled/generic_texts/{rel}" in names, rel
    assert "proposal_kit/py.typed" in names
    assert any(n.startswith("proposal_kit/data/calls/") for n in names)
    assert any(n.startswith("proposal_kit/data/forms/") for n in names)
    # The command is the launcher that holds Ctrl-C back while Python starts, kept as it is
    # (a shell script: no Python shebang for the installer to rewrite).
    (command,) = [n for n in names if n.endswith(".data/scripts/proposal-kit")]
    launcher = zipfile.ZipFile(wheel).read(command)
    assert launcher == (ROOT / "toolkit" / "launcher" / "proposal-kit").read_bytes()
    assert launcher.startswith(b"#!/bin/sh\n")


def test_the_installed_entry_point_runs_outside_the_checkout(wheel: Path,
                                                             tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    # The wheel itself, installed with the test environment's pip; its dependencies are
    # those already installed for the tests (a .pth file), so no index is needed.
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet",
         "--disable-pip-version-check", wheel)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                .strip())
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n",
                                                   encoding="utf-8")
    where = _run(python, "-c", "import proposal_kit.resources as r; "
                 "print(r.builtin_templates_dir()); print(r.builtin_texts_dir())",
                 cwd=tmp_path).split()
    assert all(Path(w).is_relative_to(venv) for w in where), where
    exe = venv / "bin" / "proposal-kit"
    assert _run(exe, "--version", cwd=tmp_path).startswith("proposal-kit")
    assert "ERASMUS-EDU-2026-PI-ALL-INNO-STEM" in _run(exe, "calls", cwd=tmp_path)
    _run(exe, "init", tmp_path / "proj", "--call", "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP",
         "--acronym", "WHEELX", cwd=tmp_path)
    _run(exe, "render", tmp_path / "proj" / "project.yaml", cwd=tmp_path)
    assert (tmp_path / "proj" / "WHEELX-partB.docx").stat().st_size > 10_000
    assert "profiles/hei" in _run(exe, "texts", "search", "ECHE", cwd=tmp_path)
