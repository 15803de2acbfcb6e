r"""The table of contents of a Word document, built from its headings.

Both layouts use it: the own layout's ``{toc}`` block and the official form's table of
contents get one entry per heading the field's levels cover (``TOC \o "1-3"``), in the
entry styles of the document ("TOC 1", "TOC 2"...), each ending in a tab to the right
margin and, when known, the page number. Until Word updates the field, the entries take the
room of the real table, so a page count made now stays true; `render --pages` fills the
numbers in from that count.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..docxfile import xml_int

__all__ = ["DEFAULT_INSTRUCTION", "contents_control", "heading_entries", "rebuild_contents"]

#: Headings 1 to 3, as hyperlinks, without page numbers in web view: Word's usual TOC.
DEFAULT_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
W_P, W_R, W_T = qn("w:p"), qn("w:r"), qn("w:t")
_LEVELS = re.compile(r'\\o\s+"(\d)-(\d)"')


def _is_contents(sdt: Any) -> bool:
    gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and "contents" in (gallery.get(qn("w:val")) or "").lower()


def contents_control(document: Document) -> Any:
    """The document's table of contents (a content control), if it has one."""
    return next((s for s in document.element.body.iter(qn("w:sdt")) if _is_contents(s)), None)


def new_contents_control() -> Any:
    """An empty table-of-contents content control, as Word makes one."""
    sdt = OxmlElement("w:sdt")
    pr = OxmlElement("w:sdtPr")
    obj = OxmlElement("w:docPartObj")
    gallery = OxmlElement("w:docPartGallery")
    gallery.set(qn("w:val"), "Table of Contents")
    unique = OxmlElement("w:docPartUnique")
    obj.extend([gallery, unique])
    pr.append(obj)
    content = OxmlElement("w:sdtContent")
    content.append(OxmlElement("w:p"))
    sdt.extend([pr, content])
    return sdt


def _level(value: str | None) -> int | None:
    """An outline level (``w:outlineLvl``) of the user's document, 0-based.

    None (body text) when it is not a number, as Word reads such a value.
    """
    level = xml_int(value, "", -1)
    return level if level >= 0 else None


def _outline_levels(document: Document) -> dict[str, int]:
    """Style id -> outline level (0-based), resolved through ``basedOn``."""
    own: dict[str, int | None] = {}
    based: dict[str, str | None] = {}
    for style in document.styles.element.iter(qn("w:style")):
        sid = style.get(qn("w:styleId"))
        level = style.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        own[sid] = _level(level.get(qn("w:val"))) if level is not None else None
        parent = style.find(qn("w:basedOn"))
        based[sid] = parent.get(qn("w:val")) if parent is not None else None
    out: dict[str, int] = {}
    for sid in own:
        seen: set[str] = set()
        current: str | None = sid
        while current and current not in seen:
            seen.add(current)
            if own.get(current) is not None:
                value = own[current]
                if value is not None and value < 9:
                    out[sid] = value
                break
            current = based.get(current)
    return out


def _entry_styles(document: Document) -> dict[int, str]:
    """Level (1-based) -> style id of the document's "TOC n" entry styles."""
    out: dict[int, str] = {}
    for style in document.styles.element.iter(qn("w:style")):
        name = style.find(qn("w:name"))
        match = re.fullmatch(r"(?i)toc\s*(\d)", name.get(qn("w:val")) if name is not None
                             else "")
        if match:
            out[int(match.group(1))] = style.get(qn("w:styleId"))
    return out


_W_PPR, _W_PSTYLE, _W_OUTLINE, _W_VAL = qn("w:pPr"), qn("w:pStyle"), qn("w:outlineLvl"), \
    qn("w:val")
_W_SDT = qn("w:sdt")


def _candidates(body: Any, levels: Mapping[str, int]) -> list[Any]:
    """The paragraphs that may be headings: an outline level, or a style that has one.

    Found from their ``w:pStyle`` and ``w:outlineLvl`` elements, which lxml selects by tag
    (a large draft holds thousands of table-cell paragraphs, which Python then never
    visits), in document order; the entries of a table of contents are left out. One walk
    of the body: a content control comes before what it holds.
    """
    out: list[Any] = []
    seen: set[Any] = set()
    for mark in body.iter(_W_SDT, _W_PSTYLE, _W_OUTLINE):
        if mark.tag == _W_SDT:
            if _is_contents(mark):
                seen.update(mark.iter(W_P))  # its entries are no headings
            continue
        if mark.tag == _W_PSTYLE and mark.get(_W_VAL) not in levels:
            continue
        ppr = mark.getparent()
        p = ppr.getparent() if ppr.tag == _W_PPR else None
        if p is not None and p.tag == W_P and p not in seen:
            seen.add(p)
            out.append(p)
    return out


def heading_entries(document: Document, low: int = 1, high: int = 9) -> list[tuple[int, str]]:
    """``(level, text)`` of each heading of levels ``low``..``high``, in document order."""
    levels = _outline_levels(document)
    entries = []
    ppr_tag, lvl_tag, style_tag, val = qn("w:pPr"), qn("w:outlineLvl"), qn("w:pStyle"), \
        qn("w:val")
    for p in _candidates(document.element.body, levels):
        ppr = p.find(ppr_tag)
        level = None
        if ppr is not None:
            direct = ppr.find(lvl_tag)
            style = ppr.find(style_tag)
            if direct is not None:
                level = _level(direct.get(val))
            elif style is not None:
                level = levels.get(style.get(val))
        if level is None or level >= 9 or not low <= level + 1 <= high:
            continue
        text = " ".join("".join(t.text or "" for t in p.iter(W_T)).split())
        if text:
            entries.append((level + 1, text))
    return entries


def _field_char(kind: str, dirty: bool = False) -> Any:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    run.append(char)
    return run


def _run(text: str) -> Any:
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    return run


def rebuild_contents(document: Document, sdt: Any | None = None,
                     pages: Mapping[str, int] | None = None) -> int:
    """Rewrite the table of contents from the document's headings; return the entries.

    ``pages`` (heading text, whitespace collapsed -> page) numbers the entries. The field
    is marked dirty, so Word offers to update it (with hyperlinks) when the file is opened.
    """
    sdt = sdt if sdt is not None else contents_control(document)
    if sdt is None:
        return 0
    content = sdt.find(qn("w:sdtContent"))
    instruction = next((t.text for t in sdt.iter(qn("w:instrText"))
                        if t.text and "TOC" in t.text), None) or f" {DEFAULT_INSTRUCTION} "
    match = _LEVELS.search(instruction)
    low, high = (int(match.group(1)), int(match.group(2))) if match else (1, 3)
    entries = heading_entries(document, low, high)
    styles = _entry_styles(document)
    numbers = {" ".join(k.split()): v for k, v in (pages or {}).items()}
    paragraphs = []
    for level, text in entries:
        p = OxmlElement("w:p")
        style_id = styles.get(level) or (styles[max(styles)] if styles else None)
        if style_id:
            ppr = OxmlElement("w:pPr")
            pstyle = OxmlElement("w:pStyle")
            pstyle.set(qn("w:val"), style_id)
            ppr.append(pstyle)
            p.append(ppr)
        p.append(_run(text))
        tab = OxmlElement("w:r")
        tab.append(OxmlElement("w:tab"))
        p.append(tab)
        page = numbers.get(text)
        if page is not None:
            p.append(_run(str(page)))
        paragraphs.append(p)
    if not paragraphs:
        p = OxmlElement("w:p")
        p.append(_run("Right-click and choose Update Field to build the table of contents."))
        paragraphs.append(p)
    first, last = paragraphs[0], paragraphs[-1]
    begin = _field_char("begin", dirty=True)
    instr_run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    instr_run.append(instr)
    position = 1 if first.find(qn("w:pPr")) is not None else 0
    for offset, element in enumerate((begin, instr_run, _field_char("separate"))):
        first.insert(position + offset, element)
    last.append(_field_char("end"))
    del content[:]  # the old entries, freed at once: nothing else holds them
    content.extend(paragraphs)
    return len(entries)
