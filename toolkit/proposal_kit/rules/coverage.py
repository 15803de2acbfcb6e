"""Coverage of the activities the call requires: `covers:` slugs known, required ones present.

The deeper reading (timeline, EQF levels, themes) is `review`'s; `check` makes sure the
declarations are valid and nothing the call requires is left out.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..activities import activities_for
from ..findings import Finding
from ..findings import Path as DataPath
from ..validation import did_you_mean
from . import RuleContext, finding

__all__ = ["RULES"]


def _declarations(ctx: RuleContext) -> Iterator[tuple[str, DataPath, str]]:
    """Every (slug, path, item) declared with `covers:`."""
    for w, wp in enumerate(ctx.proposal.work_packages):
        base: DataPath = ("work_packages", w)
        for n, slug in enumerate(wp.covers):
            yield slug, (*base, "covers", n), wp.id
        for t, task in enumerate(wp.tasks):
            for n, slug in enumerate(task.covers):
                yield slug, (*base, "tasks", t, "covers", n), f"task {task.id}"
        for d, deliv in enumerate(wp.deliverables):
            for n, slug in enumerate(deliv.covers):
                yield slug, (*base, "deliverables", d, "covers", n), deliv.number


def activity_coverage(ctx: RuleContext) -> Iterator[Finding]:
    """Unknown slugs are errors; a required activity nobody covers is a warning."""
    if ctx.call is None:
        return
    activities = activities_for(ctx.call.activities)
    known = list(activities.activities)
    covered = set()
    for slug, path, item in _declarations(ctx):
        if slug in activities.activities:
            covered.add(slug)
        else:
            yield finding("coverage.unknown-activity", "error",
                          f"{item} covers '{slug}', which is not an activity of "
                          f"{ctx.call.short_name}", path,
                          did_you_mean(slug, known) or f"known: {', '.join(known)}")
    if not ctx.proposal.work_packages:
        return
    if activities.rule == "all":
        for slug in known:
            if slug not in covered:
                title = activities.activities[slug].title
                yield finding("coverage.activity-missing", "warning",
                              f"no work package, task or deliverable covers the required "
                              f"activity '{slug}' ({title}); add it to a 'covers:' list",
                              ("work_packages",))
    elif not covered:
        yield finding("coverage.none-declared", "info",
                      "no work package declares which aims of the action it serves "
                      f"('covers:' with {', '.join(known)})", ("work_packages",))


RULES = (activity_coverage,)
