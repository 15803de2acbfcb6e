"""An estimate of the page count without LibreOffice: a rough flow of the DOCX content.

Paragraphs become lines from their length, font size and the text width; table rows take the
height of their tallest cell; explicit page breaks, "page break before" and section breaks
start new pages. It is an ESTIMATE, labelled as such everywhere it is shown: fonts, kerning,
hyphenation, widows and keep-with-next are not modelled. The bench reports its error.
"""

from __future__ import annotations

import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..docxfile import xml_int, xml_number
from .docxinfo import DocxInfo, Styles, W
from .pdfread import Line, OutlineEntry

__all__ = ["EstimatedLayout", "estimate_layout", "word_recorded_pages"]

_PT_PER_EMU = 1 / 12700
#: Single line height and effective character advance (line-breaking waste included), in
#: em, by font; fitted to LibreOffice's layout of the bench documents (Carlito, Liberation).
_METRICS = {"calibri": (1.22, 0.44), "carlito": (1.22, 0.44), "arial": (1.15, 0.46),
            "liberation sans": (1.15, 0.46), "helvetica": (1.15, 0.46),
            "times": (1.15, 0.42), "liberation serif": (1.15, 0.42),
            "cambria": (1.17, 0.46), "caladea": (1.17, 0.46)}
_OTHER_FONT = (1.17, 0.45)
_CELL_PAD = 10.8  # left + right cell margins (0.19 cm each), points
_HEADING = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


@dataclass
class EstimatedLayout:
    """The estimated layout, readable like a PDF by the section map."""

    sizes: list[tuple[float, float]]
    top_margin: float
    page_lines: dict[int, list[Line]] = field(default_factory=dict)
    headings: list[OutlineEntry] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        """Estimated pages."""
        return len(self.sizes)

    def outline(self) -> list[OutlineEntry]:
        """Paragraphs in heading styles, as a PDF outline would list them."""
        return self.headings

    def lines(self, page: int) -> list[Line]:
        """Paragraph starts on ``page``."""
        return self.page_lines.get(page, [])

    def body_above(self, page: int, y: float) -> bool:
        """Whether a paragraph starts above ``y`` on ``page``."""
        return any(line.y > y + 1 for line in self.lines(page))


class _Flow:
    def __init__(self, info: DocxInfo) -> None:
        section = info.sections[0] if info.sections else None

        def pt(value: Any, default: float) -> float:
            return float(value) * _PT_PER_EMU if value is not None else default

        self.width_pt = pt(section.page_width if section else None, 595.3)
        self.height_pt = pt(section.page_height if section else None, 841.9)
        self.top = pt(section.top_margin if section else None, 72.0)
        bottom = pt(section.bottom_margin if section else None, 72.0)
        left = pt(section.left_margin if section else None, 72.0)
        right = pt(section.right_margin if section else None, 72.0)
        self.text_width = max(self.width_pt - left - right, 72.0)
        self.usable = max(self.height_pt - self.top - bottom, 72.0)
        self.styles: Styles = info.styles
        font = info.styles.body_font
        font = (info.styles.theme_font if font == "theme" else font).lower()
        self.line_em, self.char_em = next(
            (m for name, m in _METRICS.items() if name in font), _OTHER_FONT)
        self.page, self.used = 1, 0.0
        self.layout = EstimatedLayout([], self.top)

    def _line(self, size: float, spacing: float) -> float:
        """Line height: a multiple of single spacing, or an exact height if negative."""
        height = size * self.line_em * spacing if spacing > 0 else -spacing
        return min(max(height, 1.0), self.usable)

    def new_page(self) -> None:
        self.page, self.used = self.page + 1, 0.0

    def y(self) -> float:
        return self.height_pt - self.top - self.used

    def record(self, text: str, style: str | None) -> None:
        if not text.strip():
            return
        self.layout.page_lines.setdefault(self.page, []).append(Line(text.strip(), self.y()))
        match = _HEADING.match(style or "")
        if match:
            self.layout.headings.append(OutlineEntry(text.strip(), int(match.group(1)) - 1,
                                                     self.page, self.y()))

    def paragraph(self, p: Any, style: str | None) -> None:
        fmt = self.styles.paragraph(p, style, None)
        if fmt.break_before and self.used > 0:
            self.new_page()
        size = max((self.styles.run_size(r, style, None) for r in p.iter(f"{W}r")
                    if r.find(f"{W}t") is not None), default=fmt.size)
        size = max(size, 1.0)
        line = self._line(size, fmt.line)
        per_line = max(int(self.text_width / (size * self.char_em)), 1)
        for index, (chars, extra) in enumerate(_segments(p)):
            if index:
                self.new_page()
            lines = sum(max(math.ceil(c / per_line), 1) for c in chars)
            self.used += fmt.before
            if index == 0:
                self.record("".join(t.text or "" for t in p.iter(f"{W}t")), style)
            self.place(lines, line, extra)
            self.used += fmt.after
        sect = p.find(f"{W}pPr/{W}sectPr")
        if sect is not None and _attr(sect.find(f"{W}type")) != "continuous":
            self.new_page()

    def place(self, lines: int, line: float, extra: float) -> None:
        while lines > 0:
            room = int((self.usable - self.used) // line)
            if room >= lines:
                self.used += lines * line
                break
            if room >= 2 or self.used == 0:  # orphan control, but always progress
                lines -= room
            self.new_page()
        self.used += extra
        while self.used > self.usable:
            self.used -= self.usable
            self.page += 1

    def table(self, tbl: Any) -> None:
        grid = [max(xml_number(c.get(f"{W}w")) or 0.0, 0.0) / 20
                for c in tbl.iter(f"{W}gridCol")]
        if grid and not sum(grid):  # no width that can be used: equal columns, as Word
            grid = [self.text_width / len(grid)] * len(grid)
        scale = self.text_width / sum(grid) if sum(grid) > self.text_width else 1.0
        for row in tbl.iter(f"{W}tr"):
            height, column, texts = 0.0, 0, []
            for cell in row.findall(f"{W}tc"):
                span = max(xml_int(_attr(cell.find(f"{W}tcPr/{W}gridSpan")), "", 1), 1)
                width = sum(grid[column:column + span]) * scale if grid else self.text_width
                column += span
                height = max(height, self._cell_height(cell, max(width - _CELL_PAD, 20.0)))
                texts.append("".join(t.text or "" for t in cell.iter(f"{W}t")))
            if self.used + height > self.usable and self.used > 0:
                self.new_page()
            for text in texts:
                self.record(text, None)
            self.used += height
            while self.used > self.usable:
                self.used -= self.usable
                self.page += 1

    def _cell_height(self, cell: Any, width: float) -> float:
        total = 0.0
        for p in cell.iter(f"{W}p"):
            style = _attr(p.find(f"{W}pPr/{W}pStyle"))
            fmt = self.styles.paragraph(p, style, None)
            size = max(fmt.size, 1.0)
            per_line = max(int(width / (size * self.char_em)), 1)
            line = self._line(size, fmt.line)
            chars = sum(sum(c) for c, _ in _segments(p))
            total += max(math.ceil(chars / per_line), 1) * line + fmt.after
        return total + 1.0


def _attr(element: Any) -> str | None:
    return None if element is None else element.get(f"{W}val")


def _segments(p: Any) -> list[tuple[list[int], float]]:
    """Per page-break segment: the character count of each line break's run, image height."""
    segments: list[tuple[list[int], float]] = [([0], 0.0)]
    for element in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}drawing"):
        chars, extra = segments[-1]
        tag = element.tag
        if tag == f"{W}t":
            chars[-1] += len(element.text or "")
        elif tag == f"{W}tab":
            chars[-1] += 4
        elif tag == f"{W}drawing":
            extent = next(element.iter("{*}extent"), None)
            cy = max(xml_number(extent.get("cy")) or 0.0, 0.0) if extent is not None else 0.0
            segments[-1] = (chars, extra + cy * _PT_PER_EMU)
        elif element.get(f"{W}type") == "page":
            segments.append(([0], 0.0))
        else:
            chars.append(0)
    return segments


def estimate_layout(info: DocxInfo) -> EstimatedLayout:
    """Flow the DOCX's body onto pages; the result is an estimate."""
    flow = _Flow(info)
    for child in _blocks(info.body):
        if child.tag == f"{W}p":
            flow.paragraph(child, _attr(child.find(f"{W}pPr/{W}pStyle")))
        elif child.tag == f"{W}tbl":
            flow.table(child)
    pages = flow.page if flow.used > 0 or flow.page == 1 else flow.page - 1
    flow.layout.sizes = [(flow.width_pt, flow.height_pt)] * pages
    return flow.layout


def _blocks(body: Any) -> list[Any]:
    out = []
    for child in body:
        if child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            out += _blocks(content) if content is not None else []
        else:
            out.append(child)
    return out


def word_recorded_pages(path: Path) -> int | None:
    """The page count Word stored in ``docProps/app.xml`` at the last save, if any."""
    try:
        with zipfile.ZipFile(path) as archive:
            if "docProps/app.xml" not in archive.namelist():
                return None
            text = archive.read("docProps/app.xml")[:200_000].decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile, zlib.error, KeyError, EOFError, ValueError,
            NotImplementedError, RuntimeError):
        return None
    pages = re.search(r"<(?:\w+:)?Pages>(\d{1,6})</", text)
    words = re.search(r"<(?:\w+:)?Words>(\d{1,9})</", text)
    if not (pages and words) or int(words.group(1)) == 0:  # a template's stale figures
        return None
    return int(pages.group(1)) or None
