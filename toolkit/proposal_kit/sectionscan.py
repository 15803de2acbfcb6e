"""A section's problems read from its source, for a section whose render stopped early.

When the Jinja of a section raises (``{{ 1/0 }}`` in its first line, a syntax error), the
render of that section stops there, and so would the problems after it stay hidden until
the next run. :func:`scan_section` finds them in the source itself, without running it:

- every ``{{ text("key", var=...) }}`` whose key is a constant, read from Jinja's syntax
  tree: the key, its variables and the text's own body are checked by the very function the
  render calls (a value that is not a constant stands for any value);
- every ``[[ref]]`` written in the Markdown;
- every image and directive block (``{gantt}``, ``{style}``, ``{grouped-table}``) written
  in the Markdown, unless Jinja makes part of it.

Each problem is located at its line and column of the section file, or of project.yaml for
a section written there.
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import nodes
from markdown_it.token import Token

from .errors import InputError, ProposalKitError, SourceLocation
from .errors import TemplateError as KitTemplateError
from .pairs import paired_spans
from .plaindata import walk
from .templating import take_unknown_filters

if TYPE_CHECKING:
    from .project import Project
    from .render.narrative import NarrativeRenderer

__all__ = ["WRITER_MARKUP", "Problem", "by_line", "check_token", "first_value_block",
           "scan_section", "value_blocks", "walk_tokens"]

#: Where Jinja makes part of a text, nothing in it can be known without running it.
_JINJA = ("{{", "{%", "{#")
#: ``text("key"`` in a text whose Jinja cannot be parsed (a syntax error elsewhere).
_TEXT_CALL = re.compile(r"""\btext\(\s*(["'])([^"'\n]{1,200})\1""")


@dataclass
class Problem:
    """One problem of a section: its finding code, the error, and where it is."""

    code: str
    error: ProposalKitError
    location: SourceLocation | None
    #: (text key, partner id, field) of an empty partner fact a text would print.
    empty_fact: tuple[str, str, str] | None = None


def walk_tokens(tokens: list[Token], line: int | None = None) \
        -> Iterator[tuple[Token, int | None]]:
    """Every Markdown token with the line of the block it is in."""
    for token in tokens:
        here = token.map[0] + 1 if token.map else line
        yield token, here
        if token.children:
            yield from walk_tokens(token.children, here)


def check_token(project: Project, token: Token) -> None:
    """Raise what the Word writer would raise on ``token`` (a directive block, an image)."""
    from .render.directives import gantt_spec, grouped_spec, split_directive
    from .render.images import read_image

    if token.type == "fence":
        directive = split_directive(token.info)
        if directive and directive[0] == "gantt":
            gantt_spec(token.content, project.proposal.duration_months)
        elif directive and directive[0] == "grouped-table":
            grouped_spec(token.content)
        elif directive and directive[0] == "style" and style_names() and \
                directive[1].strip() not in style_names():
            raise InputError(f"{{style}} block: the reference document has no paragraph "
                             f"style '{directive[1].strip()[:60]}'")
    elif token.type == "image":
        read_image(project.base_dir, str(token.attrs.get("src", "")), project.roots)


@functools.cache
def style_names() -> frozenset[str]:
    """Paragraph styles of the built-in reference document (empty if it cannot be read)."""
    try:
        import docx
        from docx.enum.style import WD_STYLE_TYPE

        from .render.refdoc import add_missing_styles
        from .resources import builtin_templates_dir

        document = docx.Document(str(builtin_templates_dir() / "reference.docx"))
        add_missing_styles(document)
        return frozenset(s.name for s in document.styles
                         if s.type == WD_STYLE_TYPE.PARAGRAPH and s.name)
    except Exception:  # the render reports a broken reference document itself
        return frozenset()


def _column_locator(project: Project, locate: Callable[[int | None], SourceLocation]) \
        -> Callable[[int | None, int | None], SourceLocation]:
    """``locate`` with a column, where the line shows it.

    That is a section file, or a literal block (``|``) of project.yaml, whose lines are the
    text's lines after their indentation.
    """
    lines: list[str] = []

    def at(line: int | None, column: int | None) -> SourceLocation:
        place = locate(line)
        if place.column is not None or column is None or line is None or place.line is None:
            return place
        if place.line == line:
            return SourceLocation(place.file, place.line, column)
        if place.file == project.file:
            if not lines:
                try:
                    lines.extend(project.file.read_text(encoding="utf-8-sig").splitlines())
                except (OSError, UnicodeDecodeError):
                    return place
            if 0 < place.line <= len(lines):
                here = lines[place.line - 1]
                return SourceLocation(place.file, place.line,
                                      len(here) - len(here.lstrip(" ")) + column)
        return place

    return at


def _text_calls(source: str, env: jinja2.Environment) \
        -> Iterator[tuple[str, dict[str, Any] | None, int]]:
    """``(key, variables, line)`` of each ``text()`` whose key is a constant.

    ``variables`` is None when they cannot be known (``**mapping``); a value that is not a
    constant is a placeholder.
    """
    from .texts import Placeholder

    try:
        tree = env.parse(source)
    except (jinja2.TemplateSyntaxError, RecursionError, MemoryError):
        for match in _TEXT_CALL.finditer(source):
            yield match.group(2), None, source.count("\n", 0, match.start()) + 1
        return
    for call in tree.find_all(nodes.Call):
        if not isinstance(call.node, nodes.Name) or call.node.name != "text" or \
                not call.args or not isinstance(call.args[0], nodes.Const) or \
                not isinstance(call.args[0].value, str):
            continue
        variables: dict[str, Any] | None = {
            kw.key: kw.value.value if isinstance(kw.value, nodes.Const)
            else Placeholder(kw.key) for kw in call.kwargs}
        if call.dyn_kwargs is not None or call.dyn_args is not None or len(call.args) > 1:
            variables = None
        yield call.args[0].value, variables, call.lineno


def _scan_texts(renderer: NarrativeRenderer, source: str, place: str,
                at: Callable[[int | None, int | None], SourceLocation]) -> Iterator[Problem]:
    from .texts import Placeholder, make_text_function
    from .texts.context import recording_empty_facts
    from .texts.render import bind_variables

    text = make_text_function(renderer.library, renderer.context, place)
    lines = source.splitlines()
    for key, variables, line in _text_calls(source, renderer.env):
        here = lines[line - 1] if 0 < line <= len(lines) else ""
        column = here.find("text(") + 1 or None
        try:
            if variables is None or any(isinstance(v, Placeholder)
                                        for v in variables.values()):
                # Values only the render knows: the key and the names are checked, the
                # body is not run (a placeholder could fail where the real value would not).
                generic = renderer.library.get(key)
                if variables is not None:
                    bind_variables(generic, variables, renderer.context, place)
                continue
            with recording_empty_facts() as used:
                text(key, **variables)
            for pid, fact in used:
                yield Problem("render.partner-fact", KitTemplateError(key),
                              at(line, column), (key, pid, fact))
        except ProposalKitError as exc:
            if not isinstance(exc, KitTemplateError):
                exc = KitTemplateError(f"unknown generic text '{key}' (used in {place})",
                                       hint=exc.hint)
            yield Problem("render.text", exc, exc.location or at(line, column))
        except TypeError as exc:
            yield Problem("render.text", KitTemplateError(f"text(): {exc}"),
                          at(line, column))


def _scan_jinja(renderer: NarrativeRenderer, source: str, place: str,
                at: Callable[[int | None, int | None], SourceLocation],
                names: bool) -> Iterator[Problem]:
    """Unknown filters and tests (each name once), and with ``names`` undefined names.

    One parse of the section serves both. The render stops at the first unknown filter
    (Jinja compiles a section whole); one inside a condition not met would stop a later
    render, with other data.
    """
    try:
        tree = renderer.env.parse(source)
    except (jinja2.TemplateSyntaxError, RecursionError, MemoryError):
        return
    lines = source.splitlines()
    for unknown in take_unknown_filters(renderer.env, tree):  # renamed: the tree compiles
        here = lines[unknown.line - 1] if 0 < unknown.line <= len(lines) else ""
        use = re.search(rf"(?:\||\bis\s+(?:not\s+)?)\s*{re.escape(unknown.name)}\b", here)
        column = use.end() - len(unknown.name) + 1 if use else None
        yield Problem("render.template", KitTemplateError(
            f"{place}: syntax error: {unknown.message}", hint=unknown.hint),
            at(unknown.line, column))
    if names:
        yield from _undefined_names(renderer, tree, lines, place, at)


def _undefined_names(renderer: NarrativeRenderer, tree: nodes.Template, lines: list[str],
                     place: str, at: Callable[[int | None, int | None], SourceLocation]) \
        -> Iterator[Problem]:
    """Each name the section uses that neither the project nor the template defines."""
    from jinja2 import meta

    from .render.narrative import UNDEFINED_HINT

    known = {*renderer.context, *renderer.project.proposal.variables, "text",
             *renderer.env.globals}
    try:  # compiles the tree
        unknown = meta.find_undeclared_variables(tree) - known
    except jinja2.TemplateSyntaxError:
        return
    for name in sorted(unknown):
        node = next((n for n in tree.find_all(nodes.Name) if n.name == name), None)
        line = node.lineno if node is not None else None
        here = lines[line - 1] if line and 0 < line <= len(lines) else ""
        use = re.search(rf"(?<![\w.'\"/-]){re.escape(name)}(?![\w'\"])", here)
        column = use.start() + 1 if use else None
        yield Problem("render.template", KitTemplateError(
            f"{place}: '{name}' is undefined", hint=UNDEFINED_HINT), at(line, column))


def _in_jinja(spans: list[tuple[int, int]], offset: int) -> bool:
    """Whether ``offset`` falls in one of ``spans`` (sorted, not overlapping)."""
    i = bisect.bisect_right(spans, (offset, sys.maxsize)) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def _scan_references(renderer: NarrativeRenderer, source: str, place: str,
                     at: Callable[[int | None, int | None], SourceLocation]) \
        -> Iterator[Problem]:
    from .render.narrative import REFERENCE

    spans = paired_spans(source)  # what Jinja writes: {{ }}, {% %}, {# #}
    for match in REFERENCE.finditer(source):
        ref = match.group(1)
        if ref in renderer.targets or any(c in ref for c in "{}%#") or \
                _in_jinja(spans, match.start()):
            continue
        line = source.count("\n", 0, match.start()) + 1
        column = match.start() - (source.rfind("\n", 0, match.start()) + 1) + 1
        yield Problem("render.reference", renderer.unknown_reference(ref, place, None),
                      at(line, column))


def scan_blocks(project: Project, place: str, text: str,
                at: Callable[[int | None, int | None], SourceLocation],
                skip_jinja: bool) -> Iterator[Problem]:
    """Images and directive blocks of ``text``; ``place`` (``section 'needs'``) says whose.

    With ``skip_jinja`` (``text`` is a section's source), only those Jinja makes no part of.
    """
    from .render.markdown_parser import parse

    for token, line in walk_tokens(parse(text)):
        if token.type not in ("fence", "image"):
            continue
        written = token.content + token.info + str(token.attrs.get("src", ""))
        if skip_jinja and any(mark in written for mark in _JINJA):
            continue
        try:
            check_token(project, token)
        except ProposalKitError as exc:
            exc.message = f"{place}: {exc.message}"
            yield Problem("render.block", exc, at(line, None))


#: Markdown that the Word writer reads further: a directive or code fence, an image.
WRITER_MARKUP = ("```", "~~~", "![")


def by_line(locate: Callable[[int | None], SourceLocation]
            ) -> Callable[[int | None, int | None], SourceLocation]:
    """``locate`` (a line of a text to its place) as :func:`scan_blocks` calls it."""
    return lambda line, _column: locate(line)


def value_blocks(project: Project) -> Iterator[Problem]:
    """Images and directive blocks written in the values of project.yaml.

    A work package's or a task's description (any value the templates print) may hold a
    ``{gantt}`` block or an image, which the Word writer reads as it reads a section's;
    each problem is at its line of project.yaml. Section texts are scanned as sections.
    """
    from .render.narrative import value_locator

    for path, text in _marked_values(project.document.data):
        yield from scan_blocks(project, _value_name(project.document.data, path), text,
                               by_line(value_locator(project, path)), skip_jinja=False)


def first_value_block(project: Project) -> None:
    """Raise the first problem of :func:`value_blocks`, at its line (render's refusal)."""
    for problem in value_blocks(project):
        problem.error.location = problem.location
        raise problem.error


def _marked_values(data: object) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, text) of every string value outside ``sections:`` the writer reads further."""
    for path, item in walk(data, skip=lambda path: path == ("sections",)):
        if isinstance(item, str) and any(mark in item for mark in WRITER_MARKUP):
            yield path, item


def _value_name(data: object, path: tuple[str | int, ...]) -> str:
    """``the description of task 2 of WP1``: the value at ``path``, named as users do."""
    names: list[str] = []
    item: object = data
    for n, key in enumerate(path):
        item = item[key] if isinstance(item, dict | list) else None  # type: ignore[index]
        if isinstance(key, int):
            label = item.get("id") if isinstance(item, dict) else None
            entry = str(path[n - 1]).replace("_", " ").removesuffix("s") if n else "entry"
            names.append(label if isinstance(label, str) else f"{entry} {key + 1}")
    last = path[-1] if path else ""
    whose = " of ".join(reversed(names[:-1] if isinstance(last, int) else names))
    what = names[-1] if isinstance(last, int) and names else f"the {last}"
    return f"{what} of {whose}" if whose else f"'{'.'.join(map(str, path))}'"


def _place(project: Project, section: str) -> str:
    narrative = project.proposal.sections.get(section)
    where = narrative.file if narrative and narrative.file else project.file.name
    return f"section '{section}' ({where})"


def scan_section(renderer: NarrativeRenderer, section: str, source: str,
                 texts: bool = True) -> list[Problem]:
    """Every problem of ``section`` found in its ``source`` without running its Jinja.

    Without ``texts``, only its references and blocks (a section whose render went through
    has its ``text()`` calls checked by the render itself).
    """
    place = _place(renderer.project, section)
    at = _column_locator(renderer.project, renderer.locator(section))
    source = source.replace("\r\n", "\n").replace("\r", "\n")  # lines as Jinja counts them
    found = list(_scan_jinja(renderer, source, place, at, names=texts))
    if texts:
        found += _scan_texts(renderer, source, place, at)
    found += [*_scan_references(renderer, source, place, at),
              *scan_blocks(renderer.project, f"section '{section}'", source, at,
                           skip_jinja=True)]
    return sorted(found, key=lambda p: (p.location.line or 0, p.location.column or 0)
                  if p.location else (0, 0))
