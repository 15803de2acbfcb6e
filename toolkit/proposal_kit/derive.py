"""Derive the view model of the draft: numbered items, Gantt grid, budget and effort matrices.

Pure functions of the validated proposal and the call rules; templates only format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .activities import ActivityGroup, ActivityList, activities_for
from .budget import Budget, compute_budget
from .calls import CallRules, reference_data
from .model import Deliverable, Milestone, Partner, Proposal, WorkPackage

__all__ = ["Draft", "GanttRow", "Matrix", "derive"]


@dataclass(frozen=True)
class PartnerRow:
    """A partner as the partner table shows it."""

    number: int
    partner: Partner
    country_name: str
    type_label: str
    role_label: str


@dataclass(frozen=True)
class GanttRow:
    """One row of the timetable: a WP or a task, shaded from ``start`` to ``end``."""

    label: str
    start: int
    end: int
    kind: str  # "wp" or "task"


@dataclass(frozen=True)
class Matrix:
    """Figures per partner (rows) and WP (columns) with totals."""

    columns: list[str]
    rows: list[tuple[str, list[float], float]]
    column_totals: list[float]
    total: float


@dataclass(frozen=True)
class ActivityCoverage:
    """Which WPs, tasks and deliverables serve one required activity."""

    slug: str
    title: str
    group: str
    phase: str | None
    items: list[str]


@dataclass
class Draft:
    """Everything the templates need, computed once."""

    proposal: Proposal
    call: CallRules
    partners: list[PartnerRow]
    deliverables: list[tuple[WorkPackage, Deliverable]]
    milestones: list[tuple[WorkPackage, Milestone]]
    gantt: list[GanttRow]
    months: int
    budget: Matrix
    effort: Matrix
    costs: Budget
    eu_contribution: float
    cap: int | None
    cap_binds: bool
    activities: ActivityList
    coverage: list[ActivityCoverage]
    texts: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lot(self) -> int:
        """The lot number of the call."""
        return self.call.lot

    @property
    def phases(self) -> list[tuple[str, int, int]]:
        """Labelled spans of months the call defines (Lot 2's reactive and proactive response).

        From the activity list's ``phases``; none if the project is no longer than the first.
        """
        return [(label, first, last) for _, label, _, first, last in self._phase_spans()]

    def phase_timing(self, phase: str | None) -> str:
        """The "Timing" text of ``phase`` (empty for none or an unknown phase)."""
        return next((timing for pid, _, timing, _, _ in self._phase_spans() if pid == phase),
                    "")

    def _phase_spans(self) -> list[tuple[str, str, str, int, int]]:
        spans: list[tuple[str, str, str, int, int]] = []
        start = 1
        for phase in self.activities.phases:
            figure = (getattr(self.call.figures, phase.until_figure, None)
                      if phase.until_figure else None)
            if phase.until_figure and figure is None:
                return []  # the call does not give the phase's end
            end = int(figure.value) if figure is not None else self.months
            if end >= self.months and phase is not self.activities.phases[-1]:
                return []  # the project ends within the first phase: no split to show
            spans.append((phase.id, phase.label.format(start=start, end=end),
                          phase.timing.format(start=start, end=end), start, end))
            start = end + 1
        return spans

    @property
    def ecosystem_labels(self) -> list[str]:
        """Labels of the chosen ecosystems."""
        known = reference_data().ecosystems
        return [known[slug].label for slug in self.proposal.ecosystem]

    def partner_label(self, pid: str) -> str:
        """``id (short name)`` of a partner, or the id alone."""
        partner = self.proposal.partner(pid)
        return f"{pid} ({partner.short_name})" if partner and partner.short_name else pid

    def group_wps(self, group: ActivityGroup) -> list[str]:
        """Ids of the WPs that serve any activity of ``group`` (directly or via items)."""
        wanted = set(group.activities)
        return [wp.id for wp in self.proposal.work_packages
                if wanted & {*wp.covers, *(c for t in wp.tasks for c in t.covers),
                             *(c for d in wp.deliverables for c in d.covers)}]


_ROLE = {"coordinator": "Coordinator", "beneficiary": "Beneficiary",
         "affiliated": "Affiliated entity", "associated": "Associated partner"}


def _partner_rows(proposal: Proposal) -> list[PartnerRow]:
    reference = reference_data()
    types = reference.organisation_types
    rows = []
    for n, p in enumerate(proposal.partners, start=1):
        role = _ROLE[p.role] + (f" of {p.affiliated_to}" if p.affiliated_to else "")
        rows.append(PartnerRow(n, p, reference.country_name(p.country), types[p.type].label,
                               role))
    return rows


def _matrix(proposal: Proposal, value: dict[tuple[str, str], float]) -> Matrix:
    """Figures per partner (rows, those with any) and WP (columns) from ``(wp, pid)``."""
    wps = [wp.id for wp in proposal.work_packages]
    rows = []
    for p in proposal.partners:
        values = [value.get((wp, p.id), 0.0) for wp in wps]
        if any(values):
            rows.append((p.id, values, round(sum(values), 2)))
    column_totals = [round(sum(v for (w, _), v in value.items() if w == wp), 2) for wp in wps]
    return Matrix(wps, rows, column_totals, round(sum(column_totals), 2))


def _effort(proposal: Proposal, costs: Budget) -> dict[tuple[str, str], float]:
    """Person-months per (WP, partner): from the costs by category, else ``effort``."""
    value = {(wp.id, pid): float(pm) for wp in proposal.work_packages
             for pid, pm in wp.effort.items()}
    for cell in costs.cells:
        if cell.detailed:
            value[(cell.wp, cell.partner)] = cell.person_months
    return value


def _gantt(proposal: Proposal) -> list[GanttRow]:
    rows = []
    for wp in proposal.work_packages:
        rows.append(GanttRow(f"{wp.id} {wp.title}", wp.start, wp.end, "wp"))
        for task in wp.tasks:
            rows.append(GanttRow(f"{task.id} {task.title}", task.start or wp.start,
                                 task.end or wp.end, "task"))
    return rows


def _coverage(proposal: Proposal, activities: ActivityList) -> list[ActivityCoverage]:
    out = []
    for group in activities.groups:
        for slug in group.activities:
            act = activities.activities[slug]
            out.append(ActivityCoverage(slug, act.title, group.title, act.phase,
                                        proposal.covered_by(slug)))
    return out


def derive(proposal: Proposal, call: CallRules, texts: dict[str, str] | None = None) -> Draft:
    """Build the :class:`Draft` view model."""
    costs = compute_budget(proposal, call)
    budget = _matrix(proposal, {(c.wp, c.partner): c.total for c in costs.cells})
    cap = call.max_grant_for(proposal.duration_months)
    months = proposal.duration_months or max((wp.end for wp in proposal.work_packages),
                                             default=0)
    activities = activities_for(call.activities)
    return Draft(
        proposal=proposal, call=call, partners=_partner_rows(proposal),
        deliverables=sorted(proposal.deliverables(), key=lambda x: (x[1].due, x[0].number)),
        milestones=sorted(proposal.milestones(), key=lambda x: (x[1].due, x[0].number)),
        gantt=_gantt(proposal), months=months, budget=budget,
        effort=_matrix(proposal, _effort(proposal, costs)), costs=costs,
        eu_contribution=costs.requested_grant, cap=cap, cap_binds=costs.cap_binds,
        activities=activities,
        coverage=_coverage(proposal, activities), texts=dict(texts or {}),
    )
