"""Open a user's Word document (checked first, errors located); a document's bytes.

Every command that reads a DOCX a user gives (``absorb``, ``import``, ``proof --docx``,
``render --form`` and ``--reference-doc``) opens it here, so a broken, encrypted or
oversized package gets the same message everywhere and never an internal error.
Every document proposal-kit writes is made into bytes here (:func:`docx_bytes`).
"""

from __future__ import annotations

import io
import math
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

__all__ = ["UnusableNumber", "docx_bytes", "main_part_xml", "open_docx", "reading", "text_int",
           "xml_int", "xml_number"]


class UnusableNumber(ValueError):
    """A number in a user's document that cannot be used; the message names the attribute."""


#: Most digits of a number in a document: no size (twips, half-points), span or id has more.
_MAX_DIGITS = 12
#: The characters of a number in XML (``float`` takes more: ``1_000``, ``inf``, ``٣``).
_NUMBER_CHARS = "0123456789+-.eE"


def text_int(digits: str) -> int | None:
    """The whole number that ``digits`` (found in a document's text) write; None if too long.

    No count, month, amount or work package number of a proposal has more than 12 digits;
    Python refuses to read one of over 4,300 at all. A partner's cell can hold anything.
    """
    digits = digits.strip()
    if digits.isascii() and digits.isdecimal() and len(digits) <= _MAX_DIGITS:
        return int(digits)
    return None


def xml_int(value: str | None, what: str, default: int | None = None) -> int:
    """The whole number an attribute value of a user's document holds.

    Word writes whole numbers (``1440``); some writers write ``1440.0``, which counts as
    1440 (and, where there is a ``default``, ``1440.5`` as 1440). An empty or missing
    value, ``nan``, ``inf``, ``1e999``, ``50%`` or a number of more than 12 digits cannot be
    used: ``default`` stands for it where Word and LibreOffice ignore such a value too (a
    width, a size, a spacing), else it is refused.

    Args:
        value: The attribute's text (None when it is absent).
        what: What it is, for the message: "the numbering id (w:numId)".
        default: What an unusable value counts as; None: refuse it.

    Raises:
        UnusableNumber: naming ``what`` and the value (:func:`reading` turns it into an
            input error that names the document).
    """
    text = value.strip() if isinstance(value, str) else ""
    digits = text[1:] if text[:1] in "+-" else text
    if digits.isascii() and digits.isdecimal() and len(digits) <= _MAX_DIGITS:
        return int(text)
    number = xml_number(text)
    if number is not None and (default is not None or number.is_integer()):
        return int(number)
    if default is not None:
        return default
    if value is None or not text:
        raise UnusableNumber(f"{what} has no value")
    shown = text if len(text) <= 24 else f"{text[:12]}… ({len(text):,} characters)"
    raise UnusableNumber(f"{what} is '{shown}', not a whole number")


def xml_number(value: str | None) -> float | None:
    """The number an attribute value of a user's document holds; None when it is none.

    ``1440``, ``1440.0``, ``-2.5``; not an empty value, ``nan``, ``inf``, ``1e999``,
    ``50%`` or a number of more than 12 digits (see :func:`xml_int`).
    """
    text = value.strip() if isinstance(value, str) else ""
    if not 0 < len(text) <= 2 * _MAX_DIGITS or text.strip(_NUMBER_CHARS):
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) and abs(number) < 10.0 ** _MAX_DIGITS else None


#: What reading values out of a user's document raises when they are not what Word writes
#: (a span of 10^30 columns, a numbering id that is missing, an element that is not there).
#: A ValueError or OverflowError raised by proposal-kit's own code is a bug: the numbers of
#: a document are read with :func:`xml_int`, which raises :class:`UnusableNumber`.
_BAD_VALUES = (ValueError, TypeError, IndexError, OverflowError, KeyError, StopIteration,
               AttributeError)


def _from_python_docx(exc: BaseException) -> bool:
    """Whether ``exc`` is python-docx's own error about the user's XML.

    That is ``InvalidXmlError`` (a required attribute missing, a value of the wrong kind):
    the document's, not a bug.
    """
    return type(exc).__module__.startswith("docx.")


def _from_our_code(exc: BaseException) -> bool:
    """Whether ``exc`` is a ValueError or OverflowError raised in proposal-kit's own code.

    That is a bug, not a value of the document: every number is read with :func:`xml_int`.
    One that python-docx or lxml raise reading the user's XML (the frame it was raised in
    is theirs) is the document's.
    """
    if isinstance(exc, UnusableNumber) or not isinstance(exc, ValueError | OverflowError):
        return False
    tb = exc.__traceback__
    module = ""
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        tb = tb.tb_next
    return module.split(".")[0] == "proposal_kit"


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
    except UnusableNumber as exc:
        if path is None or os.environ.get("PROPOSAL_KIT_DEBUG"):
            raise
        raise InputError(f"{what} cannot be used: {exc}; it may be damaged or edited by hand",
                         location=SourceLocation(path),
                         hint="open it in Word or LibreOffice and save it again as .docx") \
            from None
    except Exception as exc:
        if (path is None or os.environ.get("PROPOSAL_KIT_DEBUG") or _from_our_code(exc)
                or not (isinstance(exc, _BAD_VALUES) or _from_python_docx(exc))):
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
