"""Fill the applicant's own copy of the official Part B form from the project.

Everything of the form stays: its tags, headings, guidance boxes and table headings, in its
order. The section texts go where the form asks for them (see the description's
``answer``): in a box's answer row, which holds the form's "Insert text", or right after a
box that has none (a table of columns, or guidance alone). The form's tables are filled in
the form's own columns and formatting, the work package table copied once per work package
as the form instructs. The IMPORTANT NOTICE page goes, as the form says it must before
upload. A box or table that already holds someone's text is not overwritten without
``force``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.table import _Cell

from ..derive import Draft
from ..docxfile import open_docx, xml_int
from ..errors import InputError, OutputConflictError, UsageError
from ..model import WorkPackage
from ..render.toc import rebuild_contents
from .budget_table import BudgetRows, fill_wp_budget, fit_columns, take_templates
from .cellfill import RowTemplate, note_row, set_cell, set_cell_text
from .cells import Cell, Grid, Table
from .description import Box, FormDescription, form_description, known_forms
from .docx_edit import (
    cells_of,
    grid_columns,
    keep_labels_whole,
    keep_row_whole,
    repeat_rows,
    row_text,
    rows_of,
    shade,
    space_before,
    widen_first_column,
)
from .locate import FormMap, identify, is_shaded, locate, normalise, text_of
from .placeholders import is_placeholder
from .tables import build_table, build_timetable, lead_label, work_package_tables

__all__ = ["FormFiller", "open_form"]

W_P, W_TBL, W_TR = qn("w:p"), qn("w:tbl"), qn("w:tr")
BEIGE = "DDD9C3"
#: The space (twips, 6 pt) above text written right under one of the form's tables.
TEXT_UNDER_TABLE = 120
#: Tables filled row by row from template rows, with how many header rows follow the title.
_SIMPLE_TABLES = {"staff": 1, "risks": 1, "subcontracting": 1, "events": 2,
                  "previous_projects": 1}


def open_form(path: Path) -> tuple[Document, FormDescription]:
    """Open the applicant's copy of the form and tell which version it is.

    Raises:
        UsageError: the file is missing, or not a .docx (the portal's RTF must be saved as
            DOCX first).
        InputError: it cannot be read, or it is not the official form.
    """
    from ..safeio import check_argument

    check_argument(path, "the form")
    if path.suffix.lower() in (".rtf", ".doc", ".odt"):
        raise UsageError(f"{path.name} is not a .docx file",
                         hint="open the form from the portal in Word or LibreOffice and save "
                              "it as Word (.docx), or run: soffice --headless --convert-to "
                              f"docx {path.name}")
    document = open_docx(path, "the form")
    return document, identify(document, [form_description(f) for f in known_forms()])


class FormFiller:
    """Fills one opened form with one project's draft."""

    def __init__(self, document: Document, form: FormDescription, draft: Draft,
                 box_markdown: Mapping[str, str], base_dir: Path | None,
                 box_tables: Mapping[str, str] | None = None) -> None:
        self.doc = document
        self.form = form
        self.draft = draft
        self.box_markdown = box_markdown
        #: The tables proposal-kit adds to a box (objectives, budget summary...), by box id.
        self.box_tables = box_tables or {}
        self.base_dir = base_dir
        #: Style name -> id of the document, once its missing styles are added (fill).
        self.styles: dict[str, str] | None = None
        self.where: FormMap = locate(document, form)
        if self.where.missing:
            raise InputError("this copy of the official form lacks "
                             f"{', '.join(self.where.missing[:5])}"
                             + (f" and {len(self.where.missing) - 5} more" if
                                len(self.where.missing) > 5 else ""),
                             hint="download a fresh copy of the form from the portal; "
                                  "proposal-kit finds its parts by their tags and titles")

    # -- guarding the applicant's text ----------------------------------------------------
    def prefilled(self) -> list[str]:
        """Sections whose box or table already holds someone's text."""
        form = self.form
        out = []
        for box in form.boxes():
            cell = self._answer_cell(box)
            if cell is not None and not is_placeholder(text_of(cell), form, box):
                out.append(form.label(box.id))
        for table_id, header_rows in _SIMPLE_TABLES.items():
            tbl = self.where.tables.get(table_id)
            if tbl is None:
                continue
            spec = form.tables[table_id]
            for tr in rows_of(tbl)[1 + header_rows:]:
                texts = row_text(tr)
                if texts and normalise(texts[0]).startswith("other issues"):
                    break
                if any(not is_placeholder(t, form, headings=spec) for t in texts):
                    out.append(f"the table '{spec.title}'")
                    break
        wp = self.where.tables.get("work_package")
        if wp is not None:
            spec = form.tables["work_package"]
            title = normalise(row_text(rows_of(wp)[0])[0])
            prefix = normalise(spec.title.format(n=1))
            named = not is_placeholder(title[len(prefix):].lstrip(" :"), form) if title.startswith(
                prefix) else True
            rows = [tr for tr in rows_of(wp) if _is_template_row(tr)]
            if named or any(not is_placeholder(t, form) for tr in rows for t in row_text(tr)):
                out.append(f"the table '{spec.title.format(n=1)}'")
        return list(dict.fromkeys(out))

    def _answer_cell(self, box: Box) -> Any:
        tbl = self.where.boxes.get(box.id)
        if tbl is None or box.answer != "row":
            return None
        if box.in_table:
            for tr in rows_of(tbl):
                tcs = cells_of(tr)
                if len(tcs) > 1 and normalise(text_of(tcs[0])).startswith(normalise(
                        box.title)):
                    return tcs[-1]
            return None
        rows = rows_of(tbl)
        return cells_of(rows[-1])[0] if len(rows) > 1 else None

    # -- filling ----------------------------------------------------------------------------
    def fill(self, toc_pages: Mapping[str, int] | None = None) -> None:
        """Fill everything; ``toc_pages`` numbers the table of contents."""
        from ..render.refdoc import add_missing_styles, style_ids

        add_missing_styles(self.doc)
        self.styles = style_ids(self.doc)  # for every writer of the boxes
        for element in self.where.notice:
            element.getparent().remove(element)
        self._header()
        self._cover()
        self._work_packages()
        for box in self.form.boxes():
            self._box(box)
        for table_id in ("staff", "risks", "staff_effort_wp", "staff_effort_participant",
                         "subcontracting", "events", "timetable_months", "timetable_quarters",
                         "double_funding", "seal_of_excellence", "previous_projects"):
            if table_id in self.where.tables:
                getattr(self, f"_fill_{table_id}")(self.where.tables[table_id])
        self._legacy()
        self._keep_headings_with_text()
        rebuild_contents(self.doc, self.where.contents, toc_pages or {})

    def _keep_headings_with_text(self) -> None:
        """No heading, nor the tags above it, alone at the foot of a page.

        The same in tables: a row of the form's headings or guidance (grey) stays with the
        row after it, so that "Work Package 3: …" or a table's column headings never end a
        page without the rows they head.
        """
        body = self.doc.element.body
        wp_heading = self.form.work_package_pattern()
        paragraphs = [*self.where.headings.values(), *self.where.tag_paragraphs,
                      *(p for p in body.iterchildren(W_P)
                        if wp_heading.fullmatch(normalise(text_of(p))))]
        for tbl in body.iter(W_TBL):
            rows = rows_of(tbl)
            for tr in rows[:-1]:
                tcs = cells_of(tr)
                if tcs and all(is_shaded(tc) for tc in tcs) and \
                        len(text_of(tr)) <= _HEADING_ROW_CHARS:
                    paragraphs += tr.iter(W_P)
        for p in paragraphs:
            if p.getparent() is None:
                continue
            ppr = p.find(qn("w:pPr"))
            if ppr is None:
                ppr = p.makeelement(qn("w:pPr"), {})
                p.insert(0, ppr)
            if ppr.find(qn("w:keepNext")) is None:
                keep = ppr.makeelement(qn("w:keepNext"), {})
                style = ppr.find(qn("w:pStyle"))
                if style is not None:
                    style.addnext(keep)
                else:
                    ppr.insert(0, keep)

    def _header(self) -> None:
        call = self.draft.call
        values = {"call_id": call.id, "call_name": call.title}
        for rel in self.doc.part.rels.values():
            if not rel.reltype.endswith("/header") or rel.is_external:
                continue
            for p in rel.target_part.element.iter(W_P):
                for field in self.form.header_fields:
                    _replace_placeholder(p, field.placeholder, values[field.value])

    def _cover(self) -> None:
        from .tables import coordinator_contact

        p = self.draft.proposal
        values = {"title": p.title or "", "acronym": p.acronym,
                  "coordinator_contact": coordinator_contact(self.draft)}
        if self.where.cover is None:
            return
        for tr in rows_of(self.where.cover):
            tcs = cells_of(tr)
            if len(tcs) < 2:
                continue
            label = normalise(text_of(tcs[0]))
            for field in self.form.cover.fields:
                if label == normalise(field.label) and values[field.value]:
                    set_cell_text(tcs[1], values[field.value])

    # -- boxes ------------------------------------------------------------------------------
    def _box(self, box: Box) -> None:
        """The section's text in the box, then the tables proposal-kit adds, after it.

        Those tables stand after the box rather than nested in its answer cell: a table
        in a table cell gets no repeated header row on the next page and its caption is
        not kept with it.
        """
        markdown = self.box_markdown.get(box.id, "").strip()
        tables = self.box_tables.get(box.id, "").strip()
        heading = self.form.section_of(box.id)
        base = self._heading_style_level(heading.id if heading else None)
        anchor = self.where.boxes[box.id]
        if markdown and box.answer == "row":
            cell = self._answer_cell(box)
            if cell is not None:
                self._write_into_cell(cell, markdown, base)
        elif markdown and box.answer == "after":
            anchor = self._write_after(anchor, markdown, base)
        if tables:
            self._write_after(anchor, tables, base)

    def _heading_style_level(self, heading_id: str | None) -> int:
        """The Word heading level of a section's heading in the form (Heading 3 -> 3)."""
        p = self.where.headings.get(heading_id or "")
        if p is None:
            return 3
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        sid = style.get(qn("w:val")) if style is not None else ""
        digits = "".join(c for c in sid if c.isdigit())
        return xml_int(digits, "", 3) if digits else 3

    def _write_into_cell(self, tc: Any, markdown: str, base: int) -> None:
        from ..render.docx_writer import DocxWriter
        from ..render.markdown_parser import parse
        from .cellfill import clear_cell
        from .docx_edit import cell_width_mm

        first = clear_cell(tc)
        tbl = tc.getparent().getparent()
        cell = _Cell(tc, DocxTable(tbl, self.doc._body))
        writer = DocxWriter(self.doc, self.base_dir, container=cell,
                            width_mm=cell_width_mm(tc), heading_base=base, styles=self.styles)
        writer.run(parse(markdown))
        if len(tc.findall(W_P)) + len(tc.findall(W_TBL)) > 1:
            tc.remove(first)

    def _write_after(self, anchor: Any, markdown: str, base: int) -> Any:
        """Write ``markdown`` after ``anchor``; the last element written."""
        from ..render.docx_writer import DocxWriter
        from ..render.markdown_parser import parse

        body = self.doc.element.body
        before = len(body)
        writer = DocxWriter(self.doc, self.base_dir, width_mm=_width_at(anchor),
                            heading_base=base, styles=self.styles)
        writer.run(parse(markdown))
        added = list(body)[before - 1:len(body) - 1]  # new blocks sit before the sectPr
        if added and anchor.tag == W_TBL and added[0].tag == W_P:
            space_before(added[0], TEXT_UNDER_TABLE)  # not glued to the box's last row
        target = anchor
        for element in added:
            target.addnext(element)
            target = element
        return target

    def _legacy(self) -> None:
        for sid, legacy in self.form.legacy_sections.items():
            markdown = self.box_markdown.get(sid, "").strip()
            anchor = self.where.tables.get(legacy.after)
            if markdown and anchor is not None:
                self._write_after(anchor, markdown, 3)

    # -- the work packages -------------------------------------------------------------------
    def _work_packages(self) -> None:
        where = self.where
        template = where.tables.get("work_package")
        if template is None:
            return
        budget = where.tables.get("wp_budget")
        start = where.wp_heading if where.wp_heading is not None else template
        end = budget if budget is not None else template
        group = _between(start, end)
        wps = self.draft.proposal.work_packages
        # The template rows go before the copies are made: copies of them would only be
        # taken out again, once per work package. Each part keeps where its rows go.
        parts = self._take_part_templates(template) if wps else {}
        budget_rows = take_templates(budget, self.form.tables["wp_budget"]) \
            if wps and budget is not None else None
        copies = [[copy.deepcopy(e) for e in group] for _ in wps[1:]]
        last = end
        for elements in copies:
            for element in elements:
                last.addnext(element)
                last = element
        for wp, elements in zip(wps, [group, *copies], strict=False):
            self._fill_work_package(wp, elements, parts, budget_rows)
        if where.wp_placeholder is not None:
            where.wp_placeholder.getparent().remove(where.wp_placeholder)
        if not wps:
            spec = self.form.tables["work_package"]
            tr = rows_of(template)[0]
            set_cell_text(cells_of(tr)[0], spec.title.format(n=1) + " (no work packages in "
                          "project.yaml yet)", bold=True)

    def _part_columns(self) -> dict[str, tuple[str, bool, list[Any]]]:
        """The parts of the work package table (tasks, milestones, deliverables).

        Each: its first heading, whether a row of subheadings follows, and the columns its
        rows are filled from.
        """
        spec = self.form.tables["work_package"]
        return {"tasks": (spec.parts["tasks"].columns[0].heading, True,
                          ["number", "name", "description", ("participants", False),
                           ("participants", True), "in_kind"]),
                **{part: (spec.parts[part].columns[0].heading, False,
                          [c.id for c in spec.parts[part].columns])
                   for part in ("milestones", "deliverables")}}

    def _take_part_templates(self, tbl: Any) -> dict[str, _PartRows]:
        """Take the template rows of each part out of the work package table.

        The rows under the header whose first cell is the part's first heading; the rows
        filled for a work package go where they were (:meth:`_put_rows`).
        """
        rows = rows_of(tbl)
        found: dict[str, tuple[Any, list[Any], int]] = {}
        for part, (first_heading, subheader, columns) in self._part_columns().items():
            header = next((i for i, tr in enumerate(rows)
                           if normalise(text_of(cells_of(tr)[0])).startswith(
                               normalise(first_heading))), None)
            if header is None:
                continue
            start = header + (2 if subheader else 1)
            end = start
            while end < len(rows) and _is_template_row(rows[end]):
                end += 1
            if end > start:
                found[part] = (rows[start].getprevious(), rows[start:end], len(columns))
        ready = {part: RowTemplate(templates[0], columns)
                 for part, (_, templates, columns) in found.items()}
        for _, templates, _ in found.values():
            for tr in templates:
                tbl.remove(tr)
        return {part: _PartRows(tbl.index(anchor), ready[part], templates[0])
                for part, (anchor, templates, _) in found.items()}

    def _fill_work_package(self, wp: WorkPackage, elements: Sequence[Any],
                           parts: Mapping[str, _PartRows], budget: BudgetRows | None) -> None:
        form = self.form
        block = form.work_package_block()
        tables = [e for e in elements if e.tag == W_TBL]
        for e in elements:
            if e.tag == W_P and normalise(text_of(e)) == normalise(block.heading_text(1)):
                _set_paragraph_text(e, block.heading_text(wp.number))
        spec = form.tables["work_package"]
        content = work_package_tables(self.draft, spec, wp)
        tbl = tables[0]
        rows = rows_of(tbl)
        set_cell_text(cells_of(rows[0])[0], f"{spec.title.format(n=wp.number)} {wp.title}",
                      bold=True)
        for tr in rows:
            tcs = cells_of(tr)
            texts = [normalise(text_of(tc)) for tc in tcs]
            if texts and texts[0].startswith("duration") and len(tcs) >= 4:
                set_cell_text(tcs[1], content["header"].rows[0].cell("duration").text)
                set_cell_text(tcs[3], lead_label(self.draft, wp.lead))
        self._objectives(tbl, content["objectives"])
        anchors = {part: tbl[taken.at] for part, taken in parts.items()}  # before any is put
        empty = {"tasks": None, "milestones": f"No milestone in work package {wp.number}.",
                 "deliverables": f"No deliverable in work package {wp.number}."}
        for part, (_, _, columns) in self._part_columns().items():
            if part in parts:
                table = content[part]
                self._put_rows(anchors[part], parts[part].ready, parts[part].template, table,
                               columns, empty[part] or table.note)
        if len(tables) > 1 and budget is not None:
            fill_wp_budget(tables[1], build_table(self.draft, form, "wp_budget", wp), budget,
                           self._put_rows)

    def _objectives(self, tbl: Any, table: Table) -> None:
        rows = rows_of(tbl)
        for i, tr in enumerate(rows[:-1]):
            if normalise(text_of(tr)) == "objectives":
                target = cells_of(rows[i + 1])[0]
                lines = [r.cell("objective").text for r in table.rows] or \
                    [table.note or ""]
                set_cell(target, Cell.lines_of(lines))
                return

    def _replace(self, templates: list[Any], table: Table, columns: list[Any],
                 empty: str | None) -> None:
        """Put one filled copy of ``templates[0]`` per row of ``table`` in their place."""
        template = templates[0]
        anchor = template.getprevious()
        ready = RowTemplate(template, len(columns)) if table.rows else None
        for tr in templates:
            tr.getparent().remove(tr)
        self._put_rows(anchor, ready, template, table, columns, empty)

    def _put_rows(self, anchor: Any, ready: RowTemplate | None, template: Any, table: Table,
                  columns: list[Any], empty: str | None) -> None:
        """One row filled from ``ready`` per row of ``table``, after ``anchor``.

        ``empty``: the note that stands in a row of its own (the width of ``template``'s
        table) when ``table`` has no rows.
        """
        new_rows = []
        if table.rows and ready is not None:
            specs = [column if isinstance(column, tuple) else (column, False)
                     for column in columns]
            new_rows = [ready.fill((row.cell(col_id), aside) for col_id, aside in specs)
                        for row in table.rows]
        if not new_rows and empty:
            new_rows.append(note_row(template, len(grid_columns(anchor.getparent())) or
                                     len(cells_of(template)), empty))
        for tr in new_rows:
            keep_row_whole(tr)  # a deliverable, task or event is read on one page
            anchor.addnext(tr)
            anchor = tr

    # -- the tables after 4.2 and elsewhere ----------------------------------------------------
    def _simple(self, tbl: Any, table_id: str, header_rows: int = 1,
                stop: Sequence[str] = ()) -> None:
        """Fill a table of one header row (after its title) and template rows."""
        table = build_table(self.draft, self.form, table_id)
        rows = rows_of(tbl)
        start = 1 + header_rows
        end = start
        while end < len(rows) and not any(_starts(normalise(row_text(rows[end])[0]), s)
                                          for s in stop if row_text(rows[end])):
            end += 1
        templates = rows[start:end]
        if not templates:
            return
        note = table.note if table.note_kind == "info" or not table.rows else None
        self._replace(templates, table, [c for c, _ in table.columns], note)

    def _fill_staff(self, tbl: Any) -> None:
        self._simple(tbl, "staff")
        fit_columns(tbl, 2)  # long names and roles ("Entrepreneurship") whole in their column

    def _fill_risks(self, tbl: Any) -> None:
        self._simple(tbl, "risks")

    def _fill_staff_effort_wp(self, tbl: Any) -> None:
        self._simple(tbl, "staff_effort_wp", stop=("",))
        self._strip_empty_total(tbl)

    def _fill_staff_effort_participant(self, tbl: Any) -> None:
        table = build_table(self.draft, self.form, "staff_effort_participant")
        rows = rows_of(tbl)
        templates = rows[2:]
        if templates:
            self._replace(templates, table, [c for c, _ in table.columns], table.note)

    def _strip_empty_total(self, tbl: Any) -> None:
        """Drop a total row left empty (a table the form makes not applicable)."""
        for tr in rows_of(tbl)[2:]:
            texts = row_text(tr)
            if any("total" in normalise(t) for t in texts) and len(
                    [t for t in texts if t]) == 1:
                tr.getparent().remove(tr)

    def _fill_subcontracting(self, tbl: Any) -> None:
        self._simple(tbl, "subcontracting", stop=("other issues",))

    def _fill_events(self, tbl: Any) -> None:
        self._simple(tbl, "events", header_rows=2)

    def _fill_previous_projects(self, tbl: Any) -> None:
        self._simple(tbl, "previous_projects")

    def _fill_double_funding(self, tbl: Any) -> None:
        table = build_table(self.draft, self.form, "double_funding")
        rows = rows_of(tbl)
        answers = [r for r in table.rows if r.label]
        statements = [tr for tr in rows[2:] if len(cells_of(tr)) >= 2]
        for tr, row in zip(statements, answers, strict=False):
            if row.cell("answer").text:
                set_cell_text(cells_of(tr)[-1], row.cell("answer").text, bold=True)
        notes = [r for r in table.rows if r.kind == "note"]
        if notes and statements:
            note = note_row(statements[-1], len(grid_columns(tbl)) or 2,
                            notes[0].cell("statement").text)
            statements[-1].addnext(note)

    def _fill_seal_of_excellence(self, tbl: Any) -> None:
        answer = build_table(self.draft, self.form, "seal_of_excellence").rows[0]
        if not answer.cell("answer").text:
            return
        for tr in rows_of(tbl)[1:]:
            tcs = cells_of(tr)
            if len(tcs) >= 2:
                set_cell_text(tcs[-1], answer.cell("answer").text, bold=True)

    def _fill_timetable_months(self, tbl: Any) -> None:
        self._timetable(tbl, "timetable_months")

    def _fill_timetable_quarters(self, tbl: Any) -> None:
        self._timetable(tbl, "timetable_quarters")

    def _timetable(self, tbl: Any, table_id: str) -> None:
        spec = self.form.tables[table_id]
        rows = rows_of(tbl)
        templates = rows[3:]
        if not templates:
            return
        keep_labels_whole(rows[2])
        share = 0.34 if spec.grid == "quarters" else 0.22
        if not spec.applies_to(self.draft.months, self.draft.call.lump_sum):
            widen_first_column(tbl, share)
            other = "up to 2 years" if spec.grid == "quarters" else "more than 2 years"
            self._replace(templates, Table(table_id, (), ()), [],
                          f"Not applicable: the project lasts {self.draft.months} months (see "
                          f"the timetable for projects of {other}).")
            return
        grid = build_timetable(self.draft, spec)
        fill = _sample_fill(templates) or BEIGE
        columns = _form_columns(grid)
        if spec.grid == "quarters" and self.draft.proposal.start_date is not None:
            years = [label for label, _ in grid.groups]
            header = cells_of(rows[1])[1:1 + len(years)]
            for tc, label in zip(header, years, strict=False):
                set_cell_text(tc, label, bold=True)
        if spec.grid == "quarters":
            _drop_unused_years(tbl, len(grid.groups))
        template = templates[0]
        anchor = template.getprevious()
        for tr in templates:
            tr.getparent().remove(tr)
        ready = RowTemplate(template, 1)  # the label's cell; the others, unshaded
        for tc in cells_of(ready.row)[1:]:
            shade(tc, None)
        for grid_row in grid.rows:
            tr = ready.fill([(Cell.of(grid_row.label, bold=grid_row.kind != "task"), False)])
            tcs = cells_of(tr)
            for column in grid_row.shaded:
                target = columns[column] if column < len(columns) else None
                if target is not None and 1 + target < len(tcs):
                    shade(tcs[1 + target], fill)
            anchor.addnext(tr)
            anchor = tr
        widen_first_column(tbl, share)
        repeat_rows(tbl, 3)


# -- helpers --------------------------------------------------------------------------------
#: A grey row up to this long is a heading row, kept with the next; a longer one is guidance,
#: which may end a page (a chain of guidance rows kept together would leave half pages blank).
_HEADING_ROW_CHARS = 300


@dataclass(frozen=True)
class _PartRows:
    """A part of the work package table whose template rows were taken out.

    ``at``: the index in the table of the element its rows follow (the same in each copy
    of the table); ``ready``: the rows made ready from its first template row.
    """

    at: int
    ready: RowTemplate
    template: Any


def _drop_unused_years(tbl: Any, used: int) -> None:
    """Remove the year columns of the quarters timetable after the project's last year.

    The form offers six years of four quarters; a four-year project that starts in
    November spans five calendar years, and the sixth would stay headed "YEAR 6", empty.
    Its heading cell (four quarters wide), its quarter cells and its grid columns go.
    """
    rows = rows_of(tbl)
    if len(rows) < 3:
        return
    years = [tc for tc in cells_of(rows[1])[1:] if _span_of(tc) == 4]
    grid = tbl.find(qn("w:tblGrid"))
    columns = list(grid.iterchildren(qn("w:gridCol"))) if grid is not None else []
    for year in range(len(years) - 1, used - 1, -1):
        first = 1 + 4 * year
        rows[1].remove(years[year])
        for tr in rows[2:]:
            tcs = cells_of(tr)
            if len(tcs) >= first + 4:
                for tc in tcs[first:first + 4]:
                    tr.remove(tc)
        for col in columns[first:first + 4]:
            grid.remove(col)
        span = rows[0].find(f"{qn('w:tc')}/{qn('w:tcPr')}/{qn('w:gridSpan')}")
        if span is not None:
            span.set(qn("w:val"), str(max(_span_value(span) - 4, 1)))


def _span_of(tc: Any) -> int:
    span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return _span_value(span) if span is not None else 1


def _span_value(span: Any) -> int:
    """The columns a ``w:gridSpan`` spans; one when its value cannot be used, as in Word."""
    return max(xml_int(span.get(qn("w:val")), "", 1), 1)


def _is_template_row(tr: Any) -> bool:
    """A row of the form's WP table that stands for items to copy (T1.1, MS1, D1.1...)."""
    first = normalise(row_text(tr)[0]) if row_text(tr) else ""
    return bool(re.fullmatch(r"(t|ms|d)\d+(\.\d+)?", first)) or all(
        not t or t.isdigit() for t in row_text(tr))


def _starts(text: str, stop: str) -> bool:
    """Whether a row's first cell ``text`` stops a table's template rows ("": it is empty)."""
    return text.startswith(stop) if stop else not text


def _between(start: Any, end: Any) -> list[Any]:
    """The sibling elements from ``start`` to ``end``, both included."""
    out = [start]
    node = start
    while node is not end:
        node = node.getnext()
        if node is None:
            break
        out.append(node)
    return out


#: The width of an A4 page in twips: a page width that cannot be read counts as A4.
_A4_TWIPS = 11906


def _width_at(element: Any) -> float:
    """The text width (mm) of the page section ``element`` stands in."""
    node = element
    while node is not None:
        sect = node.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if node.tag == W_P else None
        if node.tag == qn("w:sectPr"):
            sect = node
        if sect is not None:
            size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
            if size is not None and margins is not None:
                twips = (xml_int(size.get(qn("w:w")), "", _A4_TWIPS)
                         - xml_int(margins.get(qn("w:left")), "", 0)
                         - xml_int(margins.get(qn("w:right")), "", 0))
                return twips / 56.6929
        node = node.getnext()
    return 150.0


def _sample_fill(rows: list[Any]) -> str | None:
    for tr in rows:
        for shd in tr.iter(qn("w:shd")):
            fill = (shd.get(qn("w:fill")) or "").upper()
            if fill and fill not in ("AUTO", "FFFFFF"):
                return fill
    return None


def _form_columns(grid: Grid) -> list[int]:
    """For each grid column, its column in the form (months 1:1; quarters by year and Q)."""
    if grid.unit == "months":
        return list(range(len(grid.columns)))
    out = []
    year = 0
    left = grid.groups[0][1] if grid.groups else len(grid.columns)
    groups = list(grid.groups)
    for label in grid.columns:
        quarter = int(label.lstrip("Q")) - 1
        out.append(year * 4 + quarter)
        left -= 1
        if left == 0 and year + 1 < len(groups):
            year += 1
            left = groups[year][1]
    return out


def _replace_placeholder(p: Any, placeholder: str, value: str) -> None:
    """Replace ``[placeholder]`` in a paragraph's runs by ``value``, brackets included."""
    runs = list(p.iter(qn("w:r")))
    for i, r in enumerate(runs):
        t = r.find(qn("w:t"))
        if t is None or normalise(t.text or "") != normalise(placeholder):
            continue
        t.text = value
        rpr = r.find(qn("w:rPr"))
        if rpr is not None:
            for h in rpr.findall(qn("w:highlight")):
                rpr.remove(h)
        for j, strip in ((i - 1, "rstrip"), (i + 1, "lstrip")):
            if 0 <= j < len(runs):
                other = runs[j].find(qn("w:t"))
                if other is not None and other.text:
                    text = other.text
                    if strip == "rstrip" and "[" in text and not text[text.rindex("["):
                                                                      ].strip("[ "):
                        at = text.rindex("[")
                        other.text = text[:at] + text[at + 1:]
                    elif strip == "lstrip" and text.lstrip().startswith("]"):
                        at = text.index("]")
                        other.text = text[:at] + text[at + 1:]


def _set_paragraph_text(p: Any, text: str) -> None:
    """Replace a paragraph's text, keeping the formatting of its first run."""
    runs = p.findall(qn("w:r"))
    if not runs:
        return
    first = runs[0]
    for r in runs[1:]:
        p.remove(r)
    ts = first.findall(qn("w:t"))
    for t in ts[1:]:
        first.remove(t)
    if ts:
        ts[0].text = text
        ts[0].set(qn("xml:space"), "preserve")


def fill_document(path: Path, draft: Draft, box_markdown: Mapping[str, str],
                  base_dir: Path | None, force: bool,
                  toc_pages: Mapping[str, int] | None = None,
                  box_tables: Mapping[str, str] | None = None,
                  opened: tuple[Document, FormDescription] | None = None) -> Document:
    """Open the form at ``path`` and fill it; refuses a form already holding text.

    ``opened``: what :func:`open_form` gave for ``path`` already (it is not opened again).
    """
    document, form = opened or open_form(path)
    filler = FormFiller(document, form, draft, box_markdown, base_dir, box_tables)
    taken = filler.prefilled()
    if taken and not force:
        raise OutputConflictError(f"the form {path.name} already holds text in "
                                  f"{'; '.join(taken[:4])}"
                                  + (f" and {len(taken) - 4} more" if len(taken) > 4 else ""),
                                  hint="give a blank copy of the form, or --force to replace "
                                       "that text (the form file itself is never changed)")
    filler.fill(toc_pages)
    return document
