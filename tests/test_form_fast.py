"""What makes filling the official form fast without changing what it writes.

(Timings are benchmarks in bench/, not tests; these check that each faster mechanism writes
exactly what the plain one writes, and that it does less work.)
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree

from proposal_kit.form import cellfill, docx_edit
from proposal_kit.form.cellfill import RowTemplate, copy_row, set_cell
from proposal_kit.form.cells import Cell, Line
from proposal_kit.form.docx_edit import cells_of

#: A template row as the form has them: spacing to compact, a justification, a grey
#: placeholder in bold, a minimum height, and a third cell no column fills.
_ROW = (f"<w:tr {nsdecls('w')}><w:trPr><w:trHeight w:val='400'/></w:trPr>"
        + "".join(
            "<w:tc><w:tcPr><w:tcW w:w='1200' w:type='dxa'/><w:shd w:val='clear' "
            "w:fill='FFFFFF'/></w:tcPr><w:p><w:pPr><w:spacing w:before='120' w:after='120'/>"
            "<w:jc w:val='both'/><w:rPr><w:sz w:val='18'/></w:rPr></w:pPr><w:r><w:rPr><w:b/>"
            f"<w:highlight w:val='lightGray'/><w:sz w:val='18'/></w:rPr><w:t>{text}</w:t>"
            "</w:r></w:p></w:tc>" for text in ("T1.1", "[name]", "[role]"))
        + "</w:tr>")


def _plain(template: Any, cells: list[tuple[Cell, bool]]) -> bytes:
    """The row as the cell-by-cell path writes it: a copy, each cell set in turn."""
    tr = copy_row(template)
    for tc, (cell, aside) in zip(cells_of(tr), cells, strict=False):
        set_cell(tc, cell, aside=aside)
    return etree.tostring(tr)


_ROWS = [[*row, (Cell.of(f"note {n}"), False)] for n, row in enumerate([
    [(Cell.of("T1.1", bold=True), False), (Cell.of("Survey of employers"), False)],
    [(Cell.of("T1.2", bold=True), False), (Cell.of("Interviews"), False)],  # same shape
    [(Cell.of("T1.3"), False), (Cell.of("12,500", align="right"), False)],
    [(Cell.of("T1.4", bold=True), False),
     (Cell((Line("UNIBO", bold=True, aside="Coordinator"), Line("ACME", aside="Partner"))),
      True)],
    [(Cell.of("T1.5", bold=True), False),
     (Cell((Line("UNIBO", bold=True, aside="Coordinator"), Line("ACME", aside="Partner"))),
      False)],
    [(Cell(), False), (Cell.lines_of(["one", "", "two", "three"]), False)],
    [(Cell.of("T1.6", bold=True), False), (Cell.of("Again the first shape"), False)],
])]


@pytest.mark.parametrize("columns", [1, 2, 3])
def test_rows_from_a_row_template_are_the_cell_by_cell_rows(columns: int) -> None:
    """Each row filled from a :class:`RowTemplate` is byte for byte the row written cell by
    cell: one column or all, rows of a shape seen before or new, asides, several lines."""
    template = parse_xml(_ROW)
    ready = RowTemplate(template, columns)
    for cells in _ROWS:
        assert etree.tostring(ready.fill(cells[:columns])) == \
            _plain(template, cells[:columns])
    assert etree.tostring(template) == etree.tostring(parse_xml(_ROW))  # left as it was


def test_a_row_template_formats_each_shape_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows of a shape seen before are copies: their cells are not cleared nor formatted."""
    written: list[object] = []
    original = cellfill._CellFormat.write

    def spy(self: cellfill._CellFormat, tc: Any, cell: Cell, aside: bool) -> None:
        written.append(cell)
        original(self, tc, cell, aside)

    monkeypatch.setattr(cellfill._CellFormat, "write", spy)
    ready = RowTemplate(parse_xml(_ROW), 2)
    rows = [ready.fill(cells[:2]) for cells in _ROWS]
    assert len(written) == 2 * 5  # seven rows in five shapes
    texts = [[t.text for t in tr.iter(docx_edit.W_T)] for tr in rows]
    assert texts[1][:2] == ["T1.2", "Interviews"]
    assert texts[6][:2] == ["T1.6", "Again the first shape"]
    assert copy.deepcopy(rows[0]) is not rows[0]


def test_work_package_template_rows_made_ready_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The template rows of the work package and budget tables are made ready once, not
    once per work package, and each work package still lists its own tasks."""
    from conftest import EXAMPLES, official_file
    from proposal_kit import load_project
    from proposal_kit.form.description import form_description
    from proposal_kit.form.locate import first_paragraph_text, normalise, text_of
    from proposal_kit.render import render_bytes

    budget_title = form_description().tables["wp_budget"].title
    made: list[str] = []
    original = RowTemplate.__init__

    def spy(self: RowTemplate, template: Any, columns: int) -> None:
        table = template.getparent()  # none for the timetable's, taken out first
        title = first_paragraph_text(table) if table is not None else ""
        made.append("budget" if normalise(title).startswith(normalise(budget_title)) else
                    text_of(cells_of(template)[0]).strip())
        original(self, template, columns)

    monkeypatch.setattr(RowTemplate, "__init__", spy)
    project = load_project(EXAMPLES / "lot2-blueprint" / "project.yaml")
    assert len(project.proposal.work_packages) > 1
    document = render_bytes(project, form=official_file("partb-form*.docx"), force=True)
    assert made.count("T1.1") == made.count("MS1") == made.count("D1.1") == 1
    assert made.count("budget") == 1  # the budget table's participant rows
    from io import BytesIO

    import docx

    filled = docx.Document(BytesIO(document))
    body_text = text_of(filled.element.body)
    for wp in project.proposal.work_packages:
        assert f"T{wp.number}.1" in body_text
