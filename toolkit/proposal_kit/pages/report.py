"""The pages report: pages used against the limit, the section map, and findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..findings import Finding, Severity, summarise
from .sections import Section

__all__ = ["CHANGE_THRESHOLD", "Method", "PagesReport", "SectionChange", "beyond_limit",
           "limit_findings", "section_changes"]

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
    #: On an own-layout draft: about how many pages the official form's guidance adds.
    form_guidance_pages: float | None = None

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

    @property
    def pages_with_form_guidance(self) -> int | None:
        """About how many pages the draft takes in the official form (own layout only)."""
        if self.form_guidance_pages is None:
            return None
        return round(self.pages + self.form_guidance_pages)

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
            "form_guidance_pages": self.form_guidance_pages,
            "pages_with_form_guidance": self.pages_with_form_guidance,
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


@dataclass(frozen=True)
class SectionChange:
    """A section whose length changed between two counts, in pages (0: absent)."""

    label: str
    before: float
    after: float

    @property
    def change(self) -> float:
        """Pages gained (negative: lost)."""
        return self.after - self.before


#: The smallest change in a section's length that `watch` reports (pages): less is noise
#: from where page breaks fall.
CHANGE_THRESHOLD = 0.2


def _sizes(was: Section | None, now: Section | None) -> tuple[float, float]:
    """The two lengths (0 for an absent section).

    The last section's length is unknown (where its text ends is not read): it counts as
    unchanged while it is there, since its span of pages moves with the fill of the last
    page whatever is edited.
    """
    if (was is not None and was.length is None) or (now is not None and now.length is None):
        return (0.0 if was is None else 1.0), (0.0 if now is None else 1.0)
    return (was.length or 0.0) if was else 0.0, (now.length or 0.0) if now else 0.0


def section_changes(before: PagesReport, after: PagesReport) -> list[SectionChange]:
    """The innermost sections (or work packages) whose length changed, largest change first.

    What `watch` shows after each save: which part of the text grew or shrank. Lengths
    run from a section's start to the next section's, so a section pushed down the page by
    an earlier one keeps its length; changes under :data:`CHANGE_THRESHOLD` are left out.
    A section is left out when one of its subsections changed too (2.1.1 rather than 2 and
    2.1).
    """
    old = {s.id: s for s in before.sections}
    new = {s.id: s for s in after.sections}
    order = [*after.sections, *(s for s in before.sections if s.id not in new)]
    sizes = {s.id: _sizes(old.get(s.id), new.get(s.id)) for s in order}
    changed = {sid for sid, (was, now) in sizes.items() if abs(now - was) >= CHANGE_THRESHOLD}
    changes = []
    for index, section in enumerate(order):
        if section.id not in changed:
            continue
        inner = []
        for later in order[index + 1:]:
            if later.level <= section.level:
                break
            inner.append(later.id)
        if not changed.intersection(inner):
            changes.append(SectionChange(section.label, *sizes[section.id]))
    return sorted(changes, key=lambda c: -abs(c.change))
