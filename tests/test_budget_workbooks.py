"""The budget workbooks recalculated by real LibreOffice hold the budget's total and grant."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, LOT2, consortium, official_file, project, require_tool
from proposal_kit.budget.recalc import Check, WorkbookMismatchError, recalculate, verify
from proposal_kit.cli import cli
from test_budget_cli import costed

Writer = Callable[..., Path]
ANNEX = "detailed-budget-table-erasmus-lsii-v*.xlsx"


def budget(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["budget", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def named(book: Any, name: str) -> Any:
    sheet, cell = next(iter(book.defined_names[name].destinations))
    return book[sheet][cell.replace("$", "")].value


@pytest.mark.libreoffice
def test_the_own_workbook_recalculated_holds_the_budget(write_project: Writer,
                                                        tmp_path: Path) -> None:
    require_tool("soffice")
    out = tmp_path / "own.xlsx"
    data = budget(str(write_project(costed())), "--xlsx", str(out))
    assert data["workbooks"][0]["verified"] is True
    result = recalculate(out.read_bytes(), ".xlsx")  # again, on the written file
    book = result.book
    assert named(book, "TotalCosts") == pytest.approx(data["total_costs"], abs=0.005)
    assert named(book, "RequestedGrant") == pytest.approx(data["requested_grant"], abs=0.005)
    overview = book["Overview"]
    rows = {overview.cell(r, 2).value: r for r in range(4, overview.max_row + 1)}
    width = overview.max_column
    for pid, totals in data["by_partner"].items():
        row = rows[pid]
        assert overview.cell(row, width - 1).value == pytest.approx(totals["total_costs"])
        assert overview.cell(row, width).value == pytest.approx(totals["requested_grant"])
    months = book["Person-months"]
    assert months.cell(months.max_row, months.max_column).value == \
        pytest.approx(data["person_months"])
    # A figure that differs is an error that names the cell.
    cell = result.named("RequestedGrant")
    with pytest.raises(WorkbookMismatchError, match=re.escape(cell)):
        verify(result, [Check("requested grant", cell, data["requested_grant"] + 1)])


def _annex_checks(out: Path, data: dict[str, Any]) -> Any:
    book = recalculate(out.read_bytes(), out.suffix).book
    assert named(book, "EURequestedAmount") == pytest.approx(data["requested_grant"],
                                                              abs=0.005)
    assert named(book, "TotalBudget") == pytest.approx(data["total_costs"], abs=0.005)
    assert named(book, "MyRequetedEUContribution") == pytest.approx(data["requested_grant"],
                                                                     abs=0.005)
    return book


@pytest.mark.libreoffice
@pytest.mark.official
@pytest.mark.parametrize("example", ["lot2-blueprint", "lot1-education-enterprises"])
def test_the_official_annex_of_each_example(example: str, tmp_path: Path) -> None:
    require_tool("soffice")
    annex = official_file(ANNEX)
    out = tmp_path / "annex.xlsx"
    data = budget(str(EXAMPLES / example / "project.yaml"), "--workbook", str(annex),
                  "-o", str(out))
    assert data["workbooks"][0]["verified"] is True
    book = _annex_checks(out, data)
    listed = [r[0] for r in book["Beneficiaries List"].iter_rows(min_row=6, max_col=1,
                                                                 values_only=True) if r[0]]
    entities = len(data["by_partner"])
    assert len(listed) == entities
    sheets = [n for n in book.sheetnames if re.fullmatch(r"BE \d{3}", n)]
    assert len(sheets) == len([x for x in listed if "/ AE" not in x])
    wps = [r[0] for r in book["Work Packages List"].iter_rows(min_row=6, max_col=1,
                                                              values_only=True) if r[0]]
    assert len(wps) == len(data["by_work_package"])
    if example == "lot2-blueprint":  # 14 beneficiaries and an affiliated entity
        assert {"BE 013", "BE 014"} <= set(sheets)
        assert "BE 002 / AE 001" in listed


def _with_macros(annex: Path, target: Path) -> bytes:
    """A copy of the annex as the portal ships it: an .xlsm with a VBA project."""
    macros = b"proposal-kit test VBA project"
    with zipfile.ZipFile(annex) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Override PartName="/xl/vbaProject.bin" '
                                    b'ContentType="application/vnd.ms-office.vbaProject"/>'
                                    b"</Types>")
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="'
                                    b'http://schemas.microsoft.com/office/2006/relationships/'
                                    b'vbaProject" Target="vbaProject.bin"/></Relationships>')
            out.writestr(info, data)
        out.writestr("xl/vbaProject.bin", macros)
    return macros


@pytest.mark.libreoffice
@pytest.mark.official
def test_more_beneficiaries_and_work_packages_than_the_annex_and_macros_kept(
        write_project: Writer, tmp_path: Path) -> None:
    require_tool("soffice")
    xlsm = tmp_path / "annex.xlsm"
    macros = _with_macros(official_file(ANNEX), xlsm)
    data = costed(work_packages=10)
    data.update({k: v for k, v in project(LOT2).items() if k in ("call", "ecosystem",
                                                                  "duration_months")})
    partners = consortium(14)
    partners.append(data["partners"][-1])  # the affiliated entity of P2
    data["partners"] = partners
    ids = [p["id"] for p in partners]
    for wp in data["work_packages"]:
        wp["costs"] = {pid: wp["costs"].get(pid, {"travel": {"units": 1, "cost": 410}})
                       for pid in ids}
        wp["tasks"][0]["participants"] = ids[1:]
    data["budget"]["rates"] = {pid: {"Manager": 4800, "Expert": 3900.5, "Technician": 2700}
                               for pid in ids}
    out = tmp_path / "filled.xlsm"
    report = budget(str(write_project(data)), "--workbook", str(xlsm), "-o", str(out))
    assert report["workbooks"][0]["verified"] is True
    with zipfile.ZipFile(out) as archive:
        assert archive.read("xl/vbaProject.bin") == macros
        assert b"macroEnabled" in archive.read("[Content_Types].xml")
    book = _annex_checks(out, report)
    assert {"BE 013", "BE 014"} <= set(book.sheetnames)
    be = book["BE 014"]
    assert be["A1"].value == 10 and be["N315"].value == 10, "ten work package blocks"
    assert book["BE-WP Overview"].cell(4, 14).value == 10
    comments = [r for r in book["Any comments"].iter_rows(min_row=4, max_col=4,
                                                          values_only=True) if r[0]]
    assert comments[0][1:] == ("BE 001", "WP 001", "C.3 Other goods, works and services: "
                                                   "translation")


@pytest.mark.libreoffice
@pytest.mark.official
def test_a_text_that_begins_with_an_equals_sign_stays_text(tmp_path: Path) -> None:
    """Before, openpyxl stored such a note, title or name as a formula: the note
    ``=cmd|' /C calc'!A0`` became a live DDE formula in the workbook, ``=2 persons`` a
    ``#NAME?`` error, and the text was gone."""
    import shutil

    from openpyxl import load_workbook

    require_tool("soffice")
    folder = tmp_path / "proj"
    shutil.copytree(EXAMPLES / "lot1-education-enterprises", folder)
    file = folder / "project.yaml"
    text = file.read_text(encoding="utf-8")
    note, title, name = "=cmd|' /C calc'!A0", "=1+1 quality", "=HYPERLINK(\"x\")"
    for old, new in (("note: mid-term meeting in Lublin}", f"note: \"{note}\"}}"),
                     ("title: Management and quality assurance", f"title: \"{title}\""),
                     ("    name: Universidad Levantina de Ciencias Agroalimentarias",
                      f"    name: '{name}'")):
        assert old in text
        text = text.replace(old, new, 1)
    file.write_text(text, encoding="utf-8")
    own, annex = tmp_path / "own.xlsx", tmp_path / "annex.xlsx"
    budget(str(file), "--xlsx", str(own))
    budget(str(file), "--workbook", str(official_file(ANNEX)), "-o", str(annex))
    for out in (own, annex):
        cells = [c for ws in load_workbook(out) for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and (note in c.value or title in c.value
                                                  or name in c.value)]
        assert {v for c in cells for v in (note, title, name) if v in c.value} == \
            {note, title, name}, out
        assert all(c.data_type == "s" for c in cells), [(c.coordinate, c.value) for c in cells]
