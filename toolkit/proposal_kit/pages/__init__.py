"""`pages`: count the pages of Part B as the evaluators will see them.

A DOCX is laid out by LibreOffice headless (a page count exists only after layout); a PDF is
read directly. The report gives pages used against the call's limit, the page on which each
section and work package starts and ends, what falls beyond the limit, and formatting
findings read from the DOCX (paper, margins, smallest font size, processing tags).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .count import count_pages

if TYPE_CHECKING:
    from .analysis import DEFAULT_CALL
    from .report import PagesReport
    from .sections import Section

#: Imported on first use: `count_pages` starts LibreOffice before loading them.
_LAZY = {"DEFAULT_CALL": ".analysis", "PagesReport": ".report", "Section": ".sections"}


def __getattr__(name: str) -> Any:
    """The report types and the default call, imported when first used."""
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(name)


__all__ = ["DEFAULT_CALL", "PagesReport", "Section", "count_pages"]
