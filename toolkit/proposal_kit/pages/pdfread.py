"""Read a laid-out PDF with pypdf: page count, page sizes, outline, and text lines on demand.

Text extraction is slow in pure Python (tens of milliseconds a page), so it is done only for
the pages asked for, and cached; the outline (bookmarks, which LibreOffice writes for every
heading) answers most questions at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, SourceLocation
from ..form.tags import is_tag_line

__all__ = ["Line", "OutlineEntry", "PdfLayout"]

_DIGITS = re.compile(r"\d+")


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
            self._reader = pypdf.PdfReader(path, strict=False)
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
        pieces: list[tuple[str, float]] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
            if text:
                y = float(tm[4]) * float(cm[1]) + float(tm[5]) * float(cm[3]) + float(cm[5])
                pieces.append((text, y))

        try:
            self._reader.pages[page - 1].extract_text(visitor_text=visit)
        except Exception:  # unreadable text only costs the section map
            return []
        return _join(pieces)

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


def _join(pieces: list[tuple[str, float]]) -> list[Line]:
    """Glue text pieces into lines, each at the height of its first piece."""
    lines: list[Line] = []
    current, y = "", 0.0
    for text, piece_y in pieces:
        for index, part in enumerate(text.split("\n")):
            if index:
                if current.strip():
                    lines.append(Line(current.strip(), y))
                current = ""
            if part and not current.strip():
                y = piece_y
            current += part
    if current.strip():
        lines.append(Line(current.strip(), y))
    return lines
