"""`watch`: re-render on every save, and re-count pages with a LibreOffice kept warm.

The project folder (project file, section texts, ``texts/``, ``templates/``) and the extra
text libraries are watched with watchdog. Saves are gathered for a short quiet period, then
the draft is rendered again; a user error is reported and the watch goes on.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .errors import ProposalKitError
from .pages import PagesReport, count_pages
from .pages.convert import find_soffice
from .pages.report import SectionChange, section_changes
from .pages.warm import WarmOffice, find_uno_python
from .project import load_project
from .render import output_format, render_project
from .safeio import check_regular

__all__ = ["WatchEvent", "layout_fingerprint", "watch"]

_IGNORED_PREFIXES = (".", "~$", "#")
_IGNORED_SUFFIXES = (".tmp", ".swp", "~", ".pdf")


@dataclass(frozen=True)
class WatchEvent:
    """What the watch reports: ``rendered``, ``pages``, ``error``, ``note`` or ``ready``.

    A ``pages`` event after the first also carries the pages counted before
    (``pages_before``) and the sections whose pages changed since (``changes``). When the
    render laid out the same content as the last count (``unchanged``), its pages are that
    count's: LibreOffice is not asked again.
    """

    kind: str
    message: str
    output: Path | None = None
    pages: PagesReport | None = None
    seconds: float = 0.0
    pages_before: int | None = None
    changes: tuple[SectionChange, ...] = ()
    unchanged: bool = False


Report = Callable[[WatchEvent], None]

#: Parts of a DOCX that do not change its layout: properties and the base of `absorb`.
_NOT_LAID_OUT = ("docProps/", "customXml/")


def layout_fingerprint(path: Path) -> str | None:
    """SHA-256 of every part of the DOCX at ``path`` that LibreOffice lays out.

    Document, styles, numbering, headers, footers, settings, images and relationships;
    not the document properties nor the base kept for `absorb`, which change no page.
    None when the file cannot be read.
    """
    import hashlib
    import zipfile

    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if not name.startswith(_NOT_LAID_OUT):
                    digest.update(name.encode() + b"\0" + archive.read(name) + b"\0")
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError):
        return None
    return digest.hexdigest()


@dataclass(frozen=True)
class _Counted:
    """The last count and the fingerprint of what it laid out."""

    report: PagesReport
    fingerprint: str | None


class _Changes(FileSystemEventHandler):
    """Collects relevant changes; ``wait`` returns after a quiet period."""

    def __init__(self, ignore: set[Path], inputs: Callable[[Path], bool] | None = None) -> None:
        self.ignore = ignore
        self.inputs = inputs or (lambda path: True)
        self.changed = threading.Event()
        self.last = 0.0

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            path = Path(os.fsdecode(raw)) if raw else None
            if path is None or path.resolve() in self.ignore:
                continue
            name = path.name
            if name.startswith(_IGNORED_PREFIXES) or name.endswith(_IGNORED_SUFFIXES) or \
                    ".backup-" in name or not self.inputs(path.resolve()):
                continue
            self.last = time.monotonic()
            self.changed.set()

    def wait(self, stop: threading.Event, quiet: float) -> bool:
        """Block until a change has settled for ``quiet`` seconds; False when stopped."""
        while not stop.is_set():
            if self.changed.wait(0.1) and time.monotonic() - self.last >= quiet:
                self.changed.clear()
                return True
        return False


#: Files under the project folder that can change a draft besides the ones it names.
_INPUT_SUFFIXES = (".md", ".j2", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff")


def _is_input(project_file: Path) -> Callable[[Path], bool]:
    """Whether a changed path is an input of the project (not a log, not an output).

    The project file, its section files and form, and Markdown, template or image files;
    anything else (a log, a PDF, the outputs and their backups, a pipe named like a
    section) does not re-render.
    """

    def named() -> set[Path]:
        with contextlib.suppress(ProposalKitError):
            project = load_project(project_file)
            return {p.resolve() for p in (project.file, *project.input_files)}
        return {project_file}

    cache: dict[str, set[Path]] = {}

    def check(path: Path) -> bool:
        if path == project_file:
            cache.pop("named", None)  # the list of inputs may have changed
            return True
        if "named" not in cache:
            cache["named"] = named()
        if path in cache["named"]:
            return True
        # A pipe or a device named like a section (pipe.md) is nothing a draft reads; a
        # removed file may have been one.
        return path.suffix.lower() in _INPUT_SUFFIXES and (path.is_file() or
                                                           not path.exists())

    return check


def _folders(project_file: Path) -> list[Path]:
    folders = [project_file.parent]
    with contextlib.suppress(ProposalKitError):
        proposal = load_project(project_file).proposal
        folders += [(project_file.parent / d).resolve() for d in proposal.texts_dirs]
    folders += [Path(p) for p in os.environ.get("PROPOSAL_KIT_TEXTS", "").split(os.pathsep)
                if p]
    unique: list[Path] = []
    for folder in folders:
        if folder.is_dir() and not any(folder.is_relative_to(u) for u in unique):
            unique.append(folder)
    return unique


@contextlib.contextmanager
def _office(pages: bool, report: Report) -> Iterator[WarmOffice | None]:
    if not pages:
        yield None
        return
    soffice, python = find_soffice(), find_uno_python()
    if soffice is None:
        report(WatchEvent("note", "LibreOffice is not installed: pages are estimated"))
        yield None
        return
    if python is None:
        report(WatchEvent("note", "no Python with LibreOffice's uno module (Debian: "
                          "python3-uno): each page count starts LibreOffice anew"))
        yield None
        return
    with WarmOffice(soffice, python) as office:
        yield office


def _run_once(project_file: Path, output: Path | None, office: WarmOffice | None,
              pages: bool, report: Report, previous: _Counted | None) -> _Counted | None:
    """Render, then count; return the new count (``previous`` when there is none).

    A render whose laid-out parts are those of the last count is not counted again.
    """
    started = time.monotonic()
    try:
        project = load_project(project_file)
        result = render_project(project, output, "docx")
    except ProposalKitError as exc:
        report(WatchEvent("error", str(exc)))
        return previous
    report(WatchEvent("rendered", f"wrote {result.output}", result.output,
                      seconds=time.monotonic() - started))
    if not pages:
        return previous
    started = time.monotonic()
    fingerprint = layout_fingerprint(result.output)
    if previous is not None and fingerprint is not None and \
            fingerprint == previous.fingerprint:
        last = previous.report
        report(WatchEvent("pages", f"{last.pages} of {last.limit} pages, unchanged",
                          result.output, last, time.monotonic() - started, last.pages,
                          unchanged=True))
        return previous
    try:
        counted = count_pages(result.output, call=project.proposal.call, office=office)
    except ProposalKitError as exc:
        report(WatchEvent("error", str(exc)))
        return previous
    before = previous.report if previous else None
    report(WatchEvent("pages", f"{counted.pages} of {counted.limit} pages", result.output,
                      counted, time.monotonic() - started,
                      before.pages if before else None,
                      tuple(section_changes(before, counted)) if before else ()))
    return _Counted(counted, fingerprint)


def watch(project_file: Path, output: Path | None = None, *, pages: bool = True,
          report: Report = lambda event: None, stop: threading.Event | None = None,
          quiet: float = 0.3) -> None:
    """Render ``project_file`` now and after every change until ``stop`` is set."""
    stop = stop or threading.Event()
    check_regular(project_file, what="the project file")
    project_file = project_file.resolve()
    output = output.resolve() if output else None
    output_format(output, "docx")  # an output named .pdf or .md is refused before it starts
    ignore = {output} if output else set()
    with contextlib.suppress(ProposalKitError):
        from .render import default_output

        ignore.add(default_output(load_project(project_file), "docx").resolve())
    handler = _Changes(ignore, _is_input(project_file))
    observer = Observer()
    for folder in _folders(project_file):
        observer.schedule(handler, str(folder), recursive=True)
    observer.start()
    try:
        with _office(pages, report) as office:
            counted = _run_once(project_file, output, office, pages, report, None)
            report(WatchEvent("ready", "watching for changes (Ctrl-C stops)"))
            while handler.wait(stop, quiet):
                counted = _run_once(project_file, output, office, pages, report, counted)
    finally:
        observer.stop()
        observer.join(timeout=5)
