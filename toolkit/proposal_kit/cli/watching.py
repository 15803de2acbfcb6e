"""`watch`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .options import OutputPath, PathType
from .output import echo, style

if TYPE_CHECKING:
    from ..watch import WatchEvent

__all__ = ["COMMANDS"]


@click.command()
@click.argument("file", type=PathType(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=OutputPath(dir_okay=False, path_type=Path),
              help="Output .docx [default: <ACRONYM>-partB.docx beside FILE].")
@click.option("--pages/--no-pages", "pages", default=True, show_default=True,
              help="Re-count pages after each render (LibreOffice, kept running).")
def watch(file: Path, output: Path | None, pages: bool) -> None:
    """Re-render FILE on every save, and re-count its pages.

    Watches the project file, its section texts, its texts/ and templates/ folders and the
    text libraries it names. Errors are shown and the watch goes on; Ctrl-C stops it and
    LibreOffice with it.
    """
    from ..watch import watch as run_watch

    def report(event: WatchEvent) -> None:
        if event.kind == "error":
            echo(style("error: ", fg="red", bold=True) + event.message, err=True)
        elif event.kind == "pages" and event.pages is not None:
            echo(pages_line(event))
        elif event.kind == "rendered":
            echo(f"{event.message} ({event.seconds:.1f} s)")
        else:
            echo(style(event.message, dim=True))

    run_watch(file, output, pages=pages, report=report)


def _short(label: str, width: int = 40) -> str:
    return label if len(label) <= width else label[:width - 1].rstrip() + "…"


def pages_line(event: WatchEvent) -> str:
    """One line per count: pages against the limit, the change, the sections that changed.

    For example ``32/40 pages (+1) 0.6 s; sections changed (pages): 2.1.1 Concept and
    methodology +1.2``; over the limit, a second line says what will not be evaluated.
    """
    counted = event.pages
    assert counted is not None
    colour = "red" if counted.over_by else "green"
    line = style(f"{'' if counted.exact else '~'}{counted.pages}/{counted.limit} pages",
                 fg=colour, bold=True)
    if event.pages_before is not None and event.pages_before != counted.pages:
        line += style(f" ({counted.pages - event.pages_before:+d})", fg=colour)
    if event.unchanged:
        return line + " unchanged (the rendered content is the same: not counted again)"
    line += f" {event.seconds:.1f} s" if counted.exact else " (estimate: no LibreOffice)"
    changed = [f"{_short(c.label)} {c.change:+.1f}" for c in event.changes[:3]]
    if len(event.changes) > 3:
        changed.append(f"{len(event.changes) - 3} more")
    if changed:
        line += "; sections changed (pages): " + ", ".join(changed)
    if counted.over_by:
        line += "\n  " + style(f"over by {counted.over_by}: ", fg="red") + (
            counted.beyond or "pages beyond the limit are not evaluated")
    return line


COMMANDS = (watch,)
