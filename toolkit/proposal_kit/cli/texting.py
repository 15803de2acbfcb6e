"""`texts`: list, show, search, create and lint generic texts."""

from __future__ import annotations

from pathlib import Path

import click

from ..calls import available_calls, load_call
from ..errors import EXIT_CODES, ProposalKitError, UsageError
from ..findings import summarise
from ..form import all_narrative_ids, section_ids
from ..project import Project, load_project
from ..texts import (
    GenericText,
    TextLibrary,
    lint_library,
    new_text,
    preview_context,
    project_context,
    render_text,
    search,
)
from ..texts.search import terms
from ..validation import did_you_mean
from .options import OutputPath, PathType, force_option, format_option
from .output import echo, emit_json, finding_line, strict_failure, style

__all__ = ["COMMANDS", "texts"]

_project_option = click.option(
    "--project", "project_file", type=PathType(dir_okay=False, path_type=Path),
    help="Project file: search its texts/ and texts_dirs first, fill values from it.")


def _open(project_file: Path | None) -> tuple[TextLibrary, Project | None]:
    project = load_project(project_file) if project_file else None
    return TextLibrary.for_project(project), project


def _usable(library: TextLibrary) -> list[GenericText]:
    """Every usable text; each unusable one is reported on stderr and skipped."""
    texts, errors = library.scan()
    for error in errors:
        echo(style(f"proposal-kit: warning: skipped {error}", fg="yellow"), err=True)
    return texts


def _parse_vars(ctx: click.Context, param: click.Parameter,
                values: tuple[str, ...]) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"'{item}' is not NAME=VALUE", ctx, param)
        result[name.strip()] = value
    return result


_HELP = """Generic texts: institutional texts a draft includes by key.

Libraries are searched in this order, the first match by key wins: the project's
texts/ folder, the project file's texts_dirs, the folders in PROPOSAL_KIT_TEXTS,
then the built-in library.

\b
In a section of a project file:
    {{ text("quality/eqavet-esg", quality_lead="P3") }}
"""


@click.group(help=_HELP)
def texts() -> None:
    """Generic texts: institutional texts a draft includes by key."""


@texts.command("list")
@click.option("--tag", "tags", multiple=True, help="Only texts with this tag (repeatable).")
@click.option("--section", help="Only texts suited to this Part B section: its id "
              "(management) or its number as check prints it (2.1.2).")
@click.option("--lot", type=int, help="Only texts suited to this lot (a lot of the call data).")
@_project_option
@format_option(("text", "json"))
def list_texts(tags: tuple[str, ...], section: str | None, lot: int | None,
               project_file: Path | None, output_format: str) -> None:
    """List the generic texts available, with the library each comes from."""
    wanted = section_ids(section) if section is not None else []
    if section is not None and not wanted:
        raise UsageError(f"unknown section '{section}'",
                         hint=did_you_mean(section, all_narrative_ids())
                         or "give a section id or a number such as 2.1.2")
    lots = sorted({load_call(topic).lot for topic in available_calls()})
    if lot is not None and lot not in lots:
        raise UsageError(f"no lot {lot} in the call data",
                         hint=f"known lots: {', '.join(map(str, lots))}")
    library, _ = _open(project_file)
    shown = [t for t in _usable(library)
             if all(tag in t.meta.tags for tag in tags)
             and (section is None or set(wanted) & set(t.meta.sections))
             and (lot is None or lot in t.meta.lots)]
    if output_format == "json":
        emit_json([{**t.to_dict(), "origin": library.origin(t)} for t in shown])
        return
    width = max((len(t.key) for t in shown), default=0)
    for t in shown:
        origin = library.origin(t)
        where = "" if origin == "built-in" else style(f"  [{origin}: {t.source}]", dim=True)
        echo(f"{style(t.key.ljust(width), bold=True)}  {t.title}{where}")


def _variables_help(text: GenericText) -> list[str]:
    lines = []
    for name, var in text.variables.items():
        what = "partner id, " if var.kind == "partner" else ""
        need = "required" if var.required else f"default: {var.default}"
        lines.append(f"  {name} ({what}{need}): {var.description}")
    return lines


@texts.command()
@click.argument("key")
@click.option("--var", "variables", multiple=True, callback=_parse_vars, metavar="NAME=VALUE",
              help="Value of a variable (repeatable); a partner variable takes a partner id.")
@_project_option
@click.option("--raw", is_flag=True, help="Print the file as it is, unrendered.")
@click.option("--body", is_flag=True, help="Print only the rendered text.")
@format_option(("text", "json"))
def show(key: str, variables: dict[str, str], project_file: Path | None, raw: bool,
         body: bool, output_format: str) -> None:
    """Show the generic text KEY, filled with the given values.

    With --project, project values (acronym, partners, ...) and the project's variables
    fill the text, and a missing required variable is an error. Without it, unknown
    values print as placeholders such as [project.acronym].
    """
    library, project = _open(project_file)
    text = library.get(key)
    if raw:
        click.echo(text.path.read_text(encoding="utf-8-sig"), nl=False)
        return
    context = project_context(project.proposal) if project else preview_context()
    rendered = render_text(library, key, variables, context, "'texts show'")
    if output_format == "json":
        emit_json({**text.to_dict(), "origin": library.origin(text), "text": rendered})
        return
    if not body:
        echo(style(f"{text.key}: {text.title}", bold=True))
        echo(style(f"{text.path} ({library.origin(text)}, version {text.meta.version}, "
                   f"reviewed {text.meta.reviewed})", dim=True))
        if text.variables:
            echo("Variables:")
            for line in _variables_help(text):
                echo(line)
        echo()
    echo(rendered)


@texts.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1), default=10, show_default=True,
              help="Show at most this many texts.")
@_project_option
@format_option(("text", "json"))
def search_texts(words: tuple[str, ...], limit: int, project_file: Path | None,
                 output_format: str) -> None:
    """Find generic texts by WORDS, best match first (title and tags weigh most)."""
    query = " ".join(words)
    if not terms(query):
        raise UsageError(f"nothing to search for in '{query}': give one or more words",
                         hint="e.g. proposal-kit texts search erasmus charter")
    library, _ = _open(project_file)
    hits = search(_usable(library), query, limit)
    if output_format == "json":
        emit_json([{"key": h.text.key, "title": h.text.title, "tags": h.text.meta.tags,
                    "summary": h.text.meta.summary, "score": h.score,
                    "matched": list(h.matched), "source": str(h.text.source)} for h in hits])
        return
    if not hits:
        echo("no generic text matches", err=True)
        return
    for h in hits:
        echo(f"{style(h.text.key, bold=True)}  {h.text.title}  "
             + style(f"(score {h.score:.2f})", dim=True))
        echo(f"    {h.text.meta.summary}")


@texts.command()
@click.argument("key")
@click.option("--dir", "folder", type=OutputPath(file_okay=False, path_type=Path),
              default=".", show_default=True,
              help="Library folder to create it in.")
@click.option("--title", help="Title of the text (default: from the key).")
@click.option("--owner", default="International Relations Office", show_default=True,
              help="Who maintains the text.")
@force_option("Replace an existing text with a new skeleton (a backup copy is kept).")
def new(key: str, folder: Path, title: str | None, owner: str, force: bool) -> None:
    """Create a skeleton for the text KEY (e.g. quality/peer-review).

    An existing text is never replaced without --force.
    """
    path = new_text(folder, key, title, owner, force)
    echo(f"created {path}")
    try:
        builtin = TextLibrary.for_project(None).find(key)
    except ProposalKitError:
        builtin = None
    if builtin is not None and builtin.path.resolve() != path.resolve():
        echo(f"note: it overrides '{key}' from {builtin.source} where this folder comes "
             "first", err=True)


@texts.command()
@click.argument("folders", nargs=-1, type=PathType(file_okay=False, path_type=Path))
@_project_option
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@format_option(("text", "json"))
def lint(folders: tuple[Path, ...], project_file: Path | None, strict: bool,
         output_format: str) -> None:
    """Check the library in each FOLDER (default: every library in the search order).

    Checks the front matter, keys (valid, unique, not links leaving the library), that
    every variable used is declared and every declared one used, includes, length
    (200-600 words) and headings. Exits 1 on errors.
    """
    targets = list(folders) or _open(project_file)[0].folders
    for folder in targets:
        if not folder.is_dir():
            raise UsageError(f"no such folder: {folder}")
    results = [(folder, lint_library(folder)) for folder in targets]
    every = [f for _, found in results for f in found]
    summary = summarise(every)
    if output_format == "json":
        emit_json({"folders": [str(f) for f in targets], "summary": summary,
                   "findings": [{"folder": str(folder), **f.to_dict()}
                                for folder, found in results for f in found]})
    else:
        for folder, found in results:
            for f in found:
                echo(finding_line(f, str(folder / f.file)))
        echo(f"{len(targets)} {'library' if len(targets) == 1 else 'libraries'} checked: "
             f"{summary['error']} errors, {summary['warning']} warnings")
    failed = summary["error"] or (strict and summary["warning"])
    if failed and not summary["error"]:
        strict_failure([(f.code, str(folder / f.file), f.line) for folder, found in results
                        for f in found if f.severity.value == "warning"])
    raise SystemExit(EXIT_CODES["problems"] if failed else EXIT_CODES["ok"])


COMMANDS = (texts,)
