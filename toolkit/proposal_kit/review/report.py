"""The review's outcome, and its JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..calls import CallRules
from ..findings import Finding, Severity, summarise
from .base import CriteriaData, Gap

if TYPE_CHECKING:
    from .activities import ActivityResult
    from .criteria import CriterionResult

__all__ = ["RequirementResult", "ReviewReport"]


@dataclass(frozen=True)
class RequirementResult:
    """A theme the call asks for and where the draft addresses it."""

    id: str
    title: str
    criterion: str | None
    found_in: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "title": self.title, "criterion": self.criterion,
                "found_in": self.found_in}


@dataclass
class ReviewReport:
    """The outcome of reviewing one file."""

    file: Path
    call: CallRules | None
    activities: list[ActivityResult]
    criteria: list[CriterionResult]
    requirements: list[RequirementResult]
    gaps: list[Gap]
    valid: bool = True
    data: CriteriaData | None = field(default=None, repr=False)

    @property
    def findings(self) -> list[Finding]:
        """Every finding, errors first."""
        return [g.finding for g in self.gaps]

    @property
    def summary(self) -> dict[str, int]:
        """Counts by severity."""
        return summarise(self.findings)

    def failed(self) -> bool:
        """Whether any finding is an error."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """``{"activities", "criteria", "findings"}`` plus file, call, requirements, summary."""
        return {
            "file": str(self.file),
            "call": self.call.id if self.call else None,
            "valid": self.valid,
            "activities": [a.to_dict() for a in self.activities],
            "criteria": [c.to_dict() for c in self.criteria],
            "requirements": [r.to_dict() for r in self.requirements],
            "findings": [g.to_dict() for g in self.gaps],
            "summary": self.summary,
            "scoring": ({"unverified": self.data.unverified, "source": self.data.source,
                         "pass_mark": self.data.pass_mark,
                         "criterion_threshold": self.data.criterion_threshold}
                        if self.data else None),
        }
