"""Coverage of the call's required activities: who covers them, when, at which EQF levels."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..activities import Activity, ActivityList, EqfSpans, Requirement
from ..calls import CallRules
from ..findings import Path as DataPath
from ..model import Deliverable, Proposal, WorkPackage
from .base import Gap, gap
from .evidence import Evidence

__all__ = ["ActivityResult", "review_activities", "review_requirements"]


@dataclass
class ActivityResult:
    """One required activity (or aim) and where the work plan delivers it."""

    slug: str
    title: str
    covered_by: list[str]
    findings: list[Gap] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``slug``, ``title``, ``covered_by``, ``findings``."""
        return {"slug": self.slug, "title": self.title, "covered_by": self.covered_by,
                "findings": [g.to_dict() for g in self.findings]}


def serving(p: Proposal, slugs: set[str]) -> list[tuple[int, int, WorkPackage, Deliverable]]:
    """Deliverables serving any of ``slugs``: their own ``covers``, else their task's or WP's."""
    out = []
    for w, wp in enumerate(p.work_packages):
        tasks = {t.id: t.covers for t in wp.tasks}
        for d, deliv in enumerate(wp.deliverables):
            declared = deliv.covers or (tasks.get(deliv.task) if deliv.task else None) \
                or wp.covers
            if slugs & set(declared):
                out.append((w, d, wp, deliv))
    return out


def _deadline(p: Proposal, call: CallRules, slug: str, act: Activity) -> Iterator[Gap]:
    if not act.due_by_figure:
        return
    figure = getattr(call.figures, act.due_by_figure, None)
    if figure is None:
        return
    limit = int(figure.value)
    found = serving(p, {slug})
    if not found:
        yield gap("activity-no-deliverable", "warning",
                  f"no deliverable serves '{slug}' ({act.title}); the call expects one by "
                  f"month {limit}", ("work_packages",), criterion="design", activity=slug)
        return
    severity = "warning" if figure.unverified else "error"
    note = " (month given by proposal-kit's reading, unverified)" if figure.unverified else ""
    if act.deadline == "first":
        w, d, _, first = min(found, key=lambda x: x[3].due)
        if first.due > limit:
            yield gap(act.late_code, severity,
                      f"the first deliverable of '{slug}' ({act.title}), {first.number} "
                      f"'{first.title}', is due in month {first.due}; the call wants it among "
                      f"the first deliverables, by month {limit}{note}",
                      ("work_packages", w, "deliverables", d, "due"), criterion="design",
                      activity=slug)
        return
    for w, d, _, deliv in found:
        if deliv.due > limit:
            yield gap(act.late_code, severity,
                      f"{deliv.number} '{deliv.title}' serves '{slug}' ({act.title}) but is "
                      f"due in month {deliv.due}, after month {limit}{note}",
                      ("work_packages", w, "deliverables", d, "due"), criterion="design",
                      activity=slug)


def _eqf(p: Proposal, eqf: EqfSpans) -> Iterator[Gap]:
    found = serving(p, set(eqf.activities)) if eqf.activities else [
        (w, d, wp, x) for w, wp in enumerate(p.work_packages)
        for d, x in enumerate(wp.deliverables)]
    levels = {lv for *_, deliv in found for lv in deliv.eqf_levels}
    if not levels:
        levels = {lv for _, deliv in p.deliverables() for lv in deliv.eqf_levels}
    spans = ", ".join(f"{lo}-{hi}" for lo, hi in eqf.spans)
    missing = [f"{lo}-{hi}" for lo, hi in eqf.spans if not levels & set(range(lo, hi + 1))]
    if not levels:
        message = (f"no curriculum or qualification deliverable declares `eqf_levels`; the "
                   f"qualifications should span EQF levels {spans}")
    elif missing:
        shown = ", ".join(str(x) for x in sorted(levels))
        message = (f"the qualifications reach EQF levels {shown} only: none at EQF "
                   f"{' or '.join(missing)} (the call asks for EQF {spans})")
    else:
        return
    slug = eqf.activities[0] if eqf.activities else None
    yield gap("eqf-span", eqf.severity, message, ("work_packages",),
              criterion=eqf.criterion, activity=slug,
              hint="list the levels of each curriculum with `eqf_levels: [...]`")


def review_activities(p: Proposal, call: CallRules, acts: ActivityList) -> list[ActivityResult]:
    """One result per activity, with its coverage, deadline and EQF findings."""
    results: dict[str, ActivityResult] = {}
    for group in acts.groups:
        for slug in group.activities:
            act = acts.activities[slug]
            results[slug] = ActivityResult(slug, act.title, p.covered_by(slug))
    any_covered = any(r.covered_by for r in results.values())
    for slug, result in results.items():
        act = acts.activities[slug]
        if not result.covered_by:
            if acts.rule == "all":
                result.findings.append(gap(
                    "activity-missing", "error",
                    f"no work package, task or deliverable covers the required activity "
                    f"'{slug}' ({act.title})", ("work_packages",), criterion="relevance",
                    activity=slug, hint=f"add '{slug}' to the `covers:` list of the WP, "
                    "task or deliverable that delivers it"))
            continue
        result.findings.extend(_deadline(p, call, slug, act))
    if acts.rule == "any" and not any_covered and results:
        first = next(iter(results.values()))
        first.findings.append(gap(
            "activity-missing", "warning", "no work package declares which aims of the action "
            "it serves", ("work_packages",), criterion="relevance", activity=first.slug,
            hint=f"add `covers:` with some of: {', '.join(results)}"))
    if acts.eqf is not None and p.work_packages:
        for item in _eqf(p, acts.eqf):
            target = results.get(item.activity or "")
            (target.findings if target else next(iter(results.values())).findings).append(item)
    return list(results.values())


def _section_path(evidence: Evidence, where: tuple[str, ...]) -> DataPath:
    sid = next((w for w in where if w in evidence.sections), None)
    return ("sections", sid) if sid and evidence.sections[sid].present else ("sections",)


def review_requirements(p: Proposal, acts: ActivityList, evidence: Evidence,
                        covered: set[str]) -> Iterator[tuple[Requirement, list[str], Gap | None]]:
    """Each thematic requirement, where its terms were found, and a gap if some are not."""
    for req in acts.requirements:
        if req.when and req.when not in covered:
            continue
        places: list[str] = []
        missing: list[str] = []
        for term in req.terms:
            found = evidence.find(re.compile(term, re.IGNORECASE), req.where)
            places += [x for x in found if x not in places]
            if not found:
                missing.append(term)
        item = None
        if missing:
            where = ", ".join(_where_label(evidence, w) for w in req.where) or "the draft"
            item = gap("requirement-missing", req.severity,
                       f"{req.title}: not found in {where}", _section_path(evidence, req.where),
                       criterion=req.criterion,
                       hint=f"looked for: {', '.join(_readable(m) for m in missing)}"
                       + (f"; source: {req.source}" if req.source else ""))
        yield req, places, item


def _where_label(evidence: Evidence, where: str) -> str:
    section = evidence.sections.get(where)
    return section.title if section else where.replace("_", " ")


def _readable(term: str) -> str:
    r"""A search pattern (proposal-kit's data, simple regexes) as a reader would write it.

    Word boundaries go, optional parts go in square brackets, alternatives inside a phrase
    are joined by a slash and those of the whole pattern by commas: ``\bCoVEs?\b|centres?
    of vocational excellence`` reads ``CoVE[s], centre[s] of vocational excellence``.
    """
    text = term.replace("\\b", "")
    text = re.sub(r"\[- \]\??", "-", text)
    text = re.sub(r"\(([^()]*?)( ?)\)\?",
                  lambda m: f"[{m.group(1).replace('|', '/')}]{m.group(2)}", text)
    text = re.sub(r"(\w)\?", r"[\1]", text)
    text = re.sub(r"\(([^()]*)\)", lambda m: f"({m.group(1).replace('|', '/')})", text)
    return ", ".join(part.strip() for part in text.split("|"))
