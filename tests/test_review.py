"""`review`: coverage of the call's activities and the award-criteria self-assessment."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from conftest import EXAMPLES, load
from proposal_kit import load_project
from proposal_kit.budget import compute_budget
from proposal_kit.check import check_file
from proposal_kit.cli import cli
from proposal_kit.review import ReviewReport, review_file
from proposal_kit.review.activities import _readable

LOT2 = EXAMPLES / "lot2-blueprint"
LOT1 = EXAMPLES / "lot1-education-enterprises"

Edit = Callable[[dict[str, Any]], None]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def codes(report: ReviewReport) -> list[str]:
    return [f.code for f in report.findings]


def wp(data: dict[str, Any], wp_id: str) -> dict[str, Any]:
    return next(w for w in data["work_packages"] if w["id"] == wp_id)


def move_reactive(data: dict[str, Any]) -> None:
    """WP3's deliverables due after month 18, its tasks and end moved with them."""
    wp3 = wp(data, "WP3")
    wp3["end"] = 24
    for task in wp3["tasks"]:
        task["end"] = 24
    for item in [*wp3["deliverables"], *wp3["milestones"]]:
        item["due"] = max(item["due"], 20)


def test_lot2_example_is_covered_and_clean() -> None:
    report = review_file(LOT2 / "project.yaml")
    assert report.valid and not report.failed()
    assert all(a.covered_by for a in report.activities)
    assert {a.slug for a in report.activities} == {
        "strategic-approach", "skills-intelligence", "skills-strategy", "reactive-curricula",
        "proactive-curricula", "delivery", "long-term-plan"}
    assert report.summary["warning"] <= 2
    assert all(r.found_in for r in report.requirements)
    assert [c.criterion.id for c in report.criteria] == ["relevance", "design",
                                                        "partnership", "impact"]


def test_lot1_example_has_no_errors() -> None:
    report = review_file(LOT1 / "project.yaml")
    assert report.valid and not report.failed()
    assert any(a.covered_by for a in report.activities)
    # Five work packages of 2-3 tasks fill their tables: the tables' pages hold fewer words
    # than text pages, so 4.2 is not thin.
    assert "review.section-thin" not in codes(report), report.findings


def test_uncovered_activity(mutate: Callable[[Edit], ReviewReport]) -> None:
    def edit(data: dict[str, Any]) -> None:
        for w in data["work_packages"]:
            for item in [w, *w.get("tasks", []), *w.get("deliverables", [])]:
                if "covers" in item:
                    item["covers"] = [c for c in item["covers"] if c != "reactive-curricula"]

    report = mutate(edit)
    assert report.failed()
    reactive = next(a for a in report.activities if a.slug == "reactive-curricula")
    assert reactive.covered_by == []
    assert [g.finding.code for g in reactive.findings] == ["review.activity-missing"]


def test_reactive_deliverables_after_month_18(mutate: Callable[[Edit], ReviewReport]) -> None:
    report = mutate(move_reactive)
    late = [f for f in report.findings if f.code == "review.reactive-late"]
    assert late and all(f.severity == "error" for f in late)
    assert "month 20" in late[0].message and late[0].line is not None


def test_strategy_due_month_20(mutate: Callable[[Edit], ReviewReport]) -> None:
    def edit(data: dict[str, Any]) -> None:
        wp(data, "WP2")["deliverables"][2]["due"] = 20

    report = mutate(edit)
    assert "review.strategy-late" in codes(report)
    assert "D2.3" in next(f.message for f in report.findings
                          if f.code == "review.strategy-late")


def test_no_eqf_6_to_8(mutate: Callable[[Edit], ReviewReport]) -> None:
    def edit(data: dict[str, Any]) -> None:
        for d in wp(data, "WP4")["deliverables"]:
            if set(d.get("eqf_levels", [])) & {6, 7, 8}:
                del d["eqf_levels"]

    report = mutate(edit)
    eqf = [f for f in report.findings if f.code == "review.eqf-span"]
    assert len(eqf) == 1 and "6-8" in eqf[0].message


def test_section_without_text(mutate: Callable[[Edit], ReviewReport]) -> None:
    report = mutate(lambda data: data["sections"].pop("impact"))
    missing = [g for g in report.gaps if g.finding.code == "review.section-missing"]
    assert len(missing) == 1
    assert "3.1" in missing[0].finding.message and "Impact" in missing[0].finding.message
    assert missing[0].criterion == "impact"
    impact = next(c for c in report.criteria if c.criterion.id == "impact")
    assert missing[0] in impact.findings


def test_risk_objective_and_placeholder(mutate: Callable[[Edit], ReviewReport],
                                        tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        del data["risks"][0]["mitigation"]
        data["objectives"][1]["indicators"] = []
        data["sections"]["background"] = {"text": "Our background.\n\nTODO: add figures.\n"
                                          + "word " * 900}

    report = mutate(edit)
    found = codes(report)
    assert "review.risk-mitigation" in found
    assert "review.objective-indicators" in found
    placeholder = next(f for f in report.findings if f.code == "review.placeholder")
    assert "1.1" in placeholder.message and "line 3" in placeholder.message


def test_thin_section_and_prompt(mutate: Callable[[Edit], ReviewReport]) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["sections"]["impact"] = {"text": "Short."}
        data["sections"]["dissemination"] = {"text": (
            "How will the project communicate and disseminate its results, to whom, through "
            "which channels and when? " + "word " * 600)}

    report = mutate(edit)
    thin = [f.message for f in report.findings if f.code == "review.section-thin"]
    assert any("3.1" in message for message in thin), thin
    assert any(f.code == "review.placeholder" and "3.2" in f.message for f in report.findings)


def test_management_share_and_structure(mutate: Callable[[Edit], ReviewReport]) -> None:
    by_wp = compute_budget(load_project(LOT2 / "project.yaml").proposal).by_work_package()
    others = sum(t.total for wp_id, t in by_wp.items() if wp_id != "WP1")
    # Other services of P1 (plus their 7 % indirect costs) that bring WP1 to 30 % of the costs.
    extra = (0.3 / 0.7 * others - by_wp["WP1"].total) / 1.07

    def edit(data: dict[str, Any]) -> None:
        wp1 = wp(data, "WP1")
        wp1["costs"]["P1"]["other_goods"] = {"units": 1, "cost": round(extra, 2)}
        del wp1["costs"]["P15"]["staff"]  # travel costs but no person-months
        wp(data, "WP6")["deliverables"] = []
        for w in data["work_packages"]:
            for t in w.get("tasks", []):
                t["participants"] = [x for x in t["participants"] if x != "P12"]
                if t.get("lead") == "P12":
                    t["lead"] = "P1"

    report = mutate(edit)
    found = codes(report)
    share = next(f for f in report.findings if f.code == "review.management-share")
    assert "30%" in share.message
    assert "review.budget-no-effort" in found
    assert "review.wp-no-deliverable" in found
    assert any(f.code == "review.beneficiary-no-task" and "P12" in f.message
               for f in report.findings)


def test_requirement_missing(mutate: Callable[[Edit], ReviewReport]) -> None:
    report = mutate(lambda data: data["sections"].update(
        complementarity={"text": "We build on earlier projects. " * 200}))
    gap = next(g for g in report.gaps if g.finding.code == "review.requirement-missing")
    assert "CoVE" in gap.finding.message and gap.criterion == "relevance"


def test_mutated_example_still_passes_check(tmp_path: Path) -> None:
    folder = tmp_path / "lot2"
    shutil.copytree(LOT2, folder)
    file = folder / "project.yaml"
    data = load(file)
    move_reactive(data)
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    assert not check_file(file).failed()


def test_cli_text_json_md() -> None:
    code, out = run("review", str(LOT2 / "project.yaml"))
    assert code == 0 and "Award criteria" in out and "reactive-curricula" in out
    code, out = run("review", "--format", "json", str(LOT2 / "project.yaml"))
    data = json.loads(out)
    assert code == 0
    assert {"activities", "criteria", "findings", "summary"} <= set(data)
    assert set(data["activities"][0]) >= {"slug", "covered_by", "findings"}
    assert set(data["criteria"][0]) >= {"name", "max_points", "sections", "findings"}
    assert data["criteria"][0]["max_points"] == 25
    code, out = run("review", "--format", "md", str(LOT2 / "project.yaml"))
    assert code == 0 and out.startswith("# Review of") and "| Activity |" in out


def test_cli_exit_codes(mutate: Callable[[Edit], ReviewReport], tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        for w in data["work_packages"]:
            if w["id"] in ("WP6", "WP7"):
                w.pop("covers", None)
                for d in w["deliverables"]:
                    d.pop("covers", None)

    mutate(edit)
    code, out = run("review", str(tmp_path / "lot2" / "project.yaml"))
    assert code == 1 and "review.activity-missing" in out
    code, out = run("review", str(tmp_path / "missing.yaml"))
    assert code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("call: X\nacronym: [\n", encoding="utf-8")
    code, out = run("review", str(bad))
    assert code == 1 and "Traceback" not in out
    code, out = run("review", "--format", "json", str(bad))
    assert code == 1 and json.loads(out)["valid"] is False


@pytest.mark.parametrize(("pattern", "shown"), [
    (r"\bCoVEs?\b|centres? of vocational excellence",
     "CoVE[s], centre[s] of vocational excellence"),
    ("work[- ]based|challenge[- ]based", "work-based, challenge-based"),
    ("continuing (vocational )?(education|training)|working[- ]age",
     "continuing [vocational] (education/training), working-age"),
    ("long[- ]term (action )?plan|roll[- ]?out", "long-term [action] plan, roll-out"),
])
def test_search_patterns_are_shown_as_words(pattern: str, shown: str) -> None:
    """A hint says what was looked for in words, not in regular-expression syntax."""
    assert _readable(pattern) == shown
