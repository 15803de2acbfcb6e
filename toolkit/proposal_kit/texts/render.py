"""Fill a generic text with variables and the project's facts (strict, sandboxed Jinja).

Texts render in an environment of the one factory (:mod:`proposal_kit.templating`), within
its limits on time, output and the size of values, so a text asks for no more work than a
section may.

A draft includes a text with ``{{ text("quality/eqavet-esg", quality_lead="P3") }}``; the
``text`` callable comes from :func:`make_text_function`. Every failure is a
:class:`TemplateError` naming the text, the variable and the place it was used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary, ref

import jinja2
from jinja2 import FunctionLoader

from ..errors import SourceLocation, TemplateError, UsageError
from ..templating import BoundedEnvironment, make_environment, render_bounded
from ..validation import did_you_mean
from .context import Placeholder
from .frontmatter import GenericText
from .library import TextLibrary, UnknownTextError

__all__ = ["MAX_DEPTH", "bind_variables", "make_text_function", "render_text",
           "text_environment"]

#: How deep texts may include texts (a cycle is reported before this).
MAX_DEPTH = 8
_ENVIRONMENTS: WeakKeyDictionary[TextLibrary, BoundedEnvironment] = WeakKeyDictionary()


def text_environment(library: TextLibrary) -> BoundedEnvironment:
    """The sandboxed, strict, bounded Jinja environment whose templates are ``library``'s texts.

    A template's source is padded with blank lines so that Jinja's line numbers are the
    lines of the text file.
    """
    env = _ENVIRONMENTS.get(library)
    if env is None:
        weak = ref(library)  # the environment must not keep its library alive

        def load(key: str) -> tuple[str, str, Callable[[], bool]] | None:
            owner = weak()
            if owner is None:  # pragma: no cover - the library is gone
                return None
            text = owner.get(key)
            return "\n" * (text.body_line - 1) + text.body, str(text.path), lambda: True

        env = make_environment(FunctionLoader(load), trim=True, keep_trailing_newline=False)
        _ENVIRONMENTS[library] = env
    return env


def _partner(text: GenericText, name: str, value: Any, project: Any, place: str) -> Any:
    """The partner view for a ``kind: partner`` variable given as a partner id."""
    if isinstance(value, Placeholder):
        return value
    if isinstance(value, Mapping) and "id" in value:
        value = value["id"]
    if isinstance(project, Placeholder):
        return Placeholder(str(value))
    partners = {str(p["id"]): p for p in project.get("partners", [])}
    if str(value) in partners:
        return partners[str(value)]
    raise TemplateError(
        f"generic text '{text.key}': variable '{name}' names partner '{value}', which is not "
        f"in the project (in {place})",
        hint=did_you_mean(str(value), partners) or f"partner ids: {', '.join(partners)}")


def bind_variables(text: GenericText, given: Mapping[str, Any], context: Mapping[str, Any],
                   place: str) -> dict[str, Any]:
    """Values of every declared variable: given, else the project's, else the default.

    Raises:
        TemplateError: an undeclared variable was given, a required one is missing, or a
            partner id is unknown. The message names the text, the variable and ``place``.
    """
    declared = text.variables
    for name in given:
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise TemplateError(
                f"generic text '{text.key}' has no variable '{name}' (given in {place})",
                hint=did_you_mean(name, declared) or f"its variables: {known}")
    project_values: Mapping[str, Any] = context.get("variables") or {}
    preview = bool(context.get("preview"))
    values: dict[str, Any] = {}
    missing: list[str] = []
    for name, var in declared.items():
        if name in given:
            value = given[name]
        elif name in project_values:
            value = project_values[name]
        elif var.default is not None:
            value = var.default
        elif preview:
            value = Placeholder(name)
        else:
            missing.append(name)
            continue
        if var.kind == "partner":
            value = _partner(text, name, value, context.get("project"), place)
        values[name] = value
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        if len(missing) == 1:
            names += f" ({declared[missing[0]].description})"
        plural = "variables" if len(missing) > 1 else "variable"
        example = ", ".join(f'{m}="..."' for m in missing)
        raise TemplateError(
            f"generic text '{text.key}': required {plural} {names} missing in {place}",
            hint=f'write {{{{ text("{text.key}", {example}) }}}} or set it under '
                 "'variables:' in the project file")
    return values


def _lookup(library: TextLibrary, key: str, place: str) -> GenericText:
    try:
        return library.get(key)
    except UnknownTextError as exc:
        raise TemplateError(f"unknown generic text '{key}' (used in {place})",
                            hint=exc.hint) from None
    except UsageError as exc:
        raise TemplateError(f"{exc.message} (used in {place})", location=exc.location,
                            hint=exc.hint) from None


def render_text(library: TextLibrary, key: str, variables: Mapping[str, Any],
                context: Mapping[str, Any], place: str, *,
                _chain: tuple[str, ...] = ()) -> str:
    """Render the text ``key`` with ``variables`` and the project ``context``.

    Args:
        library: Where to find texts (and the texts they include).
        key: Key of the text, e.g. ``quality/eqavet-esg``.
        variables: Values given where the text is used (partner ids for partner variables).
        context: From :func:`project_context` (or :func:`preview_context`).
        place: Where the text is used, for messages, e.g. "section 'management' of x.yaml".

    Raises:
        TemplateError: unknown or refused key, missing or undeclared variable, unknown
            partner, undefined name in the body (with file and line), include cycle.
    """
    if key in _chain:
        raise TemplateError(f"generic texts include each other in a cycle: "
                            f"{' -> '.join((*_chain, key))} (in {place})")
    if len(_chain) >= MAX_DEPTH:
        raise TemplateError(f"generic texts are included more than {MAX_DEPTH} deep: "
                            f"{' -> '.join((*_chain, key))} (in {place})")
    text = _lookup(library, key, place)
    values = bind_variables(text, variables, context, place)
    where = f"generic text '{key}' (used in {place})"
    names = {"project": context.get("project"), "budget": context.get("budget"),
             "text": make_text_function(library, context, where, _chain=(*_chain, key)),
             **values}
    try:
        template = text_environment(library).get_template(key)
    except (jinja2.TemplateSyntaxError, RecursionError, MemoryError) as exc:
        line = exc.lineno if isinstance(exc, jinja2.TemplateSyntaxError) else None
        message = (exc.message or "invalid template") \
            if isinstance(exc, jinja2.TemplateSyntaxError) \
            else "the text is nested too deeply to be compiled"
        raise TemplateError(f"{where}: syntax error: {message}",
                            location=SourceLocation(Path(text.path), line)) from None
    output = render_bounded(template, names, where,
                            lambda line: SourceLocation(Path(text.path), line),
                            hint="declare it under 'variables:' or check the spelling")
    return output.strip("\n").rstrip()


def make_text_function(library: TextLibrary, context: Mapping[str, Any], place: str, *,
                       _chain: tuple[str, ...] = ()) -> Callable[..., str]:
    """The ``text(key, **variables)`` callable to put in a Jinja environment's globals.

    Args:
        library: Where to find texts.
        context: From :func:`project_context`.
        place: Where the including Markdown comes from, e.g. "section 'management' of x.yaml".
    """

    def text(*args: Any, **variables: Any) -> str:
        """Render the generic text ``key`` (the one positional argument) with ``variables``."""
        if len(args) != 1 or not isinstance(args[0], str):
            given = (f"the {type(args[0]).__name__} {args[0]!r}" if len(args) == 1
                     else f"{len(args)} values")
            raise TemplateError(
                f"text() takes the key of a generic text in quotes, then its variables by name; "
                f"it was given {given} before the names (in {place})",
                hint='for example {{ text("profiles/hei", institution="P1", founded=1971) }}; '
                     "`proposal-kit texts list` shows the keys, `texts show KEY` the variables")
        return render_text(library, args[0], variables, context, place, _chain=_chain)

    return text
