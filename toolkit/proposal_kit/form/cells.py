"""Table content as rows of cells, independent of where it is written.

The own layout writes a :class:`Table` as a Markdown pipe table, the form filler into the
rows of the applicant's form, and `review` counts its words: one build, three readers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Cell", "Grid", "GridRow", "Line", "Row", "Table", "eur", "number"]


def eur(value: float | None) -> str:
    """``1,234,567``: whole euros with thousands separators (empty for None)."""
    return "" if value is None else f"{value:,.0f}"


def number(value: float | None) -> str:
    """``12`` or ``2.5``: a count or person-months without trailing zeros."""
    if value is None:
        return ""
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value else "0"


@dataclass(frozen=True)
class Line:
    """One line of a cell; ``aside`` goes in the form's sub-column beside it (a role)."""

    text: str
    bold: bool = False
    aside: str | None = None


@dataclass(frozen=True)
class Cell:
    """A table cell: lines of plain text."""

    lines: tuple[Line, ...] = ()
    align: Literal["left", "right"] = "left"

    @classmethod
    def of(cls, value: object = None, *, bold: bool = False,
           align: Literal["left", "right"] = "left") -> Cell:
        """A cell of one line holding ``value`` (nothing for None or an empty string)."""
        text = "" if value is None else " ".join(str(value).split())
        return cls((Line(text, bold),) if text else (), align)

    @classmethod
    def lines_of(cls, values: Iterable[str]) -> Cell:
        """A cell of one line per value."""
        return cls(tuple(Line(" ".join(v.split())) for v in values if v and v.strip()))

    @property
    def text(self) -> str:
        """The plain text, lines joined by ``; `` (asides in parentheses)."""
        return "; ".join(f"{ln.text} ({ln.aside})" if ln.aside else ln.text
                         for ln in self.lines)

    @property
    def empty(self) -> bool:
        """Whether the cell holds no text."""
        return not self.lines

    def markdown(self) -> str:
        """The cell as inline Markdown for a pipe table (bold lines in ``**``)."""
        parts = []
        for line in self.lines:
            text = _escape(line.text)
            if line.bold and text:
                text = f"**{text}**"
            parts.append(f"{text} ({_escape(line.aside)})" if line.aside else text)
        return "; ".join(parts)


def _escape(text: str) -> str:
    """Text safe inside a pipe-table cell: no pipes, no line breaks, no stray markup."""
    out = " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")
    for char in "*_`[]<>":
        out = out.replace(char, "\\" + char)
    return out


@dataclass(frozen=True)
class Row:
    """A row: cells by column id; ``kind`` is body, total, group (a heading row) or note."""

    cells: Mapping[str, Cell]
    kind: Literal["body", "total", "group", "note"] = "body"
    #: The form's row label this row copies (``T1.1``), when the form has template rows.
    label: str | None = None

    def cell(self, column: str) -> Cell:
        """The cell of ``column`` (empty when the row has none)."""
        return self.cells.get(column, Cell())


@dataclass(frozen=True)
class Table:
    """A table: its columns (id, heading) and rows; ``note`` stands in when it has none."""

    id: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[Row, ...]
    caption: str | None = None
    note: str | None = None
    #: ``prompt``: the note asks for missing data; ``info``: it states a fact (n/a).
    note_kind: Literal["prompt", "info"] = "prompt"
    #: What is still missing from a table that has rows (shown under it as a prompt).
    remark: str | None = None
    #: A fact stated under the table (the EU grant under the budget summary).
    footnote: Cell | None = None
    #: Headings grouping the columns (label, how many columns), as the form's budget table
    #: has them; the columns are then headed ``subheadings`` (their units) under them.
    header_groups: tuple[tuple[str, int], ...] = ()
    subheadings: tuple[str, ...] = ()

    def align(self, column: str) -> Literal["left", "right"]:
        """``right`` for a column of figures."""
        cells = [r.cell(column) for r in self.rows]
        filled = [c for c in cells if not c.empty] or cells  # an empty column: as declared
        return "right" if any(c.align == "right" for c in filled) else "left"

    def words(self) -> int:
        """Words in the table's cells and headings: what it adds to a section's length."""
        texts = [h for _, h in self.columns] + [
            c.text for r in self.rows for c in r.cells.values()] + [
            self.remark or "", self.footnote.text if self.footnote else ""]
        return sum(len(t.split()) for t in texts)

    def headings(self) -> list[str]:
        """The column headings."""
        return [h for _, h in self.columns]


@dataclass(frozen=True)
class GridRow:
    """A row of the timetable: label, kind (wp, task, phase) and the shaded columns."""

    label: str
    kind: str
    shaded: frozenset[int]


@dataclass(frozen=True)
class Grid:
    """The timetable: column groups (years), columns (months or quarters), rows."""

    unit: Literal["months", "quarters"]
    groups: tuple[tuple[str, int], ...]
    columns: tuple[str, ...]
    rows: tuple[GridRow, ...]
    phases: tuple[tuple[str, int, int], ...] = field(default=())

    def words(self) -> int:
        """Words of the row labels and headers."""
        return sum(len(t.split()) for t in (*(g for g, _ in self.groups), *self.columns,
                                            *(r.label for r in self.rows)))
