"""Benchmark `render` (prints figures; not a test).

Whole processes, medians of N alternating runs, all in this run (issue 17):

* ``proposal-kit render`` of the Lot 2 example (own layout), against pandoc converting the
  same draft's Markdown to DOCX (what a user would pick instead): target <= 0.8;
* ``render --form`` (the official Part B form filled) against the same pandoc: <= 1.0;
* the same two with ``proposal-kit server start`` running (each command then runs in a copy of
  the warm resident process, see proposal_kit/resident.py), against the same pandoc;
* the generated large project (60 partners, 12 WPs, 150 deliverables; bench/generate.py)
  against the example: <= 1.5; and its peak memory.

Usage: ``.venv/bin/python bench/bench_render.py [--runs N]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CLI, ROOT, Figure, alternate, compile_package, median, peak_kib, spread
from generate import large_project, write

EXAMPLE = ROOT / "examples" / "lot2-blueprint" / "project.yaml"
#: The official copies beside the checkout (PROPOSAL_KIT_OFFICIAL overrides, as for tests).
OFFICIAL = Path(os.environ.get("PROPOSAL_KIT_OFFICIAL", ROOT.parent / "shared" / "official"))
FORMS = sorted(OFFICIAL.glob("partb-form*.docx"))


def main(argv: list[str] | None = None) -> list[Figure]:
    """Run the benchmark; print and return its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args(argv)
    compile_package()
    os.environ["PROPOSAL_KIT_SERVER"] = "off"  # the cold figures: no server, even if one runs
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        large = write(large_project(), out / "large" / "project.yaml")
        markdown = out / "lot2.md"
        _, _ = peak_kib(["render", str(EXAMPLE), "-o", str(markdown)])
        body = markdown.read_text(encoding="utf-8").split("\n", 1)[1]  # no fingerprint line
        (out / "plain.md").write_text(body, encoding="utf-8")
        commands = {"render": [*CLI, "render", str(EXAMPLE), "--force", "-o",
                               str(out / "lot2.docx")],
                    "large": [*CLI, "render", str(large), "--force", "-o",
                              str(out / "large.docx")]}
        if FORMS:
            commands["form"] = [*CLI, "render", str(EXAMPLE), "--force", "--form",
                                str(FORMS[0]), "-o", str(out / "lot2-form.docx")]
        pandoc = shutil.which("pandoc")
        if pandoc:
            commands["pandoc"] = [pandoc, "-f", "markdown", "-t", "docx",
                                  str(out / "plain.md"), "-o", str(out / "pandoc.docx")]
        times = alternate(commands, args.runs)
        served = _served({name: commands[name] for name in ("render", "form", "pandoc")
                          if name in commands}, args.runs, out)
        _, large_peak = peak_kib(["render", str(large), "--force", "-o",
                                  str(out / "large.docx")])
        _, example_peak = peak_kib(["render", str(EXAMPLE), "--force", "-o",
                                    str(out / "lot2.docx")])
    print(f"medians of {args.runs} alternating runs, whole processes:")
    names = {"render": "render Lot 2 example (own layout)",
             "form": "render --form (the official form filled)",
             "large": "render large project (60 partners, 12 WPs, 150 deliverables)",
             "pandoc": "pandoc, the same draft's Markdown to DOCX"}
    for key, samples in times.items():
        print(f"  {names[key]}: {spread(samples)}")
    render = median(times["render"])
    if "pandoc" in times:
        figures.append(Figure("render / pandoc", render / median(times["pandoc"]), 0.8))
        if "form" in times:
            figures.append(Figure("render --form / pandoc",
                                  median(times["form"]) / median(times["pandoc"]), 1.0))
    else:
        print("  pandoc not installed: no reference figure (scripts/setup installs it)")
    if "form" not in times:
        print(f"  no official form in {OFFICIAL}: no --form figure (give its folder as "
              "PROPOSAL_KIT_OFFICIAL, e.g. from a worktree)")
    if "pandoc" in served:
        print(f"medians of {args.runs} alternating runs with `proposal-kit server start` running:")
        for key, samples in served.items():
            print(f"  {names[key]}{'' if key == 'pandoc' else ', served'}: {spread(samples)}")
        pandoc_time = median(served["pandoc"])
        figures.append(Figure("render, served / pandoc", median(served["render"]) / pandoc_time,
                              0.8))
        if "form" in served:
            figures.append(Figure("render --form, served / pandoc",
                                  median(served["form"]) / pandoc_time, 1.0))
    figures.append(Figure("large / example", median(times["large"]) / render, 1.5))
    figures.append(Figure("large project render, peak memory", large_peak / 1024,
                          unit=" MiB"))
    figures.append(Figure("example render, peak memory", example_peak / 1024, unit=" MiB"))
    for figure in figures:
        print(f"  {figure.line()}")
    return figures


def _served(commands: dict[str, list[str]], runs: int, out: Path) -> dict[str, list[float]]:
    """The same commands' times while a server runs (its own socket folder, stopped after)."""
    runtime = out / "runtime"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
    env.pop("PROPOSAL_KIT_SERVER")
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        subprocess.run([*CLI, "server", "start", "--idle", "10"], check=True,
                       stdout=subprocess.DEVNULL)
        try:
            return alternate(commands, runs)
        finally:
            subprocess.run([*CLI, "server", "stop"], check=False, stdout=subprocess.DEVNULL)
    finally:
        os.environ.clear()
        os.environ.update(saved)


if __name__ == "__main__":
    main()
