"""Fill the applicant's own copy of the official budget annex from the project's budget.

The copy is opened with openpyxl (its macros kept when it is an .xlsm), recognised by the
version it carries, reshaped for the consortium and the work packages (:mod:`annex_shape`),
then filled: the call's cap and rate, the acronym, the staff type names, the two lists, and
units and cost per unit on every row of every beneficiary sheet where the annex asks for them.
The annex's own formulas compute everything else; :func:`annex_checks` names the cells
whose recalculated values must equal the budget.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import InputError
from ..model import Proposal
from ..render.output import FINGERPRINT, WORKBOOK_PLACEHOLDER, workbook_bytes
from ..safeio import check_regular
from .annex_layout import AnnexLayout, annex_layouts
from .annex_shape import Shaper
from .compute import Budget
from .entities import Entity, entities
from .recalc import Check
from .sheetgrid import column_of, write_text

__all__ = ["FilledAnnex", "annex_checks", "fill_annex", "open_annex"]

#: Workbooks larger than this are refused before they are read.
MAX_BYTES = 64 * 1024 * 1024
_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class FilledAnnex:
    """The filled copy: its bytes, its suffix, and the cells that hold the results."""

    data: bytes
    suffix: str
    layout: AnnexLayout
    checks: list[Check]


def open_annex(path: Path) -> tuple[Workbook, AnnexLayout]:
    """Open ``path`` and recognise the annex version it is.

    Raises:
        InputError: not a workbook, not the annex, or a version proposal-kit does not know.
    """
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        hint = ("open it in Excel or LibreOffice and save it as .xlsx (or .xlsm)"
                if suffix in (".xls", ".ods") else None)
        raise InputError(f"{path} is not an Excel workbook (.xlsx or .xlsm)", hint=hint)
    check_regular(path, MAX_BYTES, "the workbook")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, keep_vba=suffix == ".xlsm")
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError,
            OSError) as exc:
        raise InputError(f"{path} is not an Excel workbook that can be read ({exc})",
                         hint="give your copy of the budget annex downloaded from the "
                         "portal") from None
    layouts = annex_layouts()
    known = ", ".join(sorted(layouts))
    found: list[str] = []
    for layout in layouts.values():
        place = layout.version_cell
        if place.sheet in wb.sheetnames:
            value = wb[place.sheet][place.cell].value
            found.append(str(value))
            if str(value).strip() == layout.version:
                _require_sheets(path, wb, layout)
                return wb, layout
    first = next(iter(layouts.values()))
    if not found:
        raise InputError(f"{path} is not the budget annex \"{first.title}\" (it has no sheet "
                         f"'{first.version_cell.sheet}')",
                         hint="give your copy of the annex downloaded from the portal")
    raise InputError(f"{path} is version {found[0]} of the budget annex; proposal-kit knows "
                     f"version {known}",
                     hint=f"use the annex of this year's call ({first.label}), or a "
                     "proposal-kit that knows this version")


def _require_sheets(path: Path, wb: Workbook, layout: AnnexLayout) -> None:
    wanted = [layout.instructions.sheet, layout.beneficiaries.sheet,
              layout.work_packages.sheet, layout.countries.sheet, layout.referential.sheet,
              layout.consolidation.sheet, layout.comments.sheet,
              layout.beneficiary_sheets.name(1), *(m.sheet for m in layout.matrices)]
    missing = [name for name in wanted if name not in wb.sheetnames]
    if missing:
        raise InputError(f"{path} lacks the sheet(s) {', '.join(missing)} of the budget "
                         f"annex {layout.version}",
                         hint="give an unchanged copy of the annex downloaded from the portal")


class _Filler:
    def __init__(self, wb: Workbook, layout: AnnexLayout, proposal: Proposal,
                 budget: Budget) -> None:
        self.wb, self.layout, self.p, self.b = wb, layout, proposal, budget
        self.entities = entities(proposal, budget)

    def fill(self) -> None:
        if not self.p.work_packages:
            raise InputError("the budget annex needs work packages; the project has none")
        sheets = Shaper(self.wb, self.layout, self.entities, len(self.p.work_packages)).shape()
        self._instructions()
        self._lists()
        notes = []
        for number, ws in sheets.items():
            group = [e for e in self.entities if e.number == number]
            notes += self._costs(ws, group)
        self._comments(notes)
        self._grant_cell()

    def _instructions(self) -> None:
        ins = self.layout.instructions
        ws = self.wb[ins.sheet]
        ws[ins.call_name] = self.p.call
        write_text(ws[ins.acronym], self.p.acronym)
        if self.b.max_grant is not None:
            ws[ins.max_grant] = self.b.max_grant
        if self.b.funding_rate is not None:
            ws[ins.funding_rate] = self.b.funding_rate
        for cell, name in zip(ins.staff_types, self.p.budget.staff_types, strict=False):
            ws[cell] = name

    def _countries(self) -> dict[str, str]:
        c = self.layout.countries
        ws = self.wb[c.sheet]
        out: dict[str, str] = {}
        for row in ws.iter_rows(min_row=c.first_row, min_col=column_of(c.column),
                                max_col=column_of(c.column), values_only=True):
            match = re.search(r"\(([A-Z]{2})\)\s*$", str(row[0] or ""))
            if match:
                out[match.group(1)] = str(row[0])
        return out

    def _lists(self) -> None:
        bl = self.layout.beneficiaries
        ws = self.wb[bl.sheet]
        countries = self._countries()
        for n, e in enumerate(self.entities):
            row = bl.first_row + n
            p = e.partner
            write_text(ws[f"{bl.columns['name']}{row}"], p.name)
            write_text(ws[f"{bl.columns['acronym']}{row}"], p.short_name or p.id)
            ws[f"{bl.columns['country']}{row}"] = countries.get(p.country, p.country)
        wl = self.layout.work_packages
        ws = self.wb[wl.sheet]
        for n, wp in enumerate(self.p.work_packages):
            write_text(ws[f"{wl.columns['title']}{wl.first_row + n}"], wp.title)

    def _rows(self, ws: Worksheet) -> list[dict[str, int]]:
        """Per work package block: row code -> row, for the rows marked for input."""
        bs = self.layout.beneficiary_sheets
        code, mark = column_of(bs.code_column), column_of(bs.mark_column)
        blocks = []
        for k in range(len(self.p.work_packages)):
            top = bs.first_block_row + bs.block_height * k
            rows = {}
            for row in range(top, top + bs.block_height):
                if ws.cell(row, mark).value == bs.value_mark:
                    rows[str(ws.cell(row, code).value)] = row
            blocks.append(rows)
        return blocks

    def _costs(self, ws: Worksheet, group: list[Entity]) -> list[tuple[Entity, str, str]]:
        bs = self.layout.beneficiary_sheets
        blocks = self._rows(ws)
        types = self.p.budget.staff_types
        notes: list[tuple[Entity, str, str]] = []
        for e in group:
            base = column_of(bs.first_column) + bs.entity_width * e.affiliate
            units, cost = base + bs.units_offset, base + bs.cost_offset
            for rows in blocks:
                for row in rows.values():
                    ws.cell(row, units).value = None
                    ws.cell(row, cost).value = None
            for k, wp in enumerate(self.p.work_packages):
                cell = self.b.cell(wp.id, e.partner.id)
                for line in cell.lines if cell else ():
                    codes = self.layout.rows[line.category]
                    index = types.index(line.staff_type) if line.staff_type else 0
                    row = blocks[k][codes[index]]
                    ws.cell(row, units).value = line.units
                    ws.cell(row, cost).value = line.unit_cost
                    if line.note:
                        title = self.b.catalogue.category(line.category).title
                        notes.append((e, wp.id, f"{title}: {line.note}"))
        return notes

    def _comments(self, notes: list[tuple[Entity, str, str]]) -> None:
        c = self.layout.comments
        ws = self.wb[c.sheet]
        cols = {k: column_of(v) for k, v in c.columns.items()}
        for row in range(c.first_row, max(ws.max_row, c.first_row) + 1):
            for col in cols.values():
                ws.cell(row, col).value = None
        index = {wp.id: n for n, wp in enumerate(self.p.work_packages, 1)}
        for n, (e, wp, text) in enumerate(notes):
            row = c.first_row + n
            ws.cell(row, cols["number"], n + 1)
            ws.cell(row, cols["beneficiary"], e.label)
            ws.cell(row, cols["work_package"], f"WP {index[wp]:03d}")
            write_text(ws.cell(row, cols["text"]), text)

    def _grant_cell(self) -> None:
        result = self.layout.results.requested_grant
        defined = self.wb.defined_names.get(result.name)
        if defined is None or result.formula is None:
            return
        sheet, cell = next(iter(defined.destinations))
        target = self.wb[sheet][cell.replace("$", "")]
        if target.value in (None, ""):
            target.value = result.formula


def _destination(wb: Workbook, name: str) -> str:
    defined = wb.defined_names.get(name)
    if defined is None:
        raise InputError(f"the workbook has no defined name {name}")
    sheet, cell = next(iter(defined.destinations))
    return f"'{sheet}'!{cell.replace('$', '')}"


def annex_checks(wb: Workbook, layout: AnnexLayout, budget: Budget,
                 listed: list[Entity]) -> list[Check]:
    """The cells of the filled annex that must hold the budget's figures once recalculated."""
    per = layout.results.per_entity
    ws = wb[per.sheet]
    m = layout.matrix_layout
    key = column_of(m.key_column)
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, key).value == m.head_marker)
    total_col = next(c for c in range(1, ws.max_column + 1)
                     if ws.cell(per.code_row, c).value == per.total_code)
    totals = budget.by_partner()
    grants = budget.grant_by_partner()
    checks: list[Check] = []
    for n, e in enumerate(listed):
        row = head + 1 + n
        pid = e.partner.id
        total = totals[pid].total if pid in totals else 0.0
        who = f"{e.label} {pid}"
        checks.append(Check(f"total costs of {who}",
                            f"'{per.sheet}'!{get_column_letter(total_col)}{row}", total))
        if total:
            checks.append(Check(f"requested grant of {who}",
                                f"'{per.sheet}'!{per.grant_column}{row}", grants[pid]))
    r = layout.results
    checks.append(Check(f"total costs, {r.total_costs.name}",
                        _destination(wb, r.total_costs.name), budget.total_costs))
    checks.append(Check(f"requested EU grant, {r.requested_grant.name}",
                        _destination(wb, r.requested_grant.name), budget.requested_grant))
    return checks


def fill_annex(path: Path, proposal: Proposal, budget: Budget) -> FilledAnnex:
    """Fill a copy of the annex at ``path``; the original is not touched.

    Raises:
        InputError: the file is not the annex, or the budget cannot be written into it.
    """
    wb, layout = open_annex(path)
    filler = _Filler(wb, layout, proposal, budget)
    filler.fill()
    checks = annex_checks(wb, layout, budget, filler.entities)
    props = [p for p in wb.custom_doc_props.props if p.name != FINGERPRINT]
    wb.custom_doc_props.props = props
    wb.custom_doc_props.append(StringProperty(name=FINGERPRINT, value=WORKBOOK_PLACEHOLDER))
    return FilledAnnex(workbook_bytes(wb), path.suffix.lower(), layout, checks)
