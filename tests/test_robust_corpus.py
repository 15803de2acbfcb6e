"""The adversarial corpus of tests/robust_corpus.py, run class by class over every command.

Each class runs in a subprocess of its own (a hang fails its class, naming the last command
line, instead of stopping the suite), two classes at a time. Over every command line: no
traceback, never exit 70, an exit code the case allows, one valid JSON document whenever
``--format json`` was asked for, and no secret (a canary in the environment,
/etc/passwd) in what was printed or written. No LibreOffice started by a class outlives it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from robust_corpus import CANARY_ENV, CASES, JSON_COMMANDS, secrets

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parent / "robust_corpus.py"
CLASSES = sorted({c.cls for c in CASES})
#: Seconds a whole class may take; every command in it is bounded far below this.
TIMEOUT = 1200


@dataclass
class ClassRun:
    """What running one class gave."""

    records: list[dict[str, Any]]
    hang: str | None
    orphans: list[str]
    leaked_files: list[str]
    returncode: int | None
    stderr: str


def _marked(marker: str) -> list[str]:
    """Command lines of the live processes whose environment holds ``marker`` (Linux)."""
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            if marker.encode() in environ:
                found.append(Path(f"/proc/{entry}/cmdline").read_bytes().replace(
                    b"\0", b" ").decode(errors="replace")[:200])
        except OSError:
            continue
    return found


def _leaks(root: Path, hidden: list[str]) -> list[str]:
    """Files under ``root`` (not links) that hold a secret."""
    found = []
    for path in root.rglob("*"):
        try:
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                found += [str(path) for h in hidden if h.encode() in data]
        except OSError:
            continue
    return found


def _run_class(cls: str, root: Path) -> ClassRun:
    folder = root / cls
    folder.mkdir()
    out = root / f"{cls}.json"
    marker, canary = uuid.uuid4().hex, "canary-" + uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPOSAL_KIT_")}
    env.update({CANARY_ENV: canary, "PK_CORPUS_MARKER": marker, "NO_COLOR": "1",
                "PYTHONIOENCODING": "utf-8"})
    hang = None
    try:
        proc = subprocess.run([sys.executable, str(CORPUS), cls, str(folder), str(out)],
                              capture_output=True, text=True, errors="replace", env=env,
                              cwd=folder, timeout=TIMEOUT, check=False)
        returncode, stderr = proc.returncode, proc.stderr[-3000:]
    except subprocess.TimeoutExpired:
        log = folder / "progress.log"
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        hang = lines[-1] if lines else "(before the first command)"
        returncode, stderr = None, ""
    orphans = _marked(marker)
    records = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    hidden = [canary, *[s for s in secrets() if s != canary]]
    return ClassRun(records, hang, orphans, _leaks(folder, hidden), returncode, stderr)


@pytest.fixture(scope="module")
def class_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ClassRun]:
    root = tmp_path_factory.mktemp("corpus")
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(CLASSES, pool.map(lambda c: _run_class(c, root), CLASSES),
                        strict=True))


def test_the_corpus_covers_every_command() -> None:
    """Every command that takes input is in the corpus, by class."""
    from proposal_kit.cli import cli

    assert len(CASES) >= 90
    assert len({c.name for c in CASES}) == len(CASES), "two cases share a name"
    assert {"yaml", "ids", "section", "files", "usage", "writes", "pages",
            "roundtrip"} <= set(CLASSES)
    commands = set(cli.list_commands(None))  # type: ignore[arg-type]
    for name in commands:
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        params = [p for c in getattr(command, "commands", {"": command}).values()
                  for p in c.params]
        if any(p.name == "output_format" and "json" in getattr(p.type, "choices", ())
               for p in params):
            assert any(c[0] == name for c in JSON_COMMANDS), f"{name} takes JSON"


@pytest.mark.parametrize("cls", CLASSES)
def test_no_command_fails_on_the_corpus(cls: str, class_runs: dict[str, ClassRun]) -> None:
    run = class_runs[cls]
    assert run.hang is None, f"the {cls} class hung past {TIMEOUT} s at {run.hang}"
    assert run.returncode == 0 and run.records, run.stderr
    problems = []
    for record in run.records:
        where = f"{record['case']}: proposal-kit {' '.join(record['args'])[:300]}"
        if record["crash"]:
            problems.append(f"{where}: traceback\n{record['crash'][-800:]}")
        elif record["exit_code"] == 70:
            problems.append(f"{where}: exit 70 {record['stderr'][-400:]}")
        elif record["exit_code"] not in record["allowed"]:
            problems.append(f"{where}: exit {record['exit_code']} {record['stderr'][-300:]}")
        if "Traceback (most recent call last)" in record["stderr"]:
            problems.append(f"{where}: traceback printed")
        if record["json_error"]:
            problems.append(f"{where}: no JSON document: {record['json_error']}")
        if record["leaked"]:
            problems.append(f"{where}: printed a secret")
    problems += [f"written file holds a secret: {f}" for f in run.leaked_files]
    problems += [f"left running: {p}" for p in run.orphans]
    assert not problems, "\n".join(problems[:20]) + f"\n({len(problems)} in all)"


def test_a_file_name_that_is_not_utf8_is_printed_safely(tmp_path: Path) -> None:
    """A real process with a strict UTF-8 stdout (the click runner is lenient)."""
    name = tmp_path / os.fsdecode(b"project-\xff.yaml")
    name.write_text("call: X\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    for fmt in ("text", "json"):
        run = subprocess.run([sys.executable, "-m", "proposal_kit", "check", os.fsencode(name),
                              "--format", fmt], capture_output=True, env=env, timeout=120,
                             check=False)
        assert run.returncode in (1, 2), run.stderr
        assert b"Traceback" not in run.stderr and b"internal error" not in run.stderr
        if fmt == "json":
            assert json.loads(run.stdout)["file"].endswith("project-\udcff.yaml")
        else:
            assert b"project-<U+DCFF>.yaml" in run.stdout
