"""Projects with costs by category, built inline for the budget tests of Part B."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from conftest import LOT1, consortium

STAFF_TYPES = ["Manager", "Senior expert", "Junior expert", "Administrative"]


def _rates(n: int) -> dict[str, float]:
    """Monthly rates that differ by partner (a country's and a type's pay)."""
    base = 3000 + 500 * (n % 5)
    return {"Manager": base + 2500, "Senior expert": base + 1500, "Junior expert": base,
            "Administrative": base - 500}


def categorised(**overrides: Any) -> dict[str, Any]:
    """A Lot 1 alliance of 8 full partners and 3 WPs, each cost given by category.

    P1 manages WP1 with an external evaluator (subcontracting) and buys equipment in WP2;
    every partner travels; WP3 has meetings and dissemination services.
    """
    partners = consortium(8, 4, 3, 3)
    ids = [p["id"] for p in partners]

    def everyone() -> dict[str, Any]:
        return {"lead": "P1", "participants": list(ids)}

    def travel(n: int) -> dict[str, Any]:
        return {"units": 2 * n, "cost": 380, "persons": n}

    wp1 = {pid: {"staff": {"Manager": 2, "Administrative": 1}, "travel": travel(2),
                 "accommodation": {"units": 8, "cost": 120}, "subsistence": {"units": 8,
                                                                             "cost": 60}}
           for pid in ids}
    wp1["P1"] = {"staff": {"Manager": 12, "Administrative": 6}, "travel": travel(3),
                 "accommodation": {"units": 12, "cost": 120},
                 "subsistence": {"units": 12, "cost": 60},
                 "subcontracting": {"units": 1, "cost": 24000, "note": "External evaluator"}}
    wp2 = {pid: {"staff": {"Senior expert": 6, "Junior expert": 8}, "travel": travel(1)}
           for pid in ids}
    wp2["P1"]["equipment"] = {"units": 2, "cost": 1500, "note": "Laptops, depreciation"}
    wp2["P2"]["consumables"] = 800
    wp3 = {pid: {"staff": {"Senior expert": 3, "Junior expert": 4}, "travel": travel(2)}
           for pid in ids}
    wp3["P2"].update({"meetings": {"units": 2, "cost": 4500}, "dissemination": 6000,
                      "website": 3500})
    data: dict[str, Any] = {
        "call": LOT1, "acronym": "COSTX", "title": "A categorised alliance",
        "duration_months": 36, "partners": partners,
        "budget": {"staff_types": STAFF_TYPES,
                   "rates": {pid: _rates(n) for n, pid in enumerate(ids)}},
        "work_packages": [
            {"id": "WP1", "title": "Project management and quality", "lead": "P1",
             "start": 1, "end": 36,
             "tasks": [{"title": "Coordination", **everyone()},
                       {"title": "Quality and evaluation", "lead": "P2",
                        "participants": ["P2"]}],
             "subcontracts": [{"title": "External evaluation", "partner": "P1",
                               "cost": 24000, "justification": "Independence",
                               "value_for_money": "Three offers"}],
             "costs": wp1},
            {"id": "WP2", "title": "Curricula", "lead": "P2", "start": 3, "end": 30,
             "tasks": [{"title": "Design", **everyone()}], "costs": wp2},
            {"id": "WP3", "title": "Dissemination and impact", "lead": "P3", "start": 6,
             "end": 36, "tasks": [{"title": "Outreach", **everyone()}], "costs": wp3},
        ],
    }
    data.update(overrides)
    return data


def write_marked(folder: Path, data: dict[str, Any], marker: str) -> tuple[Path, int]:
    """Write ``data`` to ``folder/project.yaml``; the file and the line ``marker`` names.

    ``marker`` is the text of that line, after the lines of the texts before it
    (``"title: Curricula»budget:"``: the first ``budget:`` after the title); without
    ``»`` it must be on one line only.
    """
    file = folder / "project.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    lines = file.read_text(encoding="utf-8").splitlines()
    line = 0
    part = marker
    for part in marker.split("»"):
        line = next(n for n, text in enumerate(lines, start=1) if n > line and part in text)
    rest = [n for n, text in enumerate(lines, start=1) if n > line and part in text]
    assert "»" in marker or not rest, (marker, line, rest)
    return file, line
