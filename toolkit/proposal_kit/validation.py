"""Turn pydantic validation errors into findings placed at file:line:column.

One mechanism for every YAML the tool reads (project files, call rules, text front matter):
plain messages, the field path as the user wrote it, and "did you mean" for unknown keys.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .findings import Finding, Severity
from .findings import Path as DataPath
from .yamlsource import YamlDocument

__all__ = ["did_you_mean", "errors_to_findings", "one_of", "validate_document"]

M = TypeVar("M", bound=BaseModel)

_PLAIN = {
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list (lines starting with '- ')",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
    "date_from_datetime_parsing": "a date must be written YYYY-MM-DD (e.g. 2026-12-01)",
    "date_from_datetime_inexact": "a date must be written YYYY-MM-DD (e.g. 2026-12-01)",
    "date_parsing": "a date must be written YYYY-MM-DD (e.g. 2026-12-01)",
    "date_type": "a date must be written YYYY-MM-DD (e.g. 2026-12-01)",
    "datetime_parsing": "expected a date and time (YYYY-MM-DDTHH:MM)",
    "datetime_type": "expected a date and time (YYYY-MM-DDTHH:MM)",
}


#: Most candidates one suggestion compares (keeps 10,000 unknown ids fast, not quadratic).
_MAX_CANDIDATES = 24


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str | None:
    """Return a "did you mean 'x'?" hint when ``word`` is close to one of ``choices``.

    Only choices of about the same length are compared, those sharing the first character
    first, at most :data:`_MAX_CANDIDATES` of them: a typo keeps its length and usually its
    first letter, and a project with thousands of unknown ids is still checked at once.
    """
    word = str(word)
    if not word or len(word) > 80:
        return None
    by_start, by_length = _index_of(choices)
    slack = max(2, len(word) // 3)
    lengths = sorted(range(len(word) - slack, len(word) + slack + 1),
                     key=lambda n: abs(n - len(word)))
    near: list[str] = []
    for n in lengths:
        near += by_start.get((word[0].lower(), n), [])[:_MAX_CANDIDATES]
    for n in lengths:
        if len(near) >= _MAX_CANDIDATES:
            break
        near += by_length.get(n, [])[:_MAX_CANDIDATES]
    close = difflib.get_close_matches(word, near[:_MAX_CANDIDATES], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


_Index = tuple[dict[tuple[str, int], list[str]], dict[int, list[str]]]
#: Indexes of the last collections of choices, by identity (the collection is kept alive).
_INDEXES: dict[tuple[int, int], tuple[object, _Index]] = {}


def _index_of(choices: typing.Iterable[str]) -> _Index:
    """The index of ``choices``, built once per collection (a project's ids, for instance)."""
    if isinstance(choices, list | tuple | dict | set | frozenset):
        key = (id(choices), len(choices))
        hit = _INDEXES.get(key)
        if hit is not None and hit[0] is choices:
            return hit[1]
        index = _index(choices)
        if len(_INDEXES) >= 8:
            _INDEXES.clear()
        _INDEXES[key] = (choices, index)
        return index
    return _index(list(choices))


def _index(choices: typing.Iterable[str]) -> _Index:
    """Choices by (first character, length) and by length."""
    by_start: dict[tuple[str, int], list[str]] = {}
    by_length: dict[int, list[str]] = {}
    for choice in dict.fromkeys(map(str, choices)):
        if choice:
            by_start.setdefault((choice[0].lower(), len(choice)), []).append(choice)
            by_length.setdefault(len(choice), []).append(choice)
    return by_start, by_length


def one_of(value: str, choices: list[str], what: str) -> str:
    """Return ``value`` if it is one of ``choices``; else raise a ValueError with a hint.

    For pydantic validators: the message reads "unknown <what> 'x' (did you mean 'y'?)".
    """
    if value not in choices:
        hint = did_you_mean(value, choices)
        raise ValueError(f"unknown {what} '{value}'" + (f" ({hint})" if hint else
                         f"; expected one of: {', '.join(choices)}"))
    return value


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Optional, lists and dicts opened)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Names of the keys allowed at ``loc`` (the mapping that holds the last element)."""
    current: list[Any] = [model]
    for part in loc[:-1]:
        following: list[Any] = []
        for tp in current:
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                field = tp.model_fields.get(str(part))
                if field is not None:
                    following.extend(_unwrap(field.annotation))
            elif typing.get_origin(tp) in (list, dict, tuple):
                following.extend(_unwrap(typing.get_args(tp)[-1]))
        current = following
    names: list[str] = []
    for tp in current:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            names.extend(tp.model_fields)
    return names


def _message(err: ErrorDetails, model: type[BaseModel]) -> tuple[str, str, str | None]:
    """Code, plain message and hint for one pydantic error."""
    kind = err["type"]
    loc = err["loc"]
    last = loc[-1] if loc else ""
    given = err.get("input")
    if kind == "missing":
        return "schema.missing", f"required key '{last}' is missing", None
    if kind == "extra_forbidden":
        hint = did_you_mean(str(last), _fields_at(model, tuple(loc)))
        return "schema.unknown-key", f"unknown key '{last}'", hint
    if kind == "literal_error":
        expected = (err.get("ctx") or {}).get("expected", "")
        return "schema.value", f"'{given}' is not allowed here; expected {expected}", None
    if kind in ("value_error", "assertion_error"):
        msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        hint = None
        if " (did you mean" in msg:
            msg, _, rest = msg.partition(" (")
            hint = rest.rstrip(")")
        return "schema.value", msg, hint
    ctx = err.get("ctx") or {}
    bounds = {"greater_than_equal": ("at least", "ge"), "less_than_equal": ("at most", "le"),
              "greater_than": ("more than", "gt"), "less_than": ("less than", "lt")}
    if kind in bounds:
        words, key = bounds[kind]
        return "schema.value", f"must be {words} {_number(ctx.get(key))}, got {given!r}", None
    if kind in ("too_short", "string_too_short"):
        return "schema.value", "must not be empty", None
    if kind in ("too_long", "string_too_long"):
        return "schema.value", f"is too long (at most {ctx.get('max_length')} characters)", None
    plain = _PLAIN.get(kind)
    if plain:
        shown = repr(given) if not isinstance(given, dict | list) else type(given).__name__
        return "schema.type", f"{plain}, got {shown}", None
    return "schema.value", str(err["msg"]), None


def _number(bound: Any) -> str:
    """A bound as users write it: 1,000,000,000 rather than 1000000000.0."""
    if isinstance(bound, float) and bound.is_integer():
        bound = int(bound)
    return f"{bound:,}" if isinstance(bound, int) and abs(bound) >= 10_000 else str(bound)


def errors_to_findings(exc: ValidationError, model: type[BaseModel],
                       doc: YamlDocument, prefix: DataPath = ()) -> list[Finding]:
    """Convert every error of ``exc`` into a located finding."""
    findings = []
    for err in exc.errors():
        path: DataPath = (*prefix, *err["loc"])
        code, message, hint = _message(err, model)
        line, column = doc.locate(path)
        findings.append(Finding(code, Severity.ERROR, message, path, line, column, "schema",
                                hint))
    return findings


def validate_document(doc: YamlDocument, model: type[M],
                      context: dict[str, Any] | None = None) -> tuple[M | None, list[Finding]]:
    """Validate ``doc.data`` against ``model``; return the instance (or None) and findings."""
    findings = list(doc.problems)
    if not isinstance(doc.data, dict):
        what = ("empty" if doc.data is None else
                "a list" if isinstance(doc.data, list) else "a single value")
        findings.append(Finding("schema.type", Severity.ERROR,
                                f"the file is {what}; expected a mapping of keys to values",
                                (), 1, 1, "schema"))
        return None, findings
    try:
        instance = model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        # A value the reader refused (an unsupported tag...) is None now: its own problem
        # says why; "expected text, got None" at the same place would only repeat it.
        return None, findings + [f for f in errors_to_findings(exc, model, doc)
                                 if f.path not in doc.refused]
    return instance, findings
