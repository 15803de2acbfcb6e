"""Benchmark `check` of a season and of a huge consortium (prints figures; not a test).

In this run, whole processes (issue 17):

* ``proposal-kit check`` of 200 generated consortia in one command, against the check of
  one of them (medians of N alternating runs): target <= 2.5;
* the check of one consortium of 10,000 partners: target under 5 s, and its peak memory
  (the process's maximum resident set, from getrusage).

Usage: ``.venv/bin/python bench/bench_check.py [--runs N]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CLI, Figure, alternate, compile_package, median, peak_kib, spread
from generate import many_partners, season, write

#: `check` exits 1 when a consortium of the season is not eligible (some are, on purpose).
CHECK_CODES = (0, 1)


def main(argv: list[str] | None = None) -> list[Figure]:
    """Run the benchmark; print and return its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--partners", type=int, default=10_000)
    args = parser.parse_args(argv)
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = season(args.files, folder / "season")
        huge = write(many_partners(args.partners), folder / "huge" / "project.yaml")
        times = alternate({"one": [*CLI, "check", "-q", str(files[1])],
                           "season": [*CLI, "check", "-q", *map(str, files)]},
                          args.runs, CHECK_CODES)
        runs = [peak_kib(["check", "-q", str(huge)], CHECK_CODES) for _ in range(3)]
    seconds = median([s for s, _ in runs])
    peak = max(p for _, p in runs)
    print(f"medians of {args.runs} alternating runs, whole processes:")
    print(f"  check of one consortium: {spread(times['one'])}")
    print(f"  check of {args.files} consortia in one command: {spread(times['season'])}")
    print(f"  check of {args.partners:,} partners (median of 3): {seconds:.2f} s, "
          f"peak memory {peak / 1024:.0f} MiB")
    figures = [Figure(f"{args.files} checks / one", median(times["season"]) /
                      median(times["one"]), 2.5),
               Figure(f"check of {args.partners:,} partners", seconds, 5.0, " s"),
               Figure(f"check of {args.partners:,} partners, peak memory", peak / 1024,
                      unit=" MiB")]
    for figure in figures:
        print(f"  {figure.line()}")
    return figures


if __name__ == "__main__":
    main()
