"""Build DOCX files with known layout for the `pages` tests (python-docx, no LibreOffice)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_BREAK
from docx.shared import Mm, Pt

LOREM = ("Vocational education and training providers and enterprises co-design curricula "
         "for the green and digital transition of the sector. ")


def new_document(paper: tuple[float, float] = (210, 297), margin_mm: float = 20,
                 font_pt: float = 11) -> DocumentType:
    """An empty document: paper (mm), all four margins (mm), Normal style size (pt)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(paper[0]), Mm(paper[1])
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", Mm(margin_mm))
    document.styles["Normal"].font.size = Pt(font_pt)
    return document


def page_break(document: DocumentType) -> None:
    """End the page with an explicit page break (in its own paragraph)."""
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def pages_docx(path: Path, pages: int, **setup: float | tuple[float, float]) -> Path:
    """``pages`` pages, each one short paragraph, separated by explicit page breaks."""
    document = new_document(**setup)  # type: ignore[arg-type]
    for number in range(1, pages + 1):
        document.add_paragraph(f"Page {number}. " + LOREM)
        if number < pages:
            page_break(document)
    document.save(str(path))
    return path


#: Where each section of :func:`sections_docx` really starts and ends.
SECTION_MAP = {
    "summary": (2, 2),
    "relevance": (3, 5),
    "background": (3, 3),
    "needs": (4, 5),
    "complementarity": (5, 5),
    "quality": (6, 6),
    "design-group": (6, 6),
    "methodology": (6, 6),
    "workplan-group": (7, 9),
    "work_packages": (7, 9),
    "wp1": (7, 7),
    "wp2": (8, 9),
    "declarations": (10, 10),
}


def sections_docx(path: Path) -> Path:
    """Ten A4 pages with Part B headings on known pages (see :data:`SECTION_MAP`).

    Headings use Word heading styles, except "4 WORK PLAN ..." which is a bold plain
    paragraph (found from the text, not the outline); work packages are plain paragraphs
    "Work package N: title"; processing tags are plain text.
    """
    d = new_document()
    d.add_paragraph("#@APP-FORM-ERASMUSBBLSII@#")
    d.add_paragraph("Cover page: acronym, title, call.")
    page_break(d)
    d.add_heading("PROJECT SUMMARY", 1)  # page 2
    d.add_paragraph(LOREM * 3)
    page_break(d)
    d.add_heading("1 RELEVANCE", 1)  # page 3
    d.add_heading("1.1 Background and general objectives", 2)
    d.add_paragraph(LOREM * 4)
    page_break(d)
    d.add_heading("1.2 Needs analysis and specific objectives", 2)  # page 4
    d.add_paragraph(LOREM * 4)
    page_break(d)
    d.add_paragraph(LOREM * 4)  # page 5: 1.2 goes on, then 1.3 starts mid-page
    d.add_heading("1.3 Complementarity with other actions and innovation — European added "
                  "value", 2)
    d.add_paragraph(LOREM * 2)
    page_break(d)
    d.add_heading("2 QUALITY", 1)  # page 6
    d.add_heading("2.1 Project design and implementation", 2)
    d.add_heading("2.1.1 Concept and methodology", 3)
    d.add_paragraph(LOREM * 3)
    page_break(d)
    plain = d.add_paragraph()  # page 7
    plain.add_run("4 WORK PLAN, WORK PACKAGES, ACTIVITIES, RESOURCES AND TIMING").bold = True
    d.add_paragraph("#@WRK-PLA-WP@#")
    d.add_heading("4.2 Work packages, activities, resources and timing", 2)
    d.add_paragraph().add_run("Work package 1: Management and quality").bold = True
    d.add_paragraph(LOREM * 3)
    page_break(d)
    d.add_paragraph().add_run("Work package 2: Curricula").bold = True  # page 8
    d.add_paragraph(LOREM * 3)
    page_break(d)
    d.add_paragraph(LOREM * 3)  # page 9: WP2 goes on
    d.add_paragraph("#§WRK-PLA-WP§#")
    page_break(d)
    d.add_heading("6 DECLARATIONS", 1)  # page 10
    d.add_paragraph(LOREM)
    d.save(str(path))
    return path


def small_font_docx(path: Path, size: float = 8) -> Path:
    """An A4 page whose second paragraph is set in ``size`` pt (direct formatting)."""
    d = new_document()
    d.add_paragraph(LOREM)
    d.add_paragraph().add_run(LOREM).font.size = Pt(size)
    d.save(str(path))
    return path


def valid_docx_bytes() -> bytes:
    """A small valid DOCX, as bytes."""
    buffer = io.BytesIO()
    new_document().save(buffer)
    return buffer.getvalue()


def zip_bomb(path: Path, megabytes: int = 30) -> Path:
    """A 'DOCX' whose document.xml inflates from a few kB to ``megabytes`` MB of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * 2**20
            for _ in range(megabytes):
                member.write(chunk)
    return path
