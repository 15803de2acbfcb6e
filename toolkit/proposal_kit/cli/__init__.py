"""The command line: parses options, calls the library, prints, exits. Nothing else."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from ..errors import EXIT_CODES, ProposalKitError

__all__ = ["cli", "main"]

INTERNAL_ERROR = 70

EPILOG = """\b
Exit codes: 0 ok; 1 problems in the input (errors, or warnings with --strict;
page limit exceeded); 2 usage error (bad option, missing file, unknown topic);
3 output refused (would overwrite edited work, locked file); 4 LibreOffice
missing, failing or timing out; 130 interrupted; 70 internal error (a bug).
"""


#: Command name -> module of this package that defines it. Modules load when the command
#: runs, so `proposal-kit check` does not pay for importing the renderer.
COMMAND_MODULES = {"calls": "checking", "check": "checking", "pages": "paging",
                   "render": "rendering", "review": "reviewing", "texts": "texting",
                   "init": "scaffolding", "schema": "scaffolding",
                   "plan": "planning", "watch": "watching",
                   "proof": "proofing"}


class _Group(click.Group):
    """Loads commands lazily; translates library errors into a message and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMAND_MODULES, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return super().get_command(ctx, cmd_name)
        module = importlib.import_module(f"{__name__}.{module_name}")
        for command in module.COMMANDS:
            if command.name == cmd_name:
                return command  # type: ignore[no-any-return]
        return None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProposalKitError as exc:
            click.secho(f"proposal-kit: error: {exc}", err=True, fg="red",
                        color=_colour(sys.stderr))
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(EXIT_CODES["ok"])
        except KeyboardInterrupt:
            click.echo("proposal-kit: interrupted", err=True)
            ctx.exit(EXIT_CODES["interrupted"])
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("PROPOSAL_KIT_DEBUG"):
                raise
            click.echo(f"proposal-kit: internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in proposal-kit; set PROPOSAL_KIT_DEBUG=1 for the "
                       "details and report it.", err=True)
            ctx.exit(INTERNAL_ERROR)


def _colour(stream: Any) -> bool | None:
    """False when NO_COLOR is set; otherwise let click decide from the terminal."""
    return False if os.environ.get("NO_COLOR") else None


@click.group(cls=_Group, epilog=EPILOG,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(None, "-V", "--version", package_name="proposal-kit",
                      prog_name="proposal-kit")
def cli() -> None:
    """Check, render and page-count Erasmus+ Alliances for Innovation proposals."""




def main() -> None:
    """Console-script entry point."""
    cli(prog_name="proposal-kit")
