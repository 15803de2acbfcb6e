"""The command's side: hand the command to a running server (:func:`run_served`)."""

from __future__ import annotations

import os
import sys

from . import (
    ENV_VAR,
    HANDSHAKE_TIMEOUT,
    PROTOCOL,
    TYPE_CHECKING,
    UNSERVED,
    installation,
    private,
    receive,
    send,
    socket_path,
)

if TYPE_CHECKING:
    import socket

__all__ = ["run_served"]


def _command_name(argv: list[str]) -> str | None:
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg
    return None


def run_served(argv: list[str]) -> int | None:
    """Run the command in the server; its exit code, or None to run it here.

    None means nothing was started: no server, or one that cannot take this command.
    """
    if os.environ.get(ENV_VAR, "").lower() in {"off", "0", "no", "false"}:
        return None
    if _command_name(argv) in UNSERVED:
        return None
    path = socket_path()
    if not os.path.exists(path) or not private(os.path.dirname(path)):
        return None
    try:
        cwd = os.getcwd()
        for fd in (0, 1, 2):
            os.fstat(fd)
    except OSError:  # a folder since deleted, a closed stream: run here, which says so
        return None
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(HANDSHAKE_TIMEOUT)
        sock.connect(path)
        send(sock, _request(argv, cwd), [0, 1, 2])
        reply, _ = receive(sock)
    except (OSError, ValueError):  # no server behind the socket, or it went away
        sock.close()
        return None
    if not reply or "pid" not in reply:  # refused: stale, another installation
        sock.close()
        return None
    sock.settimeout(None)
    return _wait(sock)


def _request(argv: list[str], cwd: str) -> dict[str, object]:
    import resource

    umask = os.umask(0o022)
    os.umask(umask)
    limits = {}
    for name in ("RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_DATA",
                 "RLIMIT_CORE", "RLIMIT_NPROC"):
        number = getattr(resource, name, None)
        if number is not None:
            limits[name] = list(resource.getrlimit(number))
    return {"protocol": PROTOCOL, "installation": installation(), "argv": argv, "cwd": cwd,
            "env": dict(os.environ), "umask": umask, "limits": limits}


def _wait(sock: socket.socket) -> int:
    """Pass signals on until the command ends; its exit code."""
    import signal

    def forward(number: int, _frame: object) -> None:
        try:  # noqa: SIM105 (no contextlib: this runs before the CLI's imports)
            send(sock, {"signal": number})
        except OSError:
            pass

    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, forward)
    try:
        reply, _ = receive(sock)
    except (OSError, ValueError):
        reply = None
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_IGN)
    code = reply.get("exit") if reply else None
    if isinstance(code, int):
        return code
    killed = reply.get("signal") if reply else None
    if isinstance(killed, int):
        return 128 + killed
    sys.stderr.write("proposal-kit: error: the resident process (proposal-kit server) stopped "
                     "before the command ended; run it again\n")
    return 4
