"""The git-ci how-to's workflow fails the CI job when `check` finds errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import EXAMPLES, ROOT, consortium, project


def _check_step() -> dict[str, str]:
    page = (ROOT / "docs" / "howto" / "git-ci.md").read_text(encoding="utf-8")
    workflow = yaml.safe_load(re.findall(r"```yaml\n(.*?)```", page, re.S)[0])
    steps = workflow["jobs"]["check"]["steps"]
    step: dict[str, str] = next(s for s in steps if "check" in s.get("run", ""))
    return step


def _run_step(folder: Path) -> int:
    step = _check_step()
    # GitHub runs a step's script with `bash -e` (no pipefail unless the script sets it).
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-c", step["run"]],
                            cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    return result.returncode


def test_the_check_step_fails_on_errors(tmp_path: Path) -> None:
    step = _check_step()
    assert "set -o pipefail" in step["run"] and step.get("shell") == "bash"
    bad = project(partners=consortium(3, 3, 1, 2))
    (tmp_path / "project.yaml").write_text(yaml.safe_dump(bad), encoding="utf-8")
    assert _run_step(tmp_path) == 1
    assert '"eligible": false' in (tmp_path / "check.json").read_text(encoding="utf-8")


def test_the_check_step_passes_a_sound_proposal(tmp_path: Path) -> None:
    folder = tmp_path / "lot2"
    shutil.copytree(EXAMPLES / "lot2-blueprint", folder)
    assert _run_step(folder) == 0
