"""Numbers as proposals write them: figures, words, amounts of money with their precision."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["AMOUNT", "BARE_AMOUNT", "NUMBER", "Amount", "amount_at", "number_value"]

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUES = {w: i for i, w in enumerate(_UNITS)} | {w: 10 * i for i, w in enumerate(_TENS)
                                                       if w}
_WORD = (r"(?:(?:" + "|".join(t for t in _TENS if t) + r")(?:[- ](?:" +
         "|".join(_UNITS[1:10]) + r"))?|" + "|".join(sorted(_UNITS[1:], key=len, reverse=True))
         + ")")
#: A count or a duration: ``12``, ``twelve``, ``twenty-four``.
NUMBER = rf"(?:\d{{1,3}}|{_WORD})"

_SEP = r"[,\u00a0\u202f ]"
#: An amount's figure: ``4,987,000``, ``4 987 000``, ``2.1``, ``1.5``.
_FIGURE = rf"\d{{1,3}}(?:{_SEP}\d{{3}})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"(?:million|mio|mln|mn|m|bn|billion|k|thousand)\b\.?"
_CURRENCY = r"(?:EUR|€|euros?|Euros?)"
#: An amount of money, currency before or after: ``EUR 2.1 million``, ``€4 M``, ``€1.5M``.
AMOUNT = re.compile(
    rf"(?:{_CURRENCY}\s?(?P<a>{_FIGURE})(?:\s?(?P<sa>{_SCALE}))?"
    rf"|(?P<b>{_FIGURE})(?:\s?(?P<sb>{_SCALE}))?\s?{_CURRENCY}(?![\w-]))", re.IGNORECASE)

#: A figure with thousands separators and no currency: ``4,987,000``, ``4 987 000``.
BARE_AMOUNT = re.compile(rf"(?<![\w.,€])(?P<a>\d{{1,3}}(?:[,\u00a0\u202f ]\d{{3}}){{2,}})"
                         rf"(?P<sa>)(?![\w.,]\d|\s?(?:%|{_CURRENCY}|{_SCALE}))")

_MULTIPLIERS = {"million": 1e6, "mio": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "bn": 1e9,
                "billion": 1e9, "k": 1e3, "thousand": 1e3}


def number_value(text: str) -> int:
    """The value of a :data:`NUMBER` match."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    parts = re.split(r"[- ]", text)
    return sum(_WORD_VALUES[p] for p in parts if p)


@dataclass(frozen=True)
class Amount:
    """An amount of money and the half-width of the rounding its writing implies."""

    value: float
    tolerance: float


def amount_at(match: re.Match[str]) -> Amount | None:
    """The :class:`Amount` of an :data:`AMOUNT` match (None if it is not a number)."""
    groups = match.groupdict()
    figure = groups.get("a") or groups.get("b") or ""
    scale = (groups.get("sa") or groups.get("sb") or "").rstrip(".").lower()
    digits = re.sub(_SEP, "", figure)
    grouped = bool(re.search(_SEP + r"\d{3}", figure))
    if not grouped and "," in digits:
        digits = digits.replace(",", ".")  # "2,1 million": a decimal comma
    try:
        value = float(digits)
    except ValueError:
        return None
    decimals = len(digits.partition(".")[2])
    multiplier = _MULTIPLIERS.get(scale, 1.0)
    if scale:
        tolerance = 0.5 * 10 ** -decimals * multiplier
    else:
        zeros = len(digits) - len(digits.rstrip("0")) if not decimals else 0
        tolerance = 500.0 if zeros >= 3 else 0.5
    return Amount(value * multiplier, tolerance)
