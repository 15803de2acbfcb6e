"""`render`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from ..check import check_project
from ..project import load_project
from .options import OutputPath, PathType, force_option
from .output import echo, style

if TYPE_CHECKING:
    from ..pages.report import PagesReport

__all__ = ["COMMANDS"]


@click.command()
@click.argument("file", type=PathType(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=OutputPath(dir_okay=False, path_type=Path),
              help="Output file [default: <ACRONYM>-partB.<format> beside FILE].")
@click.option("--format", "output_format", type=click.Choice(["docx", "md", "html"]),
              help="Output format [default: from the -o file's extension, else docx].")
@click.option("--reference-doc", type=PathType(exists=True, dir_okay=False, path_type=Path),
              help="A .docx whose styles and page set-up the draft uses.")
@force_option("Replace an output that was edited or not written by proposal-kit "
              "(a backup copy is kept).")
@click.option("--form", "form", type=PathType(exists=True, dir_okay=False, path_type=Path),
              help="Fill this copy of the official Part B form (.docx, downloaded from the "
                   "Funding & Tenders portal) instead of writing proposal-kit's own layout "
                   "[default: part_b_form: in FILE].")
@click.option("--pages", "count_pages", is_flag=True,
              help="Count the pages of the rendered DOCX with LibreOffice (see `pages`).")
def render(file: Path, output: Path | None, output_format: str | None,
           reference_doc: Path | None, force: bool, form: Path | None,
           count_pages: bool) -> None:
    """Render the project FILE into a Part B draft (Word, Markdown or HTML).

    The draft follows the official form: its headings and processing tags in its order,
    its tables with its columns generated from the project (staff, risks, one table per
    work package with tasks, milestones, deliverables and budget, subcontracting, events,
    timetable, declarations, previous projects), and a visible prompt wherever text is
    still missing. With --form, your own copy of the official form is filled instead,
    keeping all of its guidance. An output that was edited after it was rendered is never
    overwritten without --force.
    """
    from ..budget import one_budget_per_project
    from ..render import Format, render_project

    project = load_project(file)
    with one_budget_per_project():  # the render's and the check's
        result = render_project(project, output, cast("Format | None", output_format),
                                reference_doc, force, form=form)
        echo(f"wrote {result.output}")
        if result.backup:
            echo(f"kept a backup of the previous file: {result.backup}")
        errors = check_project(project, render=False).summary["error"]
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
