"""Compute the lump-sum budget: lines, indirect costs, totals and the requested grant.

A pure function of the validated proposal and the call's figures, computed the way the budget
annex's formulas do, so that the workbook recalculated by a spreadsheet gives the same figures:
amounts rounded to the cent per line (halves away from zero, as ROUND does), indirect costs per
beneficiary (or affiliated entity) and work package, and the requested grant rounded per
beneficiary and entity, then added up ('Proposal Budget', column "Max TOTAL EU Contribution").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..costs import round_cents
from .catalogue import INDIRECT, Catalogue, catalogue

if TYPE_CHECKING:
    from ..calls import CallRules
    from ..costs import PartnerCosts
    from ..model import Proposal

__all__ = ["UNCATEGORISED", "Budget", "Cell", "Line", "MissingRate", "Totals", "compute_budget",
           "one_budget_per_project"]

#: The category of an old single figure per partner and WP (no categories given).
UNCATEGORISED = "uncategorised"


@dataclass(frozen=True)
class Line:
    """One cost line: units times a cost per unit in one category."""

    wp: str
    partner: str
    category: str
    units: float
    unit_cost: float
    amount: float
    staff_type: str | None = None
    note: str | None = None
    persons: int | None = None


@dataclass(frozen=True)
class MissingRate:
    """Person-months of a staff type for which the partner has no monthly rate."""

    wp: str
    partner: str
    staff_type: str


@dataclass(frozen=True)
class Cell:
    """The costs of one partner in one work package."""

    wp: str
    partner: str
    amounts: dict[str, float]
    direct: float
    indirect: float
    person_months: float
    detailed: bool
    lines: tuple[Line, ...] = ()

    @property
    def total(self) -> float:
        """Direct plus indirect costs."""
        return round(self.direct + self.indirect, 2)

    def amount(self, *categories: str) -> float:
        """Sum of the amounts of ``categories``."""
        return round(sum(self.amounts.get(c, 0.0) for c in categories), 2)

    def units(self, category: str) -> float:
        """Units of ``category`` (travels, person-months...)."""
        return sum(line.units for line in self.lines if line.category == category)


@dataclass(frozen=True)
class Totals:
    """Costs of a partner, a work package or the whole project."""

    direct: float
    indirect: float
    person_months: float
    categories: dict[str, float]

    @property
    def total(self) -> float:
        """Direct plus indirect costs."""
        return round(self.direct + self.indirect, 2)

    def as_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"total_costs": self.total, "direct_costs": self.direct,
                "indirect_costs": self.indirect, "person_months": self.person_months,
                "categories": self.categories}


def _totals(cells: Iterable[Cell], order: list[str]) -> Totals:
    cells = list(cells)
    sums = {cid: round(sum(c.amounts.get(cid, 0.0) for c in cells), 2) for cid in order}
    indirect = round(sum(c.indirect for c in cells), 2)
    if indirect:
        sums[INDIRECT] = indirect
    return Totals(direct=round(sum(c.direct for c in cells), 2), indirect=indirect,
                  person_months=round(sum(c.person_months for c in cells), 2),
                  categories={k: v for k, v in sums.items() if v})


@dataclass(frozen=True)
class Budget:
    """The whole budget of a proposal."""

    cells: tuple[Cell, ...]
    partners: tuple[str, ...]
    work_packages: tuple[str, ...]
    funding_rate: float | None
    cap: float | None
    missing_rates: tuple[MissingRate, ...] = ()
    catalogue: Catalogue = field(default_factory=catalogue)

    # -- lookups ------------------------------------------------------------------------
    def cell(self, wp: str, partner: str) -> Cell | None:
        """The costs of ``partner`` in ``wp``, if any."""
        return next((c for c in self.cells if c.wp == wp and c.partner == partner), None)

    def cells_of_wp(self, wp: str) -> list[Cell]:
        """The cells of ``wp`` in the partners' order."""
        return [c for c in self.cells if c.wp == wp]

    def lines(self) -> list[Line]:
        """Every cost line."""
        return [line for c in self.cells for line in c.lines]

    @property
    def detailed(self) -> bool:
        """Every cell with costs gives categories (no old single figure)."""
        return all(c.detailed for c in self.cells)

    @property
    def legacy_cells(self) -> list[Cell]:
        """Cells given as one figure, without categories."""
        return [c for c in self.cells if not c.detailed]

    # -- totals -------------------------------------------------------------------------
    @property
    def _order(self) -> list[str]:
        return [*self.catalogue.ids, UNCATEGORISED]

    # The budget is frozen: each total is added up once (a large consortium's tables ask
    # for them hundreds of times).
    @cached_property
    def project(self) -> Totals:
        """Totals of the whole project."""
        return _totals(self.cells, self._order)

    @property
    def total_costs(self) -> float:
        """Total estimated eligible costs (A to E)."""
        return self.project.total

    @property
    def direct_costs(self) -> float:
        """Total direct costs (A to D)."""
        return self.project.direct

    @property
    def indirect_costs(self) -> float:
        """Indirect costs (E)."""
        return self.project.indirect

    @cached_property
    def _partner_totals(self) -> dict[str, Totals]:
        return {pid: _totals((c for c in self.cells if c.partner == pid), self._order)
                for pid in self.partners}

    @cached_property
    def _wp_totals(self) -> dict[str, Totals]:
        return {wp: _totals((c for c in self.cells if c.wp == wp), self._order)
                for wp in self.work_packages}

    def by_partner(self) -> dict[str, Totals]:
        """Totals per partner id, in the consortium's order."""
        return dict(self._partner_totals)

    def by_work_package(self) -> dict[str, Totals]:
        """Totals per work package id, in the WPs' order."""
        return dict(self._wp_totals)

    def by_category(self) -> dict[str, float]:
        """Amounts per category id (``indirect`` for E), the non-zero ones."""
        return dict(self.project.categories)

    def by_group(self) -> dict[str, float]:
        """Amounts per group: A personnel, B, C, D and E indirect (and uncategorised)."""
        out: dict[str, float] = {}
        for cid, value in self.by_category().items():
            key = ("E" if cid == INDIRECT else UNCATEGORISED if cid == UNCATEGORISED
                   else self.catalogue.category(cid).group)
            out[key] = round(out.get(key, 0.0) + value, 2)
        return out

    # -- the grant ----------------------------------------------------------------------
    @property
    def max_grant(self) -> float | None:
        """The call's maximum grant for the project's duration."""
        return self.cap

    @property
    def effective_rate(self) -> float | None:
        """The funding rate, lowered when the cap binds (as the workbook does)."""
        total = self.total_costs
        if self.funding_rate is None or total <= 0:
            return self.funding_rate
        if self.cap is not None and total * self.funding_rate > self.cap:
            return self.cap / total
        return self.funding_rate

    def grant_by_partner(self) -> dict[str, float]:
        """Each beneficiary's (and entity's) share: its total x the rate, to the cent."""
        rate = self.effective_rate
        if rate is None:
            return {pid: 0.0 for pid in self.partners}
        return {pid: round_cents(t.total * rate) for pid, t in self.by_partner().items()}

    @property
    def requested_grant(self) -> float:
        """min(funding rate x total costs, cap): the figure to copy into Part A.

        As the annex computes it: the rate (lowered to cap / total when the cap binds) times
        each beneficiary's and entity's total, rounded to the cent, then added up. It can
        differ by a few cents from the rate times the total rounded once.
        """
        return round(sum(self.grant_by_partner().values()), 2)

    @property
    def cap_binds(self) -> bool:
        """The cap, not the funding rate, sets the grant."""
        return (self.cap is not None and self.funding_rate is not None
                and self.total_costs * self.funding_rate > self.cap)

    def as_json(self) -> dict[str, Any]:
        """The JSON report of ``proposal-kit budget --format json``."""
        labels = {c.id: c.title for c in self.catalogue.categories}
        labels[INDIRECT] = "E Indirect costs"
        labels[UNCATEGORISED] = "Not yet by category"
        project = self.project
        grants = self.grant_by_partner()
        return {
            "total_costs": project.total, "direct_costs": project.direct,
            "indirect_costs": project.indirect, "person_months": project.person_months,
            "funding_rate": self.funding_rate, "max_grant": self.max_grant,
            "requested_grant": self.requested_grant, "cap_binds": self.cap_binds,
            "effective_rate": self.effective_rate,
            "indirect_rate": self.catalogue.indirect.rate,
            "indirect_excludes": list(self.catalogue.indirect.excludes),
            "indirect_source": self.catalogue.indirect.source,
            "detailed": self.detailed,
            "categories": [{"id": cid, "label": labels[cid], "amount": value}
                           for cid, value in project.categories.items()],
            "by_group": self.by_group(),
            "by_partner": {pid: {**t.as_json(), "requested_grant": grants[pid]}
                           for pid, t in self.by_partner().items()},
            "by_work_package": {wp: t.as_json() for wp, t in self.by_work_package().items()},
        }


_SIMPLE = ("natural_persons", "seconded", "sme_owners", "volunteers", "subcontracting",
           "travel", "accommodation", "subsistence", "equipment", "consumables", "meetings",
           "dissemination", "website", "artistic_fees", "other_goods", "financial_support")
_PERSON_MONTHS = ("natural_persons", "seconded", "sme_owners", "volunteers")


def _detailed_cell(proposal: Proposal, wp: str, pid: str, costs: PartnerCosts,
                   book: Catalogue, missing: list[MissingRate]) -> Cell:
    lines: list[Line] = []
    rates = proposal.budget.rates.get(pid, {})
    for staff_type, entry in costs.staff.items():
        if isinstance(entry, int | float):
            rate = rates.get(staff_type)
            if rate is None:
                missing.append(MissingRate(wp, pid, staff_type))
                rate = 0.0
            units, cost = float(entry), float(rate)
        else:
            units, cost = entry.units, entry.cost
        lines.append(Line(wp, pid, "staff", units, cost, round_cents(units * cost),
                          staff_type=staff_type))
    for cid in _SIMPLE:
        item = getattr(costs, cid)
        if item is not None:
            lines.append(Line(wp, pid, cid, item.units, item.cost, item.amount, note=item.note,
                              persons=getattr(item, "persons", None)))
    amounts: dict[str, float] = {}
    for line in lines:
        amounts[line.category] = round(amounts.get(line.category, 0.0) + line.amount, 2)
    direct = round(sum(amounts.values()), 2)
    excluded = sum(amounts.get(cid, 0.0) for cid in book.indirect.excludes)
    indirect = round_cents((direct - excluded) * book.indirect.rate)
    months = sum(line.units for line in lines
                 if line.category == "staff" or line.category in _PERSON_MONTHS)
    return Cell(wp, pid, amounts, direct, indirect, round(months, 2), True, tuple(lines))


#: Within :func:`one_budget_per_project`: (proposal, call) ids -> (proposal, call, budget).
_COMPUTED: ContextVar[dict[tuple[int, int], tuple[Any, Any, Budget]] | None] = \
    ContextVar("budgets", default=None)


@contextmanager
def one_budget_per_project() -> Iterator[None]:
    """Within, :func:`compute_budget` computes each project's budget (per call) once.

    A render or a check asks for the budget from several places (the rules, the view model,
    the generic texts' variables); the proposal is not changed meanwhile, so the first answer
    is given again. Nested scopes share the outermost one.
    """
    if _COMPUTED.get() is not None:
        yield
        return
    token = _COMPUTED.set({})
    try:
        yield
    finally:
        _COMPUTED.reset(token)


def compute_budget(proposal: Proposal, call: CallRules | None = None) -> Budget:
    """The budget of ``proposal``; the grant needs the ``call``'s rate and cap."""
    computed = _COMPUTED.get()
    if computed is None:
        return _compute(proposal, call)
    key = (id(proposal), id(call))
    known = computed.get(key)
    if known is None or known[0] is not proposal or known[1] is not call:
        known = computed[key] = (proposal, call, _compute(proposal, call))
    return known[2]


def _compute(proposal: Proposal, call: CallRules | None) -> Budget:
    book = catalogue()
    cells: list[Cell] = []
    missing: list[MissingRate] = []
    order = {p.id: n for n, p in enumerate(proposal.partners)}
    for wp in proposal.work_packages:
        holders = sorted({*wp.costs, *(k for k, v in wp.budget.items() if v)},
                         key=lambda pid: (order.get(pid, len(order)), pid))
        for pid in holders:
            if pid in wp.costs:
                cells.append(_detailed_cell(proposal, wp.id, pid, wp.costs[pid], book, missing))
            else:
                value = round(float(wp.budget[pid]), 2)
                cells.append(Cell(wp.id, pid, {UNCATEGORISED: value}, value, 0.0,
                                  float(wp.effort.get(pid, 0.0)), False))
    partners = [p.id for p in proposal.partners if any(c.partner == p.id for c in cells)]
    partners += sorted({c.partner for c in cells} - set(partners))
    rate = call.figures.funding_rate.value if call is not None else None
    cap = call.max_grant_for(proposal.duration_months) if call is not None else None
    return Budget(tuple(cells), tuple(partners), tuple(wp.id for wp in proposal.work_packages),
                  rate, float(cap) if cap is not None else None, tuple(missing), book)
