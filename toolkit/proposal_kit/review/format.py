"""The review as readable text or as Markdown tables for sharing with partners."""

from __future__ import annotations

from collections.abc import Callable

from ..activities import activities_for
from ..findings import Finding
from .base import Gap
from .evidence import SectionText
from .report import ReviewReport

__all__ = ["format_markdown", "format_text"]

Style = Callable[..., str]


def _plain(text: str, **_: object) -> str:
    return text


def _where(f: Finding, file: str) -> str:
    return ":".join(str(x) for x in (file, f.line, f.column) if x is not None)


def _words(s: SectionText) -> str:
    words = f"{s.words} words" + (f" + {s.table_words} in tables" if s.table_words else "")
    budget = f" / budget ~{s.budget_words}" if s.budget_words else ""
    return ("no text" if not s.present else words) + budget


def _counts(report: ReviewReport) -> str:
    s = report.summary
    return (f"{s['error']} error{'s' * (s['error'] != 1)}, {s['warning']} "
            f"warning{'s' * (s['warning'] != 1)}, {s['info']} note{'s' * (s['info'] != 1)}")


def format_text(report: ReviewReport, style: Style = _plain) -> list[str]:
    """Lines of the text report; ``style`` colours (``click.style``-like)."""
    file = str(report.file)
    colour = {"error": "red", "warning": "yellow", "info": "cyan"}

    def line(g: Gap) -> str:
        f = g.finding
        sev = style(f.severity.value, fg=colour[f.severity.value], bold=True)
        hint = f" ({f.hint})" if f.hint else ""
        return f"    {_where(f, file)}: {sev} [{f.code}] {f.message}{hint}"

    out: list[str] = []
    if not report.valid or report.call is None:
        out.append(style(f"{file}: cannot be reviewed", bold=True))
        out += [line(g) for g in report.gaps]
        out += ["", f"{file}: not reviewed; {_counts(report)}"]
        return out
    call = report.call
    out.append(style(f"Review of {file} — {call.short_name} ({call.id})", bold=True))
    out += ["", style(activities_for(call.activities).heading, bold=True)]
    for a in report.activities:
        mark = style("ok", fg="green") if a.covered_by and not a.findings else (
            style("--", fg="red") if not a.covered_by else style("!!", fg="yellow"))
        by = ", ".join(a.covered_by) if a.covered_by else "not covered"
        out.append(f"  [{mark}] {a.slug}: {a.title} — {by}")
        out += [line(g) for g in a.findings]
    if report.requirements:
        out += ["", style("What the call asks for", bold=True)]
        for r in report.requirements:
            found = ", ".join(r.found_in[:4]) + (" ..." if len(r.found_in) > 4 else "")
            out.append(f"  {r.title}: {found or style('not found', fg='yellow')}")
    data = report.data
    out += ["", style("Award criteria", bold=True) + (
        f" (points unverified; pass mark {data.pass_mark:g}, half of each criterion)"
        if data and data.unverified else "")]
    for c in report.criteria:
        out.append(f"  {style(c.criterion.name, bold=True)} — {c.criterion.max_points:g} points "
                   f"(threshold {c.pass_points:g})")
        for s in c.sections:
            out.append(f"    {s.title}: {_words(s)}"
                       + (f"; tables: {', '.join(s.tables)}" if s.tables else ""))
        out.append("    evidence: " + ", ".join(f"{k} {v}" for k, v in c.evidence.items()))
        out += [line(g) for g in c.findings]
    rest = [g for g in report.gaps if g.criterion is None and g.activity is None]
    if rest:
        out += ["", style("Other findings", bold=True)] + [line(g) for g in rest]
    out += ["", f"{file}: {_counts(report)}"]
    return out


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _gap_rows(gaps: list[Gap]) -> list[list[object]]:
    return [[g.finding.severity.value, f"`{g.finding.code}`", g.finding.message,
             g.finding.line or ""] for g in gaps]


def format_markdown(report: ReviewReport) -> str:
    """The review as Markdown: the same content as the text report, in tables."""
    out = [f"# Review of {report.file.name}", ""]
    if not report.valid or report.call is None:
        out += ["The file cannot be reviewed:", ""]
        out += _table(["Severity", "Code", "Finding", "Line"], _gap_rows(report.gaps))
        return "\n".join(out)
    out += [f"Call: {report.call.short_name} (`{report.call.id}`). "
            f"Summary: {_counts(report)}.", "", "## Activities", ""]
    out += _table(["Activity", "Covered by", "Findings"],
                  [[f"`{a.slug}` {a.title}", ", ".join(a.covered_by) or "**not covered**",
                    "; ".join(g.finding.message for g in a.findings) or "—"]
                   for a in report.activities])
    if report.requirements:
        out += ["## What the call asks for", ""]
        out += _table(["Requirement", "Found in"],
                      [[r.title, ", ".join(r.found_in) or "**not found**"]
                       for r in report.requirements])
    out += ["## Award criteria", ""]
    if report.data and report.data.unverified:
        out += [f"Points are unverified ({report.data.source}).", ""]
    for c in report.criteria:
        out += [f"### {c.criterion.name} ({c.criterion.max_points:g} points, threshold "
                f"{c.pass_points:g})", ""]
        out += [f"- {q}" for q in c.criterion.reads_for] + [""]
        out += _table(["Section", "Words", "Budget", "Tables"],
                      [[s.title, s.words if s.present else "**no text**",
                        s.budget_words or "", ", ".join(s.tables)] for s in c.sections])
        out += ["Evidence: " + ", ".join(f"{k} {v}" for k, v in c.evidence.items()), ""]
        if c.findings:
            out += _table(["Severity", "Code", "Gap", "Line"], _gap_rows(c.findings))
    rest = [g for g in report.gaps if g.criterion is None and g.activity is None]
    if rest:
        out += ["## Other findings", "",
                *_table(["Severity", "Code", "Finding", "Line"], _gap_rows(rest))]
    return "\n".join(out).rstrip() + "\n"
