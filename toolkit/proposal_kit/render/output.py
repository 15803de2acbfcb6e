"""Write outputs safely: atomically, never over a file the user changed, with backups."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import OutputConflictError
from .docx_parts import read_custom_properties

__all__ = ["FINGERPRINT", "WORKBOOK_PLACEHOLDER", "fingerprint", "read_state", "stamp_workbook",
           "workbook_bytes", "write_all", "write_guarded"]

FINGERPRINT = "proposal-kit-fingerprint"
_TEXT_MARK = "<!-- proposal-kit fingerprint: "
#: The value a workbook's fingerprint property holds until :func:`stamp_workbook` sets it.
WORKBOOK_PLACEHOLDER = "0" * 64
_WORKBOOKS = (".xlsx", ".xlsm")
#: A fixed date for the members of a written workbook: same input, same bytes.
_ZIP_DATE = (2000, 1, 1, 0, 0, 0)


def fingerprint(data: bytes) -> str:
    """SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _workbook_fingerprint(archive: zipfile.ZipFile) -> str:
    """SHA-256 of the sheets and shared strings of a workbook (what an edit changes)."""
    digest = hashlib.sha256()
    for name in sorted(archive.namelist()):
        if (name.startswith("xl/worksheets/") and name.endswith(".xml")) or \
                name == "xl/sharedStrings.xml":
            digest.update(name.encode())
            digest.update(archive.read(name))
    return digest.hexdigest()


def stamp_workbook(data: bytes) -> bytes:
    """A workbook written by openpyxl, with its fingerprint set and fixed member dates.

    The workbook must carry the custom property :data:`FINGERPRINT` with the value
    :data:`WORKBOOK_PLACEHOLDER`; it is replaced by the fingerprint of the sheets, so that
    :func:`read_state` can tell an untouched output from one a user edited.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        stamp = _workbook_fingerprint(source).encode()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                member = source.read(info.filename)
                if info.filename == "docProps/custom.xml":
                    member = member.replace(WORKBOOK_PLACEHOLDER.encode(), stamp, 1)
                fixed = zipfile.ZipInfo(info.filename, _ZIP_DATE)
                fixed.compress_type = zipfile.ZIP_DEFLATED
                fixed.external_attr = 0o644 << 16
                target.writestr(fixed, member)
    return out.getvalue()


def workbook_bytes(workbook: object) -> bytes:
    """An openpyxl workbook as stamped bytes (see :func:`stamp_workbook`).

    openpyxl's own ``save`` sets the modification date to now; this writes the workbook
    with the dates it holds, so that the same input gives the same bytes.
    """
    from openpyxl.writer.excel import ExcelWriter

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return stamp_workbook(out.getvalue())


def _workbook_state(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if "docProps/custom.xml" not in names:
            return "foreign"
        props = read_custom_properties(archive.read("docProps/custom.xml"))
        if FINGERPRINT not in props:
            return "foreign"
        return "unchanged" if props[FINGERPRINT] == _workbook_fingerprint(archive) \
            else "edited"


def stamp_text(body: str) -> str:
    """Put a fingerprint comment on the first line of a Markdown or HTML output."""
    return f"{_TEXT_MARK}{fingerprint(body.encode())} -->\n{body}"


def read_state(path: Path) -> str:
    """``unchanged``, ``edited`` or ``foreign`` (not written by proposal-kit) for ``path``."""
    try:
        if not path.is_file() or path.stat().st_size > 256 * 1024 * 1024:
            return "foreign"
        if path.suffix.lower() in _WORKBOOKS:
            return _workbook_state(path)
        if path.suffix.lower() == ".docx":
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                if "docProps/custom.xml" not in names or "word/document.xml" not in names:
                    return "foreign"
                props = read_custom_properties(archive.read("docProps/custom.xml"))
                if FINGERPRINT not in props:
                    return "foreign"
                actual = fingerprint(archive.read("word/document.xml"))
                return "unchanged" if props[FINGERPRINT] == actual else "edited"
        text = path.read_text(encoding="utf-8")
    except (OSError, zipfile.BadZipFile, zlib.error, UnicodeDecodeError, ValueError,
            KeyError, EOFError, NotImplementedError, RuntimeError):
        return "foreign"
    first, _, rest = text.partition("\n")
    if not first.startswith(_TEXT_MARK):
        return "foreign"
    stored = first[len(_TEXT_MARK):].removesuffix(" -->").strip()
    return "unchanged" if stored == fingerprint(rest.encode()) else "edited"


def _lock_files(path: Path) -> list[Path]:
    """Lock files Word and LibreOffice keep beside a document that is open."""
    name = path.name
    candidates = [path.with_name(f".~lock.{name}#"), path.with_name(f"~${name}")]
    if len(name) > 2:
        candidates.append(path.with_name(f"~${name[2:]}"))
    return [c for c in candidates if c.exists()]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _os_error(path: Path, exc: OSError) -> OutputConflictError:
    """A write failure as a message naming the path and the reason (exit 3)."""
    reasons = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
               errno.ENAMETOOLONG: "the name is too long", errno.EDQUOT: "the disk quota "
               "is exceeded", errno.ENOTDIR: "a parent of it is a file, not a folder",
               errno.EEXIST: "a parent of it is a file, not a folder",
               errno.EFBIG: "it is larger than the system allows (a file size limit)",
               errno.EACCES: "permission denied", errno.EPERM: "not permitted"}
    reason = reasons.get(exc.errno or 0) or exc.strerror or str(exc)
    return OutputConflictError(f"cannot write {path}: {reason}")


def _write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    A new file gets the mode the umask allows (0644 under umask 022), or ``mode``; a
    replaced file keeps its mode. Any failure (disk full, read-only file system, a parent
    that is a file, a name too long) raises :class:`OutputConflictError` naming ``path``;
    nothing is left half-written.
    """
    path = Path(path)
    try:
        if path.is_file():
            mode = path.stat().st_mode & 0o7777
        elif mode is None:
            mode = 0o666 & ~_umask()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp",
                                   dir=path.parent)
    except OSError as exc:
        raise _os_error(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _os_error(path, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _backup_name(path: Path) -> Path:
    n = 1
    while True:
        candidate = path.with_name(f"{path.stem}.backup-{n}{path.suffix}")
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
        n += 1


def _backup(path: Path) -> Path:
    """Copy ``path`` to a new backup file, atomically, and verify the copy.

    The backup has the mode of the file (a private file's backup stays private).
    """
    try:
        original = path.read_bytes()
        mode = path.stat().st_mode & 0o7777
    except OSError as exc:
        raise OutputConflictError(f"cannot read {path} to back it up: "
                                  f"{exc.strerror or exc}; not overwritten") from None
    backup = _backup_name(path)
    _write_atomic(backup, original, mode)
    try:
        same = fingerprint(backup.read_bytes()) == fingerprint(original)
    except OSError:
        same = False
    if not same:
        raise OutputConflictError(f"the backup {backup} of {path} could not be verified; "
                                  f"{path} was not overwritten")
    return backup


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b) or (
            a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _refuse_in_the_way(path: Path, protected: Iterable[Path]) -> None:
    for item in protected:
        if _same_file(path, item):
            raise OutputConflictError(f"{path} is an input of the project; refused to write "
                                      "over it, even with --force", hint="give another -o file")
    if path.is_symlink():  # its target, maybe outside, would be copied into a backup
        target = "a missing file" if not path.exists() else os.path.realpath(path)
        raise OutputConflictError(f"{path} is a symbolic link (to {target}); refused",
                                  hint="remove the link or give another -o file")
    if path.exists():
        if path.is_dir():
            raise OutputConflictError(f"{path} is a folder; give a file name with -o")
        if not path.is_file():
            raise OutputConflictError(f"{path} is not a regular file (a device or a pipe); "
                                      "refused", hint="give another -o file")


_FORCE_HINT = "use --force to replace it (a backup copy is kept), or -o to write elsewhere"


def _guard(path: Path, force: bool, protected: Iterable[Path], hint: str | None) -> bool:
    """Refuse ``path`` as :func:`write_guarded` does; whether a backup must be kept first."""
    _refuse_in_the_way(path, protected)
    locks = _lock_files(path)
    if locks:
        raise OutputConflictError(f"{path} is open in another program (lock file "
                                  f"{locks[0].name}); close it and try again")
    if not path.exists():
        return False
    state = read_state(path)
    if state == "unchanged":
        return False
    if not force:
        what = ("was edited after it was rendered" if state == "edited"
                else "exists and was not written by proposal-kit")
        raise OutputConflictError(f"{path} {what}; not overwritten", hint=hint or _FORCE_HINT)
    return True


def write_guarded(path: Path, data: bytes, force: bool, protected: Iterable[Path] = (),
                  hint: str | None = None) -> Path | None:
    """Write ``data`` to ``path`` unless that would lose the user's work; return any backup.

    The one writer of every command that writes a file. A previous output that is unchanged
    since it was rendered is replaced. A file that was edited, or that proposal-kit did not
    write (a section, project.yaml), is replaced only with ``force``, after a backup copy
    that is written atomically and verified first. A document open in Word or LibreOffice,
    a file in ``protected`` (the project file and its inputs), a dangling link or a device
    are never replaced. ``hint`` says how to get past a refusal, when ``--force`` and
    ``-o`` are not the way.
    """
    return write_all({Path(path): data}, force, protected, hint)[0]


def write_all(files: Mapping[Path, bytes], force: bool, protected: Iterable[Path] = (),
              hint: str | None = None) -> list[Path | None]:
    """Write several files as :func:`write_guarded` does; the backup of each, or None.

    Every target is checked before the first is written, so a refusal leaves all of them
    as they were. A write that fails (disk full, quota, read-only file system) takes back
    what this call did, so that no half-written folder is left: the files and folders it
    created are removed, and each file it replaced gets its previous content back (from
    its backup). Nothing that was there before is removed.
    """
    protected = list(protected)
    current = Path()
    done = _Undo()
    try:
        keep = []
        for current in map(Path, files):
            keep.append(_guard(current, force, protected, hint))
        backups: list[Path | None] = []
        for (current, data), backup in zip(((Path(p), d) for p, d in files.items()), keep,
                                           strict=True):
            done.folders.extend(_missing_folders(current.parent))
            kept = _backup(current) if backup else None
            backups.append(kept)
            if kept is not None:  # put back from its backup (the same bytes) if this fails
                done.replaced.append((current, kept))
            elif not os.path.lexists(current):
                done.created.append(current)
            _write_atomic(current, data)
        return backups
    except OSError as exc:
        error = _os_error(current, exc)
    except OutputConflictError as exc:
        error = exc
    except BaseException:  # an interruption between two files leaves no half-written folder
        done.undo()
        raise
    if done:
        done.undo()
        error.message = f"{error.message}; what this command had written was taken back"
    raise error


def _missing_folders(folder: Path) -> list[Path]:
    """The folders of ``folder``'s path that do not exist yet, outermost first."""
    missing: list[Path] = []
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing[::-1]


class _Undo:
    """What one :func:`write_all` did so far, to take back when a later write fails."""

    def __init__(self) -> None:
        self.created: list[Path] = []
        self.replaced: list[tuple[Path, Path]] = []  # (file, its backup)
        self.folders: list[Path] = []

    def __bool__(self) -> bool:
        return bool(self.created or self.replaced or self.folders)

    def undo(self) -> None:
        """Remove the files and folders created, put back the files replaced."""
        for path in reversed(self.created):
            with contextlib.suppress(OSError):
                path.unlink()
        for path, backup in reversed(self.replaced):
            with contextlib.suppress(OSError):
                os.replace(backup, path)
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):  # not empty: something else was put there
                folder.rmdir()
