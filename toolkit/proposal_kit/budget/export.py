"""Write the budget workbooks: proposal-kit's own, or the applicant's copy of the annex.

Each workbook is recalculated by LibreOffice before it is written, and written only when its
total and its requested grant are the budget's (unless the check is turned off); the write
goes through the one writer, which keeps edited work and open files safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, UsageError
from ..render.output import write_guarded
from .recalc import Check, recalculate, verify
from .report import BudgetReport

__all__ = ["WrittenWorkbook", "write_annex", "write_own"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class WrittenWorkbook:
    """What was written, and what the recalculation found in it."""

    kind: str
    path: Path
    backup: Path | None
    verified: bool
    total_costs: float
    requested_grant: float
    grant_cell: str

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return {"kind": self.kind, "path": str(self.path),
                "backup": str(self.backup) if self.backup else None,
                "verified": self.verified, "total_costs": self.total_costs,
                "requested_grant": self.requested_grant, "grant_cell": self.grant_cell}


def _ready(report: BudgetReport) -> None:
    if report.project is None or report.budget is None:
        raise InputError(f"{report.file}: the budget cannot be computed, so no workbook is "
                         "written", hint=f"run `proposal-kit check {report.file}`")


def _finish(report: BudgetReport, kind: str, data: bytes, suffix: str, path: Path,
            checks: list[Check], grant_cell: str, force: bool, check: bool,
            protected: list[Path], progress: Progress | None) -> WrittenWorkbook:
    assert report.budget is not None
    if check:
        if progress:
            progress(f"recalculating the {kind} with LibreOffice")
        verify(recalculate(data, suffix), checks)
    backup = write_guarded(path, data, force, protected=protected)
    return WrittenWorkbook(kind, path, backup, check, report.budget.total_costs,
                           report.budget.requested_grant, grant_cell)


def _inputs(report: BudgetReport) -> list[Path]:
    assert report.project is not None
    return [report.project.file, *report.project.input_files]


def write_own(report: BudgetReport, path: Path, force: bool = False, check: bool = True,
              progress: Progress | None = None) -> WrittenWorkbook:
    """Write proposal-kit's own detailed budget workbook to ``path`` (.xlsx).

    Raises:
        UsageError: ``path`` is not an .xlsx file.
        InputError: the budget cannot be written into a workbook, or the recalculated
            workbook does not hold the budget's figures.
        ExternalToolError: LibreOffice is missing, fails or times out (with ``check``).
        OutputConflictError: the output is protected, open, edited or cannot be written.
    """
    from .own_workbook import own_workbook

    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"--xlsx writes an .xlsx workbook, not {path.name}")
    _ready(report)
    assert report.project is not None and report.budget is not None
    data, names = own_workbook(report.project.proposal, report.call, report.budget)
    budget = report.budget
    checks = [Check("total costs, TotalCosts", names["TotalCosts"], budget.total_costs),
              Check("requested EU grant, RequestedGrant", names["RequestedGrant"],
                    budget.requested_grant)]
    return _finish(report, "own workbook", data, ".xlsx", path, checks, checks[1].cell, force,
                   check, _inputs(report), progress)


def write_annex(report: BudgetReport, source: Path, path: Path, force: bool = False,
                check: bool = True, progress: Progress | None = None) -> WrittenWorkbook:
    """Fill a copy of the official annex ``source`` and write it to ``path``.

    Raises:
        UsageError: ``path`` has another suffix than ``source`` (.xlsm keeps its macros).
        InputError, ExternalToolError, OutputConflictError: as :func:`write_own`.
    """
    from .annex_fill import fill_annex

    if path.suffix.lower() != source.suffix.lower():
        raise UsageError(f"-o {path.name}: the filled copy of {source.name} must be a "
                         f"{source.suffix.lower()} file too",
                         hint="an .xlsm keeps its macros only as an .xlsm")
    _ready(report)
    assert report.project is not None and report.budget is not None
    if progress:
        progress(f"filling a copy of {source.name}")
    filled = fill_annex(source, report.project.proposal, report.budget)
    grant = filled.checks[-1].cell
    return _finish(report, "budget annex", filled.data, filled.suffix, path, filled.checks,
                   grant, force, check, [*_inputs(report), source], progress)
