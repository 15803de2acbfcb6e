"""How wide a text is in Arial (or Liberation Sans, its metric twin), to size table columns.

Widths are the font's advance widths in thousandths of an em (the Helvetica/Arial metrics,
which Liberation Sans shares); characters not listed count as a wide letter, so that an
estimate errs on the wide side. Used where a table must fit a page width without breaking
a word (the budget tables' headings and figures), in as few lines as the width allows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Text", "fit_widths", "longest_word_mm", "text_mm", "unbreakable",
           "width_for_lines", "wrapped_lines"]

_EM_MM_PER_PT = 25.4 / 72
#: Advance widths (1/1000 em) of Arial regular.
_WIDTHS: dict[str, int] = {
    **dict.fromkeys("0123456789", 556), " ": 278, "\u00a0": 278, ",": 278, ".": 278,
    ":": 278, ";": 278, "/": 278, "-": 333, "(": 333, ")": 333, "%": 889, "—": 1000,
    "–": 556, "'": 191, "’": 222, "&": 667, "+": 584,
    "a": 556, "b": 556, "c": 500, "d": 556, "e": 556, "f": 278, "g": 556, "h": 556,
    "i": 222, "j": 222, "k": 500, "l": 222, "m": 833, "n": 556, "o": 556, "p": 556,
    "q": 556, "r": 333, "s": 500, "t": 278, "u": 556, "v": 500, "w": 722, "x": 500,
    "y": 500, "z": 500,
    "A": 667, "B": 667, "C": 722, "D": 722, "E": 667, "F": 611, "G": 778, "H": 722,
    "I": 278, "J": 500, "K": 667, "L": 556, "M": 833, "N": 722, "O": 778, "P": 667,
    "Q": 778, "R": 722, "S": 667, "T": 611, "U": 722, "V": 667, "W": 944, "X": 667,
    "Y": 667, "Z": 611,
}
_UNKNOWN = 722
#: Bold Arial is about this much wider than regular.
_BOLD = 1.08


def text_mm(text: str, size_pt: float = 9.0, bold: bool = False) -> float:
    """The width of ``text`` on one line, in mm."""
    return _units(text) / 1000 * size_pt * _EM_MM_PER_PT * (_BOLD if bold else 1.0)


@lru_cache(maxsize=65_536)
def _units(text: str) -> int:
    """The advance width of ``text`` in 1/1000 em.

    Cached: fitting a column tries many widths, each measuring every word of its cells.
    """
    return sum(_WIDTHS.get(ch, _UNKNOWN) for ch in text)


#: Where a line may break inside a word: after a hyphen that a letter follows (the Unicode
#: line-breaking rule: "2021-1" holds together, "KA220-VET" may break after the hyphen).
_BREAK_AFTER_HYPHEN = re.compile(r"(?<=-)(?=[^\W\d_])")


def unbreakable(text: str) -> list[str]:
    """The pieces of ``text`` a line never breaks inside: its words, split after hyphens."""
    return [piece for word in text.split() for piece in _BREAK_AFTER_HYPHEN.split(word)]


def longest_word_mm(text: str, size_pt: float = 9.0, bold: bool = False) -> float:
    """The width of the widest word of ``text`` (what a column needs not to break one)."""
    return max((text_mm(word, size_pt, bold) for word in text.split()), default=0.0)


def wrapped_lines(text: str, width_mm: float, size_pt: float = 9.0, bold: bool = False) -> int:
    """Lines ``text`` takes wrapped at word boundaries in ``width_mm`` (a long word: one)."""
    space = text_mm(" ", size_pt, bold)
    lines, used = 0, 0.0
    for word in text.split():
        width = text_mm(word, size_pt, bold)
        if lines and used + space + width <= width_mm:
            used += space + width
        else:
            lines, used = lines + 1, width
    return lines


def width_for_lines(text: str, lines: int, size_pt: float = 9.0, bold: bool = False) -> float:
    """The narrowest width (mm) holding ``text`` in at most ``lines`` lines, unbroken words."""
    low = longest_word_mm(text, size_pt, bold)
    high = text_mm(" ".join(text.split()), size_pt, bold)
    if wrapped_lines(text, low, size_pt, bold) <= lines:
        return low
    while high - low > 0.2:
        middle = (low + high) / 2
        if wrapped_lines(text, middle, size_pt, bold) <= lines:
            high = middle
        else:
            low = middle
    return high


@dataclass(frozen=True)
class Text:
    """A cell's text as it is set: the text, its size and weight, and the columns it spans."""

    text: str
    first: int
    span: int = 1
    size_pt: float = 9.0
    bold: bool = False
    header: bool = False
    #: The row the cell is in: a row is as high as its tallest cell.
    row: int = 0


def fit_widths(texts: Sequence[Text], columns: int, room_mm: float, pad_mm: float,
               weights: Sequence[float] | None = None) -> list[float] | None:
    """Column widths (mm) within ``room_mm``: no word breaks, then as few lines as may be.

    First every cell holds its widest word; then body cells get one line each if they all
    can, or else the rows get as low as the room allows (:func:`_fewest_lines`); then the
    header rows take as few lines as the room allows. What is left goes to
    the columns in proportion to ``weights`` (default: their widths). None when even the
    widest words do not fit.
    """
    def spread(widths: list[float], cell: Text, mm: float) -> None:
        short = mm + pad_mm - sum(widths[cell.first:cell.first + cell.span])
        if short > 0:
            for i in range(cell.first, cell.first + cell.span):
                widths[i] += short / cell.span

    widths = [0.0] * columns
    for cell in sorted(texts, key=lambda t: t.span):
        spread(widths, cell, longest_word_mm(cell.text, cell.size_pt, cell.bold))
    if sum(widths) > room_mm:
        return None
    body = [t for t in texts if t.span == 1 and not t.header]
    one_line = list(widths)
    for cell in body:
        spread(one_line, cell, text_mm(" ".join(cell.text.split()), cell.size_pt, cell.bold))
    fits = sum(one_line) <= room_mm
    widths = one_line if fits else _fewest_lines(widths, body, room_mm, pad_mm)
    headers = [t for t in texts if t.header]
    most = max((wrapped_lines(t.text, widths[t.first] - pad_mm, t.size_pt, t.bold)
                for t in headers if t.span == 1), default=1)
    for lines in range(1, most):
        trial = list(widths)
        for cell in sorted(headers, key=lambda t: t.span):
            spread(trial, cell, width_for_lines(cell.text, lines, cell.size_pt, cell.bold))
        if sum(trial) <= room_mm:
            widths = trial
            break
    share = list(weights) if weights is not None else widths
    spare = room_mm - sum(widths)
    return [w + spare * s / sum(share) for w, s in zip(widths, share, strict=True)]


def _fewest_lines(widths: list[float], body: Sequence[Text], room_mm: float,
                  pad_mm: float) -> list[float]:
    """The narrowest columns for the lowest rows, one line off one row at a time.

    A row is as high as its tallest cell, so the room goes row by row: each step takes a
    line off the row that costs the least width to lower (every cell of the row within one
    line less), while the columns still fit the room.
    """
    rows: dict[int, list[Text]] = {}
    for cell in body:
        rows.setdefault(cell.row, []).append(cell)
    budget = {r: max(wrapped_lines(t.text, widths[t.first] - pad_mm, t.size_pt, t.bold)
                     for t in cells) for r, cells in rows.items()}
    needed: dict[tuple[int, int], float] = {}

    def width(cell: Text, lines: int) -> float:
        key = (id(cell), lines)
        if key not in needed:
            needed[key] = width_for_lines(cell.text, lines, cell.size_pt, cell.bold) + pad_mm
        return needed[key]

    best = list(widths)
    for cell in body:
        best[cell.first] = max(best[cell.first], width(cell, budget[cell.row]))
    spare = room_mm - sum(best)
    while True:
        step: tuple[float, int] | None = None
        for r, lines in budget.items():
            if lines <= 1:
                continue
            grow: dict[int, float] = {}
            for cell in rows[r]:
                more = width(cell, lines - 1) - best[cell.first]
                grow[cell.first] = max(grow.get(cell.first, 0.0), more)
            cost = sum(grow.values())
            if cost <= spare and (step is None or cost < step[0]):
                step = (cost, r)
        if step is None:
            return best
        cost, r = step
        budget[r] -= 1
        for cell in rows[r]:
            best[cell.first] = max(best[cell.first], width(cell, budget[r]))
        spare = room_mm - sum(best)
