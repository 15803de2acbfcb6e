"""`pages`: count the pages of Part B as the evaluators will see them.

A DOCX is laid out by LibreOffice headless (a page count exists only after layout); a PDF is
read directly. The report gives pages used against the call's limit, the page on which each
section and work package starts and ends, what falls beyond the limit, and formatting
findings read from the DOCX (paper, margins, smallest font size, processing tags).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .count import count_pages
    from .report import PagesReport
    from .sections import Section

#: Imported on first use: `count_pages` starts LibreOffice before loading the report, and a
#: render that reads only `pages.validate` loads none of the counting machinery.
__getattr__ = lazy_exports(__name__, {"PagesReport": ".report",
                                      "Section": ".sections",
                                      "count_pages": ".count"})


__all__ = ["PagesReport", "Section", "count_pages"]
