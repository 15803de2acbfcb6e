"""What the review shares: its settings (``data/criteria.yaml``) and a finding with a criterion."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..findings import Finding, Severity
from ..findings import Path as DataPath
from ..resources import data_dir

__all__ = ["BudgetHints", "CriteriaData", "Criterion", "FormGuidance", "Gap",
           "ReviewSettings", "criteria_data", "gap"]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Criterion(BaseModel):
    """One award criterion."""

    model_config = _STRICT
    id: str
    name: str
    max_points: float
    reads_for: tuple[str, ...] = ()


class FormGuidance(BaseModel):
    """Hints the review draws from the official form's guidance (its thresholds as data)."""

    model_config = _STRICT
    source: str
    deliverables_max: int = 15
    first_wp_title: str = "(?i)management|coordination"
    last_wp_title: str = "(?i)impact|dissemination|communication|exploitation"
    #: Section id of the ethics text, and what it must speak of: label -> regular expression.
    ethics_section: str = "ethics"
    ethics_topics: dict[str, str] = {}


class BudgetHints(BaseModel):
    """What an evaluator notes in the cost categories (shares of the total costs)."""

    model_config = _STRICT
    personnel_share_min: float = 0.4
    personnel_share_max: float = 0.9
    travel_share_max: float = 0.2
    equipment_share_max: float = 0.1
    partner_share_min: float = 0.02


class ReviewSettings(BaseModel):
    """How the review measures a draft."""

    model_config = _STRICT
    words_per_page: int = 500
    table_words_per_page: int = 250
    thin_ratio: float = 0.4
    management_share_max: float = 0.2
    management_title: str = "(?i)management|coordination"
    placeholders: tuple[str, ...] = ()
    form_guidance: FormGuidance | None = None
    budget: BudgetHints = BudgetHints()


class CriteriaData(BaseModel):
    """The award criteria and the review settings."""

    model_config = _STRICT
    unverified: bool = False
    source: str
    pass_mark: float
    criterion_threshold: float
    criteria: tuple[Criterion, ...]
    review: ReviewSettings

    def criterion(self, cid: str | None) -> Criterion | None:
        """The criterion with id ``cid``, if any."""
        return next((c for c in self.criteria if c.id == cid), None)

    def label(self, cid: str | None) -> str:
        """``the criterion 'Impact'``-style name for messages."""
        found = self.criterion(cid)
        return f"the '{found.name}' criterion" if found else "the draft"


@cache
def criteria_data() -> CriteriaData:
    """The shipped ``data/criteria.yaml``."""
    from ..calls import load_data_model  # the one loader of data files (located errors)

    criteria: CriteriaData = load_data_model(data_dir() / "criteria.yaml", CriteriaData)
    return criteria


@dataclass(frozen=True)
class Gap:
    """A finding of the review, with the award criterion or activity it concerns."""

    finding: Finding
    criterion: str | None = None
    activity: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The finding's JSON form plus ``criterion`` and ``activity``."""
        data = self.finding.to_dict()
        data["criterion"] = self.criterion
        data["activity"] = self.activity
        return data


def gap(code: str, severity: str, message: str, path: DataPath = (), *,
        criterion: str | None = None, activity: str | None = None,
        hint: str | None = None) -> Gap:
    """Build a :class:`Gap` whose finding has code ``review.<code>``."""
    finding = Finding(f"review.{code}", Severity(severity), message, path, None, None,
                      "review", hint)
    return Gap(finding, criterion, activity)
