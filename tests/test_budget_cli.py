"""`proposal-kit budget`: the figures as finance officers check them, the formats, the errors."""

from __future__ import annotations

import errno
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, LOT1, load, project
from proposal_kit.cli import cli

Writer = Callable[..., Path]


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, ["budget", *args], env=env)


def costed(work_packages: int = 2, affiliated: bool = True, **extra: Any) -> dict[str, Any]:
    """A Lot 1 project with costs by category in every WP, and an affiliated entity."""
    data = project(LOT1, **extra)
    if affiliated:
        data["partners"].append({"id": "AE1", "name": "Stiftelse Exempel", "country": "SE",
                                 "type": "ngo", "role": "affiliated", "affiliated_to": "P2"})
    ids = [p["id"] for p in data["partners"]]
    data["budget"] = {"staff_types": ["Manager", "Expert", "Technician"],
                      "rates": {pid: {"Manager": 5000 + 100 * n, "Expert": 4100.5,
                                      "Technician": 2990} for n, pid in enumerate(ids)}}
    wps = []
    for w in range(work_packages):
        costs: dict[str, Any] = {}
        for n, pid in enumerate(ids):
            costs[pid] = {"staff": {"Manager": 0.5 + n % 3, "Expert": 2 + w},
                          "travel": {"units": 2 + n % 2, "cost": 333.33, "persons": 1},
                          "subsistence": {"units": 4, "cost": 92.5}}
        costs["P1"]["volunteers"] = {"units": 2, "cost": 1234.56}
        costs["P1"]["other_goods"] = {"units": 1, "cost": 999.99, "note": "translation"}
        costs[ids[1]]["staff"]["Technician"] = {"units": 1.5, "cost": 3100}
        wps.append({"id": f"WP{w + 1}", "title": f"Work package {w + 1}", "lead": "P1",
                    "start": 1, "end": 24, "costs": costs,
                    "tasks": [{"title": "Do it", "lead": "P1", "participants": ids[1:]}]})
    data["work_packages"] = wps
    return data


def budget_json(file: Path) -> dict[str, Any]:
    result = run(str(file), "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# -- the figures, on both examples ------------------------------------------------------------
@pytest.mark.parametrize("example", ["lot2-blueprint", "lot1-education-enterprises"])
def test_the_totals_add_up_and_the_grant_is_the_rate_capped(example: str) -> None:
    data = budget_json(EXAMPLES / example / "project.yaml")
    total = data["total_costs"]
    assert total > 0 and data["categories"]
    for part in ("by_partner", "by_work_package"):
        assert round(sum(t["total_costs"] for t in data[part].values()), 2) == total, part
    assert round(sum(c["amount"] for c in data["categories"]), 2) == total
    assert round(data["direct_costs"] + data["indirect_costs"], 2) == total
    # Indirect costs: 7 % of the direct costs less volunteers, per beneficiary and WP.
    assert data["indirect_costs"] <= 0.07 * data["direct_costs"] + 0.01
    assert data["indirect_costs"] >= 0.069 * data["direct_costs"]
    expected = min(round(data["funding_rate"] * total, 2), data["max_grant"])
    # The annex rounds each beneficiary's share to the cent, then adds them up.
    assert abs(data["requested_grant"] - expected) <= 0.005 * len(data["by_partner"])
    shares = round(sum(t["requested_grant"] for t in data["by_partner"].values()), 2)
    assert shares == data["requested_grant"]
    roles = {p["id"]: p["role"] for p in load(EXAMPLES / example / "project.yaml")["partners"]}
    assert not [pid for pid in data["by_partner"] if roles[pid] == "associated"]


def test_the_grant_follows_the_annex_when_the_cap_binds(write_project: Writer) -> None:
    data = costed(work_packages=1)
    data["work_packages"][0]["costs"]["P3"]["subcontracting"] = {"units": 1, "cost": 2_500_000}
    report = budget_json(write_project(data))
    assert report["cap_binds"]
    rate = report["max_grant"] / report["total_costs"]
    assert report["effective_rate"] == pytest.approx(rate)
    shares = sum(round(t["total_costs"] * rate + 1e-9, 2) for t in report["by_partner"].values())
    assert report["requested_grant"] == pytest.approx(shares, abs=0.005)
    assert abs(report["requested_grant"] - report["max_grant"]) < 0.05


def test_text_and_markdown_are_tables_a_finance_officer_reads(write_project: Writer) -> None:
    file = write_project(costed())
    text = run(str(file))
    assert text.exit_code == 0, text.output
    for words in ("Total estimated eligible costs (A–E)", "Requested EU grant",
                  "By cost category", "By beneficiary", "By work package", "A.1", "E ",
                  "AE1", "Person-months"):
        assert words in text.output, words
    md = run(str(file), "--format", "md")
    assert md.exit_code == 0
    assert "| Code | Category | EUR | Share |" in md.output
    assert "|---|---|---:|---:|" in md.output
    grant = budget_json(file)["requested_grant"]
    assert f"{grant:,.2f}" in text.output and f"{grant:,.2f}" in md.output


def test_the_findings_of_check_on_the_budget_are_reported(write_project: Writer) -> None:
    data = costed(work_packages=1)
    data["partners"].append({"id": "AP1", "name": "Associated", "country": "FR",
                             "type": "ngo", "role": "associated"})
    data["work_packages"][0]["costs"]["AP1"] = {"travel": 500}
    data["work_packages"][0]["costs"]["P1"]["financial_support"] = 10000
    result = run(str(write_project(data)), "--format", "json")
    assert result.exit_code == 1
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert {"consistency.budget-associated", "budget.third-party-support"} <= codes
    text = run(str(write_project(data)))
    assert "[budget.third-party-support]" in text.output and text.exit_code == 1


def test_an_invalid_project_gives_its_findings_and_exit_1(write_project: Writer) -> None:
    data = costed(work_packages=1)
    data["work_packages"][0]["costs"]["P1"]["travel"]["cost"] = -5
    never = write_project(data).parent / "never.xlsx"
    result = run(str(write_project(data)), "--xlsx", str(never))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "at least 0" in result.output and "no workbook written" in result.output
    assert not never.exists()
    assert run("missing.yaml").exit_code == 2


# -- writing the workbooks: the one writer's refusals ------------------------------------------
@pytest.fixture
def costed_file(write_project: Writer) -> Path:
    return write_project(costed())


def test_an_output_is_not_overwritten_without_force(costed_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "own.xlsx"
    out.write_bytes(b"someone's spreadsheet")
    refused = run(str(costed_file), "--xlsx", str(out), "--no-verify")
    assert refused.exit_code == 3 and "--force" in refused.output
    assert out.read_bytes() == b"someone's spreadsheet"
    forced = run(str(costed_file), "--xlsx", str(out), "--no-verify", "--force")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "own.backup-1.xlsx").read_bytes() == b"someone's spreadsheet"
    again = run(str(costed_file), "--xlsx", str(out), "--no-verify")
    assert again.exit_code == 0, "an unchanged output of proposal-kit is replaced"
    import openpyxl

    book = openpyxl.load_workbook(out)
    book["Summary"]["B6"] = 0.5
    book.save(out)
    edited = run(str(costed_file), "--xlsx", str(out), "--no-verify")
    assert edited.exit_code == 3 and "edited" in edited.output


def test_an_open_output_is_refused(costed_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "own.xlsx"
    (tmp_path / ".~lock.own.xlsx#").write_text("someone,here", encoding="utf-8")
    result = run(str(costed_file), "--xlsx", str(out), "--no-verify")
    assert result.exit_code == 3 and "open in another program" in result.output
    assert not out.exists()


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "the disk is full"),
                                         (errno.EROFS, "read-only"),
                                         (errno.EACCES, "permission denied")])
def test_a_write_that_fails_is_one_message(costed_file: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch, code: int,
                                           words: str) -> None:
    real = os.replace

    def failing(src: Any, dst: Any) -> None:
        if str(dst).endswith(".xlsx"):
            raise OSError(code, os.strerror(code))
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    out = tmp_path / "own.xlsx"
    result = run(str(costed_file), "--xlsx", str(out), "--no-verify")
    assert result.exit_code == 3 and words in result.output
    assert "Traceback" not in result.output and not out.exists()
    assert not list(tmp_path.glob(".own.xlsx.*")), "a half-written file was left"


def test_without_libreoffice_nothing_is_written(costed_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "own.xlsx"
    result = run(str(costed_file), "--xlsx", str(out),
                 env={"PROPOSAL_KIT_SOFFICE": "/nonexistent/soffice"})
    assert result.exit_code == 4
    assert "LibreOffice" in result.output and "--no-verify" in result.output
    assert not out.exists()


def test_a_hanging_libreoffice_is_stopped(costed_file: Path, tmp_path: Path) -> None:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\nsleep 30\n", encoding="utf-8")
    script.chmod(0o755)
    out = tmp_path / "own.xlsx"
    result = run(str(costed_file), "--xlsx", str(out),
                 env={"PROPOSAL_KIT_SOFFICE": str(script),
                      "PROPOSAL_KIT_SOFFICE_TIMEOUT": "0.5"})
    assert result.exit_code == 4 and "did not finish" in result.output
    assert not out.exists()


def test_a_json_run_stays_one_json_document(costed_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "own.xlsx"
    result = run(str(costed_file), "--format", "json", "--xlsx", str(out), "--no-verify")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["workbooks"][0]["path"] == str(out)
    assert data["workbooks"][0]["verified"] is False


# -- the own workbook, read without LibreOffice -----------------------------------------------
def test_the_own_workbook_has_live_formulas_in_eur(costed_file: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "own.xlsx"
    assert run(str(costed_file), "--xlsx", str(out), "--no-verify").exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:3] == ["Summary", "Beneficiaries", "Work packages"]
    assert {"BE 001", "BE 002", "BE 002 AE 001", "Overview", "By category",
            "Person-months"} <= set(book.sheetnames)
    be = book["BE 002"]
    rows = {be.cell(r, 2).value: r for r in range(1, be.max_row + 1)}
    manager = rows["Employees (or equivalent): Manager"]
    assert be.cell(manager, 6).value == f"=ROUND(C{manager}*E{manager},2)"
    assert str(be.cell(manager, 5).value).startswith("=$E$"), "the rate is linked"
    assert be.cell(manager, 6).number_format == '#,##0.00 "EUR"'
    assert be.freeze_panes and book["Overview"].freeze_panes == "E4"
    names = set(book.defined_names)
    assert {"FundingRate", "MaxGrant", "TotalCosts", "RequestedGrant"} <= names
    overview = book["Overview"]
    grant = [overview.cell(4, c).value for c in range(1, overview.max_column + 1)][-1]
    assert "AppliedRate" in grant and grant.startswith("=ROUND(")
    first = out.read_bytes()
    assert run(str(costed_file), "--xlsx", str(out), "--no-verify", "--force").exit_code == 0
    assert out.read_bytes() == first, "the same project gives the same workbook"
    with zipfile.ZipFile(out) as archive:  # not openpyxl's "now", which changes every second
        core = archive.read("docProps/core.xml").decode()
    assert ">2000-01-01T00:00:00Z</dcterms:modified>" in core, core


def test_a_single_figure_budget_makes_no_workbook(write_project: Writer, tmp_path: Path) -> None:
    data = costed(work_packages=1)
    data["work_packages"][0].pop("costs")
    data["work_packages"][0]["budget"] = {"P1": 1000}
    result = run(str(write_project(data)), "--xlsx", str(tmp_path / "x.xlsx"), "--no-verify")
    assert result.exit_code == 1 and "single figures without categories" in result.output


# -- the official annex: refusals that need no LibreOffice ------------------------------------
def test_odd_workbooks_are_refused_with_the_reason(costed_file: Path, tmp_path: Path) -> None:
    import openpyxl

    text = tmp_path / "annex.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    result = run(str(costed_file), "--workbook", str(text), "-o", str(tmp_path / "o.xlsx"))
    assert result.exit_code == 1 and "is not an Excel workbook" in result.output
    old = tmp_path / "annex.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = run(str(costed_file), "--workbook", str(old), "-o", str(tmp_path / "o.xls"))
    assert result.exit_code == 1 and "save it as .xlsx" in result.output
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    result = run(str(costed_file), "--workbook", str(other), "-o", str(tmp_path / "o.xlsx"))
    assert result.exit_code == 1 and "is not the budget annex" in result.output
    result = run(str(costed_file), "-o", str(tmp_path / "o.xlsx"))
    assert result.exit_code == 2 and "--workbook" in result.output
    assert not (tmp_path / "o.xlsx").exists()


def test_the_annex_layout_places_every_category() -> None:
    from proposal_kit.budget import catalogue
    from proposal_kit.budget.annex_layout import annex_layouts

    layout = annex_layouts()["4.4"]
    assert "Detailed Estimation of Costs for Lump Sums" in layout.title
    assert set(layout.rows) == set(catalogue().ids)
    assert len(layout.rows["staff"]) == len(layout.instructions.staff_types) == 5
