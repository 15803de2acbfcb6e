"""Fill one work package's "Estimated budget — Resources" table of the official form.

The form's table is wide (fifteen columns on a landscape page): its headings name the
categories, its template cells the units ("X person months", "X EUR"). Filled, the units
move to a row of their own under the headings, so that every figure keeps its unit; the
columns are re-divided within the form's width so that no figure and no heading word breaks;
the header rows repeat on each page and no row splits across pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..docxfile import xml_int
from ..render.metrics import Text, fit_widths
from .cellfill import RowTemplate, compact_paragraphs, copy_row, note_row, set_cell
from .cells import Cell, Table
from .description import TableSpec
from .docx_edit import (
    OxmlElement,
    cell_span,
    cells_of,
    grid_columns,
    qn,
    repeat_rows,
    rows_of,
    set_grid_widths,
)
from .locate import normalise, text_of

__all__ = ["BudgetRows", "fill_wp_budget", "fit_columns", "take_templates"]

W_TCPR, W_R, W_T, W_RPR = qn("w:tcPr"), qn("w:r"), qn("w:t"), qn("w:rPr")
W_SZ, W_B, W_VAL = qn("w:sz"), qn("w:b"), qn("w:val")
#: Left and right cell margins of the filled table (twips), and what a cell needs beyond its
#: text: both margins and a little slack for the word processor's own rounding.
CELL_MARGIN = 30
#: The form's borders are 1.5 pt wide (half of each inside the cell): 0.55 mm, and 1.2 mm for
#: the word processor's rounding.
SLACK_MM = 1.75
TWIPS_PER_MM = 56.6929
#: Word's left and right cell margin when a table sets none (0.19 cm).
WORD_CELL_MARGIN = 108

#: Puts one row filled from a :class:`RowTemplate` per row of a table after an element, or
#: a note when it has none (the form filler's own ``_put_rows``).
Put = Callable[[Any, RowTemplate, Any, Table, list[Any], "str | None"], None]


@dataclass(frozen=True)
class BudgetRows:
    """The form's budget table with its template rows taken out, before it is copied.

    ``at``: the index in the table of the element the participants' rows follow (the same
    in every copy); ``units``: the index of the units row, the last header row.
    """

    at: int
    units: int
    ready: RowTemplate
    template: Any


def take_templates(tbl: Any, spec: TableSpec) -> BudgetRows | None:
    """Take the template rows out of the form's table and put the units row in.

    Done once, before the table is copied for each work package: what each copy is filled
    from. None when the table has no headings or no template rows (it is left as it is).
    """
    columns = len(spec.columns)
    rows = rows_of(tbl)
    first = normalise(spec.columns[1].heading)
    headings = next((i for i, tr in enumerate(rows)
                     if any(normalise(text_of(tc)).startswith(first) for tc in cells_of(tr))),
                    None)
    if headings is None:
        return None
    templates = [tr for tr in rows[headings + 1:] if len(cells_of(tr)) == columns
                 and normalise(text_of(cells_of(tr)[0])) in ("[name]", "")]
    if not templates:
        return None
    units = _units_row(templates[0], rows[headings], spec)
    rows[headings].addnext(units)
    anchor = templates[0].getprevious()
    ready = RowTemplate(templates[0], columns)
    for tr in templates:
        tr.getparent().remove(tr)
    return BudgetRows(tbl.index(anchor), rows_of(tbl).index(units), ready, templates[0])


def fill_wp_budget(tbl: Any, table: Table, taken: BudgetRows, put: Put) -> None:
    """Fill ``tbl`` with ``table`` (built with the form's columns).

    ``tbl``: a copy of the form's table as :func:`take_templates` left it, which ``taken``
    describes.
    """
    columns = [c for c, _ in table.columns]
    rows = rows_of(tbl)
    total = next((tr for tr in rows if normalise(text_of(cells_of(tr)[0])) == "total"), None)
    body = Table(table.id, table.columns, tuple(r for r in table.rows if r.kind != "total"),
                 table.caption, table.note)
    put(tbl[taken.at], taken.ready, taken.template, body, columns, table.note)
    totals = [r for r in table.rows if r.kind == "total"]
    if total is not None:
        for tc, col in zip(cells_of(total)[1:], columns[1:], strict=False):
            set_cell(tc, totals[0].cell(col) if totals else Cell())
        for height in total.iter(qn("w:trHeight")):  # the form's room for "X grants X prizes"
            height.getparent().remove(height)
        if table.remark:
            total.addnext(note_row(total, len(grid_columns(tbl)), table.remark))
    for tr in rows_of(tbl)[1:]:  # ruled rows of figures need no space above and below
        compact_paragraphs(tr, 0)
    _narrow_margins(tbl)
    header_rows = taken.units + 1
    fit_columns(tbl, header_rows)
    repeat_rows(tbl, header_rows)


def _units_row(template: Any, headings: Any, spec: TableSpec) -> Any:
    """A row under the headings giving each column's unit, shaded as the headings are."""
    row = copy_row(template)
    fill = next((shd.get(qn("w:fill")) for shd in headings.iter(qn("w:shd"))
                 if (shd.get(qn("w:fill")) or "").upper() not in ("", "AUTO", "FFFFFF")),
                None)
    for tc, column in zip(cells_of(row), spec.columns, strict=False):
        set_cell(tc, Cell.of(column.unit or ""))
        tc_pr = tc.find(W_TCPR)
        if fill and tc_pr is not None:
            for shd in tc_pr.findall(qn("w:shd")):
                shd.set(qn("w:fill"), fill)
    first = cells_of(row)[0].find(W_TCPR)
    if first is not None and first.find(qn("w:vMerge")) is None:
        merge = OxmlElement("w:vMerge")  # the participant heading spans the units row too
        width = first.find(qn("w:tcW"))
        if width is not None:
            width.addnext(merge)
        else:
            first.insert(0, merge)
    return row


def _side_margins(tbl: Any) -> int:
    """The left plus right cell margin (twips) the table gives its cells."""
    margins = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    total = 0
    for sides in (("w:start", "w:left"), ("w:end", "w:right")):
        edge = None
        if margins is not None:
            edge = next((e for e in (margins.find(qn(side)) for side in sides)
                         if e is not None), None)
        value = edge.get(qn("w:w")) if edge is not None else None
        margin = xml_int(value, "", -1)
        total += margin if margin >= 0 else WORD_CELL_MARGIN
    return total


def _narrow_margins(tbl: Any) -> None:
    """Narrow left and right margins for every cell of the table (its ``tblCellMar``)."""
    tbl_pr = tbl.find(qn("w:tblPr"))
    if tbl_pr is None:
        return
    margins = tbl_pr.find(qn("w:tblCellMar"))
    if margins is None:
        margins = OxmlElement("w:tblCellMar")
        tbl_pr.append(margins)
    for side in ("w:start", "w:end", "w:left", "w:right"):
        edge = margins.find(qn(side))
        if edge is None:
            edge = OxmlElement(side)
            margins.append(edge)
        edge.set(qn("w:w"), str(CELL_MARGIN))
        edge.set(qn("w:type"), "dxa")


def _texts(tc: Any, first: int, span: int, header: bool, row: int) -> list[Text]:
    """The runs of a cell as :class:`Text`, in their own size and weight."""
    out = []
    for r in tc.iter(W_R):
        text = "".join(t.text or "" for t in r.iter(W_T))
        if not text.strip():
            continue
        rpr = next(r.iterchildren(W_RPR), None)
        size = next(rpr.iterchildren(W_SZ), None) if rpr is not None else None
        pt = xml_int(size.get(W_VAL), "", 18) / 2 if size is not None else 9.0
        bold = rpr is not None and next(rpr.iterchildren(W_B), None) is not None
        out.append(Text(text, first, span, pt, bold, header, row))
    return out


def fit_columns(tbl: Any, header_rows: int) -> None:
    """Re-divide the grid within the same width: no word breaks, then as few lines as may be.

    Rows of one cell across the table (titles, guidance, notes) wrap and take no part;
    what is left of the width goes to the columns in proportion to the form's own widths.
    """
    widths = grid_columns(tbl)
    if not widths:
        return
    total = sum(widths)
    texts: list[Text] = []
    for index, tr in enumerate(rows_of(tbl)):
        start = 0
        for tc in cells_of(tr):
            span = cell_span(tc)
            if span < len(widths):
                texts += _texts(tc, start, span, index < header_rows, index)
            start += span
    fitted = fit_widths(texts, len(widths), total / TWIPS_PER_MM,
                        _side_margins(tbl) / TWIPS_PER_MM + SLACK_MM, weights=widths)
    if fitted is None:  # too wide whatever we do: keep the form's proportions
        return
    new = [round(w * TWIPS_PER_MM) for w in fitted]
    new[-1] += total - sum(new)
    set_grid_widths(tbl, new)
