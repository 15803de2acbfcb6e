"""`pages`' PDF reader: text lines and their baselines (PDFium), structure (pypdf).

The PDFs are written here with known text positions (a content stream of a few text
operators, through pypdf's writer), or laid out by LibreOffice from a DOCX built inline.
"""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from conftest import require_tool
from pages_docs import new_document, sections_docx
from proposal_kit.pages.pdfread import Line, PdfLayout


def _name(value: str) -> NameObject:
    return NameObject(value)


def text_pdf(path: Path, *pages: bytes, password: str | None = None) -> Path:
    """A PDF of A4 pages, each drawn by one content stream with Helvetica as /F1."""
    writer = PdfWriter()
    for content in pages:
        page = writer.add_blank_page(595, 842)
        helvetica = DictionaryObject({_name("/Type"): _name("/Font"),
                                      _name("/Subtype"): _name("/Type1"),
                                      _name("/BaseFont"): _name("/Helvetica"),
                                      _name("/Encoding"): _name("/WinAnsiEncoding")})
        page[_name("/Resources")] = DictionaryObject(
            {_name("/Font"): DictionaryObject({_name("/F1"): helvetica})})
        stream = DecodedStreamObject()
        stream.set_data(content)
        page.replace_contents(stream)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    writer.write(path)
    return path


def texts(lines: list[Line]) -> list[tuple[str, float]]:
    return [(line.text, round(line.y, 2)) for line in lines]


def test_lines_are_read_as_drawn_at_their_baselines(tmp_path: Path) -> None:
    pdf = text_pdf(tmp_path / "known.pdf",
                   b"BT /F1 14 Tf 72 760 Td (2.1 Quality of the project design) Tj ET "
                   b"BT /F1 10 Tf 72 700 Td (Two pieces) Tj 80 0 Td (on one baseline) Tj ET "
                   b"BT /F1 10 Tf 72 60 Td (Page 1 of 2) Tj ET "
                   b"BT /F1 10 Tf 72 680 Td (Drawn after the footer) Tj ET "
                   b"1 0 0 1 0 -100 cm BT /F1 10 Tf 72 500 Td (Moved down by the CTM) Tj ET",
                   b"BT /F1 10 Tf 72 700 Td (Second page) Tj ET")
    layout = PdfLayout(pdf)
    assert layout.page_count == 2 and layout.sizes == [(595.0, 842.0)] * 2
    assert texts(layout.lines(1)) == [
        ("2.1 Quality of the project design", 760.0), ("Two pieces on one baseline", 700.0),
        ("Page 1 of 2", 60.0), ("Drawn after the footer", 680.0),
        ("Moved down by the CTM", 400.0)]
    assert texts(layout.lines(2)) == [("Second page", 700.0)]
    assert layout.lines(1) is layout.lines(1)  # read once


def test_a_superscript_stays_on_its_line(tmp_path: Path) -> None:
    """PDFium breaks the text where a raised piece ends; one baseline is still one line.

    A line stands where its first character does: the footnote's mark is raised by 4.
    """
    pdf = text_pdf(tmp_path / "raised.pdf",
                   b"BT /F1 12 Tf 72 700 Td (Emissions of CO) Tj -3 Ts 8 Tf (2) Tj 0 Ts 12 Tf "
                   b"( fall) Tj ET "
                   b"BT /F1 8 Tf 72 100 Td 4 Ts (1) Tj 0 Ts ( A footnote under the text) Tj ET")
    assert texts(PdfLayout(pdf).lines(1)) == [("Emissions of CO2 fall", 700.0),
                                              ("1 A footnote under the text", 104.0)]


def test_a_word_hyphenated_at_the_end_of_a_line_keeps_both_lines(tmp_path: Path) -> None:
    pdf = text_pdf(tmp_path / "hyphen.pdf",
                   b"BT /F1 10 Tf 72 700 Td (cooperation, ESCO-) Tj 0 -12 Td (linked skills) Tj ET")
    assert texts(PdfLayout(pdf).lines(1)) == [("cooperation, ESCO-", 700.0),
                                              ("linked skills", 688.0)]


def test_lines_of_a_pdf_locked_with_an_empty_password(tmp_path: Path) -> None:
    """An owner password only (opens without asking): pypdf and PDFium both read it."""
    pdf = text_pdf(tmp_path / "owner.pdf", b"BT /F1 10 Tf 72 700 Td (Readable) Tj ET",
                   password="")
    layout = PdfLayout(pdf)
    assert layout.page_count == 1 and texts(layout.lines(1)) == [("Readable", 700.0)]


def test_a_page_pdfium_cannot_load_costs_only_its_lines(tmp_path: Path) -> None:
    """A page tree whose /Count is wrong: pypdf finds both pages, PDFium only the first."""
    pdf = text_pdf(tmp_path / "count.pdf", b"BT /F1 10 Tf 72 700 Td (One) Tj ET",
                   b"BT /F1 10 Tf 72 700 Td (Two) Tj ET")
    data = pdf.read_bytes()
    assert data.count(b"/Count 2") == 1
    pdf.write_bytes(data.replace(b"/Count 2", b"/Count 1"))
    layout = PdfLayout(pdf)
    assert layout.page_count == 2
    assert texts(layout.lines(1)) == [("One", 700.0)]
    assert layout.lines(2) == []
    assert not layout.body_above(2, 100.0)


def _libreoffice_pdf(docx: Path) -> Path:
    soffice = require_tool("soffice")
    profile = (docx.parent / "profile").as_uri()
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to",
                    "pdf", "--outdir", str(docx.parent), str(docx)],
                   check=True, capture_output=True, timeout=180)
    return docx.with_suffix(".pdf")


@pytest.mark.libreoffice
def test_libreoffice_headings_lie_under_their_bookmarks(tmp_path: Path) -> None:
    """Two readers agree: each bookmark's heading is a line just under the bookmark's top,
    in LibreOffice's PDF of headings, plain paragraphs, tables and tags."""
    layout = PdfLayout(_libreoffice_pdf(sections_docx(tmp_path / "sections.docx")))
    entries = [entry for entry in layout.outline() if entry.top is not None]
    assert len(entries) >= 8
    for entry in entries:
        matches = [line for line in layout.lines(entry.page) if line.text == entry.title]
        assert len(matches) == 1, (entry, layout.lines(entry.page))
        assert entry.top - 30 < matches[0].y < entry.top, (entry, matches[0])


@pytest.mark.libreoffice
def test_characters_beyond_the_basic_plane_do_not_shift_the_lines_after_them(
        tmp_path: Path) -> None:
    """PDFium counts an emoji as two UTF-16 units: each line still gets its own baseline."""
    document = new_document()
    paragraphs = ["Progress 😀😀 in the first line", "Maths 𝐀𝐁𝐂 in the second",
                  "Third line", "Fourth line 😀", "Fifth line"]
    for text in paragraphs:
        document.add_paragraph(text)
    docx = tmp_path / "wide.docx"
    document.save(str(docx))
    lines = PdfLayout(_libreoffice_pdf(docx)).lines(1)
    assert [line.text for line in lines[2:]] == paragraphs[2:]
    assert [line.text.split()[0] for line in lines] == [p.split()[0] for p in paragraphs]
    heights = [line.y for line in lines]
    assert heights == sorted(heights, reverse=True) and len(set(heights)) == len(heights)
    steps = {round(upper - lower, 1) for upper, lower in itertools.pairwise(heights)}
    assert len(steps) == 1, heights  # one paragraph spacing: no line took another's height
