"""Text written into the form's cells and rows, in the form's own formatting.

Rows are copied from the form's template rows; cells are refilled in their own paragraph
and character formatting. A table of many rows is filled from a :class:`RowTemplate`,
made ready once.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from docx.oxml.ns import nsmap
from lxml import etree

from ..docxfile import xml_int
from .cells import Cell, Line
from .docx_edit import (
    W_AFTER,
    W_B,
    W_BEFORE,
    W_H_RULE,
    W_HIGHLIGHT,
    W_PPR,
    W_RPR,
    W_SPACING,
    W_T,
    W_TC,
    W_TCPR,
    W_TR_HEIGHT,
    W_VAL,
    XML_SPACE,
    OxmlElement,
    cells_of,
    qn,
    shade,
)

__all__ = ["CELL_SPACING", "RowTemplate", "clear_cell", "compact_paragraph",
           "compact_paragraphs", "copy_row", "note_row", "set_cell", "set_cell_text"]


def clear_cell(tc: Any) -> Any:
    """Empty a cell, keeping one paragraph in the formatting of its first; return it."""
    # The first paragraph's properties move to the new paragraph: what held them goes.
    ppr = next(tc.iter(W_PPR), None)
    for child in list(tc):
        if child.tag != W_TCPR:
            tc.remove(child)
    p = OxmlElement("w:p")
    if ppr is not None:
        p.append(ppr)
    tc.append(p)
    return p


def _run(text: str, rpr: Any, bold: bool) -> Any:
    r = OxmlElement("w:r")
    if rpr is not None:
        props = copy.deepcopy(rpr)
        for b in props.findall(W_B):
            props.remove(b)
        for h in props.findall(W_HIGHLIGHT):  # the form greys its placeholders
            props.remove(h)
        r.append(props)
    if bold:
        props = r.find(W_RPR)
        if props is None:
            props = OxmlElement("w:rPr")
            r.insert(0, props)
        props.insert(0, OxmlElement("w:b"))
    t = OxmlElement("w:t")
    t.text = text
    t.set(XML_SPACE, "preserve")
    r.append(t)
    return r


class _CellFormat:
    """A cell cleared to one paragraph in its formatting, and how it writes its lines."""

    __slots__ = ("_jc", "_rpr")

    def __init__(self, tc: Any) -> None:
        self._rpr = next(tc.iter(W_RPR), None)  # a template only: each run gets a copy
        first = clear_cell(tc)
        compact_paragraph(first)
        jc = _align(first, "left")  # where the cell's own alignment goes, set per cell
        self._jc = jc.getparent().index(jc)

    def write(self, tc: Any, cell: Cell, aside: bool) -> None:
        """Write ``cell``'s lines (or their asides) into ``tc``, a cell cleared by this."""
        first = tc[-1]
        # Not the template's justification, which gaps narrow columns.
        first[0][self._jc].set(W_VAL, cell.align)
        lines: tuple[Line, ...] = cell.lines or (Line(""),)
        paragraphs = [first]
        for _ in lines[1:]:  # each further line's paragraph is a copy of the first
            paragraphs.append(copy.deepcopy(first))
            tc.append(paragraphs[-1])
        for p, line in zip(paragraphs, lines, strict=True):
            text = (line.aside or "") if aside else line.text
            if text:
                p.append(_run(text, self._rpr, line.bold and not aside))


def set_cell(tc: Any, cell: Cell, aside: bool = False) -> None:
    """Fill ``tc`` with ``cell``'s lines (or their asides), one paragraph each.

    Each paragraph keeps the formatting the cell had.
    """
    _CellFormat(tc).write(tc, cell, aside)


class RowTemplate:
    """One of the form's template rows, made ready once for the rows filled from it.

    The copy is emptied of text (:func:`copy_row`) and its first ``columns`` cells are
    cleared to one paragraph each. A filled row is a copy of the first row filled in the
    same shape (the same alignment, lines and bold text in each cell) with its own texts
    put in: a table of a hundred rows formats its cells a few times, not a hundred.
    """

    def __init__(self, template: Any, columns: int) -> None:
        self.row = copy_row(template)
        self._formats = [_CellFormat(tc) for tc in cells_of(self.row)[:columns]]
        self._shapes: dict[tuple[Any, ...], Any] = {}

    def fill(self, cells: Iterable[tuple[Cell, bool]]) -> Any:
        """A new row: a copy of the template holding ``cells``.

        ``cells``: a ``(cell, aside)`` for each of the first ``columns`` cells in turn.
        """
        cells = list(cells)[:len(self._formats)]
        texts: list[str] = []
        shape = []
        for cell, aside in cells:
            marks = []
            for line in cell.lines or (Line(""),):
                text = (line.aside or "") if aside else line.text
                if text:
                    texts.append(text)
                marks.append(0 if not text else 2 if line.bold and not aside else 1)
            shape.append((cell.align, *marks))
        key = tuple(shape)
        ready = self._shapes.get(key)
        if ready is not None:
            tr = copy.deepcopy(ready)
            # The texts, in document order: the filled cells come first, one w:t a line.
            for text, t in zip(texts, tr.iter(W_T), strict=False):
                t.text = text
            return tr
        tr = copy.deepcopy(self.row)
        for tc, form, (cell, aside) in zip(tr.iterchildren(W_TC), self._formats, cells,
                                           strict=False):
            form.write(tc, cell, aside)
        self._shapes[key] = copy.deepcopy(tr)
        return tr


#: The space above and below a line of a filled table cell (twips): the form's template rows
#: leave 6 pt each side, which doubles the height of every row of data.
CELL_SPACING = 20


def compact_paragraph(p: Any, twips: int = CELL_SPACING) -> None:
    """Tighten the space the form's template gives a paragraph in a table cell."""
    ppr = next(p.iterchildren(W_PPR), None)
    spacing = next(ppr.iterchildren(W_SPACING), None) if ppr is not None else None
    if spacing is not None:
        _compact(spacing, twips)


#: The spacing of the paragraphs inside an element that may be wider than ``$twips``: lxml
#: picks them out, so that the paragraphs of a row with none are never visited.
_SPACED = etree.XPath(".//w:p/w:pPr/w:spacing[@w:before > $twips or @w:after > $twips]",
                      namespaces={"w": nsmap["w"]})


def compact_paragraphs(element: Any, twips: int = CELL_SPACING) -> None:
    """:func:`compact_paragraph` for every paragraph inside ``element`` (a row)."""
    for spacing in _SPACED(element, twips=twips):
        _compact(spacing, twips)


def _compact(spacing: Any, twips: int) -> None:
    for side in (W_BEFORE, W_AFTER):
        value = spacing.get(side)
        if xml_int(value, "", -1) > twips:
            spacing.set(side, str(twips))


#: Children of ``w:pPr`` that the schema puts after ``w:jc``.
_AFTER_JC = {qn(f"w:{n}") for n in ("textDirection", "textAlignment", "textboxTightWrap",
                                    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr",
                                    "pPrChange")}
W_JC = qn("w:jc")


def _align(p: Any, value: str) -> Any:
    """Align a paragraph to the ``value`` side ("right" for figures in a column); its jc."""
    ppr = p.find(W_PPR)
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    for old in ppr.findall(W_JC):
        ppr.remove(old)
    jc = OxmlElement("w:jc")
    jc.set(W_VAL, value)
    position = next((i for i, c in enumerate(ppr) if c.tag in _AFTER_JC), len(ppr))
    ppr.insert(position, jc)
    return jc


def set_cell_text(tc: Any, text: str, bold: bool = False) -> None:
    """Fill ``tc`` with one line of ``text``."""
    set_cell(tc, Cell.of(text, bold=bold))


def copy_row(template: Any) -> Any:
    """A copy of the row ``template``, emptied of text, ready to be filled."""
    row = copy.deepcopy(template)
    for t in row.iter(W_T):
        t.text = ""
    compact_paragraphs(row)  # empty cells too: the tallest cell sets the row's height
    for height in row.iter(W_TR_HEIGHT):  # the template's minimum, for a blank row
        if height.get(W_H_RULE, "atLeast") == "atLeast":
            height.getparent().remove(height)
    return row


def note_row(template: Any, columns: int, text: str) -> Any:
    """A row of one cell spanning ``columns`` grid columns, holding ``text``."""
    row = copy_row(template)
    tcs = cells_of(row)
    keep = tcs[0]
    for tc in tcs[1:]:
        row.remove(tc)
    tc_pr = keep.find(W_TCPR)
    if tc_pr is None:
        tc_pr = OxmlElement("w:tcPr")
        keep.insert(0, tc_pr)
    for old in tc_pr.findall(qn("w:gridSpan")) + tc_pr.findall(qn("w:vMerge")):
        tc_pr.remove(old)
    width = tc_pr.find(qn("w:tcW"))
    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), str(columns))
    tc_pr.insert(1 if width is not None else 0, span)
    if width is not None:
        width.set(qn("w:type"), "auto")
        width.set(qn("w:w"), "0")
    shade(keep, None)
    set_cell_text(keep, text)
    return row
