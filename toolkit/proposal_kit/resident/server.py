"""The server's side: ``proposal-kit server start`` (:func:`serve`), one copy per command."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

from . import (
    HANDSHAKE_TIMEOUT,
    PACKAGE_DIR,
    PROTOCOL,
    installation,
    private,
    receive,
    send,
    socket_folder,
    socket_path,
)

if TYPE_CHECKING:
    import socket

__all__ = ["serve", "server_status", "stop_server", "warm_up"]

#: Seconds between the interruption of a command whose caller is gone and its killing.
GRACE = 5.0


def _code_stamp() -> tuple[tuple[str, int, int], ...]:
    """proposal-kit's files as they are now: a change makes the server stop.

    Also the folders libraries are installed in (site-packages): installing or upgrading
    one adds or removes entries there, which changes the folder's time. (Not the other
    entries of the module path: run as ``python -m``, the first is the current folder.)
    """
    stamp = []
    for entry in sys.path:
        if os.path.basename(entry) not in {"site-packages", "dist-packages"}:
            continue
        with contextlib.suppress(OSError):
            info = os.stat(entry or ".")
            stamp.append((entry, info.st_mtime_ns, 0))
    for folder, dirs, files in os.walk(PACKAGE_DIR):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".pyc"):
                continue
            try:
                info = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            stamp.append((os.path.join(folder, name), info.st_mtime_ns, info.st_size))
    return tuple(stamp)


def warm_up() -> None:
    """Import every module of proposal-kit and read its own data files, once."""
    import importlib
    import pkgutil

    import proposal_kit

    for info in pkgutil.walk_packages(proposal_kit.__path__, "proposal_kit."):
        if info.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except Exception:
            continue
    from ..budget.annex_layout import annex_layouts
    from ..budget.catalogue import catalogue
    from ..form.description import DEFAULT_FORM, form_description, known_forms
    from ..render.markdown_parser import markdown
    from ..render.refdoc import default_template
    from ..review.base import criteria_data
    from ..templating import package_version

    for read in (annex_layouts, catalogue, markdown, default_template, criteria_data,
                 package_version):
        read()
    for form in {DEFAULT_FORM, *known_forms()}:  # cached by the argument as given
        form_description(form)


def _listening() -> socket.socket | None:
    """The socket of a server already running for this installation, connected; or None."""
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(HANDSHAKE_TIMEOUT)
    try:
        sock.connect(socket_path())
    except OSError:
        sock.close()
        return None
    return sock


def server_status() -> dict[str, object] | None:
    """The running server's process id and socket, or None when none runs."""
    sock = _listening()
    if sock is None:
        return None
    try:
        send(sock, {"protocol": PROTOCOL, "status": True})
        reply, _ = receive(sock)
    except (OSError, ValueError):
        return None
    finally:
        sock.close()
    if not reply or not isinstance(reply.get("server"), int):
        return None
    return {"pid": reply["server"], "socket": socket_path()}


def stop_server() -> int | None:
    """Stop the running server; its process id, or None when none ran."""
    import signal
    import time

    status = server_status()
    if status is None:
        return None
    pid = status["pid"]
    assert isinstance(pid, int)
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.exists(socket_path()):
        time.sleep(0.02)
    return pid


class _Stop(Exception):
    """SIGTERM: the server stops."""


def serve(idle: float | None, detach: bool = False, ready: object = None,
          log: str | None = None) -> None:
    """Run the server until ``idle`` seconds pass without a command (None: never).

    SIGTERM (``server stop``) and Ctrl-C stop it too.

    ``ready(path, pid)`` is called once the socket accepts commands; with ``detach`` the
    server then goes on in the background and this returns at once. With ``log``, one line
    per command served is appended to that file (time, exit, seconds, arguments).
    """
    import gc
    import signal
    import socket

    from ..errors import OutputConflictError as ServerError  # exit 3: cannot make the socket

    folder = socket_folder()
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ServerError(f"cannot make the folder of the socket {folder}: "
                          f"{exc.strerror}") from None
    if not private(folder):
        raise ServerError(f"{folder} is not a folder of yours that only you can enter; "
                          "remove it, or set XDG_RUNTIME_DIR to one that is")
    path = socket_path()
    running = _listening()
    if running is not None:
        running.close()
        raise ServerError(f"a server is already running on {path}",
                          hint="stop it with `proposal-kit server stop`")
    if log is not None:
        _LOG[:] = [_open_log(log, ServerError)]
    warm_up()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        if os.path.lexists(path):
            os.unlink(path)  # left by a server that was killed
        listener.bind(path)
        os.chmod(path, 0o600)
        listener.listen(64)
    except OSError as exc:
        listener.close()
        raise ServerError(f"cannot listen on {path}: {exc.strerror or exc}") from None
    inode = os.stat(path).st_ino
    if detach:
        if os.fork():
            listener.close()
            if callable(ready):
                ready(path, None)
            return
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
    elif callable(ready):
        ready(path, os.getpid())

    def stop(_number: int, _frame: object) -> None:
        raise _Stop

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the copies are reaped by the system
    stamp = _code_stamp()
    gc.collect()
    gc.freeze()  # the copies then share the warm objects instead of copying them
    listener.settimeout(idle)
    try:
        while True:
            try:
                conn, _address = listener.accept()
            except TimeoutError:
                break
            except InterruptedError:
                continue
            if _code_stamp() != stamp:  # proposal-kit was changed: old code must not run
                conn.close()
                break
            if os.fork() == 0:
                listener.close()
                _handle(conn)  # never returns
            conn.close()
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        listener.close()
        try:
            if os.stat(path).st_ino == inode:
                os.unlink(path)
        except OSError:
            pass
    if detach:
        os._exit(0)


def _handle(conn: socket.socket) -> None:
    """One connection, in a copy of the server: check it, run the command, report its end."""
    import signal
    import socket
    import struct

    code = 0
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.setsid()  # a Ctrl-C at the server's own terminal stops it, not the commands
        conn.settimeout(HANDSHAKE_TIMEOUT)
        uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                  struct.calcsize("3i")))[1]
        if uid != os.getuid():
            raise OSError("another user")
        request, fds = receive(conn, with_fds=3)
        if request is not None and request.get("status"):
            send(conn, {"server": os.getppid()})
        elif (request is not None and request.get("protocol") == PROTOCOL
                and request.get("installation") == installation() and len(fds) == 3):
            conn.settimeout(None)
            _supervise(conn, request, fds)
        else:
            send(conn, {"refused": "not a command of this installation"})
    except BaseException:
        code = 1
    os._exit(code)


def _supervise(conn: socket.socket, request: dict[str, object], fds: list[int]) -> None:
    """Start the command's copy, pass it the caller's signals, send its exit status back."""
    import select
    import signal
    import time

    started = time.monotonic()
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(go_write)
        conn.close()
        _work(request, fds, go_read)  # never returns
    os.close(go_read)
    for fd in fds:
        os.close(fd)
    try:
        send(conn, {"pid": pid})
        os.write(go_write, b"go")
    except OSError:  # the caller is gone already
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return
    finally:
        os.close(go_write)
    waiter = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None
    kill_at: float | None = None
    caller = True
    while True:
        watched = ([conn] if caller else []) + ([waiter] if waiter is not None else [])
        timeout = 0.05 if waiter is None else None
        if kill_at is not None:
            timeout = max(0.0, min(timeout or GRACE, kill_at - time.monotonic()))
        readable, _, _ = select.select(watched, [], [], timeout)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if kill_at is not None and time.monotonic() >= kill_at:
            os.kill(pid, signal.SIGKILL)
            kill_at = None
        if caller and conn in readable:
            try:
                message, _ = receive(conn)
            except (OSError, ValueError):
                message = None
            if message is None:  # the caller was killed: interrupt the command, then kill it
                os.kill(pid, signal.SIGINT)
                kill_at = time.monotonic() + GRACE
                caller = False
            elif message.get("signal") in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                os.kill(pid, int(message["signal"]))  # type: ignore[call-overload]
    if os.WIFSIGNALED(status):
        reply: dict[str, object] = {"signal": os.WTERMSIG(status)}
    else:
        reply = {"exit": os.waitstatus_to_exitcode(status)}
    if _LOG:  # before the reply: the log is complete once the command has ended
        _log_line(_LOG[0], request, reply, time.monotonic() - started)
    with contextlib.suppress(OSError):
        send(conn, reply)


#: The file ``server start --log`` appends to.
_LOG: list[str] = []


def _open_log(log: str, error: type[Exception]) -> str:
    """The log's absolute path, once it is known to take lines (created if missing)."""
    import stat

    path = os.path.abspath(log)
    if os.path.realpath(path).startswith(("/proc/", "/sys/", "/dev/")):
        raise error(f"{path}: the log must be a file (not a system file)")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o600)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise error(f"{path}: the log must be a file (not a device or a pipe)")
        finally:
            os.close(fd)
    except OSError as exc:
        raise error(f"cannot write the log {path}: {exc.strerror or exc}") from None
    return path


def _log_line(path: str, request: dict[str, object], reply: dict[str, object],
              seconds: float) -> None:
    """``2026-12-07T16:20:01 exit 0 0.27 s in /folder: render project.yaml``."""
    import json
    import time

    end = (f"exit {reply['exit']}" if "exit" in reply else f"signal {reply['signal']}")
    argv = request.get("argv")
    words = " ".join(str(a) if str(a).isprintable() and str(a) and " " not in str(a)
                     else json.dumps(str(a)) for a in (argv if isinstance(argv, list) else []))
    line = (f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {end} {seconds:.2f} s "
            f"in {request.get('cwd')}: {words}\n")
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8", "backslashreplace"))
        finally:
            os.close(fd)


#: The server's own standard streams, kept so that dropping them does not close 0, 1, 2.
_KEPT: list[object] = []


def _work(request: dict[str, object], fds: list[int], go: int) -> None:
    """The command, in a copy of the warm server, as the caller would have run it."""
    import io
    import resource
    import signal
    import tempfile
    import time

    try:
        if os.read(go, 2) != b"go":
            os._exit(1)
        os.close(go)
        for target, fd in zip((0, 1, 2), fds, strict=True):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        env = request["env"]
        assert isinstance(env, dict)
        os.environ.clear()
        os.environ.update(env)
        time.tzset()  # the caller's TZ
        tempfile.tempdir = None  # the caller's TMPDIR
        os.chdir(str(request["cwd"]))
        os.umask(int(request["umask"]))  # type: ignore[call-overload]
        limits = request.get("limits")
        for name, (soft, hard) in (limits.items() if isinstance(limits, dict) else ()):
            number = getattr(resource, name, None)
            if number is None:
                continue
            try:
                resource.setrlimit(number, (soft, hard))
            except (ValueError, OSError):  # above the server's own hard limit
                try:
                    current = resource.getrlimit(number)[1]
                    capped = soft if current == resource.RLIM_INFINITY else (
                        current if soft == resource.RLIM_INFINITY else min(soft, current))
                    resource.setrlimit(number, (capped, current))
                except (ValueError, OSError):
                    pass
        _KEPT.extend([sys.stdin, sys.stdout, sys.stderr])
        unbuffered = bool(os.environ.get("PYTHONUNBUFFERED"))
        sys.stdin = io.TextIOWrapper(open(0, "rb", closefd=False),  # noqa: SIM115
                                     encoding=sys.stdin.encoding, errors=sys.stdin.errors)
        sys.stdout = io.TextIOWrapper(open(1, "wb", closefd=False),  # noqa: SIM115
                                      encoding=sys.stdout.encoding, errors=sys.stdout.errors,
                                      line_buffering=os.isatty(1), write_through=unbuffered)
        sys.stderr = io.TextIOWrapper(open(2, "wb", closefd=False),  # noqa: SIM115
                                      encoding=sys.stderr.encoding, errors="backslashreplace",
                                      line_buffering=True)
        argv = request["argv"]
        assert isinstance(argv, list)
        sys.argv = ["proposal-kit", *map(str, argv)]
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    except BaseException as exc:
        try:
            os.write(2, f"proposal-kit: error: the resident process could not take the "
                        f"command: {exc}\n".encode())
        finally:
            os._exit(4)
    from ..__main__ import run_here

    run_here()
    os._exit(0)
