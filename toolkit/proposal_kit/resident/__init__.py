"""The resident process (``proposal-kit server start``): commands start in a process already warm.

A command spends more time starting Python and importing its libraries (pydantic, python-docx,
Jinja, markdown-it) than doing its work. ``proposal-kit server start`` imports everything once and
waits on a Unix socket; while it runs, each ``proposal-kit`` command hands it its arguments,
folder, environment, umask, resource limits and its own stdin, stdout and stderr (passed as
file descriptors), and a fresh copy of the warm process (:func:`os.fork`) runs the command as
it would have run itself: same output on the same terminal or pipe, same files, same exit
code. Nothing of one command stays for the next: the copy ends with the command.

The command falls back to running itself, silently, whenever the server cannot take it: none
running, another proposal-kit installation's, proposal-kit's files changed since the server
started (the server then stops), ``PROPOSAL_KIT_SERVER=off``. ``server`` and ``watch`` always
run themselves.

Safety: the socket lies in a folder only its user can enter (``$XDG_RUNTIME_DIR/proposal-kit``
or ``/tmp/proposal-kit-<uid>``, refused if anyone else owns it or can enter it), and the
server serves only its own user (the peer's credentials are checked). Ctrl-C, SIGTERM and
SIGHUP sent to the command are passed on to the copy running it; if the command itself is
killed, the copy is interrupted, then killed (LibreOffice goes with it, as always).

The command's side is :mod:`.client` (imported by every command before anything else, see
:mod:`proposal_kit.__main__`: at the top it and this module import only what Python has
already loaded); the server's, :mod:`.server`.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (see the docstring)

if TYPE_CHECKING:
    import socket

__all__ = ["ENV_VAR", "PROTOCOL", "UNSERVED", "installation", "private", "receive", "send",
           "socket_folder", "socket_path"]

#: ``off`` (or ``0``, ``no``): commands never use a running server.
ENV_VAR = "PROPOSAL_KIT_SERVER"

#: Commands that always run in their own process: the server itself, and ``watch`` (which
#: keeps LibreOffice and its own state for as long as it runs).
UNSERVED = frozenset({"server", "watch"})

PROTOCOL = 1

#: Seconds a command waits for the server to take it before running itself.
HANDSHAKE_TIMEOUT = 5.0

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------- where the socket lies


def socket_folder() -> str:
    """The folder of the sockets: only the user may enter it."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        return os.path.join(runtime, "proposal-kit")
    return f"/tmp/proposal-kit-{os.getuid()}"


def installation() -> str:
    """What a server must share with a command: Python, its environment, proposal-kit.

    That is the Python program, the folder of its environment (a virtual environment's,
    which holds the libraries) and the folder of proposal-kit's files.
    """
    return f"{os.path.realpath(sys.executable)}\0{sys.prefix}\0{PACKAGE_DIR}"


def socket_path() -> str:
    """The socket of this installation's server (one per Python and proposal-kit folder)."""
    import zlib  # built in

    key = zlib.crc32(installation().encode("utf-8", "surrogateescape"))
    return os.path.join(socket_folder(), f"server-{key:08x}.sock")


def private(folder: str) -> bool:
    """Whether ``folder`` is a real folder of this user's that nobody else can enter."""
    import stat

    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & 0o077)


# ---------------------------------------------------------------- messages


def send(sock: socket.socket, message: dict[str, object], fds: list[int] | None = None) -> None:
    """Send one message (and, with the first, the caller's stdin, stdout and stderr)."""
    import json
    import socket
    import struct

    data = json.dumps(message).encode()
    frame = struct.pack(">I", len(data)) + data
    sent = socket.send_fds(sock, [frame], fds) if fds else 0
    sock.sendall(frame[sent:])  # what one sendmsg did not take (a large environment)


def receive(sock: socket.socket, with_fds: int = 0) -> tuple[dict[str, object] | None, list[int]]:
    """One message (None at the end of the connection) and the descriptors it brought."""
    import json
    import socket
    import struct

    fds: list[int] = []
    buffer = b""
    while len(buffer) < 4:
        if with_fds:
            chunk, got, _flags, _address = socket.recv_fds(sock, 65536 - len(buffer), with_fds)
            fds += got
        else:
            chunk = sock.recv(4 - len(buffer))
        if not chunk:
            return None, fds
        buffer += chunk
    (size,) = struct.unpack(">I", buffer[:4])
    if size > 64 * 1024 * 1024:
        raise OSError("message too large")
    body = buffer[4:]
    while len(body) < size:
        chunk = sock.recv(size - len(body))
        if not chunk:
            return None, fds
        body += chunk
    value = json.loads(body[:size])
    return (value if isinstance(value, dict) else None), fds
