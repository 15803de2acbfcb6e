"""Benchmark of `proposal-kit pages` (not a test; CI does not time it).

Prints, for one DOCX (default: the rendered Lot 2 example ``out/lot2-partB.docx`` if present,
else a generated 40-page document):

* the whole-process time of ``proposal-kit pages FILE`` against a bare
  ``soffice --headless --convert-to pdf`` of the same file, run alternately in the same run
  (median of 3 each, after one warm-up of each), and their ratio (target: at most 1.3);
* the error of the estimate (no LibreOffice) against the exact count, over generated
  documents (and the given file).

Usage: ``.venv/bin/python bench/bench_pages.py [FILE.docx] [--runs N]``
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

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["skills", "alliance", "vocational", "training", "digital", "sector", "partners",
         "methodology", "impact", "curriculum", "learners", "enterprises", "apprenticeships",
         "quality", "assurance"]


def _document(font_pt: float = 11, margin_mm: float = 20, font: str = "Calibri") -> Any:
    document = Document()
    document.styles["Normal"].font.name = font
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", Mm(margin_mm))
    document.styles["Normal"].font.size = Pt(font_pt)
    return document


def _text(n: int, seed: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(n))


def generated(folder: Path) -> dict[str, Path]:
    """Documents of known kinds: page breaks, flowing text, tables, small type."""
    docs: dict[str, Path] = {}
    d = _document()
    for number in range(40):
        d.add_paragraph(f"Page {number + 1}. " + _text(60, number))
        if number < 39:
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    docs["40 pages, page breaks"] = folder / "breaks40.docx"
    d.save(str(docs["40 pages, page breaks"]))
    for paragraphs, size, font in ((40, 11, "Calibri"), (120, 11, "Arial"), (120, 9, "Calibri"),
                                   (200, 12, "Arial"), (150, 10, "Times New Roman")):
        d = _document(font_pt=size, font=font)
        for i in range(paragraphs):
            if i % 8 == 0:
                d.add_heading(f"{i // 8 + 1} Section heading", 1)
            d.add_paragraph(_text(40 + (i * 37) % 160, i))
        name = f"flowing text, {paragraphs} paragraphs, {font} {size} pt"
        docs[name] = folder / f"flow{paragraphs}-{size}.docx"
        d.save(str(docs[name]))
    d = _document(font_pt=10, font="Arial")
    for t in range(12):
        d.add_heading(f"Table {t + 1}", 2)
        d.add_paragraph(_text(80, t))
        table = d.add_table(rows=10, cols=5)
        table.style = "Table Grid"
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = _text(3 + (r * c) % 14, r + c)
    docs["tables, Arial 10 pt"] = folder / "tables.docx"
    d.save(str(docs["tables, Arial 10 pt"]))
    return docs


def _proposal_kit() -> list[str]:
    script = Path(sys.executable).with_name("proposal-kit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "proposal_kit"]


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def bench_time(path: Path, runs: int) -> float | None:
    """Print the timings; the ratio pages / bare soffice (None without LibreOffice)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice is not installed: no timing")
        return None
    with tempfile.TemporaryDirectory() as out:
        pages = [*_proposal_kit(), "pages", str(path), "--format", "json"]
        bare = [soffice, "--headless", "--convert-to", "pdf", "--outdir", out, str(path)]
        _timed(bare), _timed(pages)  # warm-up: disk cache, profiles
        ours, theirs = [], []
        for _ in range(runs):
            theirs.append(_timed(bare))
            ours.append(_timed(pages))
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"file: {path}")
    print(f"  proposal-kit pages (whole process): median {a:.2f} s  "
          f"[{', '.join(f'{t:.2f}' for t in ours)}]")
    print(f"  bare soffice --convert-to pdf:      median {b:.2f} s  "
          f"[{', '.join(f'{t:.2f}' for t in theirs)}]")
    print(f"  ratio: {a / b:.2f} (target <= 1.3)")
    return a / b


def bench_estimate(docs: dict[str, Path]) -> None:
    from proposal_kit.pages import count_pages
    from proposal_kit.pages.docxinfo import DocxInfo
    from proposal_kit.pages.estimate import estimate_layout

    print("\nestimate (no LibreOffice) vs exact count:")
    print(f"  {'exact':>5} {'est.':>5} {'error':>6}  document")
    errors = []
    for name, path in docs.items():
        exact = count_pages(path).total_pages
        guess = estimate_layout(DocxInfo(path)).page_count
        errors.append(guess - exact)
        print(f"  {exact:>5} {guess:>5} {guess - exact:>+6}  {name}")
    absolute = [abs(e) for e in errors]
    print(f"  mean absolute error {statistics.mean(absolute):.1f} pages, "
          f"max {max(absolute)} pages, over {len(errors)} documents")


def _rendered_lot2(folder: Path) -> Path:
    """The Lot 2 example rendered to DOCX in ``folder``."""
    from proposal_kit import load_project
    from proposal_kit.render import render_project

    out = folder / "lot2-partB.docx"
    render_project(load_project(ROOT / "examples" / "lot2-blueprint" / "project.yaml"), out)
    return out


def main(argv: list[str] | None = None) -> list[Any]:
    """Run the benchmark; print its figures and return the timing ratio's."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import Figure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        docs = generated(Path(folder))
        target = args.file or _rendered_lot2(Path(folder))
        ratio = bench_time(target, args.runs)
        if target not in docs.values():
            docs[target.name] = target
        if shutil.which("soffice") or shutil.which("libreoffice"):
            bench_estimate(docs)
    return [] if ratio is None else [Figure("pages / bare soffice", ratio, 1.3)]


if __name__ == "__main__":
    main()
