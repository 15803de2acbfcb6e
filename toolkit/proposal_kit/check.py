"""`check`: validate a project file and apply the call's rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .budget import one_budget_per_project
from .calls import load_call, reference_data
from .errors import ProposalKitError, UsageError
from .findings import Finding, Severity, summarise
from .project import Project, ProjectFileError, load_project
from .rules import RuleContext, finding, run_rules

__all__ = ["CheckReport", "check_file", "check_project"]


@dataclass
class CheckReport:
    """The outcome of checking one file."""

    file: Path
    eligible: bool | None
    findings: list[Finding]

    @property
    def summary(self) -> dict[str, int]:
        """Counts by severity."""
        return summarise(self.findings)

    def failed(self, strict: bool = False) -> bool:
        """Whether the check fails (errors; or warnings too when ``strict``)."""
        counts = self.summary
        return counts["error"] > 0 or (strict and counts["warning"] > 0)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the check."""
        return {
            "file": str(self.file),
            "eligible": self.eligible,
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary,
        }


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.severity.rank)


def check_file(file: Path | str) -> CheckReport:
    """Check ``file``: every problem, even a file that cannot be read, is a finding."""
    file = Path(file)
    try:
        project = load_project(file)
    except ProjectFileError as exc:
        return CheckReport(file, None, _ordered(exc.findings))
    except ProposalKitError as exc:
        code = "schema.file" if isinstance(exc, UsageError) else "schema.input"
        location = exc.location
        return CheckReport(file, None, [Finding(
            code, Severity.ERROR, exc.message, (), location.line if location else None,
            location.column if location else None, "schema", exc.hint)])
    return check_project(project)


def check_project(project: Project, render: bool = True) -> CheckReport:
    """Apply the call's rules to a loaded project.

    With ``render``, also find everything the render would stop on (see
    :func:`~proposal_kit.preflight.render_findings`), so that a project check passes renders.
    """
    with one_budget_per_project():
        return _check_project(project, render)


def _check_project(project: Project, render: bool) -> CheckReport:
    file = project.file
    proposal = project.proposal
    try:
        call = load_call(proposal.call)
    except UsageError as exc:
        line, column = project.document.locate(("call",))
        unknown = finding("schema.unknown-call", "error", exc.message, ("call",), exc.hint)
        return CheckReport(file, None, _ordered([*project.problems,
                                                 unknown.with_location(line, column)]))
    context = RuleContext(proposal, call, reference_data())
    found = list(project.problems)
    for item in run_rules(context):
        line, column = project.document.locate(item.path)
        found.append(item.with_location(line, column))
    form_found = _form_findings(project, call.form_version)
    found += form_found
    if render:
        from .preflight import render_findings

        found += render_findings(project, with_form=not any(
            f.severity is Severity.ERROR for f in form_found))
    eligible: bool | None = not any(f.severity is Severity.ERROR and f.category == "eligibility"
                       for f in found)
    if any(f.code == "schema.duplicate-key" or f.code.startswith("schema.yaml-")
           for f in found):
        eligible = None  # the data is ambiguous: duplicate keys, refused tags or keys
    return CheckReport(file, eligible, _ordered(found))


def _form_findings(project: Project, form_version: str) -> list[Finding]:
    """What `render` would stop on in the form named by ``part_b_form:``.

    A missing file, a document that is not the form, a version proposal-kit does not know
    or another version than the call's, and boxes that already hold someone's text.
    """
    path = project.form_file
    if path is None:
        return []
    from .errors import ProposalKitError
    from .form.fill import FormFiller, open_form

    where = ("part_b_form",)
    line, column = project.document.locate(where)

    def problem(code: str, severity: str, message: str, hint: str | None = None) -> Finding:
        return finding(code, severity, message, where, hint).with_location(line, column)

    from .safeio import InputFileError, check_regular

    try:
        check_regular(path, what="the form")
    except InputFileError as exc:  # missing, or a folder, a device or a pipe: said as it is
        if exc.reason == "missing":
            return [problem("form.missing", "error", exc.message,
                            "download the Part B form from the portal and save it there")]
        return [problem("form.unreadable", "error", exc.message,
                        "give the .docx of the Part B form downloaded from the portal")]
    try:
        document, form = open_form(path)
    except ProposalKitError as exc:
        return [problem("form.unreadable", "error", exc.message, exc.hint)]
    out = []
    if form.id != form_version:
        out.append(problem("form.version", "warning",
                           f"the form is {form.id}, while the call uses {form_version}",
                           "download the form of this call's topic from the portal"))
    try:
        from .calls import load_call
        from .derive import derive

        draft = derive(project.proposal, load_call(project.proposal.call), {})
        taken = FormFiller(document, form, draft, {}, project.base_dir).prefilled()
    except ProposalKitError as exc:
        return [*out, problem("form.unreadable", "error", exc.message, exc.hint)]
    if taken:
        out.append(problem("form.prefilled", "warning",
                           f"the form already holds text in {'; '.join(taken[:4])}; render "
                           "will refuse it without --force",
                           "give a blank copy of the form, or render with --force"))
    return out
