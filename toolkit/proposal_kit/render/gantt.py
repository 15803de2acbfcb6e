"""The timetable: a native Word table with a row per WP and task, a column per period.

The form asks for month columns for projects of up to two years and for years and quarters
beyond (see ``form/tables.py``, which builds the grid). Shaded cells mark the periods a WP
or task runs; consecutive cells of the same shade are merged, so the table holds few cells
(word processors lay it out that much faster). Rows never split across pages, and the
header rows repeat on each page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.table import Table
from pydantic import BaseModel, ConfigDict, Field

from .docx_parts import new_table, set_cell_margins, set_column_widths, set_table_borders
from .wordxml import RowsXml, plain_run

__all__ = ["GanttRowSpec", "GanttSpec", "body_runs", "write_gantt"]

FILL = {"wp": "2F5496", "task": "9DC3E6", "phase": "F4B183"}
#: The widest a label column gets, and the narrowest a period column.
LABEL_SHARE = 0.34
MAX_COLUMNS = 120


class GanttRowSpec(BaseModel):
    """One row: its label, kind (wp, task, phase) and the shaded column indexes."""

    model_config = ConfigDict(extra="forbid")
    label: str
    kind: str = "task"
    cells: list[int] = []


class GanttSpec(BaseModel):
    """The body of a ``{gantt}`` directive."""

    model_config = ConfigDict(extra="forbid")
    unit: str = "months"
    groups: list[tuple[str, int]] = Field(default_factory=list,
                                          description="Year labels and how many columns each.")
    columns: list[str] = Field(min_length=1, max_length=MAX_COLUMNS)
    rows: list[GanttRowSpec]


def body_runs(shaded: set[int], columns: int) -> list[tuple[int, int, bool]]:
    """The merged cells of a body row: ``(first, last, shaded)`` runs covering 0..columns-1."""
    runs: list[tuple[int, int, bool]] = []
    for index in range(columns):
        on = index in shaded
        if runs and runs[-1][2] == on:
            runs[-1] = (runs[-1][0], index, on)
        else:
            runs.append((index, index, on))
    return runs


class _GanttCell(NamedTuple):
    """A cell to write: how many columns it spans, its text, style and fill."""

    span: int
    text: str
    style: str
    fill: str | None = None


def _add_rows(table: Table, rows: list[tuple[list[_GanttCell], list[str], bool]]) -> None:
    """Append ``rows`` of (cells, their widths in twips, header?) to ``table``.

    Each cell is one ``w:tc`` spanning its columns; a header row repeats on each page and
    no row splits across pages. Written as XML text, parsed in one go.
    """
    xml = RowsXml()
    for cells, widths, header in rows:
        xml.row(header=header)
        for cell, width in zip(cells, widths, strict=True):
            xml.cell(width, span=cell.span, fill=cell.fill)
            xml.paragraph(cell.style, plain_run(cell.text) if cell.text else "")
    xml.append_to(table._tbl)


def _widths(cells: list[_GanttCell], twips: list[int]) -> list[str]:
    """The width of each cell of a row: the sum of the columns it spans."""
    out, index = [], 0
    for cell in cells:
        out.append(str(sum(twips[index:index + cell.span])))
        index += cell.span
    return out


def write_gantt(container: Any, spec: GanttSpec, style_ids: Mapping[str, str],
                width_mm: float) -> None:
    """Append the timetable for ``spec`` to ``container`` (a document body or a cell)."""
    columns = len(spec.columns)
    heading = style_ids["PK Table Heading"]
    text = style_ids["PK Table Text"]
    table = new_table(container, columns + 1, width_mm)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_table_borders(table, "BFBFBF", 2)
    period_mm = min(14.0, width_mm * (1 - LABEL_SHARE) / max(columns, 1))
    widths_mm = [width_mm - period_mm * columns] + [period_mm] * columns
    set_column_widths(table, widths_mm)  # the grid; each cell gets its width below
    set_cell_margins(table, 0.5)
    twips = [round(w * 56.6929) for w in widths_mm]  # as set_column_widths
    rows: list[tuple[list[_GanttCell], bool]] = []
    if spec.groups:
        rows.append(([_GanttCell(1, "", heading),
                      *(_GanttCell(n, label, heading) for label, n in spec.groups)], True))
    rows.append(([_GanttCell(1, "Activity", heading),
                  *(_GanttCell(1, label, heading) for label in spec.columns)], True))
    for item in spec.rows:
        fill = FILL.get(item.kind, FILL["task"])
        style = heading if item.kind in ("wp", "phase") else text
        cells = set(item.cells)
        rows.append(([_GanttCell(1, item.label, style),
                      *(_GanttCell(last - first + 1, "", text, fill if on else None)
                        for first, last, on in body_runs(cells, columns))], False))
    _add_rows(table, [(row, _widths(row, twips), header) for row, header in rows])
