"""The timetable: a native Word table with a row per WP and task, a column per month.

Years and quarters head the columns; shaded cells mark the months a WP or task runs. In the
body, the months of a row are merged into runs that break at each quarter and where the bar
starts or ends: the grid shows quarters, bars keep month precision, and the table holds a
third of the cells of a cell-per-month grid (word processors lay it out that much faster).
"""

from __future__ import annotations

from typing import NamedTuple

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.table import Table
from pydantic import BaseModel, ConfigDict

from .docx_parts import (
    add_row,
    repeat_header,
    set_cell_margins,
    set_cell_shading,
    set_column_widths,
    set_table_borders,
)

__all__ = ["GanttPhase", "GanttRowSpec", "GanttSpec", "write_gantt"]

LABEL_MM = 52.0
WIDTH_MM = 174.0
FILL = {"wp": "2F5496", "task": "9DC3E6"}
PHASE_FILL = ("FBE5D6", "E2EFDA")


class GanttRowSpec(BaseModel):
    """One row: its label, first and last month, and kind."""

    model_config = ConfigDict(extra="forbid")
    label: str
    start: int
    end: int
    kind: str = "task"


class GanttPhase(BaseModel):
    """A labelled span of months shown above the grid (e.g. Lot 2's reactive phase)."""

    model_config = ConfigDict(extra="forbid")
    label: str
    start: int
    end: int


class GanttSpec(BaseModel):
    """The body of a ``{gantt}`` directive."""

    model_config = ConfigDict(extra="forbid")
    months: int
    rows: list[GanttRowSpec]
    phases: list[GanttPhase] = []


def _header_rows(spec: GanttSpec) -> list[list[tuple[str, int, int]]]:
    """Header rows as (label, first month, last month) spans."""
    years = [(f"Year {y + 1}", y * 12 + 1, min((y + 1) * 12, spec.months))
             for y in range((spec.months + 11) // 12)]
    quarters = [(f"Q{q % 4 + 1}", q * 3 + 1, min((q + 1) * 3, spec.months))
                for q in range((spec.months + 2) // 3)]
    rows = [years, quarters]
    if spec.phases:
        rows.insert(0, [(p.label, p.start, p.end) for p in spec.phases])
    return rows


def body_runs(start: int, end: int, months: int) -> list[tuple[int, int, bool]]:
    """The merged cells of a body row: ``(first, last, shaded)`` month runs covering 1..months.

    A run ends at each quarter's last month and on either side of the bar ``start..end``.
    """
    cuts = {m for m in range(3, months, 3)} | {start - 1, end, months}
    runs, first = [], 1
    for last in sorted(c for c in cuts if 1 <= c <= months):
        runs.append((first, last, start <= first <= end))
        first = last + 1
    return runs


class _GanttCell(NamedTuple):
    """A cell to write: how many month columns it spans, its text, style and fill."""

    span: int
    text: str
    style: str
    fill: str | None = None


def _header_cells(spans: list[tuple[str, int, int]], months: int, style: str,
                  fills: tuple[str, ...] = ()) -> list[_GanttCell]:
    """Cells for labelled spans of months, with empty cells for the months none covers."""
    cells, month = [], 1
    for n, (label, first, last) in enumerate(sorted(spans, key=lambda s: s[1])):
        first, last = max(first, month), min(last, months)
        if first > last:
            continue
        if first > month:
            cells.append(_GanttCell(first - month, "", style))
        cells.append(_GanttCell(last - first + 1, label, style, fills[n % len(fills)] if fills
                           else None))
        month = last + 1
    if month <= months:
        cells.append(_GanttCell(months - month + 1, "", style))
    return cells


def _add_row(table: Table, cells: list[_GanttCell]) -> None:
    """Append a row of ``cells``, each one ``w:tc`` spanning its columns."""
    for cell, target in zip(cells, add_row(table, [c.span for c in cells]), strict=True):
        if cell.fill:
            set_cell_shading(target, cell.fill)
        paragraph = target.paragraphs[0]
        paragraph._p.style = cell.style
        if cell.text:
            paragraph.add_run(cell.text)


def write_gantt(document: Document, spec: GanttSpec, style_ids: dict[str, str]) -> None:
    """Append the timetable for ``spec`` to ``document``."""
    months = spec.months
    heading = style_ids["PK Table Heading"]
    text = style_ids["PK Table Text"]
    table = document.add_table(rows=0, cols=months + 1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_table_borders(table, "BFBFBF", 2)
    headers = _header_rows(spec)
    for r, spans in enumerate(headers):
        label = "Month" if r == len(headers) - 1 else ""
        fills = PHASE_FILL if spec.phases and r == 0 else ()
        _add_row(table, [_GanttCell(1, label, heading),
                         *_header_cells(spans, months, heading, fills)])
    for item in spec.rows:
        fill = FILL.get(item.kind, FILL["task"])
        _add_row(table, [_GanttCell(1, item.label, heading if item.kind == "wp" else text),
                         *(_GanttCell(last - first + 1, "", text, fill if shaded else None)
                           for first, last, shaded in body_runs(item.start, item.end,
                                                                months))])
    month_mm = (WIDTH_MM - LABEL_MM) / max(months, 1)
    set_column_widths(table, [LABEL_MM] + [month_mm] * months)
    set_cell_margins(table, 0.5)
    repeat_header(table, len(headers))
