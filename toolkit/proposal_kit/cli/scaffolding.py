"""`init` and `schema`."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageError
from .options import OutputPath, force_option
from .output import echo, style

__all__ = ["COMMANDS"]


@click.command()
@click.argument("folder", type=OutputPath(file_okay=False, path_type=Path))
@click.option("--call", "topic", required=True, metavar="TOPIC",
              help="Call topic id (see `proposal-kit calls`).")
@click.option("--ecosystem", metavar="SLUG",
              help="Industrial ecosystem (see `proposal-kit calls --ecosystems`). Lot 2 needs "
              "exactly one: without it a placeholder is written, marked in project.yaml.")
@click.option("--acronym", metavar="X", help="Project acronym [default: ACRONYM].")
def init(folder: Path, topic: str, ecosystem: str | None, acronym: str | None) -> None:
    """Create a ready project FOLDER for a call topic.

    Writes a commented project.yaml (work packages laid out along the call's required
    activities, placeholder partners that meet the lot's minimums), a sections/ folder for
    the Part B texts, texts/ and templates/ folders for your own generic texts and templates,
    a README, a .gitignore and the JSON Schema editors use to check project.yaml as you type.
    The result renders at once; `check` lists what you must still fill in.

    FOLDER must be new or empty: anything else is refused with exit code 3.
    """
    from ..scaffold import init_project

    written = init_project(folder, topic, ecosystem, acronym)
    echo(f"created {folder} ({len(written)} files) for {topic}")
    from ..calls import load_call

    if ecosystem is None and load_call(topic).figures.ecosystem.value == "exactly-one":
        echo(style("note: no --ecosystem given: project.yaml holds a placeholder ecosystem; "
                   "choose yours", fg="yellow"), err=True)
    echo("next: edit project.yaml, then\n"
         f"  proposal-kit check {folder / 'project.yaml'}\n"
         f"  proposal-kit render {folder / 'project.yaml'}")


@click.command()
@click.option("-o", "--output", type=OutputPath(dir_okay=False, path_type=Path),
              help="Write the schema to this file instead of printing it.")
@force_option("Overwrite an existing output file.")
def schema(output: Path | None, force: bool) -> None:
    """Print the JSON Schema of project.yaml (draft 2020-12), generated from the model.

    Point your editor at it with a first line such as
    `# yaml-language-server: $schema=project.schema.json` to validate and complete the
    project file as you type. Known call topics: listed under `call` as examples.
    """
    from ..render.output import write_guarded
    from ..schema import schema_json

    text = schema_json()
    if output is None:
        click.echo(text, nl=False)
        return
    if output.suffix.lower() != ".json":
        raise UsageError(f"the schema is JSON: name the output .json, not '{output.name}'")
    backup = write_guarded(output, text.encode("utf-8"), force)
    echo(f"wrote {output}")
    if backup:
        echo(f"kept a backup of the previous file: {backup}")



COMMANDS = (init, schema)
