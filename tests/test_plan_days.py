"""`plan`: deadlines already past, weekends and public holidays, --workdays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from proposal_kit.cli import cli
from proposal_kit.resources import builtin_calls_dir

ROOT = Path(__file__).resolve().parent.parent
LOT2 = "ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT"
LOT2_PROJECT = ROOT / "examples" / "lot2-blueprint" / "project.yaml"  # coordinator in DK


def plan_json(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["plan", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def steps_of(data: dict[str, object]) -> dict[str, dict[str, object]]:
    steps = data["steps"]
    assert isinstance(steps, list)
    return {s["id"]: s for s in steps}


def test_weekend_and_holiday_are_said_and_workdays_moves_them() -> None:
    data = plan_json(str(LOT2_PROJECT), "--today", "2025-11-01")
    assert data["country"] == "DK" and data["workdays"] is False
    steps = steps_of(data)
    # 2026-02-28, ten days before 10 March 2026, is a Saturday.
    assert steps["signature-documents"]["date"] == "2026-02-28"
    assert steps["signature-documents"]["note"] == "a Saturday; --workdays moves it"
    # 75 days before the deadline is Christmas Day, a public holiday in Denmark.
    assert steps["generic-texts"]["date"] == "2025-12-25"
    assert "public holiday in DK: Christmas Day" in str(steps["generic-texts"]["note"])
    assert steps["first-draft"]["note"] is None  # a Tuesday
    moved = steps_of(plan_json(str(LOT2_PROJECT), "--today", "2025-11-01", "--workdays"))
    assert moved["signature-documents"]["date"] == "2026-02-27"
    assert moved["signature-documents"]["moved_from"] == "2026-02-28"
    assert moved["generic-texts"]["date"] == "2025-12-24"
    assert moved["deadline"]["date"] == "2026-03-10" and moved["deadline"]["moved_from"] is None


def test_holidays_of_the_country_given_and_a_deadline_that_never_moves(
        tmp_path: Path) -> None:
    steps = tmp_path / "steps.yaml"
    steps.write_text("steps:\n  - id: sign\n    title: Sign\n    responsible: me\n"
                     "    offset_days: -1\n  - id: end\n    title: End\n    responsible: EU\n"
                     "    offset_days: 0\n    movable: false\n", encoding="utf-8")
    # 2026-06-06 is Sweden's National Day (a Saturday); 2026-06-07 a Sunday.
    data = plan_json("--deadline", "2026-06-07T12:00", "--steps", str(steps),
                     "--country", "SE", "--workdays", "--today", "2026-01-01")
    by_id = steps_of(data)
    assert by_id["sign"]["date"] == "2026-06-05"
    assert "a Saturday" in str(by_id["sign"]["note"])
    assert by_id["end"]["date"] == "2026-06-07"
    assert by_id["end"]["note"] == "a Sunday"
    # A weekday public holiday: Whit Monday 2026-05-25 in Germany, for a step on that day.
    data = plan_json("--deadline", "2026-05-26T12:00", "--steps", str(steps), "--country",
                     "DE", "--today", "2026-01-01")
    assert "public holiday in DE" in str(steps_of(data)["sign"]["note"])
    bad = CliRunner().invoke(cli, ["plan", "--call", LOT2, "--country", "XX"])
    assert bad.exit_code == 2 and "no public holidays known" in bad.output
    assert "Traceback" not in bad.output


def test_weekends_only_without_a_country() -> None:
    result = CliRunner().invoke(cli, ["plan", "--call", LOT2, "--today", "2026-01-01"])
    assert result.exit_code == 0
    assert "weekends only" in result.stdout
    assert "a Saturday; --workdays moves it" in result.stdout


def test_a_past_deadline_is_a_warning_without_later_data() -> None:
    result = CliRunner().invoke(cli, ["plan", "--call", LOT2, "--today", "2026-03-11"])
    assert result.exit_code == 0
    assert "warning: the deadline 2026-03-10 17:00 has passed" in result.stderr
    assert "no later call year has data yet" in result.stderr
    data = plan_json("--call", LOT2, "--today", "2026-03-11")
    assert data["next_call"] is None and len(data["warnings"]) == 1  # type: ignore[arg-type]
    assert plan_json("--call", LOT2, "--today", "2026-03-01")["warnings"] == []


def test_a_past_deadline_offers_the_next_call_year(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    topic = "ERASMUS-EDU-2027-PI-ALL-INNO-BLUEPRINT"
    text = (builtin_calls_dir() / f"{LOT2}.yaml").read_text(encoding="utf-8")
    text = text.replace(LOT2, topic).replace("year: 2026", "year: 2027")
    text = text.replace('"2026-03-10T17:00:00"', '"2027-03-09T17:00:00"')
    (tmp_path / f"{topic}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("PROPOSAL_KIT_CALLS", str(tmp_path))
    result = CliRunner().invoke(cli, ["plan", "--call", LOT2, "--today", "2026-04-01"])
    assert result.exit_code == 0
    assert f"plan it with --call {topic}" in result.stderr
    assert "deadline 2027-03-09" in result.stderr
    data = plan_json("--call", LOT2, "--today", "2026-04-01")
    assert data["next_call"] == topic
    # The 2027 plan itself is in the future: no warning.
    assert plan_json("--call", topic, "--today", "2026-04-01")["warnings"] == []


def test_the_timeline_page_shows_what_plan_prints() -> None:
    """docs/explanation/timeline.md holds a plan run: the same command prints the same."""
    import shlex

    page = (ROOT / "docs" / "explanation" / "timeline.md").read_text(encoding="utf-8")
    block = page.split("```console\n", 1)[1].split("```", 1)[0]
    command, expected = block.split("\n", 1)
    args = shlex.split(command.removeprefix("$ "))
    assert args[:2] == ["proposal-kit", "plan"]
    result = CliRunner().invoke(cli, args[1:])
    assert result.exit_code == 0
    assert result.stdout == expected
