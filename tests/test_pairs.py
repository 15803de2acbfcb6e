"""Opener-to-closer spans in one pass: the same spans as the lazy regular expressions they
replace, on every text (those were quadratic on unclosed openers)."""

from __future__ import annotations

import random
import re

import pytest

from proposal_kit.pairs import JINJA, paired_spans, replace_spans

_LAZY = {
    "jinja": (JINJA, re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)),
    "expressions": ({"{{": "}}"}, re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)),
    "with comments": ({"<!--": "-->", **JINJA},
                      re.compile(r"<!--.*?-->|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)),
}
_PIECES = ["{", "}", "%", "#", "-", "<", "!", "a", " ", "\n", "{{", "}}", "{%", "%}", "{#",
           "#}", "<!--", "-->"]


@pytest.mark.parametrize("kind", sorted(_LAZY))
def test_the_spans_are_those_of_the_lazy_expression(kind: str) -> None:
    pairs, lazy = _LAZY[kind]
    rng = random.Random(kind)
    for _ in range(5000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 30)))
        assert paired_spans(text, pairs) == [m.span() for m in lazy.finditer(text)], text


def test_an_opener_inside_an_unclosed_one_still_opens() -> None:
    """``{{% x %}``: the '{{' has no closer; the '{%' after its first brace has one."""
    assert paired_spans("{{% x %}") == [(1, 8)]


def test_unclosed_openers_by_the_ten_thousand() -> None:
    text = "{{ closed }} " + "<!--{{{%<(](" * 10_000
    assert paired_spans(text) == [(0, 12)]
    assert paired_spans(text + "}}")[-1] == (17, len(text) + 2)  # the first '{{' after it
    assert replace_spans("a {{ b }} c {% d %}", paired_spans("a {{ b }} c {% d %}"),
                         lambda span: span[:2]) == "a {{ c {%"
