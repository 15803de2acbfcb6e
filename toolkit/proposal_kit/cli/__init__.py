"""The command line: parses options, calls the library, prints, exits. Nothing else."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from ..errors import EXIT_CODES, InputError, ProposalKitError, caused_by_interrupt
from ..terminal import json_text, safe_text

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
                   "proof": "proofing", "budget": "budgeting",
                   "absorb": "absorbing", "import": "absorbing", "comments": "absorbing",
                   "server": "serving"}


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

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """Run the command; every outcome ends in a message (or a JSON document) and a code.

        With ``--format json`` anywhere in the arguments, errors of every kind (usage, input,
        output, crashes) are also printed on stdout as one JSON document
        ``{"error": {...}}`` so that scripts always get JSON.
        """
        argv = list(sys.argv[1:] if args is None else args)
        json_mode = _wants_json(argv)
        _quiet_libraries()
        _JSON_MODE.append(json_mode)
        try:
            code = _run(super().main, argv, prog_name, complete_var, extra)
        except (KeyboardInterrupt, _Interrupted):
            code = _interrupted(json_mode)
        finally:
            _JSON_MODE.pop()
        if standalone_mode:
            sys.exit(code)
        return code

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        """The context; a Ctrl-C while click reads the arguments is ours to answer.

        click would print an empty line on stderr before its Abort, ahead of the one line
        that an interruption prints.
        """
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt:
            raise _Interrupted from None

    def invoke(self, ctx: click.Context) -> Any:
        json_mode = _JSON_MODE[-1] if _JSON_MODE else False
        try:
            return super().invoke(ctx)
        except ProposalKitError as exc:
            _report(exc.exit_code, _KINDS.get(exc.exit_code, "input"), exc, json_mode)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(EXIT_CODES["ok"])
        except KeyboardInterrupt:
            ctx.exit(_interrupted(json_mode))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except RecursionError as exc:
            _report(EXIT_CODES["problems"], "input", InputError(
                "the input is nested too deeply to be processed (lists or mappings inside "
                "each other hundreds of levels deep?); flatten it"), json_mode)
            del exc
            ctx.exit(EXIT_CODES["problems"])
        except MemoryError:
            _report(EXIT_CODES["problems"], "input", InputError(
                "the input needs more memory than is available; it is too large"), json_mode)
            ctx.exit(EXIT_CODES["problems"])
        except Exception as exc:
            if caused_by_interrupt(exc):  # Ctrl-C inside an import or a class body
                ctx.exit(_interrupted(json_mode))
            if os.environ.get("PROPOSAL_KIT_DEBUG"):
                raise
            _report(INTERNAL_ERROR, "internal", exc, json_mode)
            ctx.exit(INTERNAL_ERROR)


class _Interrupted(BaseException):
    """A Ctrl-C taken where click would answer it itself (see ``_Group.make_context``)."""


#: Whether the run in progress asked for ``--format json`` (a stack: runs may nest in tests).
_JSON_MODE: list[bool] = []

#: The ``kind`` of a JSON error document, by exit code.
_KINDS = {EXIT_CODES["problems"]: "input", EXIT_CODES["usage"]: "usage",
          EXIT_CODES["output"]: "output", EXIT_CODES["external"]: "external"}


def _quiet_libraries() -> None:
    """Keep the libraries' own log records off the terminal.

    pypdf logs "Detected cycle in outline structure for {...}" on a damaged PDF; Python
    would print it, raw, for want of a handler. proposal-kit says what an input lacks itself.
    """
    import logging

    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())


def _wants_json(argv: Sequence[str]) -> bool:
    """Whether ``--format json`` (or ``--format=json``) was asked for."""
    for i, arg in enumerate(argv):
        if arg == "--":
            return False
        if arg == "--format=json" or (arg == "--format" and i + 1 < len(argv)
                                      and argv[i + 1] == "json"):
            return True
    return False


def _run(main: Any, argv: list[str], prog_name: str | None, complete_var: str | None,
         extra: dict[str, Any]) -> int:
    """Call click's ``main`` without its own exit handling; the exit code."""
    json_mode = _wants_json(argv)
    try:
        result = main(argv, prog_name, complete_var, standalone_mode=False, **extra)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.ClickException as exc:
        _report(exc.exit_code, "usage", exc, json_mode)
        return int(exc.exit_code)
    except click.Abort:
        return _interrupted(json_mode)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        click.echo(safe_text(str(code)), err=True)
        return 1
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return EXIT_CODES["ok"]
        _report(EXIT_CODES["output"], "output", exc, json_mode)
        return EXIT_CODES["output"]
    return result if isinstance(result, int) else 0


def _interrupted(json_mode: bool) -> int:
    """Ctrl-C: a one-line message (and JSON if asked), exit 130; further Ctrl-C ignored."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = EXIT_CODES["interrupted"]
    _report(code, "interrupted", None, json_mode)
    return code


def _report(code: int, kind: str, exc: BaseException | None, json_mode: bool) -> None:
    """Tell the user what went wrong: on stderr always, as JSON on stdout when asked."""
    if kind == "interrupted":
        message = "interrupted"
        text = "proposal-kit: interrupted"
    elif kind == "internal":
        assert exc is not None
        message = f"internal error: {type(exc).__name__}: {exc}"
        text = (f"proposal-kit: {message}\nThis is a bug in proposal-kit; set "
                "PROPOSAL_KIT_DEBUG=1 for the details and report it.")
    elif isinstance(exc, click.ClickException):
        message = exc.format_message()
        text = ""
        if json_mode:
            text = f"proposal-kit: error: {message}"
        else:
            exc.show()
    else:
        message = str(exc)
        text = f"proposal-kit: error: {message}"
    try:
        if text:
            click.secho(safe_text(text), err=True, fg="red" if kind != "interrupted" else None,
                        color=_colour(sys.stderr))
        if json_mode:
            click.echo(json_text({"error": _error_dict(code, kind, message, exc)}))
    except OSError:  # stdout or stderr gone: nothing more can be said
        pass


def _error_dict(code: int, kind: str, message: str, exc: BaseException | None) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": kind, "exit_code": code, "message": message}
    if isinstance(exc, ProposalKitError):
        data["message"] = exc.message
        location = exc.location
        data["file"] = str(location.file) if location and location.file else None
        data["line"] = location.line if location else None
        data["column"] = location.column if location else None
        if exc.hint:
            data["hint"] = exc.hint
        findings = getattr(exc, "findings", None)
        if findings:
            data["findings"] = [f.to_dict() for f in findings]
    return data


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
    """The command's entry point (``proposal_kit.__main__.main`` runs it)."""
    cli(prog_name="proposal-kit")
