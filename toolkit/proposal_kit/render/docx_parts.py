"""Word XML pieces python-docx has no API for, or builds too slowly.

Fields, hyperlinks, table rows, header rows, shading, column widths, list numbering restarts
and custom document properties, built straight on lxml (:func:`w_sub`): python-docx's object
layer costs several times as much per element (a schema-ordered search for every child it
adds). The rows of large tables are written as text instead (:mod:`.wordxml`).
"""

from __future__ import annotations

import copy
from typing import Any

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsmap, qn
from docx.oxml.table import CT_Tbl
from docx.shared import Mm
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from ..docxfile import xml_int

__all__ = [
    "XML_SPACE",
    "add_field",
    "add_hyperlink",
    "add_row",
    "add_text_run",
    "append_to_body",
    "begin_field",
    "end_field",
    "keep_rows_whole",
    "list_definition_id",
    "new_list_numbering",
    "new_paragraph",
    "new_table",
    "read_custom_properties",
    "repeat_header",
    "set_cell_margins",
    "set_cell_shading",
    "set_column_widths",
    "set_custom_properties",
    "set_extended_properties",
    "set_list_numbering",
    "set_paragraph_style",
    "set_table_borders",
    "set_text_direction",
    "shading",
    "w_insert",
    "w_sub",
]

_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_W = f"{{{nsmap['w']}}}"
_SECT_PR, _TBL = f"{_W}sectPr", f"{_W}tbl"
#: The Clark name of ``xml:space``.
XML_SPACE = qn("xml:space")


def w_sub(parent: Any, name: str, **attributes: str) -> Any:
    """Append a new ``w:<name>`` element to ``parent``, with ``w:`` attributes in order."""
    element = etree.SubElement(parent, _W + name)
    for key, value in attributes.items():
        element.set(_W + key, value)
    return element


def w_insert(parent: Any, index: int, name: str, **attributes: str) -> Any:
    """Insert a new ``w:<name>`` element at ``index`` of ``parent`` (as :func:`w_sub`)."""
    element = parent.makeelement(_W + name)
    for key, value in attributes.items():
        element.set(_W + key, value)
    parent.insert(index, element)
    return element


def add_field(paragraph: Paragraph, instruction: str, placeholder: str = "") -> None:
    """Append a complex field (PAGE, NUMPAGES, TOC ...) showing ``placeholder`` until updated."""
    begin_field(paragraph, instruction)
    if placeholder:
        add_text_run(paragraph, placeholder)
    end_field(paragraph)


def _field_char(paragraph: Paragraph, kind: str) -> Any:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run.append(char)
    paragraph._p.append(run)
    return char


def begin_field(paragraph: Paragraph, instruction: str) -> None:
    """Open a field; what follows, up to :func:`end_field`, is its current result.

    The result may span paragraphs (a table of contents). The field is marked dirty, so Word
    offers to update it when the document is opened.
    """
    _field_char(paragraph, "begin").set(qn("w:dirty"), "true")
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run.append(instr)
    paragraph._p.append(run)
    _field_char(paragraph, "separate")


def end_field(paragraph: Paragraph) -> None:
    """Close the field :func:`begin_field` opened."""
    _field_char(paragraph, "end")


def add_text_run(paragraph: Paragraph, text: str) -> Run:
    """Append a run holding ``text`` (built directly: python-docx parses it char by char)."""
    run = w_sub(paragraph._p, "r")
    t = w_sub(run, "t")
    t.text = text
    t.set(XML_SPACE, "preserve")
    return Run(run, paragraph)


def set_paragraph_style(paragraph: Paragraph, style_id: str) -> None:
    """Give a paragraph that has no properties yet the style with id ``style_id``."""
    p_pr = paragraph._p.pPr
    if p_pr is not None:
        paragraph._p.style = style_id
        return
    w_sub(w_insert(paragraph._p, 0, "pPr"), "pStyle", val=style_id)


def add_hyperlink(paragraph: Paragraph, url: str, text: str) -> None:
    """Append an external hyperlink, styled as a link."""
    rel_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.extend([colour, underline])
    run.append(rpr)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def add_row(table: Table, spans: list[int]) -> list[_Cell]:
    """Append a row whose cells span ``spans`` grid columns; return the new cells.

    Built as XML, one ``w:tc`` per cell: python-docx's ``table.rows[i].cells`` walks the
    whole grid on each call, and merging its cells pair by pair is quadratic in the row.
    """
    tr = table._tbl.add_tr()
    cells = []
    for span in spans:
        tc = tr.add_tc()
        if span > 1:
            tc.grid_span = span
        cells.append(_Cell(tc, table))
    return cells


def keep_rows_whole(table: Table) -> None:
    """Let no row of ``table`` break across pages (header rows are already unsplit)."""
    tag = qn("w:cantSplit")
    for tr in table._tbl.iterchildren(qn("w:tr")):
        tr_pr = tr.get_or_add_trPr()
        if tr_pr.find(tag) is None:
            element = OxmlElement("w:cantSplit")
            element.set(qn("w:val"), "true")
            tr_pr.insert(0, element)


def set_text_direction(cell: _Cell, direction: str) -> None:
    """Run the cell's text in ``direction`` ("btLr": upright, read bottom to top)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    element = OxmlElement("w:textDirection")
    element.set(qn("w:val"), direction)
    tc_pr.append(element)


def repeat_header(table: Table, count: int = 1) -> None:
    """Mark the first ``count`` rows as header rows that repeat on each page, unsplit."""
    for row in table.rows[:count]:
        tr_pr = row._tr.get_or_add_trPr()
        for tag in ("w:cantSplit", "w:tblHeader"):
            element = OxmlElement(tag)
            element.set(qn("w:val"), "true")
            tr_pr.append(element)


def new_table(container: Any, cols: int, width_mm: float) -> Table:
    """A new empty table of ``cols`` columns at the end of ``container`` (document or cell).

    In a document, python-docx's ``add_table`` looks up the last section for the text width
    (an XPath search of the whole body, for every table: quadratic in a large draft); the
    writer knows the width, and every table's grid gets its own widths afterwards anyway.
    """
    if isinstance(container, Document):
        tbl = CT_Tbl.new_tbl(0, cols, Mm(width_mm))
        append_to_body(container, tbl)
        return Table(tbl, container._body)
    cell_table: Table = container.add_table(rows=0, cols=cols)
    return cell_table


def new_paragraph(document: Document) -> Paragraph:
    """A new empty paragraph at the end of ``document``'s body, as ``add_paragraph()``."""
    p = OxmlElement("w:p")
    append_to_body(document, p)
    return Paragraph(p, document._body)


def append_to_body(document: Document, element: Any) -> None:
    """Append a paragraph or table to the body, before the section properties that end it.

    python-docx looks for the ``w:sectPr`` among all of the body's children for each one
    it adds (quadratic in a large draft); it is the last child of a body that has one.
    """
    body = document.element.body
    last = next(reversed(body), None)
    if last is not None and last.tag == _SECT_PR:
        last.addprevious(element)
    elif element.tag == _TBL:
        body._insert_tbl(element)
    else:
        body._insert_p(element)


def set_column_widths(table: Table, widths_mm: list[float]) -> None:
    """Fix the layout and give every column its width.

    Both the grid and the cells get it: Word and LibreOffice each read one of them. Written
    straight into the XML: python-docx's cell properties are slow on large tables.
    """
    tbl = table._tbl
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl.tblPr.append(layout)
    twips = [round(w * 56.6929) for w in widths_mm]
    for col, width in zip(tbl.tblGrid.iterchildren(qn("w:gridCol")), twips, strict=False):
        col.set(qn("w:w"), str(width))
    tc_tag, tc_w_tag, span_tag = qn("w:tc"), qn("w:tcW"), qn("w:gridSpan")
    w_type, w_w, w_val = qn("w:type"), qn("w:w"), qn("w:val")
    for tr in tbl.iterchildren(qn("w:tr")):
        index = 0
        for tc in tr.iterchildren(tc_tag):
            tc_pr = tc.get_or_add_tcPr()
            grid_span = tc_pr.find(span_tag)
            span = xml_int(grid_span.get(w_val), "", 1) if grid_span is not None else 1
            tc_w = tc_pr.find(tc_w_tag)
            if tc_w is None:  # first in w:tcPr, as the schema orders it (no w:cnfStyle here)
                tc_w = OxmlElement("w:tcW")
                tc_pr.insert(0, tc_w)
            tc_w.set(w_type, "dxa")
            tc_w.set(w_w, str(sum(twips[index:index + span])))
            index += span


def shading(fill: str) -> Any:
    """A ``w:shd`` element filling with the hex colour ``fill``."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    return shd


def set_cell_margins(table: Table, left_right_mm: float) -> None:
    """Narrow the left and right cell margins of a whole table (e.g. the Gantt grid)."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(round(left_right_mm * 56.6929)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def set_cell_shading(cell: _Cell, fill: str) -> None:
    """Fill ``cell`` with the hex colour ``fill``."""
    cell._tc.get_or_add_tcPr().append(shading(fill))


def set_table_borders(table: Table, colour: str = "808080", size: int = 4) -> None:
    """Thin single borders on every edge and inner line."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), colour)
        borders.append(element)
    tbl_pr.append(borders)


def list_definition_id(abstract: Any) -> int:
    """The id of a list definition (``w:abstractNum``) of a document's numbering part."""
    return xml_int(abstract.get(qn("w:abstractNumId")),
                   "the id of a list definition (w:abstractNumId)")


def new_list_numbering(document: Document, style_name: str, start: int = 1) -> int:
    """A fresh numbering instance of the list style's numbering, restarting at ``start``."""
    style = document.styles[style_name]
    num_pr = style.element.pPr.numPr if style.element.pPr is not None else None
    if num_pr is None or num_pr.numId is None:
        raise KeyError(style_name)
    numbering = document.part.numbering_part.numbering_definitions._numbering
    base = numbering.num_having_numId(num_pr.numId.val)
    abstract_id = base.abstractNumId.val
    abstracts = list(numbering.iterchildren(qn("w:abstractNum")))
    source = next(a for a in abstracts if list_definition_id(a) == abstract_id)
    # Each list gets its own copy of the definition: LibreOffice does not restart a list
    # that shares its definition with an earlier one (it ignores w:startOverride there).
    clone = copy.deepcopy(source)
    new_id = max(list_definition_id(a) for a in abstracts) + 1
    clone.set(qn("w:abstractNumId"), str(new_id))
    nsid = clone.find(qn("w:nsid"))
    if nsid is not None:
        nsid.set(qn("w:val"), f"{0x5B000000 + new_id:08X}")
    first = clone.find(f"{qn('w:lvl')}/{qn('w:start')}")
    if first is not None:
        first.set(qn("w:val"), str(start))
    abstracts[-1].addnext(clone)
    num = numbering.add_num(new_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(start)
    return int(num.numId)


def set_list_numbering(paragraph: Paragraph, num_id: int, level: int = 0) -> None:
    """Attach ``paragraph`` to numbering ``num_id`` at ``level``."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def set_custom_properties(document: Document, values: dict[str, str]) -> None:
    """Store string custom properties (docProps/custom.xml), replacing existing ones.

    Names and values are escaped by the XML builder: a value with ``&`` or ``<`` (a
    property a partner added in Word, "R&D") stays a value.
    """
    root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
    for pid, (name, value) in enumerate(sorted(values.items()), start=2):
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID,
                                pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = value
    _set_properties_part(document, RT.CUSTOM_PROPERTIES, "/docProps/custom.xml", _CUSTOM_CT,
                         root)


_EXTENDED_CT = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
_EXTENDED_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


def set_extended_properties(document: Document, application: str) -> None:
    """Name ``application`` in docProps/app.xml, without the figures of an earlier save.

    The reference document's and the official form's app.xml name the program that saved
    them ("Microsoft Macintosh Word", "LibreOffice/7.4") and carry its page and word
    counts, which say nothing about the new draft.
    """
    root = etree.Element(f"{{{_EXTENDED_NS}}}Properties",
                         nsmap={None: _EXTENDED_NS, "vt": _VT_NS})
    etree.SubElement(root, f"{{{_EXTENDED_NS}}}Application").text = application
    _set_properties_part(document, RT.EXTENDED_PROPERTIES, "/docProps/app.xml", _EXTENDED_CT,
                         root)


def _set_properties_part(document: Document, reltype: str, partname: str, content_type: str,
                         root: Any) -> None:
    """Serialise ``root`` as the package's ``reltype`` part, replacing the one there."""
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    package = document.part.package
    for rel in list(package.rels.values()):
        if rel.reltype == reltype:
            rel.target_part._blob = blob
            return
    package.relate_to(Part(PackURI(partname), content_type, blob, package), reltype)


def read_custom_properties(xml: bytes) -> dict[str, str]:
    """Parse the bytes of docProps/custom.xml into a dict of string properties.

    A part that is not well-formed XML (a NUL character, cut short) holds none: the
    document then counts as not written by proposal-kit, which is what can be known of it.
    """
    try:
        root = parse_xml(xml)
    except etree.XMLSyntaxError:
        return {}
    out: dict[str, str] = {}
    for prop in root:
        value = prop[0].text if len(prop) else ""
        out[prop.get("name")] = value or ""
    return out
