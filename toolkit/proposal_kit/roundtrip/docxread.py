"""Read a Word document back into Markdown paragraphs, with its tracked changes and comments.

The body is read in document order as one flat list of non-empty paragraphs; a table's
cells are read row by row into that list too (the official form holds the answers inside
its boxes, which are tables), and each table is also kept as rows of cell texts for the
field mapping. Bold, italic, links, list items and headings become Markdown. Tracked
insertions and deletions are applied as accepted (the default) or as rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from docx.document import Document
from docx.oxml.ns import qn

from ..form.locate import is_contents, normalise
from ..render.refdoc import style_names
from ..safeio import CONTROL

__all__ = ["Block", "Change", "Comment", "Policy", "Reading", "TableRead", "document_links",
           "document_styles", "read_body", "read_document"]

Policy = Literal["accept", "reject"]

W_P, W_TBL, W_TR, W_TC, W_R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
W_INS, W_DEL, W_MOVE_TO, W_MOVE_FROM = qn("w:ins"), qn("w:del"), qn("w:moveTo"), \
    qn("w:moveFrom")
W_HYPERLINK, W_SDT, W_SDT_CONTENT = qn("w:hyperlink"), qn("w:sdt"), qn("w:sdtContent")
W_C_START, W_C_END = qn("w:commentRangeStart"), qn("w:commentRangeEnd")
W_ID, W_VAL = qn("w:id"), qn("w:val")
W_PPR, W_RPR, W_PSTYLE, W_NUMPR = qn("w:pPr"), qn("w:rPr"), qn("w:pStyle"), qn("w:numPr")
W_T, W_DEL_TEXT, W_TAB = qn("w:t"), qn("w:delText"), qn("w:tab")
W_BR, W_CR, W_NO_BREAK_HYPHEN = qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")
W_B, W_I, W_AUTHOR, W_DATE, R_ID = qn("w:b"), qn("w:i"), qn("w:author"), qn("w:date"), \
    qn("r:id")
#: What a run's child contributes to the text (its own text for w:t and w:delText).
_RUN_TEXT = {W_TAB: "\t", W_BR: " ", W_CR: " ", W_NO_BREAK_HYPHEN: "-"}
#: Wrappers whose runs are read as the paragraph's own.
_TRANSPARENT = frozenset({qn("w:smartTag"), qn("w:customXml"), W_SDT, W_SDT_CONTENT,
                          qn("w:fldSimple")})
_TOC_STYLE = re.compile(r"(?i)^(?:toc|contents)\s*\d$")
_HEADING = re.compile(r"(?i)^heading\s*(\d)$")
_LIST = re.compile(r"(?i)^list (bullet|number|continue)\s*(\d)?$")
_COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


@dataclass
class Block:
    """One non-empty paragraph: its Markdown, its plain text and where it stands."""

    md: str
    plain: str
    #: (table number, row, column) for a paragraph inside a table cell.
    cell: tuple[int, int, int] | None = None
    list_item: bool = False
    heading: int = 0
    #: The w:p element it was read from.
    element: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Change:
    """A tracked insertion or deletion."""

    kind: Literal["insertion", "deletion"]
    author: str
    date: str
    text: str
    block: int  # index of the paragraph it is in (the next one for a deleted paragraph)


@dataclass
class Comment:
    """A Word comment and the text it was anchored to."""

    id: str
    author: str
    date: str
    text: str
    quoted: str = ""
    block: int | None = None


@dataclass
class TableRead:
    """A table as rows of cell texts (Markdown of the cell's paragraphs, one per line)."""

    number: int
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Reading:
    """What was read from a document."""

    blocks: list[Block]
    tables: list[TableRead]
    changes: list[Change]
    comments: list[Comment]


def _wrap(text: str, marker: str) -> str:
    """``text`` between ``marker``, spaces kept outside (``**bold** `` not ``**bold **``)."""
    core = text.strip()
    if not core or not marker:
        return text
    start = text[:len(text) - len(text.lstrip())]
    end = text[len(text.rstrip()):]
    return f"{start}{marker}{core}{marker}{end}"


#: A paragraph's pieces: Markdown as it is (a link), or (marker, text) of a run.
Pieces = list[str | tuple[str, str]]


def _fold(pieces: Pieces) -> str:
    """The Markdown of ``pieces``: runs of the same formatting joined before they are wrapped.

    Word splits a run wherever the editing session or a spelling mark changes, so the
    Markdown must not depend on where the runs are cut (``**a b**``, not ``**a** **b**``).
    """
    out: list[str] = []
    marker: str | None = None
    text = ""
    for piece in [*pieces, ""]:
        if isinstance(piece, tuple) and piece[0] == marker:
            text += piece[1]
            continue
        if marker is not None:
            out.append(_wrap(text, marker))
        marker, text = piece if isinstance(piece, tuple) else (None, "")
        if isinstance(piece, str):
            out.append(piece)
    return "".join(out)


def _on(rpr: Any, tag: str) -> bool:
    """Whether the toggle ``tag`` (a Clark name, e.g. :data:`W_B`) is on in ``rpr``."""
    if rpr is None:
        return False
    node = rpr.find(tag)
    return node is not None and (node.get(W_VAL) or "true").lower() not in ("0", "false",
                                                                            "none")


class _Reader:
    """Reads a body; knows the document only through its style names, links and comments."""

    def __init__(self, styles: dict[str, str], links: dict[str, str],
                 comments: dict[str, Comment], policy: Policy) -> None:
        self.policy = policy
        self.styles = styles
        self.links = links
        self.blocks: list[Block] = []
        self.tables: list[TableRead] = []
        self.changes: list[Change] = []
        self.comments = comments
        self.open_comments: set[str] = set()

    # -- body -------------------------------------------------------------------------
    def body(self, element: Any) -> None:
        for child in element:
            if child.tag == W_SDT:
                content = child.find(W_SDT_CONTENT)
                if content is not None and not is_contents(child):
                    self.body(content)
            elif child.tag == W_TBL:
                self.table(child)
            elif child.tag == W_P:
                self.paragraph(child, None)

    def table(self, tbl: Any) -> None:
        read = TableRead(len(self.tables))
        self.tables.append(read)
        for r, tr in enumerate(tbl.iterchildren(W_TR)):
            row: list[str] = []
            for c, tc in enumerate(tr.iterchildren(W_TC)):
                start = len(self.blocks)
                for child in tc:
                    if child.tag == W_P:
                        self.paragraph(child, (read.number, r, c))
                    elif child.tag == W_TBL:
                        self.table(child)
                row.append("\n".join(b.md for b in self.blocks[start:]
                                     if b.cell == (read.number, r, c)))
            read.rows.append(row)

    def _style(self, ppr: Any) -> str:
        node = ppr.find(W_PSTYLE) if ppr is not None else None
        sid = node.get(W_VAL) if node is not None else None
        return self.styles.get(sid, sid or "") if sid else ""

    def paragraph(self, p: Any, cell: tuple[int, int, int] | None) -> None:
        if len(p) == 0 or (len(p) == 1 and p[0].tag == W_PPR):
            return  # no run, link or mark: nothing to read (most empty table cells)
        ppr = p.find(W_PPR)
        style = self._style(ppr)
        if style and _TOC_STYLE.match(style):
            return
        pieces: Pieces = []
        plain: list[str] = []
        index = len(self.blocks)
        rpr = ppr.find(W_RPR) if ppr is not None else None
        deleted_mark = rpr.find(W_DEL) if rpr is not None else None
        self._walk(p, pieces, plain, index, None, None)
        md = _fold(pieces).strip()
        text = "".join(plain).strip()
        if not text:
            return
        if deleted_mark is not None and self.policy == "accept" and not md:
            return
        heading = 0
        prefix = ""
        match = _HEADING.match(style) if style else None
        if match:
            heading = int(match.group(1))
            prefix = "#" * heading + " "
            md = md.replace("**", "")  # heading styles are bold already
        list_match = _LIST.match(style) if style else None
        has_num = ppr is not None and ppr.find(W_NUMPR) is not None
        list_item = False
        if list_match or (has_num and not heading):
            kind = list_match.group(1).lower() if list_match else "bullet"
            depth = int(list_match.group(2) or 1) if list_match else 1
            indent = "  " * (depth - 1) if kind != "number" else "   " * (depth - 1)
            list_item = True
            if kind == "number":
                prefix = indent + "1. "
            elif kind == "continue":
                prefix, list_item = "", False
            else:
                prefix = indent + "- "
        elif style.lower() == "quote":
            prefix = "> "
        self.blocks.append(Block(prefix + md, normalise(text), cell, list_item, heading, p))

    def _walk(self, element: Any, pieces: Pieces, plain: list[str], index: int,
              tracked: tuple[str, Any] | None, link: str | None) -> None:
        for child in element:
            tag = child.tag
            if tag == W_R:
                self._run(child, pieces, plain, index, tracked)
            elif tag in (W_INS, W_MOVE_TO):
                self._walk(child, pieces, plain, index, ("insertion", child), link)
            elif tag in (W_DEL, W_MOVE_FROM):
                self._walk(child, pieces, plain, index, ("deletion", child), link)
            elif tag == W_HYPERLINK:
                target = self.links.get(child.get(R_ID) or "")
                inner: Pieces = []
                self._walk(child, inner, plain, index, tracked, target)
                text = _fold(inner)
                pieces.append(f"[{text}]({target})" if target and text.strip() else text)
            elif tag == W_C_START:
                cid = child.get(W_ID) or ""
                self.open_comments.add(cid)
                if cid in self.comments and self.comments[cid].block is None:
                    self.comments[cid].block = index
            elif tag == W_C_END:
                self.open_comments.discard(child.get(W_ID) or "")
            elif tag in _TRANSPARENT:
                self._walk(child, pieces, plain, index, tracked, link)

    def _run(self, r: Any, pieces: Pieces, plain: list[str], index: int,
             tracked: tuple[str, Any] | None) -> None:
        out = []
        for node in r:
            tag = node.tag
            if tag in (W_T, W_DEL_TEXT):
                out.append(node.text or "")
            elif tag in _RUN_TEXT:
                out.append(_RUN_TEXT[tag])
        # C1 controls are valid XML, so Word can hold them; no section file may (check).
        text = CONTROL.sub("", "".join(out))
        if not text:
            return
        for cid in self.open_comments:
            if cid in self.comments:
                self.comments[cid].quoted += text
        if tracked is not None:
            kind, element = tracked
            self.changes.append(Change("insertion" if kind == "insertion" else "deletion",
                                       element.get(W_AUTHOR) or "",
                                       element.get(W_DATE) or "", text, index))
            if (kind == "insertion") != (self.policy == "accept"):
                return
        rpr = r.find(W_RPR)
        marker = ("**" if _on(rpr, W_B) else "") + ("*" if _on(rpr, W_I) else "")
        plain.append(text)
        pieces.append((marker, text))


def _merge_changes(changes: list[Change]) -> list[Change]:
    """One change per tracked revision: runs of one insertion or deletion joined."""
    merged: list[Change] = []
    for c in changes:
        last = merged[-1] if merged else None
        if last and (last.kind, last.author, last.date, last.block) == \
                (c.kind, c.author, c.date, c.block):
            merged[-1] = Change(c.kind, c.author, c.date, last.text + c.text, c.block)
        else:
            merged.append(c)
    return merged


def document_styles(document: Document) -> dict[str, str]:
    """Style id -> style name, of every style of ``document`` that has both.

    A damaged or hand-edited document may lack either.
    """
    return {sid: name for name, sid in style_names(document) if sid and name}


def document_links(document: Document) -> dict[str, str]:
    """Relationship id -> target, of the main part's external links (hyperlinks)."""
    return {rid: rel.target_ref for rid, rel in document.part.rels.items() if rel.is_external}


def _comments(document: Document) -> dict[str, Comment]:
    from docx.oxml import parse_xml

    out: dict[str, Comment] = {}
    for rel in document.part.rels.values():
        if rel.reltype != _COMMENTS_REL:
            continue
        for c in parse_xml(rel.target_part.blob).iter(qn("w:comment")):
            text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                             for p in c.iter(W_P)).strip()
            cid = c.get(W_ID) or ""
            out[cid] = Comment(cid, c.get(qn("w:author")) or "", c.get(qn("w:date")) or "",
                               text)
    return out


def read_document(document: Document, policy: Policy = "accept") -> Reading:
    """The paragraphs, tables, tracked changes and comments of ``document``."""
    return read_body(document.element.body, document_styles(document),
                     document_links(document), policy, _comments(document))


def read_body(body: Any, styles: dict[str, str], links: dict[str, str],
              policy: Policy = "accept", comments: dict[str, Comment] | None = None) -> Reading:
    """:func:`read_document` of a ``w:body`` element, given what it needs of its document.

    ``styles``: style id -> name; ``links``: relationship id -> external target;
    ``comments``: the document's comments by id.
    """
    reader = _Reader(styles, links, comments if comments is not None else {}, policy)
    reader.body(body)
    for block in reader.blocks:  # '**a****b**' from two bold runs reads '**ab**'
        block.md = block.md.replace("****", "").replace("**  **", " ")
    return Reading(reader.blocks, reader.tables, _merge_changes(reader.changes),
                   list(reader.comments.values()))
