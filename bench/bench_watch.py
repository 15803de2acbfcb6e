"""Benchmark the page re-count of `watch` (prints figures; not a test).

In the same run: the time of a page re-count through the LibreOffice that `watch` keeps
warm, against a cold `soffice --convert-to pdf` of the same file (median of N each).
Target (issue 7): warm / cold <= 0.5.

Each warm re-count follows a render of the draft, as in `watch` (a save, a render, a count);
only the count is timed. LibreOffice closes the previous document after answering, while
the next render runs; the back-to-back figure (counts with nothing between them, so each one
also waits for that close) is printed as well.
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
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    soffice, python = find_soffice(), find_uno_python()
    if soffice is None or python is None:
        sys.exit("needs LibreOffice and python3-uno (scripts/setup installs them)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docx = folder / "lot2.docx"
        project = load_project(EXAMPLE)
        render_project(project, docx)
        bare = [str(soffice), "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                 str(docx)]
        subprocess.run(bare, check=True, capture_output=True)  # as bench_pages: warm disk
        cold, warm, back_to_back = [], [], []
        with WarmOffice(soffice, python) as office:
            for _ in range(2):  # as the first render and count of a watch: warm the filters
                count_pages(docx, office=office)
            for _ in range(args.runs):  # interleaved, so that a busy moment hits both
                start = time.perf_counter()
                subprocess.run(bare, check=True, capture_output=True)
                cold.append(time.perf_counter() - start)
                render_project(project, docx, force=True)  # what watch does after a save
                start = time.perf_counter()
                count_pages(docx, office=office)
                warm.append(time.perf_counter() - start)
            for _ in range(args.runs):
                start = time.perf_counter()
                count_pages(docx, office=office)
                back_to_back.append(time.perf_counter() - start)
    c, w, b = (statistics.median(x) for x in (cold, warm, back_to_back))
    print(f"cold soffice --convert-to pdf (median of {args.runs}): {c:.3f} s "
          f"[{min(cold):.3f}-{max(cold):.3f}]")
    print(f"watch page re-count, warm LibreOffice (median of {args.runs}): {w:.3f} s "
          f"[{min(warm):.3f}-{max(warm):.3f}]")
    print(f"warm / cold: {w / c:.2f} (target <= 0.5)")
    print(f"back-to-back re-counts, no render between (median of {args.runs}): {b:.3f} s, "
          f"{b / c:.2f} of cold")

if __name__ == "__main__":
    main()
