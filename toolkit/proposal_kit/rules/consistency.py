"""Consistency rules: ids resolve, months fit, budget and effort add up, nobody is idle."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from ..budget import compute_budget
from ..findings import Finding
from ..findings import Path as DataPath
from ..model import Deliverable, Proposal, Subcontract, WorkPackage
from ..validation import did_you_mean
from . import RuleContext, finding

__all__ = ["RULES", "wp_participants"]

_TOLERANCE = 0.5  # EUR or person-months: rounding in spreadsheets


def wp_participants(wp: WorkPackage) -> set[str]:
    """Partner ids taking part in ``wp``: lead, task leads and participants, budget, effort."""
    ids = {wp.lead, *wp.budget, *wp.effort, *wp.costs}
    for task in wp.tasks:
        ids.update(task.participants)
        if task.lead:
            ids.add(task.lead)
    return ids


def _duplicates(items: list[str | None], path: tuple[str, ...], what: str,
                key: str = "id") -> Iterator[Finding]:
    counts = Counter(i for i in items if i is not None)
    seen: set[str] = set()
    for index, value in enumerate(items):
        if value is not None and counts[value] > 1:
            if value in seen:
                yield finding("consistency.duplicate-id", "error",
                              f"{what} id '{value}' is used {counts[value]} times; ids must be "
                              "unique", (*path, index, key))
            seen.add(value)


def unique_ids(ctx: RuleContext) -> Iterator[Finding]:
    """Partner, WP and task ids are unique."""
    p = ctx.proposal
    yield from _duplicates([x.id for x in p.partners], ("partners",), "partner")
    yield from _duplicates([x.id for x in p.work_packages], ("work_packages",), "work package")
    task_ids = Counter(t.id for wp in p.work_packages for t in wp.tasks)
    for w, wp in enumerate(p.work_packages):
        for t, task in enumerate(wp.tasks):
            if task.id and task_ids[task.id] > 1:
                yield finding("consistency.duplicate-id", "error",
                              f"task id '{task.id}' is used {task_ids[task.id]} times; ids must "
                              "be unique", ("work_packages", w, "tasks", t, "id"))


def _partner_refs(p: Proposal) -> Iterator[tuple[str, DataPath, str]]:
    """Every (partner id, path, what refers) in the file."""
    for i, x in enumerate(p.partners):
        if x.affiliated_to:
            yield x.affiliated_to, ("partners", i, "affiliated_to"), f"{x.id} affiliated_to"
    for i, s in enumerate(p.staff):
        yield s.partner, ("staff", i, "partner"), f"staff member {s.name}"
    for w, wp in enumerate(p.work_packages):
        base: DataPath = ("work_packages", w)
        yield wp.lead, (*base, "lead"), f"{wp.id} lead"
        for key in wp.budget:
            yield key, (*base, "budget", key), f"{wp.id} budget"
        for key in wp.effort:
            yield key, (*base, "effort", key), f"{wp.id} effort"
        for key in wp.costs:
            yield key, (*base, "costs", key), f"{wp.id} costs"
        for t, task in enumerate(wp.tasks):
            if task.lead:
                yield task.lead, (*base, "tasks", t, "lead"), f"task {task.id} lead"
            for n, pid in enumerate(task.participants):
                yield pid, (*base, "tasks", t, "participants", n), f"task {task.id} participant"
        for d, deliv in enumerate(wp.deliverables):
            if deliv.lead:
                yield deliv.lead, (*base, "deliverables", d, "lead"), f"{deliv.number} lead"
        for m, ms in enumerate(wp.milestones):
            if ms.lead:
                yield ms.lead, (*base, "milestones", m, "lead"), f"{ms.number} lead"
        for k, sub in enumerate(wp.subcontracts):
            if sub.partner:
                yield sub.partner, (*base, "subcontracts", k, "partner"), f"{sub.number} partner"
    for e, ev in enumerate(p.events):
        if ev.lead:
            yield ev.lead, ("events", e, "lead"), f"event '{ev.title}' lead"
    for n, prev in enumerate(p.previous_projects):
        yield prev.partner, ("previous_projects", n, "partner"), "previous project"
    if p.totals:
        for key in p.totals.partners:
            yield key, ("totals", "partners", key), "totals"
    for key in p.budget.rates:
        yield key, ("budget", "rates", key), "budget rates"


def references(ctx: RuleContext) -> Iterator[Finding]:
    """Every partner, WP and task reference resolves by explicit id."""
    p = ctx.proposal
    partner_ids = [x.id for x in p.partners]
    for pid, path, what in _partner_refs(p):
        if pid not in partner_ids:
            yield finding("consistency.unknown-partner", "error",
                          f"{what}: '{pid}' is not a partner id", path,
                          did_you_mean(pid, partner_ids))
    wp_ids = [wp.id for wp in p.work_packages]
    refs: list[tuple[str, DataPath]] = [
        (wp_id, ("risks", r, "work_packages", n))
        for r, risk in enumerate(p.risks) for n, wp_id in enumerate(risk.work_packages)]
    refs += [(ev.work_package, ("events", e, "work_package"))
             for e, ev in enumerate(p.events) if ev.work_package]
    for wp_id, path in refs:
        if wp_id not in wp_ids:
            yield finding("consistency.unknown-work-package", "error",
                          f"'{wp_id}' is not a work package id", path,
                          did_you_mean(wp_id, wp_ids))
    for w, wp in enumerate(p.work_packages):
        tasks = [t.id for t in wp.tasks if t.id]
        linked: tuple[tuple[str, Sequence[Deliverable | Subcontract]], ...] = (
            ("deliverables", wp.deliverables), ("subcontracts", wp.subcontracts))
        for kind, items in linked:
            for n, item in enumerate(items):
                if item.task and item.task not in tasks:
                    yield finding("consistency.unknown-task", "error",
                                  f"{item.number}: '{item.task}' is not a task of {wp.id}",
                                  ("work_packages", w, kind, n, "task"),
                                  did_you_mean(item.task, tasks))


def _span(what: str, start: int, end: int, path: DataPath, lo: int, hi: int,
          within: str) -> Iterator[Finding]:
    if start > end:
        yield finding("consistency.month-order", "error",
                      f"{what} starts in month {start} but ends in month {end}", (*path, "end"))
    elif start < lo or end > hi:
        yield finding("consistency.month-range", "error",
                      f"{what} runs from month {start} to {end}, outside {within} "
                      f"(months {lo} to {hi})", (*path, "start" if start < lo else "end"))


def months(ctx: RuleContext) -> Iterator[Finding]:
    """Everything lies within the project, its WP and (deliverables) its task."""
    p = ctx.proposal
    total = p.duration_months or 120
    project = f"the project's {p.duration_months} months" if p.duration_months else "the project"
    for w, wp in enumerate(p.work_packages):
        base: DataPath = ("work_packages", w)
        yield from _span(wp.id, wp.start, wp.end, base, 1, total, project)
        tasks = {}
        for t, task in enumerate(wp.tasks):
            start, end = task.start or wp.start, task.end or wp.end
            tasks[task.id] = (start, end)
            yield from _span(f"task {task.id}", start, end, (*base, "tasks", t), wp.start,
                             wp.end, wp.id)
        dated = [("deliverables", d, x.number, x.due, x.task)
                 for d, x in enumerate(wp.deliverables)]
        dated += [("milestones", m, x.number, x.due, None) for m, x in enumerate(wp.milestones)]
        for key, i, number, due, task_id in dated:
            lo, hi, within = wp.start, wp.end, wp.id
            if task_id in tasks:
                lo, hi = tasks[task_id]
                within = f"task {task_id}"
            if not lo <= due <= hi:
                yield finding("consistency.due-range", "error",
                              f"{number} is due in month {due}, outside {within} "
                              f"(months {lo} to {hi})", (*base, key, i, "due"))
    for e, ev in enumerate(p.events):
        if ev.month is not None and ev.month > total:
            yield finding("consistency.month-range", "error",
                          f"event '{ev.title}' in month {ev.month} is after the end of "
                          f"{project}", ("events", e, "month"))


def leads(ctx: RuleContext) -> Iterator[Finding]:
    """Tasks have a lead; deliverable leads take part in their WP; WP leads have effort."""
    for w, wp in enumerate(ctx.proposal.work_packages):
        base: DataPath = ("work_packages", w)
        for t, task in enumerate(wp.tasks):
            if not task.lead:
                yield finding("consistency.task-lead", "error",
                              f"task {task.id} has no lead; each task has exactly one lead "
                              "partner", (*base, "tasks", t))
        members = wp_participants(wp)
        for d, deliv in enumerate(wp.deliverables):
            if deliv.lead and deliv.lead not in members:
                yield finding("consistency.deliverable-lead", "error",
                              f"{deliv.number} is led by {deliv.lead}, who takes no part in "
                              f"{wp.id} (not its lead, a task participant, or a budget or "
                              "effort holder)", (*base, "deliverables", d, "lead"))
        if wp.effort and wp.effort.get(wp.lead, 0) <= 0:
            yield finding("consistency.lead-effort", "error",
                          f"{wp.lead} leads {wp.id} but has no effort in it", (*base, "effort"))


def _compare(code: str, what: str, declared: float | None, actual: float, path: DataPath,
             unit: str) -> Iterator[Finding]:
    if declared is not None and abs(declared - actual) > _TOLERANCE:
        yield finding(code, "error", f"{what}: the work packages add up to {actual:,.1f} {unit} "
                      f"but the declared total is {declared:,.1f} {unit}", path)


def totals(ctx: RuleContext) -> Iterator[Finding]:
    """Budget and effort per partner add up to the declared totals."""
    p = ctx.proposal
    if p.totals is None:
        return
    costs = compute_budget(p)
    by_partner = costs.by_partner()
    budget = costs.total_costs
    effort = costs.project.person_months + sum(
        pm for wp in p.work_packages for pid, pm in wp.effort.items()
        if costs.cell(wp.id, pid) is None)
    yield from _compare("consistency.budget-total", "estimated budget", p.totals.budget, budget,
                        ("totals", "budget"), "EUR")
    yield from _compare("consistency.effort-total", "effort", p.totals.effort, effort,
                        ("totals", "effort"), "person-months")
    for pid, declared in p.totals.partners.items():
        mine = by_partner.get(pid)
        got_b = mine.total if mine else 0.0
        got_e = (mine.person_months if mine else 0.0) + sum(
            wp.effort.get(pid, 0) for wp in p.work_packages if costs.cell(wp.id, pid) is None)
        path: DataPath = ("totals", "partners", pid)
        yield from _compare("consistency.budget-total", f"budget of {pid}", declared.budget,
                            got_b, path, "EUR")
        yield from _compare("consistency.effort-total", f"effort of {pid}", declared.effort,
                            got_e, path, "person-months")


def involvement(ctx: RuleContext) -> Iterator[Finding]:
    """Every beneficiary has a role or a budget somewhere."""
    p = ctx.proposal
    if not p.work_packages:
        return
    active = set().union(*(wp_participants(wp) for wp in p.work_packages))
    active.update(d.lead for _, d in p.deliverables() if d.lead)
    for i, partner in enumerate(p.partners):
        if partner.role in ("coordinator", "beneficiary", "affiliated") and \
                partner.id not in active:
            yield finding("consistency.partner-idle", "warning",
                          f"{partner.id} ({partner.name}) leads nothing, takes part in no task "
                          "and holds no budget or effort", ("partners", i))


def work_package_shape(ctx: RuleContext) -> Iterator[Finding]:
    """WPs have tasks and deliverables, no idle months between tasks, ids matching numbers."""
    for w, wp in enumerate(ctx.proposal.work_packages):
        base: DataPath = ("work_packages", w)
        if not wp.tasks:
            yield finding("consistency.wp-no-task", "warning", f"{wp.id} has no task", base)
        if not wp.deliverables:
            yield finding("consistency.wp-no-deliverable", "warning",
                          f"{wp.id} has no deliverable", base)
        if wp.id.upper().startswith("WP") and wp.id[2:].isdigit() and int(wp.id[2:]) != w + 1:
            yield finding("consistency.wp-number", "warning",
                          f"{wp.id} is work package number {w + 1} in the file: its "
                          f"deliverables are numbered D{w + 1}.x", (*base, "id"))
        if not wp.tasks:
            continue
        busy = {m for t in wp.tasks
                for m in range(t.start or wp.start, (t.end or wp.end) + 1)}
        idle = [m for m in range(wp.start, wp.end + 1) if m not in busy]
        if idle:
            yield finding("consistency.wp-idle", "warning",
                          f"{wp.id} has no task running in month(s) {_ranges(idle)}", base)


def _ranges(months_: list[int]) -> str:
    out: list[str] = []
    start = prev = months_[0]
    for m in [*months_[1:], None]:
        if m is not None and m == prev + 1:
            prev = m
            continue
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
        if m is not None:
            start = prev = m
    return ", ".join(out)


RULES = (unique_ids, references, months, leads, totals, involvement, work_package_shape)
