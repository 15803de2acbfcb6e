"""Run every benchmark and print its figures, then all the ratios together (`make bench`).

Not a test: the figures are ratios measured in this one run on this machine (medians of
alternating runs), printed with the machine they were measured on.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import Figure, machine  # noqa: E402

#: In the order they run: the quick figures first, LibreOffice's last.
BENCHMARKS = ("bench_render", "bench_check", "bench_watch", "bench_pages")


def main(names: list[str]) -> None:
    """Run ``names`` (default: all), then print every figure with the machine."""
    started = time.strftime("%Y-%m-%d %H:%M")
    figures: list[Figure] = []
    for name in names or BENCHMARKS:
        print(f"== {name}", flush=True)
        figures += importlib.import_module(name).main([])
    print(f"\n== all figures ({started}; {machine()})")
    for figure in figures:
        print(f"  {figure.line()}")


if __name__ == "__main__":
    main(sys.argv[1:])
