"""Consistency and completeness rules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import LOT1, project
from proposal_kit import check_file

Writer = Callable[..., Path]


def base(**wp: Any) -> dict[str, Any]:
    data = project(LOT1)
    package = {"id": "WP1", "title": "Management", "lead": "P1", "start": 1, "end": 24,
               "budget": {"P1": 1000, "P2": 500}, "effort": {"P1": 10, "P2": 2},
               "tasks": [{"title": "Coordinate", "lead": "P1", "participants": ["P2"]}],
               "deliverables": [{"title": "Plan", "due": 3, "lead": "P1", "type": "R",
                                 "dissemination": "SEN", "task": "T1.1"}],
               "milestones": [{"title": "Kick-off", "due": 1, "lead": "P1"}]}
    package.update(wp)
    data["work_packages"] = [package]
    return data


def findings(writer: Writer, data: dict[str, Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for f in check_file(writer(data)).findings:
        out.setdefault(f.code, []).append(f)
    return out


def test_base_has_no_consistency_error(write_project: Writer) -> None:
    found = findings(write_project, base())
    assert not [c for c in found if c.startswith("consistency.")
                and found[c][0].severity.value == "error"]


def test_dangling_references_are_errors_with_lines(write_project: Writer) -> None:
    data = base(lead="P77", budget={"P1": 1, "Q2": 5})
    data["work_packages"][0]["tasks"][0]["participants"] = ["P2", "P99"]
    data["risks"] = [{"description": "r", "mitigation": "m", "work_packages": ["WP9"]}]
    found = findings(write_project, data)
    assert len(found["consistency.unknown-partner"]) == 3
    assert all(f.line for f in found["consistency.unknown-partner"])
    assert found["consistency.unknown-work-package"][0].hint == "did you mean 'WP1'?"


def test_duplicate_ids(write_project: Writer) -> None:
    data = base()
    data["partners"][1]["id"] = "P1"
    data["work_packages"][0]["tasks"][0]["id"] = "T-A"
    data["work_packages"][0]["deliverables"][0]["task"] = "T-A"
    data["work_packages"].append(dict(data["work_packages"][0]))
    found = findings(write_project, data)
    messages = " ".join(f.message for f in found["consistency.duplicate-id"])
    assert "partner id 'P1'" in messages and "work package id 'WP1'" in messages
    assert "task id 'T-A'" in messages


def test_months_outside_project_wp_and_task(write_project: Writer) -> None:
    data = base(end=30)
    data["work_packages"][0]["tasks"][0].update({"start": 5, "end": 3})
    data["work_packages"][0]["deliverables"][0]["due"] = 26
    found = findings(write_project, data)
    assert "consistency.month-range" in found
    assert "consistency.month-order" in found
    assert "consistency.due-range" in found


def test_deliverable_within_its_task(write_project: Writer) -> None:
    data = base()
    data["work_packages"][0]["tasks"][0].update({"start": 1, "end": 24})
    data["work_packages"][0]["tasks"].append({"title": "Short", "lead": "P1", "start": 1,
                                              "end": 6})
    data["work_packages"][0]["deliverables"][0].update({"task": "T1.2", "due": 12})
    msg = findings(write_project, data)["consistency.due-range"][0].message
    assert "task T1.2" in msg and "months 1 to 6" in msg


def test_task_needs_lead_and_deliverable_lead_must_take_part(write_project: Writer) -> None:
    data = base()
    del data["work_packages"][0]["tasks"][0]["lead"]
    data["work_packages"][0]["deliverables"][0]["lead"] = "P5"
    found = findings(write_project, data)
    assert "consistency.task-lead" in found
    assert "consistency.deliverable-lead" in found


def test_wp_lead_needs_effort_when_effort_given(write_project: Writer) -> None:
    assert "consistency.lead-effort" in findings(write_project, base(effort={"P2": 3}))
    assert "consistency.lead-effort" not in findings(write_project, base(effort={}))


def test_totals_must_add_up(write_project: Writer) -> None:
    data = base()
    data["totals"] = {"budget": 1500, "effort": 12,
                      "partners": {"P1": {"budget": 1000, "effort": 10},
                                   "P2": {"budget": 400, "effort": 2}}}
    found = findings(write_project, data)
    assert len(found["consistency.budget-total"]) == 1
    assert "P2" in found["consistency.budget-total"][0].message
    assert "consistency.effort-total" not in found


def test_associated_partner_holds_no_budget(write_project: Writer) -> None:
    data = base(budget={"P1": 1000, "X": 10})
    data["partners"].append({"id": "X", "name": "Assoc", "country": "SE", "type": "ngo",
                             "role": "associated"})
    assert "consistency.budget-associated" in findings(write_project, data)


def test_idle_partner_and_idle_months_warn(write_project: Writer) -> None:
    data = base()
    data["work_packages"][0]["tasks"][0].update({"start": 1, "end": 6})
    data["work_packages"][0]["tasks"].append({"title": "Later", "lead": "P1", "start": 13,
                                              "end": 24})
    found = findings(write_project, data)
    assert "months 7-12" in found["consistency.wp-idle"][0].message.replace("month(s) ",
                                                                            "months ")
    idle = {f.message.split()[0] for f in found["consistency.partner-idle"]}
    assert idle == {f"P{i}" for i in range(3, 9)}


def test_wp_without_tasks_or_deliverables_warns(write_project: Writer) -> None:
    found = findings(write_project, base(tasks=[], deliverables=[]))
    assert {"consistency.wp-no-task", "consistency.wp-no-deliverable"} <= set(found)


def test_deliverables_and_milestones_are_numbered(write_project: Writer) -> None:
    from proposal_kit import load_project

    data = base()
    second = dict(data["work_packages"][0], id="WP2", tasks=[], milestones=[
        {"title": "a", "due": 2}, {"title": "b", "due": 3}])
    second["deliverables"] = [{"title": "x", "due": 2}, {"title": "y", "due": 4}]
    data["work_packages"].append(second)
    proposal = load_project(write_project(data)).proposal
    assert [d.number for _, d in proposal.deliverables()] == ["D1.1", "D2.1", "D2.2"]
    assert [m.number for _, m in proposal.milestones()] == ["MS1", "MS2", "MS3"]
    assert proposal.work_packages[0].tasks[0].id == "T1.1"


@pytest.mark.parametrize("missing", ["lead", "type", "dissemination"])
def test_incomplete_deliverable_warns(write_project: Writer, missing: str) -> None:
    data = base()
    del data["work_packages"][0]["deliverables"][0][missing]
    found = findings(write_project, data)
    assert missing in found["completeness.deliverable"][0].message


def test_unknown_activity_slug_is_an_error_with_hint(write_project: Writer) -> None:
    data = base(covers=["knowledge-flw"])
    item = findings(write_project, data)["coverage.unknown-activity"][0]
    assert item.hint == "did you mean 'knowledge-flow'?" and item.line is not None


def test_lot2_required_activity_not_covered_warns(write_project: Writer) -> None:
    from conftest import LOT2

    data = project(LOT2)
    data["work_packages"] = [{"id": "WP1", "title": "All", "lead": "P1", "start": 1,
                              "end": 48, "covers": ["strategic-approach", "delivery"]}]
    missing = {f.message.split("'")[1] for f in
               findings(write_project, data)["coverage.activity-missing"]}
    assert missing == {"skills-intelligence", "skills-strategy", "reactive-curricula",
                       "proactive-curricula", "long-term-plan"}


def test_placeholder_names_are_flagged(write_project: Writer) -> None:
    data = base()
    data["partners"][2]["name"] = "Partner 3 - replace me (vet)"
    data["title"] = "TBD"
    found = findings(write_project, data)["completeness.placeholder"]
    assert {f.message.split(" is ")[0] for f in found} == {"partner P3", "the project title"}
