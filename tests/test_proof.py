"""`proposal-kit proof`: prose against the data, names, acronyms, EU English, style, comments."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from docx import Document

from conftest import EXAMPLES, IN_CI, ROOT, official_file, project, require_tool
from proposal_kit.cli import cli
from proposal_kit.errors import ExternalToolError
from proposal_kit.proof import CODES, proof_file
from proposal_kit.proof.english import dictionary
from proposal_kit.proof.numbers import AMOUNT, amount_at


@pytest.fixture(scope="module", autouse=True)
def en_gb() -> Any:
    """The hunspell en-GB dictionary (Debian hunspell-en-gb); CI must have it."""
    try:
        return dictionary()
    except ExternalToolError as exc:
        if IN_CI:
            pytest.fail(f"the en-GB dictionary is required in CI: {exc}")
        pytest.skip(f"no en-GB dictionary ({exc}); ./scripts/setup installs it")


def _copy(example: str, tmp_path: Path) -> Path:
    target = tmp_path / example
    shutil.copytree(EXAMPLES / example, target)
    return target / "project.yaml"


def _append(section: Path, lines: list[str]) -> int:
    """Append a paragraph per line to ``section``; the line number of the first."""
    text = section.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    first = text.count("\n") + 1
    section.write_text(text + "\n\n".join(lines) + "\n", encoding="utf-8")
    return first


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _json(file: Path) -> dict[str, Any]:
    code, out = _run("proof", str(file), "--format", "json")
    data: dict[str, Any] = json.loads(out)
    data["exit"] = code
    return data


def _at(data: dict[str, Any], code: str) -> list[tuple[str, int, int]]:
    return [(Path(f["file"]).name, f["line"], f["column"]) for f in data["findings"]
            if f["code"] == code]


# -- the judged scenario ---------------------------------------------------------------------
def test_lot2_copy_with_wrong_facts_in_1_1_reports_each_at_its_line(tmp_path: Path) -> None:
    file = _copy("lot2-blueprint", tmp_path)
    background = file.parent / "sections" / "background.md"
    first = _append(background, [
        "RENEXUS is a 36-month project of 12 partners with EUR 2.1 million.",
        "The sector skills strategy (D2.3, month 14) frames the curricula.",
        "Partners will recieve the observatory data every year.",
        "The organization of the pilots follows the strategy.",
        "Each pilot is audited under the QMS of its provider.",
    ])
    lines = [first + 2 * i for i in range(5)]
    text = background.read_text(encoding="utf-8").splitlines()

    def at(line: int, token: str) -> tuple[str, int, int]:
        return "background.md", line, text[line - 1].index(token) + 1

    data = _json(file)
    assert data["exit"] == 1
    assert at(lines[0], "36-month") in _at(data, "proof.facts.duration")
    assert at(lines[0], "12 partners") in _at(data, "proof.facts.count")
    assert at(lines[0], "EUR 2.1") in _at(data, "proof.facts.money")
    assert at(lines[1], "14)") in _at(data, "proof.facts.due-month")
    assert at(lines[2], "recieve") in _at(data, "proof.english.spelling")
    assert at(lines[3], "organization") in _at(data, "proof.english.us-variant")
    assert at(lines[4], "QMS") in _at(data, "proof.acronyms.undefined")
    by_code = {f["code"]: f for f in data["findings"] if Path(f["file"]).name ==
               "background.md" and f["line"] in lines}
    duration = by_code["proof.facts.duration"]
    assert duration["severity"] == "error"
    assert duration["quote"] == "RENEXUS is a 36-month project of 12 partners with EUR 2.1 " \
        "million."
    assert duration["data"]["value"] == 48
    assert duration["data"]["where"] == "project.yaml:9"
    assert by_code["proof.facts.due-month"]["data"]["value"] == 12
    assert by_code["proof.facts.money"]["data"]["where"].startswith("project.yaml:")
    assert "receive" in by_code["proof.english.spelling"]["hint"]
    assert "organisation" in by_code["proof.english.us-variant"]["message"]
    assert set(data) >= {"findings", "summary"}
    assert set(duration) >= {"code", "severity", "message", "file", "line", "column", "quote",
                             "data"}


def test_check_includes_proof_only_when_asked(tmp_path: Path) -> None:
    file = _copy("lot2-blueprint", tmp_path)
    _append(file.parent / "sections" / "background.md",
            ["RENEXUS is a 36-month project of 12 partners with EUR 2.1 million."])
    code, out = _run("check", "--strict", str(file))
    assert code == 0 and "proof.facts" not in out
    code, out = _run("check", "--proof", str(file))
    assert code == 1 and "[proof.facts.duration]" in out
    code, out = _run("check", "--proof", "--format", "json", str(file))
    assert code == 1 and json.loads(out)["proof"]["summary"]["error"] == 3


@pytest.mark.parametrize("example", ["lot1-education-enterprises", "lot2-blueprint"])
def test_the_shipped_examples_proof_with_no_error(example: str) -> None:
    report = proof_file(EXAMPLES / example / "project.yaml")
    assert report.summary["error"] == 0, [f.to_dict() for f in report.findings
                                          if f.severity.value == "error"]
    code, out = _run("proof", str(EXAMPLES / example / "project.yaml"))
    assert code == 0
    assert "0 errors" in out


# -- every kind of contradiction ------------------------------------------------------------
def test_a_mutated_example_has_each_contradiction_caught_where_it_is(tmp_path: Path) -> None:
    file = _copy("lot2-blueprint", tmp_path)
    needs = file.parent / "sections" / "needs.md"
    first = _append(needs, [
        "The alliance runs for four years with 14 full partners from 11 countries.",
        "RENEXUS brings together twelve beneficiaries in six work packages.",
        "The estimated budget is €6 M, and the EU contribution is 3,724,931 EUR.",
        "The lump sum is paid at a funding rate of 70 % of the estimated budget.",
        "The estimated budget of 4,870,000 covers 1,200 learners.",
        "The observatory goes online with MS4 by month 10 and D9.9 follows.",
        "WP3 (European core curricula for a proactive response) starts in month 13.",
        "VUAS (Spain) coordinates the alliance.",
        "A follow-up conference takes place in month 52.",
    ])
    lines = [first + 2 * i for i in range(9)]
    bare = lines.pop(4)
    data = _json(file)
    errors = {(f["code"], f["line"]) for f in data["findings"] if f["severity"] == "error"}
    assert ("proof.facts.money", bare) in errors  # 4,870,000 is not 4,656,164
    assert ("proof.facts.duration", lines[0]) not in errors  # four years = 48 months
    assert ("proof.facts.count", lines[0]) not in errors  # 14 full partners, 11 countries
    assert ("proof.facts.count", lines[1]) in errors  # 14 beneficiaries (13 + coordinator)
    assert ("proof.facts.money", lines[2]) in errors  # €6 M: neither 4.66 M nor 3.72 M
    assert sum(1 for c, line in errors if c == "proof.facts.money" and line == lines[2]) == 1
    assert ("proof.facts.rate", lines[3]) in errors
    assert ("proof.facts.due-month", lines[4]) in errors  # MS4 is due in month 15
    assert ("proof.facts.unknown-id", lines[4]) in errors
    assert ("proof.facts.wp-title", lines[5]) in errors  # that is WP4's title
    assert ("proof.facts.country", lines[6]) in errors
    assert ("proof.facts.beyond-duration", lines[7]) in errors
    counts = [f for f in data["findings"] if f["code"] == "proof.facts.count"
              and f["line"] == lines[1]]
    assert len(counts) == 1  # the data has 14 beneficiaries and six work packages
    assert "twelve beneficiaries" in counts[0]["message"]
    assert counts[0]["data"]["where"].startswith("project.yaml:")


def test_names_acronyms_terms_and_style(tmp_path: Path) -> None:
    file = _copy("lot2-blueprint", tmp_path)
    impact = file.parent / "sections" / "impact.md"
    repeated = ("The observatory publishes comparable data on skills demand and supply "
                "for companies, providers and public authorities every year.")
    first = _append(impact, [
        "Universidad Politecnica del Ebro leads the accreditation of the units.",
        "Renexus partners and Upebro staff meet twice a year.",
        "All member states and the Erasmus Plus Programme Guide are addressed.",
        "It is important to note that the pilots start early.",
        repeated,
        repeated,
    ])
    lines = [first + 2 * i for i in range(6)]
    data = _json(file)
    found = {(f["code"], f["line"]) for f in data["findings"]}
    assert ("proof.names.partner", lines[0]) in found
    assert ("proof.names.acronym", lines[1]) in found
    assert ("proof.names.partner", lines[1]) in found  # Upebro for UPEbro
    assert ("proof.english.eu-term", lines[2]) in found
    assert ("proof.style.filler", lines[3]) in found
    assert ("proof.style.repeated", lines[5]) in found
    assert ("proof.style.repeated", lines[4]) not in found


def test_acronym_used_before_its_definition(write_project: Callable[..., Path]) -> None:
    file = write_project(project(sections={"background": {"text": (
        "The QMS is audited yearly.\n\nA quality management system (QMS) is in place.\n")}}))
    report = proof_file(file)
    codes = [(f.code, f.line) for f in report.findings if f.code.startswith("proof.acronyms")]
    assert codes[0][0] == "proof.acronyms.before-definition"
    assert codes[0][1] is not None


def test_markup_code_links_and_directives_are_not_prose(tmp_path: Path,
                                                       write_project: Callable[..., Path]) \
        -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "background.md").write_text(
        "# Heading about the 36-month project\n\n"
        "Some **bold** text with [a link](https://example.org/36-month-project) and "
        "`code: a 36-month project`.\n\n"
        "- A list item: the project lasts 48 months.\n\n"
        "| Item | Note |\n|---|---|\n| Budget | a 12-month project |\n\n"
        "```{gantt}\n36-month project\n```\n\n"
        "{{ project.acronym }} is a 24-month project.\n", encoding="utf-8")
    file = write_project(project(sections={"background": {"file": "sections/background.md"}}))
    found = [(f.line, f.column) for f in proof_file(file).findings
             if f.code == "proof.facts.duration"]
    assert found == [(1, 21), (9, 14), (15, 28)]


# -- numbers --------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "value"), [
    ("EUR 1,000", 1000), ("EUR 1 000", 1000), ("EUR 1.5 million", 1_500_000),
    ("€1.5M", 1_500_000), ("€4 M", 4_000_000), ("4,987,000 EUR", 4_987_000),
    ("EUR 2.1 million", 2_100_000), ("1 500 000 euros", 1_500_000)])
def test_amounts_are_read_in_the_formats_proposals_use(text: str, value: float) -> None:
    match = AMOUNT.search(text)
    assert match is not None
    amount = amount_at(match)
    assert amount is not None
    assert amount.value == pytest.approx(value)


def test_no_false_positives_on_number_formats(write_project: Callable[..., Path]) -> None:
    wps = [{"id": "WP1", "title": "Management", "lead": "P1", "start": 1, "end": 48,
            "budget": {"P1": 1_500_000}, "deliverables": [
                {"title": "Plan", "due": 6}]}]
    text = ("The project has an estimated budget of EUR 1.5 million (€1.5M), that is "
            "EUR 1,500,000 or 1 500 000 euros; the EU contribution is EUR 1.2 million.\n\n"
            "It trains 1,000 learners, then 1 000 more, with 1.5 million views online.\n\n"
            "The budget of 1,500,000 is in the budget table; 1 500 000 too.\n\n"
            "The plan (D1.1, M6) is due in month 6, and the 12 partners meet in M48.\n")
    file = write_project(project(work_packages=wps, sections={"background": {"text": text}}))
    report = proof_file(file)
    assert [f.to_dict() for f in report.findings if f.severity.value == "error"] == []


# -- switching rules off --------------------------------------------------------------------
def test_rules_are_switched_off_per_project_and_per_line(write_project: Callable[..., Path]) \
        -> None:
    text = ("TESTX is a 36-month project.\n\n"
            "TESTX is a 24-month project. <!-- proof: ignore proof.facts.duration -->\n\n"
            "<!-- proof: ignore -->\nTESTX is a 12-month project with a recieved plan.\n")
    file = write_project(project(sections={"background": {"text": text}}))
    lines = [f.line for f in proof_file(file).findings if f.code == "proof.facts.duration"]
    assert len(lines) == 1
    file = write_project(project(sections={"background": {"text": text}},
                                 proof={"ignore": ["proof.facts"]}))
    assert not [f for f in proof_file(file).findings if f.code.startswith("proof.facts")]


def test_an_unknown_ignore_code_is_a_schema_error(write_project: Callable[..., Path]) -> None:
    file = write_project(project(proof={"ignore": ["proof.facts.durations"]}))
    code, out = _run("check", str(file))
    assert code == 1
    assert "did you mean 'proof.facts.duration'?" in out


def test_a_rule_named_by_its_last_word_gets_a_hint(write_project: Callable[..., Path]) -> None:
    file = write_project(project(proof={"ignore": ["spelling"]}))
    code, out = _run("proof", str(file))
    assert code == 1
    assert "did you mean 'proof.english.spelling'?" in out and "Traceback" not in out


def test_a_missing_section_file_is_reported_not_skipped(
        write_project: Callable[..., Path]) -> None:
    file = write_project(project(sections={"background": {"file": "sections/nope.md"}}))
    code, out = _run("proof", str(file))
    assert code == 1
    assert "[schema.missing-file]" in out and "nope.md" in out


def test_inline_text_in_project_yaml_is_located_in_project_yaml(
        write_project: Callable[..., Path]) -> None:
    data = project()
    data["sections"] = {"background": {"text": "First line.\n\nTESTX is a 36-month project.\n"}}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_style=None)
    file = write_project(text)
    finding = next(f for f in proof_file(file).findings if f.code == "proof.facts.duration")
    lines = file.read_text(encoding="utf-8").splitlines()
    assert finding.file.endswith("project.yaml")
    assert finding.line is not None and finding.column is not None
    assert lines[finding.line - 1][finding.column - 1:].startswith("36-month")


def test_prose_in_the_data_is_proofread_in_project_yaml(write_project: Callable[..., Path]) \
        -> None:
    wps = [{"id": "WP1", "title": "Management", "lead": "P1", "start": 1, "end": 48,
            "description": "Coordination of the 36-month project and its recieved data.",
            "deliverables": [{"title": "Plan", "due": 6}]}]
    file = write_project(project(work_packages=wps))
    report = proof_file(file)
    lines = file.read_text(encoding="utf-8").splitlines()
    for code, token in (("proof.facts.duration", "36-month"),
                        ("proof.english.spelling", "recieved")):
        item = next(f for f in report.findings if f.code == code)
        assert item.file.endswith("project.yaml") and item.section == \
            "work_packages[0].description"
        assert item.line is not None and item.column is not None
        assert lines[item.line - 1][item.column - 1:].startswith(token)


# -- the reference of codes ------------------------------------------------------------------
def test_every_code_is_documented_in_the_guide() -> None:
    page = (ROOT / "docs" / "reference" / "proof-codes.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code}`" in page, code


# -- Word comments ---------------------------------------------------------------------------
REPEATED = ("The observatory publishes comparable data on skills demand and supply for "
            "companies, providers and public authorities every year.")


def _rendered_mutant(tmp_path: Path) -> tuple[Path, Path]:
    file = _copy("lot2-blueprint", tmp_path)
    _append(file.parent / "sections" / "background.md", [
        "RENEXUS is a 36-month project of 12 partners with EUR 2.1 million.",
        "The sector skills strategy (D2.3, month 14) frames the curricula.",
        REPEATED, REPEATED,
    ])
    draft = tmp_path / "draft.docx"
    code, out = _run("render", str(file), "-o", str(draft))
    assert code == 0, out
    return file, draft


def _comments(docx: Path) -> list[str]:
    return [c.text for c in Document(str(docx)).comments]


def test_proof_docx_writes_one_comment_per_finding(tmp_path: Path) -> None:
    file, draft = _rendered_mutant(tmp_path)
    out = tmp_path / "proofed.docx"
    code, text = _run("proof", str(file), "--docx", str(draft), "-o", str(out))
    assert code == 1  # the wrong facts are errors
    report = proof_file(file)
    placed = int(re.search(r"(\d+) comments", text).group(1))  # type: ignore[union-attr]
    comments = _comments(out)
    assert len(comments) == placed
    unplaced = re.findall(r"not placed \(sentence not in draft.docx\): (\S+?):\d+:", text)
    assert placed + len(unplaced) == len(report.findings)
    # every finding of a section the draft prints is placed; what finds no sentence is a
    # text the draft does not print (the summary goes to Part A; partners' profiles)
    assert {Path(u).name for u in unplaced} <= {"summary.md", "project.yaml"}
    assert any("[proof.facts.duration]" in c and "project.yaml:9" in c for c in comments)
    document = Document(str(out))
    xml = document.element.xml
    assert xml.count("w:commentRangeStart") == placed
    # the comment covers the sentence, not the whole paragraph; a repeated sentence's
    # comment sits on the second occurrence
    bodies = [p._p for p in document.paragraphs if p.text == REPEATED]
    assert len(bodies) == 2
    assert "commentRangeStart" not in bodies[0].xml and "commentRangeStart" in bodies[1].xml
    para = next(p for p in document.paragraphs if p.text.startswith("RENEXUS is a 36-month"))
    assert para._p.xml.count("commentRangeStart") == 3  # duration, count, money
    # a second run replaces the unchanged output; an edited one needs --force
    code, _ = _run("proof", str(file), "--docx", str(draft), "-o", str(out))
    assert code == 1 and len(_comments(out)) == placed
    foreign = tmp_path / "mine.docx"
    Document().save(str(foreign))
    code, text = _run("proof", str(file), "--docx", str(draft), "-o", str(foreign))
    assert code == 3 and "--force" in text
    code, _ = _run("proof", str(file), "--docx", str(draft), "-o", str(foreign), "--force")
    assert code == 1 and (tmp_path / "mine.backup-1.docx").exists()


@pytest.mark.official
def test_proof_docx_comments_the_filled_official_form(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    form = official_file("partb-form-*.docx")
    file, _ = _rendered_mutant(tmp_path)
    filled = tmp_path / "filled.docx"
    code, out = _run("render", str(file), "--form", str(form), "-o", str(filled), "--force")
    assert code == 0, out
    out_file = tmp_path / "filled-proofed.docx"
    monkeypatch.chdir(file.parent)  # FILE defaults to project.yaml in the current folder
    code, out = _run("proof", "--docx", str(filled), "-o", str(out_file))
    assert code == 1, out
    placed = int(re.search(r"(\d+) comments", out).group(1))  # type: ignore[union-attr]
    comments = _comments(out_file)
    assert len(comments) == placed > 0
    assert any("[proof.facts.due-month]" in c for c in comments)


@pytest.mark.libreoffice
def test_libreoffice_shows_the_comments_one_per_finding(tmp_path: Path) -> None:
    soffice = require_tool("soffice")
    file, draft = _rendered_mutant(tmp_path)
    out = tmp_path / "proofed.docx"
    _run("proof", str(file), "--docx", str(draft), "-o", str(out))
    expected = len(_comments(out))
    assert expected > 0
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "fodt", "--outdir", str(tmp_path / "lo"), str(out)],
                   check=True, capture_output=True, timeout=180)
    fodt = (tmp_path / "lo" / "proofed.fodt").read_text(encoding="utf-8")
    annotations = re.findall(r"<office:annotation(?:\s[^>]*)?>(.*?)</office:annotation>",
                             fodt, re.DOTALL)
    assert len(annotations) == expected
    assert any("proof.facts.duration" in a for a in annotations)


def test_markdown_report(write_project: Callable[..., Path]) -> None:
    file = write_project(project(sections={"background": {"text": "TESTX is a 36-month "
                                                          "project.\n"}}))
    code, out = _run("proof", str(file), "--format", "md")
    assert code == 1
    assert out.startswith("# Proofreading of ")
    assert "`proof.facts.duration`" in out and "> TESTX is a 36-month project." in out


def test_proof_usage_errors(tmp_path: Path, write_project: Callable[..., Path]) -> None:
    file = write_project(project())
    code, out = _run("proof", str(tmp_path / "missing.yaml"))
    assert code == 2 and "no such file" in out
    code, out = _run("proof", str(file), "-o", str(tmp_path / "x.docx"))
    assert code == 2 and "--docx" in out
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip", encoding="utf-8")
    code, out = _run("proof", str(file), "--docx", str(bad))
    assert code == 1 and "Traceback" not in out
    assert "not a Word document" in out or "not a zip package" in out
    assert zipfile.is_zipfile(bad) is False


def test_a_quote_reads_as_the_reader_sees_it_markup_gone_not_spaced() -> None:
    """`([[D1.1]])` and `**bold**` are masked by spaces (offsets stay the source's); the
    quote leaves those out: "(D1.1)", not "( D1.1 )"."""
    from proposal_kit.proof.source import Source, sentences

    text = "The plan ([[D1.1]]) sets **all** the rules, as [the guide](https://x.eu) says.\n"
    [sentence] = list(sentences(Source("ethics", Path("ethics.md"), text)))
    assert sentence.quote == "The plan (D1.1) sets all the rules, as the guide says."
    assert len(sentence.plain) == len(text.rstrip("\n"))  # positions are still the source's
