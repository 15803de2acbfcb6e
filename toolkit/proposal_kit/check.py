"""`check`: validate a project file and apply the call's rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    if render:
        from .preflight import render_findings

        found += render_findings(project)
    eligible: bool | None = not any(f.severity is Severity.ERROR and f.category == "eligibility"
                       for f in found)
    if any(f.code == "schema.duplicate-key" or f.code.startswith("schema.yaml-")
           for f in found):
        eligible = None  # the data is ambiguous: duplicate keys, refused tags or keys
    return CheckReport(file, eligible, _ordered(found))
