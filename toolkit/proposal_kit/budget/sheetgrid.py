"""Take, clear and put bands of rows or columns of an openpyxl sheet, formulas translated.

The official budget annex grows the way its own actions do: a beneficiary row, a work
package block, an entity's columns are copies of the ones the file has, with their styles,
merged cells, conditional formats, drop-down lists and sizes, and every formula moved with
them (relative references follow, absolute ones stay), as a spreadsheet's copy and paste does.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["Band", "clear", "column_of", "put", "stretch", "take", "write_text"]

Axis = Literal["rows", "cols"]
_LAST = 1 << 20


def write_text(cell: Any, value: object) -> Any:
    """Write ``value`` into ``cell``, a text as text.

    A user's text that begins with ``=`` (a note ``=2 persons``) stays that text, where
    openpyxl would store it as a formula.
    """
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def column_of(letter: str) -> int:
    """The 1-based index of a column letter."""
    from openpyxl.utils import column_index_from_string

    return int(column_index_from_string(letter))


@dataclass
class Band:
    """A copy of rows ``start``..``end`` (or columns) of a sheet."""

    axis: Axis
    start: int
    end: int
    cells: list[tuple[int, int, Any, Any]] = field(default_factory=list)
    merges: list[CellRange] = field(default_factory=list)
    formats: list[tuple[list[CellRange], Any]] = field(default_factory=list)
    validations: list[tuple[Any, int, int]] = field(default_factory=list)
    sizes: dict[int, float | None] = field(default_factory=dict)
    #: Formulas parsed once, however many times the band is put.
    parsed: dict[tuple[int, int], Translator] = field(default_factory=dict)

    def moved(self, row: int, col: int, value: Any, target: str) -> Any:
        """``value`` of the cell at ``row``, ``col`` as it reads in the cell ``target``."""
        if not (isinstance(value, str) and value.startswith("=")):
            return value
        origin = f"{get_column_letter(col)}{row}"
        if origin == target:
            return value
        translator = self.parsed.get((row, col))
        if translator is None:
            translator = self.parsed[(row, col)] = Translator(value, origin=origin)
        return translator.translate_formula(target)

    @property
    def size(self) -> int:
        """How many rows (or columns) the band holds."""
        return self.end - self.start + 1

    def inside(self, rng: CellRange) -> bool:
        """Whether ``rng`` lies within the band."""
        low, high = (rng.min_row, rng.max_row) if self.axis == "rows" else \
            (rng.min_col, rng.max_col)
        return bool(self.start <= low and high <= self.end)


def _split_columns(ws: Worksheet) -> None:
    """One column dimension per column, so that one column's width can change alone."""
    grouped = [d for d in ws.column_dimensions.values()
               if d.min is not None and d.max is not None and d.max > d.min]
    for dim in grouped:
        for index in range(dim.min, dim.max + 1):
            letter = get_column_letter(index)
            single: ColumnDimension = copy.copy(dim)
            single.index, single.min, single.max = letter, index, index
            ws.column_dimensions[letter] = single


def _size(ws: Worksheet, axis: Axis, index: int) -> float | None:
    if axis == "rows":
        return ws.row_dimensions[index].height if index in ws.row_dimensions else None
    letter = get_column_letter(index)
    return ws.column_dimensions[letter].width if letter in ws.column_dimensions else None


def take(ws: Worksheet, axis: Axis, start: int, end: int) -> Band:
    """Copy rows (or columns) ``start``..``end`` of ``ws``."""
    if axis == "cols":
        _split_columns(ws)
    band = Band(axis, start, end)
    for (row, col), cell in ws._cells.items():
        at = row if axis == "rows" else col
        if start <= at <= end:
            band.cells.append((row, col, cell.value, copy.copy(cell._style)))
    band.merges = [CellRange(str(m)) for m in ws.merged_cells.ranges if band.inside(m)]
    for cf in ws.conditional_formatting:
        ranges = [CellRange(str(r)) for r in cf.sqref.ranges]
        if ranges and all(band.inside(r) for r in ranges):
            band.formats += [(ranges, rule) for rule in cf.rules]
    for dv in ws.data_validations.dataValidation:
        for row, col, _, _ in band.cells:
            if f"{get_column_letter(col)}{row}" in dv.sqref:
                band.validations.append((dv, row, col))
    band.sizes = {i: _size(ws, axis, i) for i in range(start, end + 1)}
    return band


def _extent(rng: CellRange, axis: Axis) -> int:
    return int((rng.max_row - rng.min_row if axis == "rows" else
                rng.max_col - rng.min_col) + 1)


def clear(ws: Worksheet, axis: Axis, start: int, end: int = _LAST,
          unit: int | None = None) -> None:
    """Remove rows (or columns) ``start``..``end`` of ``ws``: cells, merges, formats, sizes.

    A conditional format is removed with them when it lies inside and, given ``unit``,
    within one unit (a row, a block) of the rows: one that spans several units (a whole
    table) is kept, for :func:`stretch` to fit it to the new table.
    """
    if axis == "cols":
        _split_columns(ws)
    area = Band(axis, start, end)
    for merged in [m for m in ws.merged_cells.ranges if area.inside(m)]:
        ws.merged_cells.remove(merged)
    for key in [k for k in ws._cells if start <= (k[0] if axis == "rows" else k[1]) <= end]:
        del ws._cells[key]
    kept = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        ranges = [CellRange(str(r)) for r in cf.sqref.ranges]
        if ranges and all(area.inside(r) and (unit is None or _extent(r, axis) <= unit)
                          for r in ranges):
            continue
        for rule in cf.rules:
            kept.add(str(cf.sqref), rule)
    ws.conditional_formatting = kept
    if axis == "rows":
        for index in [i for i in ws.row_dimensions if start <= i <= end]:
            del ws.row_dimensions[index]
    else:
        for letter in [k for k, d in ws.column_dimensions.items()
                       if start <= (d.min or column_of(k)) <= end]:
            del ws.column_dimensions[letter]


def _moved(value: Any, origin: str, target: str) -> Any:
    if isinstance(value, str) and value.startswith("=") and origin != target:
        return Translator(value, origin=origin).translate_formula(target)
    return value


def put(ws: Worksheet, band: Band, at: int, sizes: bool = True) -> None:
    """Paste ``band`` into ``ws`` so that it starts at row (or column) ``at``."""
    shift = at - band.start
    rows, cols = (shift, 0) if band.axis == "rows" else (0, shift)
    for row, col, value, style in band.cells:
        cell = ws.cell(row + rows, col + cols)
        cell._style = copy.copy(style)
        cell.value = band.moved(row, col, value, cell.coordinate)
    for merged in band.merges:
        moved = CellRange(str(merged))
        moved.shift(col_shift=cols, row_shift=rows)
        ws.merge_cells(moved.coord)
    for ranges, rule in band.formats:
        new = []
        for rng in ranges:
            moved = CellRange(str(rng))
            moved.shift(col_shift=cols, row_shift=rows)
            new.append(moved.coord)
        rule = copy.copy(rule)
        first = ranges[0]
        origin = f"{get_column_letter(first.min_col)}{first.min_row}"
        target = f"{get_column_letter(first.min_col + cols)}{first.min_row + rows}"
        rule.formula = [_moved(f"={f}", origin, target)[1:] for f in rule.formula]
        ws.conditional_formatting.add(" ".join(new), rule)
    for dv, row, col in band.validations:
        dv.sqref.add(f"{get_column_letter(col + cols)}{row + rows}")
    if sizes:
        for index, size in band.sizes.items():
            if size is None:
                continue
            if band.axis == "rows":
                ws.row_dimensions[index + shift].height = size
            else:
                letter = get_column_letter(index + shift)
                ws.column_dimensions[letter].width = size


def stretch(ws: Worksheet, axis: Axis, first: int, old_last: int, new_last: int) -> None:
    """Fit the conditional formats of a table that got more or fewer rows (or columns).

    Those that spanned ``first``..``old_last`` then span ``first``..``new_last``.
    """
    fitted = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        ranges = []
        for rng in cf.sqref.ranges:
            new = CellRange(str(rng))
            if axis == "rows" and new.min_row == first and new.max_row == old_last:
                new = CellRange(min_col=new.min_col, min_row=first, max_col=new.max_col,
                                max_row=new_last)
            elif axis == "cols" and new.min_col == first and new.max_col == old_last:
                new = CellRange(min_col=first, min_row=new.min_row, max_col=new_last,
                                max_row=new.max_row)
            ranges.append(new.coord)
        for rule in cf.rules:
            fitted.add(" ".join(ranges), rule)
    ws.conditional_formatting = fitted
