"""`plan`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from ..errors import UsageError
from .options import OutputPath, PathType, force_option, format_option
from .output import echo, emit_json, style

if TYPE_CHECKING:
    from ..calls import CallRules

__all__ = ["COMMANDS"]


def _deadline(file: Path | None, topic: str | None, deadline: str | None,
              zone: str) -> tuple[datetime, str, CallRules | None, str | None]:
    """The deadline, where it comes from, the call (if any) and the coordinator's country."""
    from ..calls import load_call
    from ..plan import parse_deadline

    country = None
    if file is not None:
        from ..project import load_project

        proposal = load_project(file).proposal
        topic = topic or proposal.call
        country = next((p.country for p in proposal.partners if p.role == "coordinator"),
                       None)
    if deadline:
        return parse_deadline(deadline, zone), "deadline given", None, country
    if topic is None:
        raise UsageError("no deadline: give a project FILE, --call TOPIC or --deadline")
    rules = load_call(topic)
    return rules.deadline, topic, rules, country


def _local(value: datetime, zone: ZoneInfo | None) -> datetime:
    return value.astimezone(zone) if zone else value.astimezone()


def _local_times(deadline: datetime, times: list[datetime | None],
                 zone: ZoneInfo | None) -> tuple[datetime, list[datetime | None]]:
    """The deadline and ``times`` in the local zone.

    Raises:
        UsageError: one falls outside the calendar there (9999-12-31 23:59 in Brussels is
            already year 10000 in Kiritimati).
    """
    try:
        return _local(deadline, zone), [_local(t, zone) if t else None for t in times]
    except OverflowError:
        raise UsageError(f"the deadline {deadline:%Y-%m-%d %H:%M} is outside the calendar "
                         "(years 1 to 9999) in the local time zone",
                         hint="give a deadline such as 2026-03-10T17:00, or another "
                              "--local-tz") from None


@click.command()
@click.argument("file", required=False,
                type=PathType(exists=True, dir_okay=False, path_type=Path))
@click.option("--call", "topic", metavar="TOPIC", help="Take the deadline of this call topic.")
@click.option("--deadline", metavar="DATETIME",
              help="Deadline as ISO date-time, e.g. 2026-03-10T17:00 (naive: Brussels time).")
@click.option("--steps", "steps_file", type=PathType(exists=True, dir_okay=False,
              path_type=Path), help="Your own plan steps (YAML) [default: PROPOSAL_KIT_PLAN "
              "or the built-in plan].")
@format_option(("text", "json"))
@click.option("--ics", type=OutputPath(dir_okay=False, path_type=Path),
              help="Also write the plan as an iCalendar file to import in a calendar.")
@force_option("Overwrite an existing --ics file.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]),
              help="Count the days left from this date [default: today].")
@click.option("--local-tz", metavar="ZONE",
              help="Time zone of the local column, e.g. Europe/Stockholm [default: system].")
@click.option("--country", metavar="CC",
              help="Country whose public holidays count (ISO code, e.g. SE) [default: the "
              "coordinator's country in FILE; without either, weekends only].")
@click.option("--workdays", is_flag=True,
              help="Move steps that fall on a weekend or public holiday to the working day "
              "before (the call deadline itself never moves).")
def plan(file: Path | None, topic: str | None, deadline: str | None, steps_file: Path | None,
         output_format: str, ics: Path | None, force: bool, today: datetime | None,
         local_tz: str | None, country: str | None, workdays: bool) -> None:
    """The dated preparation plan, counted back from the call deadline.

    The deadline comes from --deadline, else --call, else the `call` of the project FILE.
    Steps (internal approval, partners, generic texts, drafts, page check, proofreading,
    signature documents to the IRO 10 days before, submission) are data: an IRO gives its
    own with --steps or PROPOSAL_KIT_PLAN. Dates are in Brussels time and in local time.
    A step on a weekend or a public holiday of the coordinator's country is marked (moved
    to the working day before with --workdays). A deadline already past is a warning that
    names the next call year when its data exists.
    """
    from ..calls import next_call, reference_data
    from ..plan import build_plan, load_steps, plan_ics
    from ..render.output import write_guarded

    steps, _ = load_steps(steps_file)
    try:
        zone = ZoneInfo(local_tz) if local_tz else None
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone '{local_tz}'") from None
    when, origin, rules, coordinator = _deadline(file, topic, deadline, steps.timezone)
    code = country or coordinator
    code = reference_data().normalise_country(code) if code else None
    result = build_plan(when, steps, code, workdays)
    day = today.date() if today else date.today()
    now = (datetime.combine(day, datetime.min.time(), result.deadline.tzinfo) if today
           else datetime.now(result.deadline.tzinfo))
    later = next_call(rules, now) if rules else None
    result = result.with_deadline_check(now, later.id if later else None,
                                        later.deadline if later else None)
    # Text output shows local times: one outside the calendar is refused before the write.
    local_deadline, local_times = _local_times(
        result.deadline, [s.at for s in result.steps], zone) if output_format == "text" \
        else (result.deadline, [])
    backup = None
    if ics is not None:
        if ics.suffix.lower() != ".ics":
            raise UsageError(f"the calendar is iCalendar: name the --ics file .ics, not "
                             f"'{ics.name}'")
        inputs = [p for p in (file, steps_file) if p is not None]
        backup = write_guarded(ics, plan_ics(result, origin), force, protected=inputs)
    if output_format == "json":
        emit_json(result.to_dict(day))
        return
    for warning in result.warnings:
        echo(style("warning: ", fg="yellow", bold=True) + warning, err=True)
    local_name = local_deadline.tzname() or "local"
    echo(style(f"Deadline {result.deadline:%Y-%m-%d %H:%M} {result.timezone}", bold=True)
         + f" ({local_deadline:%Y-%m-%d %H:%M} {local_name}); {origin}")
    echo(f"{'date':<10}  {'Brussels':<8}  {'local':<16}  {'days':>5}  {'who':<20}  step")
    for s, at in zip(result.steps, local_times, strict=True):
        brussels = f"{s.at:%H:%M}" if s.at else "-"
        local = f"{at:%Y-%m-%d %H:%M}" if at else "(whole day)"
        left = (s.day - day).days
        colour = "red" if left < 0 else None
        note = f"  ({s.note})" if s.note else ""
        echo(f"{s.day.isoformat():<10}  {brussels:<8}  {local:<16}  "
             + style(f"{left:>5}", fg=colour) + f"  {s.step.responsible:<20}  {s.step.title}"
             + style(note, fg="yellow" if s.moved_from is None else None))
    echo(f"days off: weekends and public holidays of {result.country}" if result.country
         else "days off: weekends only (give --country or a project FILE for public holidays)")
    if ics is not None:
        echo(f"wrote {ics}")
        if backup:
            echo(f"kept a backup of the previous file: {backup}")


COMMANDS = (plan,)
