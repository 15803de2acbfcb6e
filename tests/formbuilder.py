"""A synthetic copy of the official Part B form, built from its description alone.

The tests fill it where the real form (``../shared/official``) is not at hand: a fresh clone
has only the description. Everything comes from ``data/forms/<FORM-ID>.yaml`` (tags, headings,
box titles, table titles and column headings, how the form is recognised), laid out in the
shapes the real form has and the filler reads: a box is a one-column table whose first row
holds the bold title, then guidance, and whose last row is the answer row; a form table has
its title row, its heading rows and template rows (``T1.1``, ``MS1``, ``[name]``...). The
guidance is neutral filler ("Guidance for <title>."), never the form's sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.table import Table

from proposal_kit.form.description import (
    Box,
    BoxItem,
    Close,
    FormDescription,
    Heading,
    HeadingItem,
    Open,
    OrientationItem,
    TableItem,
    TableSpec,
    WorkPackagesItem,
    form_description,
)
from proposal_kit.render.toc import new_contents_control

__all__ = ["build_form", "guidance", "table_headings"]

#: A cell: its text, or its text and how many grid columns it spans.
CellSpec = str | tuple[str, int]


def guidance(title: str) -> str:
    """The synthetic form's guidance sentence for a box or table titled ``title``."""
    return f"Guidance for {title.rstrip(': ')}."


def table_headings(spec: TableSpec, n: int = 1) -> list[str]:
    """The column headings of a table as the synthetic form prints them."""
    out: list[str] = []
    for col in (*spec.columns, *(c for p in spec.parts.values() for c in p.columns)):
        heading = col.heading.format(n=n) if "{n}" in col.heading else col.heading
        if heading and heading not in out:
            out.append(heading)
        out.extend(s for s in col.sub if s not in out)
        if col.group and col.group not in out:
            out.append(col.group)
    for part in spec.parts.values():
        if part.heading and part.heading not in out:
            out.append(part.heading)
    return out


def build_form(path: Path, form: FormDescription | None = None, *, notice: bool = True,
               history: bool = True, version: tuple[str, str] | None = None) -> Path:
    """Write a blank synthetic copy of ``form`` (the default form) to ``path``.

    ``notice``: with the IMPORTANT NOTICE page; ``history``: with the history of changes,
    whose last row names ``version`` (number, date; the form's own by default).
    """
    form = form or form_description()
    doc = docx.Document()
    _header(doc, form, version or form.identify.version)
    if notice:
        _bold(doc, form.notice)
        doc.add_paragraph(guidance(form.notice))
    for heading in form.front:
        doc.add_heading(heading.text, level=min(heading.level + 1, 9))
        doc.add_paragraph(guidance(heading.text))
    _cover(doc, form)
    doc.add_paragraph(form.contents)._p.addnext(new_contents_control())
    tags: list[str] = []
    for item in form.body:
        if isinstance(item, Open):
            tags.append(f"#@{item.open}@#")
            continue
        if isinstance(item, Close):
            tags.append(f"#§{item.close}§#")
            continue
        if tags:  # consecutive tags share a paragraph, as in the form
            doc.add_paragraph(" ".join(tags))
            tags = []
        if isinstance(item, HeadingItem):
            _heading(doc, item.heading)
        elif isinstance(item, BoxItem):
            if not item.box.in_table:  # a row of its table, written with it
                _box(doc, form, item.box)
        elif isinstance(item, TableItem):
            _TABLES[item.table](doc, form, form.tables[item.table])
        elif isinstance(item, WorkPackagesItem):
            block = item.work_packages
            doc.add_heading(block.heading_text(1), level=block.heading.level)
            for table_id in block.tables:
                _TABLES[table_id](doc, form, form.tables[table_id])
            doc.add_heading(block.placeholder, level=block.heading.level)
            doc.add_paragraph(guidance(block.placeholder))
        elif isinstance(item, OrientationItem):
            _orientation(doc, item.orientation)
    if tags:
        doc.add_paragraph(" ".join(tags))
    if history:
        _history(doc, form, version or form.identify.version)
    doc.save(str(path))
    return path


# -- the parts ------------------------------------------------------------------------------
def _bold(doc: Document, text: str) -> None:
    doc.add_paragraph().add_run(text).bold = True


def _header(doc: Document, form: FormDescription, version: tuple[str, str]) -> None:
    """The page header: the call's placeholders, then the form's name and version."""
    first = doc.sections[0].header.paragraphs[0]
    fields = [f.placeholder for f in form.header_fields]
    first.add_run("Call: [")
    for i, placeholder in enumerate(fields):
        first.add_run(placeholder)
        first.add_run("] — [" if i + 1 < len(fields) else "]")
    doc.sections[0].header.add_paragraph(
        f"{form.identify.header}: V{version[0]} – {version[1]}")


def _cover(doc: Document, form: FormDescription) -> None:
    rows: list[Sequence[CellSpec]] = [[(form.cover.table, 2)]]
    rows += [[f"{f.label}:", f.placeholder] for f in form.cover.fields]
    _table(doc, 2, rows, bold_rows=1)


def _heading(doc: Document, heading: Heading) -> None:
    if heading.style == "text":
        _bold(doc, heading.title)
    else:
        doc.add_heading(heading.title, level=max(heading.level, 1))


def _orientation(doc: Document, orientation: str) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    landscape = orientation == "landscape"
    width, height = section.page_width or 0, section.page_height or 0
    if (width > height) != landscape:
        section.page_width, section.page_height = section.page_height, section.page_width
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT


def _box(doc: Document, form: FormDescription, box: Box) -> None:
    """A guidance box: title and guidance, then the answer row (or the box's table)."""
    if box.table:
        _TABLES[box.table](doc, form, form.tables[box.table], box)
        return
    table = doc.add_table(rows=0, cols=1)
    table.style = "Table Grid"
    _title_cell(table.add_row().cells[0], box.title)
    if box.answer == "row":
        table.add_row().cells[0].text = box.placeholder or form.placeholder
    elif box.answer == "fixed":
        table.add_row().cells[0].text = box.fixed or ""


def _title_cell(cell: docx.table._Cell, title: str) -> None:
    cell.paragraphs[0].add_run(title).bold = True
    cell.add_paragraph(guidance(title))


def _table(doc: Document, columns: int, rows: Sequence[Sequence[CellSpec]],
           bold_rows: int = 0, title: str | None = None) -> Table:
    """A table of ``columns`` grid columns; each row's cells may span several."""
    table = doc.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        row = table.add_row()
        at = 0
        for spec in cells:
            text, span = spec if isinstance(spec, tuple) else (spec, 1)
            cell = row.cells[at]
            if span > 1:
                cell = cell.merge(row.cells[at + span - 1])
            if r == 0 and title is not None:
                _title_cell(cell, title)
            elif r < bold_rows:
                cell.paragraphs[0].add_run(text).bold = True
            else:
                cell.text = text
            at += span
        if at != columns:
            raise ValueError(f"row {r} spans {at} of {columns} columns")
    return cast(Table, table)


def _headed(doc: Document, spec: TableSpec, body: list[Sequence[CellSpec]],
            box: Box | None = None) -> None:
    """A table: title row (with guidance when it is a box), headings, then ``body``."""
    n = len(spec.columns)
    headings: list[CellSpec] = [c.heading for c in spec.columns]
    _table(doc, n, [[(spec.title, n)], headings, *body], bold_rows=2,
           title=box.title if box is not None else spec.title)


def _staff(doc: Document, form: FormDescription, spec: TableSpec,
           box: Box | None = None) -> None:
    _headed(doc, spec, [[""] * len(spec.columns) for _ in range(4)], box)


def _risks(doc: Document, form: FormDescription, spec: TableSpec,
           box: Box | None = None) -> None:
    _headed(doc, spec, [[""] * len(spec.columns) for _ in range(2)], box)


def _previous_projects(doc: Document, form: FormDescription, spec: TableSpec,
                       box: Box | None = None) -> None:
    n = len(spec.columns)
    _headed(doc, spec, [["[name]"] + [""] * (n - 1), ["[name]"] + [""] * (n - 1), [""] * n],
            box)


def _work_package(doc: Document, form: FormDescription, spec: TableSpec,
                  box: Box | None = None) -> None:
    """The WP table: 8 grid columns, as many as the deliverables' row has."""
    parts = spec.parts
    header = parts["header"].columns
    tasks, milestones = parts["tasks"].columns, parts["milestones"].columns
    deliverables = parts["deliverables"].columns
    width = len(deliverables)
    task_head: list[CellSpec] = []
    task_sub: list[CellSpec] = []
    used = sum(max(1, len(c.sub)) for c in tasks[:-1])
    for i, col in enumerate(tasks):
        span = width - used if i == len(tasks) - 1 else max(1, len(col.sub))
        if col.sub:
            task_head.append((col.heading, span))
            task_sub.extend(col.sub)
        else:
            task_head.append((col.heading, span) if span > 1 else col.heading)
            task_sub.append(("", span) if span > 1 else "")
    task_row = [("", s[1]) if isinstance(s, tuple) else "" for s in task_sub]
    last = width - len(milestones) + 1
    ms_head: list[CellSpec] = [c.heading for c in milestones[:-1]] + [(milestones[-1].heading,
                                                                      last)]

    def ms(n: int) -> list[CellSpec]:
        return [f"MS{n}", "", "1", *[""] * (len(milestones) - 4), ("", last)]

    def task(n: int) -> list[CellSpec]:
        return [f"T1.{n}" if n else "", *task_row[1:]]

    def deliverable(n: int) -> list[CellSpec]:
        return [f"D1.{n}", "", "1", "", "[type]", "[level]", *[""] * (width - 6)]

    half = width // 2
    rows: list[Sequence[CellSpec]] = [
        [(spec.title.format(n=1) + " [work package name]", width)],
        [header[0].heading, ("MX - MX", half - 1), header[1].heading, ("1-Short name",
                                                                       half - 1)],
        [(parts["objectives"].heading or "", width)],
        [("", width)],
        [(parts["tasks"].heading or "", width)],
        task_head, task_sub, task(1), task(2), task(0),
        [(parts["milestones"].heading or "", width)],
        ms_head, ms(1), ms(2),
        [c.heading for c in deliverables], deliverable(1), deliverable(2),
    ]
    _table(doc, width, rows, bold_rows=1)


def _wp_budget(doc: Document, form: FormDescription, spec: TableSpec,
               box: Box | None = None) -> None:
    columns = spec.columns
    n = len(columns)
    groups: list[CellSpec] = [""]
    for col in columns[1:]:
        last = groups[-1]
        if isinstance(last, tuple) and last[0] == col.heading:
            groups[-1] = (col.heading, last[1] + 1)
        elif last == col.heading:
            groups[-1] = (col.heading, 2)
        else:
            groups.append(col.heading)
    sample: list[CellSpec] = [f"X {c.unit}" for c in columns[1:]]
    rows: list[Sequence[CellSpec]] = [
        [(spec.title, n)], [columns[0].heading, ("Costs", n - 1)], groups,
        ["[name]", *sample], ["[name]", *sample], [""] * n, ["Total", *sample],
        [(guidance(spec.title), n)],
    ]
    _table(doc, n, rows, bold_rows=3)


def _staff_effort_wp(doc: Document, form: FormDescription, spec: TableSpec,
                     box: Box | None = None) -> None:
    n = len(spec.columns)
    body: list[Sequence[CellSpec]] = [[str(i)] + [""] * (n - 1) for i in range(1, 5)]
    body.append([""] * (n - 2) + ["Total Person-Months", ""])
    _headed(doc, spec, body)


def _staff_effort_participant(doc: Document, form: FormDescription, spec: TableSpec,
                              box: Box | None = None) -> None:
    headings: list[CellSpec] = []
    for col in spec.columns:
        if col.per:
            headings += [col.heading.format(n=1), col.heading.format(n=2),
                         col.heading.format(n="…")]
        else:
            headings.append(col.heading)
    n = len(headings)
    rows: list[Sequence[CellSpec]] = [[(spec.title, n)], headings,
                                      ["[name]"] + [""] * (n - 1), ["[name]"] + [""] * (n - 1),
                                      [spec.columns[-1].heading] + [""] * (n - 1)]
    _table(doc, n, rows, bold_rows=2)


def _subcontracting(doc: Document, form: FormDescription, spec: TableSpec,
                    box: Box | None = None) -> None:
    n = len(spec.columns)
    other = next(b for b in form.boxes() if b.in_table == spec.id)
    rows: list[Sequence[CellSpec]] = [
        [(spec.title, n)], [c.heading for c in spec.columns],
        ["", "S1.1"] + [""] * (n - 2), ["", "S1.2"] + [""] * (n - 2),
        [(f"{other.title} {guidance(other.title)}", 3), (form.placeholder, n - 3)],
    ]
    _table(doc, n, rows, bold_rows=2, title=spec.title)


def _events(doc: Document, form: FormDescription, spec: TableSpec,
            box: Box | None = None) -> None:
    n = len(spec.columns)
    top: list[CellSpec] = []
    sub: list[CellSpec] = []
    for col in spec.columns:
        if col.group is None:
            top.append(col.heading)
            sub.append("")
            continue
        last = top[-1] if top else None
        if isinstance(last, tuple) and last[0] == col.group:
            top[-1] = (col.group, last[1] + 1)
        else:
            top.append((col.group, 1))
        sub.append(col.heading)
    top = [(t[0] if t[1] == 1 else t) if isinstance(t, tuple) else t for t in top]
    sample = ["[name]", "[name]", "[type]", "[area]", "[city, country]", "[number]",
              "[number]"]
    rows: list[Sequence[CellSpec]] = [[(spec.title, n)], top, sub,
                                      ["E1.1", *sample], ["E1.2", *sample]]
    _table(doc, n, rows, bold_rows=3, title=spec.title)


def _timetable(doc: Document, form: FormDescription, spec: TableSpec,
               box: Box | None = None) -> None:
    n = 25
    if spec.grid == "months":
        top: list[CellSpec] = [spec.columns[0].heading, (spec.columns[1].heading, 24)]
        sub: list[CellSpec] = ["", *(f"M {m}" for m in range(1, 25))]
    else:
        top = [spec.columns[0].heading,
               *((spec.columns[1].heading.format(n=y), 4) for y in range(1, 7))]
        sub = ["", *(f"Q {q}" for _ in range(6) for q in range(1, 5))]
    rows: list[Sequence[CellSpec]] = [[(spec.title, n)], top, sub,
                                      *([label] + [""] * 24 for label in
                                        ("Task 1.1 - …", "Task 1.2 - …", "Task …"))]
    _table(doc, n, rows, bold_rows=3)


def _double_funding(doc: Document, form: FormDescription, spec: TableSpec,
                    box: Box | None = None) -> None:
    body: list[Sequence[CellSpec]] = [[guidance(f"{spec.title} statement {i}"), ""]
                                      for i, _ in enumerate(spec.rows, 1)]
    _headed(doc, spec, body)


def _seal_of_excellence(doc: Document, form: FormDescription, spec: TableSpec,
                        box: Box | None = None) -> None:
    rows: list[Sequence[CellSpec]] = [[(spec.title, 2)],
                                      [guidance(f"{spec.title} question"),
                                       spec.columns[1].heading]]
    _table(doc, 2, rows, bold_rows=1)


def _history(doc: Document, form: FormDescription, version: tuple[str, str]) -> None:
    rows: list[Sequence[CellSpec]] = [[(form.identify.history_table, 3)],
                                      ["VERSION", "PUBLICATION DATE", "CHANGE"],
                                      [version[0], version[1], "Change note."], ["", "", ""]]
    _table(doc, 3, rows, bold_rows=2)


_TABLES = {
    "staff": _staff, "risks": _risks, "previous_projects": _previous_projects,
    "work_package": _work_package, "wp_budget": _wp_budget,
    "staff_effort_wp": _staff_effort_wp, "staff_effort_participant": _staff_effort_participant,
    "subcontracting": _subcontracting, "events": _events,
    "timetable_months": _timetable, "timetable_quarters": _timetable,
    "double_funding": _double_funding, "seal_of_excellence": _seal_of_excellence,
}
