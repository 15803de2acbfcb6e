"""Find the parts of an official form in a Word document, by their tags and titles.

Nothing here counts positions: a box is the table whose first paragraph starts with the
box's title, a table is found by its title and headings, a heading by its number and text,
and each is looked for after the one before it in the form's order. So a form re-saved by
Word or LibreOffice, or one whose notice page was already deleted, is found all the same.
Used by the form filler, and by the readers behind `import` and `absorb`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docx.document import Document
from docx.oxml.ns import qn

from ..errors import InputError
from .description import (
    BoxItem,
    FormDescription,
    HeadingItem,
    TableItem,
    WorkPackagesItem,
)
from .tags import TAG, tag_events, tag_text

__all__ = ["FormMap", "form_paragraphs", "identify", "is_contents", "is_shaded", "locate",
           "normalise",
           "tags_in", "text_of"]

_DASHES = str.maketrans({"—": "-", "–": "-", "‐": "-", "‑": "-", "’": "'", "\u00a0": " "})
W_P, W_TBL, W_TC, W_TR, W_T = qn("w:p"), qn("w:tbl"), qn("w:tc"), qn("w:tr"), qn("w:t")
W_TAB, W_BR = qn("w:tab"), qn("w:br")
W_TC_PR, W_SHD, W_FILL = qn("w:tcPr"), qn("w:shd"), qn("w:fill")


def normalise(text: str) -> str:
    """Lower case, one kind of dash and quote, single spaces, no trailing colon."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).lower()
    return " ".join(text.replace("\u200b", "").split()).rstrip(" :")


def text_of(element: Any) -> str:
    """The text of an element (paragraph, cell, table), deleted text excluded."""
    out = []
    for node in element.iter(W_T, W_TAB, W_BR):
        if node.tag == W_T:
            out.append(node.text or "")
        else:
            out.append(" ")
    return "".join(out)


def first_paragraph_text(tbl: Any) -> str:
    """The text of the first paragraph of a table's first cell (where a box's title is)."""
    tc = tbl.find(f"{W_TR}/{W_TC}")
    if tc is None:
        return ""
    p = tc.find(W_P)
    return text_of(p) if p is not None else ""


def _starts_with(text: str, title: str) -> bool:
    """Whether normalised ``text`` begins with the normalised title, at a word boundary."""
    text, title = normalise(text), normalise(title)
    return text == title or (text.startswith(title) and not text[len(title)].isalnum())


@dataclass
class FormMap:
    """Where each part of the form stands in a document."""

    document_tag: Any = None
    notice: list[Any] = field(default_factory=list)
    cover: Any = None
    contents: Any = None
    headings: dict[str, Any] = field(default_factory=dict)
    boxes: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    #: The work package heading of the form ("Work Package 1") and its placeholder copy.
    wp_heading: Any = None
    wp_placeholder: Any = None
    tag_paragraphs: list[Any] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


_TOC_STYLE = re.compile(r"(?i)^(?:toc|contents)\s*\d$")


def is_contents(element: Any) -> bool:
    """Whether a content control is a table of contents."""
    gallery = element.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and "contents" in (gallery.get(qn("w:val")) or "").lower()


def _blocks(body: Any) -> Iterator[Any]:
    """The body's paragraphs and tables in order.

    Content controls are opened; tables of contents are left out (their entries repeat
    the headings).
    """
    for child in body:
        if child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None and not is_contents(child):
                yield from _blocks(content)
        elif child.tag == W_TBL:
            yield child
        elif child.tag == W_P:
            style = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            if style is None or not _TOC_STYLE.match(style.get(qn("w:val")) or ""):
                yield child


def tags_in(text: str) -> list[tuple[str, str]]:
    """``("open"|"close", code)`` of each processing tag in ``text``."""
    return tag_events(text)


def identify(document: Document, forms: list[FormDescription]) -> FormDescription:
    """Which described form ``document`` is a copy of.

    Raises:
        InputError: it is not the official form (its document tag is missing), or it is a
            version proposal-kit has no description of.
    """
    body_text = text_of(document.element.body)
    candidates = [f for f in forms if tag_text("open", f.document_tag) in body_text]
    if not candidates:
        raise InputError("this is not the official Part B form: its document tag "
                         f"{tag_text('open', forms[0].document_tag)} is missing",
                         hint="download the form from the Funding & Tenders portal "
                         "(Submission System, Part B) and give that copy to --form")
    for form in candidates:
        version, date = form.identify.version
        for tbl in document.element.body.iter(W_TBL):
            if not _starts_with(first_paragraph_text(tbl), form.identify.history_table):
                continue
            rows = [[normalise(text_of(tc)) for tc in tr.iter(W_TC)] for tr in tbl.iter(W_TR)]
            latest = [r for r in rows if r and re.fullmatch(r"\d+(\.\d+)*", r[0])]
            if latest and latest[-1][:2] == [version, date]:
                return form
            if latest:
                known = ", ".join(f"V{f.version} of {f.identify.version[1]}" for f in forms)
                raise InputError(f"this form is version {latest[-1][0]} of "
                                 f"{latest[-1][1] if len(latest[-1]) > 1 else '?'}, which "
                                 f"proposal-kit does not know (it knows {known})",
                                 hint="update proposal-kit, or fill the form it knows")
    # No history table (deleted by the applicant): the header names the form.
    for form in candidates:
        for section in document.sections:
            header = " ".join(p.text for p in section.header.paragraphs)
            if normalise(form.identify.header) in normalise(header):
                return form
    return candidates[0]


def _is_heading_text(p: Any, text: str, title: str, number: str | None) -> bool:
    got = normalise(text)
    want = normalise(title)
    if got == want:
        return True
    if number:  # "1.1 Background" or "1.1. Background"
        plain = normalise(title[len(number):].lstrip(". "))
        return got in (f"{number} {plain}", f"{number}. {plain}")
    return False


def _notice(blocks: list[Any], marker: str, first_heading: str) -> list[Any]:
    """The notice page: from the block holding the marker up to the first front heading."""
    start = next((i for i, b in enumerate(blocks[:40]) if normalise(marker) in
                  normalise(text_of(b))), None)
    if start is None:
        return []
    end = next((i for i in range(start + 1, len(blocks))
                if normalise(text_of(blocks[i])) == normalise(first_heading)), None)
    if end is None:
        return [blocks[start]]
    return blocks[start:end]


def locate(document: Document, form: FormDescription) -> FormMap:
    """Where each part of ``form`` is in ``document``; what cannot be found is listed."""
    blocks = list(_blocks(document.element.body))
    found = FormMap()
    found.notice = _notice(blocks, form.notice, form.front[0].text if form.front else "")
    tables = [b for b in blocks if b.tag == W_TBL]
    for b in blocks:
        if b.tag == W_P and tag_text("open", form.document_tag) in text_of(b):
            found.document_tag = b
            break
    found.tag_paragraphs = [b for b in blocks if b.tag == W_P and TAG.search(text_of(b))]
    found.cover = next((t for t in tables if _starts_with(first_paragraph_text(t),
                                                          form.cover.table)), None)
    found.contents = next((c for c in document.element.body.iter(qn("w:sdt"))
                           if is_contents(c)), None)
    position = 0

    def after(start: int, predicate: Any) -> int | None:
        for i in range(start, len(blocks)):
            if predicate(blocks[i]):
                return i
        return None

    for item in form.body:
        if isinstance(item, HeadingItem):
            h = item.heading
            i = after(position, lambda b, h=h: b.tag == W_P and
                      _is_heading_text(b, text_of(b), h.title, h.number))
            if i is None:
                found.missing.append(f"heading '{h.title}'")
                continue
            found.headings[h.id] = blocks[i]
            position = i + 1
        elif isinstance(item, BoxItem):
            box = item.box
            if box.in_table:  # a row of a table found before
                if box.in_table in found.tables:
                    found.boxes[box.id] = found.tables[box.in_table]
                else:
                    found.missing.append(f"box '{box.title}'")
                continue
            title = box.title
            i = after(position, lambda b, t=title: b.tag == W_TBL and
                      _starts_with(first_paragraph_text(b), t))
            if i is None:
                found.missing.append(f"box '{box.title}'")
                continue
            found.boxes[box.id] = blocks[i]
            if box.table:
                found.tables[box.table] = blocks[i]
            position = i + 1
        elif isinstance(item, TableItem):
            spec = form.tables[item.table]
            i = after(position, lambda b, t=spec.title: b.tag == W_TBL and
                      _starts_with(first_paragraph_text(b), t))
            if i is None:
                found.missing.append(f"table '{spec.title}'")
                continue
            found.tables[item.table] = blocks[i]
            position = i + 1
        elif isinstance(item, WorkPackagesItem):
            block = item.work_packages
            first = block.heading_text(1)
            i = after(position, lambda b, t=first: b.tag == W_P and
                      normalise(text_of(b)) == normalise(t))
            if i is not None:
                found.wp_heading = blocks[i]
            title = form.tables["work_package"].title.format(n=1)
            j = after(position, lambda b, t=title: b.tag == W_TBL and
                      _starts_with(first_paragraph_text(b), t))
            if j is None:
                found.missing.append(f"table '{title}'")
                continue
            found.tables["work_package"] = blocks[j]
            budget = form.tables[block.tables[1]].title if len(block.tables) > 1 else None
            if budget:
                k = after(j + 1, lambda b, t=budget: b.tag == W_TBL and
                          _starts_with(first_paragraph_text(b), t))
                if k is not None:
                    found.tables[block.tables[1]] = blocks[k]
                    j = k
            m = after(j + 1, lambda b, t=block.placeholder: b.tag == W_P and
                      normalise(text_of(b)) == normalise(t))
            if m is not None:
                found.wp_placeholder = blocks[m]
            position = j + 1
    return found


def form_paragraphs(document: Document, form: FormDescription) -> set[Any]:
    """The paragraphs that are the form's own text, not the applicant's.

    The front page before the cover, the processing tags, the guidance row of each box
    and the heading rows of the form's tables (work package copies included): what the
    form's authors set, in their own sizes, and what a format check of the applicant's
    text leaves out.
    """
    body = document.element.body
    owned: set[Any] = set()
    titles = [normalise(box.title) for box in form.boxes()]
    headings: set[str] = set()
    for spec in form.tables.values():
        headings.add(normalise(spec.title.format(n=1)).split(":")[0])
        for col in (*spec.columns, *(c for part in spec.parts.values() for c in part.columns)):
            headings.add(normalise(col.heading))
    headings.discard("")  # an empty heading would make every cell look like one
    children = list(body)
    cover = next((i for i, child in enumerate(children) if child.tag == W_TBL and
                  _starts_with(first_paragraph_text(child), form.cover.table)), None)
    if cover is None:  # not a filled form: none of the text is the form's
        return owned
    for child in children[:cover]:
        owned.update(child.iter(W_P))
    wp_heading = form.work_package_pattern()
    for p in body.iter(W_P):
        text = text_of(p).strip()
        if TAG.match(text) or wp_heading.fullmatch(normalise(text)) or \
                _style(p).lower().startswith("contents"):
            owned.add(p)
    for tbl in body.iter(W_TBL):
        rows = tbl.findall(W_TR)
        if not rows:
            continue
        first = normalise(first_paragraph_text(tbl))
        if any(first == t or first.startswith(t + " ") for t in titles):
            owned.update(rows[0].iter(W_P))
        for tr in rows:
            texts = [normalise(text_of(tc)) for tc in tr.findall(W_TC)]
            if any(t and any(t.startswith(h) for h in headings) for t in texts):
                owned.update(tr.iter(W_P))
            for tc in tr.findall(W_TC):
                if is_shaded(tc):
                    owned.update(tc.iter(W_P))
    last = next((h.title for h in reversed(form.headings()) if h.level == 1), None)
    annexes = next((i for i, child in enumerate(children) if last and child.tag == W_P and
                    normalise(text_of(child)) == normalise(last)), None)
    for child in children[annexes or len(children):]:
        if child.tag == W_P:  # the form's list of annexes
            owned.add(child)
    return owned


def is_shaded(tc: Any) -> bool:
    """Whether a cell has a fill: the form's guidance and heading cells are grey."""
    tc_pr = next(tc.iterchildren(W_TC_PR), None)  # not find(): no path to parse, per cell
    shd = next(tc_pr.iterchildren(W_SHD), None) if tc_pr is not None else None
    fill = (shd.get(W_FILL) or "auto").lower() if shd is not None else "auto"
    return fill not in ("auto", "ffffff")


def _style(p: Any) -> str:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return (style.get(qn("w:val")) or "") if style is not None else ""
