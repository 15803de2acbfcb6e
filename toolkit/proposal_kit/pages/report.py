"""The pages report: pages used against the limit, the section map, and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..findings import Finding, Severity, summarise
from .sections import Section

__all__ = ["Method", "PagesReport", "beyond_limit", "limit_findings"]

#: How the count was obtained.
Method = Literal["libreoffice", "pdf", "estimate"]


@dataclass
class PagesReport:
    """The outcome of counting the pages of one Part B document."""

    file: Path
    call: str
    total_pages: int
    limit: int
    exact: bool
    method: Method
    sections: list[Section] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    excluded_pages: int = 0
    beyond: str | None = None
    last_evaluated: int | None = None  # the last page evaluators read, when over the limit
    format: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """Pages that count against the limit."""
        return self.total_pages - self.excluded_pages

    @property
    def over_by(self) -> int:
        """Pages over the limit (0 within it)."""
        return max(0, self.pages - self.limit)

    @property
    def pages_left(self) -> int:
        """Pages left before the limit (0 at or over it)."""
        return max(0, self.limit - self.pages)

    @property
    def summary(self) -> dict[str, int]:
        """Findings counted by severity."""
        return summarise(self.findings)

    def failed(self) -> bool:
        """Over the limit (counted exactly) or an error finding: exit 1."""
        return (self.exact and self.over_by > 0) or self.summary["error"] > 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the report."""
        return {
            "file": str(self.file),
            "call": self.call,
            "pages": self.pages,
            "limit": self.limit,
            "over_by": self.over_by,
            "pages_left": self.pages_left,
            "exact": self.exact,
            "method": self.method,
            "total_pages": self.total_pages,
            "excluded_pages": self.excluded_pages,
            "beyond_limit": self.beyond,
            "sections": [s.to_dict() for s in self.sections],
            "format": self.format,
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary,
        }


def _range(first: int, last: int) -> str:
    return f"page {first}" if first == last else f"pages {first}–{last}"


def beyond_limit(sections: list[Section], last_evaluated: int, total: int,
                 excluded: set[str]) -> str:
    """A plain statement of what lies after the last evaluated page."""
    counted = [s for s in sections if s.id not in excluded]
    after = [s for s in counted if s.start_page > last_evaluated]
    cut = [s for s in counted if s.start_page <= last_evaluated < s.end_page]
    parts = []
    if cut:
        section = cut[-1]
        parts.append(f"{section.label} runs past page {last_evaluated}: its "
                     f"{_range(last_evaluated + 1, section.end_page)} will not be evaluated")
    if after:
        first, last = after[0].label, after[-1].label
        parts.append(f"{first} falls after page {last_evaluated} and will not be evaluated"
                     if first == last else
                     f"{first} to {last} fall after page {last_evaluated} and will not be "
                     "evaluated")
    if not parts:
        parts.append(f"{_range(last_evaluated + 1, total).capitalize()} "
                     f"{'falls' if last_evaluated + 1 == total else 'fall'} after page "
                     f"{last_evaluated} and will not be evaluated")
    return "; ".join(parts) + "."


def limit_findings(report: PagesReport) -> list[Finding]:
    """Over-limit and near-limit findings."""
    pages, limit = report.pages, report.limit
    estimate = "" if report.exact else "an estimated "
    if pages > limit:
        severity = Severity.ERROR if report.exact else Severity.WARNING
        text = (f"{estimate}{pages} pages, over the limit of {limit} by {pages - limit}")
        return [Finding("pages.over-limit", severity, text[0].upper() + text[1:],
                        hint=report.beyond or "pages beyond the limit are not evaluated")]
    if pages >= 0.9 * limit:
        text = f"{estimate}{pages} of {limit} pages used: {limit - pages} left"
        return [Finding("pages.near-limit", Severity.WARNING, text[0].upper() + text[1:],
                        hint="within 10 % of the limit; a small edit can push a section over")]
    return []
