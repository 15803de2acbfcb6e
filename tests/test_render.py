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
from docx.text.paragraph import Paragraph

from conftest import EXAMPLES, LOT1, LOT2, chromium_dom, consortium, require_tool
from proposal_kit import load_project
from proposal_kit.calls import load_call
from proposal_kit.cli import cli
from proposal_kit.contents import number_contents
from proposal_kit.errors import OutputConflictError, TemplateError
from proposal_kit.form import FormDescription, form_for_call
from proposal_kit.pages import PagesReport, Section, count_pages
from proposal_kit.render import render_bytes, render_project
from proposal_kit.render.metrics import longest_word_mm, unbreakable

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


def _form() -> FormDescription:
    return form_for_call(load_call(LOT2))


def test_the_forms_headings_in_its_order_with_a_heading_per_work_package(
        lot2_doc: Any) -> None:
    """The own layout has the form's headings ("1. RELEVANCE", "2.1 PROJECT DESIGN ...")."""
    form = _form()
    found = [p.text for kind, p in blocks(lot2_doc) if kind == "p"
             and p.style.name.startswith("Heading") and not p.text.startswith("Work Package")]
    assert found[:len(form.headings())] == [h.title for h in form.headings()]
    assert "1. RELEVANCE" in found and "2.1 PROJECT DESIGN AND IMPLEMENTATION" in found
    levels = {p.text: p.style.name for kind, p in blocks(lot2_doc)
              if kind == "p" and p.style.name.startswith("Heading")}
    assert levels["1.1 Background and general objectives"] == "Heading 2"
    assert levels["2.1.1 Concept and methodology"] == "Heading 3"
    proposal = load_project(LOT2_FILE).proposal
    for wp in proposal.work_packages:
        assert levels[f"Work Package {wp.number}: {wp.title}"] == "Heading 3"


def test_the_tags_are_the_forms_before_their_headings(lot2_doc: Any) -> None:
    """The same tags, nested and in the order of the form; no closing document tag."""
    paragraphs = [p.text for kind, p in blocks(lot2_doc) if kind == "p"]
    tags = [t for text in paragraphs if re.fullmatch(r"(#[@§][A-Z0-9-]+[@§]#\s*)+", text)
            for t in text.split()]
    assert tags == _form().tag_sequence()
    assert "#§APP-FORM-ERASMUSBBLSII§#" not in tags
    at = paragraphs.index("1. RELEVANCE")
    assert "#@PRJ-OBJ-PO@#" in paragraphs[at - 1]  # the tag opens before its heading
    quality = paragraphs.index("2. QUALITY")
    assert paragraphs[quality - 1].split()[-2:] == ["#@QUA-LIT-QL@#", "#@CON-MET-CM@#"]


def _wp_tables(document: Any) -> dict[int, list[list[list[str]]]]:
    """Tables following each work package heading, until the next heading."""
    out: dict[int, list[list[list[str]]]] = {}
    current = None
    for kind, item in blocks(document):
        if kind == "p" and item.style.name.startswith("Heading"):
            match = re.match(r"Work Package (\d+):", item.text)
            current = int(match.group(1)) if match else None
            if current:
                out[current] = []
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


def test_each_work_package_table_has_the_forms_columns_and_its_items(lot2_doc: Any) -> None:
    proposal = load_project(LOT2_FILE).proposal
    spec = _form().tables["work_package"]
    tables = _wp_tables(lot2_doc)
    for wp in proposal.work_packages:
        rows = [r for t in tables[wp.number] for r in t]
        headers = [t[0] for t in tables[wp.number]]
        assert [c.heading for c in spec.parts["tasks"].columns] in headers
        assert [c.heading for c in spec.parts["deliverables"].columns] in headers
        firsts = [r[0] for r in rows]
        assert all(t.id in firsts for t in wp.tasks)
        assert all(d.number in firsts for d in wp.deliverables)
        assert all(m.number in firsts for m in wp.milestones)
        assert ["Duration:", f"M{wp.start} - M{wp.end}", "Lead Beneficiary:",
                f"{[p.id for p in proposal.partners].index(wp.lead) + 1}-"
                f"{proposal.partner(wp.lead).label}"] == tables[wp.number][0][0]
        for d in wp.deliverables:
            row = next(r for r in rows if r[0] == d.number)
            assert row[2] == str(wp.number) and row[6] == str(d.due)
            assert d.format is None or d.format in row[7]


def test_task_participants_show_roles_and_the_leader_first(lot2_doc: Any) -> None:
    proposal = load_project(LOT2_FILE).proposal
    task = proposal.work_packages[4].tasks[2]  # pilots: beneficiaries, an AE and an AP
    rows = [r for t in _wp_tables(lot2_doc)[5] for r in t]
    cell = next(r for r in rows if r[0] == task.id)[3]
    lead = proposal.partner(task.lead)
    assert cell.startswith(f"{lead.label} ({lead.form_role})")
    assert "(AE)" in cell and "(AP)" in cell
    assert next(r for r in rows if r[0] == task.id)[4].startswith("In-kind:")


def _shaded(cell: Any) -> bool:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return shd is not None and shd.get(qn("w:fill")) not in (None, "auto", "FFFFFF")


def test_the_timetable_has_years_and_quarters_beyond_two_years(lot2_doc: Any) -> None:
    """48 months from November 2026: calendar quarters 2026 Q4 to 2030 Q4."""
    proposal = load_project(LOT2_FILE).proposal
    gantt = next(t for kind, t in blocks(lot2_doc) if kind == "t"
                 and any(c.text == "2027" for c in t.rows[0].cells))
    quarters = [c.text for c in gantt.rows[1].cells[1:]]
    assert quarters[0] == "Q4" and quarters[-1] == "Q4" and len(quarters) == 17
    labels = [r.cells[0].text for r in gantt.rows[2:]]
    wp1 = proposal.work_packages[0]
    assert f"WP1 - {wp1.title}" in labels
    assert any(label.startswith("Task 1.1 - ") for label in labels)
    row = gantt.rows[2 + labels.index(f"WP1 - {wp1.title}")]
    assert all(_shaded(c) for c in row.cells[1:])  # months 1-48 cover every quarter
    reactive = proposal.work_packages[2]  # months 1-18: Nov 2026 to Apr 2028
    row = gantt.rows[2 + labels.index(f"WP3 - {reactive.title}")]
    assert [_shaded(c) for c in row.cells[1:]] == [True] * 7 + [False] * 10


def test_a_short_project_gets_the_month_timetable(write_project: Writer) -> None:
    data = {"call": LOT1, "acronym": "SHORT", "duration_months": 24, "partners":
            consortium(8, 4, 3, 3), "work_packages": [
                {"id": "WP1", "title": "Management", "lead": "P1", "start": 1, "end": 24,
                 "tasks": [{"title": "Coordination", "start": 3, "end": 5}]}]}
    markdown = render_bytes(load_project(write_project(data)), "md").decode()
    assert "columns: [M1, M2" in markdown.replace("\n- ", ", ") or "- M24" in markdown
    assert "Not applicable: the project lasts 24 months" in markdown


def test_lot2_is_organised_around_the_required_activities(lot2_doc: Any) -> None:
    text = "\n".join(p.text for kind, p in blocks(lot2_doc) if kind == "p")
    rows = [r for kind, t in blocks(lot2_doc) if kind == "t" for r in table_rows(t)]
    assert "Required activities of the call and where the work plan delivers them" in text
    assert any(r[0] == "Reactive response (first 18 months)" and r[1] == "months 1-18"
               for r in rows)
    assert any("Reactive and proactive response (months 1-18)" in c for r in rows for c in r)


def test_lot1_renders_with_its_own_emphasis() -> None:
    markdown = render_bytes(load_project(LOT1_FILE), "md").decode()
    assert "Aims of the action and where the work plan serves them" in markdown
    assert "Reactive response" not in markdown


def test_the_summary_and_the_declarations_as_the_form_has_them(lot2_doc: Any) -> None:
    text = [p.text for kind, p in blocks(lot2_doc) if kind == "p"]
    at = text.index("PROJECT SUMMARY")
    assert text[at + 1] == "See Abstract (Application Form Part A)."
    rows = _table_after(lot2_doc, "Double funding")
    assert [r[-1] for r in rows[1:3]] == ["YES", "YES"]
    assert _table_after(lot2_doc, "Seal of Excellence")[1][-1] == "YES"
    assert "Not applicable: the project gives no financial support to third parties." in text


def test_consortium_only_project_renders_a_complete_draft_with_prompts(
        write_project: Writer) -> None:
    data = {"call": LOT2, "acronym": "ONLY", "ecosystem": "health", "partners": consortium()}
    document = docx.Document(io.BytesIO(render_bytes(load_project(write_project(data)))))
    headings = [p.text for k, p in blocks(document) if k == "p"
                and p.style.name.startswith("Heading")]
    assert headings == [h.title for h in _form().headings()]
    prompts = [p.text for k, p in blocks(document) if k == "p" and p.style.name == "PK Prompt"]
    asking = [b for b in _form().boxes() if b.answer != "fixed" and not b.default]
    assert len(prompts) >= len(asking)
    assert all(p.startswith(("TO BE WRITTEN", "No ", "The timetable")) for p in prompts)


@pytest.mark.parametrize("layout", ["own", "form"])
def test_the_document_properties_name_proposal_kit(layout: str) -> None:
    """Core properties by proposal-kit (not python-docx), the title cut at the 255
    characters they hold, and app.xml without another program's name or stale counts."""
    from conftest import official_file

    project = load_project(LOT2_FILE)
    form = official_file("partb-form-*.docx") if layout == "form" else None
    data = render_bytes(project, "docx", form=form, force=True)
    archive = zipfile.ZipFile(io.BytesIO(data))
    core = archive.read("docProps/core.xml").decode()
    app = archive.read("docProps/app.xml").decode()
    assert "<dc:creator>proposal-kit</dc:creator>" in core
    assert "<cp:lastModifiedBy>proposal-kit</cp:lastModifiedBy>" in core
    assert "python-docx" not in core + app
    assert "<Application>proposal-kit</Application>" in app
    assert "Word" not in app and "LibreOffice" not in app and "<Pages>" not in app
    title = docx.Document(io.BytesIO(data)).core_properties.title
    assert title.startswith(project.proposal.acronym) and len(title) <= 255


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


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path: Path) -> None:
    """Every command writes through the one writer: 0644 under umask 022 (not mkstemp's
    0600), 0640 under 027; a replaced file, and its backup, keep the mode it had."""
    import os

    previous = os.umask(0o022)
    try:
        for args, name in ((["render", str(LOT1_FILE), "-o"], "draft.md"),
                           (["schema", "-o"], "schema.json"),
                           (["plan", str(LOT1_FILE), "--today", "2026-01-01", "--ics"],
                            "plan.ics")):
            out = tmp_path / name
            assert CliRunner().invoke(cli, [*args, str(out)]).exit_code == 0
            assert out.stat().st_mode & 0o777 == 0o644, name
            out.chmod(0o600)
            out.write_bytes(out.read_bytes() + b"\n")  # edited: replaced only with --force
            assert CliRunner().invoke(cli, [*args, str(out), "--force"]).exit_code == 0
            assert out.stat().st_mode & 0o777 == 0o600, name
            (backup,) = tmp_path.glob(f"{out.stem}.backup-*{out.suffix}")
            assert backup.stat().st_mode & 0o777 == 0o600, backup
        os.umask(0o027)
        assert CliRunner().invoke(cli, ["schema", "-o", str(tmp_path / "s.json")]).exit_code == 0
        assert (tmp_path / "s.json").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(previous)


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
    assert includes >= 3
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
    control = body.find(qn("w:sdt"))
    toc = list(control.iter(qn("w:p")))
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
    entries = [Paragraph(p, document) for p in document.element.body.find(qn("w:sdt")).iter(
        qn("w:p"))]
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
    sections = [Section("relevance", "1. RELEVANCE", "1. RELEVANCE", 1, 2, 4)]
    report = PagesReport(out, LOT2, 20, 40, False, "estimate", sections)
    assert not number_contents(project, rendered, report)
    assert out.read_bytes() == before
    report.method, report.exact = "libreoffice", True
    assert number_contents(project, rendered, report)
    numbered = docx.Document(str(out))
    entries = numbered.element.body.find(qn("w:sdt")).iter(qn("w:p"))
    assert "1. RELEVANCE\t2" in [Paragraph(p, numbered).text for p in entries]


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


#: Appended to the HTML draft: the tables wider than the page's text column, as JSON.
_WIDE_TABLES_JS = """<script>window.addEventListener('load', function () {
  var body = document.body, style = getComputedStyle(body);
  var right = body.getBoundingClientRect().right - parseFloat(style.paddingRight) + 1;
  var wide = Array.from(document.querySelectorAll('table'))
    .filter(function (t) { return t.getBoundingClientRect().right > right; })
    .map(function (t) { return t.textContent.trim().slice(0, 40); });
  var out = document.createElement('pre'); out.id = 'pk-wide';
  out.textContent = JSON.stringify(wide); body.appendChild(out);
});</script>"""


@pytest.mark.browser
@pytest.mark.parametrize("project_file", [LOT2_FILE, LOT1_FILE], ids=["lot2", "lot1"])
def test_the_html_drafts_tables_fit_its_page(tmp_path: Path, project_file: Path) -> None:
    """The budget tables (18 columns) stay inside the page's width in a browser."""
    import html
    import json

    out = tmp_path / "draft.html"
    render_project(load_project(project_file), out)
    page = tmp_path / "probe.html"
    page.write_text(out.read_text(encoding="utf-8").replace("</body>", _WIDE_TABLES_JS + "</body>"),
                    encoding="utf-8")
    dom, problems = chromium_dom(page.as_uri(), tmp_path)
    assert not problems, problems
    found = re.search(r'<pre id="pk-wide">(.*?)</pre>', dom, re.S)
    assert found, "the probe did not run"
    assert json.loads(html.unescape(found.group(1))) == []


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
    assert 10 < pages <= 40, f"{project_file.parent.name}: {pages} pages"


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
    used |= {Paragraph(p, document).style.name
             for p in document.element.body.find(qn("w:sdt")).iter(qn("w:p"))}
    assert {"PK Tag", "List Number", "toc 1", "toc 3"} <= used


def test_no_heading_word_is_wider_than_its_column(lot2_doc: Any) -> None:
    """Every heading word fits its cell (Arial metrics, the table's cell margins).

    Tables with too many columns turn headings upright; the budget tables group theirs
    under the categories instead, with the units in a row below.
    """
    grouped = 0
    for table in lot2_doc.tables:
        margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
        sides = [int(m.get(qn("w:w"))) / 56.69 for m in margins] if margins is not None \
            else [1.9, 1.9]
        margins_mm = sides[0] + sides[-1]
        header_rows = [r for r in table._tbl.tr_lst if r.trPr is not None
                       and r.trPr.find(qn("w:tblHeader")) is not None] or table._tbl.tr_lst[:1]
        grouped += len(header_rows) == 2
        for tr in header_rows:
            for tc in tr.tc_lst:
                tc_pr = tc.tcPr
                if tc_pr is not None and tc_pr.find(qn("w:textDirection")) is not None:
                    continue
                text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
                width = tc_pr.find(qn("w:tcW")) if tc_pr is not None else None
                if width is None or not text.split() or re.fullmatch(
                        r"\d{4}|Q\d|M\d+", text.strip()):  # the timetable's narrow labels
                    continue
                mm = int(width.get(qn("w:w"))) / 56.69
                assert longest_word_mm(text, bold=True) + margins_mm <= mm, (text, mm)
    assert grouped >= len(load_project(LOT2_FILE).proposal.work_packages)


def test_a_box_after_a_table_under_the_same_heading_shows_its_title(lot2_doc: Any) -> None:
    """Under DECLARATIONS the financial-support answer follows the double-funding table:
    its title says what it answers. A box right under its own heading is not titled twice;
    the seal of excellence table has headings, not the form's "[YES] [NO]" placeholder."""
    texts = [p.text for p in lot2_doc.paragraphs]
    title = texts.index("Financial support to third parties (if applicable)")
    assert texts[title + 1].startswith("Not applicable")
    assert "Outside resources (subcontracting, seconded staff, etc)" in texts
    assert texts.count("Background and general objectives") == 0  # the heading is numbered
    seal = next(t for t in lot2_doc.tables
                if "Share the proposal" in "".join(c.text for c in t.rows[-1].cells))
    assert [c.text for c in seal.rows[0].cells] == ["Declaration", "YES/NO"]


def test_a_long_reference_wraps_at_its_hyphens_and_no_heading_turns_upright(
        lot2_doc: Any) -> None:
    """A project reference ("ERASMUS-EDU-2022-PEX-COVE-000000303") breaks after its hyphens,
    as Word and LibreOffice break it, so it does not claim the width that turns the
    previous projects' headings upright."""
    assert unbreakable("ERASMUS-EDU-2022-PEX-COVE-000000303, CoVE-ET") == \
        ["ERASMUS-", "EDU-2022-", "PEX-", "COVE-000000303,", "CoVE-", "ET"]
    assert unbreakable("2021-2024 KA220-2022") == ["2021-2024", "KA220-2022"]  # digits hold
    table = next(t for t in lot2_doc.tables
                 if "Project Reference No" in "".join(c.text for c in t.rows[0].cells))
    assert "ERASMUS-EDU-2022" in "".join(c.text for row in table.rows for c in row.cells)
    assert not list(table._tbl.iter(qn("w:textDirection")))


def test_custom_properties_escape_what_xml_would_read_as_markup(tmp_path: Path) -> None:
    """A value with ``&``, ``<`` or quotes stays a value: Word and python-docx open the file,
    and the properties read back as written, also when they replace earlier ones."""
    from lxml import etree

    from proposal_kit.render.docx_parts import (
        read_custom_properties,
        set_custom_properties,
        set_extended_properties,
    )

    values = {"department": "R&D <Innovation> \"office\" 'A'", "note": "a ]]> b & c",
              'odd "name" & <co>': "x"}
    document = docx.Document()
    set_custom_properties(document, {"first": "replaced"})
    set_custom_properties(document, values)
    set_extended_properties(document, "proposal-kit & <friends>")
    path = tmp_path / "props.docx"
    document.save(str(path))
    reopened = docx.Document(str(path))  # python-docx opens it again
    assert reopened.core_properties is not None
    archive = zipfile.ZipFile(path)
    assert archive.namelist().count("docProps/custom.xml") == 1
    custom = archive.read("docProps/custom.xml")
    etree.fromstring(custom)  # well-formed
    assert read_custom_properties(custom) == values
    app = etree.fromstring(archive.read("docProps/app.xml"))
    assert app[0].text == "proposal-kit & <friends>"
    assert [p.get("pid") for p in etree.fromstring(custom)] == ["2", "3", "4"]


def test_proof_comments_keep_a_custom_property_with_markup(tmp_path: Path) -> None:
    """A property a partner added in Word ("R&D") survives proof --docx, which rewrites the
    custom properties with the new fingerprint."""
    from proposal_kit.render.docx_parts import read_custom_properties, set_custom_properties

    draft = tmp_path / "draft.docx"
    data = render_bytes(load_project(LOT2_FILE), "docx")
    document = docx.Document(io.BytesIO(data))
    props = read_custom_properties(zipfile.ZipFile(io.BytesIO(data)).read("docProps/custom.xml"))
    set_custom_properties(document, {**props, "Department": "R&D <IRO>"})
    document.save(str(draft))
    out = tmp_path / "commented.docx"
    result = CliRunner().invoke(cli, ["proof", str(LOT2_FILE), "--docx", str(draft), "-o",
                                      str(out)])
    assert result.exit_code in (0, 1), result.output
    docx.Document(str(out))
    after = read_custom_properties(zipfile.ZipFile(out).read("docProps/custom.xml"))
    assert after["Department"] == "R&D <IRO>"
    assert after["proposal-kit-call"] == props["proposal-kit-call"]


def test_a_reference_document_that_is_a_device_or_a_pipe_is_named_as_such(
        tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "reference.docx"
    os.mkfifo(fifo)
    for reference, kind in (("/dev/zero", "a device"), (str(fifo), "a FIFO")):
        result = CliRunner().invoke(cli, ["render", str(LOT2_FILE), "--reference-doc",
                                          reference, "-o", str(tmp_path / "d.docx")])
        assert result.exit_code == 2, result.output
        assert f"the reference document {reference} is {kind}" in result.output
    assert not (tmp_path / "d.docx").exists()


@pytest.mark.parametrize("cells", [
    ["VUAS", "28", "142,000"],
    ['a "quoted" name', "back\\slash", "colon: and # hash", " lead and trail ", "tab\there"],
    ["Ærø Fjord — ÅÄÖ", "€ 1,200.50", "- dash first", "[brackets]", "{braces}", "*star", ""],
    ["yes", "no", "null", "~", "1e5", "0x1F", "true"],
])
def test_a_directive_body_reads_back_as_the_data_it_was_written_from(cells: list[str]) -> None:
    """Table directive bodies are written from data and read back through the YAML reader
    (a user's own blocks are YAML): what is read is exactly what was written, in both
    emitters' cases (JSON for plain text, PyYAML's block style otherwise)."""
    from proposal_kit.render import compose, directives
    from proposal_kit.yamlsource import parse_yaml

    for data in ({"groups": [["Participant", 1], ["Costs", len(cells) - 1]],
                  "columns": cells, "rows": [{"cells": cells}, {"cells": cells, "bold": True}]},
                 {"rows": [{"cells": [*cells, "line\u2028separator"]}]}):
        body = compose._dump(data)
        directives._WRITTEN.clear()  # as another process would: parse the text itself
        assert parse_yaml(body, Path("{grouped-table}")).data == data


def test_the_draft_defines_the_styles_it_uses_not_words_whole_catalogue(lot2_doc: Any) -> None:
    """Word's built-in table and list variants the draft never uses are left out (LibreOffice
    reads each one on every layout); every style the draft names, every custom one and the
    built-in ones a partner applies while editing stay, with what they are based on."""
    from proposal_kit.resources import builtin_templates_dir

    reference = docx.Document(str(builtin_templates_dir() / "reference.docx"))
    styles = {s.style_id: s for s in lot2_doc.styles}
    assert len(styles) < len(list(reference.styles)) / 2
    named = {e.get(qn("w:val")) for tag in ("w:pStyle", "w:rStyle", "w:tblStyle")
             for e in lot2_doc.element.iter(qn(tag))}
    assert named and named <= set(styles)
    for style in styles.values():
        base = getattr(style, "base_style", None)
        assert base is None or base.style_id in styles
    names = {s.name for s in styles.values()}
    assert {"List Bullet 2", "List Number", "Heading 4", "Caption", "Quote", "Table Grid",
            "PK Prompt", "PK Table Text"} <= names
    assert {s.name for s in reference.styles if s.name.startswith("PK ")} <= names
    assert "Light Shading Accent 1" in {s.name for s in reference.styles}
    assert "Light Shading Accent 1" not in names


def test_the_draft_leaves_out_the_templates_second_styles_and_blank_thumbnail(
        lot2_docx: bytes) -> None:
    """Word 2010's stylesWithEffects.xml (a second copy of every style, those dropped too)
    and the reference document's thumbnail (a blank page shown as the draft's preview) are
    not carried into the draft; the package stays consistent without them."""
    import zipfile

    package = zipfile.ZipFile(io.BytesIO(lot2_docx))
    names = set(package.namelist())
    assert "word/stylesWithEffects.xml" not in names
    assert not any(name.startswith("docProps/thumbnail") for name in names)
    listed = package.read("[Content_Types].xml").decode() + \
        package.read("_rels/.rels").decode() + package.read("word/_rels/document.xml.rels").decode()
    assert "stylesWithEffects" not in listed and "thumbnail" not in listed
    assert {"word/styles.xml", "word/numbering.xml", "docProps/core.xml"} <= names


def test_a_reference_document_naming_its_header_style_header_gives_no_warning(
        tmp_path: Path) -> None:
    """The official form names its header style "Header" where Word's built-in one is
    "header": the draft's running header takes it by that name, with no python-docx warning
    on the user's terminal."""
    import warnings

    from conftest import official_file

    form = official_file("partb-form-*.docx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = render_bytes(load_project(LOT2_FILE), "docx", reference_doc=form)
    header = docx.Document(io.BytesIO(data)).sections[0].header.paragraphs[0]
    assert header.style.name == "Header" and header.text
