"""Check a library folder: front matter, keys, variables, includes, length, headings.

Names used in a body are found with Jinja's own parser (``meta.find_undeclared_variables``),
headings with markdown-it-py: nothing is parsed by hand.
"""

from __future__ import annotations

import functools
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, meta, nodes
from markdown_it import MarkdownIt

from ..budget import catalogue
from ..budget.views import budget_fields
from ..errors import ProposalKitError, UsageError
from ..findings import Finding, Severity
from ..pairs import paired_spans, replace_spans
from ..resources import builtin_texts_dir
from ..templating import BoundedEnvironment, make_environment, take_unknown_filters
from ..validation import did_you_mean
from .context import PARTNER_FIELDS, PROJECT_FIELDS
from .frontmatter import RESERVED_NAMES, GenericText
from .library import KEY_PATTERN, TextLibrary, check_key, iter_text_files

__all__ = ["MAX_WORDS", "MIN_WORDS", "TextFinding", "lint_library", "without_jinja",
           "word_count"]

MIN_WORDS, MAX_WORDS = 200, 600
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@dataclass(frozen=True)
class TextFinding(Finding):
    """A finding about one file of a library; ``file`` is relative to the library folder."""

    file: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the file."""
        return {"file": self.file, **super().to_dict()}


def _at(file: str, found: Finding) -> TextFinding:
    return TextFinding(found.code, found.severity, found.message, found.path, found.line,
                       found.column, "texts", found.hint, file)


def _new(file: str, code: str, message: str, line: int | None = None,
         severity: Severity = Severity.ERROR, hint: str | None = None,
         path: tuple[str | int, ...] = ()) -> TextFinding:
    return TextFinding(code, severity, message, path, line, None, "texts", hint, file)


@functools.cache
def _parser() -> BoundedEnvironment:
    """The environment whose parser reads the bodies (the one factory's, with its lexer)."""
    return make_environment(trim=True)


def without_jinja(body: str, expression: str = " ", tag: str = " ") -> str:
    """``body`` with each Jinja expression replaced by ``expression``, each tag by ``tag``."""
    return replace_spans(body, paired_spans(body),
                         lambda span: expression if span.startswith("{{") else tag)


def word_count(body: str) -> int:
    """Words of a body; a Jinja expression counts as one word, tags as none."""
    return len(_WORD.findall(without_jinja(body, expression=" x ")))


def _first_line(ast: nodes.Template, name: str) -> int | None:
    return next((n.lineno for n in ast.find_all(nodes.Name) if n.name == name), None)


def _variables(text: GenericText, ast: nodes.Template, file: str) -> list[TextFinding]:
    used = meta.find_undeclared_variables(ast)
    declared = set(text.variables)
    out = [_new(file, "texts.undeclared-variable",
                f"'{name}' is used but not declared under 'variables:'",
                _first_line(ast, name),
                hint=did_you_mean(name, declared | RESERVED_NAMES)
                or "declare it, or use a project value such as project.acronym")
           for name in sorted(used - declared - RESERVED_NAMES)]
    for name in sorted(declared - used):
        line = text.positions.get(("variables", name), (None, None))[0]
        out.append(_new(file, "texts.unused-variable",
                        f"variable '{name}' is declared but the body never uses it", line,
                        hint="use it as {{ " + name + " }} or remove it",
                        path=("variables", name)))
    partners = {n for n, v in text.variables.items() if v.kind == "partner"}
    for node in ast.find_all(nodes.Getattr):
        owner = node.node
        if isinstance(owner, nodes.Name) and owner.name == "project":
            fields: tuple[str, ...] = PROJECT_FIELDS
            what = "project"
        elif isinstance(owner, nodes.Name) and owner.name == "budget":
            fields, what = tuple(budget_fields(catalogue())), "budget"
        elif (isinstance(owner, nodes.Name) and owner.name in partners) or (
                isinstance(owner, nodes.Getattr) and owner.attr == "coordinator"
                and isinstance(owner.node, nodes.Name) and owner.node.name == "project"):
            fields, what = PARTNER_FIELDS, "a partner"
        else:
            continue
        if node.attr not in fields:
            out.append(_new(file, "texts.unknown-field", f"{what} has no field '{node.attr}'",
                            node.lineno, hint=did_you_mean(node.attr, fields)
                            or f"fields: {', '.join(fields)}"))
    return out


def _includes(text: GenericText, ast: nodes.Template, library: TextLibrary,
              file: str) -> list[TextFinding]:
    out: list[TextFinding] = []
    for call in ast.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name == "text"):
            continue
        line = call.lineno
        first = call.args[0] if call.args else None
        if not (isinstance(first, nodes.Const) and isinstance(first.value, str)):
            out.append(_new(file, "texts.broken-include", "cannot check this include: its key "
                            "is not a quoted string", line, Severity.WARNING))
            continue
        key = first.value
        try:
            check_key(key)
            target = library.find(key)
        except ProposalKitError as exc:
            out.append(_new(file, "texts.broken-include", f"include '{key}': {exc.message}",
                            line, hint=exc.hint))
            continue
        if target is None:
            out.append(_new(file, "texts.broken-include", f"includes unknown text '{key}'",
                            line, hint=did_you_mean(key, library.keys())))
            continue
        if target.key == text.key:
            out.append(_new(file, "texts.broken-include", "the text includes itself", line))
            continue
        given = {kw.key for kw in call.kwargs}
        for name in sorted(given - set(target.variables)):
            out.append(_new(file, "texts.broken-include",
                            f"include '{key}': it has no variable '{name}'", line,
                            hint=did_you_mean(name, target.variables)))
        missing = [n for n, v in target.variables.items() if v.required and n not in given]
        if missing and call.dyn_kwargs is None:
            out.append(_new(file, "texts.broken-include",
                            f"include '{key}': required variables not given: "
                            f"{', '.join(missing)}", line, Severity.WARNING,
                            hint="unless every project sets them under 'variables:'"))
    return out


def _form(text: GenericText, file: str) -> list[TextFinding]:
    out: list[TextFinding] = []
    words = word_count(text.body)
    if not MIN_WORDS <= words <= MAX_WORDS:
        out.append(_new(file, "texts.length", f"the body has {words} words; a generic text "
                        f"should have {MIN_WORDS} to {MAX_WORDS}", text.body_line,
                        Severity.WARNING))
    for token in MarkdownIt("commonmark").parse(text.body):
        if token.type == "heading_open" and token.map:
            out.append(_new(file, "texts.heading", "a generic text should have no headings "
                            "(the draft's section headings frame it)",
                            text.body_line + token.map[0], Severity.WARNING,
                            hint="use a **bold** lead-in instead"))
    if not text.meta.tags:
        out.append(_new(file, "texts.no-tags", "no tags: 'texts list --tag' and 'texts search' "
                        "will not find it by topic", text.positions.get(("title",), (1, 1))[0],
                        Severity.WARNING))
    return out


def _check_text(text: GenericText, library: TextLibrary, file: str) -> list[TextFinding]:
    source = "\n" * (text.body_line - 1) + text.body
    try:
        env = _parser()
        ast = env.parse(source)
        # The names are found by compiling the tree, where an unknown filter or test would
        # fail: each is reported here and renamed to a known one in the tree.
        unknown = [_new(file, "texts.syntax", f"template syntax error: {u.message}", u.line,
                        hint=u.hint) for u in take_unknown_filters(env, ast)]
        return unknown + _variables(text, ast, file) + _includes(text, ast, library, file) \
            + _form(text, file)
    except TemplateSyntaxError as exc:
        return [_new(file, "texts.syntax", f"template syntax error: {exc.message}",
                     exc.lineno, hint="variables are written {{ name }}")]


def lint_library(folder: Path | str, *, include_from: list[Path] | None = None) \
        -> list[TextFinding]:
    """Every problem of the library in ``folder``, sorted by file and line.

    Args:
        folder: The library folder.
        include_from: Folders that includes may also draw on (default: the built-in library).

    Raises:
        UsageError: ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not os.path.isdir(folder):
        raise UsageError(f"no such folder: {folder}")
    extra = include_from if include_from is not None else [builtin_texts_dir()]
    library = TextLibrary([folder, *extra])
    findings: list[TextFinding] = []
    by_key: dict[str, list[str]] = defaultdict(list)
    for key, path in iter_text_files(folder):
        file = path.relative_to(folder).as_posix()
        by_key[key.lower()].append(file)
        if not KEY_PATTERN.match(key):
            findings.append(_new(file, "texts.bad-key", f"the file name gives the key '{key}', "
                                 "which is not valid: use lower-case words joined by '-', in "
                                 "folders joined by '/'", hint="rename the file"))
        if not path.resolve().is_relative_to(folder.resolve()):
            findings.append(_new(file, "texts.outside-library", "the file is a link to "
                                 f"{path.resolve()}, outside the library; it will be refused"))
            continue
        text, problems = library.load_file(key, path, folder)
        findings.extend(_at(file, p) for p in problems)
        if text is not None:
            findings.extend(_check_text(text, library, file))
    for key, files in by_key.items():
        for file in files[1:]:
            findings.append(_new(file, "texts.duplicate-key", f"the key '{key}' is also given "
                                 f"by {files[0]}; keys must be unique", hint="rename one"))
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.severity.rank, f.code))
