"""Recalculate a workbook with LibreOffice headless and check its figures against the budget.

The workbook is opened by LibreOffice Calc with every formula recalculated and saved again as
.xlsx (through the one LibreOffice runner, :class:`~proposal_kit.pages.convert.Conversion`);
the values it computed are then read back with openpyxl. A figure that differs from the
budget's by more than half a cent is an error naming the cell.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ExternalToolError, InputError

__all__ = ["Check", "Recalculated", "WorkbookMismatchError", "recalculate", "verify"]


class WorkbookMismatchError(InputError):
    """A figure of the recalculated workbook differs from the budget's."""


@dataclass(frozen=True)
class Check:
    """One figure to compare: ``cell`` (``'Sheet'!A1``) must hold ``expected``."""

    what: str
    cell: str
    expected: float


@dataclass(frozen=True)
class Recalculated:
    """The values LibreOffice computed, read back from its copy of the workbook."""

    book: Any

    def named(self, name: str) -> str:
        """``'Sheet'!$A$1`` for a defined name of the workbook."""
        found = self.book.defined_names.get(name)
        if found is None:
            raise InputError(f"the workbook has no defined name {name}")
        sheet, cell = next(iter(found.destinations))
        return f"'{sheet}'!{cell}"

    def value(self, ref: str) -> Any:
        """The value of ``'Sheet'!A1``."""
        sheet, _, cell = ref.rpartition("!")
        return self.book[sheet.strip("'")][cell.replace("$", "")].value


def recalculate(data: bytes, suffix: str, timeout: float | None = None) -> Recalculated:
    """Let LibreOffice recalculate the workbook ``data`` (a ``suffix`` file) and read it back.

    Raises:
        ExternalToolError: LibreOffice (or its Calc part) is missing, fails or times out.
    """
    import openpyxl

    from ..pages.convert import (
        CALC_HINT,
        INSTALL_HINT,
        RECALCULATED_XLSX,
        Conversion,
        find_soffice,
        soffice_timeout,
    )

    soffice = find_soffice()
    if soffice is None:
        raise ExternalToolError("LibreOffice is needed to recalculate the workbook and was not "
                                "found", hint=f"{INSTALL_HINT}; with {CALC_HINT}; or give "
                                "--no-verify to write the workbook unchecked")
    with tempfile.TemporaryDirectory(prefix="proposal-kit-wb-") as folder:
        source = Path(folder) / f"workbook{suffix}"
        source.write_bytes(data)
        with Conversion(source, soffice, soffice_timeout(timeout),
                        target=RECALCULATED_XLSX) as run:
            run.start()
            result = run.wait()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                book = openpyxl.load_workbook(result, data_only=True)
    return Recalculated(book)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def verify(result: Recalculated, checks: Iterable[Check]) -> None:
    """Every check holds in the recalculated workbook.

    Raises:
        WorkbookMismatchError: naming the first cell that differs, with both figures.
    """
    for check in checks:
        got = result.value(check.cell)
        number = _number(got)
        if number is None or abs(number - check.expected) > 0.005:
            shown = f"{number:,.2f}" if number is not None else repr(got)
            raise WorkbookMismatchError(
                f"the recalculated workbook holds {shown} in {check.cell} ({check.what}) but "
                f"the budget gives {check.expected:,.2f}",
                hint="the workbook's formulas and proposal-kit's figures differ; do not "
                "submit it before the two agree")
