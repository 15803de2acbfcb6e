"""Part B's budget: each WP's "Estimated budget — Resources", the summary of 2.1.4, the
texts' budget figures and review's budget hints, from the costs by category.

Figures are compared with the computed budget (:func:`compute_budget`), in both layouts:
the own layout (Markdown, DOCX, HTML) and the official form filled (CI has it).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.oxml.ns import qn

from budget_projects import categorised, write_marked
from conftest import EXAMPLES, LOT2, consortium, official_file
from proposal_kit import load_project
from proposal_kit.budget import Budget, catalogue, compute_budget
from proposal_kit.budget.views import budget_fields, budget_view, group_figures
from proposal_kit.calls import load_call
from proposal_kit.check import check_file
from proposal_kit.cli import cli
from proposal_kit.derive import Draft, derive
from proposal_kit.form import form_for_call
from proposal_kit.form.cells import Table
from proposal_kit.form.tables import build_table
from proposal_kit.render import render_bytes, render_project
from proposal_kit.render.metrics import longest_word_mm
from proposal_kit.review import review_file
from proposal_kit.texts import lint_library

LOT2_FILE = EXAMPLES / "lot2-blueprint" / "project.yaml"
LOT1_FILE = EXAMPLES / "lot1-education-enterprises" / "project.yaml"
TWIPS_PER_MM = 56.6929


def _draft(file: Path) -> Draft:
    proposal = load_project(file).proposal
    return derive(proposal, load_call(proposal.call))


@pytest.fixture
def costed(tmp_path: Path) -> Path:
    file = tmp_path / "project.yaml"
    file.write_text(yaml.safe_dump(categorised(), sort_keys=False), encoding="utf-8")
    return file


def _value(text: str) -> float:
    return float(text.replace(",", "")) if text.strip() else 0.0


def _columns(table: Table) -> list[str]:
    return [cid for cid, _ in table.columns]


# -- the per-WP table: the form's columns, the Budget's figures -------------------------------
def test_the_wp_table_has_the_forms_columns(costed: Path) -> None:
    draft = _draft(costed)
    spec = form_for_call(draft.call).tables["wp_budget"]
    table = build_table(draft, form_for_call(draft.call), "wp_budget",
                        draft.proposal.work_packages[0])
    assert _columns(table) == [c.id for c in spec.columns]
    assert [h for _, h in table.columns] == [
        f"{c.heading} ({c.unit})" if c.unit else c.heading for c in spec.columns]
    assert [label for label, _ in table.header_groups] == list(dict.fromkeys(
        c.heading for c in spec.columns))
    assert sum(span for _, span in table.header_groups) == len(spec.columns)
    assert table.subheadings == tuple(c.unit or "" for c in spec.columns)
    # every category's form column is a column of the form's table
    assert {c.form for c in catalogue().categories} <= set(_columns(table))
    assert {k for c in catalogue().categories for k in c.counts} <= set(_columns(table))


def _expected(budget: Budget, wp: str, pid: str) -> dict[str, float]:
    """The figures of one cell by the form's columns, added up here from the cost lines."""
    cell = budget.cell(wp, pid)
    assert cell is not None
    groups = {"personnel_eur": ("staff", "natural_persons", "seconded", "sme_owners",
                                "volunteers"),
              "subcontracting": ("subcontracting",), "travel_eur": ("travel",),
              "accommodation": ("accommodation",), "subsistence": ("subsistence",),
              "equipment": ("equipment",),
              "other_goods": ("consumables", "meetings", "dissemination", "website",
                              "artistic_fees", "other_goods"),
              "fstp_eur": ("financial_support",)}
    out = {column: sum(line.amount for line in cell.lines if line.category in cats)
           for column, cats in groups.items()}
    out["personnel_pm"] = cell.person_months
    out["travel_count"] = cell.units("travel")
    out["travel_persons"] = sum(line.persons or 0 for line in cell.lines
                                if line.category == "travel")
    out["fstp_count"] = cell.units("financial_support")
    out["indirect"] = cell.indirect
    out["total"] = cell.total
    return out


@pytest.mark.parametrize("file", ["costed", LOT2_FILE, LOT1_FILE],
                         ids=["fixture", "lot2", "lot1"])
def test_the_wp_tables_figures_are_the_budgets(file: Any, costed: Path) -> None:
    draft = _draft(costed if file == "costed" else file)
    form = form_for_call(draft.call)
    budget = draft.costs
    for wp in draft.proposal.work_packages:
        table = build_table(draft, form, "wp_budget", wp)
        *body, total = table.rows
        cells = budget.cells_of_wp(wp.id)
        assert total.kind == "total" and len(body) == len(cells)
        for row, cell in zip(body, cells, strict=True):
            assert row.cell("participant").text == draft.proposal.partner(cell.partner).label
            expected = _expected(budget, wp.id, cell.partner)
            for column, value in expected.items():
                assert _value(row.cell(column).text) == round(value, 0 if column in (
                    "personnel_eur", "subcontracting", "travel_eur", "accommodation",
                    "subsistence", "equipment", "other_goods", "fstp_eur", "indirect",
                    "total") else 2), (wp.id, cell.partner, column)
        wp_totals = budget.by_work_package()[wp.id]
        assert _value(total.cell("total").text) == round(wp_totals.total)
        assert _value(total.cell("indirect").text) == round(wp_totals.indirect)
        assert _value(total.cell("personnel_pm").text) == round(wp_totals.person_months, 2)
        parts = ("personnel_eur", "subcontracting", "travel_eur", "accommodation",
                 "subsistence", "equipment", "other_goods", "fstp_eur", "indirect")
        added = sum(sum(_expected(budget, wp.id, c.partner)[p] for p in parts)
                    for c in cells)
        assert round(added, 2) == wp_totals.total  # the columns add up to the total


def test_c3_sub_items_add_up_in_other_goods(costed: Path) -> None:
    draft = _draft(costed)
    wp3 = draft.proposal.work_packages[2]
    table = build_table(draft, form_for_call(draft.call), "wp_budget", wp3)
    p2 = next(r for r in table.rows if r.cell("participant").text == "P2")
    assert p2.cell("other_goods").text == "18,500"  # meetings 9,000 + dissemination 6,000
    #                                                 + website 3,500
    wp1 = build_table(draft, form_for_call(draft.call), "wp_budget",
                      draft.proposal.work_packages[0])
    p1 = next(r for r in wp1.rows if r.cell("participant").text == "P1")
    assert (p1.cell("travel_count").text, p1.cell("travel_persons").text,
            p1.cell("travel_eur").text) == ("6", "3", "2,280")
    assert p1.cell("subcontracting").text == "24,000"
    assert p1.cell("fstp_eur").text == ""  # nothing: an empty cell


def test_single_figures_show_their_total_and_say_what_is_missing(tmp_path: Path) -> None:
    data = categorised()
    wp3 = data["work_packages"][2]
    wp3["budget"] = {"P1": 30000, "P2": 20000}
    wp3["effort"] = {"P1": 4}
    for pid in ("P1", "P2"):
        del wp3["costs"][pid]
    file = tmp_path / "project.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    draft = _draft(file)
    table = build_table(draft, form_for_call(draft.call), "wp_budget",
                        draft.proposal.work_packages[2])
    rows = {r.cell("participant").text: r for r in table.rows}
    assert rows["P1"].cell("total").text == "30,000"
    assert rows["P1"].cell("personnel_pm").text == "4"
    assert rows["P1"].cell("personnel_eur").text == "" and rows["P1"].cell("indirect").text == ""
    assert rows["P3"].cell("personnel_eur").text  # a partner given by category in the same WP
    assert table.remark is not None and "P1, P2" in table.remark
    assert "still missing" in table.remark and "costs:" in table.remark
    total = draft.costs.by_work_package()["WP3"].total
    assert _value(rows["Total"].cell("total").text) == round(total)
    markdown = render_bytes(load_project(file), "md").decode()
    assert "Costs by category still missing for P1, P2" in markdown
    summary = build_table(draft, form_for_call(draft.call), "budget_summary")
    assert ("uncategorised", "Not yet by category") in summary.columns


# -- the summary of 2.1.4 ---------------------------------------------------------------------
@pytest.mark.parametrize("file", [LOT2_FILE, LOT1_FILE], ids=["lot2", "lot1"])
def test_the_summary_adds_up_by_work_package_and_category(file: Path) -> None:
    draft = _draft(file)
    budget = draft.costs
    table = build_table(draft, form_for_call(draft.call), "budget_summary")
    assert [h for _, h in table.columns] == [
        "WP", "A. Personnel", "B. Subcontracting", "C. Purchase costs",
        "D. Other cost categories", "E. Indirect costs", "Total", "Share"]
    *body, total, shares = table.rows
    groups = ["A", "B", "C", "D", "E"]
    by_wp = budget.by_work_package()
    for row, wp in zip(body, draft.proposal.work_packages, strict=True):
        figures = group_figures(by_wp[wp.id], budget.catalogue)
        assert row.cell("wp").text == f"WP{wp.number}"
        assert [_value(row.cell(g).text) for g in groups] == [round(figures[g])
                                                              for g in groups]
        assert round(sum(figures[g] for g in groups), 2) == by_wp[wp.id].total
        assert _value(row.cell("total").text) == round(by_wp[wp.id].total)
    project = group_figures(budget.project, budget.catalogue)
    assert [_value(total.cell(g).text) for g in groups] == [round(project[g]) for g in groups]
    assert _value(total.cell("total").text) == round(budget.total_costs)
    assert round(sum(project[g] for g in groups), 2) == budget.total_costs
    assert sum(by_wp[wp].total for wp in by_wp) == pytest.approx(budget.total_costs)
    assert sum(float(shares.cell(g).text.rstrip(" %")) for g in groups) == \
        pytest.approx(100, abs=0.3)
    # the grant: min(80 % x total, cap), to the cent, as in Part A
    cap = draft.call.max_grant_for(draft.proposal.duration_months)
    grant = min(round(budget.total_costs * 0.8, 2), cap)
    assert budget.requested_grant == grant
    assert table.footnote is not None
    assert f"EU grant requested: EUR {grant:,.2f}".replace(".00", "") in table.footnote.text
    assert f"the call's maximum is EUR {cap:,}" in table.footnote.text


def test_the_call_maximum_caps_the_grant(write_project: Callable[..., Path]) -> None:
    data = {"call": LOT2, "acronym": "BIG", "duration_months": 48, "ecosystem": "digital",
            "partners": consortium(), "work_packages": [
                {"id": "WP1", "title": "All", "lead": "P1", "start": 1, "end": 48,
                 "budget": {"P1": 6_000_000}}]}
    draft = _draft(write_project(data))
    table = build_table(draft, form_for_call(draft.call), "budget_summary")
    assert table.footnote is not None
    assert table.footnote.text == (
        "EU grant requested: EUR 4,000,000; 80 % of the total costs of EUR 6,000,000, lowered "
        "to the call's maximum; the call's maximum is EUR 4,000,000.")


# -- both layouts -----------------------------------------------------------------------------
def _header_rows(tbl: Any) -> list[Any]:
    return [tr for tr in tbl.iterchildren(qn("w:tr"))
            if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]


def _text(element: Any) -> str:
    return " ".join("".join(t.text or "" for t in element.iter(qn("w:t"))).split())


def _cells(tr: Any) -> list[str]:
    return [_text(tc) for tc in tr.iterchildren(qn("w:tc"))]


def _tables_after(document: Any, caption: str) -> list[Any]:
    """Every table whose caption (the paragraph or title row before it) is ``caption``."""
    out, seen = [], False
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            seen = _text(child) == caption or (seen and not _text(child))
        elif child.tag == qn("w:tbl"):
            first = next(child.iterchildren(qn("w:tr")), None)
            if seen or (first is not None and _text(first).startswith(caption)):
                out.append(child)
            seen = False
    return out


def _fits(tbl: Any, rows: list[Any]) -> None:
    """Every word of ``rows`` fits its cell (widths from the cells, margins from the table)."""
    mar = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    sides = {m.tag.split("}")[1]: int(m.get(qn("w:w"))) for m in mar} if mar is not None \
        else {}
    margins = (sides.get("left", sides.get("start", 108)) +
               sides.get("right", sides.get("end", 108))) / TWIPS_PER_MM
    for tr in rows:
        for tc in tr.iterchildren(qn("w:tc")):
            width = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            text = _text(tc)
            if text and width is not None:
                bold = tc.find(f".//{qn('w:b')}") is not None
                assert longest_word_mm(text, bold=bold) + margins <= \
                    int(width.get(qn("w:w"))) / TWIPS_PER_MM, text


def test_the_own_layout_groups_the_headings_like_the_form(costed: Path) -> None:
    draft = _draft(costed)
    spec = form_for_call(draft.call).tables["wp_budget"]
    document = docx.Document(io.BytesIO(render_bytes(load_project(costed))))
    tables = _tables_after(document, "Estimated budget — Resources")
    assert len(tables) == len(draft.proposal.work_packages)
    for tbl, wp in zip(tables, draft.proposal.work_packages, strict=True):
        groups, units = _header_rows(tbl)
        assert _cells(groups) == list(dict.fromkeys(c.heading for c in spec.columns))
        assert [u for u in _cells(units) if u] == [c.unit for c in spec.columns if c.unit]
        rows = list(tbl.iterchildren(qn("w:tr")))
        assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in rows)
        built = build_table(draft, form_for_call(draft.call), "wp_budget", wp)
        assert [_cells(tr) for tr in rows[2:]] == [
            [r.cell(cid).text for cid in _columns(built)] for r in built.rows]
        _fits(tbl, rows)
    summary = _tables_after(document, "Estimated costs by work package and category (EUR)")
    assert len(summary) == 1
    head = _header_rows(summary[0])
    assert len(head) == 1 and _cells(head[0])[:2] == ["WP", "A. Personnel"]
    _fits(summary[0], list(summary[0].iterchildren(qn("w:tr"))))
    text = [p.text for p in document.paragraphs]
    assert any(t.startswith("EU grant requested: EUR ") for t in text)


def test_the_html_draft_has_the_grouped_headings(costed: Path) -> None:
    html = render_bytes(load_project(costed), "html").decode()
    assert html.count('<table class="grouped">') == 4  # 3 work packages and the summary
    assert '<th colspan="2" style="text-align: center">A. Personnel</th>' in html
    assert '<th rowspan="2">Participant</th>' in html


@pytest.mark.official
def test_the_filled_form_keeps_every_figure_with_its_unit(tmp_path: Path) -> None:
    blank = official_file("partb-form-*.docx")
    out = tmp_path / "lot2-form.docx"
    project = load_project(LOT2_FILE)
    render_project(project, out, form=blank)
    draft = _draft(LOT2_FILE)
    form = form_for_call(draft.call)
    spec = form.tables["wp_budget"]
    document = docx.Document(str(out))
    tables = _tables_after(document, spec.title)
    assert len(tables) == len(draft.proposal.work_packages)
    for tbl, wp in zip(tables, draft.proposal.work_packages, strict=True):
        rows = list(tbl.iterchildren(qn("w:tr")))
        head = _header_rows(tbl)
        assert rows[:len(head)] == head and len(head) == 4  # title, costs, headings, units
        assert _cells(head[3])[1:] == [c.unit for c in spec.columns[1:]]
        assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in rows)
        built = build_table(draft, form, "wp_budget", wp)
        filled = [_cells(tr) for tr in rows[4:4 + len(built.rows)]]
        assert filled == [[r.cell(cid).text for cid in _columns(built)] for r in built.rows]
        assert filled[-1][0] == "Total"
        _fits(tbl, rows[1:4 + len(built.rows)])  # headings and figures; not the guidance
        grid = [int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid"))]
        assert abs(sum(grid) - 15310) <= 2  # the form's own width


@pytest.mark.official
def test_the_filled_form_says_what_single_figures_lack(tmp_path: Path) -> None:
    data = categorised()
    data["work_packages"][1]["budget"] = {"P1": 50000}
    del data["work_packages"][1]["costs"]["P1"]
    file = tmp_path / "project.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "form.docx"
    render_project(load_project(file), out, form=official_file("partb-form-*.docx"))
    tables = _tables_after(docx.Document(str(out)), "Estimated budget — Resources")
    texts = [_text(tr) for tr in tables[1].iterchildren(qn("w:tr"))]
    assert any(t.startswith("Costs by category still missing for P1") for t in texts)
    assert not any(t.startswith("Costs by category") for tbl in (tables[0], tables[2])
                   for t in (_text(tr) for tr in tbl.iterchildren(qn("w:tr"))))


def test_a_broken_grouped_table_block_is_reported_where_it_is(tmp_path: Path) -> None:
    data = categorised(sections={"work_plan": "Intro.\n\n```{grouped-table}\ngroups: "
                                              "[[A, 2]]\ncolumns: [x]\n```\n"})
    file = tmp_path / "project.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    found = [f for f in check_file(file).findings if f.code == "render.block"]
    assert found and "the groups span 2 columns, but there are 1" in found[0].message
    result = CliRunner().invoke(cli, ["render", str(file), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "{grouped-table} block" in result.output


# -- the texts' budget figures ----------------------------------------------------------------
def test_the_budget_figures_of_texts_are_the_budgets(costed: Path) -> None:
    proposal = load_project(costed).proposal
    budget = compute_budget(proposal, load_call(proposal.call))
    view = budget_view(budget, proposal)
    assert set(view) == set(budget_fields(catalogue()))
    assert view["total_costs"] == budget.total_costs
    assert view["requested_grant"] == budget.requested_grant
    assert view["cofinancing"] == pytest.approx(budget.total_costs - budget.requested_grant)
    assert view["person_months"] == budget.project.person_months
    assert view["personnel_costs"] == budget.by_group()["A"]
    assert view["indirect_costs"] == budget.indirect_costs
    shares = [view[f"{h.id}_share"] for h in catalogue().headings]
    assert sum(shares) == pytest.approx(100)
    assert view["cost_per_person_month"] == round(budget.by_group()["A"] /
                                                  budget.project.person_months)
    assert [wp["id"] for wp in view["work_packages"]] == ["WP1", "WP2", "WP3"]
    assert sum(wp["share"] for wp in view["work_packages"]) == pytest.approx(100)
    assert str(view["funding_rate"]) == "80" and str(view["indirect_rate"]) == "7"
    assert str(view["equipment_share"]) == "0.3"  # 3,000 of 1.1 M: one decimal below 1
    assert str(view["total_costs"]) == f"{budget.total_costs:,.0f}"
    assert not view["third_parties_costs"]  # a number: false when nothing


def test_a_section_uses_the_budget_figures_and_check_knows_them(tmp_path: Path) -> None:
    text = ("Costs of EUR {{ budget.total_costs }}, personnel {{ budget.personnel_share }} %."
            "\n\nTravel: {{ budget.travel_costz }}.\n")
    (tmp_path / "sections").mkdir()
    section = tmp_path / "sections" / "cost_effectiveness.md"
    section.write_text(text, encoding="utf-8")
    data = categorised(sections={"cost_effectiveness": {"file": "sections/cost_effectiveness.md"}})
    file = tmp_path / "project.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    found = [f for f in check_file(file).findings if f.code == "render.template"]
    assert found and "travel_costz" in found[0].message and found[0].line == 3
    assert "budget figure such as budget.total_costs" in (found[0].message + (found[0].hint
                                                                              or ""))
    section.write_text(text.split("\n\n")[0], encoding="utf-8")
    markdown = render_bytes(load_project(file), "md").decode()
    budget = compute_budget(load_project(file).proposal)
    share = round(budget.by_group()["A"] / budget.total_costs * 100)
    assert f"Costs of EUR {budget.total_costs:,.0f}, personnel {share} %." in markdown


def test_texts_lint_knows_the_budget_fields(tmp_path: Path) -> None:
    folder = tmp_path / "lib" / "money"
    folder.mkdir(parents=True)
    body = " ".join(["word"] * 210)
    (folder / "grant.md").write_text(
        "---\ntitle: Grant\nsummary: The grant.\ntags: [budget]\nsections: "
        "[cost_effectiveness]\nlots: [1]\nlanguage: en\nversion: 1.0.0\nreviewed: "
        "2026-12-01\nowner: IRO\n---\nWe ask EUR {{ budget.requested_grant }} of EUR "
        "{{ budget.total_costs }}, {{ budget.personnel_share }} % personnel.\n"
        "{{ budget.grant }}\n" + body + "\n", encoding="utf-8")
    findings = lint_library(tmp_path / "lib")
    unknown = [f for f in findings if f.code == "texts.unknown-field"]
    assert [f.message for f in unknown] == ["budget has no field 'grant'"]
    assert unknown[0].line == 13 and "requested_grant" in (unknown[0].hint or "")


def test_the_generic_cost_effectiveness_text(costed: Path) -> None:
    result = CliRunner().invoke(cli, ["texts", "show", "management/cost-effectiveness",
                                      "--project", str(costed), "--body"])
    assert result.exit_code == 0, result.output
    budget = compute_budget(load_project(costed).proposal, load_call(
        load_project(costed).proposal.call))
    assert f"**EUR {budget.requested_grant:,.2f}**" in result.output
    assert "[" not in result.output and "Subcontracting takes 2 %" in result.output
    assert result.output.count("- WP") == 3
    preview = CliRunner().invoke(cli, ["texts", "show", "management/cost-effectiveness",
                                       "--body"])  # a loop over a placeholder ends
    assert preview.exit_code == 0 and "[budget.total_costs]" in preview.output
    assert not [f for f in lint_library(Path(__file__).parent.parent / "generic_texts")
                if f.file == "management/cost-effectiveness.md"]


@pytest.mark.parametrize("file", [LOT2_FILE, LOT1_FILE], ids=["lot2", "lot1"])
def test_the_examples_cost_effectiveness_draws_its_figures(file: Path) -> None:
    text = (file.parent / "sections" / "cost_effectiveness.md").read_text(encoding="utf-8")
    assert "{{ budget.total_costs }}" in text and "{{ budget.requested_grant }}" in text
    assert not re.search(r"\d{1,3},\d{3},\d{3}", text)  # no figure typed by hand
    proposal = load_project(file).proposal
    budget = compute_budget(proposal, load_call(proposal.call))
    markdown = render_bytes(load_project(file), "md").decode()
    assert f"**EUR {budget.requested_grant:,.2f}**" in markdown


# -- review ---------------------------------------------------------------------------------
def _travel_heavy(data: dict[str, Any]) -> str:
    data["work_packages"][1]["costs"]["P4"]["travel"] = {"units": 200, "cost": 1950.5,
                                                         "persons": 10}
    return "title: Curricula»P4:»travel:"


def _equipment_heavy(data: dict[str, Any]) -> str:
    data["work_packages"][1]["costs"]["P1"]["equipment"] = {"units": 1, "cost": 250000.5}
    return "title: Curricula»P1:»equipment:"


def _personnel_low(data: dict[str, Any]) -> str:
    data["work_packages"][2]["costs"]["P3"]["other_goods"] = {"units": 1, "cost": 1500000}
    return "budget:"


def _personnel_high(data: dict[str, Any]) -> str:
    for wp in data["work_packages"]:
        for costs in wp["costs"].values():
            for key in ("travel", "accommodation", "subsistence", "meetings",
                        "dissemination", "website", "equipment", "consumables"):
                costs.pop(key, None)
    return "budget:"


def _token_partner(data: dict[str, Any]) -> str:
    for wp in data["work_packages"]:
        wp["costs"]["P8"] = {"staff": {"Junior expert": 0.5}}
    return "id: P8"


def _no_effort(data: dict[str, Any]) -> str:
    del data["work_packages"][1]["costs"]["P6"]["staff"]
    return "title: Curricula»P6:"


REVIEW: dict[str, Callable[[dict[str, Any]], str]] = {
    "travel-share-high": _travel_heavy, "equipment-heavy": _equipment_heavy,
    "personnel-share-low": _personnel_low, "personnel-share-high": _personnel_high,
    "partner-share-low": _token_partner, "budget-no-effort": _no_effort,
}


def test_the_categorised_project_gets_no_budget_hint(costed: Path) -> None:
    codes = {f.code for f in review_file(costed).findings}
    assert not codes & {f"review.{c}" for c in REVIEW}


@pytest.mark.parametrize("code", sorted(REVIEW))
def test_review_notes_what_an_evaluator_would(tmp_path: Path, code: str) -> None:
    data = categorised()
    file, line = write_marked(tmp_path, data, REVIEW[code](data))
    found = [f for f in review_file(file).findings if f.code == f"review.{code}"]
    assert found, code
    assert line in {f.line for f in found}, ([f.message for f in found], line)
    others = {f.code for f in review_file(file).findings} & {f"review.{c}" for c in REVIEW}
    assert others <= {f"review.{code}", "review.personnel-share-low",
                      "review.partner-share-low"}


def test_the_review_messages_give_the_shares(tmp_path: Path) -> None:
    data = categorised()
    file, _ = write_marked(tmp_path, data, _travel_heavy(data))
    travel = next(f for f in review_file(file).findings if f.code == "review.travel-share-high")
    assert travel.message.startswith("C.1 Travel, accommodation and subsistence is ")
    assert "over 20%" in travel.message
    data = categorised()
    file, _ = write_marked(tmp_path, data, _token_partner(data))
    token = next(f for f in review_file(file).findings if f.code == "review.partner-share-low")
    assert token.message.startswith("P8 (P8) holds 0.") and "under 2%" in token.message
