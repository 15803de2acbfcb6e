"""`render`: the DOCX read back: headings, tags, deliverables, Gantt, budget; safety."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

from conftest import EXAMPLES, LOT2, consortium, require_tool
from proposal_kit import load_project
from proposal_kit.cli import cli
from proposal_kit.contents import number_contents
from proposal_kit.errors import OutputConflictError, TemplateError
from proposal_kit.pages import PagesReport, Section, count_pages
from proposal_kit.partb import part_b
from proposal_kit.render import render_bytes, render_project

Writer = Callable[..., Path]
LOT2_FILE = EXAMPLES / "lot2-blueprint" / "project.yaml"
LOT1_FILE = EXAMPLES / "lot1-education-enterprises" / "project.yaml"


def blocks(document: Any) -> Iterator[tuple[str, Any]]:
    """Body elements in order: ("p", paragraph) or ("t", table)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield "p", Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield "t", Table(child, document)


def table_rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def lot2_docx() -> bytes:
    return render_bytes(load_project(LOT2_FILE), "docx")


@pytest.fixture(scope="module")
def lot2_doc(lot2_docx: bytes) -> Any:
    return docx.Document(io.BytesIO(lot2_docx))


def test_every_part_b_heading_in_order(lot2_doc: Any) -> None:
    found = [p.text for kind, p in blocks(lot2_doc) if kind == "p"
             and p.style.name.startswith("Heading")]
    expected = [node.title for node in part_b().headings()]
    assert found == expected
    levels = {p.text: p.style.name for kind, p in blocks(lot2_doc)
              if kind == "p" and p.style.name.startswith("Heading")}
    assert levels["1.1 Background and general objectives"] == "Heading 2"
    assert levels["2.1.1 Concept and methodology"] == "Heading 3"


def test_every_tag_opened_and_closed_in_order(lot2_doc: Any) -> None:
    tags = [p.text for kind, p in blocks(lot2_doc)
            if kind == "p" and re.fullmatch(r"#[@§][A-Z0-9-]+[@§]#", p.text)]
    opened = [t[2:-2] for t in tags if t.startswith("#@")]
    assert opened == part_b().tags()
    stack: list[str] = []
    for tag in tags:
        code = tag[2:-2]
        if tag.startswith("#@"):
            stack.append(code)
        else:
            assert stack and stack.pop() == code, f"{tag} closes out of order"
    assert stack == []


def _wp_tables(document: Any) -> dict[str, list[list[list[str]]]]:
    """Tables following each 'Work package N:' paragraph, until the next one."""
    out: dict[str, list[list[list[str]]]] = {}
    current = None
    for kind, item in blocks(document):
        if kind == "p" and item.text.startswith("Work package "):
            current = item.text.split(":")[0]
            out[current] = []
        elif kind == "p" and item.text.startswith("Table: list of deliverables"):
            current = None
        elif kind == "t" and current:
            out[current].append(table_rows(item))
    return out


def _table_after(document: Any, caption: str) -> list[list[str]]:
    seen = False
    for kind, item in blocks(document):
        if kind == "p" and item.text.startswith(caption):
            seen = True
        elif kind == "t" and seen:
            return table_rows(item)
    raise AssertionError(f"no table after {caption!r}")


def test_each_deliverable_in_its_wp_table_and_the_consolidated_list(lot2_doc: Any) -> None:
    proposal = load_project(LOT2_FILE).proposal
    wp_tables = _wp_tables(lot2_doc)
    consolidated = _table_after(lot2_doc, "Table: list of deliverables")
    numbers = [row[0] for row in consolidated[1:]]
    assert sorted(numbers) == sorted(d.number for _, d in proposal.deliverables())
    dues = [int(row[-1].lstrip("M")) for row in consolidated[1:]]
    assert dues == sorted(dues)
    for wp, deliverable in proposal.deliverables():
        cells = [row[0] for table in wp_tables[f"Work package {wp.number}"] for row in table]
        assert deliverable.number in cells
        assert re.fullmatch(rf"D{wp.number}\.\d+", deliverable.number)


def _shaded(cell: Any) -> bool:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return shd is not None and shd.get(qn("w:fill")) not in (None, "auto", "FFFFFF")


def test_gantt_rows_and_shaded_months(lot2_doc: Any) -> None:
    proposal = load_project(LOT2_FILE).proposal
    gantt = next(t for kind, t in blocks(lot2_doc) if kind == "t"
                 and any("Year 1" in c.text for c in t.rows[1].cells))
    headers = sum(1 for row in gantt.rows if row._tr.trPr is not None
                  and row._tr.trPr.find(qn("w:tblHeader")) is not None)
    body = gantt.rows[headers:]
    expected = []
    for wp in proposal.work_packages:
        expected.append((f"{wp.id} {wp.title}", wp.start, wp.end))
        expected += [(f"{t.id} {t.title}", t.start or wp.start, t.end or wp.end)
                     for t in wp.tasks]
    assert len(body) == len(expected)
    months = proposal.duration_months
    for row, (label, start, end) in zip(body, expected, strict=True):
        cells = row.cells
        assert cells[0].text == label
        assert len(cells) == months + 1
        shaded = [m for m in range(1, months + 1) if _shaded(cells[m])]
        assert shaded == list(range(start, end + 1)), label


def _amount(text: str) -> float:
    return float(text.replace(",", "")) if text.strip() else 0.0


def test_budget_totals_equal_the_file(lot2_doc: Any) -> None:
    proposal = load_project(LOT2_FILE).proposal
    rows = _table_after(lot2_doc, "Table: estimated budget")
    header, *body, total = rows
    assert header[1:-1] == [wp.id for wp in proposal.work_packages]
    for row in body:
        pid = row[0]
        values = [_amount(v) for v in row[1:-1]]
        assert values == [wp.budget.get(pid, 0) for wp in proposal.work_packages]
        assert _amount(row[-1]) == sum(values)
    assert _amount(total[-1]) == proposal.estimated_budget()
    assert [_amount(v) for v in total[1:-1]] == [sum(wp.budget.values())
                                                 for wp in proposal.work_packages]


def test_eu_contribution_is_80_percent_capped(lot2_doc: Any, write_project: Writer) -> None:
    proposal = load_project(LOT2_FILE).proposal
    text = "\n".join(p.text for kind, p in blocks(lot2_doc) if kind == "p")
    expected = min(proposal.estimated_budget() * 0.8, 4_000_000)
    assert f"EU contribution requested at 80 %: EUR {expected:,.0f}" in text
    data = {"call": LOT2, "acronym": "BIG", "duration_months": 48, "ecosystem": "digital",
            "partners": consortium(), "work_packages": [
                {"id": "WP1", "title": "All", "lead": "P1", "start": 1, "end": 48,
                 "budget": {"P1": 6_000_000}}]}
    markdown = render_bytes(load_project(write_project(data)), "md").decode()
    assert "EUR 4,000,000** (maximum for this call: EUR 4,000,000; the cap applies" in markdown


def test_lot2_is_organised_around_the_required_activities(lot2_doc: Any) -> None:
    text = "\n".join(p.text for kind, p in blocks(lot2_doc) if kind == "p")
    rows = [r for kind, t in blocks(lot2_doc) if kind == "t" for r in table_rows(t)]
    assert "Table: required activities of the call and where the work plan delivers them" \
        in text
    assert any(r[0] == "Reactive response (first 18 months)" and r[1] == "months 1-18"
               for r in rows)
    assert any("Reactive and proactive response (months 1-18)" in c for r in rows for c in r)


def test_lot1_renders_with_its_own_emphasis() -> None:
    markdown = render_bytes(load_project(LOT1_FILE), "md").decode()
    assert "aims of the action and where the work plan delivers them" in markdown
    assert "Reactive response" not in markdown


def test_consortium_only_project_renders_a_complete_draft_with_prompts(
        write_project: Writer) -> None:
    data = {"call": LOT2, "acronym": "ONLY", "ecosystem": "health", "partners": consortium()}
    document = docx.Document(io.BytesIO(render_bytes(load_project(write_project(data)))))
    headings = [p.text for k, p in blocks(document) if k == "p"
                and p.style.name.startswith("Heading")]
    assert headings == [n.title for n in part_b().headings()]
    prompts = [p.text for k, p in blocks(document) if k == "p" and p.style.name == "PK Prompt"]
    narrative = [n for n in part_b().walk() if n.narrative]
    assert len(prompts) >= len(narrative)
    assert all(p.startswith(("TO BE WRITTEN", "No ", "The timetable")) for p in prompts)


def test_two_renders_give_identical_document_xml(lot2_docx: bytes) -> None:
    again = render_bytes(load_project(LOT2_FILE), "docx")
    read = [zipfile.ZipFile(io.BytesIO(b)).read("word/document.xml")
            for b in (lot2_docx, again)]
    assert read[0] == read[1]


def test_edited_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    project = load_project(LOT1_FILE)
    out = tmp_path / "draft.docx"
    render_project(project, out)
    render_project(project, out)  # unchanged since rendered: replaced quietly
    edited = docx.Document(str(out))
    edited.add_paragraph("My own words")
    edited.save(str(out))
    before = out.read_bytes()
    with pytest.raises(OutputConflictError):
        render_project(project, out)
    assert out.read_bytes() == before
    result = render_project(project, out, force=True)
    assert result.backup is not None and result.backup.read_bytes() == before
    code = CliRunner().invoke(cli, ["render", str(LOT1_FILE), "-o", str(out)])
    assert code.exit_code == 0  # just rendered: not edited
    out.write_text("not a docx")
    result_cli = CliRunner().invoke(cli, ["render", str(LOT1_FILE), "-o", str(out)])
    assert result_cli.exit_code == 3 and "--force" in result_cli.output


def test_open_document_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "draft.docx"
    render_project(load_project(LOT1_FILE), out)
    (tmp_path / ".~lock.draft.docx#").write_text("locked")
    with pytest.raises(OutputConflictError, match="open in another program"):
        render_project(load_project(LOT1_FILE), out, force=True)


def test_default_output_beside_project(tmp_path: Path, write_project: Writer) -> None:
    data = {"call": LOT2, "acronym": "SKILLS4X", "partners": consortium()}
    path = write_project(data)
    result = CliRunner().invoke(cli, ["render", str(path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "SKILLS4X-partB.docx").is_file()


def test_project_templates_override_and_undefined_names_are_located(
        tmp_path: Path, write_project: Writer) -> None:
    data = {"call": LOT2, "acronym": "OVR", "partners": consortium()}
    path = write_project(data)
    (tmp_path / "templates" / "sections").mkdir(parents=True)
    override = tmp_path / "templates" / "sections" / "ethics.md.j2"
    override.write_text("Our own ethics statement for {{ p.acronym }}.\n")
    assert "Our own ethics statement for OVR." in render_bytes(load_project(path), "md").decode()
    override.write_text("line one\n{{ p.acronym }} and {{ no_such_name }}\n")
    with pytest.raises(TemplateError) as info:
        render_bytes(load_project(path), "md")
    assert "ethics.md.j2:2" in str(info.value) and "no_such_name" in str(info.value)


def test_references_are_resolved_and_checked(write_project: Writer) -> None:
    data = {"call": LOT2, "acronym": "REF", "partners": consortium(),
            "work_packages": [{"id": "WP1", "title": "M", "lead": "P1", "start": 1, "end": 48,
                               "deliverables": [{"title": "Plan", "due": 3}]}],
            "sections": {"impact": "See [[D1.1]] by [[P2]] in [[WP1]]."}}
    markdown = render_bytes(load_project(write_project(data)), "md").decode()
    assert "See D1.1 by P2 in WP1." in markdown
    data["sections"] = {"impact": "See [[D1.2]]."}
    with pytest.raises(TemplateError, match=r"section 'impact'.*\[\[D1.2\]\]"):
        render_bytes(load_project(write_project(data)), "md")


def test_generic_texts_appear_filled_in_the_lot2_draft() -> None:
    markdown = render_bytes(load_project(LOT2_FILE), "md").decode()
    project = load_project(LOT2_FILE)
    includes = sum(len(re.findall(r"\{\{\s*text\(", t)) for t in project.texts.values())
    assert includes >= 5
    assert "{{" not in markdown.split("\n", 1)[1]
    assert project.proposal.coordinator is not None
    assert project.proposal.coordinator.name in markdown


def test_markdown_lists_tables_and_links_become_word_structures(write_project: Writer) -> None:
    text = ("Intro with **bold**, *italic* and a [link](https://example.org).\n\n"
            "1. first\n2. second\n\n- bullet\n  - nested\n\n"
            "| A | B |\n|---|---|\n| 1 | 2 |\n")
    data = {"call": LOT2, "acronym": "MD", "partners": consortium(),
            "sections": {"impact": text}}
    document = docx.Document(io.BytesIO(render_bytes(load_project(write_project(data)))))
    styles = {p.text: p.style.name for k, p in blocks(document) if k == "p"}
    assert styles["first"] == "List Number" and styles["bullet"] == "List Bullet"
    assert styles["nested"] == "List Bullet 2"
    intro = next(p for k, p in blocks(document) if k == "p" and p.text.startswith("Intro"))
    assert any(r.bold for r in intro.runs) and any(r.italic for r in intro.runs)
    assert "https://example.org" in [r.target_ref for r in intro.part.rels.values()
                                     if r.is_external]
    assert any(table_rows(t) == [["A", "B"], ["1", "2"]] for k, t in blocks(document)
               if k == "t")


def test_page_setup_header_footer_and_fonts(lot2_doc: Any) -> None:
    section = lot2_doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert min(section.left_margin.mm, section.right_margin.mm, section.top_margin.mm,
               section.bottom_margin.mm) >= 15
    assert "SKILLS" in section.header.paragraphs[0].text or \
        load_project(LOT2_FILE).proposal.acronym in section.header.paragraphs[0].text
    assert "PAGE" in section.footer._element.xml
    assert lot2_doc.styles["Normal"].font.size.pt >= 9
    assert 'TOC \\o' in lot2_doc.element.xml


def test_the_table_of_contents_holds_every_heading_until_word_updates_it(
        lot2_doc: Any) -> None:
    """Its entries take the room the real table will, so a page count made now holds."""
    body = lot2_doc.element.body
    toc = [p for p in body.iterchildren(qn("w:p"))
           if p.style is not None and re.fullmatch(r"(?i)toc\d", p.style)]
    headings = [(int(p.style[-1]), "".join(t.text for t in p.iter(qn("w:t"))))
                for p in body.iterchildren(qn("w:p"))
                if p.style in ("Heading1", "Heading2", "Heading3")]
    entries = [(int(p.style[-1]), "".join(t.text for t in p.iter(qn("w:t")))) for p in toc]
    assert len(headings) > 20 and entries == headings
    chars = [c.get(qn("w:fldCharType")) for p in toc for c in p.iter(qn("w:fldChar"))]
    assert chars == ["begin", "separate", "end"]  # one field around all the entries
    assert 'TOC \\o "1-3"' in "".join(t.text for t in toc[0].iter(qn("w:instrText")))
    assert {lot2_doc.styles[name].type for name in ("toc 1", "toc 2", "toc 3")} == \
        {WD_STYLE_TYPE.PARAGRAPH}


@pytest.mark.libreoffice
def test_render_pages_numbers_the_table_of_contents_without_moving_a_page(
        tmp_path: Path) -> None:
    require_tool("soffice")
    out = tmp_path / "draft.docx"
    result = CliRunner().invoke(cli, ["render", str(LOT1_FILE), "-o", str(out), "--pages",
                                      "--format", "docx"])
    assert result.exit_code == 0, result.output
    assert "numbered the table of contents" in result.output
    assert "toc-not-updated" not in result.output
    recount = count_pages(out, call=load_project(LOT1_FILE).proposal.call)
    assert f"{recount.pages} of {recount.limit} pages" in result.output  # nothing moved
    starts = {s.title: s.start_page for s in recount.sections}
    document = docx.Document(str(out))
    entries = [p for p in document.paragraphs if re.fullmatch(r"(?i)toc\d", p.style.style_id)]
    assert entries
    for entry in entries:
        title, _, page = entry.text.rpartition("\t")
        assert int(page) == starts[title], title
    assert not {f.code for f in recount.findings} & {"format.toc-not-updated", "format.toc-stale"}
    wrong = {title: page + 1 for title, page in starts.items()}  # as after an edit
    render_project(load_project(LOT1_FILE), out, toc_pages=wrong)
    stale = count_pages(out, call=load_project(LOT1_FILE).proposal.call)
    assert "format.toc-stale" in {f.code for f in stale.findings}


def test_an_estimate_does_not_number_the_table_of_contents(tmp_path: Path) -> None:
    """Estimated pages would print wrong numbers: the draft is left as rendered."""
    project = load_project(LOT1_FILE)
    out = tmp_path / "draft.docx"
    rendered = render_project(project, out)
    before = out.read_bytes()
    sections = [Section("relevance", "1 RELEVANCE", "1 RELEVANCE", 1, 2, 4)]
    report = PagesReport(out, LOT2, 20, 40, False, "estimate", sections)
    assert not number_contents(project, rendered, report)
    assert out.read_bytes() == before
    report.method, report.exact = "libreoffice", True
    assert number_contents(project, rendered, report)
    numbered = docx.Document(str(out))
    assert any(p.text == "1 RELEVANCE\t2" for p in numbered.paragraphs)


@pytest.mark.parametrize(("args", "written"), [
    (["-o", "d.md"], "# PROJECT SUMMARY"), (["-o", "d.HTML"], "<h1>PROJECT SUMMARY</h1>"),
    (["-o", "d.docx"], "PK"), (["--format", "md", "-o", "d.markdown"], "# PROJECT SUMMARY"),
])
def test_the_output_format_follows_the_file_name(tmp_path: Path, args: list[str],
                                                 written: str) -> None:
    result = CliRunner().invoke(cli, ["render", str(LOT1_FILE),
                                      *[str(tmp_path / a) if a.startswith("d.") else a
                                        for a in args]])
    assert result.exit_code == 0, result.output
    out = next(tmp_path.iterdir())
    assert written in out.read_bytes()[:20000].decode("utf-8", errors="replace")


@pytest.mark.parametrize(("command", "args", "message"), [
    ("render", ["-o", "d.pdf"], "cannot tell the format from 'd.pdf'"),
    ("render", ["--format", "md", "-o", "d.docx"], "should end in .md"),
    ("render", ["-o", "d.txt"], "name it .docx, .md or .html"),
    ("watch", ["-o", "d.pdf"], "should end in .docx"),
])
def test_an_output_named_for_another_format_is_refused(tmp_path: Path, command: str,
                                                       args: list[str], message: str) -> None:
    """Nothing is written: a Word file named .pdf or .md would not open."""
    result = CliRunner().invoke(cli, [command, str(LOT1_FILE),
                                      *[str(tmp_path / a) if a.startswith("d.") else a
                                        for a in args]])
    assert result.exit_code == 2 and message in result.output, result.output
    assert list(tmp_path.iterdir()) == []
    if "pdf" in message:
        assert "export it from Word or LibreOffice" in result.output


def test_html_and_markdown_forms(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["render", str(LOT1_FILE), "--format", "html",
                                      "-o", str(tmp_path / "d.html")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "d.html").read_text()
    assert "<h1>PROJECT SUMMARY</h1>" in html and 'class="gantt"' in html


@pytest.mark.libreoffice
@pytest.mark.parametrize("project_file", [LOT2_FILE, LOT1_FILE], ids=["lot2", "lot1"])
def test_libreoffice_converts_the_examples(tmp_path: Path, project_file: Path) -> None:
    soffice = require_tool("soffice")
    out = tmp_path / "draft.docx"
    render_project(load_project(project_file), out)
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "draft.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 10_000
    from pypdf import PdfReader

    pages = len(PdfReader(str(pdf)).pages)
    assert 10 < pages <= 40


def test_a_users_reference_doc_without_our_styles_works(tmp_path: Path) -> None:
    reference = docx.Document()
    styles = reference.styles.element
    for name in ("List Number", "Quote", "TOC Heading"):
        styles.remove(reference.styles[name].element)
    assert "toc 1" not in {s.name for s in reference.styles}
    reference.styles["Normal"].font.name = "Calibri"
    reference.save(str(tmp_path / "house.docx"))
    result = CliRunner().invoke(cli, ["render", str(LOT2_FILE), "--reference-doc",
                                      str(tmp_path / "house.docx"), "-o",
                                      str(tmp_path / "out.docx")])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(tmp_path / "out.docx"))
    assert document.styles["Normal"].font.name == "Calibri"
    used = {p.style.name for k, p in blocks(document) if k == "p"}
    assert {"PK Tag", "PK WP Title", "List Number", "toc 1", "toc 3"} <= used


def test_work_package_titles_are_in_the_outline(lot2_doc: Any) -> None:
    titles = [p for k, p in blocks(lot2_doc) if k == "p" and p.style.name == "PK WP Title"]
    assert len(titles) == len(load_project(LOT2_FILE).proposal.work_packages)
    assert 'w:outlineLvl w:val="3"' in lot2_doc.styles["PK WP Title"].element.xml
