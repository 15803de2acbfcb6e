"""Formatting rules read from the DOCX itself: paper, margins, smallest font size, tags.

Findings that would gain space against the rules (narrow margins, small type) are errors when
the call's figure is confirmed and warnings when it is marked unverified; a paper size other
than A4 is a warning (it changes the count but gains nothing).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..calls import CallRules
from ..docxfile import xml_int
from ..findings import Finding, Severity
from ..form.description import FormDescription
from ..form.locate import form_paragraphs
from ..form.tags import TAG, tag_text
from ..validation import did_you_mean
from .docxinfo import TOC_ENTRY, DocxInfo, W
from .sections import normalise

__all__ = ["FormatSummary", "check_contents_pages", "check_docx_format", "check_pdf_paper",
           "contents_entries", "paper_name"]

A4 = (210.0, 297.0)
_PAPERS = {"A4": A4, "Letter": (215.9, 279.4), "Legal": (215.9, 355.6), "A3": (297.0, 420.0),
           "A5": (148.0, 210.0), "B5": (176.0, 250.0), "Executive": (184.2, 266.7)}
_PT_PER_MM = 72 / 25.4
_UPDATE_HINT = ("update the table of contents before making the PDF: Word offers it on "
                "opening, or select all and press F9; LibreOffice: Tools > Update > Update All")
#: The page number that ends an updated table-of-contents entry (arabic or roman).
_PAGE_NUMBER = re.compile(r"\s(\d+|[ivx]{1,6})$")


@dataclass
class FormatSummary:
    """What the formatting checks measured, for the report."""

    paper: list[str] = field(default_factory=list)
    smallest_margin_mm: float | None = None
    smallest_font_pt: float | None = None
    top_margin_pt: float | None = None
    tags: int = 0
    tag_codes: set[str] = field(default_factory=set)
    #: The table of contents: each entry's heading and page number (None: not numbered).
    contents: list[tuple[str, int | None]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"paper": self.paper, "smallest_margin_mm": self.smallest_margin_mm,
                "smallest_font_pt": self.smallest_font_pt, "tags": self.tags}


def paper_name(width_mm: float, height_mm: float) -> str:
    """``A4``, ``Letter``, ... (either orientation) or ``W x H mm``."""
    short, long_ = sorted((width_mm, height_mm))
    for name, (w, h) in _PAPERS.items():
        if abs(short - w) <= 1 and abs(long_ - h) <= 1:
            return name
    return f"{width_mm:.1f} x {height_mm:.1f} mm"


def _paper_finding(names: dict[str, list[int]], unit: str) -> list[Finding]:
    out = []
    for name, where in names.items():
        if name == "A4":
            continue
        places = ", ".join(str(n) for n in where[:8]) + (" ..." if len(where) > 8 else "")
        out.append(Finding("format.paper", Severity.WARNING,
                           f"the paper is {name}, not A4 (210 x 297 mm), in {unit} {places}",
                           hint="set the page size to A4; the page count on A4 may differ"))
    return out


def check_pdf_paper(sizes: list[tuple[float, float]]) -> tuple[list[Finding], list[str]]:
    """Paper findings for a PDF's page sizes (points), and the paper names used."""
    names: dict[str, list[int]] = {}
    for number, (w, h) in enumerate(sizes, 1):
        names.setdefault(paper_name(w / _PT_PER_MM, h / _PT_PER_MM), []).append(number)
    return _paper_finding(names, "page"), list(names)


def check_docx_format(info: DocxInfo, call: CallRules,
                      form: FormDescription) -> tuple[list[Finding], FormatSummary]:
    """Paper, margin, font-size and tag findings for a DOCX, and what was measured."""
    summary = FormatSummary()
    findings = _page_setup(info, call, summary)
    findings += _fonts(info, call, summary, form)
    findings += _tags(info, summary, form)
    summary.contents = contents_entries(info)
    findings += _contents(summary.contents)
    return findings, summary


def _mm(length: Any) -> float | None:
    return None if length is None else abs(float(length.mm))


def _page_setup(info: DocxInfo, call: CallRules, summary: FormatSummary) -> list[Finding]:
    names: dict[str, list[int]] = {}
    minimum = call.figures.min_margin_mm.value
    findings = []
    for number, section in enumerate(info.sections, 1):
        w, h = _mm(section.page_width), _mm(section.page_height)
        name = paper_name(w, h) if w and h else "not set (Word's default, often Letter)"
        names.setdefault(name, []).append(number)
        margins = {side: _mm(getattr(section, f"{side}_margin"))
                   for side in ("top", "bottom", "left", "right")}
        known = {side: value for side, value in margins.items() if value is not None}
        if number == 1 and known.get("top") is not None:
            summary.top_margin_pt = known["top"] * _PT_PER_MM
        if known:
            least = min(known.values())
            if summary.smallest_margin_mm is None or least < summary.smallest_margin_mm:
                summary.smallest_margin_mm = round(least, 1)
        narrow = {side: value for side, value in known.items() if value < minimum - 0.1}
        if narrow:
            sides = ", ".join(f"{side} {value:.1f} mm" for side, value in narrow.items())
            findings.append(Finding(
                "format.margin", _severity(call.figures.min_margin_mm.unverified),
                f"margins below the minimum of {minimum:g} mm in section {number}: {sides}",
                hint="headers and footers may sit in the margin; the body text may not"))
    summary.paper = list(names)
    return _paper_finding(names, "section") + findings


def _severity(unverified: bool) -> Severity:
    return Severity.WARNING if unverified else Severity.ERROR


def _fonts(info: DocxInfo, call: CallRules, summary: FormatSummary,
           form: FormDescription) -> list[Finding]:
    minimum = call.figures.min_font_pt.value
    smallest: float | None = None
    below = 0
    first: tuple[int, float, str] | None = None
    styles = info.styles
    owned = form_paragraphs(info.document, form)  # the form's own guidance, in its sizes
    for para in info.paragraphs():
        if para.element in owned:
            continue
        for run in para.runs():
            text = "".join(t.text or "" for t in run.iter(f"{W}t"))
            if not text.strip() or _hidden(run):
                continue
            size = styles.run_size(run, para.style, para.table_style)
            smallest = size if smallest is None else min(smallest, size)
            if size < minimum - 0.01:
                below += 1
                if first is None:
                    first = (para.index + 1, size, para.text.strip())
    summary.smallest_font_pt = smallest
    if first is None:
        return []
    number, size, text = first
    snippet = text if len(text) <= 40 else text[:39] + "…"
    figure = call.figures.min_font_pt
    note = " (an unverified figure)" if figure.unverified else ""
    return [Finding("format.font-size", _severity(figure.unverified),
                    f"body text of {smallest:g} pt, below the minimum of {minimum:g} pt{note}: "
                    f"{below} run(s), the first ({size:g} pt) in paragraph {number} "
                    f"'{snippet}'", hint=f"use at least {minimum:g} pt, tables included")]


def _hidden(run: Any) -> bool:
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(f"{W}val", "1") not in ("0", "false")


def _tags(info: DocxInfo, summary: FormatSummary, form: FormDescription) -> list[Finding]:
    """The processing tags against the form's: the same ones, balanced, in the same order."""
    events: list[tuple[str, str, int]] = []
    for para in info.paragraphs():
        text = para.text
        if "#" in text:
            events += [(m.group(1), m.group(2), para.index + 1) for m in TAG.finditer(text)]
    summary.tags = len(events)
    summary.tag_codes = {code for _, code, _ in events}
    expected = form.tag_events()
    codes = list(dict.fromkeys(code for _, code in expected))
    if not events:
        return [Finding("format.tag-missing", Severity.WARNING,
                        "no processing tags found (#@CODE@# ... #§CODE§#): the official Part B "
                        "form's tags are missing",
                        hint="the portal uses them to process Part B; do not delete them")]
    findings: list[Finding] = []
    known = []
    for kind, code, where in events:
        if code not in codes:
            findings.append(Finding("format.tag-unknown", Severity.WARNING,
                                    f"unknown tag {code} in paragraph {where}",
                                    hint=did_you_mean(code, codes)))
        else:
            known.append(("open" if kind == "@" else "close", code, where))
    missing = [code for code in codes if code not in summary.tag_codes]
    if missing:
        findings.append(Finding(
            "format.tag-missing", Severity.WARNING,
            f"{len(missing)} processing tag(s) missing: {', '.join(missing)}",
            hint="restore each #@CODE@# ... #§CODE§# pair from the form; do not delete "
                 "tags, even of sections that do not apply"))
    actual = [(kind, code) for kind, code, _ in known]
    if actual != expected and not missing:
        findings.append(_first_difference(known, expected))
    return findings


def _first_difference(known: list[tuple[str, str, int]],
                      expected: Sequence[tuple[str, str]]) -> Finding:
    """Where the document's tags first part from the form's sequence."""
    for i, (kind, code, where) in enumerate(known):
        if i >= len(expected):
            return Finding("format.tag-unbalanced", Severity.WARNING,
                           f"tag {tag_text(kind, code)} in paragraph {where} is one more than "
                           "the form has", hint="remove the extra tag")
        if (kind, code) != expected[i]:
            return Finding("format.tag-order", Severity.WARNING,
                           f"tag {tag_text(kind, code)} in paragraph {where}: the form has "
                           f"{tag_text(*expected[i])} there",
                           hint="keep the tags as the form places them, in its order")
    kind, code = expected[len(known)]
    return Finding("format.tag-unbalanced", Severity.WARNING,
                   f"the document ends before the form's tag {tag_text(kind, code)}",
                   hint=f"add {tag_text(kind, code)} where the form has it")


def contents_entries(info: DocxInfo) -> list[tuple[str, int | None]]:
    """The table of contents: each entry's heading and page number (None: not numbered).

    A roman page number counts as numbered (0), though it cannot be checked.
    """
    entries: list[tuple[str, int | None]] = []
    for para in info.paragraphs():
        if para.in_table or not TOC_ENTRY.match(para.style or ""):
            continue
        text = " ".join(para.text.split())
        match = _PAGE_NUMBER.search(text)
        if match is None:
            entries.append((text.rstrip(" ."), None))
        else:
            number = match.group(1)
            entries.append((text[:match.start()].rstrip(" ."),
                            xml_int(number, "", 0)))
    return entries


def _contents(entries: list[tuple[str, int | None]]) -> list[Finding]:
    """A table of contents whose entries have no page numbers yet (fields not updated)."""
    numbered = sum(1 for _, page in entries if page is not None)
    if not entries or numbered * 2 > len(entries):
        return []
    return [Finding("format.toc-not-updated", Severity.INFO,
                    f"the table of contents lists {len(entries)} headings without page "
                    "numbers", hint=_UPDATE_HINT)]


def check_contents_pages(entries: list[tuple[str, int | None]],
                         starts: dict[str, int]) -> list[Finding]:
    """Table-of-contents numbers that disagree with where the sections start.

    ``starts`` maps each normalised heading to its first page. A disagreement means the
    table was not updated after the text changed.
    """
    wrong = [(title, number, starts[normalise(title)]) for title, number in entries
             if number and normalise(title) in starts
             and starts[normalise(title)] != number]
    if not wrong:
        return []
    listed = "; ".join(f"{title}: says {number}, starts on {page}"
                       for title, number, page in wrong[:3])
    more = f"; {len(wrong) - 3} more" if len(wrong) > 3 else ""
    return [Finding("format.toc-stale", Severity.WARNING,
                    f"the table of contents is out of date: {listed}{more}",
                    hint=_UPDATE_HINT)]
