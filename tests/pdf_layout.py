"""What a rendered draft looks like on the page, read back from LibreOffice's PDF.

The tests use it to judge the layout page by page, as an evaluator sees it:

- :func:`split_rows`: table rows laid out over two pages (from the tagged PDF's structure,
  where each row is a ``TR`` element whose content is marked on the pages it is drawn on);
- :func:`lonely_blocks`: a heading or a caption drawn on a page before the block it heads;
- :func:`captions_apart`: the paragraph just before a table drawn on a page before it;
- :func:`broken_words`: a word broken over two lines of a cell without a hyphen or a
  slash ("Subcontrac / ting"), from ``pdftotext -bbox-layout``.

The rows and paragraphs of the PDF's structure are matched to the DOCX's in document
order, so that a finding names the row's text.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

TAGGED_PDF = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


def tagged_pdf(path: Path, outdir: Path) -> Path:
    """Convert the DOCX ``path`` to a tagged PDF in ``outdir`` (same layout as untagged)."""
    subprocess.run(["soffice", "--headless", "--convert-to", TAGGED_PDF, "--outdir",
                    str(outdir), str(path)], check=True, capture_output=True, timeout=300)
    return outdir / f"{path.stem}.pdf"


@dataclass
class Element:
    """A structure element of the PDF: its role ("TR", "H3", "Caption"...) and pages."""

    role: str
    pages: set[int] = field(default_factory=set)
    children: list[Element] = field(default_factory=list)
    #: The text drawn in the element's own marked content (not its children's).
    text: str = ""

    @property
    def all_text(self) -> str:
        """The text of the element and of everything under it."""
        return self.text + "".join(child.all_text for child in self.children)

    @property
    def first(self) -> int:
        return min(self.pages) if self.pages else 0

    @property
    def last(self) -> int:
        return max(self.pages) if self.pages else 0


def _page_texts(number: int, page: Any, texts: dict[tuple[int, int], str]) -> None:
    """Add the text of each marked-content sequence of ``page`` to ``texts``."""
    stack: list[int | None] = []

    def operator(op: bytes, args: Any, cm: Any, tm: Any) -> None:
        if op == b"BDC":
            props = args[1] if len(args) > 1 else None
            mcid = props.get("/MCID") if hasattr(props, "get") else None
            stack.append(int(mcid) if mcid is not None else None)
        elif op == b"BMC":
            stack.append(None)
        elif op == b"EMC" and stack:
            stack.pop()

    def text(value: str, *_: Any) -> None:
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if mcid is not None and value:
            texts[number, mcid] = texts.get((number, mcid), "") + value

    page.extract_text(visitor_operand_before=operator, visitor_text=text)


def _marked_texts(reader: Any) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence: ``{(page, MCID): text}``."""
    texts: dict[tuple[int, int], str] = {}
    for number, page in enumerate(reader.pages, start=1):
        _page_texts(number, page, texts)
    return texts


def structure(pdf: Path) -> Element:
    """The structure tree of a tagged PDF, each element with the pages it is drawn on."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    reader = PdfReader(str(pdf))
    numbers = {page.indirect_reference.idnum: i + 1 for i, page in enumerate(reader.pages)}
    marked = _marked_texts(reader)

    def page_of(node: Any, inherited: int | None) -> int | None:
        ref = node.raw_get("/Pg") if "/Pg" in node else None
        return numbers.get(ref.idnum, inherited) if ref is not None else inherited

    def content(parent: Element, page: int, mcid: Any) -> None:
        parent.pages.add(page)
        if isinstance(mcid, int):
            parent.text += marked.get((page, mcid), "")

    def build(node: Any, parent: Element, page: int | None) -> None:
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                build(kid, parent, page)
        elif isinstance(node, DictionaryObject):
            kind = node.get("/Type")
            page = page_of(node, page)
            if kind == "/MCR":
                if page:
                    content(parent, page, node.get("/MCID"))
            elif kind != "/OBJR":
                element = Element(str(node.get("/S", "")).lstrip("/"))
                parent.children.append(element)
                if "/K" in node:
                    build(node["/K"], element, page)
                parent.pages |= element.pages
        elif isinstance(node, int) and page:  # a marked-content id on the element's page
            content(parent, page, node)

    root = Element("Root")
    build(reader.trailer["/Root"]["/StructTreeRoot"].get("/K"), root, None)
    return root


def walk(element: Element) -> list[Element]:
    """Every element under ``element``, in reading order."""
    out = []
    for child in element.children:
        out.append(child)
        out += walk(child)
    return out


def _text(element: Any) -> str:
    return " ".join("".join(t.text or "" for t in element.iter(qn("w:t"))).split())


def docx_rows(path: Path) -> list[Any]:
    """The ``w:tr`` elements of a DOCX body in document order (the PDF's ``TR`` order)."""
    return list(docx.Document(str(path)).element.body.iter(qn("w:tr")))


@dataclass
class SplitRow:
    pages: tuple[int, ...]
    text: str
    can_split: bool  # the row allows it (a long text answer, not a row of data)

    def __str__(self) -> str:
        return f"p.{'-'.join(map(str, self.pages))}: {self.text[:90]!r}"


def split_rows(pdf: Path, source: Path) -> list[SplitRow]:
    """Rows drawn on more than one page, with their text from the DOCX ``source``."""
    rows = [e for e in walk(structure(pdf)) if e.role == "TR"]
    trs = docx_rows(source)
    assert len(rows) == len(trs), (len(rows), len(trs))
    out = []
    for element, tr in zip(rows, trs, strict=True):
        if len(element.pages) > 1:
            unsplit = tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
            out.append(SplitRow(tuple(sorted(element.pages)), _text(tr), not unsplit))
    return out


#: Structure roles of the paragraphs that head what follows them.
_HEADS = re.compile(r"H[1-6]|Heading.*|Caption|PK Caption|PK Table Caption")


def lonely_blocks(pdf: Path, roles: re.Pattern[str] = _HEADS) -> list[tuple[int, str]]:
    """Headings and captions drawn on a page before the block after them: (page, role).

    The next block is the next element of the same parent (a caption's table, a heading's
    paragraph); an empty one (no marked content) is skipped.
    """
    out = []

    def visit(element: Element) -> None:
        kids = [k for k in element.children if k.pages]
        for i, kid in enumerate(kids):
            if roles.fullmatch(kid.role) and i + 1 < len(kids) and \
                    kids[i + 1].first > kid.last:
                out.append((kid.last, kid.role))
            visit(kid)

    visit(structure(pdf))
    return out


#: A caption is a line at most: a longer paragraph before a table is text that may end a page.
CAPTION_CHARS = 120


def captions_apart(pdf: Path) -> list[tuple[int, str]]:
    """Captions (a short paragraph just before a table) drawn on a page before it.

    ``(page, text)`` of each; a paragraph of text that happens to precede a table (a
    section's answer before the next box of the form) may end a page like any other.
    """
    out = []

    def visit(element: Element) -> None:
        kids = [k for k in element.children if k.pages]
        for kid, after in itertools.pairwise(kids):
            caption = " ".join(kid.all_text.split())
            if after.role == "Table" and kid.role != "Table" and after.first > kid.last \
                    and len(caption) <= CAPTION_CHARS:
                out.append((kid.last, caption or kid.role))
        for kid in kids:
            visit(kid)

    visit(structure(pdf))
    return out


# -- words broken across the lines of a cell ---------------------------------------------------
_XHTML = "{http://www.w3.org/1999/xhtml}"
_EDGE = re.compile(r"^[^\w]+|[^\w]+$")


def vocabulary(source: Path) -> set[str]:
    """The words of the DOCX (tables and paragraphs), lower case, split at slashes."""
    body = docx.Document(str(source)).element.body
    words: set[str] = set()
    for p in body.iter(qn("w:p")):
        for token in re.split(r"[\s/\u00a0]+", "".join(t.text or "" for t in p.iter(
                qn("w:t")))):
            word = _EDGE.sub("", token).lower()
            if word:
                words.add(word)
    return words


@dataclass
class BrokenWord:
    page: int
    head: str
    tail: str

    def __str__(self) -> str:
        return f"p.{self.page}: {self.head}/{self.tail}"


def broken_words(pdf: Path, source: Path) -> list[BrokenWord]:
    """Words of the DOCX ``source`` that the PDF breaks over two lines without a hyphen.

    Two lines of one block (a cell's paragraph): the last word of the first and the first
    of the second, neither a word of the document alone, make (the start of) one. A break
    after a hyphen or a slash is a legal one.
    """
    words = vocabulary(source)
    prefixes = {w[:i] for w in words for i in range(1, len(w) + 1)}
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True, timeout=120).stdout
    root = ET.fromstring(xml)
    out = []
    for number, page in enumerate(root.iter(f"{_XHTML}page"), start=1):
        for block in page.iter(f"{_XHTML}block"):
            lines = [[w.text or "" for w in line.iter(f"{_XHTML}word")]
                     for line in block.iter(f"{_XHTML}line")]
            for upper, lower in itertools.pairwise(lines):
                if not upper or not lower:
                    continue
                head, tail = upper[-1], lower[0]
                if head.endswith(("-", "/", "\u2010", "\u2011", "\u00ad")):
                    continue
                a, b = _EDGE.sub("", head).lower(), re.sub(r"[^\w]+$", "", tail).lower()
                if not a or not b or not head[-1].isalnum() or not tail[0].isalnum():
                    continue
                if a in words or (a + b) not in prefixes or len(a + b) < 4:
                    continue
                out.append(BrokenWord(number, head, tail))
    return out
