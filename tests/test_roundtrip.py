"""The Word round trip: `absorb` (partners' edits back into the project) and `import`."""

from __future__ import annotations

import difflib
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, LOT2, official_file, require_tool
from proposal_kit.cli import cli
from proposal_kit.errors import InputError
from proposal_kit.model import Proposal
from proposal_kit.project import Project, load_project
from proposal_kit.render import build_markdown, render_project
from proposal_kit.roundtrip.absorb import absorb
from proposal_kit.roundtrip.docxread import read_document
from proposal_kit.roundtrip.importer import import_docx
from proposal_kit.roundtrip.units import join_units, split_units
from proposal_kit.roundtrip.yamledit import set_values
from roundtrip_docs import (
    add_comment,
    add_paragraph_after,
    append_text,
    cell_paragraph,
    find_paragraph,
    replace_in_cell,
    resave_like_word,
    set_cell,
    tracked_deletion,
    tracked_insertion,
)

NEW_SENTENCE = "A second survey follows in 2027, run with the national panels."
NEW_PARAGRAPH = "Partners added this paragraph in Word: the evidence was discussed at the kick-off."
INSERTED = " The tracked insertion of a partner."
DELETED = "from the North Sea to the Black Sea "


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Lot 2 example rendered once (own layout), with a reference and a variable."""
    folder = tmp_path_factory.mktemp("lot2") / "lot2"
    shutil.copytree(EXAMPLES / "lot2-blueprint", folder)
    work_plan = folder / "sections" / "work_plan.md"
    work_plan.write_text(work_plan.read_text(encoding="utf-8") +
                         "\nThe strategy ([[D2.1]]) steers {{ project.acronym }}.\n"
                         "\n# Phases of the plan\n\n"
                         "See the [call page](https://example.org/call) for *the* rules.\n",
                         encoding="utf-8")
    render_project(load_project(folder / "project.yaml"), folder / "draft.docx")
    return folder


@pytest.fixture
def lot2(rendered: Path, tmp_path: Path) -> Path:
    """A fresh copy of the rendered Lot 2 project."""
    folder = tmp_path / "lot2"
    shutil.copytree(rendered, folder)
    return folder


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit_as_partners(folder: Path) -> Path:
    """Edits as partners make them: typed sentence and paragraph, a due month changed in a
    table, a comment, a tracked insertion and a tracked deletion."""
    document = docx.Document(str(folder / "draft.docx"))
    append_text(find_paragraph(document, "Evidence base."), " " + NEW_SENTENCE)
    add_paragraph_after(find_paragraph(document, "Target groups."), NEW_PARAGRAPH)
    set_cell(document, "D2.1", 6, "10")
    add_comment(document, find_paragraph(document, "General objectives."),
                "Cite the call document here.", "Mette (P1)")
    tracked_insertion(find_paragraph(document, "The work is changing"), INSERTED, "Ana (P2)")
    tracked_deletion(find_paragraph(document, "Why RENEXUS."), DELETED,
                     "Jan (P3)")
    edited = folder / "edited.docx"
    document.save(str(edited))
    return edited


def test_judged_scenario_dry_run_then_apply(lot2: Path) -> None:
    draft_before = build_markdown(load_project(lot2 / "project.yaml"))
    edited = _edit_as_partners(lot2)
    before = _files(lot2)
    result = CliRunner().invoke(cli, ["absorb", str(lot2 / "project.yaml"), str(edited),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert _files(lot2) == before  # the dry run writes nothing
    report = json.loads(result.output)
    status = {s["id"]: s["status"] for s in report["sections"]}
    assert status["needs"] == status["background"] == "changed"
    assert {k for k, v in status.items() if v != "unchanged"} == {"needs", "background"}
    needs = next(s for s in report["sections"] if s["id"] == "needs")
    assert "+**Evidence base.** A 2025 survey" in needs["diff"]
    assert NEW_SENTENCE in needs["diff"] and f"+{NEW_PARAGRAPH}" in needs["diff"]
    assert report["fields"] == [{"path": "work_packages[1].deliverables[0].due", "old": 9,
                                 "new": 10, "table": "work_package.deliverables",
                                 "row": "D2.1", "column": "due"}]
    kinds = {(c["kind"], c["author"], c["section"], c["text"].strip())
             for c in report["tracked_changes"]}
    assert kinds == {("insertion", "Ana (P2)", "background", INSERTED.strip()),
                     ("deletion", "Jan (P3)", "background", DELETED.strip())}
    [comment] = report["comments"]
    assert (comment["author"], comment["section"], comment["text"]) == \
        ("Mette (P1)", "background", "Cite the call document here.")
    assert comment["quoted"].startswith("General objectives.")
    assert report["conflicts"] == [] and report["outside_sections"] == []

    result = CliRunner().invoke(cli, ["absorb", str(lot2 / "project.yaml"), str(edited),
                                      "--apply"])
    assert result.exit_code == 0, result.output
    changed = {k for k, v in _files(lot2).items() if before.get(k) != v}
    assert changed == {"project.yaml", "sections/needs.md", "sections/background.md",
                       "project.backup-1.yaml", "sections/needs.backup-1.md",
                       "sections/background.backup-1.md"}
    diff = subprocess.run(["diff", str(lot2 / "project.backup-1.yaml"),
                           str(lot2 / "project.yaml")], capture_output=True, text=True).stdout
    assert diff.splitlines()[1:] == ["<         due: 9", "---", ">         due: 10"]
    project = load_project(lot2 / "project.yaml")
    assert project.proposal.work_packages[1].deliverables[0].due == 10
    markdown = build_markdown(project)
    assert NEW_SENTENCE in markdown and NEW_PARAGRAPH in markdown
    assert INSERTED.strip() in markdown and DELETED not in markdown
    # Nothing else in the draft changed: the new render differs from the old one in the
    # edited paragraphs and the deliverable's row only.
    diff = [line for line in difflib.unified_diff(draft_before.splitlines(),
                                                  markdown.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---") and line[1:].strip()]
    edited_starts = ("**The work is changing", "**Why RENEXUS.", "**Evidence base.", "| D2.1 |")
    assert sorted(line[1:].startswith(edited_starts) or line == f"+{NEW_PARAGRAPH}"
                  for line in diff) == [True] * 9, diff
    check = CliRunner().invoke(cli, ["check", str(lot2 / "project.yaml")])
    assert check.exit_code == 0, check.output
    # Absorbing the same document again finds nothing more to do.
    again = absorb(lot2 / "project.yaml", edited)
    assert {s.status for s in again.sections} == {"unchanged"} and not again.conflicts


def test_rejected_tracked_changes(lot2: Path) -> None:
    report = absorb(lot2 / "project.yaml", _edit_as_partners(lot2), policy="reject")
    text = {s.id: s.new_text for s in report.sections if s.status == "changed"}
    assert INSERTED.strip() not in text.get("background", "")
    assert "background" not in text  # rejecting both tracked changes leaves it as it was
    assert NEW_SENTENCE in text["needs"]


def test_conflict_is_reported_and_the_source_kept(lot2: Path) -> None:
    document = docx.Document(str(lot2 / "draft.docx"))
    append_text(find_paragraph(document, "Evidence base."), " Word's version.")
    append_text(find_paragraph(document, "Target groups."), " An edit only in Word.")
    document.save(str(lot2 / "edited.docx"))
    source = lot2 / "sections" / "needs.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("run by FOCE (P14)",
                                   "run by FOCE (P14, source's version)"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["absorb", str(lot2 / "project.yaml"),
                                      str(lot2 / "edited.docx"), "--apply"])
    assert result.exit_code == 1, result.output
    assert "Conflicts: 1" in result.output
    # Each side shows what it did to the paragraph since the render, word by word.
    assert "{+(P14, source's version);+}" in result.output and \
        "{+Word's version.+}" in result.output, \
        result.output
    now = source.read_text(encoding="utf-8")
    assert "source's version" in now and "Word's version" not in now
    assert "An edit only in Word." in now  # the other paragraph is applied


def test_edited_include_is_reported_then_inlined(lot2: Path) -> None:
    document = docx.Document(str(lot2 / "draft.docx"))
    management = (lot2 / "sections" / "management.md").read_text(encoding="utf-8")
    assert '{{ text("quality/eqavet-esg"' in management
    reading = read_document(document)
    # The first paragraph the included text renders (after the source's own paragraphs).
    from proposal_kit.texts import TextLibrary

    project = load_project(lot2 / "project.yaml")
    body = TextLibrary.for_project(project).get("quality/eqavet-esg").body
    first_words = next(line for line in body.splitlines() if line.strip() and
                       "{" not in line)[:30].strip("*# ")
    target = next(b for b in reading.blocks if b.plain.startswith(first_words.lower()))
    p = find_paragraph(document, "".join(t.text or "" for t in target.element.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))[:20])
    tracked_insertion(p, " Checked by the P3 quality office.", "P3 reviewer")
    document.save(str(lot2 / "edited.docx"))
    report = absorb(lot2 / "project.yaml", lot2 / "edited.docx")
    [section] = [s for s in report.sections if s.status != "unchanged"]
    assert section.includes == ["P3 reviewer edited the included text quality/eqavet-esg "
                                "in 2.1.2"]
    assert (lot2 / "sections" / "management.md").read_text(encoding="utf-8") == management
    applied = absorb(lot2 / "project.yaml", lot2 / "edited.docx", apply=True)
    assert any("inlined" in w for w in applied.warnings)
    now = (lot2 / "sections" / "management.md").read_text(encoding="utf-8")
    assert "quality/eqavet-esg" not in now and "Checked by the P3 quality office." in now
    # Includes nobody edited stay includes.
    assert '{{ text("impact/open-educational-resources"' in \
        (lot2 / "sections" / "dissemination.md").read_text(encoding="utf-8")


def test_references_and_variables_come_back_as_written(lot2: Path) -> None:
    document = docx.Document(str(lot2 / "draft.docx"))
    append_text(find_paragraph(document, "The strategy (D2.1) steers RENEXUS."),
                " It is updated every year.")
    document.save(str(lot2 / "edited.docx"))
    absorb(lot2 / "project.yaml", lot2 / "edited.docx", apply=True)
    text = (lot2 / "sections" / "work_plan.md").read_text(encoding="utf-8")
    assert "The strategy ([[D2.1]]) steers {{ project.acronym }}. It is updated every year." \
        in text


def test_markdown_formatting_of_an_edit(lot2: Path) -> None:
    document = docx.Document(str(lot2 / "draft.docx"))
    p = find_paragraph(document, "Target groups.")
    from docx.text.paragraph import Paragraph

    para = Paragraph(p, document._body)
    para.add_run(" Now ")
    para.add_run("bold").bold = True
    para.add_run(" and ")
    para.add_run("italic").italic = True
    para.add_run(".")
    document.save(str(lot2 / "edited.docx"))
    report = absorb(lot2 / "project.yaml", lot2 / "edited.docx")
    [needs] = [s for s in report.sections if s.status == "changed"]
    assert "Now **bold** and *italic*." in needs.diff
    # Bold, lists and headings untouched elsewhere are not reported as changes.
    assert "-- " not in needs.diff.replace("--- a/", "")


def test_list_items_edited_and_added_in_word(lot2: Path) -> None:
    document = docx.Document(str(lot2 / "draft.docx"))
    item = find_paragraph(document, "N6. Results do not last")
    append_text(item, " Nor without funding.")
    add_paragraph_after(item, "N7. A need typed in Word.")  # Word keeps the list style
    document.save(str(lot2 / "edited.docx"))
    absorb(lot2 / "project.yaml", lot2 / "edited.docx", apply=True)
    text = (lot2 / "sections" / "needs.md").read_text(encoding="utf-8")
    assert "\n- **N6. Results do not last** without an owner. Nor without funding.\n" \
        "- N7. A need typed in Word.\n\n**Target groups.**" in text


def test_a_text_inline_in_project_yaml(tmp_path: Path) -> None:
    """A section written in project.yaml (not in a file) gets Word's edit in place."""
    folder = tmp_path / "lot2"
    shutil.copytree(EXAMPLES / "lot2-blueprint", folder)
    text = (folder / "sections" / "teams.md").read_text(encoding="utf-8").strip()
    project_file = folder / "project.yaml"
    project_file.write_text(project_file.read_text(encoding="utf-8").replace(
        "  teams: {file: sections/teams.md}",
        "  teams:  # written here\n    text: >-\n      " + text.replace("\n", "\n      ")),
        encoding="utf-8")
    render_project(load_project(project_file), folder / "draft.docx")
    document = docx.Document(str(folder / "draft.docx"))
    append_text(find_paragraph(document, text[:40]), " Added in Word.")
    document.save(str(folder / "edited.docx"))
    before = project_file.read_text(encoding="utf-8").split("\n")
    report = absorb(project_file, folder / "edited.docx", apply=True)
    assert [(s.id, s.file) for s in report.sections if s.status == "changed"] == \
        [("teams", "project.yaml (sections.teams.text)")]
    after = project_file.read_text(encoding="utf-8").split("\n")
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == \
        [("      " + text, "      " + text + " Added in Word.")]
    assert load_project(project_file).texts["teams"] == text + " Added in Word."


def test_links_and_headings_inside_a_section_come_back(lot2: Path) -> None:
    document = docx.Document(str(lot2 / "draft.docx"))
    append_text(find_paragraph(document, "See the call page"), " Read it twice.")
    append_text(find_paragraph(document, "Phases of the plan"), " and gates")
    document.save(str(lot2 / "edited.docx"))
    report = absorb(lot2 / "project.yaml", lot2 / "edited.docx", apply=True)
    assert [s.id for s in report.sections if s.status == "changed"] == ["work_plan"]
    text = (lot2 / "sections" / "work_plan.md").read_text(encoding="utf-8")
    assert text.endswith("\n# Phases of the plan and gates\n\nSee the [call page]"
                         "(https://example.org/call) for *the* rules. Read it twice.\n")


def test_unmapped_table_cell_is_reported(lot2: Path) -> None:
    document = docx.Document(str(lot2 / "draft.docx"))
    set_cell(document, "D2.1", 2, "WP9")
    share = next(t for t in document.tables if t.rows[0].cells[-1].text == "Share")
    share.rows[2].cells[-1].paragraphs[0].runs[0].text = "15.0 %"  # computed, no field
    headings = " | ".join(c.text for c in share.rows[0].cells)
    document.save(str(lot2 / "edited.docx"))
    report = absorb(lot2 / "project.yaml", lot2 / "edited.docx")
    assert report.fields == []
    unmapped = [(c.table, c.row, c.column, c.new) for c in report.unmapped]
    assert unmapped[1:] == [("work_package.deliverables", "D2.1", "wp", "WP9")]
    table, row, column, new = unmapped[0]
    # The budget summary (computed, no field of the project) is named by its heading row.
    assert table.startswith("table 'WP | ") and headings.startswith(table[7:].rstrip("'"))
    assert (row, column, new) == ("WP2", "Share", "15.0 %")


def test_tracked_changes_and_comments_in_a_table_name_its_section_and_row(lot2: Path) -> None:
    """A due month changed with Track Changes, and a comment on a deliverable's name: the
    report names the section the table stands in and the row; the field is absorbed."""
    document = docx.Document(str(lot2 / "draft.docx"))
    due = cell_paragraph(document, "D2.1", 6)
    tracked_deletion(due, "9", "Ana (P2)")
    tracked_insertion(due, "10", "Ana (P2)")
    add_comment(document, cell_paragraph(document, "D2.1", 1), "A map of what?", "Jan (P3)")
    document.save(str(lot2 / "edited.docx"))
    report = absorb(lot2 / "project.yaml", lot2 / "edited.docx").to_json()
    assert [(f["path"], f["new"]) for f in report["fields"]] == \
        [("work_packages[1].deliverables[0].due", 10)]
    assert [(c["kind"], c["section"], c["table_row"], c["text"])
            for c in report["tracked_changes"]] == \
        [("deletion", "work_packages", "D2.1", "9"), ("insertion", "work_packages", "D2.1", "10")]
    [comment] = report["comments"]
    assert (comment["section"], comment["table_row"], comment["quoted"]) == \
        ("work_packages", "D2.1", "Methodology and support map")
    text = CliRunner().invoke(cli, ["absorb", str(lot2 / "project.yaml"),
                                    str(lot2 / "edited.docx")]).output
    assert "in 4.2 Work packages, activities, resources and timing, table row D2.1: '10'" in text
    rejected = absorb(lot2 / "project.yaml", lot2 / "edited.docx", policy="reject")
    assert rejected.fields == []


def _edit_tables(document: docx.document.Document) -> None:
    """Cells partners edit: a staff member's role, a risk's work packages, a task's
    participants, a work package's duration and lead, a due month."""
    set_cell(document, "Coordinator, Associate professor", 2, "WP1, T1.1, T6.2")
    replace_in_cell(document, "2", 2, "2, 3, 4", "2, 3")
    replace_in_cell(document, "T2.2", 3, "BAT, PIGEWiM", "BAT, PIGEWiM, NFAF")
    replace_in_cell(document, "Duration:", 1, "M48", "M46")
    replace_in_cell(document, "Duration:", 3, "VUAS", "FOCE")
    set_cell(document, "D2.1", 6, "10")


TABLE_FIELDS = [("staff[0].role", "WP1, T1.1", "WP1, T1.1, T6.2"),
                ("risks[1].work_packages", ["WP2", "WP3", "WP4"], ["WP2", "WP3"]),
                ("work_packages[1].tasks[1].participants", ["P14", "P3", "P13"],
                 ["P14", "P3", "P13", "P9"]),
                ("work_packages[0].end", 48, 46), ("work_packages[0].lead", "P1", "P14"),
                ("work_packages[1].deliverables[0].due", 9, 10)]


def _absorb_table_edits(lot2: Path, rendered: Path) -> None:
    """Edit the tables of ``rendered`` as partners do; absorb maps each edit to its field."""
    document = docx.Document(str(rendered))
    _edit_tables(document)
    document.save(str(lot2 / "edited.docx"))
    report = absorb(lot2 / "project.yaml", lot2 / "edited.docx")
    assert sorted((f.dotted, f.old, f.new) for f in report.fields) == sorted(TABLE_FIELDS)
    assert report.unmapped == [] and all(s.status == "unchanged" for s in report.sections)


def test_table_cells_map_to_their_fields(lot2: Path) -> None:
    _absorb_table_edits(lot2, lot2 / "draft.docx")
    before = (lot2 / "project.yaml").read_text(encoding="utf-8").split("\n")
    absorb(lot2 / "project.yaml", lot2 / "edited.docx", apply=True)
    after = (lot2 / "project.yaml").read_text(encoding="utf-8").split("\n")
    # Each value changed on its own line; the rest of the file (comments, flow lists,
    # wrapped budgets) is as it was.
    assert len(after) == len(before)
    changed = [(a.strip(), b.strip()) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("role: WP1, T1.1", "role: WP1, T1.1, T6.2"),
                       ("lead: P1", "lead: P14"), ("end: 48", "end: 46"),
                       ("participants: [P14, P3, P13]", "participants: [P14, P3, P13, P9]"),
                       ("due: 9", "due: 10"),
                       ("work_packages: [WP2, WP3, WP4]", "work_packages: [WP2, WP3]")]
    assert absorb(lot2 / "project.yaml", lot2 / "edited.docx").fields == []


@pytest.mark.official
def test_table_cells_of_the_filled_form_map_to_their_fields(lot2: Path) -> None:
    render_project(load_project(lot2 / "project.yaml"), lot2 / "filled.docx",
                   form=official_file("partb-form*.docx"))
    _absorb_table_edits(lot2, lot2 / "filled.docx")


def test_foreign_and_never_rendered_documents_are_refused(lot2: Path, tmp_path: Path) -> None:
    other = tmp_path / "lot1"
    shutil.copytree(EXAMPLES / "lot1-education-enterprises", other)
    render_project(load_project(other / "project.yaml"), other / "draft.docx")
    with pytest.raises(InputError, match="belongs to another project"):
        absorb(lot2 / "project.yaml", other / "draft.docx")
    plain = tmp_path / "plain.docx"
    docx.Document().save(str(plain))
    result = CliRunner().invoke(cli, ["absorb", str(lot2 / "project.yaml"), str(plain)])
    assert result.exit_code == 1
    assert "never rendered by proposal-kit" in result.output and "import" in result.output
    assert "Traceback" not in result.output
    broken = tmp_path / "broken.docx"
    broken.write_text("not a zip")
    result = CliRunner().invoke(cli, ["absorb", str(lot2 / "project.yaml"), str(broken)])
    assert result.exit_code == 1 and "not a DOCX file" in result.output


@pytest.mark.libreoffice
def test_document_resaved_by_libreoffice(lot2: Path, tmp_path: Path) -> None:
    soffice = require_tool("soffice")
    edited = _edit_as_partners(lot2)
    out = tmp_path / "resaved"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out),
                    str(edited)], check=True, capture_output=True, timeout=180)
    report = absorb(lot2 / "project.yaml", out / "edited.docx").to_json()
    assert {s["id"] for s in report["sections"] if s["status"] != "unchanged"} == \
        {"needs", "background"}
    assert [f["path"] for f in report["fields"]] == ["work_packages[1].deliverables[0].due"]
    assert len(report["tracked_changes"]) == 2 and len(report["comments"]) == 1
    needs = next(s for s in report["sections"] if s["id"] == "needs")
    assert NEW_SENTENCE in needs["diff"] and NEW_PARAGRAPH in needs["diff"]


def test_document_resaved_like_word(lot2: Path) -> None:
    """Runs split, spelling marks, bookmarks, page-break marks, the custom XML part
    renumbered: the same edits come back, and nothing else."""
    edited = _edit_as_partners(lot2)
    document = docx.Document(str(edited))
    resave_like_word(document)
    document.save(str(edited))
    report = absorb(lot2 / "project.yaml", edited).to_json()
    assert {s["id"] for s in report["sections"] if s["status"] != "unchanged"} == \
        {"needs", "background"}
    assert [f["path"] for f in report["fields"]] == ["work_packages[1].deliverables[0].due"]
    assert report["unmapped_cells"] == [] and report["outside_sections"] == []
    assert len(report["tracked_changes"]) == 2 and len(report["comments"]) == 1
    needs = next(s for s in report["sections"] if s["id"] == "needs")
    assert NEW_SENTENCE in needs["diff"] and NEW_PARAGRAPH in needs["diff"]
    assert needs["diff"].count("\n-") == 1  # only the edited paragraph is replaced


@pytest.mark.official
def test_absorb_a_draft_filled_into_the_official_form(lot2: Path) -> None:
    form = official_file("partb-form*.docx")
    render_project(load_project(lot2 / "project.yaml"), lot2 / "filled.docx", form=form)
    document = docx.Document(str(lot2 / "filled.docx"))
    append_text(find_paragraph(document, "Evidence base."), " " + NEW_SENTENCE)
    add_comment(document, find_paragraph(document, "Target groups."), "Source?",
                "Ana (P2)")
    document.save(str(lot2 / "edited.docx"))
    report = absorb(lot2 / "project.yaml", lot2 / "edited.docx", apply=True)
    assert [s.id for s in report.sections if s.status == "changed"] == ["needs"]
    assert [(c.author, s) for c, s in report.comments] == [("Ana (P2)", "needs")]
    assert NEW_SENTENCE in (lot2 / "sections" / "needs.md").read_text(encoding="utf-8")


def test_comments_worklist(lot2: Path) -> None:
    edited = _edit_as_partners(lot2)
    result = CliRunner().invoke(cli, ["comments", str(lot2 / "project.yaml"), str(edited),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert [(i["kind"], i["author"], i["section"]) for i in items] == [
        ("insertion", "Ana (P2)", "background"), ("deletion", "Jan (P3)", "background"),
        ("comment", "Mette (P1)", "background")]
    md = CliRunner().invoke(cli, ["comments", str(lot2 / "project.yaml"), str(edited)])
    assert "## 1.1 Background and general objectives" in md.output
    assert "- [ ] **Mette (P1)**" in md.output


def _kept(original: Project, imported: Project) -> float:
    """The share of the original render's paragraphs (tables aside) the import renders."""
    def paragraphs(markdown: str) -> list[str]:
        return [p.strip() for p in markdown.split("\n\n") if p.strip()
                and not p.lstrip().startswith("|")]

    before = paragraphs(build_markdown(original))
    after = set(paragraphs(build_markdown(imported)))
    return sum(1 for p in before if p in after) / len(before)


@pytest.mark.official
def test_import_a_draft_filled_into_the_official_form(lot2: Path, tmp_path: Path) -> None:
    render_project(load_project(lot2 / "project.yaml"), lot2 / "filled.docx",
                   form=official_file("partb-form*.docx"))
    result = import_docx(lot2 / "filled.docx", tmp_path / "imported")
    original = load_project(lot2 / "project.yaml")
    imported = load_project(tmp_path / "imported" / "project.yaml")
    got = imported.proposal
    assert [(p.id, p.short_name) for p in got.partners] == \
        [(p.id, p.short_name) for p in original.proposal.partners]
    assert [(t.id, t.title, t.lead, sorted(t.participants)) for w in got.work_packages
            for t in w.tasks] == \
        [(t.id, t.title, t.lead, sorted({*t.participants, *([t.lead] if t.lead else [])}))
         for w in original.proposal.work_packages for t in w.tasks]
    assert [(d.number, d.title, d.due, d.lead) for w in got.work_packages
            for d in w.deliverables] == [(d.number, d.title, d.due, d.lead)
                                         for w in original.proposal.work_packages
                                         for d in w.deliverables]
    assert [w.objectives for w in got.work_packages] == \
        [w.objectives for w in original.proposal.work_packages]
    # The form does not show the ecosystem: the one thing left to add, and said so.
    assert any("ecosystem" in w for w in result.warnings)
    check = CliRunner().invoke(cli, ["check", str(tmp_path / "imported" / "project.yaml")])
    assert check.exit_code == 1 and "1 error" in check.output, check.output
    assert "ecosystem-missing" in check.output
    assert _kept(original, imported) >= 0.9


def test_import_own_layout_draft(lot2: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["import", str(lot2 / "draft.docx"), "-o",
                                      str(tmp_path / "imported")])
    assert result.exit_code == 0, result.output
    original = load_project(lot2 / "project.yaml").proposal
    imported = load_project(tmp_path / "imported" / "project.yaml")
    got = imported.proposal
    assert [(p.id, p.name, p.short_name, p.country, p.type, p.role) for p in got.partners] == \
        [(p.id, p.name, p.short_name, p.country, p.type, p.role) for p in original.partners]
    assert [(w.id, w.title, w.lead, w.start, w.end) for w in got.work_packages] == \
        [(w.id, w.title, w.lead, w.start, w.end) for w in original.work_packages]
    def deliverables(p: Proposal) -> list[tuple[object, ...]]:
        return [(d.number, d.title, d.due, d.lead, d.type, d.dissemination, d.description,
                 d.format, d.language) for w in p.work_packages for d in w.deliverables]

    assert deliverables(got) == deliverables(original)
    assert [(t.id, t.in_kind) for w in got.work_packages for t in w.tasks] == \
        [(t.id, t.in_kind) for w in original.work_packages for t in w.tasks]
    assert (got.coordinator and got.coordinator.contact) is not None
    assert got.coordinator.contact.display == original.coordinator.contact.display  # type: ignore[union-attr]
    assert len(got.risks) == len(original.risks)
    assert got.risks[0].description == original.risks[0].description
    check = CliRunner().invoke(cli, ["check", str(tmp_path / "imported" / "project.yaml")])
    assert check.exit_code == 0, check.output

    kept = _kept(load_project(lot2 / "project.yaml"), imported)
    assert kept >= 0.9, kept
    again = CliRunner().invoke(cli, ["import", str(lot2 / "draft.docx"), "-o",
                                     str(tmp_path / "imported")])
    assert again.exit_code == 3 and "exists" in again.output


def test_import_never_overwrites_a_section_without_force(lot2: Path, tmp_path: Path) -> None:
    """import writes through the one writer: every target is checked before the first is
    written; --force keeps a backup of each file it replaces."""
    folder = tmp_path / "imported"
    mine = folder / "sections" / "needs.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("My own draft of the needs.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(lot2 / "draft.docx"), "-o", str(folder)])
    assert result.exit_code == 3 and "needs.md exists" in result.output, result.output
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == ["needs.md"]
    result = CliRunner().invoke(cli, ["import", str(lot2 / "draft.docx"), "-o", str(folder),
                                      "--force"])
    assert result.exit_code == 0, result.output
    assert (folder / "sections" / "needs.backup-1.md").read_text(encoding="utf-8") == \
        "My own draft of the needs.\n"
    assert mine.read_text(encoding="utf-8") == \
        (lot2 / "sections" / "needs.md").read_text(encoding="utf-8")


def test_apply_writes_nothing_when_one_file_is_open(lot2: Path) -> None:
    """A project.yaml open in an editor (its lock file beside it) stops --apply before any
    section file is replaced."""
    edited = _edit_as_partners(lot2)
    before = _files(lot2)
    (lot2 / ".~lock.project.yaml#").write_text("lock", encoding="utf-8")
    result = CliRunner().invoke(cli, ["absorb", str(lot2 / "project.yaml"), str(edited),
                                      "--apply"])
    assert result.exit_code == 3 and "open in another program" in result.output
    assert {k: v for k, v in _files(lot2).items() if not k.startswith(".~lock")} == before


@pytest.mark.official
def test_import_a_form_filled_by_hand(tmp_path: Path) -> None:
    document = docx.Document(str(official_file("partb-form*.docx")))
    tables = document.tables

    def put(cell: object, text: str) -> None:
        cell.paragraphs[0].text = text  # type: ignore[attr-defined]
        for extra in cell.paragraphs[1:]:  # type: ignore[attr-defined]
            extra._p.getparent().remove(extra._p)

    cover = next(t for t in tables if t.rows[0].cells[0].text.strip() == "PROJECT")
    put(cover.rows[1].cells[1], "Green Grid Skills Alliance")
    put(cover.rows[2].cells[1], "GREENGRID")
    put(cover.rows[3].cells[1], "Joana SILVA, Universidade do Litoral")
    background = next(t for t in tables if t.rows[0].cells[0].text.startswith("Background"))
    put(background.rows[1].cells[0], "Grids need technicians who understand storage.")
    needs = next(t for t in tables if t.rows[0].cells[0].text.startswith("Needs analysis"))
    put(needs.rows[1].cells[0], "We surveyed 120 employers in 2025.")
    risks = next(t for t in tables if t.rows[0].cells[0].text.startswith("Critical risks"))
    for row, values in zip(risks.rows[2:4], [("1", "Partners leave", "WP1", "Replace them"),
                                            ("2", "Curricula are late", "WP3, WP4",
                                             "Start from the survey")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            put(cell, value)
    filled = tmp_path / "last-year.docx"
    document.save(str(filled))
    result = import_docx(filled, tmp_path / "proj", call=LOT2)
    data = (tmp_path / "proj" / "project.yaml").read_text(encoding="utf-8")
    assert "acronym: GREENGRID" in data and "title: Green Grid Skills Alliance" in data
    # The cover names the coordinator and its contact: the one partner Part B gives.
    assert "1 partner read from the names in the tables" in result.warnings[0]
    data = data.replace("country: XX", "country: PT")
    (tmp_path / "proj" / "project.yaml").write_text(data, encoding="utf-8")
    project = load_project(tmp_path / "proj" / "project.yaml")
    [coordinator] = project.proposal.partners
    assert (coordinator.name, coordinator.role) == ("Universidade do Litoral", "coordinator")
    assert coordinator.contact is not None and \
        (coordinator.contact.first_name, coordinator.contact.last_name) == ("Joana", "Silva")
    assert [(r.description, r.work_packages, r.mitigation) for r in project.proposal.risks] == \
        [("Partners leave", ["WP1"], "Replace them"),
         ("Curricula are late", ["WP3", "WP4"], "Start from the survey")]
    assert project.texts == {"background": "Grids need technicians who understand storage.\n",
                             "needs": "We surveyed 120 employers in 2025.\n"}


@pytest.mark.official
def test_import_a_work_package_filled_by_hand(tmp_path: Path) -> None:
    """The form's work package table filled in Word: title, duration, lead, objectives,
    a task and a deliverable; its placeholders and second heading rows are left out."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(official_file("partb-form*.docx")))

    def put(tc: object, text: str) -> None:
        paragraphs = tc.findall(qn("w:p"))  # type: ignore[attr-defined]
        for extra in paragraphs[1:]:
            tc.remove(extra)  # type: ignore[attr-defined]
        for child in list(paragraphs[0]):
            if child.tag != qn("w:pPr"):
                paragraphs[0].remove(child)
        Paragraph(paragraphs[0], None).add_run(text)

    table = next(t for t in document.tables
                 if t.rows[0].cells[0].text.strip().startswith("Work Package 1"))
    rows = [list(tr.iterchildren(qn("w:tc"))) for tr in table._tbl.iterchildren(qn("w:tr"))]
    put(rows[0][0], "Work Package 1: Management")
    put(rows[1][1], "M1 - M36")
    put(rows[1][3], "1-GRID")
    put(rows[3][0], "Run the project well.")
    for tc, value in zip(rows[7], ["T1.1", "Coordination", "Meetings and reports.", "GRID",
                                   "COO", "No"], strict=True):
        put(tc, value)
    for tc, value in zip(rows[15], ["D1.1", "Quality plan", "1", "GRID", "R", "PU", "3",
                                    "A report."], strict=True):
        put(tc, value)
    document.save(str(tmp_path / "wp.docx"))
    result = import_docx(tmp_path / "wp.docx", tmp_path / "proj", call=LOT2)
    assert "1 partner read from the names in the tables" in result.warnings[0]
    project_file = tmp_path / "proj" / "project.yaml"
    # The country is not in Part B: check points at it, the user writes it in.
    check = CliRunner().invoke(cli, ["check", str(project_file)])
    assert check.exit_code == 1 and "'XX' is not an ISO 3166-1" in check.output
    assert "Traceback" not in check.output
    project_file.write_text(project_file.read_text(encoding="utf-8").replace(
        "country: XX", "country: DK"), encoding="utf-8")
    got = load_project(project_file).proposal
    assert [(p.id, p.short_name) for p in got.partners] == [("P1", "GRID")]
    [wp] = got.work_packages
    assert (wp.title, wp.lead, wp.start, wp.end, wp.objectives) == \
        ("Management", "P1", 1, 36, ["Run the project well."])
    assert [(t.title, t.description, t.lead) for t in wp.tasks] == \
        [("Coordination", "Meetings and reports.", "P1")]
    assert [(d.title, d.due, d.lead, d.type, d.dissemination, d.description)
            for d in wp.deliverables] == [("Quality plan", 3, "P1", "R", "PU", "A report.")]
    assert got.events == [] and got.milestones() == []


def test_import_untagged_document_by_headings(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("1. RELEVANCE", 1)
    document.add_heading("1.1 Background and general objectives", 2)
    document.add_paragraph("Last year we started from the needs of employers.")
    document.add_heading("1.2 Needs analysis and specific objectives", 2)
    document.add_paragraph("The needs are these.")
    document.add_paragraph("One", style="List Bullet")
    document.add_paragraph("Two", style="List Bullet")
    path = tmp_path / "old.docx"
    document.save(str(path))
    result = import_docx(path, tmp_path / "proj", call=LOT2)
    assert result.sections == ["background", "needs"]
    assert (tmp_path / "proj" / "sections" / "needs.md").read_text(encoding="utf-8") == \
        "The needs are these.\n\n- One\n- Two\n"


def test_units_round_trip_and_yaml_edits_keep_the_file() -> None:
    source = "# Title\n\nOne *para*.\n\n\n- a\n- b\n\n{{ text(\"x/y\") }}\n"
    units = split_units(source)
    assert join_units(units) == source and [u.include for u in units] == [None, None, None,
                                                                         "x/y"]
    text = ("# a comment\nwork_packages:\n  - id: WP1   # first\n    deliverables:\n"
            "      - {title: A, due: 3}  # short\n      - title: B\n        due: 8\n")
    out = set_values(text, [(("work_packages", 0, "deliverables", 1, "due"), 12),
                            (("work_packages", 0, "deliverables", 0, "due"), 4)])
    assert out == text.replace("due: 8", "due: 12").replace("due: 3}", "due: 4}")
    inline = ("sections:\n  summary:\n    text: >-\n      Old folded\n      text.\n"
              "    # kept\n  other: {file: x.md}  # also kept\n")
    out = set_values(inline, [(("sections", "summary", "text"), "One.\n\nTwo *b*.\n")])
    assert out == ("sections:\n  summary:\n    text: |\n      One.\n\n      Two *b*.\n"
                   "    # kept\n  other: {file: x.md}  # also kept\n")


@pytest.mark.parametrize(("description", "fmt", "language"), [
    ("Methods and sources.", "PDF report", "English"), (None, "open data (CSV, JSON-LD)", None),
    ("A plan.", None, "English, German"), ("Format: none of this is a format", None, None),
    (None, None, None)])
def test_deliverable_description_reads_back(description: str | None, fmt: str | None,
                                            language: str | None) -> None:
    from proposal_kit.form.tables import _deliverable_description, read_deliverable_description

    cell = _deliverable_description(description, fmt, language)
    assert read_deliverable_description(cell) == (description, fmt, language)


def test_coordinator_contact_and_in_kind_read_back() -> None:
    from proposal_kit.form.tables import read_coordinator_contact, read_in_kind

    assert read_coordinator_contact("Ana Maria DE LA CRUZ, Universidad X") == \
        ("Ana Maria", "De La Cruz", "Universidad X")
    assert read_coordinator_contact("Joana Silva, Litoral") == ("Joana", "Silva", "Litoral")
    assert read_coordinator_contact("Vesterhav University") is None
    assert read_in_kind("In-kind: KHT hosts the pilots.\nSubcontracting: S1.1 Audit") == \
        "KHT hosts the pilots."
    assert read_in_kind("No") is None and read_in_kind("The city lends a hall.") == \
        "The city lends a hall."


def _with_base_part(source: Path, target: Path, payload: bytes) -> None:
    """A copy of the DOCX ``source`` whose stored base part holds ``payload``."""
    import zipfile

    from proposal_kit.roundtrip.base import BASE_PROPERTY, read_base

    name = read_base(source)[1][BASE_PROPERTY]
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item, payload if item.filename == name else old.read(item))


def test_a_base_stored_by_the_first_version_still_reads(lot2: Path) -> None:
    """Documents rendered before the base stored its body (version 1: the body as read) are
    absorbed as before."""
    from proposal_kit.roundtrip.base import _encode, read_base

    base, _ = read_base(lot2 / "draft.docx")
    assert base is not None and any(s.found for s in base.sections.values())
    stored_v1 = base.to_json()
    assert stored_v1["v"] == 1
    _with_base_part(lot2 / "draft.docx", lot2 / "v1.docx", _encode(stored_v1))
    again, _ = read_base(lot2 / "v1.docx")
    assert again == base
    edited = _edit_as_partners(lot2)
    _with_base_part(edited, lot2 / "edited-v1.docx", _encode(stored_v1))
    report = absorb(lot2 / "project.yaml", lot2 / "edited-v1.docx").to_json()
    assert {s["id"] for s in report["sections"] if s["status"] != "unchanged"} == \
        {"needs", "background"}


def test_a_base_that_inflates_past_any_rendered_one_is_not_read(
        lot2: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crafted base part that decompresses without bound is refused, not inflated."""
    from proposal_kit.roundtrip import base

    monkeypatch.setattr(base, "MAX_BASE_BYTES", 1000)
    assert base.read_base(lot2 / "draft.docx")[0] is None
    with pytest.raises(InputError, match="without the record absorb needs"):
        absorb(lot2 / "project.yaml", lot2 / "draft.docx")
