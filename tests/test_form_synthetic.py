"""`render --form` on a synthetic copy of the official form, built from its description.

These run everywhere (no ``official`` marker): a fresh clone has no ``../shared/official``,
but it has the form's description, from which tests/formbuilder.py builds a form of the same
shapes. test_form.py runs the same checks on the real form where it is at hand.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from conftest import EXAMPLES
from formbuilder import build_form, guidance, table_headings
from proposal_kit import load_project
from proposal_kit.cli import cli
from proposal_kit.errors import EXIT_CODES, InputError, OutputConflictError
from proposal_kit.form import form_for_topic
from proposal_kit.form.description import FormDescription
from proposal_kit.form.docx_edit import cells_of, rows_of
from proposal_kit.form.fill import open_form
from proposal_kit.form.locate import (
    first_paragraph_text,
    form_paragraphs,
    locate,
    normalise,
    tags_in,
    text_of,
)
from proposal_kit.project import Project
from proposal_kit.render import render_project

EXAMPLE_FILES = {name: EXAMPLES / name / "project.yaml"
                 for name in ("lot1-education-enterprises", "lot2-blueprint")}
#: The tables each filled form keeps with all their column headings.
_TABLES = ("staff", "risks", "work_package", "wp_budget", "staff_effort_wp",
           "staff_effort_participant", "subcontracting", "events", "timetable_months",
           "timetable_quarters", "double_funding", "previous_projects")


def _form(project: Project) -> FormDescription:
    return form_for_topic(project.proposal.call)


def _tags(document: Any) -> list[str]:
    return [f"#@{code}@#" if kind == "open" else f"#§{code}§#"
            for kind, code in tags_in(text_of(document.element.body))]


def _text(document: Any) -> str:
    return normalise(text_of(document.element.body))


def _cli(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic blank form (never written over by the tests)."""
    return build_form(tmp_path_factory.mktemp("form") / "partb-form.docx")


@pytest.fixture(scope="module", params=sorted(EXAMPLE_FILES))
def filled(request: pytest.FixtureRequest, blank: Path,
           tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Any]:
    """Each example, rendered into the synthetic form."""
    project = load_project(EXAMPLE_FILES[request.param])
    out = tmp_path_factory.mktemp("out") / "filled.docx"
    result = render_project(project, out, form=blank)
    assert result.output == out and result.form == blank and out.is_file()
    return project, docx.Document(str(out))


# -- the filled form --------------------------------------------------------------------------
def test_the_tags_are_the_forms_in_its_order(filled: tuple[Project, Any]) -> None:
    project, document = filled
    tags = _tags(document)
    assert tags == _form(project).tag_sequence()
    assert len(tags) == 37


def test_every_guidance_row_and_table_heading_is_kept(filled: tuple[Project, Any]) -> None:
    project, document = filled
    form = _form(project)
    where = locate(document, form)
    assert not where.missing
    for box in form.boxes():
        tbl = where.boxes[box.id]
        first = cells_of(rows_of(tbl)[0])[0] if not box.in_table else next(
            tc for tr in rows_of(tbl) for tc in cells_of(tr)[:1]
            if normalise(text_of(tc)).startswith(normalise(box.title)))
        assert normalise(text_of(first)).startswith(normalise(box.title)), box.id
        assert normalise(guidance(box.title)) in normalise(text_of(first)), box.id
    text = _text(document)
    for heading in (*form.front, *form.headings()):
        assert normalise(heading.title) in text, heading.title
    for table_id in _TABLES:
        spec = form.tables[table_id]
        assert normalise(spec.title.format(n=1)) in text, table_id
        for column in table_headings(spec):
            if table_id == "timetable_quarters" and column.startswith("YEAR"):
                continue  # the filler names the years by the calendar
            assert normalise(column) in text, (table_id, column)


def test_the_applicants_table_rows_are_not_the_forms_text(filled: tuple[Project, Any]) -> None:
    """The format check leaves out the form's own text only: a risk the project wrote is
    the applicant's, held to the font minimum (a column without a heading once made every
    row of every table look like the form's)."""
    project, document = filled
    form = _form(project)
    seal = form.tables["seal_of_excellence"]
    headless = seal.model_copy(update={"columns": [c.model_copy(update={"heading": ""})
                                                   for c in seal.columns]})
    form = form.model_copy(update={"tables": {**form.tables, "seal_of_excellence": headless}})
    owned = form_paragraphs(document, form)
    risk = project.proposal.risks[0].description.split()[0]
    rows = [p for p in document.element.body.iter(qn("w:p"))
            if text_of(p).strip().startswith(risk)]
    assert rows and not any(p in owned for p in rows)


def test_the_notice_goes_and_the_cover_is_filled(filled: tuple[Project, Any]) -> None:
    project, document = filled
    form = _form(project)
    assert normalise(form.notice) not in _text(document)
    assert normalise(guidance(form.notice)) not in _text(document)
    proposal = project.proposal
    cover = normalise(text_of(locate(document, form).cover))
    coordinator = proposal.coordinator
    assert coordinator is not None and coordinator.contact is not None
    for value in (proposal.title or "", proposal.acronym, coordinator.name,
                  coordinator.contact.display):
        assert value and normalise(value) in cover, value
    assert not any(normalise(f.placeholder) in cover for f in form.cover.fields)


def test_no_insert_text_where_the_project_has_text(filled: tuple[Project, Any]) -> None:
    project, document = filled
    form = _form(project)
    where = locate(document, form)
    answered = [b for b in form.boxes() if b.answer == "row" and
                project.texts.get(b.id, "").strip()]
    assert len(answered) >= 10
    for box in answered:
        tbl = where.boxes[box.id]
        rows = rows_of(tbl)
        answer = cells_of(rows[-1])[-1] if not box.in_table else next(
            cells_of(tr)[-1] for tr in rows
            if normalise(text_of(cells_of(tr)[0])).startswith(normalise(box.title)))
        got = normalise(text_of(answer))
        assert got and got != normalise(form.placeholder), box.id
        assert normalise(form.placeholder) not in got, box.id


def test_every_work_package_deliverable_milestone_and_beneficiary(
        filled: tuple[Project, Any]) -> None:
    project, document = filled
    form = _form(project)
    proposal = project.proposal
    text = _text(document)
    assert proposal.work_packages
    for wp in proposal.work_packages:
        assert normalise(wp.title) in text, wp.title
    cells = {normalise(text_of(tc)) for tc in document.element.body.iter(qn("w:tc"))}
    for _, deliverable in proposal.deliverables():  # each in its own cell of a WP table
        assert normalise(deliverable.number) in cells, deliverable.number
    for _, milestone in proposal.milestones():
        assert normalise(milestone.number) in cells, milestone.number
    assert len(proposal.deliverables()) >= 5 and len(proposal.milestones()) >= 3
    for partner in proposal.partners:
        assert normalise(partner.label) in text, partner.label
    wp_title = form.tables["work_package"].title
    titles = [normalise(first_paragraph_text(t._tbl)) for t in document.tables]
    for wp in proposal.work_packages:
        prefix = normalise(wp_title.format(n=wp.number))
        mine = [t for t in titles if t.startswith(prefix + ":") or t == prefix]
        assert mine == [f"{prefix}: {normalise(wp.title)}"], wp.number
    assert sum(t.startswith("work package ") for t in titles) == len(proposal.work_packages)


def test_the_contents_list_the_forms_headings(filled: tuple[Project, Any]) -> None:
    project, document = filled
    form = _form(project)
    contents = locate(document, form).contents
    assert contents is not None
    entries = [normalise(text_of(p)) for p in contents.iter(qn("w:p")) if text_of(p).strip()]
    for heading in form.headings():
        if heading.style == "heading" and 1 <= heading.level <= 3:
            assert any(e.startswith(normalise(heading.title)) for e in entries), heading.title


def _table_of(document: Any, form: FormDescription, table_id: str) -> Any:
    return locate(document, form).tables[table_id]


def _shaded(tc: Any) -> bool:
    shd = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    return shd is not None and (shd.get(qn("w:fill")) or "auto").lower() not in ("auto",
                                                                                "ffffff")


def test_the_tables_after_the_work_packages(filled: tuple[Project, Any]) -> None:
    """Lump sums: staff effort not applicable; the timetable the duration asks for."""
    project, document = filled
    form = _form(project)
    proposal = project.proposal
    for table_id in ("staff_effort_wp", "staff_effort_participant"):
        rows = [[normalise(text_of(tc)) for tc in cells_of(tr)]
                for tr in rows_of(_table_of(document, form, table_id))]
        assert rows[-1][0].startswith("not applicable: this is a lump sum"), table_id
        assert len(rows) == 3, table_id  # title, headings, the note: no template row left
    months = rows_of(_table_of(document, form, "timetable_months"))
    assert (proposal.duration_months or 0) > 24
    assert normalise(text_of(months[-1])).startswith("not applicable")
    quarters = rows_of(_table_of(document, form, "timetable_quarters"))
    labels = {normalise(text_of(cells_of(tr)[0])): tr for tr in quarters[3:]}
    for wp in proposal.work_packages:
        for n in range(1, len(wp.tasks) + 1):
            label = next(k for k in labels if k.startswith(f"task {wp.number}.{n} "))
            assert any(_shaded(tc) for tc in cells_of(labels[label])[1:]), label
    answers = [normalise(text_of(cells_of(tr)[-1]))
               for tr in rows_of(_table_of(document, form, "double_funding"))[2:4]]
    assert all(a in ("yes", "no") for a in answers), answers


# -- variants of the form ---------------------------------------------------------------------
def _lot1() -> Project:
    return load_project(EXAMPLE_FILES["lot1-education-enterprises"])


def _render_ok(form_file: Path, out: Path) -> Any:
    project = _lot1()
    render_project(project, out, form=form_file)
    document = docx.Document(str(out))
    assert _tags(document) == _form(project).tag_sequence()
    return document


def test_a_form_without_its_notice(tmp_path: Path) -> None:
    form_file = build_form(tmp_path / "form.docx", notice=False)
    assert "IMPORTANT NOTICE" not in text_of(docx.Document(str(form_file)).element.body)
    document = _render_ok(form_file, tmp_path / "out.docx")
    assert normalise(_lot1().proposal.acronym) in _text(document)


def test_a_form_without_its_history_is_known_by_its_header(tmp_path: Path) -> None:
    form_file = build_form(tmp_path / "form.docx", history=False)
    _, form = open_form(form_file)
    assert form.id == _form(_lot1()).id
    _render_ok(form_file, tmp_path / "out.docx")


def test_a_form_resaved_by_python_docx(blank: Path, tmp_path: Path) -> None:
    resaved = tmp_path / "resaved.docx"
    docx.Document(str(blank)).save(str(resaved))
    _render_ok(resaved, tmp_path / "out.docx")


def _prefill(blank: Path, target: Path, title: str, text: str) -> Path:
    """A copy of the form whose box ``title`` already holds ``text``."""
    document = docx.Document(str(blank))
    box = next(t for t in document.tables
               if normalise(first_paragraph_text(t._tbl)) == normalise(title))
    box.rows[-1].cells[0].text = text
    document.save(str(target))
    return target


def test_a_box_holding_text_is_refused_then_forced(blank: Path, tmp_path: Path) -> None:
    project = _lot1()
    form = _form(project)
    box = form.box("background")
    form_file = _prefill(blank, tmp_path / "prefilled.docx", box.title, "Our own draft.")
    before = hashlib.sha256(form_file.read_bytes()).hexdigest()
    out = tmp_path / "out.docx"
    with pytest.raises(OutputConflictError, match=r"1\.1 Background and general objectives"):
        render_project(project, out, form=form_file)
    assert not out.exists()
    code, message = _cli("render", EXAMPLE_FILES["lot1-education-enterprises"],
                         "--form", form_file, "-o", out)
    assert code == EXIT_CODES["output"] == 3, message
    assert "1.1 Background and general objectives" in message and "--force" in message
    assert "Traceback" not in message and not out.exists()
    code, message = _cli("render", EXAMPLE_FILES["lot1-education-enterprises"],
                         "--form", form_file, "-o", out, "--force")
    assert code == 0, message
    document = docx.Document(str(out))
    assert "our own draft" not in _text(document)
    answer = normalise(text_of(rows_of(locate(document, form).boxes["background"])[-1]))
    first = re.sub(r"[*_#`]", "", project.texts["background"].strip().split("\n\n")[0])
    assert normalise(first)[:40] in answer
    assert hashlib.sha256(form_file.read_bytes()).hexdigest() == before  # the form is kept


def test_a_table_holding_text_is_refused(blank: Path, tmp_path: Path) -> None:
    document = docx.Document(str(blank))
    staff = next(t for t in document.tables if normalise(first_paragraph_text(t._tbl)) ==
                 normalise(_form(_lot1()).tables["staff"].title))
    staff.rows[2].cells[0].text = "Jane Doe, project manager"
    form_file = tmp_path / "prefilled.docx"
    document.save(str(form_file))
    with pytest.raises(OutputConflictError, match="the table 'Project teams and staff'"):
        render_project(_lot1(), tmp_path / "out.docx", form=form_file)


def test_a_document_that_is_not_the_form(tmp_path: Path) -> None:
    other = tmp_path / "letter.docx"
    document = docx.Document()
    document.add_heading("Letter of intent", level=1)
    document.add_paragraph("We support the alliance.")
    document.save(str(other))
    with pytest.raises(InputError, match="not the official Part B form"):
        render_project(_lot1(), tmp_path / "out.docx", form=other)
    code, message = _cli("render", EXAMPLE_FILES["lot1-education-enterprises"],
                         "--form", other, "-o", tmp_path / "out.docx")
    assert code == EXIT_CODES["problems"] == 1, message
    assert "not the official Part B form" in message and "Traceback" not in message


def test_a_form_of_an_unknown_version(tmp_path: Path) -> None:
    form_file = build_form(tmp_path / "form.docx", version=("3.0", "01.01.2027"))
    with pytest.raises(InputError, match="does not know"):
        render_project(_lot1(), tmp_path / "out.docx", form=form_file)
    code, message = _cli("render", EXAMPLE_FILES["lot1-education-enterprises"],
                         "--form", form_file, "-o", tmp_path / "out.docx")
    assert code == EXIT_CODES["problems"], message
    assert "version 3.0" in message and "does not know" in message
    assert "Traceback" not in message


def test_the_synthetic_form_has_no_text_of_the_real_forms_guidance(blank: Path) -> None:
    """Its prose is filler: a longer paragraph is a name from the description, a line of
    tags, or "Guidance for ..."."""
    from proposal_kit.form.tags import is_tag_line

    form = _form(_lot1())
    names = {normalise(h.title) for h in (*form.front, *form.headings())}
    names |= {normalise(b.title) for b in form.boxes()}
    names |= {normalise(c) for spec in form.tables.values() for c in table_headings(spec)}
    document = docx.Document(str(blank))
    texts = [text_of(p).strip() for p in document.element.body.iter(qn("w:p"))]
    prose = [t for t in texts if len(t) > 50 and not is_tag_line(t) and
             normalise(t) not in names]
    assert prose and all(t.startswith("Guidance for ") or " Guidance for " in t
                         for t in prose), prose
    assert sum(t.startswith("Guidance for ") for t in texts) >= len(form.boxes())
