"""`render`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from ..check import check_project
from ..project import load_project
from .options import force_option
from .output import echo, style

if TYPE_CHECKING:
    from ..pages.report import PagesReport

__all__ = ["COMMANDS"]


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file [default: <ACRONYM>-partB.<format> beside FILE].")
@click.option("--format", "output_format", type=click.Choice(["docx", "md", "html"]),
              help="Output format [default: from the -o file's extension, else docx].")
@click.option("--reference-doc", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A .docx whose styles and page set-up the draft uses.")
@force_option("Replace an output that was edited or not written by proposal-kit "
              "(a backup copy is kept).")
@click.option("--pages", "count_pages", is_flag=True,
              help="Count the pages of the rendered DOCX with LibreOffice (see `pages`).")
def render(file: Path, output: Path | None, output_format: str | None,
           reference_doc: Path | None, force: bool, count_pages: bool) -> None:
    """Render the project FILE into a Part B draft (Word, Markdown or HTML).

    The draft has every Part B heading and processing tag, the tables generated from the
    project (partners, staff, risks, work packages, deliverables, milestones, events,
    timetable, budget) and a visible prompt wherever text is still missing. An output that
    was edited after it was rendered is never overwritten without --force.
    """
    from ..render import Format, render_project

    project = load_project(file)
    result = render_project(project, output, cast("Format | None", output_format),
                            reference_doc, force)
    echo(f"wrote {result.output}")
    if result.backup:
        echo(f"kept a backup of the previous file: {result.backup}")
    errors = check_project(project).summary["error"]
    if errors:
        echo(style(f"note: `proposal-kit check {file}` reports {errors} error(s)",
                   fg="yellow"), err=True)
    if count_pages:
        if result.format != "docx":
            raise click.UsageError("--pages needs --format docx")
        from ..contents import number_contents
        from .paging import report_pages

        def numbered(report: PagesReport) -> None:
            if number_contents(project, result, report, reference_doc):
                echo("numbered the table of contents from the count")

        raise SystemExit(report_pages(result.output, call=project.proposal.call,
                                      then=numbered))


COMMANDS = (render,)
