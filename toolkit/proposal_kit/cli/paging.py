"""`pages`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import EXIT_CODES, UsageError
from .options import PathType, Seconds, format_option
from .output import echo, emit_json, print_findings, style

if TYPE_CHECKING:
    from ..pages.report import PagesReport

__all__ = ["COMMANDS", "report_pages"]


@click.command()
@click.argument("file", type=PathType(dir_okay=False, path_type=Path))
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="Page limit (default: the call's limit, 40 for Part B).")
@click.option("--call", "call", metavar="TOPIC",
              help="Call topic whose rules apply (default: the one the DOCX names, else the "
                   "newest call year's topic with the lowest page limit).")
@click.option("--exact", is_flag=True,
              help="Fail (exit 4) without LibreOffice instead of estimating.")
@click.option("--timeout", type=Seconds(), metavar="SECONDS",
              help="Time LibreOffice may take (default 120, or PROPOSAL_KIT_SOFFICE_TIMEOUT).")
@format_option(("text", "json"))
def pages(file: Path, limit: int | None, call: str | None, exact: bool,
          timeout: float | None, output_format: str) -> None:
    """Count the pages of Part B (.docx or .pdf) against the page limit.

    A .docx is laid out with LibreOffice headless, as a page count exists only after layout;
    a .pdf is read directly. Shows pages used, the limit and pages left, the page on which
    each section and work package starts and ends, what falls beyond the limit (it is not
    evaluated), and formatting findings from the .docx: paper, margins, smallest font size,
    processing tags. Without LibreOffice a clearly labelled estimate is shown instead.

    Exit 0 within the limit, 1 over it or on an error finding, 2 on a usage error,
    4 when LibreOffice fails (or is missing, with --exact).
    """
    if not file.exists():
        raise UsageError(f"no such file: {file}")
    raise SystemExit(report_pages(file, limit=limit, call=call, exact=exact, timeout=timeout,
                                  output_format=output_format))


def report_pages(file: Path, *, limit: int | None = None, call: str | None = None,
                 exact: bool = False, timeout: float | None = None,
                 output_format: str = "text",
                 then: Callable[[PagesReport], object] | None = None) -> int:
    """Count the pages of ``file``, print the report, and return the exit code.

    Shared by `pages` and `render --pages` (whose ``then`` numbers the table of contents
    before the report is printed); library errors propagate to the CLI's translator.
    """
    from ..pages import count_pages

    progress = (lambda text: echo(style(text, dim=True), err=True)) \
        if output_format == "text" and sys.stderr.isatty() else None
    report = count_pages(file, limit=limit, call=call, exact=exact, timeout=timeout,
                         progress=progress)
    if then is not None:
        then(report)
    if output_format == "json":
        emit_json(report.to_dict())
    else:
        _print_text(report)
    return EXIT_CODES["problems"] if report.failed() else EXIT_CODES["ok"]


def _print_text(report: PagesReport) -> None:
    name = str(report.file)
    if report.exact:
        how = "laid out by LibreOffice" if report.method == "libreoffice" else "PDF"
        head = f"{report.pages} of {report.limit} pages"
    else:
        how = "ESTIMATE without LibreOffice, not the page count"
        head = f"about {report.pages} of {report.limit} pages (estimate)"
    if report.over_by:
        verdict = style(f"over the limit by {report.over_by}", fg="red", bold=True)
    else:
        colour = "yellow" if report.pages >= 0.9 * report.limit else "green"
        verdict = style(f"{report.pages_left} left", fg=colour)
    echo(f"{name}: {style(head, bold=True)}, {verdict}  [{how}]")
    if report.pages_with_form_guidance is not None:
        form_pages = report.pages_with_form_guidance
        over = form_pages > report.limit
        echo(f"  {report.pages} pages; about " +
             style(f"{form_pages} in the official form", fg="red" if over else None,
                   bold=over) + " with its guidance (render --form for the exact count)")
    if report.excluded_pages:
        echo(f"  {report.total_pages} pages in all; {report.excluded_pages} do not count "
             "against the limit")
    if report.sections:
        echo()
        echo(style("Section map" + ("" if report.exact else " (estimated)"), bold=True))
        echo(f"  {'Start':>5} {'End':>5} {'Pages':>5}  Section")
        for section in report.sections:
            indent = "  " * (max(section.level, 1) - 1)
            late = report.last_evaluated is not None and \
                section.end_page > report.last_evaluated
            title = style(section.title, fg="red") if late else section.title
            echo(f"  {section.start_page:>5} {section.end_page:>5} {section.pages:>5}  "
                 f"{indent}{title}")
    if report.beyond:
        echo()
        echo(style(report.beyond, fg="red"))
    fmt = report.format
    if fmt.get("smallest_font_pt") is not None or fmt.get("paper"):
        echo()
        parts = [f"paper {', '.join(fmt.get('paper') or ['?'])}"]
        if fmt.get("smallest_margin_mm") is not None:
            parts.append(f"smallest margin {fmt['smallest_margin_mm']:g} mm")
        if fmt.get("smallest_font_pt") is not None:
            parts.append(f"smallest body text {fmt['smallest_font_pt']:g} pt")
        if fmt.get("tags"):
            parts.append(f"{fmt['tags']} processing tags")
        echo("Format: " + "; ".join(parts))
    if report.findings:
        echo()
        print_findings(report.findings, name)


COMMANDS = (pages,)
