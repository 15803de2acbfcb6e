"""`render --form`: the applicant's copy of the official Part B form, filled.

These tests fill the reference copy of the real form beside the checkout (CI has it, so
there they run); tests/test_form_synthetic.py fills a form the tests build, everywhere.
"""

from __future__ import annotations

import collections
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from conftest import EXAMPLES, official_file, require_tool
from proposal_kit import load_project
from proposal_kit.cli import cli
from proposal_kit.errors import InputError, OutputConflictError
from proposal_kit.form import form_for_topic
from proposal_kit.form.description import FormDescription
from proposal_kit.form.fill import open_form
from proposal_kit.form.locate import is_contents, locate, normalise, tags_in, text_of
from proposal_kit.form.placeholders import is_placeholder
from proposal_kit.pages import count_pages
from proposal_kit.render import render_project

pytestmark = pytest.mark.official

PROJECTS = {"lot1": EXAMPLES / "lot1-education-enterprises" / "project.yaml",
            "lot2": EXAMPLES / "lot2-blueprint" / "project.yaml"}


@pytest.fixture(scope="module")
def blank() -> Path:
    return official_file("partb-form-*.docx")


@pytest.fixture(scope="module")
def form(blank: Path) -> FormDescription:
    return open_form(blank)[1]


@pytest.fixture(scope="module")
def filled(blank: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both examples filled into the form."""
    folder = tmp_path_factory.mktemp("filled")
    out = {}
    for name, project_file in PROJECTS.items():
        out[name] = folder / f"{name}-form.docx"
        render_project(load_project(project_file), out[name], form=blank)
    return out


def paragraphs(path: Path) -> list[str]:
    """The normalised text of every paragraph outside the table of contents."""
    body = docx.Document(str(path)).element.body
    return [normalise(text_of(p)) for p in body.iter(qn("w:p"))
            if not any(is_contents(s) for s in p.iterancestors(qn("w:sdt")))]


def document_tags(path: Path) -> list[str]:
    """The tags of a document in order, as "#@CODE@#" / "#§CODE§#"."""
    body = docx.Document(str(path)).element.body
    found: list[str] = []
    for p in body.iter(qn("w:p")):
        found += [f"#@{code}@#" if kind == "open" else f"#§{code}§#"
                  for kind, code in tags_in(text_of(p))]
    return found


def form_tags(form: FormDescription) -> list[str]:
    return [f"#@{code}@#" if kind == "open" else f"#§{code}§#"
            for kind, code in form.tag_events()]


def test_the_form_is_identified_and_fits_the_call(blank: Path, form: FormDescription) -> None:
    assert form.id == form_for_topic("ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT").id
    assert not locate(docx.Document(str(blank)), form).missing


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_the_tags_are_the_forms_in_order(name: str, filled: dict[str, Path],
                                         blank: Path, form: FormDescription) -> None:
    assert document_tags(filled[name]) == document_tags(blank) == form_tags(form)


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_every_guidance_paragraph_and_table_heading_is_kept(
        name: str, filled: dict[str, Path], blank: Path, form: FormDescription) -> None:
    notice = {normalise(text_of(b)) for b in locate(docx.Document(str(blank)), form).notice
              for b in [b, *b.iter(qn("w:p"))]}
    replaced = ("work package 1: [", "work package ...", "task 1.", "year ")
    have = collections.Counter(paragraphs(filled[name]))
    want = collections.Counter(
        t for t in paragraphs(blank)
        if t and t not in notice and not is_placeholder(t, form)
        and not t.startswith(replaced) and t != "not applicable.")
    assert len(want) > 200  # the form's guidance and headings
    lost = [t for t in want if have[t] < 1]
    assert not lost, lost[:5]
    # Guidance copied with each work package's table: as many copies as work packages.
    wps = len(load_project(PROJECTS[name]).proposal.work_packages)
    assert have["objectives"] >= wps


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_the_notice_is_gone_and_the_cover_is_filled(name: str, filled: dict[str, Path],
                                                    form: FormDescription) -> None:
    text = "\n".join(paragraphs(filled[name]))
    assert normalise(form.notice) not in paragraphs(filled[name])
    p = load_project(PROJECTS[name]).proposal
    assert normalise(p.title) in text and normalise(p.acronym) in text
    coordinator = p.partners[0]
    assert coordinator.contact is not None
    assert normalise(coordinator.contact.last_name.upper()) in text
    assert "[project title]" not in text and "[acronym]" not in text


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_the_projects_text_and_items_are_in_it(name: str, filled: dict[str, Path],
                                               form: FormDescription) -> None:
    document = docx.Document(str(filled[name]))
    found = locate(document, form)
    text = "\n".join(paragraphs(filled[name]))
    project = load_project(PROJECTS[name])
    p = project.proposal
    for box in form.boxes():
        tbl = found.boxes.get(box.id)
        if tbl is None or box.answer != "row" or box.in_table:
            continue
        answer = "\n".join(normalise(text_of(r)) for r in tbl.findall(qn("w:tr"))[1:])
        if box.id in p.sections:
            assert normalise(form.placeholder) not in answer, box.id
    from proposal_kit.calls import load_call
    from proposal_kit.derive import derive
    from proposal_kit.render import section_texts

    draft = derive(p, load_call(p.call), section_texts(project, load_call(p.call)))
    assert draft.deliverables and draft.milestones
    for _, d in draft.deliverables:
        assert normalise(d.number) in text, d.number
    for _, m in draft.milestones:
        assert normalise(m.number) in text, m.number
    for partner in p.partners:
        assert normalise(partner.short_name or partner.name) in text, partner.id
    for wp in p.work_packages:
        assert normalise(wp.title) in text, wp.id
    # One copy of the work package table per work package, each with its title.
    titles = [t for t in paragraphs(filled[name]) if t.startswith("work package ")
              and ":" in t]
    assert len(titles) >= len(p.work_packages)


def test_the_page_count_is_libreoffices(filled: dict[str, Path], tmp_path: Path) -> None:
    require_tool("soffice")
    from pypdf import PdfReader

    path = filled["lot2"]
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(path)], check=True, capture_output=True, timeout=240)
    pdf_pages = len(PdfReader(str(tmp_path / f"{path.stem}.pdf")).pages)
    report = count_pages(path)
    assert report.exact and report.total_pages == pdf_pages
    # The section map finds the form's sections and every work package.
    ids = {s.id for s in report.sections}
    assert {"relevance", "quality", "impact-group", "workplan-group", "other"} <= ids
    wps = len(load_project(PROJECTS["lot2"]).proposal.work_packages)
    assert {f"wp{n}" for n in range(1, wps + 1)} <= ids
    assert not [f for f in report.findings if f.code.startswith("format.")
                and f.severity.name == "WARNING"], report.findings


def test_the_timetable_labels_never_break(filled: dict[str, Path]) -> None:
    """'Q 2' and 'M 24' stay on one line: no-break spaces, and equal cells for the grid."""
    import re

    body = docx.Document(str(filled["lot2"])).element.body
    grids = 0
    for tbl in body.iter(qn("w:tbl")):
        rows = tbl.findall(qn("w:tr"))
        if len(rows) < 3:
            continue
        labels = [text_of(tc).strip(" ") for tc in rows[2].findall(qn("w:tc"))[1:]]
        labels = [x for x in labels if x]
        if not labels or not all(re.fullmatch(r"[QM]\u00a0\d+", x) for x in labels):
            continue
        grids += 1
        widths = {int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w")))
                  for tc in rows[2].findall(qn("w:tc"))[1:] if text_of(tc).strip(" ")}
        assert len(widths) == 1, widths
    assert grids == 2  # the months timetable (not applicable here) and the quarters one


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_the_own_layout_predicts_the_forms_pages(name: str, filled: dict[str, Path],
                                                 tmp_path: Path) -> None:
    """pages_with_form_guidance of the own layout is within 2 pages of the filled form."""
    require_tool("soffice")
    own = tmp_path / "own.docx"
    render_project(load_project(PROJECTS[name]), own)
    estimate = count_pages(own)
    real = count_pages(filled[name])
    assert estimate.form_guidance_pages is not None and estimate.form_guidance_pages > 5
    assert estimate.pages_with_form_guidance is not None
    assert abs(estimate.pages_with_form_guidance - real.pages) <= 2, (
        estimate.pages_with_form_guidance, real.pages)


def test_a_form_resaved_by_libreoffice_is_filled(blank: Path, tmp_path: Path,
                                                 form: FormDescription) -> None:
    require_tool("soffice")
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(blank, source / "form.docx")
    subprocess.run(["soffice", "--headless", "--convert-to", "docx:MS Word 2007 XML",
                    "--outdir", str(tmp_path), str(source / "form.docx")],
                   check=True, capture_output=True, timeout=240)
    resaved = tmp_path / "form.docx"
    out = tmp_path / "out.docx"
    render_project(load_project(PROJECTS["lot2"]), out, form=resaved)
    assert document_tags(out) == form_tags(form)


def _without_notice(blank: Path, target: Path, form: FormDescription) -> Path:
    document = docx.Document(str(blank))
    for block in locate(document, form).notice:
        block.getparent().remove(block)
    document.save(str(target))
    return target


def test_a_form_whose_notice_was_deleted_is_filled(blank: Path, tmp_path: Path,
                                                   form: FormDescription) -> None:
    trimmed = _without_notice(blank, tmp_path / "no-notice.docx", form)
    assert normalise(form.notice) not in paragraphs(trimmed)
    out = tmp_path / "out.docx"
    render_project(load_project(PROJECTS["lot1"]), out, form=trimmed)
    assert document_tags(out) == form_tags(form)


def _prefill(blank: Path, target: Path, form: FormDescription, box_id: str) -> None:
    document = docx.Document(str(blank))
    tbl = locate(document, form).boxes[box_id]
    answer = tbl.findall(qn("w:tr"))[1]
    t = next(answer.iter(qn("w:t")))
    t.text = "Our partner already wrote this background."
    document.save(str(target))


def test_a_box_with_someones_text_is_refused_unless_forced(blank: Path, tmp_path: Path,
                                                          form: FormDescription) -> None:
    prefilled = tmp_path / "prefilled.docx"
    _prefill(blank, prefilled, form, "background")
    out = tmp_path / "out.docx"
    with pytest.raises(OutputConflictError) as caught:
        render_project(load_project(PROJECTS["lot2"]), out, form=prefilled)
    assert "1.1" in str(caught.value) or "Background" in str(caught.value)
    assert not out.exists()
    result = CliRunner().invoke(cli, ["render", str(PROJECTS["lot2"]), "--form",
                                      str(prefilled), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["render", str(PROJECTS["lot2"]), "--form",
                                      str(prefilled), "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert "our partner already wrote" not in "\n".join(paragraphs(out))


def test_a_document_that_is_not_the_form_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "letter.docx"
    document = docx.Document()
    document.add_paragraph("Dear partners, please find the budget attached.")
    document.save(str(other))
    with pytest.raises(InputError) as caught:
        render_project(load_project(PROJECTS["lot2"]), tmp_path / "out.docx", form=other)
    assert "form" in str(caught.value).lower()
    result = CliRunner().invoke(cli, ["render", str(PROJECTS["lot2"]), "--form", str(other),
                                      "-o", str(tmp_path / "out.docx")])
    assert result.exit_code == 1, result.output  # an input problem (docs: exit codes)
    assert "Traceback" not in result.output


def test_an_unknown_version_of_the_form_is_named(blank: Path, tmp_path: Path) -> None:
    document = docx.Document(str(blank))
    changed = 0
    for t in document.element.body.iter(qn("w:t")):
        if t.text and t.text.strip() == "01.06.2022":
            t.text = "01.06.2031"
            changed += 1
    assert changed
    later = tmp_path / "later.docx"
    document.save(str(later))
    with pytest.raises(InputError, match="does not know"):
        open_form(later)


def test_the_output_may_not_replace_the_form(blank: Path, tmp_path: Path) -> None:
    copy = tmp_path / "form.docx"
    shutil.copy(blank, copy)
    before = copy.read_bytes()
    result = CliRunner().invoke(cli, ["render", str(PROJECTS["lot2"]), "--form", str(copy),
                                      "-o", str(copy), "--force"])
    assert result.exit_code != 0 and copy.read_bytes() == before


def test_check_reports_what_render_would_refuse_in_the_named_form(
        blank: Path, tmp_path: Path, form: FormDescription) -> None:
    """`part_b_form:` in project.yaml: check opens the form as render would."""
    from proposal_kit.check import check_file

    folder = tmp_path / "lot2"
    shutil.copytree(PROJECTS["lot2"].parent, folder)
    project_file = folder / "project.yaml"
    text = project_file.read_text(encoding="utf-8")

    def codes(form_name: str) -> dict[str, int | None]:
        project_file.write_text(text + f"\npart_b_form: {form_name}\n", encoding="utf-8")
        return {f.code: f.line for f in check_file(project_file).findings
                if f.code.startswith("form.")}

    shutil.copy(blank, folder / "blank.docx")
    assert codes("blank.docx") == {}
    _prefill(blank, folder / "prefilled.docx", form, "background")
    found = codes("prefilled.docx")
    assert set(found) == {"form.prefilled"} and found["form.prefilled"]
    letter = docx.Document()
    letter.add_paragraph("Dear partners")
    letter.save(str(folder / "letter.docx"))
    assert set(codes("letter.docx")) == {"form.unreadable"}
    assert set(codes("missing.docx")) == {"form.missing"}


def test_every_row_of_data_is_kept_whole(filled: dict[str, Path]) -> None:
    """Deliverables, tasks, events, staff and risks: each row on one page (w:cantSplit)."""
    import re

    for name, path in filled.items():
        body = docx.Document(str(path)).element.body
        data = [tr for tr in body.iter(qn("w:tr"))
                if re.match(r"(D|T|E)\d+\.\d+\b", text_of(tr).strip())]
        assert len(data) > 20, name
        loose = [text_of(tr)[:40] for tr in data
                 if tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is None]
        assert not loose, (name, loose)


def _staff_table(path: Path) -> Any:
    body = docx.Document(str(path)).element.body
    return next(t for t in body.iter(qn("w:tbl"))
                if "Professional profile and expertise" in text_of(t))


def _grid_mm(tbl: Any) -> list[float]:
    return [int(g.get(qn("w:w"))) / 56.69 for g in tbl.iter(qn("w:gridCol"))]


def test_the_staff_table_is_as_low_as_its_text_allows(blank: Path,
                                                      filled: dict[str, Path]) -> None:
    """Its columns go where they lower the rows; the text under it is not glued to it."""
    from proposal_kit.render.metrics import longest_word_mm, wrapped_lines

    margins = 2 * 108 / 56.69  # the form's cell margins, 0.19 cm a side
    forms = _grid_mm(_staff_table(blank))
    for name, path in filled.items():
        tbl = _staff_table(path)
        widths = _grid_mm(tbl)
        assert sum(widths) == pytest.approx(sum(forms), abs=0.1)
        rows = [[text_of(tc) for tc in tr.findall(qn("w:tc"))] for tr in tbl.iter(qn("w:tr"))
                if len(tr.findall(qn("w:tc"))) == 4][1:]
        assert len(rows) >= 5, name

        def height(grid: list[float], rows: list[list[str]] = rows) -> int:
            return sum(max(wrapped_lines(c, w - margins) for c, w in zip(row, grid,
                                                                         strict=True))
                       for row in rows)

        assert all(longest_word_mm(c) + margins <= w  # no word broken
                   for row in rows for c, w in zip(row, widths, strict=True)), name
        # the form's own columns would make the rows higher
        assert height(widths) < height(forms), (name, height(widths), height(forms))
        after = tbl.getnext()
        assert after.tag == qn("w:p"), name
        spacing = after.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        assert spacing is not None and int(spacing.get(qn("w:before"))) >= 120, name


@pytest.mark.parametrize("layout", ["form", "own"])
@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_the_pages_break_no_header_word_row_or_caption(name: str, layout: str,
                                                       filled: dict[str, Path],
                                                       tmp_path: Path) -> None:
    """Judged on LibreOffice's PDF, page by page, as an evaluator reads it."""
    require_tool("soffice")
    require_tool("pdftotext")
    from pdf_layout import broken_words, captions_apart, lonely_blocks, split_rows, tagged_pdf

    if layout == "form":
        path = filled[name]
    else:
        path = tmp_path / f"{name}-own.docx"
        render_project(load_project(PROJECTS[name]), path)
    pdf = tagged_pdf(path, tmp_path)
    assert not broken_words(pdf, path)
    # Only a long answer in one of the form's text boxes may run on to the next page.
    assert not [str(r) for r in split_rows(pdf, path) if not r.can_split]
    assert not lonely_blocks(pdf)
    assert not captions_apart(pdf)
