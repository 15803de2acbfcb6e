"""`review`: hints from the official form's guidance (deliverables, WP order, ethics), and
the subcontracting share that `check` now reports."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from conftest import EXAMPLES, load
from proposal_kit import load_project
from proposal_kit.budget import compute_budget
from proposal_kit.check import check_file
from proposal_kit.review import ReviewReport

LOT2 = EXAMPLES / "lot2-blueprint"
Edit = Callable[[dict[str, Any]], None]


def found(report: ReviewReport, code: str) -> list[str]:
    return [f.message for f in report.findings if f.code == f"review.{code}"]


def test_more_than_fifteen_deliverables(mutate: Callable[[Edit], ReviewReport]) -> None:
    def keep(n: int) -> Edit:
        """Exactly ``n`` deliverables, spread over the WPs (copies of each WP's own)."""
        def edit(data: dict[str, Any]) -> None:
            wps = data["work_packages"]
            for i, wp in enumerate(wps):
                own = wp["deliverables"]
                count = n // len(wps) + (1 if i < n % len(wps) else 0)
                wp["deliverables"] = [{**own[k % len(own)],
                                       "title": f"{own[k % len(own)]['title']} {k + 1}"}
                                      for k in range(count)]
            assert sum(len(wp["deliverables"]) for wp in wps) == n
        return edit

    assert not found(mutate(keep(15)), "deliverables-many")
    many = found(mutate(keep(16)), "deliverables-many")
    assert many and many[0].startswith("16 deliverables")


def test_wp1_management_and_last_wp_impact(
        mutate: Callable[[Edit], ReviewReport]) -> None:
    report = mutate(lambda d: None)
    assert not found(report, "wp1-not-management") and not found(report, "last-wp-not-impact")

    def swap(data: dict[str, Any]) -> None:
        wps = data["work_packages"]
        wps[0]["title"], wps[1]["title"] = wps[1]["title"], wps[0]["title"]
        wps[-1]["title"] = "Piloting in the regions"

    report = mutate(swap)
    first = found(report, "wp1-not-management")
    assert first and "WP1 'Skills intelligence" in first[0]
    last = found(report, "last-wp-not-impact")
    last_id = f"WP{len(load(LOT2 / 'project.yaml')['work_packages'])}"
    assert last and f"{last_id} 'Piloting in the regions'" in last[0]
    finding = next(f for f in report.findings if f.code == "review.last-wp-not-impact")
    assert finding.line is not None  # located in project.yaml


def test_ethics_text_speaks_of_gender_and_children(
        mutate: Callable[[Edit], ReviewReport]) -> None:
    def ethics(text: str) -> Edit:
        def edit(data: dict[str, Any]) -> None:
            data["sections"]["ethics"] = {"text": text}
        return edit

    both = found(mutate(ethics("Personal data follow the GDPR.")), "ethics-topics")
    assert both and "gender mainstreaming or children's rights" in both[0]
    one = found(mutate(ethics("Gender mainstreaming runs through every WP.")),
                "ethics-topics")
    assert one and "children's rights" in one[0] and "gender" not in one[0].split("of ")[1]
    assert not found(mutate(ethics(
        "Gender equality is mainstreamed; no minors take part, and children's rights are "
        "respected in all pilots.")), "ethics-topics")


def test_subcontracting_over_thirty_percent(tmp_path: Path) -> None:
    """`check` warns (the rule moved there from review with the budget by category)."""
    folder = tmp_path / "lot2"
    shutil.copytree(LOT2, folder)
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
