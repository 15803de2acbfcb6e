"""Call rules and reference data, loaded from YAML data files.

A call topic is one file in ``data/calls/`` (or in a folder named by ``PROPOSAL_KIT_CALLS``,
searched first). Supporting a new call year means adding a file, not code.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from .errors import InputError, SourceLocation, UsageError
from .resources import builtin_calls_dir, data_dir
from .safeio import name_problem
from .validation import did_you_mean, validate_document
from .yamlsource import read_yaml

__all__ = [
    "CallRules",
    "Figure",
    "OrgType",
    "ReferenceData",
    "available_calls",
    "default_call",
    "load_call",
    "load_data_model",
    "next_call",
    "reference_data",
]

T = TypeVar("T")

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Figure(BaseModel, Generic[T]):
    """One figure of a call, with where it comes from."""

    model_config = _STRICT
    value: T
    source: str = Field(description="Where the figure comes from.")
    unverified: bool = Field(False, description="Not confirmed by an official text.")
    timezone: str | None = Field(None, description="Time zone of a date-time figure.")


class Figures(BaseModel):
    """The key data of a call topic."""

    model_config = _STRICT
    opening: Figure[date]
    deadline: Figure[datetime]
    call_budget: Figure[int]
    funding_rate: Figure[float]
    financial_support_to_third_parties: Figure[bool] | None = Field(
        None, description="Whether the call allows financial support to third parties (D.1).")
    max_grant: Figure[dict[int, int]] = Field(
        description="Maximum EU grant in EUR, by project duration in months.")
    durations: Figure[list[int]]
    page_limit: Figure[int]
    min_countries: Figure[int]
    min_full_partners: Figure[int]
    min_labour_market_actors: Figure[int]
    min_education_providers: Figure[int]
    require_hei_and_vet: Figure[bool | Literal["should"]] = Field(
        description="true: at least one HEI and one VET provider must be full partners (an "
        "error); 'should': the call says should (a warning); false: no such rule.")
    ecosystem: Figure[Literal["exactly-one", "optional", "none"]] = Field(
        description="How a proposal names the 14 industrial ecosystems: exactly one, "
        "optionally, or not at all (the call uses another sector field, see `sectors`).")
    sectors: Figure[str] | None = Field(None, description="What the call's sector field is, "
                                        "when it is not the 14 ecosystems.")
    deadline_history: Figure[dict[int, date]] | None = Field(
        None, description="Deadlines of earlier call years, by year.")
    min_font_pt: Figure[float]
    min_margin_mm: Figure[float]
    paper: Figure[Literal["A4"]]
    excluded_from_page_count: Figure[list[str]]
    sector_strategy_due: Figure[int] | None = None
    reactive_phase_end: Figure[int] | None = None


class CallRules(BaseModel):
    """The rules of one call topic."""

    model_config = _STRICT
    id: str
    lot: int
    short_name: str
    title: str
    programme: str
    year: int
    activities: str = Field(description="Which list of required activities applies.")
    lump_sum: bool = Field(True, description="The grant is a lump sum (the form's staff "
                           "effort tables are then not applicable).")
    form_version: str = Field("ERASMUS-BB-LSII-2.0", description="The version of the official "
                             "Part B form this call uses (a file of data/forms/).")
    figures: Figures
    source_file: Path | None = None

    @property
    def deadline(self) -> datetime:
        """The submission deadline as an aware date-time."""
        tz = ZoneInfo(self.figures.deadline.timezone or "Europe/Brussels")
        return self.figures.deadline.value.replace(tzinfo=tz)

    def max_grant_for(self, duration: int | None) -> int | None:
        """The grant cap for ``duration`` months (the highest cap if unknown)."""
        caps = self.figures.max_grant.value
        if duration in caps:
            return caps[duration]
        return max(caps.values()) if caps and duration is None else None


class OrgType(BaseModel):
    """An organisation type and the category the rules count it in."""

    model_config = _STRICT
    label: str
    category: Literal["lma", "et", "other"]
    examples: list[str] = []
    warn: str | None = None
    unverified: bool = False


class CountryGroup(BaseModel):
    """A list of country codes with its source."""

    model_config = _STRICT
    source: str
    codes: list[str]


class Countries(BaseModel):
    """Country groups used by the eligibility rules."""

    model_config = _STRICT
    eu_member_states: CountryGroup
    associated_third_countries: CountryGroup
    excluded: CountryGroup
    aliases: dict[str, str] = {}


class Ecosystem(BaseModel):
    """One of the 14 industrial ecosystems."""

    model_config = _STRICT
    label: str
    covers: str


class OngoingInitiative(BaseModel):
    """An ongoing Blueprint or Skills Academy in an ecosystem."""

    model_config = _STRICT
    name: str
    until: str | None = None
    note: str | None = None


class OngoingInitiatives(BaseModel):
    """Ongoing initiatives by ecosystem slug."""

    model_config = _STRICT
    source: str
    by_ecosystem: dict[str, list[OngoingInitiative]] = {}


class ReferenceData(BaseModel):
    """Data shared by every call topic."""

    model_config = _STRICT
    countries: Countries
    organisation_types: dict[str, OrgType]
    ecosystems: dict[str, Ecosystem]
    ongoing_initiatives: OngoingInitiatives

    def normalise_country(self, code: str) -> str:
        """Upper-case ``code`` and map aliases (``EL`` to ``GR``)."""
        code = code.upper()
        return self.countries.aliases.get(code, code)

    def country_name(self, code: str) -> str:
        """Common English name of a country code (``GR`` and ``EL`` give Greece)."""
        import pycountry

        found = pycountry.countries.get(alpha_2=self.normalise_country(code))
        if found is None:
            return code
        return str(getattr(found, "common_name", None) or found.name)

    def country_group(self, code: str) -> Literal["eu", "associated", "excluded", "third"]:
        """Which group a country belongs to."""
        code = self.normalise_country(code)
        if code in self.countries.eu_member_states.codes:
            return "eu"
        if code in self.countries.associated_third_countries.codes:
            return "associated"
        if code in self.countries.excluded.codes:
            return "excluded"
        return "third"


def load_data_model(path: Path, model: type[Any]) -> Any:
    """Read the YAML data file ``path`` into ``model``; errors are located in the file."""
    doc = read_yaml(path)
    instance, findings = validate_document(doc, model)
    errors = [f for f in findings if f.severity.value == "error"]
    if instance is None or errors:
        first = errors[0]
        raise InputError(f"invalid data file: {first.message}",
                         location=SourceLocation(path, first.line, first.column), hint=first.hint)
    return instance


@cache
def reference_data() -> ReferenceData:
    """The shared reference data (countries, organisation types, ecosystems)."""
    data: ReferenceData = load_data_model(data_dir() / "reference.yaml", ReferenceData)
    return data


def _call_dirs() -> list[Path]:
    """The folders of ``PROPOSAL_KIT_CALLS``, then the built-in one.

    Raises:
        UsageError: an entry is not a folder (missing, a file, a name too long to look up).
    """
    folders = []
    for entry in os.environ.get("PROPOSAL_KIT_CALLS", "").split(os.pathsep):
        if not entry:
            continue
        problem = name_problem(entry)
        if problem is not None or not os.path.isdir(entry):
            shown = entry if len(entry) <= 80 else entry[:80] + "…"
            raise UsageError(f"PROPOSAL_KIT_CALLS names '{shown}', which is not a folder"
                             + (f" ({problem})" if problem else ""))
        folders.append(Path(entry))
    return [*folders, builtin_calls_dir()]


def available_calls() -> list[str]:
    """Topic ids of every known call, user folders first, sorted within each folder."""
    seen: list[str] = []
    for folder in _call_dirs():
        for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            if file.stem not in seen:
                seen.append(file.stem)
    return seen


def load_call(topic: str) -> CallRules:
    """Load the rules of ``topic``; raise :class:`UsageError` if it is unknown.

    ``topic`` is a topic id such as ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT, never a path.
    """
    if not isinstance(topic, str) or not _TOPIC_ID.fullmatch(topic):
        shown = topic if len(str(topic)) <= 80 else str(topic)[:80] + "…"
        raise UsageError(f"'{shown}' is not a call topic id",
                         hint="give a topic id such as ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT "
                         "(`proposal-kit calls` lists them), not a path")
    return _load_call(topic, os.environ.get("PROPOSAL_KIT_CALLS", ""))


#: A topic id: letters, digits and dashes (dots and underscores allowed inside), no path.
_TOPIC_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?!\.)){0,99}")


@cache
def _load_call(topic: str, _dirs_key: str) -> CallRules:
    for folder in _call_dirs():
        path = folder / f"{topic}.yaml"
        if path.is_file():
            rules: CallRules = load_data_model(path, CallRules)
            if rules.id != topic:
                raise InputError(f"the file declares id '{rules.id}' but is named {path.name}",
                                 location=SourceLocation(path, None))
            return rules.model_copy(update={"source_file": path})
    known = available_calls()
    raise UsageError(f"unknown call topic '{topic}'",
                     hint=did_you_mean(topic, known) or f"known topics: {', '.join(known)}")


def default_call() -> str:
    """The topic whose rules apply when none is given (``pages`` on a foreign DOCX).

    From the call data, not from code: of the newest call year, the topic with the lowest
    page limit (the strictest), the first in sorted order on a tie.
    """
    rules = [load_call(topic) for topic in available_calls()]
    newest = max(r.year for r in rules)
    return min((r for r in rules if r.year == newest),
               key=lambda r: (r.figures.page_limit.value, r.id)).id


def next_call(rules: CallRules, after: datetime) -> CallRules | None:
    """The call of the same lot in a later year whose deadline is after ``after``.

    Only if its data exists: a call rules file, built in or in ``PROPOSAL_KIT_CALLS``.
    """
    later = [r for r in (load_call(t) for t in available_calls())
             if r.lot == rules.lot and r.year > rules.year and r.deadline > after]
    return min(later, key=lambda r: r.deadline) if later else None
