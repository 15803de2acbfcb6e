"""Runs, table rows and cells written as WordprocessingML text and parsed in one go.

A large draft holds tens of thousands of table elements. Creating each one through lxml's
API from Python (python-docx's element classes included) costs a few microseconds an
element; the same XML written as text and parsed by lxml at once costs a fraction of that.
python-docx builds its own new tables the same way (``CT_Tbl.new_tbl``). The text is
exactly what the element-by-element construction gave (same elements, attributes in the
same order), so the saved document does not change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

__all__ = ["RowsXml", "append_xml", "attr", "break_run", "plain_run", "text", "text_run"]

_WRAP = f"<w:body {nsdecls('w')}>{{}}</w:body>"
_W_T = qn("w:t")
_EMPTY_TEXT = '<w:t xml:space="preserve"></w:t>'
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                       "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
#: ``w:rPr`` by (bold, italic, strike, code), in the schema's order (fonts, b, i, strike).
_RPR: dict[tuple[bool, bool, bool, bool], str] = {}
for _key in [(b, i, s, c) for b in (False, True) for i in (False, True)
             for s in (False, True) for c in (False, True)]:
    _inner = ('<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/>' if _key[3] else "") + \
        "".join(tag for on, tag in zip(_key[:3], ("<w:b/>", "<w:i/>", "<w:strike/>"),
                                       strict=True) if on)
    _RPR[_key] = f"<w:rPr>{_inner}</w:rPr>" if any(_key) else ""


def text(value: str) -> str:
    """``value`` escaped as element text."""
    return value.translate(_TEXT)


def attr(value: str) -> str:
    """``value`` escaped as an attribute value (between double quotes)."""
    return value.translate(_ATTR)


def text_run(value: str, bold: bool = False, italic: bool = False, strike: bool = False,
             code: bool = False) -> str:
    """A ``w:r`` holding ``value`` as it is (spaces kept), formatted; code in Courier New."""
    return (f'<w:r>{_RPR[bold, italic, strike, code]}<w:t xml:space="preserve">'
            f"{text(value)}</w:t></w:r>")


def break_run() -> str:
    """A ``w:r`` holding a line break."""
    return "<w:r><w:br/></w:r>"


def plain_run(value: str) -> str:
    """The run python-docx's ``add_run(value)`` writes: tabs and line breaks as elements."""
    parts: list[str] = []
    for piece, separator in _pieces(value):
        if piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{space}>{text(piece)}</w:t>")
        if separator:
            parts.append("<w:tab/>" if separator == "\t" else "<w:br/>")
    return f"<w:r>{''.join(parts)}</w:r>"


def _pieces(value: str) -> Iterable[tuple[str, str]]:
    """``(text, separator)`` pairs: text up to each tab or line break, then the last text."""
    start = 0
    for index, char in enumerate(value):
        if char in "\t\r\n":
            yield value[start:index], char
            start = index + 1
    yield value[start:], ""


def append_xml(parent: Any, xml: str) -> list[Any]:
    """Parse ``xml`` (``w:`` elements, no namespace declarations) and append it to ``parent``.

    Returns the appended elements.
    """
    if not xml:
        return []
    root = parse_xml(_WRAP.format(xml))
    if _EMPTY_TEXT in xml:  # an empty run's text is "", as lxml writes it: <w:t ...></w:t>
        for t in root.iter(_W_T):
            if t.text is None:
                t.text = ""
    children = list(root)
    parent.extend(children)
    return children


class RowsXml:
    """Table rows written as text: ``row``, then ``cell`` and ``paragraph`` for each cell."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.open: list[str] = []

    def _close(self, *tags: str) -> None:
        while self.open and self.open[-1] in tags:
            self.parts.append(f"</w:{self.open.pop()}>")

    def row(self, header: bool = False, height: str | None = None) -> None:
        """Start a row that never splits across pages; a ``header`` repeats on each page."""
        self._close("tc", "tr")
        self.open.append("tr")
        height_xml = f'<w:trHeight w:val="{attr(height)}" w:hRule="atLeast"/>' if height \
            else ""
        self.parts.append(f'<w:tr><w:trPr>{height_xml}<w:cantSplit w:val="true"/>'
                          + ('<w:tblHeader w:val="true"/>' if header else "") + "</w:trPr>")

    def cell(self, width: str, span: int = 1, fill: str | None = None,
             direction: str | None = None, merge: str | None = None) -> None:
        """Start a cell ``width`` twips wide spanning ``span`` columns, filled with ``fill``.

        ``merge``: ``restart`` starts a vertically merged cell, any other value continues
        the one above.
        """
        self._close("tc")
        self.open.append("tc")
        props = [f'<w:tcW w:type="dxa" w:w="{attr(width)}"/>']
        if span > 1:
            props.append(f'<w:gridSpan w:val="{span}"/>')
        if merge == "restart":
            props.append('<w:vMerge w:val="restart"/>')
        elif merge:
            props.append("<w:vMerge/>")
        if fill:
            props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{attr(fill)}"/>')
        if direction:
            props.append(f'<w:textDirection w:val="{attr(direction)}"/>')
        self.parts.append(f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>")

    def paragraph(self, style: str, runs: str = "", align: str | None = None,
                  keep: bool = False) -> None:
        """A paragraph of the cell in the style with id ``style``, holding ``runs``.

        ``keep``: kept on the page of the next paragraph (the next row's).
        """
        keep_xml = "<w:keepNext/>" if keep else ""
        jc = f'<w:jc w:val="{attr(align)}"/>' if align else ""
        self.parts.append(f'<w:p><w:pPr><w:pStyle w:val="{attr(style)}"/>{keep_xml}{jc}'
                          f"</w:pPr>{runs}</w:p>")

    def append_to(self, tbl: Any) -> list[Any]:
        """Append the rows to the ``w:tbl`` element ``tbl``; the ``w:tr`` elements."""
        self._close("tc", "tr")
        rows = append_xml(tbl, "".join(self.parts))
        self.parts.clear()
        return rows
