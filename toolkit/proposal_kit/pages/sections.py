"""The section map: on which page each Part B section and work package starts and ends.

Headings are found first in the PDF outline (LibreOffice writes a bookmark for every heading,
with its page and height), then, for what the outline lacks, in the text of the pages where
they must lie: the heading's own line, else the processing tag ``#@CODE@#`` opened right
before it. Which headings, and how a work package's heading reads ("Work Package N"), come
from the description of the official form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..form.description import FormDescription, Heading
from ..form.tags import tag_text
from .pdfread import Line, OutlineEntry

__all__ = ["Anchor", "Hints", "Layout", "Section", "find_anchors", "normalise",
           "number_and_text", "sections_from"]

_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(.*)$")
_DASHES = str.maketrans({"—": "-", "–": "-", "‐": "-", "‑": "-", "’": "'", "\u00a0": " "})
#: How far below the top of the body a heading may stand and still be checked for text above.
_NEAR_TOP = 80.0


class Layout(Protocol):
    """A laid-out (or estimated) document the section map can be read from."""

    top_margin: float
    sizes: list[tuple[float, float]]

    @property
    def page_count(self) -> int: ...  # noqa: D102

    def outline(self) -> list[OutlineEntry]: ...  # noqa: D102

    def lines(self, page: int) -> list[Line]: ...  # noqa: D102

    def body_above(self, page: int, y: float) -> bool: ...  # noqa: D102


def normalise(text: str) -> str:
    """Lower case, one kind of dash, single spaces: for comparing headings."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).lower()
    return " ".join(text.replace("\u200b", "").split()).rstrip(" :")


def number_and_text(text: str) -> tuple[str | None, str]:
    """Split ``"1.1. Background"`` into ``("1.1", "background")`` (normalised)."""
    text = normalise(text)
    match = _NUMBER.match(text)
    return (match.group(1), match.group(2)) if match else (None, text)


@dataclass
class Hints:
    """What the DOCX says is there: headings (id -> space before, points), WPs, tags."""

    headings: dict[str, float] = field(default_factory=dict)
    work_packages: dict[int, str] = field(default_factory=dict)
    tags: set[str] = field(default_factory=set)


@dataclass
class Anchor:
    """Where a section starts."""

    id: str
    title: str
    label: str
    level: int
    page: int
    y: float
    at_top: bool = False


@dataclass
class Section:
    """A section's pages: ``start_page`` to ``end_page`` (1-based, inclusive)."""

    id: str
    title: str
    label: str
    level: int
    start_page: int
    end_page: int
    starts_at_top: bool = False
    ends_shared: bool = False
    #: Its length in pages, from its start to the next section's (e.g. 2.4), when known.
    length: float | None = None

    @property
    def pages(self) -> int:
        """Pages the section appears on."""
        return self.end_page - self.start_page + 1

    def whole_pages(self) -> range:
        """The pages this section fills alone (what an exclusion from the count removes)."""
        first = self.start_page + (0 if self.starts_at_top else 1)
        last = self.end_page - (1 if self.ends_shared else 0)
        return range(first, max(first, last + 1))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"id": self.id, "title": self.title, "start_page": self.start_page,
                "end_page": self.end_page, "pages": self.pages, "length": self.length}


def _matches(node: Heading, text: str, loose: bool) -> bool:
    number, rest = number_and_text(text)
    heading = normalise(node.text)
    if number and node.number and number != node.number:
        return False
    if rest == heading:
        return True
    if not (loose and number and node.number):
        return False
    return len(rest) >= 4 and (heading.startswith(rest) or rest.startswith(heading[:25]))


def find_anchors(layout: Layout, hints: Hints | None, form: FormDescription) -> list[Anchor]:
    """Every section start of ``form`` that can be found, in document order."""
    nodes = form.headings()
    found: dict[str, Anchor] = {}
    entries = layout.outline()
    tops = [e.top for e in entries if e.top is not None]
    max_top = max(tops) if tops else None
    position = 0
    for node in nodes:
        for index in range(position, len(entries)):
            entry = entries[index]
            if _matches(node, entry.title, loose=True):
                found[node.id] = _anchor(node, entry.page, entry.top)
                position = index + 1
                break
    for i, node in enumerate(nodes):
        if node.id in found or (hints is not None and node.id not in hints.headings):
            continue
        low, high = _bounds(nodes, i, found, layout.page_count)
        anchor = _search(layout, node, form.opening_tag(node.id), low, high, hints)
        if anchor:
            found[node.id] = anchor
    anchors = list(found.values()) + _work_packages(layout, found, hints, form)
    anchors.sort(key=lambda a: (a.page, -a.y))
    before = hints.headings if hints else {}
    for i, anchor in enumerate(anchors):
        below_another = i > 0 and anchors[i - 1].page == anchor.page
        anchor.at_top = not below_another and _at_top(layout, anchor, before.get(anchor.id),
                                                      max_top)
    return anchors


def _anchor(node: Heading, page: int, y: float | None) -> Anchor:
    return Anchor(node.id, node.title, node.title, node.level, page, y if y is not None else 1e9)


def _bounds(nodes: list[Heading], i: int, found: dict[str, Anchor], last: int) \
        -> tuple[int, int]:
    low = max((found[n.id].page for n in nodes[:i] if n.id in found), default=1)
    high = min((found[n.id].page for n in nodes[i + 1:] if n.id in found), default=last)
    return low, max(low, high)


def _search(layout: Layout, node: Heading, code: str | None, low: int, high: int,
            hints: Hints | None) -> Anchor | None:
    tag = tag_text("open", code).lower() if code and (hints is None or code in hints.tags) else None
    for page in range(low, high + 1):
        lines = layout.lines(page)
        for j, line in enumerate(lines):
            text = line.text
            if _matches(node, text, loose=False) or (
                    j + 1 < len(lines) and len(text) >= 8
                    and normalise(node.title).startswith(normalise(text))
                    and _matches(node, f"{text} {lines[j + 1].text}", loose=False)):
                return _anchor(node, page, line.y + 1)
    if tag:
        for page in range(low, high + 1):
            for line in layout.lines(page):
                if tag in normalise(line.text).split():
                    return _anchor(node, page, line.y + 1)
    return None


def _work_packages(layout: Layout, found: dict[str, Anchor], hints: Hints | None,
                   form: FormDescription) -> list[Anchor]:
    pattern = form.work_package_pattern()
    wanted = set(hints.work_packages) if hints else None
    if wanted is not None and not wanted:
        return []
    before, after = form.around_work_packages()
    level = form.work_package_block().heading.level
    prefix = f"{before.number} " if before is not None and before.number else ""

    def anchor(number: int, title: str, page: int, y: float | None) -> Anchor:
        return Anchor(f"wp{number}", " ".join(title.split()), f"{prefix}WP{number}", level,
                      page, y if y is not None else 1e9)

    result: dict[int, Anchor] = {}
    for entry in layout.outline():
        match = pattern.match(normalise(entry.title))
        if match and int(match.group(1)) not in result:
            result[int(match.group(1))] = anchor(int(match.group(1)), entry.title, entry.page,
                                                 entry.top)
    if wanted is not None and wanted <= set(result):
        return list(result.values())
    start = found[before.id].page if before is not None and before.id in found else 1
    end = found[after.id].page if after is not None and after.id in found \
        else layout.page_count
    for page in range(start, max(start, end) + 1):
        for line in layout.lines(page):
            match = pattern.match(normalise(line.text))
            if match and int(match.group(1)) not in result:
                result[int(match.group(1))] = anchor(int(match.group(1)), line.text, page,
                                                     line.y + 1)
        if wanted is not None and wanted <= set(result):
            break
    return list(result.values())


def _at_top(layout: Layout, anchor: Anchor, before: float | None,
            max_top: float | None) -> bool:
    """Whether nothing but headers and blank space stands above the anchor on its page."""
    if anchor.y >= 1e9:
        return False
    body_top = layout.sizes[anchor.page - 1][1] - layout.top_margin
    if before is not None and anchor.y >= body_top - before - 4:
        return True
    reference = max_top if max_top is not None and before is None else body_top
    if anchor.y < reference - _NEAR_TOP:
        return False
    return not layout.body_above(anchor.page, anchor.y)


def sections_from(anchors: list[Anchor], last_page: int, layout: Any = None) -> list[Section]:
    """Start and end pages from the section starts.

    A section ends where the next one of the same or a higher level starts: on the page
    before if that one starts at the top of its page, else on the same page. With the
    ``layout`` (its page sizes and text lines), each section also gets its length in pages:
    what `watch` compares from one save to the next.
    """
    out = []
    for i, anchor in enumerate(anchors):
        following = next((a for a in anchors[i + 1:] if a.level <= anchor.level), None)
        if following is None:
            end, shared_end = last_page, False
        else:
            end = following.page - (1 if following.at_top else 0)
            shared_end = not following.at_top
        if end < anchor.page:
            end, shared_end = anchor.page, True
        out.append(Section(anchor.id, anchor.title, anchor.label, anchor.level, anchor.page,
                           end, anchor.at_top, shared_end,
                           _length(anchor, following, layout)))
    return out


def _position(layout: Any, page: int, y: float) -> float:
    """Pages from the document start to height ``y`` (points from the bottom) of ``page``."""
    height = float(layout.sizes[page - 1][1])
    return page + (height - min(y, height)) / height


def _length(anchor: Anchor, following: Anchor | None, layout: Any) -> float | None:
    """Pages from ``anchor`` to ``following``, each page measured in its own height.

    When ``following`` starts at the top of a page, the section ends where its text ends on
    the page before: the blank under it (a page break, a landscape section, a table row
    that moved on) is not the section's. None for the last section (where its text ends on
    the last page is not known) and without page sizes.
    """
    if (layout is None or not getattr(layout, "sizes", None) or following is None
            or anchor.y >= 1e9 or following.y >= 1e9):
        return None
    if not 0 < anchor.page <= len(layout.sizes) or not 0 < following.page <= len(layout.sizes):
        return None
    start = _position(layout, anchor.page, anchor.y)
    stop = _position(layout, following.page, following.y)
    if following.at_top and following.page - 1 >= anchor.page:
        page = following.page - 1
        bottom = _text_bottom(layout, page, anchor.y if page == anchor.page else None)
        if bottom is not None:
            stop = _position(layout, page, bottom)
    return round(max(0.0, stop - start), 2)


def _text_bottom(layout: Any, page: int, below: float | None) -> float | None:
    """Height of the lowest body line on ``page`` (under ``below``), footers left out."""
    margin = float(getattr(layout, "top_margin", 0.0)) * 0.9
    heights = [line.y for line in layout.lines(page)
               if line.y > margin and (below is None or line.y <= below)]
    return min(heights) if heights else None
