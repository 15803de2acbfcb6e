"""Run LibreOffice headless on a document: a DOCX laid out as a PDF, a workbook recalculated.

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
import math
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExternalToolError, InputError, UsageError
from ..resources import user_cache_dir
from .processes import guard, killpg, stop_group, terminate_as_interrupt, wait_unreaped

__all__ = ["CALC_HINT", "DEFAULT_TIMEOUT", "INSTALL_HINT", "RECALCULATED_XLSX", "Conversion",
           "Target", "find_soffice",
           "soffice_timeout"]

DEFAULT_TIMEOUT = 120.0
INSTALL_HINT = ("install LibreOffice: Debian/Ubuntu `sudo apt-get install "
                "libreoffice-writer-nogui`, macOS `brew install --cask libreoffice`, Windows "
                "https://www.libreoffice.org/download/; or set PROPOSAL_KIT_SOFFICE to the soffice "
                "program")
#: What a workbook's recalculation needs besides LibreOffice itself: its spreadsheet part.
CALC_HINT = ("install LibreOffice Calc: Debian/Ubuntu `sudo apt-get install "
             "libreoffice-calc-nogui`; or set PROPOSAL_KIT_SOFFICE to an soffice that has Calc")
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


#: The longest timeout that means something: a day (a longer one is a typo or ``inf``).
MAX_TIMEOUT = 86_400.0


def timeout_problem(value: float) -> str | None:
    """Why ``value`` cannot be a timeout in seconds (``inf``, ``nan``, 0, negative), or None."""
    if math.isnan(value):
        return "must be a number of seconds, not nan"
    if not value > 0:
        return f"must be more than 0 seconds, not {value:g}"
    if value > MAX_TIMEOUT:
        shown = "inf" if math.isinf(value) else f"{value:g}"
        return f"must be at most {MAX_TIMEOUT:,.0f} seconds (a day), not {shown}"
    return None


def soffice_timeout(value: float | None = None) -> float:
    """The timeout in seconds: ``value``, else ``PROPOSAL_KIT_SOFFICE_TIMEOUT``, else 120."""
    name = "the LibreOffice timeout"
    if value is None:
        text = os.environ.get("PROPOSAL_KIT_SOFFICE_TIMEOUT", "").strip()
        if not text:
            return DEFAULT_TIMEOUT
        name = "PROPOSAL_KIT_SOFFICE_TIMEOUT"
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"PROPOSAL_KIT_SOFFICE_TIMEOUT is not a number: {text!r}") from None
    problem = timeout_problem(value)
    if problem:
        raise UsageError(f"{name} {problem}")
    return value


def _profile_base() -> str | None:
    """Where the throw-away profile goes: RAM, unless TMPDIR says otherwise.

    A profile has some 60 folders, which take a tenth of a second to delete on some disks.
    """
    if os.environ.get("TMPDIR"):
        return None
    for candidate in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"):
        if candidate and os.path.isdir(candidate) and os.access(candidate, os.W_OK | os.X_OK):
            return candidate
    return None


def _cache_dir(soffice: Path) -> Path:
    real = Path(os.path.realpath(soffice))
    try:
        stamp = f"{real}:{real.stat().st_mtime_ns}"
    except OSError:
        stamp = str(real)
    key = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    return user_cache_dir() / "libreoffice-profile" / key


@dataclass(frozen=True)
class Target:
    """What LibreOffice converts to: ``--convert-to`` filter, output suffix, settings."""

    convert_to: str = "pdf:writer_pdf_Export"
    suffix: str = ".pdf"
    #: Recalculate every formula when a spreadsheet is loaded (LibreOffice otherwise keeps
    #: the values a file was saved with, or shows none for a file written without them).
    recalculate: bool = False
    #: What the document is, for the message when LibreOffice cannot open it.
    kind: str = "Word document"


#: A workbook recalculated and saved as .xlsx, its cached values then those of LibreOffice.
RECALCULATED_XLSX = Target("xlsx:Calc MS Excel 2007 XML", ".xlsx", True, "Excel workbook")

#: Load settings of a throw-away profile that make Calc recalculate OOXML and ODF files.
_RECALC_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class Conversion:
    """One LibreOffice conversion of a document; use as a context manager.

    A DOCX is laid out as a PDF unless ``target`` says otherwise (a workbook recalculated).
    ``prepare(source, copy)``, if given, may write the private copy LibreOffice opens (and
    return True); otherwise the document is copied as it is. ``start()`` launches
    LibreOffice and returns at once, so the caller can work while the document is laid out;
    ``wait()`` returns the PDF (or the ``target``'s output). Leaving the ``with`` block
    always kills what is left of LibreOffice and deletes the temporary folder.
    """

    def __init__(self, source: Path, soffice: Path, timeout: float,
                 prepare: Callable[[Path, Path], bool] | None = None,
                 target: Target = Target()) -> None:
        self.source = source
        self.target = target
        self.prepare = prepare
        self.soffice = soffice
        self.timeout = timeout
        self._stack = contextlib.ExitStack()
        self._proc: subprocess.Popen[bytes] | None = None
        self._deadline = 0.0
        self._work = self._profile = Path()
        self._fresh = False

    def __enter__(self) -> Conversion:
        try:
            self._work = Path(self._stack.enter_context(
                tempfile.TemporaryDirectory(prefix="proposal-kit-")))
            try:
                profile = tempfile.TemporaryDirectory(prefix="proposal-kit-lo-",
                                                      dir=_profile_base())
            except OSError:
                profile = tempfile.TemporaryDirectory(prefix="proposal-kit-lo-")
            self._profile = Path(self._stack.enter_context(profile))
            self._stack.enter_context(terminate_as_interrupt())
            self._stack.callback(self._kill)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def start(self) -> None:
        """Copy the document into the private folder and launch LibreOffice."""
        profile = self._profile
        self._fresh = not self._seed(profile / "user")
        document = self._work / "in" / f"document{self.source.suffix.lower() or '.docx'}"
        document.parent.mkdir()
        if self.target.recalculate:
            (profile / "user").mkdir(parents=True, exist_ok=True)
            (profile / "user" / "registrymodifications.xcu").write_text(
                _RECALC_SETTINGS, encoding="utf-8")
        if not (self.prepare and self.prepare(self.source, document)):
            shutil.copyfile(self.source, document)
        command = [str(self.soffice), "--headless", "--invisible", "--norestore",
                   "--nolockcheck", "--nologo", "--nodefault",
                   f"-env:UserInstallation={profile.as_uri()}",
                   "--convert-to", self.target.convert_to, "--outdir", str(self._work / "out"),
                   str(document)]
        self._log = (self._work / "soffice.log").open("wb")
        self._stack.callback(self._log.close)
        try:
            self._proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self._log,
                                          stderr=subprocess.STDOUT, start_new_session=True,
                                          cwd=self._work)
            self._stack.callback(guard(self._proc.pid).release)
        except OSError as exc:
            raise ExternalToolError(f"cannot run LibreOffice ({self.soffice}): {exc}",
                                    hint=INSTALL_HINT) from None
        self._deadline = time.monotonic() + self.timeout

    def wait(self) -> Path:
        """Wait for LibreOffice; return its output or raise :class:`ExternalToolError`."""
        proc = self._proc
        assert proc is not None, "start() first"
        status = wait_unreaped(proc.pid, self._deadline)
        if status is None:
            self._kill()
            raise ExternalToolError(
                f"LibreOffice did not finish within {self.timeout:g} s and was stopped",
                hint="set PROPOSAL_KIT_SOFFICE_TIMEOUT (seconds) to allow more time")
        killpg(proc.pid)  # helpers left behind while the leader is still unreaped
        proc.wait()
        pdf = self._work / "out" / f"document{self.target.suffix}"
        if proc.returncode == 0 and pdf.is_file() and pdf.stat().st_size > 0:
            if self._fresh:
                self._save_seed(self._profile / "user")
            self._remove_profile()
            return pdf
        if not self._fresh:  # in case the cached registration is to blame, drop it
            shutil.rmtree(_cache_dir(self.soffice), ignore_errors=True)
        log = (self._work / "soffice.log").read_text(encoding="utf-8", errors="replace")
        detail = " ".join(line for line in log.splitlines()
                          if "javaldx" not in line and line.strip())[-300:]
        if "no export filter" in log.lower() and self.target.recalculate:
            raise ExternalToolError("LibreOffice cannot open spreadsheets here: its Calc part "
                                    "is not installed", hint=CALC_HINT)
        if "could not be loaded" in log or "General Error" in log:
            raise InputError(f"LibreOffice could not open {self.source.name}",
                             hint=detail or f"is it a valid {self.target.kind}?")
        what = self.target.suffix.lstrip(".").upper()
        raise ExternalToolError(f"LibreOffice failed (exit {proc.returncode}) and wrote no "
                                f"{what}", hint=detail or None)

    def _remove_profile(self) -> None:
        """Delete the used profile in the background while the caller reads the PDF."""
        worker = threading.Thread(target=shutil.rmtree, args=(self._profile, True),
                                  daemon=True)
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
        stop_group(proc.pid)
        with contextlib.suppress(OSError):
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
