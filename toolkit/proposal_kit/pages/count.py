"""`count_pages`: validate the input, start LibreOffice, then analyse while it works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ExternalToolError, UsageError
from .convert import INSTALL_HINT, Conversion, find_soffice, soffice_timeout
from .processes import interrupts_deferred
from .validate import check_input
from .warm import WarmOffice

if TYPE_CHECKING:
    from .report import PagesReport

__all__ = ["count_pages"]

Progress = Callable[[str], None]


def count_pages(path: Path | str, limit: int | None = None, call: str | None = None,
                exact: bool = False, *, timeout: float | None = None,
                progress: Progress | None = None,
                office: WarmOffice | None = None) -> PagesReport:
    """Count the pages of a Part B ``.docx`` (laid out by LibreOffice) or ``.pdf``.

    LibreOffice is started as soon as the input is known to be a readable DOCX; the call
    rules, the DOCX checks and the section map are loaded and read while it works.

    Args:
        path: the document.
        limit: the page limit; by default the call's ``page_limit``.
        call: the call topic id; by default :func:`~proposal_kit.calls.default_call`.
        exact: without LibreOffice, raise :class:`ExternalToolError` instead of estimating.
        timeout: seconds LibreOffice may take (default ``PROPOSAL_KIT_SOFFICE_TIMEOUT``, 120).
        progress: called with a short message before slow work.
        office: a LibreOffice kept warm (``watch``); by default one is started for this count.

    Raises:
        UsageError: missing file, wrong extension, unknown call, bad limit (exit 2).
        InputError: a broken, encrypted or oversized document (exit 1).
        ExternalToolError: LibreOffice missing with ``exact``, failing or timing out (exit 4).
    """
    path = Path(path)
    if limit is not None and limit < 1:
        raise UsageError(f"the page limit must be at least 1, not {limit}")
    kind = check_input(path)
    soffice = None
    if kind == "docx":
        soffice = find_soffice() if office is None else office.soffice
        if soffice is None and exact:
            raise ExternalToolError("LibreOffice is not installed: the exact page count "
                                    "needs it (--exact)", hint=INSTALL_HINT)
    if soffice is None:
        from .analysis import analyse

        return analyse(path, kind, limit, call, None)
    if progress:
        progress(f"Laying out {path.name} with LibreOffice…")
    from .layoutcopy import layout_copy

    conversion_of = (office.conversion(path, layout_copy) if office else
                     Conversion(path, soffice, soffice_timeout(timeout), layout_copy))
    with conversion_of as conversion:
        conversion.start()
        with interrupts_deferred():  # all that the analysis needs, loaded while LO works
            import docx  # noqa: F401 - DocxInfo's reader
            import pypdf  # noqa: F401 - PdfLayout's reader
            import pypdfium2  # type: ignore[import-untyped]  # noqa: F401 - its text lines

            from .analysis import analyse
        return analyse(path, kind, limit, call, conversion)
