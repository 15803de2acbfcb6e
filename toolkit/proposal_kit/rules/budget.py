"""Budget rules: the categories are complete and priced, and the call's budget rules hold.

Run by `check` and by `budget`: financial support to third parties (not allowed by the call),
subcontracting above the form's share or for coordination tasks, staff types and rates that
resolve, costs without tasks, and old single figures that the detailed tables cannot use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..budget import Budget, catalogue, compute_budget
from ..findings import Finding
from ..findings import Path as DataPath
from ..model import Proposal
from ..validation import did_you_mean
from . import RuleContext, finding

__all__ = ["RULES"]


def _eur(value: float) -> str:
    return f"EUR {value:,.0f}"


def _wp_index(p: Proposal) -> dict[str, int]:
    return {wp.id: w for w, wp in enumerate(p.work_packages)}


def categories(ctx: RuleContext) -> Iterator[Finding]:
    """Staff types and rates resolve; old single figures are reported once per WP."""
    p = ctx.proposal
    types = p.budget.staff_types
    for pid, rates in p.budget.rates.items():
        for name in rates:
            if name not in types:
                yield finding("budget.staff-type", "error",
                              f"budget rates of {pid}: '{name}' is not one of "
                              f"budget.staff_types ({', '.join(types) or 'none declared'})",
                              ("budget", "rates", pid, name), did_you_mean(name, types))
    for w, wp in enumerate(p.work_packages):
        for pid, costs in wp.costs.items():
            for name, entry in costs.staff.items():
                path: DataPath = ("work_packages", w, "costs", pid, "staff", name)
                if name not in types:
                    yield finding("budget.staff-type", "error",
                                  f"{wp.id} costs of {pid}: staff type '{name}' is not one of "
                                  f"budget.staff_types ({', '.join(types) or 'none declared'})",
                                  path, did_you_mean(name, types))
                elif isinstance(entry, int | float) and \
                        name not in p.budget.rates.get(pid, {}):
                    yield finding("budget.rate-missing", "error",
                                  f"{wp.id} costs of {pid}: {entry:g} person-months of '{name}' "
                                  f"but budget.rates has no monthly rate of {pid} for '{name}'",
                                  path, f"add budget.rates.{pid}.{name}: <EUR per month>, or "
                                  "write {units: ..., cost: ...}")
            if pid in wp.budget:
                yield finding("budget.figure-and-costs", "warning",
                              f"{wp.id}: {pid} has both a single budget figure and costs by "
                              "category; the costs are used", ("work_packages", w, "budget", pid),
                              "remove the figure under `budget:`")
        legacy = [pid for pid, value in wp.budget.items() if value and pid not in wp.costs]
        if legacy:
            yield finding("budget.no-categories", "warning",
                          f"{wp.id} gives one figure per partner ({', '.join(legacy)}): the "
                          "form's 'Estimated budget — Resources' table and the budget workbook "
                          "need the costs by category", ("work_packages", w, "budget"),
                          "write them under `costs:` (staff person-months, travel, "
                          "subcontracting...); `proposal-kit budget` shows the result")


def associated(ctx: RuleContext) -> Iterator[Finding]:
    """Associated partners' costs cannot appear anywhere in the budget."""
    p = ctx.proposal
    for w, wp in enumerate(p.work_packages):
        for key, holders in (("budget", [k for k, v in wp.budget.items() if v]),
                             ("costs", list(wp.costs))):
            for pid in holders:
                partner = p.partner(pid)
                if partner is not None and partner.role == "associated":
                    yield finding("consistency.budget-associated", "error",
                                  f"{pid} is an associated partner: associated partners receive "
                                  f"no EU funding, so they hold no costs ({wp.id})",
                                  ("work_packages", w, key, pid))


def call_rules(ctx: RuleContext) -> Iterator[Finding]:
    """Financial support to third parties and subcontracting, as the call and form set them."""
    p = ctx.proposal
    budget = compute_budget(p, ctx.call)
    yield from _third_parties(ctx, budget)
    yield from _subcontracting(p, budget)


def _third_parties(ctx: RuleContext, budget: Budget) -> Iterator[Finding]:
    figure = ctx.call.figures.financial_support_to_third_parties if ctx.call else None
    if figure is None or figure.value:
        return
    index = _wp_index(ctx.proposal)
    for cell in budget.cells:
        amount = cell.amounts.get("financial_support", 0.0)
        if amount > 0:
            yield finding("budget.third-party-support", "error",
                          f"{cell.wp} costs of {cell.partner}: {_eur(amount)} of financial "
                          "support to third parties (D.1), which this call does not allow",
                          ("work_packages", index[cell.wp], "costs", cell.partner,
                           "financial_support"), figure.source)


def _subcontracting(p: Proposal, budget: Budget) -> Iterator[Finding]:
    rules = catalogue().subcontracting
    total = budget.total_costs
    amount = budget.by_category().get("subcontracting", 0.0)
    if not budget.cells or all(not c.detailed for c in budget.cells):
        amount = sum(float(s.cost or 0) for _, s in p.subcontracts())
    if total > 0 and amount / total > rules.warn_share:
        unjustified = [s.number for _, s in p.subcontracts() if not s.justification]
        yield finding("budget.subcontracting-share", "warning",
                      f"subcontracting is {amount / total:.0%} of the total costs "
                      f"({_eur(amount)} of {_eur(total)}), over {rules.warn_share:.0%}: the "
                      "form asks for the reasons in section 4.2"
                      + (f" (no justification yet: {', '.join(unjustified)})"
                         if unjustified else ""), ("work_packages",), rules.source)
    pattern = re.compile(rules.coordination)
    tasks = {t.id: t for wp in p.work_packages for t in wp.tasks if t.id}
    for w, wp in enumerate(p.work_packages):
        for s, sub in enumerate(wp.subcontracts):
            task = tasks.get(sub.task) if sub.task else None
            if pattern.search(sub.title) or (task is not None and pattern.search(task.title)):
                what = f"task {task.id} '{task.title}'" if task else f"'{sub.title}'"
                yield finding("budget.subcontracted-coordination", "warning",
                              f"{sub.number} subcontracts {what}: coordination tasks are the "
                              "beneficiaries' own work and cannot be subcontracted",
                              ("work_packages", w, "subcontracts", s), rules.source)
        if wp.subcontracts and any(c.detailed for c in budget.cells_of_wp(wp.id)):
            declared = round(sum(float(x.cost or 0) for x in wp.subcontracts), 2)
            costed = sum(c.amounts.get("subcontracting", 0.0) for c in budget.cells_of_wp(wp.id))
            if declared and abs(declared - costed) > 0.5:
                yield finding("budget.subcontracting-mismatch", "warning",
                              f"{wp.id}: the subcontracts' costs add up to {_eur(declared)} "
                              f"but the B. subcontracting costs to {_eur(costed)}",
                              ("work_packages", w, "subcontracts"))


def work(ctx: RuleContext) -> Iterator[Finding]:
    """Costs go with work: a WP with costs has tasks, a partner with costs takes part in one."""
    p = ctx.proposal
    for w, wp in enumerate(p.work_packages):
        holders = [pid for pid, v in wp.budget.items() if v] + \
                  [pid for pid in wp.costs if pid not in wp.budget]
        if not holders:
            continue
        if not wp.tasks:
            yield finding("budget.costs-no-tasks", "warning",
                          f"{wp.id} has costs but no tasks: the lump sum of a work package is "
                          "paid for its tasks", ("work_packages", w, "tasks"))
            continue
        working = {x for t in wp.tasks for x in (t.lead, *t.participants) if x}
        for pid in holders:
            if pid not in working:
                key = "costs" if pid in wp.costs else "budget"
                yield finding("budget.costs-no-task", "warning",
                              f"{wp.id}: {pid} has costs but leads or takes part in no task "
                              "of this work package", ("work_packages", w, key, pid))


RULES = [categories, associated, call_rules, work]
