"""What the page checks need from a DOCX: paragraphs in order, and their resolved formatting.

python-docx opens the package; effective font sizes and spacing are resolved here through
the OOXML cascade (document defaults, table style, paragraph style, character style, direct
formatting), which python-docx leaves to the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..docxfile import xml_number
from ..errors import InputError, SourceLocation

__all__ = ["DocxInfo", "Para", "ParaFormat", "Styles", "W"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Word's styles for the entries of a table of contents (ids "TOC1", "toc1"...).
TOC_ENTRY = re.compile(r"(?i)^(?:toc|contents)\s*\d$")
_WORD_DEFAULT_PT = 10.0


def _attr(element: Any, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return None if found is None else found.get(f"{W}val")


def _number(value: str | None, scale: float) -> float | None:
    """The value in its unit (``scale`` of them make one), None when it is not a number."""
    number = xml_number(value)
    return None if number is None else number / scale


@dataclass(frozen=True)
class ParaFormat:
    """Resolved paragraph formatting (points), as the layout estimate needs it."""

    size: float
    before: float
    after: float
    line: float  # line height as a multiple of single spacing, or a negative exact height
    break_before: bool


@dataclass(frozen=True)
class _Style:
    based_on: str | None
    size: float | None
    before: float | None
    after: float | None
    line: float | None
    break_before: bool | None
    outline_level: int | None = None


def _props(rpr: Any, ppr: Any, based_on: str | None = None) -> _Style:
    spacing = ppr.find(f"{W}spacing") if ppr is not None else None
    line: float | None = None
    if spacing is not None and spacing.get(f"{W}line"):
        raw = _number(spacing.get(f"{W}line"), 1.0) or 240.0
        line = raw / 240 if spacing.get(f"{W}lineRule", "auto") == "auto" else -raw / 20
    page_break = ppr.find(f"{W}pageBreakBefore") if ppr is not None else None
    outline = _number(_attr(ppr, f"{W}outlineLvl"), 1.0)
    return _Style(
        based_on,
        _number(_attr(rpr, f"{W}sz"), 2.0),
        _number(spacing.get(f"{W}before"), 20.0) if spacing is not None else None,
        _number(spacing.get(f"{W}after"), 20.0) if spacing is not None else None,
        line,
        None if page_break is None else page_break.get(f"{W}val", "1") not in ("0", "false"),
        None if outline is None else int(outline),
    )


class Styles:
    """The style sheet of a document, with the property cascade resolved."""

    def __init__(self, root: Any) -> None:
        self._styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        for style in root.iter(f"{W}style"):
            sid = style.get(f"{W}styleId")
            if not sid:
                continue
            self._styles[sid] = _props(style.find(f"{W}rPr"), style.find(f"{W}pPr"),
                                       _attr(style, f"{W}basedOn"))
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1",
                                                                                    "true"):
                self.default_paragraph = sid
        defaults = root.find(f"{W}docDefaults")
        rpr = defaults.find(f"{W}rPrDefault/{W}rPr") if defaults is not None else None
        ppr = defaults.find(f"{W}pPrDefault/{W}pPr") if defaults is not None else None
        self.defaults = _props(rpr, ppr)
        self.body_font = self._font(root, rpr)
        self.theme_font = "Calibri"
        self._cache: dict[tuple[str | None, str | None, str], Any] = {}

    def _font(self, root: Any, default_rpr: Any) -> str:
        """The body font's name (the default paragraph style's, else the document's).

        A theme font (``asciiTheme``) is reported as ``theme``; see :attr:`theme_font`.
        """
        sid, seen = self.default_paragraph, set()
        styles = {s.get(f"{W}styleId"): s for s in root.iter(f"{W}style")}
        while sid and sid in styles and sid not in seen:
            seen.add(sid)
            fonts = styles[sid].find(f"{W}rPr/{W}rFonts")
            if fonts is not None and (fonts.get(f"{W}ascii") or fonts.get(f"{W}asciiTheme")):
                return fonts.get(f"{W}ascii") or "theme"
            sid = _attr(styles[sid], f"{W}basedOn")
        fonts = default_rpr.find(f"{W}rFonts") if default_rpr is not None else None
        return (fonts.get(f"{W}ascii") if fonts is not None else None) or "theme"

    def outline_level(self, sid: str | None) -> int | None:
        """The outline level style ``sid`` gives its paragraphs (0-based), own or inherited."""
        level = self._chain(sid, "outline_level")
        return None if level is None else int(level)

    def _chain(self, sid: str | None, field: str) -> Any:
        seen: set[str] = set()
        while sid and sid in self._styles and sid not in seen:
            seen.add(sid)
            value = getattr(self._styles[sid], field)
            if value is not None:
                return value
            sid = self._styles[sid].based_on
        return None

    def _resolve(self, p_style: str | None, t_style: str | None, field: str) -> Any:
        key = (p_style, t_style, field)
        if key not in self._cache:
            style = p_style if p_style in self._styles else self.default_paragraph
            from_p, from_t = self._chain(style, field), self._chain(t_style, field)
            # Word: a table style beats the default paragraph style, not an explicit one.
            order = (from_t, from_p) if style == self.default_paragraph else (from_p, from_t)
            value = next((v for v in order if v is not None), getattr(self.defaults, field))
            self._cache[key] = value
        return self._cache[key]

    def run_size(self, run: Any, p_style: str | None, t_style: str | None) -> float:
        """Effective font size of ``run`` (points)."""
        rpr = run.find(f"{W}rPr")
        size = _number(_attr(rpr, f"{W}sz"), 2.0)
        if size is None:
            size = self._chain(_attr(rpr, f"{W}rStyle"), "size")
        if size is None:
            size = self._resolve(p_style, t_style, "size")
        return float(size) if size is not None else _WORD_DEFAULT_PT

    def paragraph(self, p: Any, p_style: str | None, t_style: str | None) -> ParaFormat:
        """Resolved paragraph formatting of ``p``."""
        direct = _props(None, p.find(f"{W}pPr"))

        def pick(field: str, default: Any) -> Any:
            value = getattr(direct, field)
            if value is None:
                value = self._resolve(p_style, t_style, field)
            return default if value is None else value

        size = self._resolve(p_style, t_style, "size") or _WORD_DEFAULT_PT
        return ParaFormat(float(size), float(pick("before", 0.0)), float(pick("after", 0.0)),
                          float(pick("line", 1.0)), bool(pick("break_before", False)))


@dataclass(frozen=True)
class Para:
    """A paragraph of the body (tables included), in document order."""

    index: int
    element: Any
    style: str | None
    table_style: str | None
    in_table: bool

    @property
    def text(self) -> str:
        """The visible text (tabs as spaces), without deleted text or field codes."""
        return "".join(_text(r) for r in self.runs())

    def runs(self) -> Iterator[Any]:
        """The runs of this paragraph, not those of text boxes inside it."""
        p = self.element
        nested = p.find(f".//{W}txbxContent") is not None
        for run in p.iter(f"{W}r"):
            if nested and next(run.iterancestors(f"{W}p"), None) is not p:
                continue
            yield run


def _text(run: Any) -> str:
    out = []
    for child in run:
        tag = child.tag
        if tag == f"{W}t":
            out.append(child.text or "")
        elif tag in (f"{W}tab", f"{W}br", f"{W}cr"):
            out.append(" ")
    return "".join(out)


def _theme_font(document: Any) -> str:
    """The theme's body (minor) font, Calibri if the document has no theme."""
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/theme") and not rel.is_external:
            found = re.search(rb"<a:minorFont>\s*<a:latin typeface=\"([^\"]+)\"",
                              rel.target_part.blob)
            if found:
                return found.group(1).decode("utf-8", "replace")
    return "Calibri"


class DocxInfo:
    """A DOCX opened for the page checks."""

    def __init__(self, path: Path, source: Path | None = None) -> None:
        import docx

        try:
            self.document = docx.Document(str(path))
            self.body = self.document.element.body
            self.styles = Styles(self.document.styles.element)
            self.styles.theme_font = _theme_font(self.document)
            self.sections = list(self.document.sections)
            self._paragraphs: list[Para] | None = None
        except Exception as exc:  # python-docx raises many kinds on a broken package
            raise InputError(f"the DOCX cannot be read ({type(exc).__name__}: {exc})",
                             location=SourceLocation(source or path),
                             hint="open it in Word or LibreOffice and save it again") from None
        from ..docxfile import check_page_setup

        check_page_setup(self.document, source or path, "the DOCX")

    def custom_properties(self) -> dict[str, str]:
        """The document's custom properties (proposal-kit stores its call and form there)."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        from ..render.docx_parts import read_custom_properties

        for rel in self.document.part.package.rels.values():
            if rel.reltype == RT.CUSTOM_PROPERTIES and not rel.is_external:
                try:
                    return read_custom_properties(rel.target_part.blob)
                except Exception:  # a broken part: as if there were none
                    return {}
        return {}

    def paragraphs(self) -> list[Para]:
        """Every paragraph of the body in document order, table cells included."""
        if self._paragraphs is not None:
            return self._paragraphs
        out = []
        for index, p in enumerate(self.body.iter(f"{W}p")):
            table = next(p.iterancestors(f"{W}tbl"), None)
            t_style = _attr(table.find(f"{W}tblPr"), f"{W}tblStyle") if table is not None \
                else None
            p_style = _attr(p.find(f"{W}pPr"), f"{W}pStyle")
            out.append(Para(index, p, p_style, t_style, table is not None))
        self._paragraphs = out
        return out
