"""The page report: call rules, layout (LibreOffice's PDF, a PDF or an estimate), sections.

The formatting checks of the DOCX are made here too.

Imported by :func:`count_pages` only once LibreOffice is already working, so that loading
these modules (the call rules' models, the Part B tree) costs a cold count nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..calls import CallRules, default_call, load_call
from ..findings import Finding, Severity
from ..form import form_for_call
from ..form.description import FormDescription
from .convert import INSTALL_HINT, Conversion
from .docxinfo import TOC_ENTRY, DocxInfo
from .estimate import estimate_layout, word_recorded_pages
from .formatting import (
    FormatSummary,
    check_contents_pages,
    check_docx_format,
    check_pdf_paper,
)
from .pdfread import PdfLayout
from .report import Method, PagesReport, beyond_limit, limit_findings
from .sections import (
    Hints,
    Layout,
    Section,
    find_anchors,
    normalise,
    number_and_text,
    sections_from,
)
from .warm import WarmConversion

__all__ = ["analyse"]


def analyse(path: Path, kind: str, limit: int | None, call: str | None,
            conversion: Conversion | WarmConversion | None) -> PagesReport:
    """The page report of ``path`` (``kind`` "docx" or "pdf").

    A DOCX is laid out by ``conversion`` (already started), or estimated when it is None.
    """
    from ..docxfile import reading

    with reading(path if kind == "docx" else None, "the DOCX"):
        return _analyse(path, kind, limit, call, conversion)


def _analyse(path: Path, kind: str, limit: int | None, call: str | None,
             conversion: Conversion | WarmConversion | None) -> PagesReport:
    findings: list[Finding] = []
    summary = FormatSummary()
    contents: list[tuple[str, int | None]] = []
    method: Method
    info = DocxInfo(path) if kind == "docx" else None  # read while LibreOffice works
    rules = load_call(call or _document_call(info) or default_call())
    form = form_for_call(rules)
    limit = limit if limit is not None else rules.figures.page_limit.value
    if info is None:
        layout: Layout = PdfLayout(path)
        paper, summary.paper = check_pdf_paper(layout.sizes)
        findings += [*paper, Finding(
            "format.not-checked", Severity.INFO, "margins, font sizes and tags are checked "
            "from the DOCX only", hint="run `proposal-kit pages` on the .docx too")]
        anchors = find_anchors(layout, None, form)
        method = "pdf"
    elif conversion is None:
        format_findings, summary = check_docx_format(info, rules, form)
        findings += format_findings
        layout = estimate_layout(info)
        anchors = find_anchors(layout, _hints(info, summary, form), form)
        findings.append(_estimate_finding(path, layout.page_count))
        method = "estimate"
    else:
        format_findings, summary = check_docx_format(info, rules, form)
        findings += format_findings
        hints = _hints(info, summary, form)
        contents = summary.contents
        pdf_layout = PdfLayout(conversion.wait(), source=path)
        if summary.top_margin_pt:
            pdf_layout.top_margin = summary.top_margin_pt
        anchors = find_anchors(pdf_layout, hints, form)
        layout = pdf_layout
        method = "libreoffice"
    report = PagesReport(path, rules.id, layout.page_count, limit, method != "estimate",
                         method, format=summary.to_dict())
    sections = sections_from(anchors, layout.page_count, layout)
    if contents:  # laid out by LibreOffice, with a table of contents: is it up to date?
        starts = {normalise(s.title): s.start_page for s in sections}
        findings += check_contents_pages(contents, starts)
    _apply_sections(report, rules, sections, findings)
    if info is not None and _own_layout(info):
        report.form_guidance_pages = form_guidance_pages(form, sections, layout.page_count)
        in_form = report.pages_with_form_guidance
        if in_form is not None and in_form > limit:
            findings.append(Finding(
                "pages.over-limit-in-form", Severity.WARNING,
                f"{report.pages} pages here, but about {in_form} in the official form with "
                f"its guidance, over the limit of {limit}",
                hint="the form's guidance counts against the limit: shorten the text, and "
                     "count the filled form with `render --form`"))
    report.findings = sorted(limit_findings(report) + findings, key=lambda f: f.severity.rank)
    return report


def _apply_sections(report: PagesReport, rules: CallRules, sections: list[Section],
                    findings: list[Finding]) -> None:
    excluded = set(rules.figures.excluded_from_page_count.value)
    removed: set[int] = set()
    for section in sections:
        if section.id in excluded:
            removed.update(section.whole_pages())
    for missing in sorted(excluded - {s.id for s in sections}):
        findings.append(Finding("pages.excluded-not-found", Severity.WARNING,
                                f"section '{missing}' does not count against the limit, but "
                                "it was not found, so its pages are counted"))
    report.sections = sections
    report.excluded_pages = len(removed)
    if not sections:
        findings.append(Finding("pages.no-sections", Severity.INFO,
                                "no Part B headings found: the section map is empty",
                                hint="headings are matched by number and title, e.g. "
                                     "'1.1 Background and general objectives'"))
    if report.over_by:
        counted = [p for p in range(1, report.total_pages + 1) if p not in removed]
        report.last_evaluated = counted[report.limit - 1]
        report.beyond = beyond_limit(sections, report.last_evaluated, report.total_pages,
                                     excluded)


def _own_layout(info: DocxInfo) -> bool:
    """Whether the DOCX is proposal-kit's own layout, not the filled official form."""
    return info.custom_properties().get("proposal-kit-layout") == "own"


_WORK_PACKAGE_ID = re.compile(r"wp\d+")


def form_guidance_pages(form: FormDescription, sections: list[Section],
                        total_pages: int) -> float | None:
    """About how many pages the official form's guidance adds to this own-layout draft.

    From the section lengths and the form's measured footprint; None when the form's
    footprint was not measured or the draft has no section lengths.
    """
    footprint = form.footprint
    if not footprint.parts:
        return None
    lengths: dict[str, float] = {}
    for section in sections:
        length = section.length
        if length is None:  # the last section runs to the end of the document
            length = max(0.0, total_pages - section.start_page + 0.5)
        lengths[section.id] = length
    if not lengths:
        return None
    packages = [lengths[s.id] for s in sections if _WORK_PACKAGE_ID.fullmatch(s.id)]
    return round(footprint.added_pages(lengths, packages), 1)


def _document_call(info: DocxInfo | None) -> str | None:
    """The call topic a DOCX rendered by proposal-kit names in its properties."""
    if info is None:
        return None
    from ..calls import available_calls

    topic = info.custom_properties().get("proposal-kit-call")
    return topic if topic in available_calls() else None


def _hints(info: DocxInfo, summary: FormatSummary, form: FormDescription) -> Hints:
    """Which Part B headings, work packages and tags the DOCX holds."""
    by_text: dict[str, list[tuple[str | None, str]]] = {}
    for node in form.headings():
        by_text.setdefault(normalise(node.text), []).append((node.number, node.id))
    wp_heading = form.work_package_pattern()
    hints = Hints(tags=set(summary.tag_codes))
    for para in info.paragraphs():
        if para.in_table or TOC_ENTRY.match(para.style or ""):
            continue  # a table of contents repeats the headings: the headings are later
        text = para.text
        if not text.strip() or len(text) > 200:
            continue
        number, rest = number_and_text(text)
        for node_number, node_id in by_text.get(rest, []):
            if number is None or number == node_number:
                hints.headings.setdefault(
                    node_id, info.styles.paragraph(para.element, para.style, None).before)
        match = wp_heading.match(normalise(text))
        if match and int(match.group(1)) not in hints.work_packages:
            hints.work_packages[int(match.group(1))] = text.strip()
            hints.headings[f"wp{match.group(1)}"] = \
                info.styles.paragraph(para.element, para.style, None).before
    return hints


def _estimate_finding(path: Path, pages: int) -> Finding:
    recorded = word_recorded_pages(path)
    note = (f"; Word recorded {recorded} pages when the file was last saved, which may be out "
            "of date") if recorded else ""
    count = f"{pages} page{'' if pages == 1 else 's'}"
    return Finding("pages.estimate", Severity.WARNING,
                   f"LibreOffice was not found, so {count} is an ESTIMATE from the document's "
                   f"content, not the page count{note}",
                   hint=f"for the exact count {INSTALL_HINT}")
