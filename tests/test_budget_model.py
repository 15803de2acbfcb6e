"""The lump-sum budget model: costs by category, indirect costs, totals and the grant."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import LOT1, project
from proposal_kit import check_file
from proposal_kit.budget import catalogue, compute_budget
from proposal_kit.calls import load_call
from proposal_kit.project import load_project

Writer = Callable[..., Path]


def costed(**costs: Any) -> dict[str, Any]:
    """A Lot 1 project whose one WP has costs by category for P1 and P2."""
    data = project(LOT1)
    data["budget"] = {"staff_types": ["Manager", "Expert"],
                      "rates": {"P1": {"Manager": 6000, "Expert": 4500},
                                "P2": {"Manager": 3000, "Expert": 2500}}}
    p1 = {"staff": {"Manager": 10, "Expert": 4},
          "travel": {"units": 6, "cost": 400, "persons": 2},
          "accommodation": {"units": 12, "cost": 110}, "subsistence": {"units": 18, "cost": 60},
          "volunteers": {"units": 2, "cost": 1500}, "subcontracting": 12000,
          "meetings": {"units": 1, "cost": 3500.5}}
    p2 = {"staff": {"Expert": {"units": 3, "cost": 2800}}, "equipment": 1999.99}
    data["work_packages"] = [{
        "id": "WP1", "title": "Management", "lead": "P1", "start": 1, "end": 24,
        "costs": {"P1": p1, "P2": p2, **costs},
        "tasks": [{"title": "Coordinate", "lead": "P1", "participants": ["P2"]}]}]
    return data


def budget_of(writer: Writer, data: dict[str, Any]) -> Any:
    proposal = load_project(writer(data)).proposal
    return compute_budget(proposal, load_call(proposal.call))


def test_lines_are_units_times_cost_and_indirect_leaves_out_volunteers(
        write_project: Writer) -> None:
    budget = budget_of(write_project, costed())
    p1 = budget.cell("WP1", "P1")
    assert p1.amounts["staff"] == 10 * 6000 + 4 * 4500
    assert p1.amounts["travel"] == 2400 and p1.units("travel") == 6
    assert p1.amounts["volunteers"] == 3000
    assert p1.direct == 78000 + 2400 + 1320 + 1080 + 3000 + 12000 + 3500.5
    # The workbook's formula: 7 % of the direct costs less A.5 volunteers, to the cent.
    assert p1.indirect == round((p1.direct - 3000) * 0.07, 2)
    assert p1.person_months == 10 + 4 + 2
    p2 = budget.cell("WP1", "P2")
    assert p2.amounts == {"staff": 8400, "equipment": 1999.99}
    assert catalogue().indirect.excludes == ("volunteers",)


def test_totals_by_partner_wp_and_category_each_add_up(write_project: Writer) -> None:
    budget = budget_of(write_project, costed())
    total = budget.total_costs
    assert total == round(budget.direct_costs + budget.indirect_costs, 2)
    assert round(sum(t.total for t in budget.by_partner().values()), 2) == total
    assert round(sum(t.total for t in budget.by_work_package().values()), 2) == total
    assert round(sum(budget.by_category().values()), 2) == total
    assert round(sum(budget.by_group().values()), 2) == total
    assert budget.indirect_costs <= 0.07 * budget.direct_costs
    report = budget.as_json()
    for key in ("total_costs", "indirect_costs", "requested_grant", "max_grant",
                "funding_rate", "by_partner", "by_work_package", "categories"):
        assert key in report
    assert report["requested_grant"] == round(0.8 * total, 2)


def test_the_cap_sets_the_grant_when_80_percent_is_above_it(write_project: Writer) -> None:
    big = costed(P3={"subcontracting": {"units": 1, "cost": 2_000_000}})
    big["work_packages"][0]["tasks"][0]["participants"].append("P3")
    budget = budget_of(write_project, big)
    assert budget.cap_binds
    assert budget.requested_grant == budget.max_grant
    assert budget.requested_grant < 0.8 * budget.total_costs


def test_old_single_figures_still_load_and_warn(write_project: Writer) -> None:
    data = costed()
    data["work_packages"][0].pop("costs")
    data["work_packages"][0]["budget"] = {"P1": 1000, "P2": 500}
    budget = budget_of(write_project, data)
    assert budget.total_costs == 1500 and not budget.detailed
    assert budget.by_category() == {"uncategorised": 1500}
    codes = [f.code for f in check_file(write_project(data)).findings]
    assert "budget.no-categories" in codes


@pytest.mark.parametrize("value, words", [
    ("-5", "at least 0"), (".nan", "finite"), (".inf", "finite"),
    ("true", "expected a number"), ("'lots'", "expected a number")])
def test_bad_amounts_are_errors_at_their_line(write_project: Writer, value: str,
                                              words: str) -> None:
    import yaml

    text = yaml.safe_dump(costed(), sort_keys=False).replace(
        "cost: 110", f"cost: {value}", 1)
    result = check_file(write_project(text))
    errors = [f for f in result.findings if f.severity.value == "error"]
    assert errors, f"{value} was accepted"
    line = text.splitlines().index(
        next(x for x in text.splitlines() if f"cost: {value}" in x)) + 1
    assert any(words in f.message.lower() or words in f.message for f in errors), errors
    assert any(f.line == line for f in errors), [(f.line, f.message) for f in errors]


def test_staff_types_and_rates_must_resolve(write_project: Writer) -> None:
    data = costed()
    data["work_packages"][0]["costs"]["P1"]["staff"]["Manger"] = 1
    data["work_packages"][0]["costs"]["P2"]["staff"]["Manager"] = 2
    data["budget"]["rates"]["P2"].pop("Manager")
    found = {f.code: f for f in check_file(write_project(data)).findings}
    assert "Manager" in (found["budget.staff-type"].hint or "")
    assert "P2" in found["budget.rate-missing"].message


def test_more_than_five_staff_types_is_an_error(write_project: Writer) -> None:
    data = costed()
    data["budget"]["staff_types"] = [f"Type {n}" for n in range(6)]
    errors = [f for f in check_file(write_project(data)).findings
              if f.severity.value == "error"]
    assert errors and "budget" in str(errors[0].path)
