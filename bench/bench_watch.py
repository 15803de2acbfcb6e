"""Benchmark the page re-count of `watch` (prints figures; not a test).

In the same run: the time of a page re-count through the LibreOffice that `watch` keeps
warm, against the same count done cold (``count_pages`` starting LibreOffice for it, as a
watch without a warm LibreOffice would), median of N each, taken in turn. Target (issue
17): warm / cold <= 0.4. The ratio to a bare cold `soffice --convert-to pdf` of the same
file (LibreOffice's conversion alone, without the count's reading of the PDF) is printed
too. A save whose render lays out the same content is not counted again (the layout
fingerprint, see ``watch.layout_fingerprint``): its cost is printed too, against the cold
count (free: LibreOffice is not asked).

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
from proposal_kit.watch import layout_fingerprint

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Figure

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lot2-blueprint" / "project.yaml"


def main(argv: list[str] | None = None) -> list[Figure]:
    """Run the benchmark; print and return its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    soffice, python = find_soffice(), find_uno_python()
    if soffice is None or python is None:
        print("needs LibreOffice and python3-uno (scripts/setup installs them): no figures")
        return []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docx = folder / "lot2.docx"
        project = load_project(EXAMPLE)
        render_project(project, docx)
        bare = [str(soffice), "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                 str(docx)]
        subprocess.run(bare, check=True, capture_output=True)  # as bench_pages: warm disk
        cold, cold_count, warm, back_to_back, unchanged = [], [], [], [], []
        with WarmOffice(soffice, python) as office:
            for _ in range(2):  # as the first render and count of a watch: warm the filters
                count_pages(docx, office=office)
            for _ in range(args.runs):  # interleaved, so that a busy moment hits both
                start = time.perf_counter()
                subprocess.run(bare, check=True, capture_output=True)
                cold.append(time.perf_counter() - start)
                start = time.perf_counter()
                count_pages(docx)  # the same count, LibreOffice started for it
                cold_count.append(time.perf_counter() - start)
                render_project(project, docx, force=True)  # what watch does after a save
                start = time.perf_counter()
                count_pages(docx, office=office)
                warm.append(time.perf_counter() - start)
            for _ in range(args.runs):
                start = time.perf_counter()
                count_pages(docx, office=office)
                back_to_back.append(time.perf_counter() - start)
        last = layout_fingerprint(docx)
        for _ in range(args.runs):  # a save that renders the same: what watch does instead
            render_project(project, docx, force=True)
            start = time.perf_counter()
            same = layout_fingerprint(docx) == last
            unchanged.append(time.perf_counter() - start)
            assert same, "the same project rendered differently"
    c, k, w, b, u = (statistics.median(x)
                     for x in (cold, cold_count, warm, back_to_back, unchanged))
    print(f"cold page count, LibreOffice started for it (median of {args.runs}): {k:.3f} s "
          f"[{min(cold_count):.3f}-{max(cold_count):.3f}]")
    print(f"cold soffice --convert-to pdf (median of {args.runs}): {c:.3f} s "
          f"[{min(cold):.3f}-{max(cold):.3f}]")
    print(f"watch page re-count, warm LibreOffice (median of {args.runs}): {w:.3f} s "
          f"[{min(warm):.3f}-{max(warm):.3f}]")
    print(f"back-to-back re-counts, no render between (median of {args.runs}): {b:.3f} s, "
          f"{b / k:.2f} of the cold count")
    print(f"re-count after a save that renders the same (median of {args.runs}): "
          f"{u * 1000:.1f} ms, 'unchanged' (LibreOffice not asked)")
    figures = [Figure("warm re-count / cold count", w / k, 0.4),
               Figure("warm re-count / bare cold soffice", w / c),
               Figure("unchanged re-count / cold count", u / k, 0.01)]
    for figure in figures:
        print(f"  {figure.line()}")
    return figures


if __name__ == "__main__":
    main()
