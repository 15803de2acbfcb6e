"""Loading: positions, YAML 1.2 booleans and numbers, section files, messages with hints."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import LOT2, project
from proposal_kit import check_file, load_project
from proposal_kit.project import ProjectFileError
from proposal_kit.yamlsource import read_yaml

Writer = Callable[..., Path]


def test_positions_point_at_keys(write_project: Writer) -> None:
    path = write_project("call: X\nacronym: Y\npartners:\n  - id: P1\n    name: N\n")
    doc = read_yaml(path)
    assert doc.locate(("partners", 0, "name")) == (5, 5)
    assert doc.locate(("partners", 0, "missing")) == (4, 5)  # falls back to the parent


def test_norway_stays_norway(write_project: Writer) -> None:
    data = project()
    data["partners"][-1]["country"] = "NO"
    text = write_project(data).read_text().replace("'NO'", "NO")
    proposal = load_project(write_project(text)).proposal
    assert proposal.partners[-1].country == "NO"


def test_numbers_read_as_yaml_1_2_not_octal_or_base_60(write_project: Writer) -> None:
    """YAML 1.1 read 036 as the octal 30 and 1:30 as the base-60 90: silently wrong."""
    path = write_project("a: 036\nb: '036'\nc: 1:30\nd: 0x1F\ne: 1_000\nf: 2.50\ng: 012345678\n")
    assert read_yaml(path).data == {"a": "036", "b": "036", "c": "1:30", "d": 31, "e": 1000,
                                     "f": 2.5, "g": "012345678"}
    data = project()
    data["duration_months"] = 36
    data["partners"][0]["pic"] = "012345670"
    text = write_project(data).read_text()
    assert "duration_months: 36" in text and "'012345670'" in text
    text = text.replace("duration_months: 36", "duration_months: 036")
    proposal = load_project(write_project(text.replace("'012345670'", "012345670"))).proposal
    assert proposal.duration_months == 36
    assert proposal.partners[0].pic == "012345670"  # a text field keeps the leading zero
    report = check_file(write_project(text.replace("duration_months: 036",
                                                   "duration_months: 3:00")))
    problem = next(f for f in report.findings if f.path == ("duration_months",))
    assert problem.code == "schema.type" and problem.line == text.count(
        "\n", 0, text.index("duration_months")) + 1


def test_an_invisible_character_in_the_acronym_is_refused(write_project: Writer) -> None:
    """The acronym reaches every page header and the output's name: U+FEFF would hide there."""
    data = project()
    data["partners"][0]["short_name"] = "UNI\u200bX"
    text = write_project(data).read_text(encoding="utf-8")
    text = text.replace(f"acronym: {data['acronym']}", 'acronym: "A\\ufeffB"')
    report = check_file(write_project(text))
    found = {f.path: f.message for f in report.findings if f.code == "schema.value"}
    assert "the acronym contains U+FEFF (ZERO WIDTH NO-BREAK SPACE)" in found[("acronym",)]
    assert "the short name contains U+200B" in found[("partners", 0, "short_name")]


def test_unknown_key_has_line_and_hint(write_project: Writer) -> None:
    text = f"call: {LOT2}\nacronym: X\nparnters: []\npartners: []\n"
    with pytest.raises(ProjectFileError) as info:
        load_project(write_project(text))
    item = info.value.findings[0]
    assert (item.code, item.line, item.hint) == ("schema.unknown-key", 3,
                                                 "did you mean 'partners'?")


def test_all_schema_problems_reported_in_one_pass(write_project: Writer) -> None:
    text = (f"call: {LOT2}\nacronym: X\nduration_months: many\npartners:\n"
            "  - {id: P1, name: A, country: XX, type: hei, role: boss}\n")
    report = check_file(write_project(text))
    assert report.eligible is None
    assert [f.line for f in report.findings] == [3, 5, 5]
    assert {f.code for f in report.findings} == {"schema.type", "schema.value"}


def test_section_text_inline_and_from_file(write_project: Writer, tmp_path: Path) -> None:
    (tmp_path / "impact.md").write_text("Impact **text**.", encoding="utf-8")
    data = project(sections={"summary": "Short summary.", "impact": {"file": "impact.md"}})
    loaded = load_project(write_project(data))
    assert loaded.texts == {"summary": "Short summary.", "impact": "Impact **text**."}


def test_missing_section_file_is_located(write_project: Writer) -> None:
    data = project(sections={"impact": {"file": "nowhere.md"}})
    report = check_file(write_project(data))
    item = next(f for f in report.findings if f.code == "schema.missing-file")
    assert "nowhere.md" in item.message and item.line is not None


def test_unknown_section_key_hint(write_project: Writer) -> None:
    report = check_file(write_project(project(sections={"sustainabilty": "x"})))
    assert report.findings[0].hint == "did you mean 'sustainability'?"


def test_utf8_names_survive(write_project: Writer) -> None:
    data = project()
    data["partners"][0]["name"] = "Škoda Akademie — Северна Македонија Türkiye"
    proposal = load_project(write_project(data)).proposal
    assert proposal.partners[0].name.startswith("Škoda")
