"""`review`: hints from the official form's guidance (deliverables, WP order, ethics).

The subcontracting share moved to `check` (budget.subcontracting-share, tested in
tests/test_budget_rules.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conftest import EXAMPLES, load
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
