"""Open a user's Word document: checked first, then read by python-docx, errors located.

Every command that reads a DOCX a user gives (``absorb``, ``import``, ``proof --docx``,
``render --form`` and ``--reference-doc``) opens it here, so a broken, encrypted or
oversized package gets the same message everywhere and never an internal error.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, SourceLocation, UsageError
from .pages.validate import check_input

if TYPE_CHECKING:
    from docx.document import Document

__all__ = ["open_docx"]


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
    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx and lxml raise many kinds on a broken package
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise InputError(f"{what} cannot be read as a Word document ({detail})",
                         location=SourceLocation(path),
                         hint="open it in Word or LibreOffice and save it again as .docx") \
            from None
