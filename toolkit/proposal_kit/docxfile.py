"""Open a user's Word document (checked first, errors located); a document's bytes.

Every command that reads a DOCX a user gives (``absorb``, ``import``, ``proof --docx``,
``render --form`` and ``--reference-doc``) opens it here, so a broken, encrypted or
oversized package gets the same message everywhere and never an internal error.
Every document proposal-kit writes is made into bytes here (:func:`docx_bytes`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, SourceLocation, UsageError
from .pages.validate import check_input

if TYPE_CHECKING:
    from docx.document import Document

__all__ = ["docx_bytes", "main_part_xml", "open_docx", "reading"]

#: What reading values out of a user's document raises when they are not what Word writes
#: (``int("1e5")``, ``int(None)``, a span of 10^30 columns, a numbering id that is missing).
_BAD_VALUES = (ValueError, TypeError, IndexError, OverflowError, KeyError, StopIteration,
               AttributeError)


@contextmanager
def reading(path: Path | None, what: str = "the document") -> Iterator[None]:
    """A value of the user's document ``path`` that cannot be used is an input error.

    Within this block, such a value names the document instead of being an internal error.
    A document opened with :func:`open_docx` is checked as a package; its numbers (sizes,
    spans, numbering ids) are read later, in many places, and a damaged or hand-edited one
    fails there. ``path`` None (proposal-kit's own reference document) changes nothing.
    ``PROPOSAL_KIT_DEBUG`` set lets the original error through, with its traceback.
    """
    try:
        yield
    except _BAD_VALUES as exc:
        if path is None or os.environ.get("PROPOSAL_KIT_DEBUG"):
            raise
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise InputError(f"{what} holds a value that cannot be used ({detail[:160]}); it may "
                         "be damaged or edited by hand", location=SourceLocation(path),
                         hint="open it in Word or LibreOffice and save it again as .docx") \
            from None


def open_docx(path: Path, what: str = "the document") -> Document:
    """The python-docx document at ``path``.

    The file is checked before it is parsed (:func:`~proposal_kit.pages.validate.check_input`:
    a regular file, a zip holding ``word/document.xml``, not encrypted, intact, of bounded
    size).

    Args:
        path: The .docx file.
        what: What the file is, for messages ("the form", "the reference document").

    Raises:
        UsageError: the file is missing, not a regular file, or not a .docx.
        InputError: it is damaged, encrypted or too large, or python-docx cannot read it.
    """
    import docx

    if check_input(path) != "docx":
        raise UsageError(f"{path}: {what} must be a Word document (.docx)",
                         hint="save it from Word or LibreOffice as .docx")
    from docx.oxml.ns import qn

    hint = "open it in Word or LibreOffice and save it again as .docx"
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx and lxml raise many kinds on a broken package
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise InputError(f"{what} cannot be read as a Word document ({detail})",
                         location=SourceLocation(path), hint=hint) from None
    # A main part that is some other XML (a second word/document.xml in the zip, which
    # python-docx takes instead of the first) has no body to read or write.
    root = document.element
    if root.tag != qn("w:document") or root.find(qn("w:body")) is None:
        raise InputError(f"{what} cannot be read as a Word document (its main part "
                         f"{document.part.partname} has no document body)",
                         location=SourceLocation(path), hint=hint)
    check_page_setup(document, path, what)
    _standard_core_properties(document)
    return document


def _standard_core_properties(document: Document) -> None:
    """Give the core properties LibreOffice's relationship the standard type.

    A document saved by LibreOffice (the official form is) relates them as
    ``.../officedocument/.../core-properties``, which python-docx does not recognise: it
    would add a second ``docProps/core.xml`` to what it writes (``render --form`` and
    ``--reference-doc``, ``proof --docx``).
    """
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rel in document.part.package.rels.values():
        if rel.reltype != RT.CORE_PROPERTIES and \
                rel.reltype.lower().endswith("/metadata/core-properties"):
            rel._reltype = RT.CORE_PROPERTIES


#: The page set-up python-docx reads as whole numbers (twips) when asked, and fails on then.
_PAGE_SETUP = ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin",
               "right_margin", "header_distance", "footer_distance", "gutter", "orientation")


def check_page_setup(document: Document, path: Path, what: str = "the document") -> None:
    """Raise if a section's page size or margins are not numbers.

    python-docx reads ``w:left="1e5"`` or ``w:w="nan"`` only when asked, and fails then,
    deep in a command.

    Raises:
        InputError: naming the section and the value.
    """
    for number, section in enumerate(document.sections, 1):
        for name in _PAGE_SETUP:
            try:
                getattr(section, name)
            except (ValueError, OverflowError, KeyError) as exc:
                raise InputError(f"{what} cannot be read as a Word document: the page set-up "
                                 f"of section {number} ({name.replace('_', ' ')}) is not a "
                                 f"number ({str(exc)[:80]})", location=SourceLocation(path),
                                 hint="open it in Word or LibreOffice, set the page size and "
                                 "margins again and save it as .docx") from None


def main_part_xml(document: Document) -> bytes:
    """The main part (``word/document.xml``) of ``document`` as it will be saved."""
    xml: bytes = document.part.blob
    return xml


@dataclass(frozen=True)
class _Serialised:
    """A part whose XML was serialised already: what python-docx's writer reads of a part."""

    partname: Any
    content_type: str
    blob: bytes
    rels: Any


def docx_bytes(document: Document, main_xml: bytes | None = None) -> bytes:
    """``document`` saved as a .docx, in memory.

    ``main_xml``: the main part as :func:`main_part_xml` gave it, when the caller needed it
    already (for a fingerprint): a large document is then not serialised a second time.
    """
    from docx.opc.pkgwriter import PackageWriter

    buffer = io.BytesIO()
    if main_xml is None:
        document.save(buffer)
        return buffer.getvalue()
    package = document.part.package
    main = document.part
    parts = [_Serialised(part.partname, part.content_type, main_xml, part.rels)
             if part is main else part for part in package.iter_parts()]
    for part in parts:
        if not isinstance(part, _Serialised):
            part.before_marshal()
    PackageWriter.write(buffer, package.rels, parts)  # type: ignore[no-untyped-call]
    return buffer.getvalue()
