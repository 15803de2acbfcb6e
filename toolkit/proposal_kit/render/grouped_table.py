"""A table whose columns are grouped under headings, as the form's budget tables are.

The body of a ``{grouped-table}`` directive: a row of group headings (``A. Personnel`` over
its person-months and EUR columns), a row of column headings (the units), then the rows.
Markdown pipe tables have one header row; this block has two, both repeated on each page.
Columns are as wide as their widest word or figure needs (Arial metrics), so that nothing
breaks; the rest of the width goes to them in proportion.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, Literal

from docx.enum.table import WD_TABLE_ALIGNMENT
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .docx_parts import (
    new_table,
    set_cell_margins,
    set_column_widths,
    set_table_borders,
)
from .metrics import Text, fit_widths, longest_word_mm
from .wordxml import RowsXml, plain_run

__all__ = ["GroupedRow", "GroupedTableSpec", "grouped_html", "write_grouped_table"]

MAX_COLUMNS = 40
MAX_ROWS = 500
#: Left and right cell margins (mm) and what a cell needs beyond its widest word.
MARGIN_MM = 0.5
SLACK_MM = 1.2
HEADER_FILL = "D9E2F3"
#: A table of up to this many rows is kept on one page (each row kept with the next).
KEEP_WHOLE = 30


class GroupedRow(BaseModel):
    """A row: its cells' plain text, bold for a total."""

    model_config = ConfigDict(extra="forbid")
    cells: list[str]
    bold: bool = False


class GroupedTableSpec(BaseModel):
    """The body of a ``{grouped-table}`` directive."""

    model_config = ConfigDict(extra="forbid")
    groups: list[tuple[str, int]] = Field(description="Group headings and how many columns "
                                          "each spans, left to right.")
    columns: list[str] = Field(min_length=1, max_length=MAX_COLUMNS,
                               description="Column headings under the groups ('' for none: "
                               "the group heading then spans both header rows).")
    align: list[Literal["left", "right"]] = Field(default_factory=list)
    rows: list[GroupedRow] = Field(default_factory=list, max_length=MAX_ROWS)

    @model_validator(mode="after")
    def _consistent(self) -> GroupedTableSpec:
        width = len(self.columns)
        if any(n < 1 for _, n in self.groups) or sum(n for _, n in self.groups) != width:
            raise ValueError(f"the groups span {sum(n for _, n in self.groups)} columns, but "
                             f"there are {width}")
        if self.align and len(self.align) != width:
            raise ValueError(f"align gives {len(self.align)} columns, but there are {width}")
        bad = next((r for r in self.rows if len(r.cells) != width), None)
        if bad is not None:
            raise ValueError(f"a row has {len(bad.cells)} cells, but there are {width} columns")
        return self

    def alignment(self, column: int) -> str:
        """``left`` or ``right``."""
        return self.align[column] if self.align else "left"


def column_widths(spec: GroupedTableSpec, room_mm: float) -> list[float]:
    """Widths (mm) filling ``room_mm``, as :func:`~proposal_kit.render.metrics.fit_widths`.

    No word breaks; body rows get one line where they can, the header as few as the rest
    allows.
    """
    texts = [Text(label, first, span, bold=True, header=True)
             for first, span, label in _group_cells(spec)]
    texts += [Text(heading, c, bold=True, header=True)
              for c, heading in enumerate(spec.columns) if heading]
    texts += [Text(value, c, bold=row.bold, row=r) for r, row in enumerate(spec.rows)
              for c, value in enumerate(row.cells) if value]
    widths = fit_widths(texts, len(spec.columns), room_mm, 2 * MARGIN_MM + SLACK_MM)
    if widths is None:  # too many columns for the room: in proportion, words may break
        need = [max((longest_word_mm(t.text, bold=t.bold) for t in texts
                     if t.first == c and t.span == 1), default=1.0) for c in
                range(len(spec.columns))]
        return [room_mm * n / sum(need) for n in need]
    return widths


def _group_cells(spec: GroupedTableSpec) -> list[tuple[int, int, str]]:
    """(first column, span, label) of each group heading."""
    out, start = [], 0
    for label, span in spec.groups:
        out.append((start, span, label))
        start += span
    return out


def _cell(xml: RowsXml, text: str, width: str, style: str, *, span: int = 1,
          merge: str | None = None, fill: str | None = None, align: str = "left",
          keep: bool = True) -> None:
    xml.cell(width, span=span, fill=fill, merge=merge)
    xml.paragraph(style, plain_run(text) if text else "", None if align == "left" else align,
                  keep=keep)


def write_grouped_table(container: Any, spec: GroupedTableSpec, style_ids: Mapping[str, str],
                        width_mm: float) -> None:
    """Append the table to ``container`` (a document body or a cell).

    Rows and cells are written as XML text and parsed in one go (:class:`.RowsXml`).
    """
    heading, text = style_ids["PK Table Heading"], style_ids["PK Table Text"]
    widths_mm = column_widths(spec, width_mm)
    twips = [round(w * 56.6929) for w in widths_mm]  # as set_column_widths
    table = new_table(container, len(spec.columns), width_mm)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_table_borders(table)
    set_column_widths(table, widths_mm)
    set_cell_margins(table, MARGIN_MM)
    # The group headings, then the column headings under them (if any): the header rows.
    groups, units = RowsXml(), RowsXml() if any(spec.columns) else None
    groups.row(header=True)
    if units is not None:
        units.row(header=True)
    start = 0
    for label, span in spec.groups:
        width = str(sum(twips[start:start + span]))
        alone = span == 1 and not spec.columns[start]
        merged = alone and units is not None
        _cell(groups, label, width, heading, span=span, merge="restart" if merged else None,
              fill=HEADER_FILL, align=spec.alignment(start) if alone else "center")
        if merged and units is not None:
            _cell(units, "", width, heading, merge="continue", fill=HEADER_FILL)
        elif units is not None:
            for c in range(start, start + span):
                _cell(units, spec.columns[c], str(twips[c]), heading, fill=HEADER_FILL,
                      align=spec.alignment(c))
        start += span
    body = RowsXml()
    for n, row in enumerate(spec.rows):
        body.row()
        for c, value in enumerate(row.cells):
            _cell(body, value, str(twips[c]), heading if row.bold else text,
                  align=spec.alignment(c), keep=n + 1 < len(spec.rows) <= KEEP_WHOLE)
    for xml in (groups, units, body):
        if xml is not None:
            xml.append_to(table._tbl)


def grouped_html(spec: GroupedTableSpec) -> str:
    """The table in HTML: two header rows (colspan, rowspan), then the rows."""
    top, second = [], []
    start = 0
    rowspan = ' rowspan="2"' if any(spec.columns) else ""
    for label, span in spec.groups:
        if span == 1 and not spec.columns[start]:
            top.append(f"<th{rowspan}>{html.escape(label)}</th>")
        else:
            top.append(f'<th colspan="{span}" style="text-align: center">'
                       f"{html.escape(label)}</th>")
            second += [f"<th>{html.escape(c)}</th>" for c in spec.columns[start:start + span]]
        start += span
    body = []
    for row in spec.rows:
        tag = "th" if row.bold else "td"
        cells = "".join(f'<{tag} style="text-align: {spec.alignment(c)}">{html.escape(v)}'
                        f"</{tag}>" for c, v in enumerate(row.cells))
        body.append(f"<tr>{cells}</tr>")
    under = f'<tr>{"".join(second)}</tr>' if second else ""
    return (f'<table class="grouped"><thead><tr>{"".join(top)}</tr>{under}</thead>'
            f'<tbody>{"".join(body)}</tbody></table>\n')
