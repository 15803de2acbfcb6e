"""Mistakes that used to give a confusing message get one that says what to do, located."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES
from proposal_kit import load_project
from proposal_kit.check import check_file
from proposal_kit.cli import cli
from proposal_kit.errors import InputError
from proposal_kit.findings import Finding
from proposal_kit.plan import load_steps
from proposal_kit.texts.frontmatter import parse_text_file

PLAN = Path(__file__).resolve().parent.parent / "toolkit" / "proposal_kit" / "data" / "plan.yaml"


@pytest.fixture
def lot1(tmp_path: Path) -> Path:
    target = tmp_path / "proj"
    shutil.copytree(EXAMPLES / "lot1-education-enterprises", target)
    return target / "project.yaml"


def _errors(file: Path) -> list[Finding]:
    return [f for f in check_file(file).findings if f.severity.value == "error"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_section_saved_as_utf16_is_named_so(lot1: Path, encoding: str) -> None:
    section = lot1.parent / "sections" / "needs.md"
    section.write_bytes(section.read_text(encoding="utf-8").encode(encoding))
    wide = encoding[:6].upper()
    [error] = _errors(lot1)
    assert f"needs.md is {wide} encoded; save it as UTF-8" in error.message
    entry = next(n for n, line in enumerate(lot1.read_text(encoding="utf-8").splitlines(), 1)
                 if "sections/needs.md" in line)
    assert error.file is None and error.line == entry  # the project file, at the section
    result = CliRunner().invoke(cli, ["render", str(lot1), "-o", str(lot1.parent / "o.md")])
    assert result.exit_code == 1 and f"is {wide} encoded; save it as UTF-8" in result.stderr
    assert "Traceback" not in result.output


def test_a_latin1_section_still_names_the_byte(lot1: Path) -> None:
    (lot1.parent / "sections" / "needs.md").write_bytes("Škoda and Türkiye\n".encode("cp1250"))
    [error] = _errors(lot1)
    assert "is not valid UTF-8 (byte 0x8a on line 1)" in error.message


def test_a_generic_text_saved_as_utf16_is_named_so(tmp_path: Path) -> None:
    text = tmp_path / "x.md"
    text.write_bytes("---\ntitle: X\n---\nBody.\n".encode("utf-16"))
    _, problems = parse_text_file(text, "x", tmp_path)
    assert [p.message for p in problems] == ["the file is UTF-16 encoded; save it as UTF-8"]


@pytest.mark.parametrize(("value", "shown"), [
    ("20261201", "not 20261201"), ("2026_12_01", "not 20261201"), ("0", "not 0"),
    ("true", "not true"), ("2026-12-01 10:00:00", "without a time"),
    ("'1.12.2026'", "got '1.12.2026'"),
])
def test_a_start_date_not_written_as_a_date_says_how(lot1: Path, value: str,
                                                     shown: str) -> None:
    text = lot1.read_text(encoding="utf-8")
    lines = text.splitlines()
    number = next(n for n, line in enumerate(lines) if line.startswith("start_date:"))
    lines[number] = f"start_date: {value}"
    lot1.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [error] = _errors(lot1)
    assert "a date must be written YYYY-MM-DD (e.g. 2026-12-01)" in error.message
    assert shown in error.message and error.line == number + 1


def test_a_start_date_written_as_a_date_is_kept(lot1: Path) -> None:
    assert str(load_project(lot1).proposal.start_date).count("-") == 2


def test_a_time_in_a_plan_file_reads_as_written_quoted_or_not(tmp_path: Path) -> None:
    """YAML 1.1 read an unquoted 9:30 as the base-60 number 570: it is the time 09:30."""
    text = PLAN.read_text(encoding="utf-8")
    first = text.index("    offset_days:")
    steps = tmp_path / "steps.yaml"
    for written in ("9:30", "09:30", "'09:30'", "'9:30'"):
        steps.write_text(text[:first] + f"    time: {written}\n" + text[first:],
                         encoding="utf-8")
        assert load_steps(steps)[0].steps[0].time == "09:30", written
    steps.write_text(text[:first] + "    time: 930\n" + text[first:], encoding="utf-8")
    line = text[:first].count("\n") + 1
    with pytest.raises(InputError) as raised:
        load_steps(steps)
    assert "a time is written HH:MM, e.g. time: '09:30', not the number 930" in \
        raised.value.message
    assert raised.value.location is not None and raised.value.location.line == line
    steps.write_text(text[:first] + "    time: '09:30'\n" + text[first:], encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", "--steps", str(tmp_path / "steps.yaml"),
                                      "--deadline", "2027-03-01"])
    assert result.exit_code == 0, result.output
