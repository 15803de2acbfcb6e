"""Benchmark the page re-count of `watch` (prints figures; not a test).

In the same run: the time of a page re-count through the LibreOffice that `watch` keeps
warm, against a cold `soffice --convert-to pdf` of the same file (median of N each).
Target (issue 7): warm / cold <= 0.5.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from proposal_kit import load_project
from proposal_kit.pages import count_pages
from proposal_kit.pages.convert import find_soffice
from proposal_kit.pages.warm import WarmOffice, find_uno_python
from proposal_kit.render import render_project

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lot2-blueprint" / "project.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    soffice, python = find_soffice(), find_uno_python()
    if soffice is None or python is None:
        sys.exit("needs LibreOffice and python3-uno (scripts/setup installs them)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docx = folder / "lot2.docx"
        render_project(load_project(EXAMPLE), docx)
        bare = [str(soffice), "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                 str(docx)]
        subprocess.run(bare, check=True, capture_output=True)  # as bench_pages: warm disk
        cold = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(bare, check=True, capture_output=True)
            cold.append(time.perf_counter() - start)
        warm = []
        with WarmOffice(soffice, python) as office:
            count_pages(docx, office=office)  # the first load warms LibreOffice's filters
            for _ in range(args.runs):
                start = time.perf_counter()
                count_pages(docx, office=office)
                warm.append(time.perf_counter() - start)
    c, w = statistics.median(cold), statistics.median(warm)
    print(f"cold soffice --convert-to pdf (median of {args.runs}): {c:.3f} s")
    print(f"watch page re-count, warm LibreOffice (median of {args.runs}): {w:.3f} s")
    print(f"warm / cold: {w / c:.2f} (target <= 0.5)")


if __name__ == "__main__":
    main()
