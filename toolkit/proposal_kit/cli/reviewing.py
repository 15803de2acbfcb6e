"""`review`."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_CODES
from ..review import review_file
from ..review.format import format_markdown, format_text
from ..safeio import check_argument
from ..terminal import safe_text
from .options import PathType, format_option
from .output import echo, emit_json, style

__all__ = ["COMMANDS"]


@click.command()
@click.argument("file", type=PathType(dir_okay=False, path_type=Path))
@format_option(("text", "json", "md"))
def review(file: Path, output_format: str) -> None:
    """Review FILE against the call's required activities and the award criteria.

    Reports which work packages, tasks and deliverables cover each activity the call
    requires (with its deadline and EQF levels), and for each award criterion the Part B
    sections evaluators read, what they hold and the gaps: missing or thin sections,
    objectives without indicators, risks without mitigation, placeholders and more. It
    gives no scores. Exit 1 when a finding is an error.
    """
    check_argument(file, "the project file")
    report = review_file(file)
    if output_format == "json":
        emit_json(report.to_dict())
    elif output_format == "md":
        click.echo(safe_text(format_markdown(report)), nl=False)
    else:
        for line in format_text(report, style):
            echo(line)
    raise SystemExit(EXIT_CODES["problems"] if report.failed() else EXIT_CODES["ok"])


COMMANDS = (review,)
