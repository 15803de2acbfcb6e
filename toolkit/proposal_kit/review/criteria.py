"""Award-criteria self-assessment: what evaluators read for each criterion, and the gaps."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..model import Proposal
from .base import CriteriaData, Criterion, Gap, ReviewSettings, gap
from .evidence import Evidence, SectionText

__all__ = ["CriterionResult", "proposal_gaps", "section_gaps", "section_summary"]


@dataclass
class CriterionResult:
    """One award criterion: its sections, the evidence they hold and the gaps."""

    criterion: Criterion
    pass_points: float
    sections: list[SectionText]
    evidence: dict[str, int]
    findings: list[Gap] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``name``, ``max_points``, ``sections``, ``findings`` and more."""
        return {"id": self.criterion.id, "name": self.criterion.name,
                "max_points": self.criterion.max_points, "pass_points": self.pass_points,
                "reads_for": list(self.criterion.reads_for),
                "sections": [section_summary(s) for s in self.sections],
                "evidence": self.evidence,
                "findings": [g.to_dict() for g in self.findings]}


def section_summary(s: SectionText) -> dict[str, Any]:
    """JSON form of a section: number, heading, words against the budget, tables."""
    return {"id": s.id, "number": s.number, "heading": s.heading, "present": s.present,
            "words": s.words, "table_words": s.table_words, "budget_words": s.budget_words,
            "tables": list(s.tables), "status": status(s)}


def status(s: SectionText, thin_ratio: float = 0.4) -> str:
    """``missing``, ``thin`` or ``ok``."""
    if not s.present:
        return "missing"
    if s.budget_words and s.total_words < thin_ratio * s.budget_words:
        return "thin"
    return "ok"


def evidence_counts(p: Proposal, cid: str) -> dict[str, int]:
    """Counts of the items evaluators look for under criterion ``cid``."""
    indicators = [i for o in p.objectives for i in o.indicators]
    measurable = sum(1 for i in indicators if i.baseline and i.target)
    wps = p.work_packages
    table: dict[str, dict[str, int]] = {
        "relevance": {"objectives": len(p.objectives), "indicators": len(indicators),
                      "indicators with baseline and target": measurable},
        "design": {"work packages": len(wps), "tasks": sum(len(w.tasks) for w in wps),
                   "deliverables": len(p.deliverables()), "milestones": len(p.milestones()),
                   "risks": len(p.risks),
                   "risks with mitigation": sum(1 for r in p.risks if r.mitigation)},
        "partnership": {"full partners": len(p.full_partners), "partners": len(p.partners),
                        "countries": len({x.country for x in p.full_partners}),
                        "staff": len(p.staff)},
        "impact": {"indicators with baseline and target": measurable,
                   "public deliverables": sum(1 for _, d in p.deliverables()
                                              if d.dissemination == "PU"),
                   "dissemination deliverables": sum(1 for _, d in p.deliverables()
                                                     if d.type == "DEC"),
                   "events": len(p.events)},
    }
    return table.get(cid, {})


def section_gaps(evidence: Evidence, data: CriteriaData) -> Iterator[Gap]:
    """Missing and thin sections, and placeholders left in the text."""
    settings = data.review
    for s in evidence.sections.values():
        weakens = f" (weakens {data.label(s.criterion)})" if s.criterion else ""
        path = ("sections", s.id) if s.id in evidence.sections and s.raw else ("sections",)
        state = status(s, settings.thin_ratio)
        if state == "missing" and not s.optional:
            yield gap("section-missing", "warning",
                      f"{s.title} has no text: the draft shows the template's prompt{weakens}",
                      path, criterion=s.criterion,
                      hint=f"write it under `sections: {s.id}:`, about {_pages(s.pages)}"
                      if s.pages else f"write it under `sections: {s.id}:`")
        elif state == "thin" and s.criterion:
            room = f" ({_pages(s.pages)})" if s.pages else ""
            yield gap("section-thin", "warning",
                      f"{s.title} is thin: {s.total_words} words against a budget of about "
                      f"{s.budget_words}{room}{weakens}", path, criterion=s.criterion)
        yield from _placeholders(s, settings, data, path)


def _pages(pages: float) -> str:
    return f"{pages:g} page{'' if pages == 1 else 's'}"


def _placeholders(s: SectionText, settings: ReviewSettings, data: CriteriaData,
                  path: tuple[str, ...]) -> Iterator[Gap]:
    if not s.present:
        return
    weakens = f" (weakens {data.label(s.criterion)})" if s.criterion else ""
    patterns = [re.compile(x) for x in settings.placeholders]
    seen: set[str] = set()
    for number, line in enumerate(s.raw.splitlines(), start=1):
        for pattern in patterns:
            match = pattern.search(line)
            if match:
                seen.add(match.group(0))
                yield gap("placeholder", "warning",
                          f"{s.title}, line {number} of its text: placeholder "
                          f"'{match.group(0)}' left in the draft{weakens}", path,
                          criterion=s.criterion)
                break
    for pattern in patterns:
        match = pattern.search(s.text)
        if match and match.group(0) not in seen:
            yield gap("placeholder", "warning",
                      f"{s.title}: an included text leaves placeholder '{match.group(0)}'"
                      f"{weakens}", path, criterion=s.criterion)


def _prompt_gaps(evidence: Evidence, prompts: dict[str, str], data: CriteriaData) \
        -> Iterator[Gap]:
    for sid, prompt in prompts.items():
        s = evidence.sections.get(sid)
        if s is None or not s.present:
            continue
        flat = " ".join(s.text.split())
        if " ".join(prompt.split())[:60] in flat:
            yield gap("placeholder", "warning",
                      f"{s.title} still contains the template's prompt (weakens "
                      f"{data.label(s.criterion)})", ("sections", sid), criterion=s.criterion)


def proposal_gaps(p: Proposal, evidence: Evidence, data: CriteriaData,
                  prompts: dict[str, str]) -> Iterator[Gap]:
    """Gaps found in the structured data (objectives, risks, WPs, partners, budget)."""
    yield from _prompt_gaps(evidence, prompts, data)
    yield from _objectives(p)
    for r, risk in enumerate(p.risks):
        if not risk.mitigation:
            yield gap("risk-mitigation", "warning",
                      f"risk {r + 1} has no mitigation measure", ("risks", r),
                      criterion="design")
    if p.work_packages and not p.risks:
        yield gap("risk-mitigation", "warning", "no risks listed: section 2.1.5 shows an "
                  "empty risk table", ("risks",), criterion="design")
    yield from _work_packages(p)


def _objectives(p: Proposal) -> Iterator[Gap]:
    if p.work_packages and not p.objectives:
        yield gap("objective-indicators", "warning", "no specific objectives with indicators "
                  "(section 1.2)", ("objectives",), criterion="relevance")
    for o, obj in enumerate(p.objectives):
        name = obj.id or f"objective {o + 1}"
        if not obj.indicators:
            yield gap("objective-indicators", "warning",
                      f"{name} has no indicator (with a baseline and a target)",
                      ("objectives", o), criterion="relevance")
        for i, ind in enumerate(obj.indicators):
            absent = [k for k in ("baseline", "target") if not getattr(ind, k)]
            if absent:
                yield gap("objective-indicators", "warning",
                          f"{name}, indicator '{ind.name}' has no {' and no '.join(absent)}",
                          ("objectives", o, "indicators", i), criterion="relevance")


def _work_packages(p: Proposal) -> Iterator[Gap]:
    wps = p.work_packages
    for w, wp in enumerate(wps):
        if not wp.deliverables:
            yield gap("wp-no-deliverable", "warning", f"{wp.id} '{wp.title}' has no "
                      "deliverable", ("work_packages", w), criterion="design")
    if not wps:
        return
    working = {x for wp in wps for t in wp.tasks for x in (t.lead, *t.participants) if x}
    if any(wp.tasks for wp in wps):
        for n, partner in enumerate(p.partners):
            if partner.role != "associated" and partner.id not in working:
                yield gap("beneficiary-no-task", "warning",
                          f"{partner.id} ({partner.label}) leads or takes part in no task",
                          ("partners", n), criterion="partnership")
