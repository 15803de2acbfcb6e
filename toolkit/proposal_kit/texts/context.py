"""What a generic text sees of the project: ``project``, ``budget`` and partner views.

The names here are the contract of the library format (see ``generic_texts/README.md``);
``lint`` checks texts against :data:`PROJECT_FIELDS`, :data:`PARTNER_FIELDS` and the
budget's fields (:func:`proposal_kit.budget.views.budget_fields`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from ..budget import compute_budget
from ..budget.views import budget_view
from ..calls import CallRules, load_call, reference_data
from ..errors import UsageError
from ..model import Partner, Proposal

__all__ = ["PARTNER_FIELDS", "PROJECT_FIELDS", "PartnerView", "Placeholder", "country_name",
           "partner_view", "preview_context", "project_context", "recording_empty_facts"]

PARTNER_FIELDS = ("id", "name", "short_name", "country", "country_name", "city", "type",
                  "type_label", "website")
PROJECT_FIELDS = ("acronym", "title", "call", "lot", "duration_months", "ecosystem",
                  "partner_count", "country_count", "coordinator", "year", "partners")


#: While `check` renders, the (partner id, field) of every empty partner fact a text used.
_EMPTY_FACTS: ContextVar[list[tuple[str, str]] | None] = ContextVar("_EMPTY_FACTS",
                                                                   default=None)


@contextmanager
def recording_empty_facts() -> Iterator[list[tuple[str, str]]]:
    """Collect the empty partner facts texts use inside the block (e.g. no website)."""
    used: list[tuple[str, str]] = []
    token = _EMPTY_FACTS.set(used)
    try:
        yield used
    finally:
        _EMPTY_FACTS.reset(token)


class PartnerView(dict[str, Any]):
    """A partner as texts see it; ``{{ partner }}`` alone prints the name."""

    def __str__(self) -> str:
        return str(self.get("name", ""))

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if value in ("", None):
            used = _EMPTY_FACTS.get()
            if used is not None:
                used.append((str(self.get("id", "")), key))
        return value


class Placeholder:
    """Stands for a value a preview does not know: prints as ``[project.acronym]``."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Placeholder:
        if attr.startswith("_"):
            raise AttributeError(attr)
        return Placeholder(f"{self._name}.{attr}")

    def __getitem__(self, item: object) -> Placeholder:
        return Placeholder(f"{self._name}.{item}")

    def __iter__(self) -> Iterator[Placeholder]:
        # One item stands for the list (without it, Python would iterate __getitem__
        # forever on a loop over a placeholder).
        return iter((Placeholder(f"{self._name}[…]"),))

    def __str__(self) -> str:
        return f"[{self._name}]"

    def __repr__(self) -> str:
        return f"Placeholder({self._name!r})"


def country_name(code: str) -> str:
    """Common English name of a country code ('Greece' for GR and EL)."""
    return reference_data().country_name(code)


def partner_view(partner: Partner) -> PartnerView:
    """The fields of ``partner`` a text may use (missing ones are empty strings)."""
    types = reference_data().organisation_types
    kind = types.get(partner.type)
    return PartnerView(
        id=partner.id,
        name=partner.name,
        short_name=partner.short_name or partner.id,
        country=partner.country,
        country_name=country_name(partner.country),
        city=partner.city or "",
        type=partner.type,
        type_label=kind.label if kind else partner.type,
        website=partner.website or "",
    )


def _call(proposal: Proposal) -> CallRules | None:
    """The rules of the project's call; None if the topic is unknown."""
    try:
        return load_call(proposal.call)
    except UsageError:
        return None


def project_context(proposal: Proposal) -> dict[str, Any]:
    """The variables every text may use: ``project``, ``budget`` (and ``variables``).

    ``project.year`` is the year of the planned start date, else the call's year;
    ``budget`` holds the computed budget's figures (the grant needs a known call).
    """
    rules = _call(proposal)
    lot, call_year = (rules.lot, rules.year) if rules is not None else (None, None)
    ecosystems = reference_data().ecosystems
    label = ", ".join(ecosystems[e].label if e in ecosystems else e
                      for e in proposal.ecosystem)
    full = proposal.full_partners
    coordinator = proposal.coordinator
    year = proposal.start_date.year if proposal.start_date else call_year
    project = {
        "acronym": proposal.acronym,
        "title": proposal.title or "",
        "call": proposal.call,
        "lot": lot,
        "duration_months": proposal.duration_months,
        "ecosystem": label,
        "partner_count": len(full),
        "country_count": len({p.country for p in full}),
        "coordinator": partner_view(coordinator) if coordinator else None,
        "year": year if year is not None else date.today().year,
        "partners": [partner_view(p) for p in proposal.partners],
    }
    budget = budget_view(compute_budget(proposal, rules), proposal)
    return {"project": project, "budget": budget, "variables": dict(proposal.variables)}


def preview_context() -> dict[str, Any]:
    """A context without a project: every project value prints as a placeholder."""
    return {"project": Placeholder("project"), "budget": Placeholder("budget"),
            "variables": {}, "preview": True}
