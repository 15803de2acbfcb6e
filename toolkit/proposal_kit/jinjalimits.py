"""The limits of the Jinja sandbox: no template operation may build an unbounded value.

:class:`~proposal_kit.templating.BoundedEnvironment` (made only by
:func:`~proposal_kit.templating.make_environment`) calls these hooks *before* the work is
done, so that a formatting bomb stops at once with :class:`LimitExceeded` instead of
building gigabytes in C code that no time limit can interrupt:

- operators: ``*`` and ``+`` of strings and lists, ``%`` formatting (widths, precisions
  and the values formatted), ``**`` and ``*`` of integers, and ``~`` (the code generator
  sends every concatenation through :func:`concat_bounded`);
- ``str.format``/``format_map`` (widths in the format spec, the values formatted);
- string methods that grow their string (``center``, ``ljust``, ``rjust``, ``zfill``,
  ``expandtabs``, ``replace``, ``join``, ``translate``), and lists, dicts and sets grown in
  place by their methods;
- filters (:mod:`proposal_kit.jinjafilters`): each has a check of its arguments where
  they can ask for more output, and of the value it turns into text; filters are never run
  at compile time, where no limit applies;
- what a ``{{ }}`` prints (:func:`finalize`): a list that holds the same long list many
  times is small in memory, but its text is not.

Each value a template builds, and each chunk of output, is at most :data:`MAX_OUTPUT`
characters (or items).
"""

from __future__ import annotations

import re
import string
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError, TemplateRuntimeError
from jinja2.runtime import markup_join, str_join
from jinja2.utils import Namespace, generate_lorem_ipsum

from .safeio import CONTROL, char_name

__all__ = ["MAX_BITS", "MAX_ITEMS", "MAX_OUTPUT", "MAX_WORK", "SEQUENCES",
           "BoundedCodeGenerator", "FieldBudget", "LimitExceeded", "bounded_binop",
           "bounded_lipsum", "bounded_range", "check_call", "check_field",
           "check_format_template", "check_grown", "check_join", "check_percent",
           "check_replace", "check_size", "check_width", "concat_bounded", "finalize",
           "rendered_size", "too_much", "work_scope"]

#: Most characters one render may produce (and one value may hold).
MAX_OUTPUT = 4 * 1024 * 1024
#: Most items of a ``range``, of a batch or slice, or paragraphs of ``lipsum``.
MAX_ITEMS = 100_000
#: Most bits of an integer a power or a product may produce.
MAX_BITS = 4096
#: Most characters (or items) one render may build in values of :data:`_LARGE` or more.
MAX_WORK = 16 * MAX_OUTPUT
_LARGE = 4096

SEQUENCES = (str, bytes, list, tuple)
_SIZED = (*SEQUENCES, dict, set, frozenset)


class LimitExceeded(SecurityError):
    """A template asked for more work than allowed."""


def too_much(what: str) -> LimitExceeded:
    """The error for ``what``, a piece of work over the limit."""
    return LimitExceeded(f"{what}; a template may build at most {MAX_OUTPUT:,} characters "
                         "(or items) in one value")


def rendered_size(value: Any, limit: int = MAX_OUTPUT) -> int:
    """About how many characters ``str(value)`` has, counted without building it.

    Containers are walked (each shared item as often as it is printed), and the walk stops
    as soon as the count passes ``limit``.

    Raises:
        LimitExceeded: the text of ``value`` would exceed ``limit``.
    """
    if isinstance(value, str):
        if len(value) > limit:
            raise too_much(f"a text of {len(value):,} characters" if limit == MAX_OUTPUT
                            else "texts joined here that would pass the limit")
        return len(value)
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, bytes | bytearray):
            total += 4 * len(item) + 3
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            if total <= limit:
                stack.extend(item)
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, Namespace):
            total += 14
            stack.append(dict(item.__dict__.get("_Namespace__attrs", {})))
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() * 3 // 10 + 2
        else:
            total += 24
        if total > limit:
            raise too_much("a value whose text would pass the limit" if limit == MAX_OUTPUT
                            else "texts joined here that would pass the limit")
    return total


class _Work(threading.local):
    """How much a render has built so far (large values only), in this thread."""

    created = 0
    depth = 0


_WORK = _Work()


@contextmanager
def work_scope() -> Iterator[None]:
    """Count what the templates rendered in the block build, against :data:`MAX_WORK`.

    Nested scopes (a generic text in a section) share the outermost one's count.
    """
    if _WORK.depth == 0:
        _WORK.created = 0
    _WORK.depth += 1
    try:
        yield
    finally:
        _WORK.depth -= 1


def check_size(value: Any) -> Any:
    """``value``, if it holds at most :data:`MAX_OUTPUT` characters or items.

    A large value also counts against what the whole render may build (:data:`MAX_WORK`):
    many values, each within the limit, cannot fill the memory either.
    """
    if isinstance(value, _SIZED):
        size = len(value)
        if size > MAX_OUTPUT:
            raise too_much(f"a value of {size:,} items or characters")
        if size >= _LARGE and _WORK.depth:
            _WORK.created += size
            if _WORK.created > MAX_WORK:
                raise LimitExceeded(f"the template builds more than {MAX_WORK:,} characters "
                                    "in large values; at most that in one render")
    return value


def finalize(value: Any) -> Any:
    r"""What ``{{ value }}`` prints, once known to be within the limit.

    It may hold no character a document cannot (a string escape such as ``'\x1b'`` makes
    one).
    """
    if type(value) is not str:
        rendered_size(value)
    if isinstance(value, str):
        control = CONTROL.search(value)
        if control is not None:
            raise TemplateRuntimeError(
                f"the value printed here holds {char_name(control.group(0))}, which no "
                "document can show (an escape such as '\\x1b' in a string?); remove it")
    return value


def concat_bounded(parts: tuple[Any, ...], markup: bool) -> str:
    """``a ~ b ~ ...``, once the parts are known to fit."""
    budget = MAX_OUTPUT
    for part in parts:
        budget -= rendered_size(part, budget)
    joined: str = markup_join(parts) if markup else str_join(parts)
    return str(check_size(joined))


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every ``~`` through :func:`concat_bounded`."""

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        """``environment.concat(...)`` of the parts, with the output's escaping."""
        self.write("environment.concat_bounded((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        if frame.eval_ctx.volatile:
            self.write("), context.eval_ctx.volatile)")
        else:
            self.write(f"), {bool(frame.eval_ctx.autoescape)})")


# --- % formatting --------------------------------------------------------------------

_PERCENT = re.compile(r"%(?:\(([^)]*)\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.?)")


def check_percent(template: str, values: Any) -> None:
    """Refuse ``template % values`` when its result would be too long."""
    budget = MAX_OUTPUT - len(template)
    star = False
    named = isinstance(values, dict)
    for match in _PERCENT.finditer(template):
        key, width, precision, kind = match.groups()
        if kind == "%" and not (key or width or precision):
            continue
        for number in (width, precision):
            if number == "*":
                star = True
            elif number:
                if len(number) > 9 or int(number) > budget:
                    raise too_much(f"a format width of {number[:12]}")
                budget -= int(number)
        if named and key is not None and key in values:
            budget -= rendered_size(values[key], max(budget, 0))
    if not named:
        for item in values if isinstance(values, tuple) else (values,):
            if star and isinstance(item, int) and not isinstance(item, bool):
                if item > budget:
                    raise too_much(f"a format width of {item:,}")
                budget -= max(item, 0)
            budget -= rendered_size(item, max(budget, 0))
    if budget < 0:
        raise too_much("a formatted text that would pass the limit")


# --- operators -----------------------------------------------------------------------

def bounded_binop(operator: str, left: Any, right: Any,
                  default: Callable[[Any, Any], Any]) -> Any:
    """``left <operator> right`` for the intercepted operators, within the limits."""
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, SEQUENCES) and isinstance(count, int) and \
                    len(seq) * max(count, 0) > MAX_OUTPUT:
                raise too_much(f"repeating {len(seq):,} items {count:,} times")
        if isinstance(left, int) and isinstance(right, int) and \
                left.bit_length() + right.bit_length() > MAX_BITS:
            raise LimitExceeded(f"a product of {left.bit_length() + right.bit_length():,} "
                                "bits is too large a number")
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and \
                right > 0 and right * max(left.bit_length() - 1, 1) > MAX_BITS:
            raise LimitExceeded(f"{left} ** {right} is too large a number")
    elif operator == "+":
        if isinstance(left, SEQUENCES) and isinstance(right, SEQUENCES) and \
                len(left) + len(right) > MAX_OUTPUT:
            raise too_much(f"joining {len(left):,} and {len(right):,} items")
    elif operator == "%" and isinstance(left, str):
        check_percent(left, right)
    return check_size(default(left, right))


# --- calls ---------------------------------------------------------------------------

def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str,
         default: Any = None) -> Any:
    if len(args) > index:
        return args[index]
    return kwargs.get(name, default)


def _items(iterable: Any) -> list[Any]:
    """``iterable`` as a list (a generator is run: each item it yields is bounded)."""
    if isinstance(iterable, list | tuple):
        return list(iterable)
    if isinstance(iterable, dict | set | frozenset | str):
        return list(iterable)
    items = []
    for item in iterable:
        items.append(item)
        if len(items) > MAX_OUTPUT:
            raise too_much("more items than the limit")
    return items


def check_join(separator: Any, iterable: Any) -> list[Any]:
    """The items ``separator.join(iterable)`` would join, if the result stays in the limit."""
    items = _items(iterable)
    budget = MAX_OUTPUT - rendered_size(separator) * max(len(items) - 1, 0)
    if budget < 0:
        raise too_much(f"joining {len(items):,} items with a separator")
    for item in items:
        budget -= rendered_size(item, budget)
    return items


def check_replace(text: Any, old: Any, new: Any, count: Any) -> None:
    """Raise if ``text.replace(old, new, count)`` would pass the limit."""
    if not isinstance(text, str | bytes) or not isinstance(old, str | bytes) or \
            not isinstance(new, str | bytes) or type(old) is not type(text):
        return
    times = text.count(old) if old else len(text) + 1  # type: ignore[arg-type]
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    if len(text) + times * max(len(new) - len(old), 0) > MAX_OUTPUT:
        raise too_much(f"replacing {times:,} times by {len(new):,} characters")


def check_width(width: Any, what: str = "a width") -> None:
    """Raise if a padding ``width`` (``center``, ``ljust``...) passes the limit."""
    if isinstance(width, int) and width > MAX_OUTPUT:
        raise too_much(f"{what} of {width:,}")


def check_call(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse a call of a string method that would grow its string past the limit.

    Returns the arguments to call it with: an iterator given to ``join`` has been read to
    be measured, so the list of its items stands for it.
    """
    owner = getattr(func, "__self__", None)
    if not isinstance(owner, str | bytes):
        return args
    name = getattr(func, "__name__", "")
    if name in ("center", "ljust", "rjust", "zfill"):
        check_width(_arg(args, kwargs, 0, "width"))
    elif name == "expandtabs":
        size = _arg(args, kwargs, 0, "tabsize", 8)
        tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
        if isinstance(size, int) and len(owner) + tabs * max(size, 0) > MAX_OUTPUT:
            raise too_much(f"tabs expanded to {size:,} spaces")
    elif name == "replace":
        check_replace(owner, _arg(args, kwargs, 0, "old"), _arg(args, kwargs, 1, "new"),
                       _arg(args, kwargs, 2, "count", -1))
    elif name == "join" and args:
        args = (check_join(owner, args[0]), *args[1:])
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((len(v) for v in args[0].values() if isinstance(v, str | bytes)),
                      default=1)
        if len(owner) * longest > MAX_OUTPUT:
            raise too_much(f"translating {len(owner):,} characters to {longest:,} each")
    return args


def check_grown(func: Any) -> None:
    """After a method call: the list, dict or set it grew in place is within the limit."""
    owner = getattr(func, "__self__", None)
    if isinstance(owner, list | dict | set | bytearray) and len(owner) > MAX_OUTPUT:
        owner.clear()  # the template cannot go on using it
        raise too_much("a list, dict or set grown past the limit")


def bounded_range(*args: Any) -> range:
    """``range`` of at most :data:`MAX_ITEMS` items."""
    items = range(*args)
    if len(items) > MAX_ITEMS:
        raise LimitExceeded(f"range() of {len(items):,} items; at most {MAX_ITEMS:,}")
    return items


def bounded_lipsum(n: int = 5, html: bool = True, min: int = 20,
                   max: int = 100) -> str:
    """Jinja's ``lipsum``, for at most :data:`MAX_ITEMS` words."""
    if not all(isinstance(x, int) for x in (n, min, max)) or n * max > MAX_ITEMS:
        raise LimitExceeded(f"lipsum() of {n} paragraphs of up to {max} words is too long")
    return str(generate_lorem_ipsum(n, html, min, max))


# --- str.format ----------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")


class FieldBudget:
    """What one ``str.format`` call has left to write."""

    def __init__(self) -> None:
        self.left = MAX_OUTPUT


def check_field(budget: FieldBudget, value: Any, spec: str) -> None:
    """Refuse a format field whose width or value would pass what the call has left."""
    for number in _DIGITS.findall(spec):
        if len(number) > 9 or int(number) > budget.left:
            raise too_much(f"a format width of {number[:12]}")
        budget.left -= int(number)
    budget.left -= rendered_size(value, max(budget.left, 0))
    if budget.left < 0:
        raise too_much("a formatted text that would pass the limit")


def check_format_template(template: str) -> None:
    """A format string's own widths (``'{:>999999999}'``) before any field is formatted."""
    for _text, _name, spec, _conversion in string.Formatter().parse(template):
        if spec:
            for number in _DIGITS.findall(spec):
                if len(number) > 9 or int(number) > MAX_OUTPUT:
                    raise too_much(f"a format width of {number[:12]}")
