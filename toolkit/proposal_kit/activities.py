"""The activities a call topic requires (Lot 2) or the aims it offers (Lot 1, Lot 3), as data."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .resources import data_dir

__all__ = ["Activity", "ActivityGroup", "ActivityList", "EqfSpans", "Phase", "Requirement",
           "activities_for"]


class Activity(BaseModel):
    """One required activity or aim."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str
    summary: str
    #: The id of one of the list's ``phases`` the activity belongs to.
    phase: str | None = None
    unverified: bool = False
    source: str | None = None
    due_by_figure: str | None = None
    #: How `review` applies ``due_by_figure``: the ``first`` or ``all`` deliverables serving it.
    deadline: Literal["first", "all"] = "all"
    #: Finding code (after ``review.``) when the deadline is missed.
    late_code: str = "activity-late"


class Phase(BaseModel):
    """A span of the project the call names (Lot 2's reactive and proactive response).

    Phases follow each other: the first starts in month 1, each ends at the call figure
    ``until_figure`` (the last at the project's end). ``label`` is the Gantt row and
    ``timing`` the "Timing" cell; ``{start}`` and ``{end}`` are replaced by months.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    label: str
    timing: str
    until_figure: str | None = None


class ActivityGroup(BaseModel):
    """A heading that groups activities (e.g. Lot 2's four required activities)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    activities: tuple[str, ...]


class Requirement(BaseModel):
    """A theme the call asks for, found by terms in the draft (read by `review`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    terms: tuple[str, ...]
    where: tuple[str, ...] = ()
    severity: Literal["error", "warning", "info"] = "warning"
    criterion: str | None = None
    when: str | None = None
    source: str = ""


class EqfSpans(BaseModel):
    """EQF levels the qualifications must reach: at least one level in each span."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    spans: tuple[tuple[int, int], ...]
    activities: tuple[str, ...] = ()
    severity: Literal["error", "warning", "info"] = "warning"
    criterion: str | None = None
    source: str = ""


class ActivityList(BaseModel):
    """The activities of one call topic."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rule: Literal["all", "any"]
    #: Heading of the list in reports ("Activities the call requires", "Aims of the action").
    heading: str = "Aims of the action"
    source: str
    unverified: bool = False
    groups: tuple[ActivityGroup, ...]
    activities: dict[str, Activity]
    phases: tuple[Phase, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    eqf: EqfSpans | None = None


@cache
def activities_for(name: str) -> ActivityList:
    """The activity list named ``name`` (a call's ``activities`` field)."""
    path = data_dir() / "activities" / f"{name}.yaml"
    from .calls import load_data_model  # the one loader of data files (located errors)

    activities: ActivityList = load_data_model(path, ActivityList)
    return activities
