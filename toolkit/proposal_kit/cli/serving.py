"""`server start|stop|status`: the resident process commands start in (:mod:`..resident`)."""

from __future__ import annotations

import click

from .options import OutputPath, format_option
from .output import echo, emit_json

__all__ = ["COMMANDS", "server"]


@click.group()
def server() -> None:
    """Keep proposal-kit loaded, so that every command starts at once.

    While a server runs, `render`, `check`, `pages` and the other commands (not `watch`) run
    in a copy of its warm process instead of starting Python and importing their libraries:
    the same output, files and exit codes, in about half the time. It serves only you, and
    only this installation; it stops after --idle minutes without a command, on `server
    stop`, and by itself when proposal-kit is upgraded. Set PROPOSAL_KIT_SERVER=off to make
    commands ignore it.
    """


@server.command()
@click.option("--idle", type=click.FloatRange(min=0, max=7 * 24 * 60), default=120,
              show_default=True, metavar="MINUTES",
              help="Stop after this many minutes without a command (0: never).")
@click.option("--foreground", is_flag=True,
              help="Stay in the foreground (Ctrl-C stops it) instead of going on in the "
                   "background once ready.")
@click.option("--log", type=OutputPath(dir_okay=False), default=None,
              help="Append one line per command served to this file.")
@format_option(["text", "json"])
def start(idle: float, foreground: bool, log: str | None, output_format: str) -> None:
    """Start the server; it goes on in the background once it is ready."""
    from ..resident.server import serve

    def ready(path: str, pid: int | None) -> None:
        if output_format == "json":
            emit_json({"running": True, "socket": path, "pid": pid})
        elif foreground:
            echo(f"serving on {path}; Ctrl-C stops it")
        else:
            echo("serving in the background; `proposal-kit server stop` stops it")

    serve(None if idle == 0 else idle * 60, detach=not foreground, ready=ready, log=log)
    if foreground and output_format == "text":
        echo("server stopped")


@server.command()
@format_option(["text", "json"])
def stop(output_format: str) -> None:
    """Stop the running server (the commands it is running finish)."""
    from ..resident.server import stop_server

    pid = stop_server()
    if output_format == "json":
        emit_json({"stopped": pid})
    else:
        echo(f"stopped the server (process {pid})" if pid else "no server was running")


@server.command()
@format_option(["text", "json"])
def status(output_format: str) -> None:
    """Say whether a server runs, and on which socket."""
    from ..resident import socket_path
    from ..resident.server import server_status

    state = server_status()
    if output_format == "json":
        emit_json({"running": state is not None, "pid": (state or {}).get("pid"),
                   "socket": socket_path()})
    else:
        echo(f"a server is running (process {state['pid']}) on {socket_path()}" if state
             else "no server is running")


COMMANDS = (server,)
