"""`check`'s budget rules (rules/budget.py): each code from a minimal mutation of a
categorised project, located at the line of the YAML key it is about."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from budget_projects import categorised, write_marked
from conftest import EXAMPLES, load
from proposal_kit import load_project
from proposal_kit.budget import compute_budget
from proposal_kit.check import check_file
from proposal_kit.findings import Finding

Edit = Callable[[dict[str, Any]], str]


def _check(tmp_path: Path, edit: Edit) -> tuple[list[Finding], list[str]]:
    """Check the categorised project with ``edit`` applied; its findings and the line of the
    marker ``edit`` returns (see :func:`write_marked`)."""
    data = categorised()
    file, line = write_marked(tmp_path, data, edit(data))
    return check_file(file).findings, [str(line)]


def _wp(data: dict[str, Any], n: int) -> dict[str, Any]:
    wp: dict[str, Any] = data["work_packages"][n]
    return wp


def test_the_categorised_project_has_no_budget_finding(tmp_path: Path) -> None:
    file = tmp_path / "project.yaml"
    file.write_text(yaml.safe_dump(categorised(), sort_keys=False), encoding="utf-8")
    codes = {f.code for f in check_file(file).findings}
    assert not {c for c in codes if c.startswith("budget.")}
    assert "consistency.budget-associated" not in codes


def _staff_type_in_rates(data: dict[str, Any]) -> str:
    data["budget"]["rates"]["P3"]["Wizard"] = 5000
    return "Wizard"


def _staff_type_in_costs(data: dict[str, Any]) -> str:
    _wp(data, 1)["costs"]["P4"]["staff"]["Senior expret"] = 2
    return "Senior expret"


def _rate_missing(data: dict[str, Any]) -> str:
    del data["budget"]["rates"]["P5"]["Junior expert"]
    _wp(data, 2)["costs"]["P5"]["staff"]["Junior expert"] = 4.25  # the line to point at
    return "4.25"


def _figure_and_costs(data: dict[str, Any]) -> str:
    _wp(data, 0)["budget"] = {"P2": 12345}
    return "12345"


def _no_categories(data: dict[str, Any]) -> str:
    wp = _wp(data, 2)
    del wp["costs"]
    wp["budget"] = {pid: 30000 for pid in ("P1", "P2", "P3")}
    return "title: Dissemination and impact»budget:"


def _associated(data: dict[str, Any]) -> str:
    data["partners"].append({"id": "AP1", "name": "Associated Office", "country": "DE",
                             "type": "public-body", "role": "associated"})
    _wp(data, 1)["costs"]["AP1"] = {"travel": {"units": 1, "cost": 777}}
    _wp(data, 1)["tasks"][0]["participants"].append("AP1")
    return "AP1:"


def _third_parties(data: dict[str, Any]) -> str:
    _wp(data, 2)["costs"]["P6"]["financial_support"] = 4321
    return "4321"


def _subcontracting_share(data: dict[str, Any]) -> str:
    _wp(data, 1)["subcontracts"] = [{"title": "Survey fieldwork", "partner": "P2",
                                     "cost": 600000}]
    _wp(data, 1)["costs"]["P2"]["subcontracting"] = 600000
    return "work_packages:"


def _coordination(data: dict[str, Any]) -> str:
    _wp(data, 0)["subcontracts"].append({"title": "Consortium coordination support",
                                         "partner": "P1", "cost": 0})
    return "Consortium coordination support"


def _mismatch(data: dict[str, Any]) -> str:
    _wp(data, 0)["subcontracts"][0]["cost"] = 30000  # the costs say 24,000
    return "subcontracts:"


def _costs_no_tasks(data: dict[str, Any]) -> str:
    _wp(data, 2)["tasks"] = []
    return "tasks: []"


CASES: dict[str, tuple[Edit, str]] = {
    "budget.staff-type (rates)": (_staff_type_in_rates, "error"),
    "budget.staff-type (costs)": (_staff_type_in_costs, "error"),
    "budget.rate-missing": (_rate_missing, "error"),
    "budget.figure-and-costs": (_figure_and_costs, "warning"),
    "budget.no-categories": (_no_categories, "warning"),
    "consistency.budget-associated": (_associated, "error"),
    "budget.third-party-support": (_third_parties, "error"),
    "budget.subcontracting-share": (_subcontracting_share, "warning"),
    "budget.subcontracted-coordination": (_coordination, "warning"),
    "budget.subcontracting-mismatch": (_mismatch, "warning"),
    "budget.costs-no-tasks": (_costs_no_tasks, "warning"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_budget_rule_fires_where_the_mutation_is(tmp_path: Path, case: str) -> None:
    edit, severity = CASES[case]
    code = case.split(" ")[0]
    findings, (line,) = _check(tmp_path, edit)
    found = [f for f in findings if f.code == code]
    assert found, (code, [f.code for f in findings])
    assert {f.severity.value for f in found} == {severity}
    assert line in {str(f.line) for f in found}, ([f.message for f in found], line)
    others = {f.code for f in findings if f.code.startswith("budget.")} - {code}
    assert not others - {"budget.no-categories", "budget.subcontracting-mismatch",
                         "budget.costs-no-task", "budget.subcontracting-share"}


def test_a_partner_with_costs_in_no_task_of_the_wp(tmp_path: Path) -> None:
    data = categorised()
    _wp(data, 0)["tasks"][0]["participants"].remove("P8")
    file = tmp_path / "project.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    found = [f for f in check_file(file).findings if f.code == "budget.costs-no-task"]
    assert [f.message for f in found] == [
        "WP1: P8 has costs but leads or takes part in no task of this work package"]
    lines = file.read_text(encoding="utf-8").splitlines()
    costs = next(n for n, text in enumerate(lines, 1) if text.strip() == "costs:")
    p8 = next(n for n, text in enumerate(lines, 1) if n > costs and text.strip() == "P8:")
    assert found[0].line == p8


def test_the_messages_give_the_figures(tmp_path: Path) -> None:
    findings, _ = _check(tmp_path, _third_parties)
    third = next(f for f in findings if f.code == "budget.third-party-support")
    assert "EUR 4,321" in third.message and "WP3" in third.message and "P6" in third.message
    findings, _ = _check(tmp_path, _mismatch)
    mismatch = next(f for f in findings if f.code == "budget.subcontracting-mismatch")
    assert "EUR 30,000" in mismatch.message and "EUR 24,000" in mismatch.message


def test_subcontracting_over_thirty_percent(tmp_path: Path) -> None:
    """On the Lot 2 example: `check` warns (the rule moved there from review)."""
    folder = tmp_path / "lot2"
    shutil.copytree(EXAMPLES / "lot2-blueprint", folder)
    file = folder / "project.yaml"

    def warned() -> list[str]:
        return [f.message for f in check_file(file).findings
                if f.code == "budget.subcontracting-share"]

    assert not warned()
    total = compute_budget(load_project(file).proposal).total_costs
    data = load(file)
    wp = data["work_packages"][1]
    cost = round(total * 0.45)  # 45 % of today's total is over 30 % of the new one
    wp["subcontracts"] = [{"title": "Survey fieldwork", "partner": "P14", "cost": cost}]
    wp["costs"]["P14"]["subcontracting"] = cost
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    share = warned()
    assert share and "over 30%" in share[0] and "S2.1" in share[0]
