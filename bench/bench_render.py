"""Benchmark `render` (prints figures; not a test).

Whole-process times, median of N runs, all measured in this run:
- `proposal-kit render` of the Lot 2 example to DOCX;
- pandoc converting the same intermediate Markdown to DOCX (the reference);
- `proposal-kit render` of a generated large project (60 partners, 12 WPs, 150 deliverables).
Targets (issue 3): render <= 1.5 x pandoc; large project <= 3 x the example.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lot2-blueprint" / "project.yaml"
CLI = [sys.executable, "-m", "proposal_kit"]
COUNTRIES = ["SE", "DE", "FR", "IT", "ES", "PL", "AT", "BE", "NL", "FI", "NO", "PT"]
TYPES = ["hei", "vet", "enterprise", "chamber", "trade-association", "ngo"]


def timed(command: list[str], runs: int) -> float:
    """Median wall time of ``command`` over ``runs`` runs (one warm-up run first)."""
    subprocess.run(command, check=True, capture_output=True)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def large_project() -> dict[str, Any]:
    """60 partners, 12 WPs of 4 tasks, 150 deliverables, 48 months."""
    partners = [{"id": f"P{i}", "name": f"Organisation number {i}", "short_name": f"ORG{i}",
                 "country": COUNTRIES[i % len(COUNTRIES)], "type": TYPES[i % len(TYPES)],
                 "role": "coordinator" if i == 1 else "beneficiary",
                 **({"eche": True} if TYPES[i % len(TYPES)] == "hei" else {})}
                for i in range(1, 61)]
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
    return {"call": "ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT", "acronym": "LARGE",
            "title": "A large generated project", "duration_months": 48,
            "ecosystem": "digital", "partners": partners, "work_packages": wps}


def compile_package() -> None:
    """Byte-compile proposal-kit, as `pip install` does, so no run pays for compiling it.

    (An editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise compile every
    module on every start.)
    """
    import compileall

    import proposal_kit

    compileall.compile_dir(str(Path(proposal_kit.__file__).parent), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        subprocess.run([*CLI, "render", str(EXAMPLE), "--format", "md", "-o",
                        str(out / "lot2.md")], check=True, capture_output=True)
        body = (out / "lot2.md").read_text(encoding="utf-8").split("\n", 1)[1]
        (out / "plain.md").write_text(body, encoding="utf-8")
        large = out / "large" / "project.yaml"
        large.parent.mkdir()
        large.write_text(yaml.safe_dump(large_project(), sort_keys=False), encoding="utf-8")
        render = timed([*CLI, "render", str(EXAMPLE), "--force", "-o",
                        str(out / "lot2.docx")], args.runs)
        big = timed([*CLI, "render", str(large), "--force", "-o", str(out / "large.docx")],
                    args.runs)
        print(f"render Lot 2 example (whole process, median of {args.runs}): {render:.3f} s")
        print(f"render large project (60 partners, 12 WPs, 150 deliverables): {big:.3f} s")
        print(f"large / example: {big / render:.2f} (target <= 3)")
        pandoc = shutil.which("pandoc")
        if pandoc:
            ref = timed([pandoc, "-f", "markdown", "-t", "docx", str(out / "plain.md"), "-o",
                         str(out / "pandoc.docx")], args.runs)
            print(f"pandoc, same intermediate Markdown to DOCX: {ref:.3f} s")
            print(f"render / pandoc: {render / ref:.2f} (target <= 1.5)")
        else:
            print("pandoc not installed: no reference figure (scripts/setup installs it)")


if __name__ == "__main__":
    main()
