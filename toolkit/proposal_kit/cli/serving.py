"""`serve`: the resident process that commands start in (see :mod:`proposal_kit.resident`)."""

from __future__ import annotations

import math

import click

from .output import echo, emit_json

__all__ = ["COMMANDS"]


@click.command()
@click.option("--idle", type=click.FloatRange(min=0, max=7 * 24 * 60), default=120,
              show_default=True, metavar="MINUTES",
              help="Stop after this many minutes without a command (0: never).")
@click.option("--detach", is_flag=True,
              help="Go on in the background once ready (stop it with --stop).")
@click.option("--stop", "stop", is_flag=True, help="Stop the running server.")
@click.option("--status", "status", is_flag=True, help="Say whether a server runs.")
@click.option("--log", type=click.Path(dir_okay=False), default=None,
              help="Append one line per command served to this file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def serve(idle: float, detach: bool, stop: bool, status: bool, log: str | None,
          fmt: str) -> None:
    """Keep proposal-kit loaded, so that every command starts at once.

    While it runs, `render`, `check`, `pages` and the other commands (not `watch`) run in a
    copy of this warm process instead of starting Python and importing their libraries:
    the same output, files and exit codes, in a fraction of the time. It serves only you,
    and only this installation; it stops after --idle minutes without a command, on Ctrl-C,
    on `serve --stop`, and by itself when proposal-kit is upgraded.
    Set PROPOSAL_KIT_SERVER=off to make commands ignore it.
    """
    from ..resident import socket_path
    from ..resident.server import serve as run_server
    from ..resident.server import server_status, stop_server

    if stop or status:
        pid = stop_server() if stop else None
        state = server_status() if status else None
        if fmt == "json":
            emit_json({"running": state is not None, "pid": (state or {}).get("pid"),
                       "socket": socket_path(), **({"stopped": pid} if stop else {})})
        elif stop:
            echo(f"stopped the server (process {pid})" if pid else "no server was running")
        else:
            echo(f"a server is running (process {state['pid']}) on {socket_path()}"
                 if state else "no server is running")
        return

    def ready(path: str, pid: int | None) -> None:
        if fmt == "json":
            emit_json({"running": True, "socket": path, "pid": pid})
        elif detach:
            echo("serving in the background; `proposal-kit serve --stop` stops it")
        else:
            echo(f"serving on {path}; Ctrl-C stops it")

    run_server(None if idle == 0 or math.isinf(idle) else idle * 60, detach=detach,
               ready=ready, log=log)
    if not detach and fmt == "text":
        echo("server stopped")


COMMANDS = [serve]
