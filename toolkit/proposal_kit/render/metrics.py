"""How wide a text is in Arial (or Liberation Sans, its metric twin), to size table columns.

Widths are the font's advance widths in thousandths of an em (the Helvetica/Arial metrics,
which Liberation Sans shares); characters not listed count as a wide letter, so that an
estimate errs on the wide side. Used where a table must fit a page width without breaking
a word (the budget tables' headings and figures), in as few lines as the width allows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Text", "fit_widths", "longest_word_mm", "text_mm", "width_for_lines",
           "wrapped_lines"]

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
    units = sum(_WIDTHS.get(ch, _UNKNOWN) for ch in text)
    return units / 1000 * size_pt * _EM_MM_PER_PT * (_BOLD if bold else 1.0)


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


def fit_widths(texts: Sequence[Text], columns: int, room_mm: float, pad_mm: float,
               weights: Sequence[float] | None = None) -> list[float] | None:
    """Column widths (mm) within ``room_mm``: no word breaks, then as few lines as may be.

    First every cell holds its widest word; then body cells get one line each, the cheapest
    first; then the header rows take as few lines as the room allows. What is left goes to
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
    one_line = list(widths)
    for cell in texts:
        if cell.span == 1 and not cell.header:
            spread(one_line, cell, text_mm(" ".join(cell.text.split()), cell.size_pt,
                                           cell.bold))
    for c in sorted(range(columns), key=lambda c: one_line[c] - widths[c]):
        if sum(widths) - widths[c] + one_line[c] <= room_mm:
            widths[c] = one_line[c]
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
