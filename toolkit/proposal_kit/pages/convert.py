"""Lay a DOCX out with LibreOffice headless and get the PDF.

Each run has its own temporary user profile, so it neither touches the user's LibreOffice
nor collides with a LibreOffice already open. LibreOffice runs in a new session (its own
process group); the whole group is killed on timeout, on Ctrl-C, on SIGTERM and on any exit,
so no ``soffice.bin`` is left behind.

A fresh profile makes LibreOffice register its bundled extensions and restart itself, which
costs about a quarter of a second; the registration (``user/extensions``, no user data) is
kept in the user cache folder after the first run and copied into each new profile.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

from ..errors import ExternalToolError, InputError, UsageError

__all__ = ["DEFAULT_TIMEOUT", "INSTALL_HINT", "Conversion", "find_soffice", "soffice_timeout"]

DEFAULT_TIMEOUT = 120.0
INSTALL_HINT = ("install LibreOffice: Debian/Ubuntu `sudo apt-get install "
                "libreoffice-writer-nogui`, macOS `brew install --cask libreoffice`, Windows "
                "https://www.libreoffice.org/download/; or set PROPOSAL_KIT_SOFFICE to the soffice "
                "program")
_NAMES = ("soffice", "libreoffice")
_KNOWN = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",
          r"C:\Program Files\LibreOffice\program\soffice.exe")
_SEEDED = ("extensions", "uno_packages")


def find_soffice() -> Path | None:
    """The LibreOffice program: ``PROPOSAL_KIT_SOFFICE``, else ``soffice``/``libreoffice``."""
    configured = os.environ.get("PROPOSAL_KIT_SOFFICE")
    if configured:
        found = shutil.which(configured)
        return Path(found) if found else None
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((Path(p) for p in _KNOWN if os.access(p, os.X_OK)), None)


def soffice_timeout(value: float | None = None) -> float:
    """The timeout in seconds: ``value``, else ``PROPOSAL_KIT_SOFFICE_TIMEOUT``, else 120."""
    if value is None:
        text = os.environ.get("PROPOSAL_KIT_SOFFICE_TIMEOUT", "").strip()
        if not text:
            return DEFAULT_TIMEOUT
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"PROPOSAL_KIT_SOFFICE_TIMEOUT is not a number: {text!r}") from None
    if not value > 0:
        raise UsageError(f"the LibreOffice timeout must be positive, not {value}")
    return value


def _cache_dir(soffice: Path) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    real = Path(os.path.realpath(soffice))
    try:
        stamp = f"{real}:{real.stat().st_mtime_ns}"
    except OSError:
        stamp = str(real)
    key = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    return Path(base) / "proposal-kit" / "libreoffice-profile" / key


class Conversion:
    """One LibreOffice conversion of a DOCX to PDF; use as a context manager.

    ``start()`` launches LibreOffice and returns at once, so the caller can work while the
    document is laid out; ``wait()`` returns the PDF. Leaving the ``with`` block always kills
    what is left of LibreOffice and deletes the temporary folder.
    """

    def __init__(self, source: Path, soffice: Path, timeout: float) -> None:
        self.source = source
        self.soffice = soffice
        self.timeout = timeout
        self._stack = contextlib.ExitStack()
        self._proc: subprocess.Popen[bytes] | None = None
        self._deadline = 0.0
        self._work = Path()
        self._fresh = False

    def __enter__(self) -> Conversion:
        self._work = Path(self._stack.enter_context(
            tempfile.TemporaryDirectory(prefix="proposal-kit-")))
        self._stack.enter_context(_terminate_as_interrupt())
        self._stack.callback(self._kill)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def start(self) -> None:
        """Copy the document into the private folder and launch LibreOffice."""
        profile = self._work / "profile"
        self._fresh = not self._seed(profile / "user")
        document = self._work / "in" / "document.docx"
        document.parent.mkdir()
        shutil.copyfile(self.source, document)
        command = [str(self.soffice), "--headless", "--invisible", "--norestore",
                   "--nolockcheck", "--nologo", "--nodefault",
                   f"-env:UserInstallation={profile.as_uri()}",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(self._work / "out"),
                   str(document)]
        self._log = (self._work / "soffice.log").open("wb")
        self._stack.callback(self._log.close)
        try:
            self._proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self._log,
                                          stderr=subprocess.STDOUT, start_new_session=True,
                                          cwd=self._work)
        except OSError as exc:
            raise ExternalToolError(f"cannot run LibreOffice ({self.soffice}): {exc}",
                                    hint=INSTALL_HINT) from None
        self._deadline = time.monotonic() + self.timeout

    def wait(self) -> Path:
        """Wait for LibreOffice; return the PDF or raise :class:`ExternalToolError`."""
        proc = self._proc
        assert proc is not None, "start() first"
        status = _wait_unreaped(proc.pid, self._deadline)
        if status is None:
            self._kill()
            raise ExternalToolError(
                f"LibreOffice did not finish within {self.timeout:g} s and was stopped",
                hint="set PROPOSAL_KIT_SOFFICE_TIMEOUT (seconds) to allow more time")
        _killpg(proc.pid)  # helpers left behind while the leader is still unreaped
        proc.wait()
        pdf = self._work / "out" / "document.pdf"
        if proc.returncode == 0 and pdf.is_file() and pdf.stat().st_size > 0:
            if self._fresh:
                self._save_seed(self._work / "profile" / "user")
            self._remove_profile()
            return pdf
        log = (self._work / "soffice.log").read_text(encoding="utf-8", errors="replace")
        detail = " ".join(line for line in log.splitlines()
                          if "javaldx" not in line and line.strip())[-300:]
        if "could not be loaded" in log or "General Error" in log:
            raise InputError(f"LibreOffice could not open {self.source.name}",
                             hint=detail or "is it a valid Word document?")
        raise ExternalToolError(f"LibreOffice failed (exit {proc.returncode}) and wrote no PDF",
                                hint=detail or None)

    def _remove_profile(self) -> None:
        """Delete the used profile in the background while the caller reads the PDF."""
        profile = self._work / "profile"
        worker = threading.Thread(target=shutil.rmtree, args=(profile, True), daemon=True)
        worker.start()
        self._stack.callback(worker.join)

    def _seed(self, user: Path) -> bool:
        cache = _cache_dir(self.soffice)
        if not all((cache / name).is_dir() for name in _SEEDED):
            return False
        try:
            for name in _SEEDED:
                shutil.copytree(cache / name, user / name)
        except OSError:
            shutil.rmtree(user, ignore_errors=True)
            return False
        return True

    def _save_seed(self, user: Path) -> None:
        cache = _cache_dir(self.soffice)
        if not all((user / name).is_dir() for name in _SEEDED):
            return
        with contextlib.suppress(OSError):
            cache.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".seed-", dir=cache.parent))
            for name in _SEEDED:
                shutil.copytree(user / name, staging / name)
            try:
                staging.rename(cache)
            except OSError:  # another run saved it first
                shutil.rmtree(staging, ignore_errors=True)

    def _kill(self) -> None:
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        _killpg(proc.pid)
        with contextlib.suppress(OSError):
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)


def _killpg(pgid: int) -> None:
    """Kill LibreOffice's whole process group (it runs in its own session)."""
    if sys.platform == "win32":  # pragma: no cover - no process groups
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _wait_unreaped(pid: int, deadline: float) -> bool | None:
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
def _terminate_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt meanwhile, so cleanup runs then too."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous: Callable[[int, FrameType | None], object] | int | None
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
