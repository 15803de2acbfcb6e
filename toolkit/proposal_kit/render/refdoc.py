"""Build the shipped reference document (``templates/reference.docx``): page set-up and styles.

Run ``python -m proposal_kit.render.refdoc OUT.docx`` to regenerate it. A user may replace it
with their own (``render --reference-doc``); the renderer only needs the style names below.
"""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle

__all__ = ["STYLES", "build_reference_doc"]

BODY_FONT = "Arial"
BODY_PT = 10
#: Paragraph styles the writer uses beyond Word's built-in ones.
STYLES = ("PK Tag", "PK Prompt", "PK Table Text", "PK Table Heading", "PK Cover Title",
          "PK Cover Text")


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
    ppr = style.element.get_or_add_pPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr.append(shd)


def _paragraph_style(document: docx.document.Document, name: str) -> ParagraphStyle:
    styles = document.styles
    if name in [s.name for s in styles]:
        style = styles[name]
    else:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
    assert isinstance(style, ParagraphStyle)
    return style


def build_reference_doc(out: Path) -> None:
    """Write a reference document with A4 pages, 20/18 mm margins and the writer's styles."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(18)
    section.header_distance = section.footer_distance = Mm(10)

    normal = _paragraph_style(document, "Normal")
    _font(normal, BODY_PT)
    normal.paragraph_format.space_after = Pt(4)
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
    _font(_paragraph_style(document, "PK Tag"), 9, colour="7F7F7F")
    prompt = _paragraph_style(document, "PK Prompt")
    _font(prompt, BODY_PT, italic=True, colour="7F6000")
    _shade(prompt, "FFF2CC")
    for name, bold in (("PK Table Text", False), ("PK Table Heading", True)):
        style = _paragraph_style(document, name)
        _font(style, 9, bold=bold)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.space_before = Pt(0)
    _font(_paragraph_style(document, "PK Cover Title"), 18, bold=True, colour="1F3864")
    _font(_paragraph_style(document, "PK Cover Text"), 11)
    document.core_properties.title = "proposal-kit reference document"
    document.core_properties.author = "proposal-kit"
    document.save(str(out))


if __name__ == "__main__":  # pragma: no cover
    build_reference_doc(Path(sys.argv[1] if len(sys.argv) > 1 else "reference.docx"))
