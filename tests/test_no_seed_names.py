"""No output names a source by an internal file name ("seed 002") or says "seed".

Sources are named by their public titles. This scans what users and partners see: `calls`,
`check`, `review`, `proof` and `plan` (text and JSON), the .ics calendar, the project schema and the
rendered Markdown and HTML drafts of both examples and of a fresh `init` of every topic. The
built docs site is scanned in test_docs.py (it shares that module's build).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, OFFICIAL, ROOT
from proposal_kit.calls import available_calls
from proposal_kit.cli import cli
from proposal_kit.project import load_project
from proposal_kit.render import render_bytes

#: File names of the copied public pages, wherever they sit beside the checkout.
SEED_DIRS = (OFFICIAL.parent / "seeds", ROOT.parent / "shared" / "seeds")


def _seed_names() -> set[str]:
    names: set[str] = set()
    for folder in SEED_DIRS:
        if folder.is_dir():
            names |= {p.name for p in folder.iterdir()} | {p.stem for p in folder.iterdir()}
    return names


FORBIDDEN = [re.compile(r"(?i)\bseeds?\b"), re.compile(r"\b\d{3}_[0-9a-f]{16}\b")]


def offences(text: str, names: set[str] | None = None) -> list[str]:
    """Each forbidden word or seed file name in ``text``, with some context."""
    found = []
    for pattern in FORBIDDEN:
        found += [text[max(0, m.start() - 40):m.end() + 40] for m in pattern.finditer(text)]
    found += [name for name in (names if names is not None else _seed_names()) if name in text]
    return found


def test_the_scan_catches_what_it_must() -> None:
    assert offences("source: Call content (seed 002)", set())
    assert offences("see 002_1dc49af78d590f5b.txt", set())
    assert offences("Seeds of the text", set())
    assert not offences("EU Funding & Tenders portal: call topic ERASMUS-EDU-2026-PI-ALL-INNO-"
                        "BLUEPRINT; proceeds, seeded-less", set())


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.output


def _projects(tmp_path: Path) -> Iterator[Path]:
    yield EXAMPLES / "lot1-education-enterprises" / "project.yaml"
    yield EXAMPLES / "lot2-blueprint" / "project.yaml"
    for topic in available_calls():
        folder = tmp_path / topic
        _cli("init", str(folder), "--call", topic, "--acronym", "SCANX")
        yield folder / "project.yaml"


def test_no_output_names_a_seed(tmp_path: Path) -> None:
    outputs: dict[str, str] = {"calls": _cli("calls"),
                               "calls --ecosystems": _cli("calls", "--ecosystems"),
                               "schema": _cli("schema")}
    for topic in available_calls():
        for fmt in ("text", "json"):
            outputs[f"calls {topic} {fmt}"] = _cli("calls", topic, "--format", fmt)
        ics = tmp_path / f"{topic}.ics"
        outputs[f"plan {topic}"] = _cli("plan", "--call", topic, "--ics", str(ics),
                                        "--today", "2026-01-01")
        outputs[f"plan {topic} json"] = _cli("plan", "--call", topic, "--format", "json",
                                             "--today", "2026-01-01")
        outputs[f"{topic}.ics"] = ics.read_text(encoding="utf-8")
    for project in _projects(tmp_path):
        name = project.parent.name
        for fmt in ("text", "json"):
            outputs[f"check {name} {fmt}"] = _cli("check", str(project), "--format", fmt)
            outputs[f"review {name} {fmt}"] = _cli("review", str(project), "--format", fmt)
            outputs[f"proof {name} {fmt}"] = _cli("proof", str(project), "--format", fmt)
        outputs[f"plan {name}"] = _cli("plan", str(project), "--today", "2026-01-01")
        loaded = load_project(project)
        outputs[f"render {name} md"] = render_bytes(loaded, "md").decode("utf-8")
        outputs[f"render {name} html"] = render_bytes(loaded, "html").decode("utf-8")
    assert len(outputs) > 40
    names = _seed_names()
    bad = {what: hits[:3] for what, text in outputs.items() if (hits := offences(text, names))}
    assert not bad, bad


@pytest.mark.parametrize("folder", ["toolkit", "templates", "generic_texts", "docs",
                                    "examples"])
def test_no_shipped_file_names_a_seed(folder: str) -> None:
    """The data, templates and texts the outputs come from (a faster, wider net)."""
    names = _seed_names()
    bad = []
    for path in sorted((ROOT / folder).rglob("*")):
        if (not path.is_file() or path.suffix not in (".yaml", ".md", ".j2", ".txt", ".py")
                or "_build" in path.parts or "generated" in path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":  # identifiers of LibreOffice profile seeding (pages/)
            text = re.sub(r"_(save_)?seed\b|_SEEDED\b|\.seed-", "", text)
        bad += [f"{path.relative_to(ROOT)}: {hit}" for hit in offences(text, names)]
    assert not bad, bad
