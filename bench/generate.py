"""Deterministic generated projects for the benchmarks (not a test; same input, same files).

* :func:`large_project`: 60 partners, 12 work packages of 4 tasks, 150 deliverables, 48
  months, budget and effort for every partner in every work package;
* :func:`consortium`: the ``n``-th of a season of small consortia (core keys and partners
  only, as an International Relations Office checks them before anything is written);
* :func:`many_partners`: a consortium of ``count`` partners (a stress test of `check`).

Usage: ``python bench/generate.py large OUT_FOLDER`` or ``python bench/generate.py season N
OUT_FOLDER`` (N consortia, one folder each) or ``python bench/generate.py partners N OUT``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

CALL = "ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT"
COUNTRIES = ["SE", "DE", "FR", "IT", "ES", "PL", "AT", "BE", "NL", "FI", "NO", "PT"]
TYPES = ["hei", "vet", "enterprise", "chamber", "trade-association", "ngo"]


def _partner(i: int, country_shift: int = 0) -> dict[str, Any]:
    kind = TYPES[i % len(TYPES)]
    return {"id": f"P{i}", "name": f"Organisation number {i}", "short_name": f"ORG{i}",
            "country": COUNTRIES[(i + country_shift) % len(COUNTRIES)], "type": kind,
            "role": "coordinator" if i == 1 else "beneficiary",
            **({"eche": True} if kind == "hei" else {})}


def large_project() -> dict[str, Any]:
    """60 partners, 12 WPs of 4 tasks, 150 deliverables, 48 months."""
    partners = [_partner(i) for i in range(1, 61)]
    wps = []
    for w in range(1, 13):
        ids = [f"P{(w * 5 + k) % 60 + 1}" for k in range(5)]
        deliverables = [{"title": f"Deliverable {w}.{d} of work package {w}",
                         "due": min(48, 4 * d), "lead": ids[0], "type": "R",
                         "dissemination": "PU", "description": "A report on the results."}
                        for d in range(1, 13 + (1 if w <= 6 else 0))]
        wps.append({
            "id": f"WP{w}", "title": f"Work package {w}", "lead": ids[0], "start": 1,
            "end": 48, "objectives": ["First objective", "Second objective"],
            "budget": {p["id"]: 6000 + w for p in partners},
            "effort": {p["id"]: 1.5 for p in partners},
            "tasks": [{"title": f"Task {t}", "lead": ids[t % 5], "participants": ids,
                       "start": 12 * (t - 1) + 1, "end": 12 * t,
                       "description": "Work done in this task."} for t in range(1, 5)],
            "deliverables": deliverables,
            "milestones": [{"title": f"Milestone of WP{w}", "due": 24, "lead": ids[0]}],
        })
    return {"call": CALL, "acronym": "LARGE", "title": "A large generated project",
            "duration_months": 48, "ecosystem": "digital", "partners": partners,
            "work_packages": wps}


def consortium(n: int) -> dict[str, Any]:
    """The ``n``-th consortium of a season: 12 to 19 partners in varying countries."""
    size = 12 + n % 8
    return {"call": CALL, "acronym": f"SEASON{n:03d}", "title": f"Consortium number {n}",
            "duration_months": 48, "ecosystem": "digital",
            "partners": [_partner(i, n) for i in range(1, size + 1)]}


def many_partners(count: int) -> dict[str, Any]:
    """One consortium of ``count`` partners."""
    return {"call": CALL, "acronym": "MANY", "title": f"{count} partners",
            "duration_months": 48, "ecosystem": "digital",
            "partners": [_partner(i) for i in range(1, count + 1)]}


def write(data: dict[str, Any], path: Path) -> Path:
    """Write ``data`` as ``path`` (YAML), creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    return path


def season(count: int, folder: Path) -> list[Path]:
    """``count`` consortia, ``folder/NNN/project.yaml`` each."""
    return [write(consortium(n), folder / f"{n:03d}" / "project.yaml") for n in range(count)]


def main(argv: list[str]) -> None:
    """Write generated projects (see the module's usage)."""
    kind, *rest = argv
    if kind == "large":
        print(write(large_project(), Path(rest[0]) / "project.yaml"))
    elif kind == "season":
        print(f"{len(season(int(rest[0]), Path(rest[1])))} project files in {rest[1]}")
    elif kind == "partners":
        print(write(many_partners(int(rest[0])), Path(rest[1]) / "project.yaml"))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
