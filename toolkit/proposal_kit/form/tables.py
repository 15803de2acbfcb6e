"""The tables of Part B built from the view model, with the form's columns.

One builder per table id of the form description (and per table proposal-kit adds to an
answer). The own layout, the form filler and `review` all read what these return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from ..budget import UNCATEGORISED
from ..budget.views import ExactAmount, form_figures, group_figures, share
from ..derive import Draft
from ..model import Partner, Task, WorkPackage
from .cells import Cell, Grid, GridRow, Line, Row, Table, eur, number
from .description import FormDescription, TableSpec

__all__ = ["BUILDERS", "build_table", "build_timetable", "coordinator_contact",
           "lead_label", "partner_short", "read_coordinator_contact",
           "read_deliverable_description", "read_in_kind",
           "work_package_tables"]

NOT_APPLICABLE_LUMP_SUM = ("Not applicable: this is a lump sum grant. The person-months per "
                           "work package and participant are in the detailed budget table "
                           "(annex 1 to Part B).")


def partner_short(draft: Draft, pid: str | None) -> str:
    """A partner as tables show it: its short name (the id if it has none)."""
    if not pid:
        return ""
    partner = draft.proposal.partner(pid)
    return partner.label if partner else pid


def partner_number(draft: Draft, pid: str | None) -> int | None:
    """The participant number the form wants: the partner's position in the consortium."""
    for row in draft.partners:
        if row.partner.id == pid:
            return row.number
    return None


def lead_label(draft: Draft, pid: str | None) -> str:
    """``1-VUAS``: the form's "number-short name" of a lead beneficiary."""
    if not pid:
        return ""
    n = partner_number(draft, pid)
    return f"{n}-{partner_short(draft, pid)}" if n else partner_short(draft, pid)


def coordinator_contact(draft: Draft) -> str:
    """``Anna LARSEN, Vesterhav University``: the cover's coordinator contact."""
    coordinator = draft.proposal.coordinator
    if coordinator is None:
        return ""
    if coordinator.contact is None:
        return coordinator.name
    return f"{coordinator.contact.display}, {coordinator.name}"


def read_coordinator_contact(text: str) -> tuple[str, str, str] | None:
    """``(first name, family name, organisation)`` of a cover's coordinator contact.

    The inverse of :func:`coordinator_contact`: the family name is the words in capitals
    (``Anna LARSEN``), given back capitalised; without capitals, the last word. None when
    the text names no person (the organisation alone).
    """
    name, comma, organisation = " ".join(text.split()).partition(", ")
    words = name.split()
    if not comma or len(words) < 2:  # the organisation alone: no contact person given
        return None
    capitals = [w for w in words[1:] if w.isupper() and len(w) > 1]
    family = words[words.index(capitals[0], 1):] if capitals else words[-1:]
    first = words[:len(words) - len(family)]
    last = " ".join(w.capitalize() if w.isupper() else w for w in family)
    return " ".join(first), last, organisation.strip()


def _table(spec: TableSpec, rows: Iterable[Row], note: str | None = None,
           columns: tuple[tuple[str, str], ...] | None = None, info: bool = False) -> Table:
    """A form table captioned with the form's title; ``info``: the note states a fact."""
    cols = columns if columns is not None else tuple((c.id, c.heading) for c in spec.columns)
    return Table(spec.id, cols, tuple(rows), spec.title, note, "info" if info else "prompt")


def _wp_numbers(draft: Draft, ids: Iterable[str]) -> str:
    numbers = []
    for wp_id in ids:
        wp = draft.proposal.work_package(wp_id)
        numbers.append(str(wp.number) if wp else wp_id)
    return ", ".join(numbers)


# -- 2.1.3, 2.1.5 ----------------------------------------------------------------------------
def _staff(draft: Draft, spec: TableSpec) -> Table:
    rows = []
    for s in draft.proposal.staff:
        name = f"{s.name}, {s.function}" if s.function else s.name
        rows.append(Row({"name": Cell.of(name), "organisation": Cell.of(partner_short(
            draft, s.partner)), "role": Cell.of(s.role), "profile": Cell.of(s.profile)}))
    return _table(spec, rows, note="No staff listed yet: add them under 'staff:' in "
                  "project.yaml.")


def _risks(draft: Draft, spec: TableSpec) -> Table:
    rows = []
    for n, r in enumerate(draft.proposal.risks, start=1):
        rating = []
        if r.likelihood:
            rating.append(f"likelihood {r.likelihood}")
        if r.impact:
            rating.append(f"impact {r.impact}")
        text = r.description + (f" ({'; '.join(rating)})" if rating else "")
        rows.append(Row({"number": Cell.of(n), "description": Cell.of(text),
                         "work_packages": Cell.of(_wp_numbers(draft, r.work_packages)),
                         "mitigation": Cell.of(r.mitigation or "TO BE WRITTEN")}))
    return _table(spec, rows, note="No risks listed yet: add them under 'risks:' in "
                  "project.yaml (description, likelihood, impact, work packages, mitigation).")


# -- 4.2: one work package ---------------------------------------------------------------------
def _participants(draft: Draft, task: Task) -> Cell:
    """Task participants: the leader first and in bold, then the others by role.

    Roles come in the form's order (COO, BEN, AE, AP, OTHER), one line per role, each
    line's role beside it.
    """
    ids = [pid for pid in dict.fromkeys(task.participants) if pid != task.lead]
    lines = []
    if task.lead:
        lead = draft.proposal.partner(task.lead)
        lines.append(Line(partner_short(draft, task.lead), bold=True,
                          aside=lead.form_role if lead else None))
    by_role: dict[str, list[str]] = {}
    for pid in ids:
        partner: Partner | None = draft.proposal.partner(pid)
        by_role.setdefault(partner.form_role if partner else "", []).append(
            partner_short(draft, pid))
    by_role.setdefault("OTHER", []).extend(o.name for o in task.others)
    for role in ("COO", "BEN", "AE", "AP", "OTHER", ""):
        if by_role.get(role):
            lines.append(Line(", ".join(by_role[role]), aside=role or None))
    return Cell(tuple(lines))


_IN_KIND, _SUBCONTRACTING, _NONE = "In-kind: ", "Subcontracting: ", "No"


def _in_kind(wp: WorkPackage, task: Task) -> Cell:
    parts = []
    if task.in_kind:
        parts.append(f"{_IN_KIND}{task.in_kind}")
    subcontracts = [s for s in wp.subcontracts if s.task and s.task == task.id]
    parts += [f"{_SUBCONTRACTING}{s.number} {s.title}" for s in subcontracts]
    return Cell.lines_of(parts) if parts else Cell.of(_NONE)


def read_in_kind(cell: str) -> str | None:
    """A task's in-kind contributions read from its cell.

    Subcontracts are not: they have a table of their own. Text typed without the
    ``In-kind:`` label counts too.
    """
    lines = [" ".join(line.split()) for line in cell.split("\n")]
    found = [line[len(_IN_KIND):] for line in lines if line.startswith(_IN_KIND)]
    if not found:
        found = [line for line in lines if line and not line.startswith(_SUBCONTRACTING)
                 and line.rstrip(".").lower() not in ("no", "none", "n/a", "-")]
    return " ".join(found).strip() or None


_FORMAT = "Format: "
_LANGUAGE = "in "


def _deliverable_description(description: str | None, fmt: str | None,
                             language: str | None) -> str:
    text = " ".join((description or "").split())
    extra = ", ".join(x for x in (fmt, f"{_LANGUAGE}{language}" if language else None) if x)
    if extra:
        text = f"{text} {_FORMAT}{extra}." if text else f"{_FORMAT}{extra}."
    return text


def read_deliverable_description(cell: str) -> tuple[str | None, str | None, str | None]:
    """``(description, format, language)`` of a deliverable's description cell.

    The inverse of how the table writes them (``… Format: PDF report, in English.``); a
    cell without a format is all description.
    """
    text = " ".join(cell.split())
    head, found, extra = text.rpartition(_FORMAT)
    if not found or not extra.endswith(".") or (head and not head.endswith(" ")):
        return text or None, None, None
    extra = extra[:-1]
    fmt: str | None = extra
    language = None
    if extra.startswith(_LANGUAGE):
        fmt, language = None, extra[len(_LANGUAGE):]
    elif f", {_LANGUAGE}" in extra:
        fmt, language = extra.rsplit(f", {_LANGUAGE}", 1)
    return head.strip() or None, fmt or None, language or None


def work_package_tables(draft: Draft, spec: TableSpec, wp: WorkPackage) -> dict[str, Table]:
    """One work package's table in parts: header, objectives, tasks, milestones, deliverables."""
    parts = spec.parts
    header = Table("work_package.header", tuple((c.id, c.heading) for c in
                                                parts["header"].columns),
                   (Row({"duration": Cell.of(f"M{wp.start} - M{wp.end}"),
                         "lead": Cell.of(lead_label(draft, wp.lead))}),),
                   caption=spec.title.format(n=wp.number) + " " + wp.title)
    objectives = Table("work_package.objectives", (("objective", "Objectives"),),
                       tuple(Row({"objective": Cell.of(o)}) for o in wp.objectives),
                       note="No objectives yet: list them under 'objectives:' of the work "
                       "package.")
    tasks = Table("work_package.tasks", tuple((c.id, c.heading) for c in
                                              parts["tasks"].columns),
                  tuple(Row({"number": Cell.of(t.id), "name": Cell.of(t.title),
                             "description": Cell.of(t.description),
                             "participants": _participants(draft, t),
                             "in_kind": _in_kind(wp, t)}, label=t.id) for t in wp.tasks),
                  note="No tasks yet: list them under 'tasks:' of the work package.")
    milestones = Table("work_package.milestones", tuple((c.id, c.heading) for c in
                                                        parts["milestones"].columns),
                       tuple(Row({"number": Cell.of(m.number), "name": Cell.of(m.title),
                                  "wp": Cell.of(wp.number),
                                  "lead": Cell.of(partner_short(draft, m.lead)),
                                  "description": Cell.of(m.description),
                                  "due": Cell.of(m.due),
                                  "verification": Cell.of(m.verification)}, label=m.number)
                             for m in wp.milestones))
    deliverables = Table("work_package.deliverables", tuple((c.id, c.heading) for c in
                                                            parts["deliverables"].columns),
                         tuple(Row({"number": Cell.of(d.number), "name": Cell.of(d.title),
                                    "wp": Cell.of(wp.number),
                                    "lead": Cell.of(partner_short(draft, d.lead)),
                                    "type": Cell.of(d.type), "dissemination":
                                    Cell.of(d.dissemination), "due": Cell.of(d.due),
                                    "description": Cell.of(_deliverable_description(
                                        d.description, d.format, d.language))},
                                   label=d.number)
                               for d in wp.deliverables))
    return {"header": header, "objectives": objectives, "tasks": tasks,
            "milestones": milestones, "deliverables": deliverables}


def _figure(value: float | None, unit: str | None) -> str:
    """A figure of a budget table: whole euros, or a count; nothing for zero."""
    if not value:
        return ""
    return eur(value) if unit == "EUR" else number(value)


def _wp_budget(draft: Draft, spec: TableSpec, wp: WorkPackage) -> Table:
    """One WP's "Estimated budget — Resources": per participant, the form's columns.

    Figures come from the computed budget (``draft.costs``): each category's amount in its
    ``form`` column, units and persons in its ``counts`` columns, E and the total. A
    partner given a single figure shows its total, and the table says what is missing.
    """
    book = draft.costs.catalogue
    units = {c.id: c.unit for c in spec.columns}
    cells = draft.costs.cells_of_wp(wp.id)
    rows = []
    sums: dict[str, float] = {}
    for cell in cells:
        figures = form_figures(cell, book)
        for column, value in figures.items():
            sums[column] = sums.get(column, 0.0) + value
        values = {cid: Cell.of(_figure(figures.get(cid), units[cid]), align="right")
                  for cid in units if cid != "participant"}
        rows.append(Row({"participant": Cell.of(partner_short(draft, cell.partner)),
                         **values}))
    if rows:
        rows.append(Row({"participant": Cell.of("Total", bold=True),
                         **{cid: Cell.of(_figure(round(sums.get(cid, 0.0), 2), units[cid]),
                                         bold=True, align="right")
                            for cid in units if cid != "participant"}}, kind="total"))
    legacy = [partner_short(draft, c.partner) for c in cells if not c.detailed]
    remark = None
    if legacy:
        remark = (f"Costs by category still missing for {', '.join(legacy)}: "
                  f"{'it gives' if len(legacy) == 1 else 'they give'} a single figure, shown "
                  f"as the total. Write the costs of {wp.id} under `costs:` in project.yaml "
                  "(staff person-months, travel, subcontracting...).")
    columns = tuple((c.id, f"{c.heading} ({c.unit})" if c.unit else c.heading)
                    for c in spec.columns)
    groups: list[tuple[str, int]] = []
    for c in spec.columns:
        if groups and groups[-1][0] == c.heading:
            groups[-1] = (c.heading, groups[-1][1] + 1)
        else:
            groups.append((c.heading, 1))
    table = _table(spec, rows, columns=columns, note="No budget for this work package yet.")
    return replace(table, remark=remark, header_groups=tuple(groups),
                   subheadings=tuple(c.unit or "" for c in spec.columns))


# -- 4.2: the tables after the work packages ---------------------------------------------------
def _staff_effort_wp(draft: Draft, spec: TableSpec) -> Table:
    if not spec.applies_to(draft.months, draft.call.lump_sum):
        return _table(spec, (), note=NOT_APPLICABLE_LUMP_SUM, info=True)
    p = draft.proposal
    rows = [Row({"wp": Cell.of(wp.number), "title": Cell.of(wp.title),
                 "lead_number": Cell.of(partner_number(draft, wp.lead)),
                 "lead": Cell.of(partner_short(draft, wp.lead)), "start": Cell.of(wp.start),
                 "end": Cell.of(wp.end), "effort": Cell.of(number(sum(wp.effort.values())))})
            for wp in p.work_packages]
    return _table(spec, rows)


def _staff_effort_participant(draft: Draft, spec: TableSpec) -> Table:
    if not spec.applies_to(draft.months, draft.call.lump_sum):
        return _table(spec, (), note=NOT_APPLICABLE_LUMP_SUM, info=True,
                      columns=(("participant", "Participant"), ("total", "Total Person-Months")))
    wps = draft.proposal.work_packages
    columns = (("participant", "Participant"), *((wp.id, f"WP{wp.number}") for wp in wps),
               ("total", "Total Person-Months"))
    rows = []
    for pid, values, total in draft.effort.rows:
        cells = {"participant": Cell.of(partner_short(draft, pid)),
                 "total": Cell.of(number(total))}
        cells.update({wp.id: Cell.of(number(v)) for wp, v in zip(wps, values, strict=True)})
        rows.append(Row(cells))
    return _table(spec, rows, columns=columns)


def _subcontracting(draft: Draft, spec: TableSpec) -> Table:
    rows = []
    for wp, s in draft.proposal.subcontracts():
        linked = ", ".join(x for x in (s.task, partner_short(draft, s.partner)) if x)
        description = " ".join(x for x in (s.description or "",
                                           f"({linked})" if linked else "") if x)
        rows.append(Row({"wp": Cell.of(wp.number), "number": Cell.of(s.number),
                         "name": Cell.of(s.title), "description": Cell.of(description),
                         "cost": Cell.of(eur(s.cost), align="right"),
                         "justification": Cell.of(s.justification),
                         "value_for_money": Cell.of(s.value_for_money)}, label=s.number))
    return _table(spec, rows, note="No subcontracting is foreseen.", info=True)


def _events(draft: Draft, spec: TableSpec) -> Table:
    rows = []
    for e in draft.proposal.events:
        rows.append(Row({"number": Cell.of(e.number),
                         "participant": Cell.of(partner_short(draft, e.lead)),
                         "name": Cell.of(e.title), "type": Cell.of(e.type),
                         "area": Cell.of(e.area or e.description),
                         "location": Cell.of(e.location),
                         "duration": Cell.of(number(e.duration_days)),
                         "attendees": Cell.of(e.attendees)}, label=e.number))
    return _table(spec, rows, note="No events, meetings or mobility yet: add them under "
                  "'events:' in project.yaml.")


# -- 6 and the annex -----------------------------------------------------------------------------
def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("YES" if value else "NO")


def _double_funding(draft: Draft, spec: TableSpec) -> Table:
    d = draft.proposal.declarations
    rows = [Row({"statement": Cell.of("No other EU grant for the project or any part of it"),
                 "answer": Cell.of(_yes_no(d.no_other_eu_grant))}, label="other_eu_grants"),
            Row({"statement": Cell.of("Not submitted, nor to be submitted, for another EU "
                                      "grant"),
                 "answer": Cell.of(_yes_no(d.no_other_submission))}, label="other_submissions")]
    if d.details:
        rows.append(Row({"statement": Cell.of(d.details)}, kind="note"))
    return _table(spec, rows)


def _seal(draft: Draft, spec: TableSpec) -> Table:
    answer = _yes_no(draft.proposal.declarations.seal_of_excellence)
    return _table(spec, [Row({"question": Cell.of("Share the proposal with other EU and "
                                                  "national funding bodies"),
                              "answer": Cell.of(answer)})])


def _previous_projects(draft: Draft, spec: TableSpec) -> Table:
    rows = []
    for x in draft.proposal.previous_projects:
        project = ", ".join(v for v in (x.reference, x.title, x.programme) if v)
        rows.append(Row({"participant": Cell.of(partner_short(draft, x.partner)),
                         "project": Cell.of(project), "period": Cell.of(x.period),
                         "role": Cell.of(x.form_role), "amount": Cell.of(eur(x.amount),
                                                                         align="right"),
                         "website": Cell.of(x.website)}))
    return _table(spec, rows, note="No previous projects listed (add them under "
                  "'previous_projects:' in project.yaml).", info=True)


# -- tables proposal-kit adds to an answer ------------------------------------------------------
def _objectives(draft: Draft) -> Table:
    rows = []
    for o in draft.proposal.objectives:
        label = f"{o.id} {o.text}" if o.id else o.text
        for n, i in enumerate(o.indicators or [None]):
            rows.append(Row({"objective": Cell.of(label if n == 0 else ""),
                             "indicator": Cell.of(i.name if i else "TO BE DEFINED"),
                             "baseline": Cell.of(i.baseline if i else ""),
                             "target": Cell.of(i.target if i else "")}))
    return Table("objectives", (("objective", "Specific objective"), ("indicator", "Indicator"),
                                ("baseline", "Baseline"), ("target", "Target")), tuple(rows),
                 caption="Specific objectives and indicators")


def _activities(draft: Draft) -> Table:
    all_required = draft.activities.rule == "all"
    phased = any(c.phase for c in draft.coverage)
    columns = [("activity", "Required activity" if all_required else "Aim")]
    if phased:
        columns.append(("timing", "Timing"))
    columns.append(("items", "Delivered by"))
    rows = [Row({"activity": Cell.of(c.title), "timing": Cell.of(draft.phase_timing(c.phase)),
                 "items": Cell.of(", ".join(c.items) if c.items else "not yet covered")})
            for c in draft.coverage]
    caption = ("Required activities of the call and where the work plan delivers them"
               if all_required else "Aims of the action and where the work plan serves them")
    return Table("activities", tuple(columns), tuple(rows), caption=caption)


def _percent(value: float) -> str:
    return f"{value:.1f} %"


def _budget_summary(draft: Draft) -> Table:
    """The costs by work package and group of the annex (A Personnel ... E Indirect costs).

    A row of shares gives each group's part of the total; the EU grant requested follows
    the table. Drawn with the widths its figures need (a grouped table of single headings).
    """
    costs = draft.costs
    book = costs.catalogue
    total = costs.total_costs
    caption = "Estimated costs by work package and category (EUR)"
    if not costs.cells or not total:
        return Table("budget_summary", (), (), caption=caption,
                     note="No budget yet: give each work package its costs in project.yaml.")
    project = group_figures(costs.project, book)
    groups = [(gid, f"{gid}. {label}") for gid, label in book.groups.items()]
    if project.get(UNCATEGORISED):
        groups.append((UNCATEGORISED, "Not yet by category"))
    columns = (("wp", "WP"), *groups, ("total", "Total"), ("share", "Share"))
    by_wp = costs.by_work_package()
    rows = []
    for wp in draft.proposal.work_packages:
        figures = group_figures(by_wp[wp.id], book)
        rows.append(Row({"wp": Cell.of(f"WP{wp.number}"),
                         **{gid: Cell.of(_figure(figures.get(gid), "EUR"), align="right")
                            for gid, _ in groups},
                         "total": Cell.of(eur(by_wp[wp.id].total), align="right"),
                         "share": Cell.of(_percent(share(by_wp[wp.id].total, total)),
                                          align="right")}))
    rows.append(Row({"wp": Cell.of("Total", bold=True),
                     **{gid: Cell.of(_figure(project.get(gid), "EUR"), bold=True,
                                     align="right") for gid, _ in groups},
                     "total": Cell.of(eur(total), bold=True, align="right"),
                     "share": Cell.of(_percent(100), bold=True, align="right")},
                    kind="total"))
    rows.append(Row({"wp": Cell.of("Share", bold=True),
                     **{gid: Cell.of(_percent(share(project.get(gid, 0.0), total)),
                                     bold=True, align="right") for gid, _ in groups}},
                    kind="total"))
    rate = draft.call.figures.funding_rate.value
    cap = f"; the call's maximum is EUR {eur(costs.max_grant)}" if costs.max_grant else ""
    capped = ", lowered to the call's maximum" if costs.cap_binds else ""
    grant = Cell((Line(f"EU grant requested: EUR {ExactAmount(costs.requested_grant)}",
                       bold=True),
                  Line(f"{rate * 100:.0f} % of the total costs of EUR {ExactAmount(total)}"
                       f"{capped}{cap}.")))
    return Table("budget_summary", columns, tuple(rows), caption=caption, footnote=grant,
                 header_groups=tuple((heading, 1) for _, heading in columns),
                 subheadings=("",) * len(columns))


def _partners(draft: Draft) -> Table:
    rows = [Row({"number": Cell.of(r.number), "name": Cell.of(r.partner.name),
                 "short": Cell.of(r.partner.short_name), "country": Cell.of(r.country_name),
                 "type": Cell.of(r.type_label), "role": Cell.of(r.role_label)})
            for r in draft.partners]
    return Table("partners", (("number", "No"), ("name", "Organisation"),
                              ("short", "Short name"), ("country", "Country"),
                              ("type", "Type"), ("role", "Role")), tuple(rows),
                 caption="Partners of the consortium")


# -- the timetable ---------------------------------------------------------------------------------
def _add_months(start: date, months: int) -> tuple[int, int]:
    """(year, month) of ``start`` plus ``months`` months."""
    total = start.year * 12 + start.month - 1 + months
    return total // 12, total % 12 + 1


def build_timetable(draft: Draft, spec: TableSpec) -> Grid:
    """The timetable as the form asks: month columns up to 24 months, quarters beyond.

    With a start date, quarters are calendar quarters (the form: "use actual calendar years
    and quarters"); without one, project quarters of project years.
    """
    months = max(draft.months, 1)
    start = draft.proposal.start_date
    if spec.grid == "months":
        columns = tuple(f"M{m}" for m in range(1, months + 1))
        groups: tuple[tuple[str, int], ...] = ()

        def column_of(month: int) -> int:
            return month - 1
    else:
        if start is not None:
            def quarter(month: int) -> tuple[int, int]:
                year, mon = _add_months(start, month - 1)
                return year, (mon - 1) // 3
        else:
            def quarter(month: int) -> tuple[int, int]:
                return (month - 1) // 12 + 1, ((month - 1) % 12) // 3
        quarters = list(dict.fromkeys(quarter(m) for m in range(1, months + 1)))
        index = {q: i for i, q in enumerate(quarters)}
        columns = tuple(f"Q{q + 1}" for _, q in quarters)
        years = list(dict.fromkeys(y for y, _ in quarters))
        groups = tuple((str(y) if start is not None else f"YEAR {y}",
                        sum(1 for yy, _ in quarters if yy == y)) for y in years)

        def column_of(month: int) -> int:
            return index[quarter(month)]

    def shade(first: int, last: int) -> frozenset[int]:
        first, last = max(1, first), min(months, last)
        return frozenset(column_of(m) for m in range(first, last + 1)) if first <= last \
            else frozenset()

    rows = []
    for wp in draft.proposal.work_packages:
        rows.append(GridRow(f"WP{wp.number} - {wp.title}", "wp", shade(wp.start, wp.end)))
        for t in wp.tasks:
            label = f"Task {t.id.lstrip('T') if t.id else ''} - {t.title}"
            rows.append(GridRow(label, "task", shade(t.start or wp.start, t.end or wp.end)))
    phases = tuple((label, first, last) for label, first, last in draft.phases)
    phase_rows = tuple(GridRow(label, "phase", shade(first, last))
                       for label, first, last in phases)
    return Grid(spec.grid or "months", groups, columns, phase_rows + tuple(rows), phases)


# -- the registry ----------------------------------------------------------------------------------
Builder = Callable[[Draft, TableSpec], Table]

#: Builders of the form's own tables (outside the work package block), by table id.
BUILDERS: dict[str, Builder] = {
    "staff": _staff, "risks": _risks, "staff_effort_wp": _staff_effort_wp,
    "staff_effort_participant": _staff_effort_participant, "subcontracting": _subcontracting,
    "events": _events, "double_funding": _double_funding, "seal_of_excellence": _seal,
    "previous_projects": _previous_projects,
}
#: Tables proposal-kit adds inside answers, by id.
EXTRA: dict[str, Callable[[Draft], Table]] = {
    "objectives": _objectives, "activities": _activities, "partners": _partners,
    "budget_summary": _budget_summary}


def build_table(draft: Draft, form: FormDescription, table_id: str,
                wp: WorkPackage | None = None) -> Table:
    """The table ``table_id`` (for ``wp`` when it is per work package)."""
    if table_id in EXTRA:
        return EXTRA[table_id](draft)
    spec = form.tables[table_id]
    if table_id == "wp_budget":
        if wp is None:
            raise ValueError("wp_budget needs a work package")
        return _wp_budget(draft, spec, wp)
    return BUILDERS[table_id](draft, spec)
