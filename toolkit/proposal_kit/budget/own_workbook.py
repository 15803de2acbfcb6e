"""proposal-kit's own detailed budget workbook, built like the annex, with live formulas.

Sheets: Summary (rate, cap, the figure for Part A), Beneficiaries, Work packages, one sheet
per beneficiary and affiliated entity (a block per work package: units x cost per unit per
category, direct, indirect and total costs, person-months), Overview (by beneficiary and work
package, with the requested grant), By category and Person-months. Every figure a finance
officer may change (units, costs, monthly rates, the rate and the cap) is a typed value;
everything else is a formula, so the workbook keeps adding up as they work in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from ..calls import CallRules
from ..model import Proposal
from ..render.output import FINGERPRINT, WORKBOOK_PLACEHOLDER, workbook_bytes
from .compute import Budget, Line
from .entities import Entity, entities
from .sheetgrid import write_text

__all__ = ["own_workbook"]

EUR = '#,##0.00 "EUR"'
UNITS = "#,##0.00"
RATE = "0.00%"
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEAD = PatternFill("solid", fgColor="D9E1F2")
_BLOCK = PatternFill("solid", fgColor="EDEDED")
_INPUT = PatternFill("solid", fgColor="FFF2CC")
_WRAP = Alignment(wrap_text=True, vertical="top")
#: A fixed creation date: the same project gives the same workbook.
_CREATED = datetime(2000, 1, 1)


@dataclass
class _Block:
    """Where one entity's work package block put its figures (cells of its sheet)."""

    direct: str
    indirect: str
    total: str
    months: str


@dataclass
class _Sheet:
    entity: Entity
    title: str
    blocks: dict[str, _Block] = field(default_factory=dict)

    def ref(self, cell: str) -> str:
        """``'BE 001'!F12``."""
        return f"'{self.title}'!{cell}"


def _header(ws: Worksheet, row: int, labels: list[str], widths: list[float]) -> None:
    for col, (label, width) in enumerate(zip(labels, widths, strict=True), 1):
        cell = ws.cell(row, col, label)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEAD, _WRAP
        if width:
            ws.column_dimensions[get_column_letter(col)].width = width


def _name(wb: Workbook, name: str, sheet: str, cell: str) -> None:
    col, row = "".join(c for c in cell if c.isalpha()), "".join(c for c in cell if c.isdigit())
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!${col}${row}")


def _money(cell: object) -> None:
    cell.number_format = EUR  # type: ignore[attr-defined]


class _Builder:
    def __init__(self, proposal: Proposal, call: CallRules | None, budget: Budget) -> None:
        self.p, self.call, self.b = proposal, call, budget
        self.book = budget.catalogue
        self.wb = Workbook()
        self.entities = entities(proposal, budget)
        self.sheets: list[_Sheet] = []
        #: ``'Sheet'!A1`` of each defined name.
        self.names: dict[str, str] = {}

    # -- sheets ----------------------------------------------------------------------------
    def build(self) -> Workbook:
        summary = self.wb.active
        assert summary is not None
        summary.title = "Summary"
        self._beneficiaries(self.wb.create_sheet("Beneficiaries"))
        self._work_packages(self.wb.create_sheet("Work packages"))
        for entity in self.entities:
            sheet = _Sheet(entity, entity.sheet_label)
            self._entity(self.wb.create_sheet(sheet.title), sheet)
            self.sheets.append(sheet)
        overview = self.wb.create_sheet("Overview")
        totals = self._overview(overview)
        self._categories(self.wb.create_sheet("By category"))
        self._months(self.wb.create_sheet("Person-months"))
        self._summary(summary, totals)
        for ws in self.wb.worksheets:  # printed or saved as PDF: as wide as the page
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
            ws.page_setup.orientation = "landscape" if ws is not summary else "portrait"
            ws.print_options.gridLines = False
        props = self.wb.properties
        props.creator, props.title = "proposal-kit", f"Detailed budget of {self.p.acronym}"
        props.created = props.modified = _CREATED
        from openpyxl.packaging.custom import StringProperty

        self.wb.custom_doc_props.append(StringProperty(name=FINGERPRINT,
                                                       value=WORKBOOK_PLACEHOLDER))
        return self.wb

    def _summary(self, ws: Worksheet, totals: dict[str, str]) -> None:
        ws["A1"], ws["A1"].font = f"Detailed budget of {self.p.acronym}", _TITLE
        write_text(ws["A2"], self.p.title)
        ws["A3"] = (f"Call {self.p.call}; {self.p.duration_months or '?'} months. Made by "
                    "proposal-kit from the project file; the yellow cells can be changed.")
        rows: list[tuple[str, object, str, str | None]] = [
            ("Funding rate of the call", self.b.funding_rate or 0, RATE, "FundingRate"),
            ("Maximum grant of the call (EUR)", self.b.max_grant or 0, EUR, "MaxGrant"),
            (f"Indirect costs (E): rate of the direct costs less "
             f"{', '.join(self.book.category(c).title for c in self.book.indirect.excludes)}",
             self.book.indirect.rate, RATE, "IndirectRate"),
            ("Total direct costs (A–D)", f"={totals['direct']}", EUR, None),
            ("Indirect costs (E)", f"={totals['indirect']}", EUR, None),
            ("Total estimated eligible costs (A–E)", f"={totals['total']}", EUR, "TotalCosts"),
            ("Rate applied (lowered when the cap binds)",
             "=IF(AND(MaxGrant>0,TotalCosts*FundingRate>MaxGrant),MaxGrant/TotalCosts,"
             "FundingRate)", "0.0000%", "AppliedRate"),
            ("Requested EU grant — copy it into Part A (EUR)", f"={totals['grant']}", EUR,
             "RequestedGrant"),
        ]
        _header(ws, 5, ["", "Value"], [62, 26])
        for n, (label, value, fmt, name) in enumerate(rows, 6):
            ws.cell(n, 1, label).alignment = _WRAP
            cell = ws.cell(n, 2, value)
            cell.number_format = fmt
            if n <= 8:
                cell.fill = _INPUT
            if name:
                _name(self.wb, name, ws.title, cell.coordinate)
                self.names[name] = f"'{ws.title}'!{cell.coordinate}"
        ws.cell(13, 1).font = ws.cell(13, 2).font = _BOLD
        ws["A15"] = ("The requested grant is the applied rate times each beneficiary's total, "
                     "rounded to the cent and added up, as the annex computes it.")
        ws["A15"].alignment = _WRAP
        ws.freeze_panes = "A6"

    def _beneficiaries(self, ws: Worksheet) -> None:
        _header(ws, 1, ["No.", "Id", "Name", "Short name", "Country", "Role", "Affiliated to",
                        "Sheet"], [16, 8, 44, 16, 10, 8, 13, 16])
        for n, e in enumerate(self.entities, 2):
            p = e.partner
            for col, value in enumerate([e.label, p.id, p.name, p.short_name or "", p.country,
                                         p.form_role, p.affiliated_to or "", e.sheet_label], 1):
                write_text(ws.cell(n, col), value)
        ws.freeze_panes = "A2"

    def _work_packages(self, ws: Worksheet) -> None:
        _header(ws, 1, ["No.", "Id", "Title", "Lead", "Start month", "End month"],
                [6, 8, 56, 8, 12, 12])
        for n, wp in enumerate(self.p.work_packages, 2):
            for col, value in enumerate([n - 1, wp.id, wp.title, wp.lead or "", wp.start,
                                         wp.end], 1):
                write_text(ws.cell(n, col), value)
        ws.freeze_panes = "A2"

    # -- a beneficiary's sheet -------------------------------------------------------------
    def _entity(self, ws: Worksheet, sheet: _Sheet) -> None:
        e = sheet.entity
        ws["A1"], ws["A1"].font = f"{e.label} — {e.partner.name} ({e.partner.id})", _TITLE
        ws["A2"] = f"Role {e.partner.form_role}; country {e.partner.country}"
        ws["A4"], ws["A4"].font = "A.1 monthly rates (EUR per person-month)", _BOLD
        rates: dict[str, str] = {}
        own = self.p.budget.rates.get(e.partner.id, {})
        row = 5
        for name in self.p.budget.staff_types:
            ws.cell(row, 2, name)
            cell = ws.cell(row, 5, own.get(name))
            cell.number_format, cell.fill = EUR, _INPUT
            rates[name] = f"$E${row}"
            row += 1
        if not self.p.budget.staff_types:
            ws.cell(row, 2, "no staff types declared (budget.staff_types)")
            row += 1
        head = row + 1
        _header(ws, head, ["Code", "Cost item", "Units", "Unit", "Cost per unit", "Amount",
                           "Note", "Category"], [8, 52, 11, 14, 15, 20, 40, 14])
        ws.column_dimensions["H"].hidden = True
        ws.freeze_panes = f"A{head + 1}"
        row = head + 1
        for wp in self.p.work_packages:
            row = self._block(ws, sheet, wp.id, f"{wp.id} {wp.title}", row, rates)

    def _lines(self, wp: str, pid: str) -> dict[tuple[str, str | None], Line]:
        cell = self.b.cell(wp, pid)
        return {(ln.category, ln.staff_type): ln for ln in cell.lines} if cell else {}

    def _block(self, ws: Worksheet, sheet: _Sheet, wp: str, title: str, row: int,
               rates: dict[str, str]) -> int:
        pid = sheet.entity.partner.id
        lines = self._lines(wp, pid)
        ws.cell(row, 1, wp).font = _BOLD
        ws.cell(row, 2, title).font = _BOLD
        for col in range(1, 8):
            ws.cell(row, col).fill = _BLOCK
        row += 1
        first = row
        months: list[int] = []
        for category in self.book.categories:
            kinds: list[str | None] = list(self.p.budget.staff_types) \
                if category.id == "staff" else [None]
            for staff in kinds:
                line = lines.get((category.id, staff))
                label = category.label + (f": {staff}" if staff else "")
                ws.cell(row, 1, category.code)
                ws.cell(row, 2, label)
                units = ws.cell(row, 3, line.units if line else None)
                ws.cell(row, 4, category.unit)
                cost: object = line.unit_cost if line else None
                if staff is not None and (line is None or self._at_rate(pid, staff, line)):
                    cost = f"={rates[staff]}"
                price = ws.cell(row, 5, cost)
                amount = ws.cell(row, 6, f"=ROUND(C{row}*E{row},2)")
                write_text(ws.cell(row, 7), line.note if line and line.note else None)
                ws.cell(row, 8, category.id)
                units.number_format, units.fill = UNITS, _INPUT
                price.number_format, price.fill = EUR, _INPUT
                _money(amount)
                if category.group == "A":
                    months.append(row)
                row += 1
        last = row - 1
        excluded = "".join(f"-SUMIF(H{first}:H{last},\"{cid}\",F{first}:F{last})"
                           for cid in self.book.indirect.excludes)
        direct, indirect, total, pm = row, row + 1, row + 2, row + 3
        rows = [("Total direct costs (A–D)", f"=SUM(F{first}:F{last})", "direct"),
                (f"E Indirect costs ({self.book.indirect.rate:.0%})",
                 f"=ROUND((F{direct}{excluded})*IndirectRate,2)", "indirect"),
                (f"Total costs of {wp} (A–E)", f"=F{direct}+F{indirect}", "total")]
        for n, (label, formula, key) in enumerate(rows):
            ws.cell(row + n, 2, label).font = _BOLD
            _money(ws.cell(row + n, 6, formula))
            ws.cell(row + n, 6).font = _BOLD
            ws.cell(row + n, 8, key)
        ws.cell(pm, 2, "Person-months (A)")
        ws.cell(pm, 3, f"=SUM(C{months[0]}:C{months[-1]})").number_format = UNITS
        ws.cell(pm, 8, "months")
        sheet.blocks[wp] = _Block(f"F{direct}", f"F{indirect}", f"F{total}", f"C{pm}")
        return pm + 2

    def _at_rate(self, pid: str, staff: str, line: Line) -> bool:
        """The line uses the partner's monthly rate (not a cost of its own)."""
        wp = next(w for w in self.p.work_packages if w.id == line.wp)
        return isinstance(wp.costs[pid].staff.get(staff), int | float)

    # -- the summary sheets ----------------------------------------------------------------
    def _matrix_head(self, ws: Worksheet, labels: list[str]) -> None:
        ws["A1"], ws["A1"].font = ws.title, _TITLE
        _header(ws, 3, ["No.", "Id", "Beneficiary", "Role", *labels],
                [16, 8, 30, 6, *([21] * len(labels))])
        ws.freeze_panes = "E4"

    def _overview(self, ws: Worksheet) -> dict[str, str]:
        wps = [wp.id for wp in self.p.work_packages]
        self._matrix_head(ws, [*wps, "Direct (A–D)", "Indirect (E)", "Total", "Requested grant"])
        first = 4
        for n, sheet in enumerate(self.sheets):
            row = first + n
            self._who(ws, row, sheet.entity)
            for c, wp in enumerate(wps, 5):
                _money(ws.cell(row, c, f"={sheet.ref(sheet.blocks[wp].total)}"))
            base = 5 + len(wps)
            for c, part in ((base, "direct"), (base + 1, "indirect")):
                cells = [sheet.ref(getattr(sheet.blocks[wp], part)) for wp in wps]
                _money(ws.cell(row, c, "=" + ("+".join(cells) or "0")))
            end = get_column_letter(4 + len(wps))
            _money(ws.cell(row, base + 2, f"=SUM(E{row}:{end}{row})" if wps else "=0"))
            total = get_column_letter(base + 2)
            _money(ws.cell(row, base + 3, f"=ROUND({total}{row}*AppliedRate,2)"))
        last = first + len(self.sheets)
        ws.cell(last, 3, "Total").font = _BOLD
        for c in range(5, 9 + len(wps)):
            letter = get_column_letter(c)
            cell = ws.cell(last, c, f"=SUM({letter}{first}:{letter}{last - 1})")
            _money(cell)
            cell.font = _BOLD
        base = 5 + len(wps)
        return {key: f"Overview!${get_column_letter(base + n)}${last}"
                for n, key in enumerate(("direct", "indirect", "total", "grant"))}

    def _who(self, ws: Worksheet, row: int, e: Entity) -> None:
        for col, value in enumerate([e.label, e.partner.id, e.name, e.partner.form_role], 1):
            ws.cell(row, col, value)

    def _categories(self, ws: Worksheet) -> None:
        cats = [(c.id, c.title) for c in self.book.categories] + [("indirect", "E Indirect")]
        self._matrix_head(ws, [label for _, label in cats] + ["Total"])
        first = 4
        for n, sheet in enumerate(self.sheets):
            row = first + n
            self._who(ws, row, sheet.entity)
            for c, (cid, _) in enumerate(cats, 5):
                _money(ws.cell(row, c, f"=SUMIF('{sheet.title}'!$H:$H,\"{cid}\","
                                       f"'{sheet.title}'!$F:$F)"))
            end = get_column_letter(4 + len(cats))
            _money(ws.cell(row, 5 + len(cats), f"=SUM(E{row}:{end}{row})"))
        self._total_row(ws, first, first + len(self.sheets), 5, 5 + len(cats), EUR)

    def _months(self, ws: Worksheet) -> None:
        wps = [wp.id for wp in self.p.work_packages]
        self._matrix_head(ws, [*wps, "Total"])
        first = 4
        for n, sheet in enumerate(self.sheets):
            row = first + n
            self._who(ws, row, sheet.entity)
            for c, wp in enumerate(wps, 5):
                ws.cell(row, c, f"={sheet.ref(sheet.blocks[wp].months)}").number_format = UNITS
            end = get_column_letter(4 + len(wps))
            ws.cell(row, 5 + len(wps), f"=SUM(E{row}:{end}{row})" if wps else "=0"
                    ).number_format = UNITS
        self._total_row(ws, first, first + len(self.sheets), 5, 5 + len(wps), UNITS)

    def _total_row(self, ws: Worksheet, first: int, last: int, c0: int, c1: int,
                   fmt: str) -> None:
        ws.cell(last, 3, "Total").font = _BOLD
        for c in range(c0, c1 + 1):
            letter = get_column_letter(c)
            cell = ws.cell(last, c, f"=SUM({letter}{first}:{letter}{last - 1})")
            cell.number_format, cell.font = fmt, _BOLD


def own_workbook(proposal: Proposal, call: CallRules | None,
                 budget: Budget) -> tuple[bytes, dict[str, str]]:
    """The workbook's bytes (.xlsx) and the cell of each defined name.

    The bytes are stamped so that a later run can tell whether the workbook was edited;
    the names are ``TotalCosts``, ``RequestedGrant``, ``AppliedRate``...

    Raises:
        InputError: the budget cannot be written into a workbook (see :func:`entities`).
    """
    builder = _Builder(proposal, call, budget)
    wb = builder.build()
    return workbook_bytes(wb), builder.names
