"""How wide a text is in Arial (or Liberation Sans, its metric twin), to size table columns.

Widths are the font's advance widths in thousandths of an em (the Helvetica/Arial metrics,
which Liberation Sans shares); characters not listed count as a wide letter, so that an
estimate errs on the wide side. Used where a table must fit a page width without breaking
a word (the budget tables' headings and figures).
"""

from __future__ import annotations

__all__ = ["longest_word_mm", "text_mm"]

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
