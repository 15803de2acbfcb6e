"""`plan`: the dated preparation plan, counted back from a call deadline.

The steps and their offsets are data (``data/plan.yaml``); an International Relations Office
replaces them with its own file (``--steps`` or ``PROPOSAL_KIT_PLAN``).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import InputError, SourceLocation, UsageError
from .resources import data_dir
from .validation import validate_document
from .yamlsource import YamlFileError, read_yaml

__all__ = ["ENV_VAR", "DatedStep", "Plan", "PlanStep", "Steps", "build_plan", "day_off",
           "load_steps", "parse_deadline", "plan_ics"]

ENV_VAR = "PROPOSAL_KIT_PLAN"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
#: How far before the deadline a step may lie: ten years, in days.
MAX_LEAD_DAYS = 3653


class PlanStep(BaseModel):
    """One step of the plan, placed relative to the deadline."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1, description="Stable id (used in calendar UIDs).")
    title: str = Field(min_length=1)
    description: str = ""
    responsible: str = Field(description="writer, IRO, legal representative, partners...")
    offset_days: int = Field(le=0, ge=-MAX_LEAD_DAYS, description="Days before the deadline "
                             "(0: the same day), at most ten years (-3653).")
    time: str | None = Field(None, description="'HH:MM' in the plan's time zone, or "
                             "'deadline' for the deadline's own time; none for a whole day.")
    source: str | None = None
    movable: bool = Field(True, description="With --workdays, a step on a weekend or public "
                          "holiday moves to the working day before; false keeps it (the "
                          "call deadline itself).")

    @field_validator("time", mode="before")
    @classmethod
    def _number_as_time(cls, value: object) -> object:
        """A number is no time: say how one is written (``9:30`` unquoted is the text)."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(f"a time is written HH:MM, e.g. time: '09:30', not the number "
                             f"{value}")
        return value

    @field_validator("time")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        if value is None or value == "deadline":
            return value
        match = _TIME.match(value)
        if not match:
            raise ValueError(f"expected 'HH:MM' or 'deadline', got '{value}'")
        return f"{int(match.group(1)):02d}:{match.group(2)}"  # 9:30 is 09:30


class Steps(BaseModel):
    """A plan file: the time zone of the times given and the steps."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    timezone: str = "Europe/Brussels"
    steps: list[PlanStep] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'") from None
        return value


@dataclass(frozen=True)
class DatedStep:
    """A step with its date (and time, for timed steps) in the plan's zone.

    ``note`` says when the day is a weekend or public holiday, or that the step was moved
    off one (``moved_from``: the day it would have had).
    """

    step: PlanStep
    day: date
    at: datetime | None  # aware; None for a whole-day step
    note: str | None = None
    moved_from: date | None = None

    def to_dict(self, today: date | None = None) -> dict[str, Any]:
        """The JSON object of the step."""
        data: dict[str, Any] = {
            "id": self.step.id, "title": self.step.title, "date": self.day.isoformat(),
            "datetime": self.at.isoformat() if self.at else None,
            "all_day": self.at is None, "responsible": self.step.responsible,
            "description": self.step.description, "source": self.step.source,
            "note": self.note,
            "moved_from": self.moved_from.isoformat() if self.moved_from else None}
        if today is not None:
            data["days_left"] = (self.day - today).days
        return data


@dataclass(frozen=True)
class Plan:
    """The dated plan for one deadline.

    ``country`` is the country whose public holidays were looked at (none: weekends only);
    ``warnings`` are for the writer (a deadline already past); ``next_call`` the topic id of
    a later call year, when its data exists.
    """

    deadline: datetime
    timezone: str
    steps: list[DatedStep]
    country: str | None = None
    workdays: bool = False
    warnings: tuple[str, ...] = ()
    next_call: str | None = None

    def to_dict(self, today: date | None = None) -> dict[str, Any]:
        """The JSON object of the plan."""
        data: dict[str, Any] = {"deadline": self.deadline.isoformat(),
                                "timezone": self.timezone}
        if today is not None:
            data["today"] = today.isoformat()
        data.update({"country": self.country, "workdays": self.workdays,
                     "warnings": list(self.warnings), "next_call": self.next_call})
        data["steps"] = [s.to_dict(today) for s in self.steps]
        return data

    def with_deadline_check(self, now: datetime, later: str | None = None,
                            later_deadline: datetime | None = None) -> Plan:
        """The plan with a warning if ``now`` (aware) is past the deadline.

        ``later`` is the topic id of the next call year with data (and its deadline).
        """
        if now <= self.deadline:
            return self
        text = f"the deadline {self.deadline:%Y-%m-%d %H:%M} has passed"
        if later and later_deadline:
            text += (f"; the next call year with data is {later} (deadline "
                     f"{later_deadline:%Y-%m-%d}): plan it with --call {later}")
        else:
            text += ("; no later call year has data yet: give --deadline when the next call "
                     "is published, or add its call rules file (PROPOSAL_KIT_CALLS)")
        return replace(self, warnings=(*self.warnings, text), next_call=later)


def load_steps(file: Path | None = None) -> tuple[Steps, Path]:
    """The steps of ``file``, else of ``PROPOSAL_KIT_PLAN``, else the built-in plan.

    Raises:
        UsageError: the file does not exist.
        InputError: the file is invalid.
    """
    if file is None:
        env = os.environ.get(ENV_VAR)
        file = Path(env).expanduser() if env else data_dir() / "plan.yaml"
    try:
        doc = read_yaml(file)
    except YamlFileError as exc:
        first = exc.findings[0]
        raise InputError(first.message, location=SourceLocation(file, first.line,
                                                                first.column)) from None
    steps, findings = validate_document(doc, Steps)
    errors = [f for f in findings if f.severity.value == "error"]
    if steps is None or errors:
        first = errors[0]
        raise InputError(f"invalid plan file: {first.message}",
                         location=SourceLocation(file, first.line, first.column),
                         hint=first.hint)
    ids = [s.id for s in steps.steps]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"invalid plan file: duplicate step id(s) {', '.join(dupes)}",
                         location=SourceLocation(file))
    return steps, file


def parse_deadline(text: str, zone: str = "Europe/Brussels") -> datetime:
    """Parse an ISO date-time; a naive one is in ``zone``, a bare date means 17:00."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"cannot read the deadline '{text}'",
                         hint="give an ISO date-time such as 2026-03-10T17:00") from None
    if len(text.strip()) == 10:
        value = value.replace(hour=17)
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone))


def day_off(day: date, country: str | None) -> str | None:
    """Why ``day`` is no working day, else None.

    "Saturday", "Sunday" or "public holiday in SE: <name>" for ``country`` (an ISO code),
    from the maintained ``holidays`` package.
    """
    if day.weekday() >= 5:
        return day.strftime("%A")
    if country:
        import holidays

        try:
            found = holidays.country_holidays(country, years=day.year)
        except NotImplementedError:
            raise UsageError(f"no public holidays known for country '{country}'",
                             hint="give an ISO 3166-1 alpha-2 code such as SE") from None
        name = found.get(day)
        if name:
            return f"public holiday in {country}: {name}"
    return None


def _day_off_text(why: str) -> str:
    return f"a {why}" if why in ("Saturday", "Sunday") else why


@contextmanager
def _within_calendar(deadline: datetime) -> Iterator[None]:
    """A date computed meanwhile that falls outside years 1 to 9999 is a usage error."""
    try:
        yield
    except OverflowError:
        raise UsageError(f"the plan for the deadline {deadline.date().isoformat()} has dates "
                         "outside the calendar (years 1 to 9999)",
                         hint="give a deadline such as 2026-03-10T17:00, and steps of at most "
                              "a few years before it") from None


def build_plan(deadline: datetime, steps: Steps, country: str | None = None,
               workdays: bool = False) -> Plan:
    """Date every step of ``steps`` back from ``deadline`` (aware), in the steps' zone.

    A step on a weekend or a public holiday of ``country`` is noted; with ``workdays`` a
    movable step goes to the working day before.

    Raises:
        UsageError: a step's date falls outside the calendar.
    """
    with _within_calendar(deadline):
        return _build_plan(deadline, steps, country, workdays)


def _build_plan(deadline: datetime, steps: Steps, country: str | None,
                workdays: bool) -> Plan:
    tz = ZoneInfo(steps.timezone)
    local_deadline = deadline.astimezone(tz)
    dated = []
    for step in steps.steps:
        day = local_deadline.date() + timedelta(days=step.offset_days)
        note = day_off(day, country)
        moved_from = None
        if note and workdays and step.movable:
            moved_from, why = day, note
            while note:
                day -= timedelta(days=1)
                note = day_off(day, country)
            note = f"moved from {moved_from:%a %Y-%m-%d}, {_day_off_text(why)}"
        elif note:
            note = _day_off_text(note) + ("; --workdays moves it" if step.movable else "")
        at: datetime | None = None
        if step.time == "deadline":
            at = datetime.combine(day, local_deadline.timetz().replace(tzinfo=None), tz)
        elif step.time is not None:
            hours, minutes = (int(x) for x in step.time.split(":"))
            at = datetime.combine(day, time(hours, minutes), tz)
        dated.append(DatedStep(step, day, at, note, moved_from))
    dated.sort(key=lambda s: (s.day, s.at is not None, s.at or local_deadline))
    return Plan(local_deadline, steps.timezone, dated, country, workdays)


def plan_ics(plan: Plan, name: str = "proposal") -> bytes:
    """The plan as an iCalendar file: all-day events, timed ones for timed steps.

    The output is deterministic: UIDs come from the step id and the deadline, and the
    time stamp is the deadline's.

    Raises:
        UsageError: an event's end falls outside the calendar.
    """
    with _within_calendar(plan.deadline):
        return _plan_ics(plan, name)


def _plan_ics(plan: Plan, name: str) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//proposal-kit//plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{name}: preparation plan")
    stamp = plan.deadline.astimezone(ZoneInfo("UTC"))
    key = plan.deadline.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%MZ")
    for dated in plan.steps:
        step = dated.step
        event = Event()
        digest = hashlib.sha256(f"{name}|{step.id}|{key}".encode()).hexdigest()[:16]
        event.add("uid", f"{step.id}-{key}-{digest}@proposal-kit")
        event.add("dtstamp", stamp)
        event.add("summary", f"{name}: {step.title}")
        text = step.description
        text += f"\n\nResponsible: {step.responsible}"
        if step.source:
            text += f"\nSource: {step.source}"
        if dated.note:
            text += f"\nNote: {dated.note}"
        event.add("description", text)
        if dated.at is None:
            event.add("dtstart", dated.day)
            event.add("dtend", dated.day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            start = dated.at.astimezone(ZoneInfo("UTC"))
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=30))
        event.add("categories", [step.responsible])
        cal.add_component(event)
    return bytes(cal.to_ical())
