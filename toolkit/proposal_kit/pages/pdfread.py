"""Read a laid-out PDF: page count, page sizes and outline with pypdf, text lines with PDFium.

pypdf reads the structure (and says why a PDF is damaged or locked); the text lines of a
page come from PDFium (pypdfium2), whose text layer is built in C: about 3 ms a page, where
pypdf's pure-Python text extraction took 30-50 ms. Lines are read only for the pages asked
for, and cached; the outline (bookmarks, which LibreOffice writes for every heading) answers
most questions at once.
"""

from __future__ import annotations

import ctypes
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, SourceLocation
from ..form.tags import is_tag_line

__all__ = ["Line", "OutlineEntry", "PdfLayout"]

_DIGITS = re.compile(r"\d+")
#: Where PDFium's text of a page starts a new line: the line breaks it generates, and the
#: hyphen it marks at the end of a line (U+FFFE; the next line then follows without a break).
_LINE_END = re.compile("\r\n|\ufffe")
_HYPHEN = "\ufffe"


@dataclass(frozen=True)
class OutlineEntry:
    """One bookmark: its title, depth, 1-based page and height on the page (points)."""

    title: str
    depth: int
    page: int
    top: float | None


@dataclass(frozen=True)
class Line:
    """A line of text on a page and the height of its baseline (points from the bottom)."""

    text: str
    y: float


class PdfLayout:
    """A PDF opened for page counting."""

    def __init__(self, path: Path, source: Path | None = None) -> None:
        import pypdf
        from pypdf.errors import PyPdfError

        where = SourceLocation(source or path)
        try:
            self._data = path.read_bytes()
            self._reader = pypdf.PdfReader(io.BytesIO(self._data), strict=False)
            if self._reader.is_encrypted and not self._decrypt():
                raise InputError("the PDF is password-protected", location=where,
                                 hint="export it again without a password")
            self.page_count = len(self._reader.pages)
            self.sizes = [(float(p.mediabox.width), float(p.mediabox.height))
                          for p in self._reader.pages]
        except InputError:
            raise
        except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError,
                IndexError, RecursionError) as exc:
            raise InputError(f"the PDF is damaged or truncated ({exc})", location=where,
                             hint="export the document to PDF again") from None
        if self.page_count == 0:
            raise InputError("the PDF has no pages", location=where)
        #: Distance from the page top to the body text (points); set from the DOCX if known.
        self.top_margin = 42.5
        self._lines: dict[int, list[Line]] = {}
        self._outline: list[OutlineEntry] | None = None
        self._text: Any = None  # the PDFium document, opened for the first lines asked for

    def _decrypt(self) -> bool:
        from pypdf.errors import PyPdfError

        try:
            return bool(self._reader.decrypt(""))
        except (PyPdfError, NotImplementedError, ValueError):
            return False

    def outline(self) -> list[OutlineEntry]:
        """The bookmarks in document order (empty when the PDF has none or they are broken)."""
        if self._outline is None:
            found: list[OutlineEntry] = []
            try:
                self._walk(self._reader.outline, 0, found)
            except Exception:  # a damaged outline only costs the section map
                found = []
            self._outline = found
        return self._outline

    def _walk(self, items: Any, depth: int, found: list[OutlineEntry]) -> None:
        for item in items:
            if isinstance(item, list):
                self._walk(item, depth + 1, found)
                continue
            page = self._reader.get_destination_page_number(item)
            if page is None or page < 0:
                continue
            top = item.get("/Top")
            found.append(OutlineEntry(str(item.title or ""), depth, page + 1,
                                      float(top) if isinstance(top, int | float) else None))

    def lines(self, page: int) -> list[Line]:
        """Text lines of 1-based ``page``, top to bottom as written; cached."""
        if page not in self._lines:
            self._lines[page] = self._extract(page)
        return self._lines[page]

    def _extract(self, page: int) -> list[Line]:
        import pypdfium2  # type: ignore[import-untyped]

        try:
            if self._text is None:
                self._text = pypdfium2.PdfDocument(self._data)
            handle = self._text[page - 1]
            text_page = handle.get_textpage()
            try:
                return _page_lines(text_page)
            finally:
                text_page.close()
                handle.close()
        except pypdfium2.PdfiumError:  # unreadable text only costs the section map
            return []

    def body_above(self, page: int, y: float) -> bool:
        """Whether body text stands above height ``y`` on ``page``.

        Running headers do not count: lines above the top margin, and lines repeated at the
        same height on other pages already read; nor do the form's processing tags.
        """
        top = self.sizes[page - 1][1] - self.top_margin
        running = self._running()
        return any(y + 1 < line.y < top and _DIGITS.sub("#", line.text) not in running
                   and not is_tag_line(line.text) for line in self.lines(page))

    def _running(self) -> set[str]:
        seen: dict[tuple[str, int], int] = {}
        for lines in self._lines.values():
            for key in {(_DIGITS.sub("#", ln.text), round(ln.y)) for ln in lines}:
                seen[key] = seen.get(key, 0) + 1
        return {text for (text, _), count in seen.items() if count > 1}


def _page_lines(text_page: Any) -> list[Line]:
    """The lines of a PDFium text page, each at the baseline of its first character.

    PDFium gives the characters in the order they are drawn, with a line break where the
    next one starts elsewhere; pieces it breaks on one baseline (around a superscript, a
    footnote mark) are one line. The page's text is read in one call, and only each piece's
    first character is asked for its position.
    """
    import pypdfium2.raw as pdfium  # type: ignore[import-untyped]

    count = pdfium.FPDFText_CountChars(text_page)
    if count <= 0:
        return []
    buffer = (ctypes.c_ushort * (count + 1))()
    units = max(0, pdfium.FPDFText_GetText(text_page, 0, count, buffer) - 1)
    text = ctypes.string_at(buffer, 2 * units).decode("utf-16-le", errors="replace")
    # PDFium counts in UTF-16 units: a character beyond U+FFFF (an emoji) takes two.
    wide = len(text) != units
    x, y = ctypes.c_double(), ctypes.c_double()
    pieces: list[tuple[str, float, float]] = []  # text, baseline, font size
    start = 0
    for end in [*_LINE_END.finditer(text), None]:
        part = text[start:end.start() if end else len(text)]
        if end is not None and end.group() == _HYPHEN:
            part += "-"
        first = start + len(part) - len(part.lstrip())
        if end is not None:
            start = end.end()
        if not part.strip():
            continue
        if wide:
            first = len(text[:first].encode("utf-16-le")) // 2
        index = pdfium.FPDFText_GetCharIndexFromTextIndex(text_page, first)
        if index < 0 or not pdfium.FPDFText_GetCharOrigin(text_page, index, x, y):
            continue
        size = pdfium.FPDFText_GetFontSize(text_page, index)
        if pieces and abs(y.value - pieces[-1][1]) <= 0.8 * min(size, pieces[-1][2]):
            previous, baseline, previous_size = pieces.pop()
            joint = "" if previous[-1:].isspace() or part[:1].isspace() else " "
            pieces.append((previous + joint + part, baseline, previous_size))
        else:
            pieces.append((part, y.value, size))
    return [Line(piece.strip(), baseline) for piece, baseline, _ in pieces]
