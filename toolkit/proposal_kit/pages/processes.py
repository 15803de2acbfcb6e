"""Process handling for LibreOffice: wait without reaping, kill the whole group, Ctrl-C.

LibreOffice runs as ``soffice`` (a shell script) -> ``oosplash`` -> ``soffice.bin``, in a
session of its own. These helpers stop all of it, and leave no zombie behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

__all__ = ["GroupGuard", "guard", "killpg", "stop_group", "terminate_as_interrupt",
           "wait_unreaped"]


def _stat(pid: int) -> tuple[str, int, int] | None:
    """State, parent and process group of ``pid`` from /proc (Linux), None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = text.rsplit(")", 1)[-1].split()
    return (fields[0], int(fields[1]), int(fields[2])) if len(fields) > 2 else None


def stop_group(pgid: int) -> None:
    """Kill LibreOffice's process group, the leader's children first.

    The leader (``oosplash``) reaps ``soffice.bin`` when it dies. Killing both at once
    would leave ``soffice.bin`` a zombie for PID 1 to reap, which in a container may never
    happen.
    """
    members: list[int] = []
    if os.path.isdir("/proc"):
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) != pgid:
                stat = _stat(int(entry))
                if stat and stat[2] == pgid:
                    members.append(int(entry))
    for pid in members:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 2.0
    while members and time.monotonic() < deadline:
        time.sleep(0.01)
        states = {pid: _stat(pid) for pid in members}
        members = [pid for pid, st in states.items()
                   if st is not None and not (st[0] == "Z" and st[1] != pgid)]
    killpg(pgid)


def killpg(pgid: int) -> None:
    """Kill LibreOffice's whole process group (it runs in its own session)."""
    if sys.platform == "win32":  # pragma: no cover - no process groups
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def wait_unreaped(pid: int, deadline: float) -> bool | None:
    """Wait until ``pid`` exits without reaping it (its group id stays ours); None on timeout.

    The leader is left a zombie so that its process group cannot be reused before the
    stragglers in it are killed.
    """
    if sys.platform == "win32" or not hasattr(os, "waitid"):  # pragma: no cover
        return _wait_windows(pid, deadline)
    delay = 0.005
    while True:
        try:
            result = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return True
        if result is not None and result.si_pid != 0:
            return True
        if time.monotonic() >= deadline:
            return None
        time.sleep(delay)
        delay = min(delay * 1.5, 0.01)


def _wait_windows(pid: int, deadline: float) -> bool | None:  # pragma: no cover
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return True
        time.sleep(0.05)
    return None


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into KeyboardInterrupt meanwhile, so cleanup runs then too.

    ``kill``, ``timeout``, a service manager or a closed terminal then stop LibreOffice
    with us, as Ctrl-C does.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signals = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    previous = {number: signal.signal(number, handler) for number in signals}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C back meanwhile; it is delivered, as KeyboardInterrupt, on leaving.

    For imports made while LibreOffice works: an import cut short by Ctrl-C inside a
    compiled extension can leave CPython set to die by SIGINT after our clean exit 130.
    """
    if not hasattr(signal, "pthread_sigmask") or \
            threading.current_thread() is not threading.main_thread():
        yield  # pragma: no cover - Windows, or a worker thread
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


#: The watchdog: waits on a pipe from proposal-kit; at end of file (proposal-kit is gone,
#: even killed by SIGKILL) it kills the process group; on "d" (done) it leaves quietly.
_WATCHDOG = """\
import os, signal, sys
fd, group = int(sys.argv[1]), int(sys.argv[2])
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
try:
    data = os.read(fd, 1)
except OSError:
    data = b""
if data != b"d":
    try:
        os.killpg(group, signal.SIGKILL)
    except OSError:
        pass
"""


class GroupGuard:
    """Kills a process group if proposal-kit dies before releasing it (see :func:`guard`)."""

    def __init__(self, pgid: int) -> None:
        self.pgid = pgid
        self._write: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        if sys.platform == "win32":  # pragma: no cover - no process groups
            return
        read, write = os.pipe()
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-S", "-c", _WATCHDOG, str(read), str(pgid)],
                pass_fds=(read,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:  # no watchdog: the group is still stopped on any normal exit
            os.close(write)
            return
        finally:
            os.close(read)
        self._write = write

    def release(self) -> None:
        """The group was stopped by us: let the watchdog go without killing anything."""
        if self._write is not None:
            with contextlib.suppress(OSError):
                os.write(self._write, b"d")
            os.close(self._write)
            self._write = None
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
            self._proc = None


def guard(pgid: int) -> GroupGuard:
    """Start a watchdog that kills process group ``pgid`` when proposal-kit dies.

    LibreOffice runs in a session of its own so that Ctrl-C and a time-out can stop all of
    it; the watchdog makes sure it also goes when proposal-kit is killed with SIGKILL,
    which no handler can catch: the pipe to the watchdog then closes, and it kills the
    group. Call :meth:`GroupGuard.release` once the group has been stopped.
    """
    return GroupGuard(pgid)
