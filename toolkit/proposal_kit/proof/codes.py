"""Every finding code of `proposal-kit proof`, its default severity and what it means.

This table is the single list: the reference page of the guide documents each code, the
model validates ``proof: {ignore: [...]}`` against it. It imports nothing heavy.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CODES", "Rule", "ignored", "unknown_ignore"]


class Rule(NamedTuple):
    """A finding code's default severity and one line on what it reports."""

    severity: str
    summary: str


CODES: dict[str, Rule] = {
    "proof.facts.duration": Rule("error", "A duration of the project in the prose differs "
                                 "from duration_months."),
    "proof.facts.count": Rule("error", "A count of partners, beneficiaries, countries, work "
                              "packages or deliverables differs from the data."),
    "proof.facts.money": Rule("error", "An amount that stands for the project's budget or "
                              "EU contribution matches neither."),
    "proof.facts.rate": Rule("error", "A funding rate differs from the call's."),
    "proof.facts.due-month": Rule("error", "A deliverable or milestone is cited with a month "
                                  "other than its due month."),
    "proof.facts.unknown-id": Rule("error", "A deliverable, milestone, task or work package "
                                   "id that the project does not have."),
    "proof.facts.wp-title": Rule("error", "A work package is cited with another work "
                                 "package's title."),
    "proof.facts.country": Rule("error", "A partner is placed in a country other than its "
                                "own."),
    "proof.facts.beyond-duration": Rule("error", "A month after the end of the project."),
    "proof.names.partner": Rule("warning", "A near-miss spelling of a partner's name or "
                                "short name."),
    "proof.names.acronym": Rule("warning", "The project acronym spelled differently."),
    "proof.names.short-name-first": Rule("info", "A partner's short name used before its "
                                         "full name appears."),
    "proof.acronyms.undefined": Rule("warning", "An acronym that is never defined."),
    "proof.acronyms.before-definition": Rule("warning", "An acronym used before it is "
                                             "defined."),
    "proof.english.spelling": Rule("warning", "A word that the en-GB dictionary does not "
                                   "know."),
    "proof.english.unknown-name": Rule("info", "A capitalised word that the dictionary does "
                                       "not know (a name?), first use only."),
    "proof.english.us-variant": Rule("warning", "A US spelling where EU texts use the "
                                     "British one."),
    "proof.english.eu-term": Rule("warning", "An EU term written in another way than the "
                                  "usual one."),
    "proof.style.long-sentence": Rule("info", "A sentence longer than the limit (40 words "
                                      "by default)."),
    "proof.style.repeated": Rule("warning", "The same sentence or paragraph appears twice."),
    "proof.style.filler": Rule("info", "A filler phrase from the editable list."),
}


def _matches(code: str, entry: str) -> bool:
    entry = entry.strip().lower()
    if not entry.startswith("proof."):
        entry = f"proof.{entry}"
    return code == entry or code.startswith(entry + ".")


def ignored(code: str, entries: list[str]) -> bool:
    """Whether ``code`` is switched off by one of ``entries`` (a code or a group of codes)."""
    return any(_matches(code, entry) for entry in entries)


def unknown_ignore(entry: str) -> bool:
    """Whether ``entry`` names no code and no group of codes."""
    return not any(_matches(code, entry) for code in CODES)
