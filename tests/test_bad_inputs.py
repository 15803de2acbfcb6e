"""Bad inputs: every malformed project file gets a located finding, never a traceback.

Each case of ``bad_inputs/expected.yaml`` is checked with the real CLI in a subprocess, once
as text and once with ``--format json``. All the subprocesses run once per session, in
parallel, so the whole file stays fast. A case with an ``xfail`` field is a known bug of
proposal-kit: it is a strict xfail, so fixing the bug makes the suite fail until the field is
removed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from proposal_kit.yamlsource import MAX_FILE_BYTES

BAD = Path(__file__).resolve().parent / "bad_inputs"
CASES: list[dict[str, Any]] = yaml.safe_load(
    (BAD / "expected.yaml").read_text(encoding="utf-8"))["cases"]
TIMEOUT = 60  # seconds per CLI call; a hang is a failure, not a stuck suite


#: Bytecode cache of the CLI subprocesses, under the session's tmp folder (see below).
_PYCACHE: dict[str, Path] = {}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PROPOSAL_KIT_DEBUG", "PROPOSAL_KIT_CALLS", "PYTHONDONTWRITEBYTECODE")}
    env["NO_COLOR"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    if "dir" in _PYCACHE:
        env["PYTHONPYCACHEPREFIX"] = str(_PYCACHE["dir"])
    return env


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``python -m proposal_kit ARGS`` in a subprocess."""
    return subprocess.run([sys.executable, "-m", "proposal_kit", *map(str, args)],
                          capture_output=True, text=True, encoding="utf-8", errors="replace",
                          env=_env(), timeout=TIMEOUT, check=False)


@pytest.fixture(scope="session", autouse=True)
def _bytecode_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Let the subprocesses share compiled bytecode (a third faster each), kept out of the
    source tree, and fill it once before the parallel runs start."""
    _PYCACHE["dir"] = tmp_path_factory.mktemp("pycache")
    assert run_cli("--version").returncode == 0


def _write_oversized(path: Path) -> Path:
    """A well-formed project file padded with comments to just over the size limit."""
    head = ("# Bad input: a file over the size limit\n"
            "call: ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP\nacronym: BIG\npartners: []\n")
    pad = "# " + "padding " * 12 + "\n"
    count = (MAX_FILE_BYTES - len(head)) // len(pad) + 2
    path.write_text(head + pad * count, encoding="utf-8", newline="\n")
    assert path.stat().st_size > MAX_FILE_BYTES
    return path


GENERATORS = {"oversized": _write_oversized}


@dataclass(frozen=True)
class Runs:
    """Both CLI runs of one case."""

    path: Path
    text: subprocess.CompletedProcess[str]
    json: subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def cli_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Runs]:
    """Run ``check`` on every case, as text and as JSON, in parallel subprocesses."""
    generated = tmp_path_factory.mktemp("bad_inputs")
    paths = {}
    for case in CASES:
        kind = case.get("generate")
        paths[case["file"]] = (GENERATORS[kind](generated / case["file"]) if kind
                               else BAD / case["file"])
    jobs = [(name, fmt) for name in paths for fmt in ("text", "json")]
    with ThreadPoolExecutor(max_workers=max(4, 2 * (os.cpu_count() or 2))) as pool:
        done = dict(zip(jobs, pool.map(
            lambda job: run_cli("check", paths[job[0]], "--format", job[1]), jobs),
            strict=True))
    return {name: Runs(path, done[(name, "text")], done[(name, "json")])
            for name, path in paths.items()}


def _param(case: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(case, id=case["file"], marks=marks)


def test_corpus_is_complete() -> None:
    """Every committed input has an entry and every entry a file (or a generator)."""
    listed = {c["file"] for c in CASES}
    on_disk = {p.name for p in BAD.iterdir()} - {"expected.yaml", ".gitattributes"}
    generated = {c["file"] for c in CASES if c.get("generate")}
    assert on_disk == listed - generated
    assert not generated & on_disk, "generated inputs must not be committed"
    assert len(CASES) >= 30
    assert len(listed) == len(CASES), "duplicate file names in expected.yaml"


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_bad_input(case: dict[str, Any], cli_runs: dict[str, Runs]) -> None:
    runs = cli_runs[case["file"]]
    exit_code = case.get("exit", 1)
    code, line, message = case["code"], case["line"], case["message"]

    for run in (runs.text, runs.json):
        both = run.stdout + run.stderr
        assert "Traceback" not in both, both
        assert "internal error" not in both, both
        assert run.returncode == exit_code, f"exit {run.returncode}: {run.stderr.strip()}"

    # JSON: parses, and holds the expected finding at the expected line.
    data = json.loads(runs.json.stdout)
    seen = [(f["code"], f["line"]) for f in data["findings"]]
    with_code = [f for f in data["findings"] if f["code"] == code]
    assert with_code, f"no {code} finding; found {seen}"
    at_line = [f for f in with_code if f["line"] == line]
    assert at_line, f"{code} expected on line {line}, found {seen}"
    found = [f for f in at_line if message in f["message"]]
    assert found, f"{message!r} not in {[f['message'] for f in at_line]}"
    item = found[0]
    assert item["severity"] == "error"
    assert "\n" not in item["message"], f"multi-line message: {item['message']!r}"
    assert "<unicode string>" not in item["message"], item["message"]
    if "hint" in case:
        assert item.get("hint", "") == case["hint"]
    if case["fatal"]:
        assert data["eligible"] is None, "an invalid file must not get a verdict"
    else:
        assert data["eligible"] is not None
    assert data["summary"]["error"] >= 1

    # Text: the same finding as file:line: ... [code].
    where = f"{runs.path}:{line}:" if line is not None else f"{runs.path}: error"
    lines = [x.strip() for x in runs.text.stdout.splitlines()]
    assert any(x.startswith(where) and f"[{code}]" in x for x in lines), runs.text.stdout
    if case["fatal"]:
        assert "not checked (invalid file)" in runs.text.stdout


PAYLOADS = [
    # (key: value) lines that would create MARKER if the YAML were loaded unsafely.
    'keywords: !!python/object/apply:os.system ["touch MARKER"]',
    'title: !!python/object/apply:os.system ["touch MARKER"]',
    'keywords: !!python/object/apply:builtins.open ["MARKER", "w"]',
    'title: !!python/object/new:builtins.open ["MARKER", "w"]',
    'variables: !!python/object/apply:builtins.open {args: ["MARKER", "w"]}',
    'favourite: !!python/object/apply:builtins.open ["MARKER", "w"]',
]


def test_unsafe_tags_never_execute(tmp_path: Path) -> None:
    """Each payload in its own file, all checked in one CLI call per format (fast)."""
    files, markers = [], []
    for n, payload in enumerate(PAYLOADS):
        marker = tmp_path / f"executed-{n}.txt"
        value = payload.replace('"MARKER"', json.dumps(str(marker))).replace(
            "touch MARKER", f"touch {marker.as_posix()}")
        file = tmp_path / f"project-{n}.yaml"
        file.write_text("call: ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP\nacronym: TAG\n"
                        f"partners: []\n{value}\n", encoding="utf-8")
        files.append(file)
        markers.append(marker)
    for fmt in ("text", "json"):
        run = run_cli("check", *files, "--format", fmt)
        executed = [p for p, m in zip(PAYLOADS, markers, strict=True) if m.exists()]
        assert not executed, f"tags were executed: {executed}"
        assert "Traceback" not in run.stdout + run.stderr
        assert run.returncode in (0, 1), run.stderr
        for file in files:
            assert str(file) in run.stdout


def test_a_refused_value_is_reported_once(tmp_path: Path) -> None:
    """The tag's own finding says why; no second "expected text, got None" at that key."""
    file = tmp_path / "project.yaml"
    file.write_text("call: ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP\n"
                    "acronym: !!python/object:os.system X\npartners: []\n"
                    "duration_months: .nan\n", encoding="utf-8")
    run = run_cli("check", file, "--format", "json")
    findings = [(f["code"], f["path"], f["line"]) for f in json.loads(run.stdout)["findings"]
                if f["severity"] == "error"]
    assert findings == [("schema.yaml-tag", "acronym", 2),
                        ("schema.value", "duration_months", 4)], findings


def test_unsafe_payload_is_live(tmp_path: Path) -> None:
    """Control: the same payload does run under an unsafe loader, so the test above bites."""
    marker = tmp_path / "executed.txt"
    doc = f"x: !!python/object/apply:builtins.open [{json.dumps(str(marker))}, 'w']\n"
    yaml.unsafe_load(doc)["x"].close()
    assert marker.exists()


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_missing_file_is_a_usage_error(tmp_path: Path, fmt: str) -> None:
    missing = tmp_path / "no-such-project.yaml"
    run = run_cli("check", missing, "--format", fmt)
    assert run.returncode == 2
    assert "Traceback" not in run.stdout + run.stderr
    assert "no such file" in run.stderr and str(missing) in run.stderr
    if fmt == "json":  # JSON always: the report of the file, with its one error
        report = json.loads(run.stdout)
        assert [f["code"] for f in report["findings"]] == ["schema.file"]


def test_folder_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli("check", tmp_path)
    assert run.returncode == 2
    assert "Traceback" not in run.stdout + run.stderr
    assert str(tmp_path.name) in run.stderr
