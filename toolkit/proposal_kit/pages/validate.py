"""Check a DOCX or PDF before anything parses or lays it out.

LibreOffice opens almost anything (a broken DOCX is imported as plain text and "counted"), so
the file is checked here first: a real zip holding ``word/document.xml``, not encrypted,
intact and of bounded size; or a PDF that starts like one.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Literal

from ..errors import InputError, SourceLocation, UsageError

__all__ = ["MAX_RATIO", "MAX_UNCOMPRESSED", "Kind", "check_input"]

Kind = Literal["docx", "pdf"]

#: Refuse a DOCX whose parts would take more than this once uncompressed (a zip bomb).
MAX_UNCOMPRESSED = 200 * 1024 * 1024
#: Refuse a part that expands more than this many times and to more than 10 MB.
MAX_RATIO = 200
_RATIO_FLOOR = 10 * 1024 * 1024

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION = "EncryptionInfo".encode("utf-16-le")
_SUFFIXES: dict[str, Kind] = {".docx": "docx", ".pdf": "pdf"}


def _fail(path: Path, message: str, hint: str | None = None) -> InputError:
    return InputError(message, location=SourceLocation(path), hint=hint)


def check_input(path: Path) -> Kind:
    """Check ``path`` and return its kind; raise :class:`UsageError` or :class:`InputError`."""
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"{path}: not a .docx or .pdf file",
                         hint="save the document as .docx (Word) or export it to PDF")
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    if not path.is_file():
        raise UsageError(f"not a file: {path}")
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not head:
        raise _fail(path, "the file is empty")
    if head.startswith(_OLE):
        raise _ole(path, kind)
    if kind == "pdf":
        if b"%PDF-" not in head[:1024]:
            raise _fail(path, "not a PDF file (it does not start with %PDF-)",
                        "export the document to PDF again")
        return "pdf"
    _check_docx(path, head)
    return "docx"


def _ole(path: Path, kind: Kind) -> InputError:
    if kind == "pdf":
        return _fail(path, "not a PDF file: it is an Office (OLE) file",
                     "export the document to PDF again")
    if _encrypted_ole(path):
        return _fail(path, "the document is password-protected (encrypted), so it cannot be "
                           "laid out", "remove the password in Word (File > Info > Protect "
                           "Document) and save it again as .docx")
    return _fail(path, "not a DOCX file: it is an OLE compound file, i.e. a password-protected "
                       "(encrypted) Office document or an old binary .doc",
                 "remove any password and save the document as .docx")


def _encrypted_ole(path: Path) -> bool:
    """Whether an OLE file holds the streams of an encrypted OOXML package."""
    try:
        with path.open("rb") as stream:
            data = stream.read(1024 * 1024)
    except OSError:
        return False
    return _ENCRYPTION in data


def _check_docx(path: Path, head: bytes) -> None:
    if not head.startswith(b"PK"):
        raise _fail(path, "not a DOCX file: it is not a zip package (a DOCX is a zip of XML "
                          "parts)", "save the document from Word or LibreOffice as .docx")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if "word/document.xml" not in names:
                raise _fail(path, "not a DOCX file: the zip package has no word/document.xml",
                            "save the document from Word or LibreOffice as .docx")
            if any(i.flag_bits & 0x1 for i in infos):
                raise _fail(path, "the DOCX package is encrypted", "save it without a password")
            _check_sizes(path, infos)
            bad = archive.testzip()
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
            ValueError, NotImplementedError, RuntimeError) as exc:
        raise _fail(path, f"the DOCX file is damaged or truncated ({exc})",
                    "save the document again from Word or LibreOffice") from None
    if bad is not None:
        raise _fail(path, f"the DOCX file is damaged: part {bad} fails its checksum",
                    "save the document again from Word or LibreOffice")


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise _fail(path, f"refused: the DOCX would expand to {total / 2**20:.0f} MB "
                          f"(limit {MAX_UNCOMPRESSED // 2**20} MB); it may be a zip bomb")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            raise _fail(path, f"refused: part {info.filename} expands {ratio:.0f} times "
                              f"to {info.file_size / 2**20:.0f} MB; it may be a zip bomb")
