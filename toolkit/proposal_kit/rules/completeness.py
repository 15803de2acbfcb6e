"""Completeness: what a full draft still needs. Warnings, so a consortium-only file passes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding
from ..findings import Path as DataPath
from ..form import form_for_topic
from . import RuleContext, finding

__all__ = ["RULES"]


def core(ctx: RuleContext) -> Iterator[Finding]:
    """Title, work packages, risks, staff and budget are present."""
    p = ctx.proposal
    if not p.title:
        yield finding("completeness.title", "warning", "the full project title is missing",
                      ("title",))
    missing = [label for label, present in (
        ("work packages", p.work_packages), ("risks", p.risks), ("project staff", p.staff),
    ) if not present]
    for label in missing:
        key = {"work packages": "work_packages", "project staff": "staff"}.get(label, label)
        yield finding(f"completeness.{key.replace('_', '-')}", "warning",
                      f"no {label} yet: the draft will show a prompt instead", (key,))
    if p.work_packages:
        if not p.milestones():
            yield finding("completeness.milestones", "warning", "no milestone in any work "
                          "package", ("work_packages",))
        if p.estimated_budget() <= 0:
            yield finding("completeness.budget", "warning", "no budget in any work package: "
                          "the EU contribution cannot be computed", ("work_packages",))


def items(ctx: RuleContext) -> Iterator[Finding]:
    """Deliverables say who leads them, their type and dissemination level; risks mitigate."""
    for w, wp in enumerate(ctx.proposal.work_packages):
        for d, deliv in enumerate(wp.deliverables):
            absent = [k for k in ("lead", "type", "dissemination") if getattr(deliv, k) is None]
            if absent:
                yield finding("completeness.deliverable", "warning",
                              f"{deliv.number} '{deliv.title}' has no {', '.join(absent)}",
                              ("work_packages", w, "deliverables", d))
    for r, risk in enumerate(ctx.proposal.risks):
        if not risk.mitigation:
            yield finding("completeness.risk-mitigation", "warning",
                          f"risk {r + 1} has no mitigation measure", ("risks", r))


def sections(ctx: RuleContext) -> Iterator[Finding]:
    """Part B sections that have no text yet (one finding listing them)."""
    form = form_for_topic(ctx.proposal.call)
    missing = list(dict.fromkeys(
        form.number_of(b.id) for b in form.boxes()
        if b.answer != "fixed" and not b.default and b.id not in ctx.proposal.sections))
    if missing:
        yield finding("completeness.sections", "info",
                      f"{len(missing)} Part B sections have no text yet: "
                      f"{', '.join(missing)}", ("sections",))


_PLACEHOLDER = re.compile(r"replace me|\bTODO\b|\bTBD\b|\bXXX\b", re.IGNORECASE)


def placeholders(ctx: RuleContext) -> Iterator[Finding]:
    """Partner names and titles still holding a placeholder (e.g. from `init`)."""
    p = ctx.proposal
    named: list[tuple[DataPath, str, str]] = [(("title",), "the project title", p.title or "")]
    named += [(("partners", i, "name"), f"partner {x.id}", x.name)
              for i, x in enumerate(p.partners)]
    named += [(("work_packages", w, "title"), wp.id, wp.title)
              for w, wp in enumerate(p.work_packages)]
    for path, what, text in named:
        if _PLACEHOLDER.search(text):
            yield finding("completeness.placeholder", "warning",
                          f"{what} is still a placeholder: '{text}'", path)


RULES = (core, items, sections, placeholders)
