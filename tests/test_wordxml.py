"""Runs and rows written as WordprocessingML text are what python-docx would have built."""

from __future__ import annotations

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from proposal_kit.render.wordxml import RowsXml, append_xml, attr, plain_run, text_run


def _xml(element: object) -> str:
    return etree.tostring(element, encoding="unicode")


@pytest.mark.parametrize("text", ["plain", " spaced ", "a\tb", "line\nbreak\r\nend", "\t",
                                  "& <tags> \"quoted\" 'single'", "Türkiye, Škoda, Северна"])
def test_plain_run_is_python_docx_add_run(text: str) -> None:
    ours = docx.Document().add_paragraph()
    append_xml(ours._p, plain_run(text))
    theirs = docx.Document().add_paragraph()
    theirs.add_run(text)
    assert _xml(ours._p) == _xml(theirs._p)


def test_text_runs_keep_spaces_format_and_empty_text() -> None:
    p = docx.Document().add_paragraph()._p
    append_xml(p, text_run(" a & b ", bold=True, italic=True, strike=True, code=True) +
               text_run(""))
    runs = p.findall(qn("w:r"))
    assert [c.tag for c in runs[0].find(qn("w:rPr"))] == [
        qn("w:rFonts"), qn("w:b"), qn("w:i"), qn("w:strike")]
    assert runs[0].find(qn("w:t")).text == " a & b "
    empty = runs[1].find(qn("w:t"))
    assert empty.text == "" and "></w:t>" in _xml(empty)  # as lxml writes t.text = ""
    assert runs[1].find(qn("w:rPr")) is None


def test_rows_have_their_cells_in_order_and_escaped_attributes() -> None:
    tbl = docx.Document().add_table(rows=0, cols=2)._tbl
    xml = RowsXml()
    xml.row(header=True, height="400")
    xml.cell("100", fill="D9E2F3", direction="btLr")
    xml.paragraph('Style "odd" & <id>', text_run("head"))
    xml.cell("200", span=2)
    xml.paragraph("Text", align="right")
    xml.row()
    xml.cell("300")
    xml.paragraph("Text")
    rows = xml.append_to(tbl)
    assert len(rows) == 2 and rows == tbl.findall(qn("w:tr"))
    first = rows[0]
    assert [c.tag for c in first.find(qn("w:trPr"))] == [
        qn("w:trHeight"), qn("w:cantSplit"), qn("w:tblHeader")]
    cells = first.findall(qn("w:tc"))
    assert [c.tag for c in cells[0].find(qn("w:tcPr"))] == [
        qn("w:tcW"), qn("w:shd"), qn("w:textDirection")]
    assert cells[0].find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) == \
        'Style "odd" & <id>'
    assert cells[1].find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val")) == "2"
    assert rows[1].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None
    assert attr("a\nb\tc") == "a&#10;b&#9;c"
