"""Write outputs safely: atomically, never over a file the user changed, with backups."""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

from ..errors import OutputConflictError
from .docx_parts import read_custom_properties

__all__ = ["FINGERPRINT", "fingerprint", "read_state", "write_atomic", "write_guarded",
           "write_with_backup"]

FINGERPRINT = "proposal-kit-fingerprint"
_TEXT_MARK = "<!-- proposal-kit fingerprint: "


def fingerprint(data: bytes) -> str:
    """SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def stamp_text(body: str) -> str:
    """Put a fingerprint comment on the first line of a Markdown or HTML output."""
    return f"{_TEXT_MARK}{fingerprint(body.encode())} -->\n{body}"


def read_state(path: Path) -> str:
    """``unchanged``, ``edited`` or ``foreign`` (not written by proposal-kit) for ``path``."""
    try:
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
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError, ValueError, KeyError):
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


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _backup_name(path: Path) -> Path:
    n = 1
    while True:
        candidate = path.with_name(f"{path.stem}.backup-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def write_with_backup(path: Path, data: bytes) -> Path | None:
    """Replace a user's file (a section, project.yaml) atomically, after a backup copy."""
    backup = None
    try:
        if path.exists():
            backup = _backup_name(path)
            backup.write_bytes(path.read_bytes())
        write_atomic(path, data)
    except OSError as exc:
        raise OutputConflictError(f"cannot write {path}: {exc.strerror}") from None
    return backup


def write_guarded(path: Path, data: bytes, force: bool) -> Path | None:
    """Write ``data`` to ``path`` unless that would lose the user's work; return any backup.

    A previous output that is unchanged since it was rendered is replaced. A file that was
    edited, or that proposal-kit did not write, is replaced only with ``force``, after a
    backup copy. A document open in Word or LibreOffice is never replaced.
    """
    try:
        locks = _lock_files(path)
        if locks:
            raise OutputConflictError(f"{path} is open in another program (lock file "
                                      f"{locks[0].name}); close it and render again")
        backup = None
        if path.exists():
            if path.is_dir():
                raise OutputConflictError(f"{path} is a folder; give a file name with -o")
            state = read_state(path)
            if state != "unchanged":
                what = ("was edited after it was rendered" if state == "edited"
                        else "was not written by proposal-kit")
                if not force:
                    raise OutputConflictError(f"{path} {what}; not overwritten",
                                              hint="use --force to replace it (a backup "
                                              "copy is kept), or -o to write elsewhere")
                backup = _backup_name(path)
                backup.write_bytes(path.read_bytes())
        write_atomic(path, data)
        return backup
    except PermissionError as exc:
        raise OutputConflictError(f"cannot write {path}: {exc.strerror}") from None
    except IsADirectoryError:
        raise OutputConflictError(f"{path} is a folder; give a file name with -o") from None
