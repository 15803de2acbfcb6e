"""`plan`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from ..errors import UsageError
from .options import force_option, format_option
from .output import echo, emit_json, style

__all__ = ["COMMANDS"]


def _deadline(file: Path | None, topic: str | None, deadline: str | None,
              zone: str) -> tuple[datetime, str]:
    from ..calls import load_call
    from ..plan import parse_deadline

    if deadline:
        return parse_deadline(deadline, zone), "deadline given"
    if topic is None and file is not None:
        from ..project import load_project

        topic = load_project(file).proposal.call
    if topic is None:
        raise UsageError("no deadline: give a project FILE, --call TOPIC or --deadline")
    return load_call(topic).deadline, topic


def _local(value: datetime, zone: ZoneInfo | None) -> datetime:
    return value.astimezone(zone) if zone else value.astimezone()


@click.command()
@click.argument("file", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--call", "topic", metavar="TOPIC", help="Take the deadline of this call topic.")
@click.option("--deadline", metavar="DATETIME",
              help="Deadline as ISO date-time, e.g. 2026-03-10T17:00 (naive: Brussels time).")
@click.option("--steps", "steps_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Your own plan steps (YAML) [default: PROPOSAL_KIT_PLAN "
              "or the built-in plan].")
@format_option(("text", "json"))
@click.option("--ics", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the plan as an iCalendar file to import in a calendar.")
@force_option("Overwrite an existing --ics file.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]),
              help="Count the days left from this date [default: today].")
@click.option("--local-tz", metavar="ZONE",
              help="Time zone of the local column, e.g. Europe/Stockholm [default: system].")
def plan(file: Path | None, topic: str | None, deadline: str | None, steps_file: Path | None,
         output_format: str, ics: Path | None, force: bool, today: datetime | None,
         local_tz: str | None) -> None:
    """The dated preparation plan, counted back from the call deadline.

    The deadline comes from --deadline, else --call, else the `call` of the project FILE.
    Steps (internal approval, partners, generic texts, drafts, page check, proofreading,
    signature documents to the IRO 10 days before, submission) are data: an IRO gives its
    own with --steps or PROPOSAL_KIT_PLAN. Dates are in Brussels time and in local time.
    """
    from ..plan import build_plan, load_steps, plan_ics
    from ..render.output import write_guarded

    steps, _ = load_steps(steps_file)
    try:
        zone = ZoneInfo(local_tz) if local_tz else None
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone '{local_tz}'") from None
    when, origin = _deadline(file, topic, deadline, steps.timezone)
    result = build_plan(when, steps)
    day = today.date() if today else date.today()
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
    local_name = _local(result.deadline, zone).tzname() or "local"
    echo(style(f"Deadline {result.deadline:%Y-%m-%d %H:%M} {result.timezone}", bold=True)
         + f" ({_local(result.deadline, zone):%Y-%m-%d %H:%M} {local_name}); {origin}")
    echo(f"{'date':<10}  {'Brussels':<8}  {'local':<16}  {'days':>5}  {'who':<20}  step")
    for s in result.steps:
        brussels = f"{s.at:%H:%M}" if s.at else "-"
        local = f"{_local(s.at, zone):%Y-%m-%d %H:%M}" if s.at else "(whole day)"
        left = (s.day - day).days
        colour = "red" if left < 0 else None
        echo(f"{s.day.isoformat():<10}  {brussels:<8}  {local:<16}  "
             + style(f"{left:>5}", fg=colour) + f"  {s.step.responsible:<20}  {s.step.title}")
    if ics is not None:
        echo(f"wrote {ics}")
        if backup:
            echo(f"kept a backup of the previous file: {backup}")


COMMANDS = (plan,)
