"""Run every proof rule on a project; the findings, placed and ordered, as a report."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..calls import load_call
from ..errors import UsageError
from ..findings import Finding, summarise
from ..form import form_for_topic
from ..project import Project, load_project
from .acronyms import acronym_findings
from .context import ProofContext, RawFinding, severity_of
from .english import english_findings
from .facts import fact_findings
from .names import name_findings
from .source import project_sources, sentences
from .style import style_findings

__all__ = ["ProofFinding", "ProofReport", "fold_quote", "proof_file", "proof_project"]


@dataclass(frozen=True)
class ProofFinding(Finding):
    """A finding of the proof: in a section file (or project.yaml), on a sentence."""

    file: str = ""
    section: str = ""
    quote: str = ""
    data: dict[str, Any] | None = None
    #: How many earlier sentences of the project read the same (a repeated sentence).
    occurrence: int = 0

    def to_dict(self) -> dict[str, Any]:
        """``{code, severity, message, file, line, column, quote, data}`` (and a hint)."""
        out: dict[str, Any] = {"code": self.code, "severity": self.severity.value,
                               "message": self.message, "file": self.file,
                               "line": self.line, "column": self.column,
                               "section": self.section, "quote": self.quote,
                               "data": self.data}
        if self.hint:
            out["hint"] = self.hint
        return out


@dataclass
class ProofReport:
    """The findings of one proof run."""

    file: Path
    findings: list[ProofFinding]

    @property
    def summary(self) -> dict[str, int]:
        """Counts by severity."""
        return summarise(self.findings)

    def failed(self, strict: bool = False) -> bool:
        """Errors (contradictions with the data); with ``strict``, warnings too."""
        counts = self.summary
        return counts["error"] > 0 or (strict and counts["warning"] > 0)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object: ``{"findings": [...], "summary": {...}}``."""
        return {"file": str(self.file), "findings": [f.to_dict() for f in self.findings],
                "summary": self.summary}


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def fold_quote(quote: str) -> str:
    """The letters and digits of ``quote``, casefolded: how quotes are compared."""
    return "".join(ch.casefold()[:1] for ch in quote if ch.isalnum())


def _place(raw: RawFinding, occurrences: dict[int, int]) -> ProofFinding:
    sentence = raw.sentence
    line, column = sentence.locate(raw.index)
    return ProofFinding(raw.code, raw.severity or severity_of(raw.code), raw.message, (),
                        line, column, "proof", raw.hint, _display(sentence.source.file),
                        sentence.source.section, sentence.quote, raw.data,
                        occurrences.get(id(sentence), 0))


def proof_project(project: Project) -> ProofReport:
    """Every proof finding of ``project``, errors first, then by file and line."""
    try:
        call = load_call(project.proposal.call)
    except UsageError:
        call = None
    order = form_for_topic(project.proposal.call).narrative_ids()
    sources = project_sources(project, order)
    ctx = ProofContext(project, call, sources, [s for src in sources for s in sentences(src)])
    counts: dict[str, int] = {}
    occurrences: dict[int, int] = {}
    for sentence in ctx.sentences:
        folded = fold_quote(sentence.quote)
        occurrences[id(sentence)] = counts.get(folded, 0)
        counts[folded] = counts.get(folded, 0) + 1
    found: list[ProofFinding] = []
    seen: set[tuple[str, str, int | None, int | None]] = set()
    for rule in (fact_findings, name_findings, acronym_findings, english_findings,
                 style_findings):
        for raw in rule(ctx):
            if ctx.is_ignored(raw.code, raw.sentence, raw.index):
                continue
            item = _place(raw, occurrences)
            key = (item.code, item.file, item.line, item.column)
            if key not in seen:
                seen.add(key)
                found.append(item)
    for problem in project.problems:  # a section file missing or unreadable: say so
        if problem.code in ("schema.missing-file", "schema.encoding"):
            found.append(ProofFinding(problem.code, problem.severity, problem.message, (),
                                      problem.line, problem.column, "proof", problem.hint,
                                      _display(project.file)))
    rank = {name: i for i, name in enumerate(_display(src.file) for src in sources)}
    found.sort(key=lambda f: (f.severity.rank, rank.get(f.file, 0), f.line or 0,
                              f.column or 0))
    return ProofReport(project.file, found)


def proof_file(file: Path | str) -> ProofReport:
    """Load ``file`` and proof it.

    Raises:
        UsageError: the file does not exist.
        ProjectFileError: the project file is invalid (run ``check`` for the details).
    """
    return proof_project(load_project(Path(file)))

