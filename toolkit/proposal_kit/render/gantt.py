"""The timetable: a native Word table with a row per WP and task, a column per month.

Years and quarters head the columns; shaded cells mark the months a WP or task runs.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from pydantic import BaseModel, ConfigDict

from .docx_parts import (
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


def write_gantt(document: Document, spec: GanttSpec, style_ids: dict[str, str]) -> None:
    """Append the timetable for ``spec`` to ``document``."""
    headers = _header_rows(spec)
    table = document.add_table(rows=len(headers) + len(spec.rows), cols=spec.months + 1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_table_borders(table, "BFBFBF", 2)
    month_mm = (WIDTH_MM - LABEL_MM) / max(spec.months, 1)
    heading = style_ids["PK Table Heading"]
    text = style_ids["PK Table Text"]
    set_column_widths(table, [LABEL_MM] + [month_mm] * spec.months)
    set_cell_margins(table, 0.5)
    rows = table.rows
    for r, row in enumerate(rows):
        cells = row.cells
        if r < len(headers):
            cells[0].paragraphs[0]._p.style = heading
            cells[0].paragraphs[0].add_run("Month" if r == len(headers) - 1 else "")
            for n, (label, first, last) in enumerate(headers[r]):
                merged = cells[first].merge(cells[last]) if last > first else cells[first]
                merged.paragraphs[0]._p.style = heading
                merged.paragraphs[0].add_run(label)
                if spec.phases and r == 0:
                    set_cell_shading(merged, PHASE_FILL[n % 2])
            continue
        item = spec.rows[r - len(headers)]
        label = cells[0].paragraphs[0]
        label._p.style = heading if item.kind == "wp" else text
        label.add_run(item.label)
        fill = FILL.get(item.kind, FILL["task"])
        for month in range(item.start, item.end + 1):
            if 1 <= month <= spec.months:
                set_cell_shading(cells[month], fill)
    repeat_header(table, len(headers))
