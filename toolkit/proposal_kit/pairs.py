"""Spans from an opener to its closer (``{{ }}``, ``{% %}``, ``{# #}``, ``<!-- -->``).

A lazy regular expression per opener (``{{.*?}}``, written with escapes) scans to the end
of the text for each opener that is never closed, so a text of many unclosed openers took
quadratic time (60,000 ``{{`` in a section: twenty minutes of `check`). Here, an opener
found without a closer after it marks every later opener of its kind as unclosed too, and
each position of the text is looked at once. The spans are those the lazy expression
finds: from an opener to the first closer after it, scanning on after the closer, or after
the opener's first character when it has none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache

__all__ = ["JINJA", "paired_spans", "replace_spans"]

#: Jinja's delimiters: expressions, statements and comments.
JINJA: Mapping[str, str] = {"{{": "}}", "{%": "%}", "{#": "#}"}


@cache
def _openers(openers: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(o) for o in openers))


def paired_spans(text: str, pairs: Mapping[str, str] = JINJA) -> list[tuple[int, int]]:
    """The (start, end) spans of ``text`` from an opener of ``pairs`` to its closer."""
    find = _openers(tuple(pairs)).search
    spans: list[tuple[int, int]] = []
    unclosed: set[str] = set()
    pos = 0
    while (match := find(text, pos)) is not None:
        opener = match.group()
        closer = pairs[opener]
        end = -1 if opener in unclosed else text.find(closer, match.end())
        if end < 0:
            unclosed.add(opener)
            pos = match.start() + 1
            continue
        spans.append((match.start(), end + len(closer)))
        pos = end + len(closer)
    return spans


def replace_spans(text: str, spans: list[tuple[int, int]],
                  replacement: Callable[[str], str]) -> str:
    """``text`` with each of ``spans`` (in order, not overlapping) replaced."""
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        pieces += [text[done:start], replacement(text[start:end])]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)
