"""Edits of the form's own tables that keep its formatting.

Rows, cells and the grid of the form's tables: their widths, shading, spacing and page
breaks. Writing text into them is :mod:`.cellfill`'s.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from docx.oxml.ns import NamespacePrefixedTag
from docx.oxml.ns import qn as _qn
from docx.oxml.parser import oxml_parser

from ..docxfile import xml_int
from .locate import text_of

__all__ = [
    "cell_span",
    "cell_width_mm",
    "cells_of",
    "grid_columns",
    "keep_row_whole",
    "repeat_rows",
    "row_text",
    "rows_of",
    "set_grid_widths",
    "shade",
    "space_before",
    "widen_first_column",
]

#: python-docx's ``qn``, remembered: filling the form's tables asks for the same few names
#: some hundred thousand times, and ``qn`` splits the string every time.
qn = cache(_qn)


@cache
def _tag(name: str) -> tuple[str, dict[str, str]]:
    nsptag = NamespacePrefixedTag(name)
    return nsptag.clark_name, nsptag.nsmap


def OxmlElement(name: str) -> Any:
    """A new element named ``name`` (``w:p``), as python-docx's ``OxmlElement`` makes it."""
    clark, nsmap = _tag(name)
    return oxml_parser.makeelement(clark, nsmap=nsmap)


W_P, W_R, W_T, W_TC, W_TR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tc"), qn("w:tr")
W_PPR, W_RPR, W_TCPR = qn("w:pPr"), qn("w:rPr"), qn("w:tcPr")
W_B, W_HIGHLIGHT, W_SPACING, W_TR_HEIGHT = qn("w:b"), qn("w:highlight"), qn("w:spacing"), \
    qn("w:trHeight")
W_BEFORE, W_AFTER, W_H_RULE, W_GRID_SPAN, W_VAL = qn("w:before"), qn("w:after"), \
    qn("w:hRule"), qn("w:gridSpan"), qn("w:val")
XML_SPACE = qn("xml:space")
W_TCW, W_W, W_TYPE = qn("w:tcW"), qn("w:w"), qn("w:type")


def rows_of(tbl: Any) -> list[Any]:
    """The rows of a table."""
    return list(tbl.iterchildren(W_TR))


def cells_of(tr: Any) -> list[Any]:
    """The cells of a row."""
    return list(tr.iterchildren(W_TC))


def grid_columns(tbl: Any) -> list[int]:
    """The widths of the table's grid columns, in twips."""
    grid = tbl.find(qn("w:tblGrid"))
    if grid is None:
        return []
    return [max(xml_int(c.get(qn("w:w")), "", 0), 0)
            for c in grid.iterchildren(qn("w:gridCol"))]


#: Narrower than this (twips), a grid column is an edge sliver, not a cell of the grid.
_SLIVER = 100


def widen_first_column(tbl: Any, share: float) -> None:
    """Give the first grid column ``share`` of the table's width, the others equal parts.

    For the timetable: its month or quarter cells only hold shading, while the activity
    names beside them need room to stay on one line. Equal cells keep "Q 2" or "M 24" from
    breaking in a column the form drew narrower. Cell widths follow the grid.
    """
    grid = tbl.find(qn("w:tblGrid"))
    widths = grid_columns(tbl)
    if grid is None or len(widths) < 2:
        return
    # The table keeps its width when columns were dropped (unused years): the grid fills it.
    tbl_w = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblW')}")
    declared = max(xml_int(tbl_w.get(qn("w:w")), "", 0), 0) \
        if tbl_w is not None and tbl_w.get(qn("w:type")) == "dxa" else 0
    total = max(sum(widths), declared)
    first = int(total * share)
    # A sliver column the form keeps at the right edge (a few twips) stays as it is.
    slivers = [w if w < _SLIVER else 0 for w in widths[1:]]
    cells = sum(1 for w in slivers if not w)
    each = (total - first - sum(slivers)) // cells if cells else 0
    set_grid_widths(tbl, [first, *(w or each for w in slivers)])


def set_grid_widths(tbl: Any, widths: list[int]) -> None:
    """Give the grid columns ``widths`` (twips), and each cell the sum of those it spans."""
    grid = tbl.find(qn("w:tblGrid"))
    if grid is None:
        return
    for col, width in zip(grid.iterchildren(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(width))
    for tr in tbl.iterchildren(W_TR):
        start = 0
        for tc in tr.iterchildren(W_TC):
            tc_pr = next(tc.iterchildren(W_TCPR), None)
            span = _span(tc_pr)
            tcw = next(tc_pr.iterchildren(W_TCW), None) if tc_pr is not None else None
            if tcw is not None:
                tcw.set(W_W, str(sum(widths[start:start + span])))
                tcw.set(W_TYPE, "dxa")
            start += span


def keep_labels_whole(tr: Any) -> None:
    """Keep each column label of ``tr`` on one line ("Q 2", "M 24" never break at the space).

    The form's labels carry stray spaces around them; they go, and the inner space becomes
    a no-break space. The text's runs and formatting stay the form's.
    """
    for tc in cells_of(tr):
        _narrow_margins(tc)
        texts = list(tc.iter(qn("w:t")))
        for t in texts:
            t.text = (t.text or "").replace(" ", "\u00a0")
        if texts:
            texts[0].text = (texts[0].text or "").lstrip("\u00a0")
            texts[-1].text = (texts[-1].text or "").rstrip("\u00a0")


#: Elements of w:tcPr that follow w:tcMar (ECMA-376 CT_TcPr sequence).
_AFTER_TC_MAR = ("w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers",
                 "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _narrow_margins(tc: Any, twips: int = 30) -> None:
    """Left and right cell margins of ``twips``: a short label gets the cell's width."""
    tc_pr = tc.find(qn("w:tcPr"))
    if tc_pr is None:
        tc_pr = OxmlElement("w:tcPr")
        tc.insert(0, tc_pr)
    old = tc_pr.find(qn("w:tcMar"))
    if old is not None:
        tc_pr.remove(old)
    mar = OxmlElement("w:tcMar")
    for side in ("w:left", "w:right"):
        edge = OxmlElement(side)
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        mar.append(edge)
    later = [child for child in tc_pr if child.tag in {qn(t) for t in _AFTER_TC_MAR}]
    if later:
        later[0].addprevious(mar)
    else:
        tc_pr.append(mar)


def repeat_rows(tbl: Any, count: int) -> None:
    """Repeat the first ``count`` rows on each page and keep every row whole."""
    for index, tr in enumerate(tbl.iterchildren(W_TR)):
        keep_row_whole(tr, header=index < count)


def keep_row_whole(tr: Any, header: bool = False) -> None:
    """Keep the row ``tr`` on one page; a ``header`` row is also repeated on each page."""
    tr_pr = tr.find(qn("w:trPr"))
    if tr_pr is None:
        tr_pr = tr.makeelement(qn("w:trPr"), {})
        tc = tr.find(W_TC)
        if tc is not None:
            tc.addprevious(tr_pr)
        else:
            tr.append(tr_pr)
    for tag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        if tr_pr.find(qn(tag)) is None:
            tr_pr.append(tr_pr.makeelement(qn(tag), {qn("w:val"): "true"}))


def cell_span(tc: Any) -> int:
    """How many grid columns a cell spans."""
    return _span(next(tc.iterchildren(W_TCPR), None))


def _span(tc_pr: Any) -> int:
    """How many grid columns the cell of these properties (``w:tcPr`` or None) spans."""
    span = next(tc_pr.iterchildren(W_GRID_SPAN), None) if tc_pr is not None else None
    return max(xml_int(span.get(W_VAL), "", 1), 1) if span is not None else 1


def cell_width_mm(tc: Any) -> float:
    """The width of a cell in mm (from its row's grid, else its own width)."""
    tr = tc.getparent()
    tbl = tr.getparent() if tr is not None else None
    grid = grid_columns(tbl) if tbl is not None else []
    start = 0
    for other in cells_of(tr):
        if other is tc:
            break
        start += cell_span(other)
    width = sum(grid[start:start + cell_span(tc)]) if grid else 0
    if not width:
        tcw = tc.find(f"{W_TCPR}/{qn('w:tcW')}")
        width = max(xml_int(tcw.get(qn("w:w")), "", 0), 0) if tcw is not None else 0
    margins = 2 * 108  # Word's default left and right cell margins
    return max(20.0, (width - margins) / 56.6929) if width else 150.0


#: Children of ``w:pPr`` that the schema puts after ``w:spacing``.
_AFTER_SPACING = {qn(f"w:{n}") for n in (
    "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
    "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr",
    "pPrChange")}


def space_before(p: Any, twips: int) -> None:
    """Give a paragraph at least ``twips`` of space above it (text right under a table)."""
    ppr = p.find(W_PPR)
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    spacing = ppr.find(W_SPACING)
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        position = next((i for i, c in enumerate(ppr) if c.tag in _AFTER_SPACING), len(ppr))
        ppr.insert(position, spacing)
    value = spacing.get(W_BEFORE)
    if xml_int(value, "", -1) < twips:
        spacing.set(W_BEFORE, str(twips))


#: Children of ``w:tcPr`` that the schema puts after ``w:shd`` (which follows the borders).
_AFTER_SHD = {qn(f"w:{n}") for n in ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign",
                                     "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
                                     "tcPrChange")}


def shade(tc: Any, fill: str | None) -> None:
    """Fill a cell with ``fill`` (hex), or clear its fill for None."""
    tc_pr = tc.find(W_TCPR)
    if tc_pr is None:
        tc_pr = OxmlElement("w:tcPr")
        tc.insert(0, tc_pr)
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    if fill is None:
        return
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    position = next((i for i, c in enumerate(tc_pr) if c.tag in _AFTER_SHD), len(tc_pr))
    tc_pr.insert(position, shd)


def row_text(tr: Any) -> list[str]:
    """The text of each cell of a row."""
    return [" ".join(text_of(tc).split()) for tc in cells_of(tr)]
