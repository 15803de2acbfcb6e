"""`watch`."""

from __future__ import annotations

from pathlib import Path

import click

from .output import echo, style

__all__ = ["COMMANDS"]


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output .docx [default: <ACRONYM>-partB.docx beside FILE].")
@click.option("--pages/--no-pages", "pages", default=True, show_default=True,
              help="Re-count pages after each render (LibreOffice, kept running).")
def watch(file: Path, output: Path | None, pages: bool) -> None:
    """Re-render FILE on every save, and re-count its pages.

    Watches the project file, its section texts, its texts/ and templates/ folders and the
    text libraries it names. Errors are shown and the watch goes on; Ctrl-C stops it and
    LibreOffice with it.
    """
    from ..watch import WatchEvent
    from ..watch import watch as run_watch

    def report(event: WatchEvent) -> None:
        if event.kind == "error":
            echo(style("error: ", fg="red", bold=True) + event.message, err=True)
        elif event.kind == "pages" and event.pages is not None:
            counted = event.pages
            colour = "red" if counted.over_by else "green"
            echo(style(f"{counted.pages}/{counted.limit} pages", fg=colour, bold=True)
                 + f" ({event.seconds:.1f} s)")
        elif event.kind == "rendered":
            echo(f"{event.message} ({event.seconds:.1f} s)")
        else:
            echo(style(event.message, dim=True))

    run_watch(file, output, pages=pages, report=report)


COMMANDS = (watch,)
