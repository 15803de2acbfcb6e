"""`pages`: count the pages of Part B as the evaluators will see them.

A DOCX is laid out by LibreOffice headless (a page count exists only after layout); a PDF is
read directly. The report gives pages used against the call's limit, the page on which each
section and work package starts and ends, what falls beyond the limit, and formatting
findings read from the DOCX (paper, margins, smallest font size, processing tags).
"""

from __future__ import annotations

from .count import DEFAULT_CALL, count_pages
from .report import PagesReport
from .sections import Section

__all__ = ["DEFAULT_CALL", "PagesReport", "Section", "count_pages"]
