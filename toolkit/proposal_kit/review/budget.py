"""What an evaluator notes in the budget: shares of the categories, of the WPs, of partners.

Hints, not rules (the rules are `check`'s, in ``rules/budget.py``): the thresholds are data
(``review`` in ``data/criteria.yaml``), proposal-kit's reading of cost effectiveness, not
official figures. The shares come from the computed budget, by the headings of
``data/budget.yaml`` (A Personnel, C.1 Travel...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..budget import Budget, compute_budget
from ..budget.views import heading_figures
from ..calls import CallRules
from ..findings import Path as DataPath
from ..model import Proposal
from .base import Gap, ReviewSettings, gap

__all__ = ["budget_gaps"]


def budget_gaps(p: Proposal, call: CallRules | None, settings: ReviewSettings) -> Iterator[Gap]:
    """The budget hints of ``p``."""
    budget = compute_budget(p, call)
    if budget.total_costs <= 0:
        return
    yield from _no_effort(p, budget)
    yield from _management(p, budget, settings)
    yield from _categories(p, budget, settings)
    yield from _partners(p, budget, settings)


def _no_effort(p: Proposal, budget: Budget) -> Iterator[Gap]:
    """Costs in a WP without person-months: money for work nobody does."""
    index = {wp.id: w for w, wp in enumerate(p.work_packages)}
    for cell in budget.cells:
        wp = p.work_packages[index[cell.wp]]
        if cell.total <= 0 or cell.person_months:
            continue
        if not cell.detailed and cell.partner in wp.effort:
            continue
        key = "costs" if cell.detailed else "budget"
        what = "costs" if cell.detailed else "a budget"
        yield gap("budget-no-effort", "warning",
                  f"{cell.partner} has {what} in {cell.wp} but no person-months",
                  ("work_packages", index[cell.wp], key, cell.partner), criterion="design")


def _management(p: Proposal, budget: Budget, settings: ReviewSettings) -> Iterator[Gap]:
    total = budget.total_costs
    by_wp = budget.by_work_package()
    pattern = re.compile(settings.management_title)
    for w, wp in enumerate(p.work_packages):
        if not pattern.search(wp.title):
            continue
        share = by_wp[wp.id].total / total
        if share > settings.management_share_max:
            yield gap("management-share", "warning",
                      f"{wp.id} '{wp.title}' takes {share:.0%} of the costs; more than "
                      f"{settings.management_share_max:.0%} for management is unusual",
                      ("work_packages", w, "costs" if wp.costs else "budget"),
                      criterion="design")
        break


def _where(p: Proposal, budget: Budget, categories: tuple[str, ...]) -> DataPath:
    """The cost line of ``categories`` with the largest amount (where to look first)."""
    index = {wp.id: w for w, wp in enumerate(p.work_packages)}
    lines = [line for line in budget.lines() if line.category in categories]
    if not lines:
        return ("work_packages",)
    top = max(lines, key=lambda line: line.amount)
    return ("work_packages", index[top.wp], "costs", top.partner, top.category)


def _categories(p: Proposal, budget: Budget, settings: ReviewSettings) -> Iterator[Gap]:
    """Personnel, travel and equipment shares an evaluator would question."""
    if not budget.detailed:
        return  # single figures have no categories: check says so
    hints = settings.budget
    book = budget.catalogue
    total = budget.total_costs
    shares = {hid: value / total for hid, value in heading_figures(budget.project,
                                                                    book).items()}
    heading = {h.id: h for h in book.headings}
    personnel = shares.get("personnel", 0.0)
    where = ("budget",) if p.budget.rates or p.budget.staff_types else ("work_packages",)
    if personnel < hints.personnel_share_min:
        yield gap("personnel-share-low", "warning",
                  f"personnel is {personnel:.0%} of the costs, under "
                  f"{hints.personnel_share_min:.0%}: evaluators expect the partners' own "
                  "work to carry the project; explain in 2.1.4 what the other costs buy",
                  where, criterion="design")
    elif personnel > hints.personnel_share_max:
        yield gap("personnel-share-high", "warning",
                  f"personnel is {personnel:.0%} of the costs, over "
                  f"{hints.personnel_share_max:.0%}: little is left for meetings, pilots and "
                  "dissemination; check that travel and events are costed", where,
                  criterion="design")
    travel, equipment = heading["travel"], heading["equipment"]
    if shares.get("travel", 0.0) > hints.travel_share_max:
        yield gap("travel-share-high", "warning",
                  f"{travel.title} is {shares['travel']:.0%} of the costs, over "
                  f"{hints.travel_share_max:.0%}: say in 2.1.4 why the meetings cannot be "
                  "fewer or online", _where(p, budget, travel.categories), criterion="design")
    if shares.get("equipment", 0.0) > hints.equipment_share_max:
        yield gap("equipment-heavy", "warning",
                  f"{equipment.title} is {shares['equipment']:.0%} of the costs, over "
                  f"{hints.equipment_share_max:.0%}: only its depreciation over the project "
                  "counts; say why it is needed", _where(p, budget, equipment.categories),
                  criterion="design")


def _partners(p: Proposal, budget: Budget, settings: ReviewSettings) -> Iterator[Gap]:
    """A beneficiary with a token share of the costs."""
    limit = settings.budget.partner_share_min
    total = budget.total_costs
    index = {partner.id: n for n, partner in enumerate(p.partners)}
    for pid, totals in budget.by_partner().items():
        share = totals.total / total
        partner = p.partner(pid)
        if 0 < share < limit and partner is not None and partner.role != "associated":
            yield gap("partner-share-low", "warning",
                      f"{pid} ({partner.label}) holds {share:.1%} of the costs, under "
                      f"{limit:.0%}: evaluators may read a token role; give it a task it "
                      "leads, or explain its part in 2.2.1", ("partners", index[pid]),
                      criterion="partnership")
