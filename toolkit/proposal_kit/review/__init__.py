"""`review`: map a proposal onto what the call requires and what evaluators read for.

Eligible is not fundable: the review reports, per required activity of the call, which work
packages, tasks and deliverables deliver it (and when, and at which EQF levels), and per
award criterion, which Part B sections evaluators read, what they hold and the gaps. It
never invents scores.
"""

from __future__ import annotations

from pathlib import Path

from ..activities import activities_for
from ..calls import load_call
from ..errors import UsageError
from ..findings import Finding, Severity
from ..form import form_for_call
from ..project import Project, load_project_or_findings
from .activities import review_activities, review_requirements
from .base import Gap, criteria_data
from .budget import budget_gaps
from .criteria import CriterionResult, evidence_counts, proposal_gaps, section_gaps
from .evidence import collect
from .guidance import guidance_gaps
from .report import RequirementResult, ReviewReport

__all__ = ["ReviewReport", "review_file", "review_project"]


def _placed(project: Project, item: Gap) -> Gap:
    line, column = project.document.locate(item.finding.path)
    return Gap(item.finding.with_location(line, column), item.criterion, item.activity)


def _ordered(gaps: list[Gap]) -> list[Gap]:
    return sorted(gaps, key=lambda g: g.finding.severity.rank)


def review_file(file: Path | str) -> ReviewReport:
    """Review ``file``; a missing file raises :class:`UsageError`, a bad one gives findings."""
    project = load_project_or_findings(file)
    if isinstance(project, list):
        return ReviewReport(Path(file), None, [], [], [], [Gap(f) for f in project],
                            valid=False)
    return review_project(project)


def review_project(project: Project) -> ReviewReport:
    """Review a loaded project."""
    p = project.proposal
    problems = [Gap(f) for f in project.problems]
    try:
        call = load_call(p.call)
    except UsageError as exc:
        line, column = project.document.locate(("call",))
        unknown = Finding("schema.unknown-call", Severity.ERROR, exc.message, ("call",),
                          line, column, "schema", exc.hint)
        return ReviewReport(project.file, None, [], [], [], [*problems, Gap(unknown)],
                            valid=False)
    data = criteria_data()
    acts = activities_for(call.activities)
    evidence = collect(project, call, data.review, call.figures.page_limit.value)
    activities = review_activities(p, call, acts)
    for result in activities:
        result.findings = _ordered([_placed(project, g) for g in result.findings])
    covered = {a.slug for a in activities if a.covered_by}
    requirements: list[RequirementResult] = []
    gaps: list[Gap] = []
    for req, places, item in review_requirements(p, acts, evidence, covered):
        requirements.append(RequirementResult(req.id, req.title, req.criterion, places))
        if item is not None:
            gaps.append(item)
    gaps += section_gaps(evidence, data)
    prompts = {b.id: b.prompt for b in form_for_call(call).boxes()
               if b.prompt and b.answer != "fixed" and not b.default}
    gaps += proposal_gaps(p, evidence, data, prompts)
    gaps += guidance_gaps(p, evidence, data.review.form_guidance)
    gaps += budget_gaps(p, call, data.review)
    for sid, message in evidence.render_errors:
        gaps.append(Gap(Finding("review.render-error", Severity.WARNING, message,
                                ("sections", sid) if sid else ("sections",), category="review")))
    gaps = [_placed(project, g) for g in gaps]
    criteria = []
    for criterion in data.criteria:
        sections = [s for s in evidence.sections.values() if s.criterion == criterion.id]
        criteria.append(CriterionResult(
            criterion, criterion.max_points * data.criterion_threshold, sections,
            evidence_counts(p, criterion.id),
            _ordered([g for g in gaps if g.criterion == criterion.id])))
    everything = problems + [g for a in activities for g in a.findings] + gaps
    return ReviewReport(project.file, call, activities, criteria, requirements,
                        _ordered(everything), valid=True, data=data)
