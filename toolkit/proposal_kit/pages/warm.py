"""A LibreOffice kept warm between conversions, for `watch`.

One ``soffice`` listens on a private UNO pipe with its own temporary profile; a small
bridge (``uno_bridge.py``) runs under the Python that has LibreOffice's ``uno`` module and
converts one document per request. Each conversion then costs the layout only, not the
start of LibreOffice. Leaving the ``with`` block stops both processes and their children.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from ..errors import ExternalToolError
from .convert import INSTALL_HINT
from .processes import GroupGuard, guard, killpg, stop_group, terminate_as_interrupt

__all__ = ["WarmConversion", "WarmOffice", "find_uno_python"]

_BRIDGE = Path(__file__).with_name("uno_bridge.py")
_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python")


def find_uno_python() -> str | None:
    """A Python that can import ``uno`` (``PROPOSAL_KIT_UNO_PYTHON`` first), or None."""
    candidates = [os.environ.get("PROPOSAL_KIT_UNO_PYTHON", ""), *_PYTHONS]
    for python in filter(None, candidates):
        if not Path(python).is_file():
            continue
        probe = subprocess.run([python, "-c", "import uno"], capture_output=True,
                               timeout=30, check=False)
        if probe.returncode == 0:
            return python
    return None


class WarmOffice:
    """A running LibreOffice and its UNO bridge; ``convert`` lays documents out."""

    def __init__(self, soffice: Path, python: str, timeout: float = 120.0) -> None:
        self.soffice = soffice
        self.python = python
        self.timeout = timeout
        self._stack = contextlib.ExitStack()
        self._office: subprocess.Popen[bytes] | None = None
        self._bridge: subprocess.Popen[str] | None = None
        #: Watchdogs that stop LibreOffice if proposal-kit is killed (see processes.guard).
        self._guards: list[GroupGuard] = []
        self.work = Path()
        #: How many times LibreOffice was started (again after it crashed or hung).
        self.starts = 0

    def __enter__(self) -> WarmOffice:
        try:
            self.work = Path(self._stack.enter_context(
                tempfile.TemporaryDirectory(prefix="proposal-kit-warm-")))
            self._stack.enter_context(terminate_as_interrupt())  # kill/timeout stop LO too
            self._stack.callback(self._stop)
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stack.close()

    def _start(self) -> None:
        self.starts += 1
        pipe = f"proposal-kit-{uuid.uuid4().hex}"
        profile = self.work / f"profile-{self.starts}"  # fresh after a crash
        command = [str(self.soffice), "--headless", "--invisible", "--norestore",
                   "--nolockcheck", "--nologo", "--nodefault",
                   f"-env:UserInstallation={profile.as_uri()}",
                   f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
        log = (self.work / f"soffice-{self.starts}.log").open("wb")
        self._stack.callback(log.close)
        try:
            self._office = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
            self._guards.append(guard(self._office.pid))
            self._bridge = subprocess.Popen(
                [self.python, str(_BRIDGE), pipe, str(self.timeout)], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                start_new_session=True)
            self._guards.append(guard(self._bridge.pid))
        except OSError as exc:
            raise ExternalToolError(f"cannot start LibreOffice: {exc}", hint=INSTALL_HINT) \
                from None
        if self._answer() != "ready":
            raise ExternalToolError("LibreOffice did not accept the connection of the "
                                    "page counter")

    def _answer(self) -> str:
        bridge = self._bridge
        assert bridge is not None and bridge.stdout is not None
        ready, _, _ = select.select([bridge.stdout], [], [], self.timeout)
        if not ready:
            self._stop()
            raise ExternalToolError(f"LibreOffice did not answer within {self.timeout:g} s "
                                    "and was stopped")
        return bridge.stdout.readline().strip()

    def submit(self, source: Path, target: Path) -> None:
        """Ask LibreOffice to convert ``source`` to ``target`` and return at once.

        A LibreOffice that has stopped since the last conversion (it crashed, or hung and was
        stopped) is started again first, so a watch survives it.
        """
        if not self._running():
            self._stop()
            self._start()
        bridge = self._bridge
        assert bridge is not None and bridge.stdin is not None
        bridge.stdin.write(f"{source}\t{target}\n")
        bridge.stdin.flush()

    def _running(self) -> bool:
        return all(proc is not None and proc.poll() is None
                   for proc in (self._office, self._bridge))

    def receive(self, source: Path, target: Path) -> Path:
        """Wait for the conversion :meth:`submit` asked for; raise on failure or time-out."""
        answer = self._answer()
        if answer != "ok" or not target.is_file():
            raise ExternalToolError(f"LibreOffice could not convert {source.name}: "
                                    f"{answer.removeprefix('error ') or 'no answer'}")
        return target

    def conversion(self, source: Path,
                   prepare: Callable[[Path, Path], bool] | None = None) -> WarmConversion:
        """A conversion of ``source`` with the interface of :class:`convert.Conversion`."""
        return WarmConversion(self, source, prepare)

    def _stop(self) -> None:
        if self._bridge is not None and self._bridge.stdin:
            with contextlib.suppress(OSError):
                self._bridge.stdin.close()
        for proc in (self._bridge, self._office):
            if proc is not None:
                _end(proc)
        self._bridge = self._office = None
        for watchdog in self._guards:
            watchdog.release()
        self._guards.clear()


def _end(proc: subprocess.Popen[str] | subprocess.Popen[bytes]) -> None:
    """Stop ``proc`` and its process group, and reap it."""
    if proc.poll() is None:
        stop_group(proc.pid)
    for _ in range(2):  # a loaded machine can take its time; the group is killed once more
        try:
            proc.wait(timeout=5)
            break
        except subprocess.TimeoutExpired:
            killpg(proc.pid)
    if proc.stdout:
        proc.stdout.close()


class WarmConversion:
    """One document through a :class:`WarmOffice` (``start`` then ``wait``)."""

    _count = 0

    def __init__(self, office: WarmOffice, source: Path,
                 prepare: Callable[[Path, Path], bool] | None) -> None:
        WarmConversion._count += 1
        self.office = office
        self.source = source
        self.prepare = prepare
        self.folder = office.work / f"job-{WarmConversion._count}"
        self._pending = False

    def __enter__(self) -> WarmConversion:
        self.folder.mkdir()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pending:  # left early: read the answer, or the next job would get it
            with contextlib.suppress(ExternalToolError):
                self.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def start(self) -> None:
        """Prepare the private copy LibreOffice opens, and hand it over: it works meanwhile."""
        document = self.folder / "document.docx"
        if not (self.prepare and self.prepare(self.source, document)):
            shutil.copyfile(self.source, document)
        self.office.submit(document, self.folder / "document.pdf")
        self._pending = True

    def wait(self) -> Path:
        """Wait for LibreOffice and return the PDF."""
        self._pending = False
        return self.office.receive(self.source, self.folder / "document.pdf")
