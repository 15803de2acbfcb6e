"""The Jinja sandbox bounds output and time: formatting bombs end at once, located."""

from __future__ import annotations

import time

import pytest

from proposal_kit.errors import TemplateError
from proposal_kit.templating import (
    MAX_OUTPUT,
    TIME_LIMIT,
    compile_bounded,
    make_environment,
    render_bounded,
)


def _render(source: str, **context: object) -> str:
    env = make_environment(filters={"eur": lambda value: f"{value:,.0f}"})
    return render_bounded(compile_bounded(env, source, "section 'x'"), context,
                          "section 'x'")


_DOUBLING = "{% set a = 'x' * 1000 %}" + "{% set a = a ~ a %}" * 40 + "{{ a|length }}"

BOMBS = {
    "percent-width": "Line one\n{{ '%0999999999d' % 1 }}",
    "percent-left": "Line one\n{{ '%-999999999s' % 'x' }}",
    "percent-star": "Line one\n{{ '%*d' % (999999999, 1) }}",
    "percent-precision": "Line one\n{{ '%.999999999f' % 1 }}",
    "percent-named": "Line one\n{{ '%(a)0999999999d' % {'a': 1} }}",
    "format-width": "Line one\n{{ '{:>999999999}'.format(1) }}",
    "format-nested-width": "Line one\n{{ '{:>{w}}'.format(1, w=999999999) }}",
    "format-map": "Line one\n{{ '{a:>999999999}'.format_map({'a': 1}) }}",
    "format-repeated": "Line one\n{{ '{0}{0}{0}{0}{0}{0}{0}{0}'.format('x' * 1000000) }}",
    "format-filter": "Line one\n{{ '%0999999999d'|format(1) }}",
    "center": "Line one\n{{ 'x'.center(10**9) }}",
    "ljust": "Line one\n{{ 'x'.ljust(999999999) }}",
    "rjust": "Line one\n{{ 'x'.rjust(999999999) }}",
    "zfill": "Line one\n{{ 'x'.zfill(999999999) }}",
    "center-filter": "Line one\n{{ 'x'|center(999999999) }}",
    "expandtabs": "Line one\n{{ ('\t' * 1000).expandtabs(999999) }}",
    "repeat": "Line one\n{{ 'ab' * 10**9 }}",
    "range-list": "Line one\n{{ range(10**9)|list }}",
    "doubling-concat": "Line one\n" + _DOUBLING,
    "doubling-plus": "Line one\n" + _DOUBLING.replace("a ~ a", "a + a"),
    "doubling-list": "Line one\n" + _DOUBLING.replace("'x' * 1000", "[1] * 1000")
    .replace("a ~ a", "a + a"),
    "doubling-namespace": "Line one\n{% set ns = namespace(a='xx') %}{% for i in range(60) %}"
                          "{% set ns.a = ns.a ~ ns.a %}{% endfor %}",
    "doubling-extend": "Line one\n{% set a = [1] * 1000 %}{% for i in range(40) %}"
                       "{{ a.extend(a) }}{% endfor %}",
    "replace": "Line one\n{% set a = 'x' * 100000 %}{{ a.replace('x', a) }}",
    "replace-filter": "Line one\n{% set a = 'x' * 100000 %}{{ a|replace('x', a) }}",
    "join": "Line one\n{{ (['xxxx'] * 100000)|join('y' * 1000) }}",
    "join-method": "Line one\n{% set a = 'x' * 1000000 %}{{ ''.join([a] * 100) }}",
    "indent": "Line one\n{{ ('x\\n' * 100000)|indent(1000) }}",
    "wordwrap": "Line one\n{{ ('x ' * 1000000)|wordwrap(1, wrapstring='y' * 100) }}",
    "translate": "Line one\n{{ ('x' * 100000).translate({120: 'y' * 1000}) }}",
    "nested-list": "Line one\n{% set a = ['x' * 1000000] %}{% set a = [a, a, a, a] %}"
                   "{% set a = [a, a, a, a] %}{% set a = [a, a, a, a] %}{{ a }}",
    "nested-string": "Line one\n{% set a = ['x' * 1000000] * 8 %}{{ a|string }}",
    "constant-filters": "Line one\n{{ " + " ~ ".join(["'x'|center(4000000)"] * 200) + " }}",
    "product": "Line one\n{% set a = 2 ** 4000 %}{% for i in range(30) %}"
               "{% set a = a * a %}{% endfor %}",
    "batch": "Line one\n{{ range(10)|batch(10**9, 'x')|list }}",
    "lipsum": "Line one\n{{ lipsum(10**7) }}",
    "many-values": "Line one\n{% set a = [] %}{% for i in range(1000) %}"
                   "{{ a.append('x'|center(4000000)) }}{% endfor %}",
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_formatting_bomb_ends_at_once_with_a_located_error(name: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateError) as raised:
        _render(BOMBS[name])
    assert time.monotonic() - started < TIME_LIMIT / 4
    assert raised.value.location is not None and raised.value.location.line == 2, \
        raised.value.location
    assert "section 'x'" in raised.value.message


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ 5000000|eur }}", "5,000,000"),
    ("{{ '{:,}'.format(5000000) }}", "5,000,000"),
    ("{{ '{:>8}'.format('ab') }}", "      ab"),
    ("{{ '%05.1f' % 3.14159 }}", "003.1"),
    ("{{ '%(n)s: %(v)d' % {'n': 'WP1', 'v': 12} }}", "WP1: 12"),
    ("{{ 5000000|round|int }}", "5000000"),
    ("{{ 'ab' ~ 1 ~ [2] }}", "ab1[2]"),
    ("{{ ['a', 'b']|join(', ') }}", "a, b"),
    ("{{ 'x'|center(5) }}", "  x  "),
    ("{{ 'a\\nb'|indent(2) }}", "a\n  b"),
    ("{{ 'a-b'.replace('-', '--') }}", "a--b"),
    ("{{ 2 ** 10 * 3 }}", "3072"),
    ("{{ [1, 2, 3]|map('string')|join(', ') }}", "1, 2, 3"),
    ("{{ '-'.join([1, 2]|map('string')) }}", "1-2"),
    ("{{ ['a', '', 'b']|select|join('+') }}", "a+b"),
    ("{{ [{'n': 'x'}, {'n': 'y'}]|join(', ', attribute='n') }}", "x, y"),
])
def test_ordinary_formatting_is_untouched(source: str, expected: str) -> None:
    assert _render(source) == expected


def test_the_limit_allows_a_value_up_to_it() -> None:
    assert _render("{{ ('x' * (n // 2)) ~ ('y' * (n // 2)) }}", n=MAX_OUTPUT) \
        .count("y") == MAX_OUTPUT // 2
