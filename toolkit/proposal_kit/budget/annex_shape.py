"""Give the official annex as many beneficiaries, entities and work packages as the project.

What the workbook's own actions do ("Add a Beneficiary", "Add an Affiliated Entity", "Add a
Work Package", then "Apply changes"), done on the file: list rows copied from the rows the
actions copy, a beneficiary sheet copied from one the file has, an entity's columns and a
work package's block copied from the first ones, the summary sheets given one row per
beneficiary and entity and one column per work package. Surplus ones are removed, as the
"Remove" actions do. Every formula moves with its cells; none is written here.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from .annex_layout import AnnexLayout
from .entities import Entity
from .sheetgrid import Axis, Band, clear, column_of, put, stretch, take

__all__ = ["Shaper"]


def _key(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _last_numbered(ws: Worksheet, first: int, column: int) -> int:
    """The last row from ``first`` on whose ``column`` holds a number."""
    row = first
    while isinstance(ws.cell(row + 1, column).value, int | float):
        row += 1
    return row


def _find(ws: Worksheet, axis: Axis, line: int, marker: str, start: int = 1) -> int | None:
    """The first row (or column) from ``start`` whose cell on ``line`` reads ``marker``."""
    end = ws.max_row if axis == "rows" else ws.max_column
    for index in range(start, end + 1):
        cell = ws.cell(index, line) if axis == "rows" else ws.cell(line, index)
        if cell.value == marker:
            return index
    return None


class Shaper:
    """Reshape a loaded annex workbook for ``entities`` and ``work_packages``."""

    def __init__(self, wb: Workbook, layout: AnnexLayout, entities: Sequence[Entity],
                 work_packages: int) -> None:
        self.wb, self.layout = wb, layout
        self.entities = list(entities)
        self.wps = work_packages
        self.numbers = sorted({e.number for e in self.entities})

    def shape(self) -> dict[int, Worksheet]:
        """Reshape everything; the beneficiary sheets by beneficiary number."""
        self._lists()
        sheets = self._beneficiary_sheets()
        consolidation = self.wb[self.layout.consolidation.sheet]
        self._entity_columns(consolidation, self.entities, self.layout.consolidation.total_marker)
        self._blocks(consolidation)
        for matrix in self.layout.matrices:
            ws = self.wb[matrix.sheet]
            if matrix.work_package_columns:
                self._work_package_columns(ws)
            self._entity_rows(ws)
        ref = self.layout.referential
        self.wb[ref.sheet][ref.beneficiaries] = len(self.numbers)
        self.wb[ref.sheet][ref.work_packages] = self.wps
        return sheets

    # -- the two lists ---------------------------------------------------------------------
    def _lists(self) -> None:
        bl = self.layout.beneficiaries
        ws = self.wb[bl.sheet]
        number = column_of(bl.columns["number"])
        first = take(ws, "rows", bl.first_row, bl.first_row)
        beneficiary = take(ws, "rows", bl.beneficiary_template_row, bl.beneficiary_template_row)
        affiliated = take(ws, "rows", bl.affiliated_template_row, bl.affiliated_template_row)
        bands = [first if n == 0 else affiliated if e.affiliate else beneficiary
                 for n, e in enumerate(self.entities)]
        self._list_rows(ws, bl.first_row, number, bands)
        kinds = bl.kinds
        for n, e in enumerate(self.entities):
            row = bl.first_row + n
            ws[f"{bl.columns['kind']}{row}"] = kinds["affiliated" if e.affiliate else
                                                     "beneficiary"]
            ws[f"{bl.columns['number']}{row}"] = _key(e.key)
            ws[f"{bl.columns['key']}{row}"] = _key(e.key)
        ws[bl.pending] = 0
        wl = self.layout.work_packages
        ws = self.wb[wl.sheet]
        number = column_of(wl.columns["number"])
        first = take(ws, "rows", wl.first_row, wl.first_row)
        template = take(ws, "rows", wl.template_row, wl.template_row)
        self._list_rows(ws, wl.first_row, number, [first] + [template] * (self.wps - 1))
        for n in range(self.wps):
            ws.cell(wl.first_row + n, number, n + 1)
        ws[wl.pending] = 0

    def _list_rows(self, ws: Worksheet, first: int, number: int, bands: list[Band]) -> None:
        last = _last_numbered(ws, first, number)
        tail = take(ws, "rows", last + 1, ws.max_row) if ws.max_row > last else None
        clear(ws, "rows", first, unit=1)
        for n, band in enumerate(bands):
            put(ws, band, first + n)
        if tail is not None:
            put(ws, tail, first + len(bands))

    # -- beneficiary sheets ----------------------------------------------------------------
    def _beneficiary_sheets(self) -> dict[int, Worksheet]:
        bs = self.layout.beneficiary_sheets
        names = {n: bs.name(n) for n in range(1, 1000)}
        have = {n: self.wb[name] for n, name in names.items() if name in self.wb.sheetnames}
        source = have[1]
        sheets: dict[int, Worksheet] = {}
        after = max(self.wb.index(ws) for ws in have.values())
        for n in self.numbers:
            if n in have:
                sheets[n] = have[n]
                continue
            ws = self._clone(source, names[n])
            after += 1
            self.wb.move_sheet(ws, after - self.wb.index(ws))
            sheets[n] = ws
        for n, ws in have.items():
            if n not in sheets:
                self.wb.remove(ws)
        for n, ws in sheets.items():
            ws[bs.number] = n
            group = [e for e in self.entities if e.number == n]
            self._entity_columns(ws, group, bs.total_marker)
            self._blocks(ws)
        return sheets

    def _clone(self, source: Worksheet, title: str) -> Worksheet:
        """A copy of ``source`` with everything a beneficiary sheet has."""
        ws = self.wb.copy_worksheet(source)
        ws.title = title
        ws.merged_cells = type(source.merged_cells)()
        for merged in source.merged_cells.ranges:
            ws.merge_cells(merged.coord)
        for cf in source.conditional_formatting:
            for rule in cf.rules:
                ws.conditional_formatting.add(str(cf.sqref), copy.copy(rule))
        for dv in source.data_validations.dataValidation:
            ws.add_data_validation(copy.deepcopy(dv))
        ws.freeze_panes = source.freeze_panes
        ws.protection = copy.copy(source.protection)
        ws.sheet_view.showGridLines = source.sheet_view.showGridLines
        ws.sheet_view.zoomScale = source.sheet_view.zoomScale
        ws.print_title_rows = source.print_title_rows
        if source.print_area:
            ws.print_area = [area.rpartition("!")[2] for area in
                             str(source.print_area).split(",")]
        ws.sheet_state = "visible"
        return ws

    def _entity_columns(self, ws: Worksheet, entities: Sequence[Entity], total: str) -> None:
        """One triple of columns per entity, a beneficiary's total after its entities."""
        bs = self.layout.beneficiary_sheets
        c0, width, row = column_of(bs.first_column), bs.entity_width, bs.key_row
        group_total = _find(ws, "cols", row, bs.total_marker, c0)
        if group_total is None:
            raise ValueError(f"no {bs.total_marker} column in {ws.title}")
        grand = _find(ws, "cols", row, total, c0) if total != bs.total_marker else None
        groups = [[e for e in entities if e.number == n]
                  for n in sorted({e.number for e in entities})]
        if grand is None and len(groups) == 1 and len(groups[0]) == 1 and \
                group_total == c0 + width:
            ws.cell(row, c0 + bs.cost_offset, _key(groups[0][0].key))
            return  # already one beneficiary without entities
        triple = take(ws, "cols", c0, c0 + width - 1)
        summed = take(ws, "cols", group_total, group_total)
        end = grand if grand is not None else group_total
        ends = [take(ws, "cols", grand, grand)] if grand is not None else []
        if ws.max_column > end:
            ends.append(take(ws, "cols", end + 1, ws.max_column))
        clear(ws, "cols", c0, unit=width)
        col = c0
        for group in groups:
            for e in group:
                put(ws, triple, col)
                ws.cell(row, col + bs.cost_offset, _key(e.key))
                col += width
            put(ws, summed, col)
            col += 1
        for band in ends:
            put(ws, band, col)
            col += band.size

    def _blocks(self, ws: Worksheet) -> None:
        """One block of rows per work package."""
        bs = self.layout.beneficiary_sheets
        r0, height = bs.first_block_row, bs.block_height
        column = column_of(bs.block_number_column)
        have = 0
        while isinstance(ws.cell(r0 + height * have, column).value, int):
            have += 1
        ws[bs.work_package_count] = self.wps
        if self.wps > have:
            block = take(ws, "rows", r0, r0 + height - 1)
            for k in range(have, self.wps):
                put(ws, block, r0 + height * k)
                ws.cell(r0 + height * k, column, k + 1)
        elif self.wps < have:
            clear(ws, "rows", r0 + height * self.wps, unit=height)

    # -- the summary sheets ----------------------------------------------------------------
    def _work_package_columns(self, ws: Worksheet) -> None:
        m = self.layout.matrix_layout
        c0, row = column_of(m.first_work_package_column), m.work_package_row
        end = _find(ws, "cols", row, m.total_marker, c0)
        if end is None:
            raise ValueError(f"no {m.total_marker} column in {ws.title}")
        # The first column holds a few cells of the whole table; the next ones are copies.
        first = take(ws, "cols", c0, c0)
        other = take(ws, "cols", c0 + 1, c0 + 1) if end > c0 + 1 else first
        total = take(ws, "cols", end, ws.max_column)
        clear(ws, "cols", c0, unit=1)
        for k in range(self.wps):
            put(ws, first if k == 0 else other, c0 + k)
            ws.cell(row, c0 + k, k + 1)
        put(ws, total, c0 + self.wps)
        stretch(ws, "cols", c0, end, c0 + self.wps)

    def _entity_rows(self, ws: Worksheet) -> None:
        m = self.layout.matrix_layout
        column = column_of(m.key_column)
        head = _find(ws, "rows", column, m.head_marker)
        end = _find(ws, "rows", column, m.total_marker, (head or 0) + 1)
        if head is None or end is None:
            raise ValueError(f"no {m.head_marker} or {m.total_marker} row in {ws.title}")
        first = take(ws, "rows", head + 1, head + 1)
        other = take(ws, "rows", head + 2, head + 2) if end > head + 2 else first
        total = take(ws, "rows", end, ws.max_row)
        clear(ws, "rows", head + 1, unit=1)
        for n, e in enumerate(self.entities):
            put(ws, first if n == 0 else other, head + 1 + n)
            ws.cell(head + 1 + n, column, _key(e.key))
        put(ws, total, head + 1 + len(self.entities))
        stretch(ws, "rows", head + 1, end, head + 1 + len(self.entities))
