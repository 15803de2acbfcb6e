"""Edit Word documents as partners do, for the round-trip tests: python-docx for text and
raw WordprocessingML for tracked changes (w:ins, w:del) and comments (comments.xml)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

DATE = "2026-03-02T10:00:00Z"
_COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"


def find_paragraph(document: Document, start: str) -> Any:
    """The first body paragraph (tables included, the table of contents left out) whose
    text starts with ``start``."""
    for p in document.element.body.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and (style.get(qn("w:val")) or "").lower().startswith("toc"):
            continue
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        if text.startswith(start):
            return p
    raise AssertionError(f"no paragraph starts with {start!r}")


def _run(text: str, deleted: bool = False) -> str:
    tag = "w:delText" if deleted else "w:t"
    return f'<w:r><{tag} xml:space="preserve">{escape(text)}</{tag}></w:r>'


def tracked_insertion(p: Any, text: str, author: str, rid: int = 901) -> None:
    """Append ``text`` to paragraph ``p`` as a tracked insertion."""
    p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="{rid}" w:author="{author}" '
                       f'w:date="{DATE}">{_run(text)}</w:ins>'))


def tracked_deletion(p: Any, text: str, author: str, rid: int = 902) -> None:
    """Mark the first occurrence of ``text`` in a run of ``p`` as a tracked deletion."""
    for r in p.iter(qn("w:r")):
        t = r.find(qn("w:t"))
        if t is None or text not in (t.text or ""):
            continue
        before, _, after = (t.text or "").partition(text)
        t.text = before
        t.set(qn("xml:space"), "preserve")
        rpr = r.find(qn("w:rPr"))
        rpr_xml = "" if rpr is None else rpr.xml if hasattr(rpr, "xml") else ""
        deletion = parse_xml(f'<w:del {nsdecls("w")} w:id="{rid}" w:author="{author}" '
                             f'w:date="{DATE}"><w:r>{rpr_xml}<w:delText xml:space="preserve">'
                             f'{escape(text)}</w:delText></w:r></w:del>')
        rest = parse_xml(f'<w:r {nsdecls("w")}>{rpr_xml}<w:t xml:space="preserve">{escape(after)}'
                         '</w:t></w:r>')
        r.addnext(deletion)
        deletion.addnext(rest)
        return
    raise AssertionError(f"{text!r} is in no run")


def add_comment(document: Document, p: Any, text: str, author: str, cid: int = 0) -> None:
    """Anchor a comment by ``author`` on the whole paragraph ``p`` (raw comments.xml)."""
    part = None
    for rel in document.part.rels.values():
        if rel.reltype == RT.COMMENTS:
            part = rel.target_part
    comment = (f'<w:comment {nsdecls("w")} w:id="{cid}" w:author="{author}" w:date="{DATE}" '
               f'w:initials="X"><w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
               '</w:p>'
               '</w:comment>')
    if part is None:
        blob = f'<w:comments {nsdecls("w")}>{comment}</w:comments>'.encode()
        part = Part(PackURI("/word/comments.xml"), _COMMENTS_CT, blob, document.part.package)
        document.part.relate_to(part, RT.COMMENTS)
    else:
        root = parse_xml(part.blob)
        root.append(parse_xml(comment))
        from lxml import etree

        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    standalone=True)
    ppr = p.find(qn("w:pPr"))
    start = parse_xml(f'<w:commentRangeStart {nsdecls("w")} w:id="{cid}"/>')
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(parse_xml(f'<w:commentRangeEnd {nsdecls("w")} w:id="{cid}"/>'))
    p.append(parse_xml(f'<w:r {nsdecls("w")}><w:commentReference w:id="{cid}"/></w:r>'))


def add_paragraph_after(p: Any, text: str) -> Any:
    """A new plain paragraph after ``p`` (same style)."""
    ppr = p.find(qn("w:pPr"))
    ppr_xml = ppr.xml if ppr is not None and hasattr(ppr, "xml") else ""
    new = parse_xml(f'<w:p {nsdecls("w")}>{ppr_xml}{_run(text)}</w:p>')
    p.addnext(new)
    return new


def append_text(p: Any, text: str) -> None:
    """Append ``text`` to paragraph ``p`` as plain typing (no tracking)."""
    p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">{escape(text)}</w:t>'
                       '</w:r>'))


def set_cell(document: Document, row_start: str, column: int, text: str) -> None:
    """Set column ``column`` of the table row whose first cell starts with ``row_start``."""
    for tr in document.element.body.iter(qn("w:tr")):
        cells = list(tr.iterchildren(qn("w:tc")))
        first = "".join(t.text or "" for t in cells[0].iter(qn("w:t"))) if cells else ""
        if first.strip() == row_start:
            ts = list(cells[column].iter(qn("w:t")))
            ts[0].text = text
            for t in ts[1:]:
                t.text = ""
            return
    raise AssertionError(f"no row {row_start!r}")


def cell_paragraph(document: Document, row_start: str, column: int) -> Any:
    """The first paragraph of column ``column`` of the row whose first cell is
    ``row_start``."""
    for tr in document.element.body.iter(qn("w:tr")):
        cells = list(tr.iterchildren(qn("w:tc")))
        first = "".join(t.text or "" for t in cells[0].iter(qn("w:t"))) if cells else ""
        if first.strip() == row_start and len(cells) > column:
            return cells[column].find(qn("w:p"))
    raise AssertionError(f"no row {row_start!r}")


def replace_in_cell(document: Document, row_start: str, column: int, old: str,
                    new: str) -> None:
    """Replace ``old`` by ``new`` inside one run of a table cell, as a partner types it:
    in the first row whose first cell is ``row_start`` and whose cell holds ``old``."""
    for tr in document.element.body.iter(qn("w:tr")):
        cells = list(tr.iterchildren(qn("w:tc")))
        first = "".join(t.text or "" for t in cells[0].iter(qn("w:t"))) if cells else ""
        if first.strip() != row_start or len(cells) <= column:
            continue
        for t in cells[column].iter(qn("w:t")):
            if old in (t.text or ""):
                t.text = (t.text or "").replace(old, new, 1)
                return
    raise AssertionError(f"no {old!r} in a run of row {row_start!r}, column {column}")


def resave_like_word(document: Document) -> None:
    """Change ``document`` the way a save in Word does, without changing its text.

    Word splits runs where editing sessions differ (each run gets its ``w:rsidR``), marks
    spelling errors (``w:proofErr``) and the last edit (the ``_GoBack`` bookmark), records
    where its pages broke (``w:lastRenderedPageBreak``) and renumbers the custom XML parts.
    """
    from copy import deepcopy

    body = document.element.body
    for n, r in enumerate(list(body.iter(qn("w:r")))):
        t = r.find(qn("w:t"))
        text = t.text or "" if t is not None else ""
        cut = text.find(" ", len(text) // 2)
        if t is None or len(list(r)) > 2 or cut <= 0:
            continue
        second = deepcopy(r)
        t.text = text[:cut]
        t.set(qn("xml:space"), "preserve")
        second.find(qn("w:t")).text = text[cut:]
        second.find(qn("w:t")).set(qn("xml:space"), "preserve")
        second.set(qn("w:rsidR"), f"00{n:06X}")
        r.addnext(second)
        r.addnext(parse_xml(f'<w:proofErr {nsdecls("w")} w:type="spellStart"/>'))
        if n % 7 == 0:
            second.insert(0 if second.find(qn("w:rPr")) is None else 1,
                          parse_xml(f'<w:lastRenderedPageBreak {nsdecls("w")}/>'))
    first = body.find(qn("w:p"))
    first.append(parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="0" w:name="_GoBack"/>'))
    first.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="0"/>'))
    items = [r.target_part for r in document.part.rels.values() if r.reltype == RT.CUSTOM_XML]
    for n, part in enumerate(items, start=7):
        part.partname = PackURI(f"/customXml/item{n}.xml")
