"""The `budget` report: the computed budget and what `check` says about it, in one pass."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..findings import Finding, Severity, summarise

if TYPE_CHECKING:
    from ..calls import CallRules
    from ..project import Project
    from .compute import Budget

__all__ = ["BudgetReport", "budget_file", "budget_project"]

#: Codes of `check` about the budget besides the ``budget.*`` ones.
_ALSO = ("consistency.budget-associated", "consistency.budget-total", "eligibility.grant-cap")


def _about_budget(item: Finding) -> bool:
    return (item.category == "budget" or item.code in _ALSO
            or item.severity is Severity.ERROR
            or any(part in ("budget", "costs") for part in item.path))


@dataclass
class BudgetReport:
    """The budget of one project file and the findings on it."""

    file: Path
    findings: list[Finding]
    project: Project | None = None
    call: CallRules | None = None
    budget: Budget | None = None

    @property
    def summary(self) -> dict[str, int]:
        """Counts by severity."""
        return summarise(self.findings)

    def failed(self) -> bool:
        """Whether an error was found (exit 1)."""
        return self.summary["error"] > 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: the budget's figures, then the findings."""
        data: dict[str, Any] = {"file": str(self.file)}
        if self.project is not None:
            data["acronym"] = self.project.proposal.acronym
            data["call"] = self.project.proposal.call
        if self.budget is not None:
            data.update(self.budget.as_json())
        data["findings"] = [f.to_dict() for f in self.findings]
        data["summary"] = self.summary
        return data


def budget_file(file: Path | str) -> BudgetReport:
    """The budget of ``file``; an invalid file gives its findings and no budget."""
    from ..project import load_project_or_findings

    project = load_project_or_findings(file)
    if isinstance(project, list):
        return BudgetReport(Path(file), sorted(project, key=lambda f: f.severity.rank))
    return budget_project(project)


def budget_project(project: Project) -> BudgetReport:
    """The budget of a loaded project, with the findings `check` gives on it."""
    from ..calls import load_call
    from ..check import check_project
    from .compute import compute_budget

    checked = check_project(project, render=False)
    findings = [f for f in checked.findings if _about_budget(f)]
    try:
        call = load_call(project.proposal.call)
    except UsageError:
        return BudgetReport(project.file, findings, project)
    return BudgetReport(project.file, findings, project, call,
                        compute_budget(project.proposal, call))
