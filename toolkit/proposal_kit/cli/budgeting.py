"""`budget`."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_CODES
from ..terminal import safe_text
from .options import OutputPath, PathType, force_option, format_option
from .output import echo, emit_json, style

__all__ = ["COMMANDS"]


def _progress(text: str) -> None:
    """Work that takes a while (LibreOffice), said on stderr."""
    echo(style(f"proposal-kit: {text}…", fg="cyan"), err=True)


@click.command()
@click.argument("file", type=PathType(dir_okay=False, path_type=Path))
@format_option(("text", "md", "json"))
@click.option("--xlsx", "xlsx", type=OutputPath(dir_okay=False, path_type=Path),
              help="Also write proposal-kit's own detailed budget workbook (.xlsx, live "
                   "formulas) to this file.")
@click.option("--workbook", type=PathType(exists=True, dir_okay=False, path_type=Path),
              help="Also fill this copy of the official budget annex (.xlsx or .xlsm, "
                   "downloaded from the Funding & Tenders portal); see -o.")
@click.option("-o", "--output", type=OutputPath(dir_okay=False, path_type=Path),
              help="Where the filled annex goes [default: <ACRONYM>-budget-annex.xlsx (or "
                   ".xlsm) beside FILE].")
@force_option("Replace a workbook that was edited or not written by proposal-kit (a backup "
              "copy is kept).")
@click.option("--no-verify", "verify", flag_value=False, default=True,
              help="Write the workbooks without recalculating them with LibreOffice first.")
def budget(file: Path, output_format: str, xlsx: Path | None, workbook: Path | None,
           output: Path | None, force: bool, verify: bool) -> None:
    """Show the lump-sum budget of FILE; write the detailed budget workbooks.

    Total, direct and indirect costs (7 %), the totals by cost category, by beneficiary and
    by work package, person-months, and the requested EU grant, min(funding rate x total,
    cap), to copy into Part A; then what `check` finds about the budget. --xlsx writes
    proposal-kit's own workbook; --workbook fills your copy of the official annex (its
    beneficiary and work package lists, one sheet per beneficiary, affiliated entities,
    macros kept in an .xlsm). Each workbook is recalculated by LibreOffice before it is
    written, and refused when its total or grant differ from the budget's. Exit 1 when a
    finding is an error.
    """
    from ..budget.export import write_annex, write_own
    from ..budget.format import format_markdown, format_text
    from ..budget.report import budget_file

    if output is not None and workbook is None:
        raise click.UsageError("-o goes with --workbook (give the own workbook's file to "
                               "--xlsx)")
    if workbook is not None:
        from ..safeio import check_argument

        check_argument(workbook, "the budget annex")
    report = budget_file(file)
    written = []
    if report.budget is not None and report.project is not None:
        if xlsx is not None:
            written.append(write_own(report, xlsx, force, verify, _progress))
        if workbook is not None:
            from ..safeio import file_stem

            stem = file_stem(report.project.proposal.acronym)
            target = output or file.parent / f"{stem}-budget-annex{workbook.suffix.lower()}"
            written.append(write_annex(report, workbook, target, force, verify, _progress))
    elif xlsx is not None or workbook is not None:
        echo(style("proposal-kit: the budget cannot be computed; no workbook written",
                   fg="yellow"), err=True)
    if output_format == "json":
        data = report.to_dict()
        if written:
            data["workbooks"] = [w.to_dict() for w in written]
        emit_json(data)
    elif output_format == "md":
        click.echo(safe_text(format_markdown(report)), nl=False)
    else:
        for line in format_text(report, style):
            echo(line)
    for w in written:
        how = (f"recalculated by LibreOffice: total EUR {w.total_costs:,.2f}, requested grant "
               f"EUR {w.requested_grant:,.2f} in {w.grant_cell}" if w.verified
               else "not recalculated (--no-verify)")
        echo(f"wrote {w.path} ({w.kind}; {how})", err=output_format != "text")
        if w.backup:
            echo(f"kept a backup of the previous file: {w.backup}", err=output_format != "text")
    raise SystemExit(EXIT_CODES["problems"] if report.failed() else EXIT_CODES["ok"])


COMMANDS = (budget,)
