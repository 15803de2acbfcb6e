"""The Jinja filters of the sandbox, bounded: each checked before it runs, its result after.

:func:`bounded_filters` wraps the built-in filters and proposal-kit's own for
:class:`~proposal_kit.templating.BoundedEnvironment`; the limits and the checks shared with
the operators and methods are in :mod:`proposal_kit.jinjalimits`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from jinja2.utils import _PassArg

from .jinjalimits import (
    MAX_ITEMS,
    MAX_OUTPUT,
    SEQUENCES,
    LimitExceeded,
    check_join,
    check_percent,
    check_replace,
    check_size,
    check_width,
    rendered_size,
    too_much,
)

__all__ = ["bounded_filter", "bounded_filters"]


def _join_check(value: Any, d: Any = "", attribute: Any = None) -> Any:
    if attribute is None:
        return check_join(d, value)  # an iterator is read: its items stand for it
    rendered_size(value)
    return value


def _indent_check(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> None:
    size = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    text = str(s) if isinstance(s, str) else ""
    if len(text) + (text.count("\n") + 1) * max(size, 0) > MAX_OUTPUT:
        raise too_much(f"indenting {text.count(chr(10)) + 1:,} lines by {size:,}")


def _wordwrap_check(s: Any, width: Any = 79, break_long_words: bool = True,
                    wrapstring: Any = None, break_on_hyphens: bool = True) -> None:
    text = s if isinstance(s, str) else ""
    wrap = len(wrapstring) if isinstance(wrapstring, str) else 2
    step = width if isinstance(width, int) and width > 0 else 1
    breaks = len(text) // step + text.count(" ") + text.count("-") + text.count("\n") + 1
    if len(text) + breaks * wrap > MAX_OUTPUT:
        raise too_much(f"wrapping at {breaks:,} places")


def _sum_check(iterable: Any, attribute: Any = None, start: Any = 0) -> None:
    if isinstance(start, SEQUENCES) and isinstance(iterable, list | tuple):
        total = len(start)
        for item in iterable:
            total += len(item) if isinstance(item, SEQUENCES) else 1
            if total > MAX_OUTPUT:
                raise too_much("a sum of lists past the limit")


def _count_check(what: str) -> Callable[..., None]:
    def check(value: Any, count: Any = 1, *args: Any, **kwargs: Any) -> None:
        if isinstance(count, int) and count > MAX_ITEMS:
            raise LimitExceeded(f"{what} of {count:,}; at most {MAX_ITEMS:,}")

    return check


#: A filter's check: raises when the filter would pass the limit; returns the value to
#: filter instead, when it had to read an iterator to measure it (else None).
_FILTER_CHECKS: dict[str, Callable[..., Any]] = {
    "center": lambda value, width=80: check_width(width),
    "format": lambda value, *args, **kwargs: check_percent(str(value), kwargs or args),
    "indent": _indent_check,
    "join": _join_check,
    "replace": lambda s, old, new, count=None: check_replace(str(s), old, new, count),
    "wordwrap": _wordwrap_check,
    "sum": _sum_check,
    "batch": _count_check("batches"),
    "slice": _count_check("slices"),
}


#: Filters that turn the whole value into text (the others keep its items apart).
_TEXT_FILTERS = frozenset({"string", "pprint", "tojson", "xmlattr", "e", "escape",
                           "forceescape", "urlencode", "safe", "striptags", "title", "upper",
                           "lower", "capitalize", "trim", "urlize", "wordcount", "truncate",
                           "list"})


def bounded_filter(name: str, func: Callable[..., Any], text: bool = False) \
        -> Callable[..., Any]:
    """``func`` checked before it runs, its result bounded; never run at compile time.

    The wrapper takes the template's context (Jinja does not fold such a filter into a
    constant when it compiles), and hands ``func`` what it asks for. With ``text`` (or for
    the built-in filters that print their value), the text of the value is bounded first.
    """
    pass_arg = _PassArg.from_obj(func)
    check = _FILTER_CHECKS.get(name)
    text = text or name in _TEXT_FILTERS

    @pass_context
    def bounded(context: Context, value: Any, *args: Any, **kwargs: Any) -> Any:
        if check is not None:
            checked = check(value, *args, **kwargs)
            if checked is not None:
                value = checked
        elif text and type(value) is not str:
            rendered_size(value)
        if pass_arg is _PassArg.context:
            result = func(context, value, *args, **kwargs)
        elif pass_arg is _PassArg.eval_context:
            result = func(context.eval_ctx, value, *args, **kwargs)
        elif pass_arg is _PassArg.environment:
            result = func(context.environment, value, *args, **kwargs)
        else:
            result = func(value, *args, **kwargs)
        return check_size(result)

    bounded.__name__ = getattr(func, "__name__", name)
    bounded.__doc__ = func.__doc__
    return bounded


def bounded_filters(filters: Iterable[tuple[str, Callable[..., Any]]], text: bool = False) \
        -> dict[str, Callable[..., Any]]:
    """Each filter of ``filters`` through :func:`bounded_filter`."""
    return {name: bounded_filter(name, func, text) for name, func in filters}
