"""`absorb`, `import` and `comments`: the Word round trip."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, cast

import click

from .options import OutputPath, PathType, force_option, format_option
from .output import echo, emit_json, style

__all__ = ["COMMANDS"]

_DOCX = PathType(exists=True, dir_okay=False, path_type=Path)
_POLICY = click.option("--tracked", "tracked", type=click.Choice(["accept", "reject"]),
                       default="accept", show_default=True,
                       help="Read tracked changes as accepted (the text as it would be after "
                            "'Accept all') or as rejected (as it was before them).")


@click.command()
@click.argument("project", type=_DOCX)
@click.argument("document", type=_DOCX)
@format_option(["text", "md", "json"])
@_POLICY
@click.option("--apply", "apply", is_flag=True,
              help="Write the changes into the section files and project.yaml (a backup "
                   "copy of each file is kept). Without it, nothing is written.")
def absorb(project: Path, document: Path, output_format: str, tracked: str,
           apply: bool) -> None:
    """Bring the edits made in Word to DOCUMENT back into PROJECT.

    DOCUMENT is a draft rendered from PROJECT (own layout or the filled official form),
    edited by partners, with or without Track Changes and comments. The dry run shows,
    per section, the unified diff of what would change in the section files (or the text in
    PROJECT), the fields changed in the generated tables with their project.yaml paths,
    the tracked changes and the comments. A paragraph changed both in Word and in the
    source since the render is a conflict: it is reported, nothing is written for it,
    and the exit code is 1.
    """
    from ..roundtrip.absorb import absorb as run
    from ..roundtrip.report import absorb_text

    report = run(project, document, cast("Literal['accept', 'reject']", tracked), apply)
    if output_format == "json":
        emit_json(report.to_json())
    else:
        text = absorb_text(report, markdown=output_format == "md")
        for line in text.split("\n"):
            if output_format == "text" and line.startswith(("+", "-")) and \
                    not line.startswith(("+++", "---", "- ")):
                line = style(line, fg="green" if line[0] == "+" else "red")
            echo(line)
    if report.conflicts:
        raise SystemExit(1)


@click.command()
@click.argument("project", type=_DOCX)
@click.argument("document", type=_DOCX)
@format_option(["md", "json"])
@_POLICY
def comments(project: Path, document: Path, output_format: str, tracked: str) -> None:
    """List the comments and tracked changes of DOCUMENT as a worklist.

    Each item names its section and its author, in document order: a task list to work
    through before the next render (Markdown), or data for a tracker (JSON).
    """
    from ..roundtrip.absorb import absorb as run
    from ..roundtrip.report import worklist, worklist_markdown

    report = run(project, document, cast("Literal['accept', 'reject']", tracked))
    if output_format == "json":
        emit_json(worklist(report))
    else:
        click.echo(worklist_markdown(report), nl=False)


@click.command(name="import")
@click.argument("document", type=_DOCX)
@click.option("-o", "--output", "folder", required=True,
              type=OutputPath(file_okay=False, path_type=Path),
              help="Folder of the new project (project.yaml and sections/).")
@click.option("--call", "call", metavar="TOPIC",
              help="Call topic the proposal answers [default: read from the document].")
@force_option("Replace a project.yaml already in the folder.")
def import_(document: Path, folder: Path, call: str | None, force: bool) -> None:
    """Make a project folder of an existing Part B (DOCUMENT, .docx).

    Last year's proposal, a form filled by hand, or proposal-kit's own output: the
    narrative goes to the sections folder and the tables to project.yaml (partners, work
    packages, tasks, milestones, deliverables, risks, staff, events, previous projects,
    cover). The official form is read by its tags; other documents by the form's
    headings. What cannot be read is reported and noted in project.yaml.
    """
    from ..roundtrip.importer import import_docx

    result = import_docx(document, folder, call, force)
    counts = ", ".join(f"{v} {k.replace('_', ' ').removesuffix('s' if v == 1 else '')}"
                       for k, v in result.counts.items())
    echo(f"wrote {result.project_file} ({counts})")
    for warning in result.warnings:
        echo(style(f"warning: {warning}", fg="yellow"), err=True)
    echo(f"next: proposal-kit check {result.project_file}")


COMMANDS = (absorb, comments, import_)
