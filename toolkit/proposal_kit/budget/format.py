"""The budget report as tables a finance officer reads: plain text or Markdown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..findings import Finding
from .catalogue import INDIRECT
from .compute import UNCATEGORISED, Budget
from .report import BudgetReport

__all__ = ["Table", "format_markdown", "format_text", "tables"]

Style = Callable[..., str]


def _plain(text: str, **_: object) -> str:
    return text


def eur(value: float | None) -> str:
    """``1,234,567.89``."""
    return "" if value is None else f"{value:,.2f}"


def _months(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value else "0"


@dataclass(frozen=True)
class Table:
    """A titled table; ``right`` marks the columns of figures."""

    title: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    right: tuple[bool, ...]


def _summary(b: Budget) -> Table:
    book = b.catalogue.indirect
    left_out = ", ".join(b.catalogue.category(c).title for c in book.excludes)
    rate = f"{b.funding_rate:.0%}" if b.funding_rate is not None else "unknown"
    grant = f"EUR {eur(b.requested_grant)}"
    if b.cap_binds:
        grant += f" (the cap: {b.effective_rate:.4%} of the total)"
    rows = [
        ("Total direct costs (A–D)", f"EUR {eur(b.direct_costs)}"),
        (f"Indirect costs (E: {book.rate:.0%} of the direct costs less {left_out})",
         f"EUR {eur(b.indirect_costs)}"),
        ("Total estimated eligible costs (A–E)", f"EUR {eur(b.total_costs)}"),
        ("Person-months", _months(b.project.person_months)),
        ("Funding rate", rate),
        ("Maximum grant of the call",
         f"EUR {eur(b.max_grant)}" if b.max_grant is not None else "none"),
        ("Requested EU grant — to copy into Part A", grant),
    ]
    return Table("Budget", ("Figure", "Value"), rows, (False, True))


def _categories(b: Budget) -> Table:
    total = b.total_costs or 1.0
    labels = {c.id: (c.code, c.label) for c in b.catalogue.categories}
    labels[INDIRECT] = ("E", "Indirect costs")
    labels[UNCATEGORISED] = ("", "Not yet by category")
    rows = [(labels[cid][0], labels[cid][1], eur(value), f"{value / total:.1%}")
            for cid, value in b.by_category().items()]
    rows.append(("", "Total", eur(b.total_costs), "100.0%" if b.total_costs else ""))
    return Table("By cost category", ("Code", "Category", "EUR", "Share"), rows,
                 (False, False, True, True))


def _partners(report: BudgetReport, b: Budget) -> Table:
    assert report.project is not None
    p = report.project.proposal
    grants = b.grant_by_partner()
    rows = []
    for n, (pid, t) in enumerate(b.by_partner().items(), 1):
        partner = p.partner(pid)
        name = partner.short_name or partner.name if partner else pid
        role = partner.form_role if partner else "?"
        rows.append((str(n), pid, name, role, _months(t.person_months), eur(t.direct),
                     eur(t.indirect), eur(t.total), eur(grants[pid])))
    project = b.project
    rows.append(("", "", "Total", "", _months(project.person_months), eur(project.direct),
                 eur(project.indirect), eur(project.total), eur(b.requested_grant)))
    return Table("By beneficiary", ("No.", "Id", "Beneficiary", "Role", "Person-months",
                                    "Direct", "Indirect", "Total", "Requested grant"),
                 rows, (True, False, False, False, True, True, True, True, True))


def _work_packages(report: BudgetReport, b: Budget) -> Table:
    assert report.project is not None
    titles = {wp.id: wp.title for wp in report.project.proposal.work_packages}
    rows = [(wp, titles.get(wp, ""), _months(t.person_months), eur(t.direct),
             eur(t.indirect), eur(t.total)) for wp, t in b.by_work_package().items()]
    project = b.project
    rows.append(("", "Total", _months(project.person_months), eur(project.direct),
                 eur(project.indirect), eur(project.total)))
    return Table("By work package", ("WP", "Title", "Person-months", "Direct", "Indirect",
                                     "Total"), rows, (False, False, True, True, True, True))


def tables(report: BudgetReport) -> list[Table]:
    """The tables of the report (none when the budget could not be computed)."""
    b = report.budget
    if b is None:
        return []
    return [_summary(b), _categories(b), _partners(report, b), _work_packages(report, b)]


def _where(f: Finding, file: str) -> str:
    return ":".join(str(x) for x in (f.file or file, f.line, f.column) if x is not None)


def _counts(report: BudgetReport) -> str:
    s = report.summary
    return (f"{s['error']} error{'s' * (s['error'] != 1)}, {s['warning']} "
            f"warning{'s' * (s['warning'] != 1)}, {s['info']} note{'s' * (s['info'] != 1)}")


def _text_table(table: Table) -> list[str]:
    grid = [table.headers, *table.rows]
    widths = [max(len(row[i]) for row in grid) for i in range(len(table.headers))]

    def line(row: tuple[str, ...]) -> str:
        cells = [cell.rjust(w) if right else cell.ljust(w)
                 for cell, w, right in zip(row, widths, table.right, strict=True)]
        return "  " + "  ".join(cells).rstrip()

    out = [line(table.headers), "  " + "  ".join("-" * w for w in widths)]
    return out + [line(row) for row in table.rows]


def format_text(report: BudgetReport, style: Style = _plain) -> list[str]:
    """Lines of the text report; ``style`` colours (``click.style``-like)."""
    file = str(report.file)
    colour = {"error": "red", "warning": "yellow", "info": "cyan"}
    out: list[str] = []
    if report.project is not None:
        p = report.project.proposal
        out += [style(f"Budget of {p.acronym} ({p.call})", bold=True), ""]
    for table in tables(report):
        out += [style(table.title, bold=True), *_text_table(table), ""]
    if report.findings:
        out.append(style("Findings", bold=True))
        for f in report.findings:
            sev = style(f.severity.value, fg=colour[f.severity.value], bold=True)
            hint = f" ({f.hint})" if f.hint else ""
            out.append(f"  {_where(f, file)}: {sev} [{f.code}] {f.message}{hint}")
        out.append("")
    out.append(f"{file}: {'budget' if report.budget else 'no budget'}; {_counts(report)}")
    return out


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def format_markdown(report: BudgetReport) -> str:
    """The report as Markdown: a heading, one table per view, then the findings."""
    file = str(report.file)
    out: list[str] = []
    if report.project is not None:
        p = report.project.proposal
        out += [f"# Budget of {p.acronym}", "", f"Call {p.call}; from `{report.file.name}`.",
                ""]
    for table in tables(report):
        out += [f"## {table.title}", "",
                "| " + " | ".join(_md_cell(h) for h in table.headers) + " |",
                "|" + "|".join("---:" if r else "---" for r in table.right) + "|"]
        out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
        out.append("")
    if report.findings:
        out += ["## Findings", ""]
        out += [f"- `{_where(f, file)}` **{f.severity.value}** `{f.code}`: {_md_cell(f.message)}"
                + (f" ({f.hint})" if f.hint else "") for f in report.findings]
        out.append("")
    out.append(f"_{_counts(report)}_")
    return "\n".join(out) + "\n"
