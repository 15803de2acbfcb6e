"""Hints from the official form's guidance: deliverables, WP order, ethics.

The thresholds and patterns are data (``review.form_guidance`` in ``data/criteria.yaml``);
the messages are proposal-kit's words, not the form's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Proposal
from .base import FormGuidance, Gap, gap
from .evidence import Evidence

__all__ = ["guidance_gaps"]


def guidance_gaps(p: Proposal, evidence: Evidence, guide: FormGuidance | None) -> Iterator[Gap]:
    """The gaps of ``p`` against the form's guidance (none without ``guide``)."""
    if guide is None:
        return
    yield from _deliverables(p, guide)
    yield from _order(p, guide)
    yield from _ethics(evidence, guide)


def _deliverables(p: Proposal, guide: FormGuidance) -> Iterator[Gap]:
    count = sum(len(wp.deliverables) for wp in p.work_packages)
    if count > guide.deliverables_max:
        yield gap("deliverables-many", "warning",
                  f"{count} deliverables; the form recommends at most about "
                  f"{guide.deliverables_max} for the whole project: merge minor ones or make "
                  "them milestones", ("work_packages",), criterion="design",
                  hint=guide.source)


def _order(p: Proposal, guide: FormGuidance) -> Iterator[Gap]:
    wps = p.work_packages
    if len(wps) < 2:
        return
    if not re.search(guide.first_wp_title, wps[0].title):
        yield gap("wp1-not-management", "warning",
                  f"{wps[0].id} '{wps[0].title}' is not project management; the form expects "
                  "WP1 to cover management and coordination", ("work_packages", 0, "title"),
                  criterion="design", hint=guide.source)
    last = len(wps) - 1
    if not re.search(guide.last_wp_title, wps[last].title):
        yield gap("last-wp-not-impact", "warning",
                  f"{wps[last].id} '{wps[last].title}' is not about impact and dissemination; "
                  "the form expects the last work package to cover them",
                  ("work_packages", last, "title"), criterion="impact", hint=guide.source)


def _ethics(evidence: Evidence, guide: FormGuidance) -> Iterator[Gap]:
    section = evidence.sections.get(guide.ethics_section)
    if section is None or not section.text.strip():
        return
    missing = [label for label, pattern in guide.ethics_topics.items()
               if not re.search(pattern, section.text)]
    if missing:
        where = section.number or section.id
        yield gap("ethics-topics", "warning",
                  f"the ethics text ({where}) does not speak of {' or '.join(missing)}; the "
                  "form asks proposals to address them", ("sections", guide.ethics_section),
                  criterion="design", hint=guide.source)


