"""Page numbers for the table of contents, from a page count of the rendered draft.

`render --pages` renders the DOCX, counts it with LibreOffice, then renders it once more
with each table-of-contents entry numbered from that count. The entries already held a
tab to the right margin, so the numbers change no line and no page.
"""

from __future__ import annotations

from pathlib import Path

from .pages.report import PagesReport
from .project import Project
from .render import RenderResult, render_project

__all__ = ["heading_pages", "number_contents"]


def heading_pages(report: PagesReport) -> dict[str, int]:
    """Heading text -> the page its section starts on, from an exact count."""
    return {s.title: s.start_page for s in report.sections}


def number_contents(project: Project, rendered: RenderResult, report: PagesReport,
                    reference_doc: Path | None = None) -> bool:
    """Render ``rendered`` again with its table of contents numbered from ``report``.

    Only for a DOCX counted by LibreOffice (an estimate would print wrong numbers); the
    report's note that the table has no page numbers is dropped. Returns whether it did.
    """
    if rendered.format != "docx" or report.method != "libreoffice" or not report.sections:
        return False
    render_project(project, rendered.output, "docx", reference_doc,
                   toc_pages=heading_pages(report), form=rendered.form)
    report.findings = [f for f in report.findings if f.code != "format.toc-not-updated"]
    return True
