"""Build the shipped reference document (``templates/reference.docx``): page set-up and styles.

Run ``python -m proposal_kit.render.refdoc OUT.docx`` to regenerate it. A user may replace it
with their own (``render --reference-doc``); the renderer only needs the style names below.
"""

from __future__ import annotations

import copy
import functools
import sys
from pathlib import Path
from typing import Any, cast

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle

from ..docxfile import xml_int
from ..errors import InputError
from .docx_parts import list_definition_id, shading

__all__ = ["STYLES", "TOC_STYLES", "add_missing_styles", "build_reference_doc",
           "complete_page_setup", "default_template", "drop_template_leftovers", "style_ids",
           "style_names"]

BODY_FONT = "Arial"
BODY_PT = 10
#: The official form's portrait page set-up (V2.0): margins in mm, space after a paragraph.
FORM_SIDE_MM, FORM_TOP_MM, FORM_BOTTOM_MM = 28.0, 25.0, 22.5
FORM_PARAGRAPH_AFTER_PT = 10
#: Paragraph styles the writer uses beyond Word's built-in ones.
STYLES = ("PK Tag", "PK Prompt", "PK Table Text", "PK Table Heading", "PK Cover Title",
          "PK Cover Text", "PK WP Title")
#: Word's table-of-contents entry styles (built in to Word, absent from python-docx's template).
TOC_STYLES = ("toc 1", "toc 2", "toc 3")
#: Word's built-in styles the writer uses; a reference document may lack some of them.
BUILTIN = ("Heading 1", "Heading 2", "Heading 3", "Heading 4", "List Bullet", "List Bullet 2",
           "List Number", "List Number 2", "List Continue", "List Continue 2", "Quote",
           "Header", "Footer", "TOC Heading")


def _font(style: ParagraphStyle, size: float, bold: bool = False, italic: bool = False,
          colour: str | None = None) -> None:
    style.font.name = BODY_FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), BODY_FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    if colour:
        style.font.color.rgb = RGBColor.from_string(colour)


def _shade(style: ParagraphStyle, fill: str) -> None:
    style.element.get_or_add_pPr().append(shading(fill))


_W_STYLE, _W_NAME, _W_VAL, _W_STYLE_ID = qn("w:style"), qn("w:name"), qn("w:val"), \
    qn("w:styleId")


def style_names(document: docx.document.Document) -> list[tuple[str, str]]:
    """``(name, style id)`` of every style, in order; names as python-docx gives them.

    Read from the XML in one pass: python-docx builds a style object per style, and the
    form's filler asks once per box. (As python-docx's, a name or id may be None in a
    broken document.)
    """
    from docx.styles import BabelFish

    out = []
    for style in document.styles.element.iterchildren(_W_STYLE):
        name = style.find(_W_NAME)
        value = name.get(_W_VAL) if name is not None else None
        out.append((cast("str", BabelFish.internal2ui(value) if value is not None else None),
                    cast("str", style.get(_W_STYLE_ID))))
    return out


#: Built-in styles kept even when the draft does not use them: the ones a partner applies
#: while editing (headings, lists, captions, contents levels), by lower-case name prefix.
_KEPT_BUILT_IN = ("heading", "toc", "list", "caption", "quote", "title", "subtitle",
                  "normal", "default paragraph font", "no list", "table normal",
                  "table grid", "hyperlink", "header", "footer")
_STYLE_REFS = tuple(qn(f"w:{tag}") for tag in ("pStyle", "rStyle", "tblStyle", "numStyleLink",
                                               "styleLink"))
_STYLE_LINKS = tuple(qn(f"w:{tag}") for tag in ("basedOn", "link", "next"))


def drop_unused_styles(document: docx.document.Document) -> int:
    """Remove the built-in styles the draft neither uses nor is likely to need; how many.

    The reference document defines some 150 of Word's built-in styles (table and list
    variants) that a draft never uses; LibreOffice reads every one of them each time it lays
    the draft out, and Word and LibreOffice define them again when someone applies one.
    Kept: every custom style, every default, every style the body, headers, footers or
    numbering name, the styles those are based on or linked to, and the built-in ones a
    partner applies while editing (:data:`_KEPT_BUILT_IN`).
    """
    from docx.opc.part import XmlPart

    styles = document.styles.element
    part = document.part
    roots = [part.element, *(rel.target_part.element for rel in part.rels.values()
                             if not rel.is_external and isinstance(rel.target_part, XmlPart)
                             and rel.target_part.element is not styles)]
    used = {ref.get(_W_VAL) for root in roots for tag in _STYLE_REFS for ref in root.iter(tag)}
    by_id = {style.get(_W_STYLE_ID): style for style in styles.iterchildren(_W_STYLE)}
    wanted: list[str | None] = []
    for sid, style in by_id.items():
        name = style.find(_W_NAME)
        label = (name.get(_W_VAL) or "").lower() if name is not None else ""
        if sid in used or style.get(qn("w:customStyle")) in ("1", "true") or \
                style.get(qn("w:default")) in ("1", "true") or label.startswith(_KEPT_BUILT_IN):
            wanted.append(sid)
    keep: set[str | None] = set()
    while wanted:
        sid = wanted.pop()
        if sid in keep or sid not in by_id:
            continue
        keep.add(sid)
        wanted += [link.get(_W_VAL) for tag in _STYLE_LINKS for link in by_id[sid].iter(tag)]
    dropped = [style for sid, style in by_id.items() if sid not in keep]
    for style in dropped:
        styles.remove(style)
    return len(dropped)


#: Relationships to parts of python-docx's template that a draft does without: Word 2010's
#: second copy of every style (``stylesWithEffects.xml``, 438 KB, still listing the styles
#: :func:`drop_unused_styles` removed) and the thumbnail of a blank page, which file browsers
#: would show as the draft's preview.
_TEMPLATE_LEFTOVERS = frozenset({
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
})


def drop_template_leftovers(document: docx.document.Document) -> None:
    """Leave the template's parts in :data:`_TEMPLATE_LEFTOVERS` out of the draft."""
    for rels in (document.part.rels, document.part.package.rels):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in _TEMPLATE_LEFTOVERS]:
            del rels[rid]


def style_ids(document: docx.document.Document) -> dict[str, str]:
    """Style name -> style id (``{s.name: s.style_id for s in document.styles}``)."""
    return dict(style_names(document))


@functools.cache
def default_template() -> docx.document.Document:
    """python-docx's default template, which defines Word's built-in styles (read only)."""
    return docx.Document()


def _paragraph_style(document: docx.document.Document, name: str,
                     present: set[str] | None = None) -> ParagraphStyle:
    """The paragraph style ``name``, added (based on Normal) if the document lacks it.

    ``present``: the names of the document's styles, when the caller keeps them (and gets
    the new one added): python-docx's ``add_style`` looks through every style for the name
    first, and a form has hundreds.
    """
    from docx.styles import BabelFish
    from docx.styles.style import StyleFactory

    styles = document.styles
    if name in (present if present is not None else style_ids(document)):
        style = styles[name]
    else:
        style = cast("ParagraphStyle", StyleFactory(styles.element.add_style_of_type(
            BabelFish.ui2internal(name), WD_STYLE_TYPE.PARAGRAPH, False)))
        style.base_style = styles["Normal"]
        if present is not None:
            present.add(name)
    assert isinstance(style, ParagraphStyle)
    return style


def _define_pk_styles(document: docx.document.Document, names: set[str]) -> None:
    """Create (or restyle) the proposal-kit styles in ``names``."""
    makers = {
        "PK Tag": lambda st: _font(st, 9, colour="7F7F7F"),
        "PK Prompt": _prompt,
        "PK Table Text": lambda st: _table_text(st, bold=False),
        "PK Table Heading": lambda st: _table_text(st, bold=True),
        "PK Cover Title": lambda st: _font(st, 18, bold=True, colour="1F3864"),
        "PK Cover Text": lambda st: _font(st, 11),
        "PK WP Title": _wp_title,
    }
    present = set(style_ids(document))
    for name in STYLES:
        if name in names:
            makers[name](_paragraph_style(document, name, present))
    for level, name in enumerate(TOC_STYLES):
        if name in names:
            _toc_entry(_paragraph_style(document, name, present), level)


def _prompt(style: ParagraphStyle) -> None:
    _font(style, BODY_PT, italic=True, colour="7F6000")
    _shade(style, "FFF2CC")


def _table_text(style: ParagraphStyle, bold: bool) -> None:
    _font(style, 9, bold=bold)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)


def _toc_entry(style: ParagraphStyle, level: int) -> None:
    """An entry of the table of contents: indented by level, page number at the right."""
    _font(style, BODY_PT, bold=level == 0)
    fmt = style.paragraph_format
    fmt.left_indent = Mm(5 * level)
    fmt.space_before = Pt(3 if level == 0 else 0)
    fmt.space_after = Pt(1)
    fmt.tab_stops.add_tab_stop(Mm(210 - 2 * FORM_SIDE_MM), WD_TAB_ALIGNMENT.RIGHT,
                               WD_TAB_LEADER.DOTS)


def _wp_title(style: ParagraphStyle) -> None:
    """Bold, kept with its table, at outline level 4.

    Word's navigation pane and the PDF bookmarks then list the work packages.
    """
    _font(style, BODY_PT, bold=True, colour="1F3864")
    style.paragraph_format.keep_with_next = True
    style.paragraph_format.space_before = Pt(8)
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "3")
    style.element.get_or_add_pPr().append(level)


def add_missing_styles(document: docx.document.Document) -> None:
    """Give a user's reference document the styles the writer needs and it lacks.

    proposal-kit's own styles are created; Word's built-in ones are copied from
    python-docx's default template, which defines them all.
    """
    present = set(style_ids(document))
    missing_builtin = [name for name in BUILTIN if name not in present]
    broken = [name for name, kind in LIST_STYLES.items()
              if name in present and _list_kind(document, name) != kind]
    if missing_builtin or broken:
        template = default_template()
        for name in missing_builtin:
            element = copy.deepcopy(template.styles[name].element)
            _copy_numbering(document, template, element)
            document.styles.element.append(element)
        for name in broken:  # e.g. a form whose "List Bullet" counts 0, 1, 2 (RTF import)
            element = document.styles[name].element
            ours = template.styles[name].element
            num_pr = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                num_pr.getparent().remove(num_pr)
            element.get_or_add_pPr().insert(0, copy.deepcopy(ours.pPr.numPr))
            _copy_numbering(document, template, element)
    _define_pk_styles(document, set(STYLES + TOC_STYLES) - present)


#: The list styles the writer uses and the kind of numbering each must have.
LIST_STYLES = {"List Bullet": "bullet", "List Bullet 2": "bullet",
               "List Number": "decimal", "List Number 2": "decimal"}


def _list_kind(document: docx.document.Document, name: str) -> str | None:
    """The number format of the first level of a list style's numbering (None: none)."""
    ids = document.styles[name].element.xpath("./w:pPr/w:numPr/w:numId/@w:val")
    if not ids:
        return None
    numbering = document.part.numbering_part.element
    try:
        num = numbering.num_having_numId(xml_int(ids[0], "the numbering id (w:numId) of "
                                                 f"the style {name}"))
    except KeyError:
        return None
    formats = numbering.xpath(
        f"./w:abstractNum[@w:abstractNumId='{num.abstractNumId.val}']/w:lvl[@w:ilvl='0']"
        "/w:numFmt/@w:val")
    if not formats:
        return None
    starts = numbering.xpath(
        f"./w:abstractNum[@w:abstractNumId='{num.abstractNumId.val}']/w:lvl[@w:ilvl='0']"
        "/w:start/@w:val")
    if formats[0] == "decimal" and not starts:
        return "decimal from 0"
    return str(formats[0])


def _numbering(document: docx.document.Document) -> Any:
    """The ``w:numbering`` element of ``document``, made empty if it has none.

    A reference document without lists (Word leaves the part out) has no numbering part,
    and python-docx cannot create one itself.
    """
    try:
        return document.part.numbering_part.element
    except NotImplementedError:
        from docx.opc.constants import CONTENT_TYPE as CT
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.oxml.ns import nsdecls
        from docx.parts.numbering import NumberingPart

        blob = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' \
               f'<w:numbering {nsdecls("w")}/>'.encode()
        part = NumberingPart.load(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, blob,
                                  document.part.package)
        document.part.relate_to(part, RT.NUMBERING)
        return part.element


def _copy_numbering(document: docx.document.Document, template: docx.document.Document,
                    style: Any) -> None:
    """Bring the list numbering a style copied from ``template`` refers to.

    A list style names its numbering by id; in another document that id means another
    list (or none), so the definition is copied and the style points at the copy.
    """
    num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id is None:
        return
    source = template.part.numbering_part.element
    num = source.num_having_numId(xml_int(num_id.get(qn("w:val")),
                                          "the numbering id (w:numId) of a list style"))
    abstract_id = num.abstractNumId.val
    abstract = next(a for a in source.iterchildren(qn("w:abstractNum"))
                    if list_definition_id(a) == abstract_id)
    target = _numbering(document)
    existing = [list_definition_id(a) for a in target.iterchildren(qn("w:abstractNum"))]
    new_id = max(existing, default=-1) + 1
    clone = copy.deepcopy(abstract)
    clone.set(qn("w:abstractNumId"), str(new_id))
    first_num = target.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(clone)
    else:
        target.append(clone)
    num_id.set(qn("w:val"), str(target.add_num(new_id).numId))


def _form_page() -> dict[str, Any]:
    """The official form's page set-up: A4, its margins, headers and footers at 10 mm."""
    return {"page_width": Mm(210), "page_height": Mm(297), "top_margin": Mm(FORM_TOP_MM),
            "bottom_margin": Mm(FORM_BOTTOM_MM), "left_margin": Mm(FORM_SIDE_MM),
            "right_margin": Mm(FORM_SIDE_MM), "header_distance": Mm(10),
            "footer_distance": Mm(10)}


#: The largest page Word lays out (22 inches), in mm: a bound for every page measure.
MAX_PAGE_MM = 558.8


def complete_page_setup(section: Any) -> None:
    """Give ``section`` the form's page set-up where it states none.

    A user's reference document keeps every value it does state, if it can be a page's.

    Raises:
        InputError: a value is not a number, or larger than a page can be, or the margins
            leave no room for text.
    """
    for name, value in _form_page().items():
        try:
            stated = getattr(section, name)
        except (ValueError, TypeError, OverflowError):
            stated = "unreadable"
        if stated is None:
            setattr(section, name, value)
        elif stated == "unreadable" or abs(stated.mm) > MAX_PAGE_MM:
            shown = stated if stated == "unreadable" else f"{stated.mm:,.0f} mm"
            raise InputError(f"the reference document's page set-up states a "
                             f"{name.replace('_', ' ')} of {shown}; at most "
                             f"{MAX_PAGE_MM:g} mm (22 inches) is a page's",
                             hint="set its page size and margins in Word (Layout > Margins, "
                                  "Size) and save it again, or leave --reference-doc out")
    if (section.left_margin + section.right_margin >= section.page_width
            or section.top_margin + section.bottom_margin >= section.page_height):
        raise InputError("the reference document's margins leave no room for text on its "
                         "page", hint="set smaller margins in Word (Layout > Margins)")


def build_reference_doc(out: Path) -> None:
    """Write a reference document with A4 pages, 20/18 mm margins and the writer's styles."""
    document = docx.Document()
    section = document.sections[0]
    # The official form's page set-up, so that a draft fills pages as the form does.
    for name, value in _form_page().items():
        setattr(section, name, value)

    normal = _paragraph_style(document, "Normal")
    _font(normal, BODY_PT)
    normal.paragraph_format.space_after = Pt(FORM_PARAGRAPH_AFTER_PT)
    normal.paragraph_format.line_spacing = 1.0
    for level, size in ((1, 14), (2, 12), (3, 11), (4, 10)):
        heading = _paragraph_style(document, f"Heading {level}")
        _font(heading, size, bold=True, colour="1F3864")
        heading.paragraph_format.space_before = Pt(14 - 2 * level)
        heading.paragraph_format.space_after = Pt(4)
        heading.paragraph_format.keep_with_next = True
    for name in ("List Bullet", "List Bullet 2", "List Number", "List Number 2", "Quote",
                 "Header", "Footer", "Caption", "TOC Heading", "Title"):
        _font(_paragraph_style(document, name), BODY_PT, italic=name == "Quote")
    _define_pk_styles(document, set(STYLES + TOC_STYLES))
    document.core_properties.title = "proposal-kit reference document"
    document.core_properties.author = "proposal-kit"
    document.save(str(out))


if __name__ == "__main__":  # pragma: no cover
    build_reference_doc(Path(sys.argv[1] if len(sys.argv) > 1 else "reference.docx"))
