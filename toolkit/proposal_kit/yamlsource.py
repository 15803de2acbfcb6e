"""Read a YAML file into plain data plus a map of where each value stands.

PyYAML composes the node tree; we build the Python data from it ourselves so that every
key and item keeps its line and column, duplicate keys are caught, and alias expansion is
bounded (no "billion laughs").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import InputError, SourceLocation, UsageError
from .findings import Finding, Severity
from .findings import Path as DataPath
from .safeio import CONTROL, InputFileError, char_name, read_bytes, wide_encoding

__all__ = ["MAX_FILE_BYTES", "MAX_NODES", "YamlDocument", "YamlFileError", "parse_yaml",
           "read_yaml"]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
#: Lists and mappings nested deeper than this are refused (no project needs 50 levels).
MAX_DEPTH = 50


class YamlFileError(InputError):
    """The file could not be read as YAML; ``findings`` says where and why."""

    def __init__(self, file: Path, findings: list[Finding]) -> None:
        first = findings[0]
        super().__init__(first.message, location=SourceLocation(file, first.line, first.column))
        self.file = file
        self.findings = findings


@dataclass
class YamlDocument:
    """Plain data from a YAML file, with the 1-based position of every path in it."""

    file: Path
    data: Any
    positions: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    #: Non-fatal problems (duplicate keys, unsupported tags): the data is still usable.
    problems: list[Finding] = field(default_factory=list)
    #: Paths of values refused by a problem and left None: nothing more is said of them.
    refused: frozenset[DataPath] = frozenset()

    def locate(self, path: DataPath) -> tuple[int | None, int | None]:
        """Line and column of ``path``, or of its nearest ancestor that exists."""
        for end in range(len(path), -1, -1):
            pos = self.positions.get(tuple(path[:end]))
            if pos:
                return pos
        return None, None

    def location(self, path: DataPath) -> SourceLocation:
        """A :class:`SourceLocation` for ``path``."""
        line, column = self.locate(path)
        return SourceLocation(self.file, line, column)


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads plain values as YAML 1.2 does, where YAML 1.1 would change them.

    Only true/false are booleans, so `country: NO` stays Norway; a number with a leading
    zero is not octal (`0123` stays the text "0123", which a number field reads as 123 and
    a text field keeps as written, as a postcode); `9:30` is the text "9:30", not the
    base-60 number 570.

    Its error messages are the ones users see.
    """


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same on libyaml, when PyYAML was built with it: parses valid files faster."""


#: The plain values YAML 1.1 reads differently from YAML 1.2 (booleans, numbers): replaced.
_REPLACED = {f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float")}
_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
#: Whole numbers: decimal without a leading zero, or 0x / 0b; `_` between digits allowed.
_INT = re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+)$")
#: Decimals (with a point, as YAML 1.1 requires), infinities and not-a-number (refused
#: later with a message); without YAML 1.1's base-60 form (`1:30.5`).
_FLOAT = re.compile(r"""^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""", re.VERBOSE)
for _cls in (_Loader, _FastLoader):
    _cls.yaml_implicit_resolvers = {k: list(v) for k, v in _RESOLVERS.items()}
    _cls.add_implicit_resolver("tag:yaml.org,2002:bool",
                               re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                               list("tTfF"))
    _cls.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
    _cls.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


_STANDARD_TAGS = {f"tag:yaml.org,2002:{name}" for name in
                  ("seq", "map", "omap", "str", "int", "float", "bool", "null", "timestamp",
                   "binary", "merge", "value")}


def _short(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters for a message."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


def _first_line(exc: yaml.YAMLError) -> str:
    """The problem of a PyYAML error, on one line, without its snippet."""
    problem = getattr(exc, "problem", None)
    return str(problem or str(exc).splitlines()[0]).strip()


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, line: int | None = None, column: int | None = None) -> None:
        super().__init__(line, column)
        self.line = line
        self.column = column


def _too_deep(file: Path, line: int | None, column: int | None) -> YamlFileError:
    return YamlFileError(file, [Finding(
        "schema.too-deep", Severity.ERROR,
        f"lists or mappings are nested more than {MAX_DEPTH} levels deep here; refused "
        "(a project file needs only a few levels)", (), line, column, "schema")])


#: Control characters other than tab and line breaks (YAML lets escapes such as \\e pass).
_CONTROL = CONTROL

_NBSP_INDENT = re.compile(r"^[ \t]*\u00a0", re.MULTILINE)


def _nbsp_finding(text: str) -> Finding | None:
    """A finding for a line indented with no-break spaces (pasted from a web page)."""
    match = _NBSP_INDENT.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    return Finding("schema.nbsp-indentation", Severity.ERROR,
                   "this line is indented with no-break spaces (U+00A0), which YAML does not "
                   "count as indentation", (), line, match.end() - match.start(), "schema",
                   "replace them with ordinary spaces (they often come from copying a web "
                   "page or a word processor)")


class _Builder:
    """Turns composed nodes into data, recording positions and problems."""

    def __init__(self) -> None:
        self.constructor = SafeConstructor()
        self.positions: dict[DataPath, tuple[int, int]] = {}
        self.problems: list[Finding] = []
        #: Paths of the values refused (None in the data): their problem says all.
        self.refused: set[DataPath] = set()
        self.count = 0
        self.stack: set[int] = set()

    def _problem(self, code: str, message: str, node: Node, path: DataPath) -> None:
        mark = node.start_mark
        self.problems.append(Finding(code, Severity.ERROR, message, path, mark.line + 1,
                                     mark.column + 1, "schema"))

    def _refuse(self, code: str, message: str, node: Node, path: DataPath) -> None:
        """A value that cannot be used: its problem, and None in its place."""
        self._problem(code, message, node, path)
        self.refused.add(path)

    def build(self, node: Node, path: DataPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        if len(path) > MAX_DEPTH:
            raise _TooDeep(node.start_mark.line + 1, node.start_mark.column + 1)
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, ScalarNode):
            try:
                value = self.constructor.construct_object(node, deep=True)
                if isinstance(value, str):
                    control = _CONTROL.search(value)
                    if control:
                        self._problem("schema.control-character",
                                      f"the value holds {char_name(control.group(0))}, "
                                      "which no document can "
                                      "show (an escape such as \\e or \\0 in quotes?); "
                                      "remove it", node, path)
                        return _CONTROL.sub("", value)
                elif isinstance(value, bytes):  # !!binary: bytes would pass every text check
                    return self._refuse("schema.yaml-tag", "a !!binary value is not allowed "
                                        "here; project files hold plain text: write the text "
                                        "itself", node, path)
                elif isinstance(value, float) and not math.isfinite(value):
                    return self._refuse("schema.value", f"'{_short(node.value)}' is not a "
                                        "number a proposal can use (infinite or not-a-number)",
                                        node, path)
                return value
            except yaml.YAMLError as exc:
                return self._refuse("schema.yaml-tag",
                                    f"unsupported value: {_first_line(exc)}", node, path)
            except ValueError as exc:  # e.g. an impossible date such as 2026-13-01
                reason = ("it has more digits than any amount can have"
                          if "digits" in str(exc) else str(exc))
                return self._refuse("schema.value", f"'{_short(node.value)}' is not a valid "
                                    f"value: {reason}", node, path)
        if node.tag not in _STANDARD_TAGS:
            return self._refuse("schema.yaml-tag", f"the tag {node.tag} is not allowed here; "
                                "project files hold plain values, lists and mappings", node,
                                path)
        if id(node) in self.stack:
            return self._refuse("schema.yaml-recursive-alias", "an alias refers to itself",
                                node, path)
        self.stack.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
        finally:
            self.stack.discard(id(node))
        self._problem("schema.yaml-node", "unsupported YAML node", node, path)  # pragma: no cover
        return None  # pragma: no cover

    def _mapping(self, node: MappingNode, path: DataPath) -> dict[Any, Any]:
        own = {id(k) for k, _ in node.value
               if not (isinstance(k, ScalarNode) and k.tag == "tag:yaml.org,2002:merge")}
        try:
            self.constructor.flatten_mapping(node)
        except yaml.YAMLError as exc:
            self._problem("schema.yaml-merge", f"invalid merge key '<<': {_first_line(exc)}",
                          node, path)
        result: dict[Any, Any] = {}
        explicit: set[Any] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._problem("schema.yaml-key", "a key must be a plain word, not a list or "
                              "a mapping", key_node, path)
                continue
            key = self.build(key_node, (*path, "<key>"))
            if not isinstance(key, str):
                # Keys are names: `1:` is the key "1" and `true:` the key "true", as written.
                key = str(key_node.value)
            child = (*path, key)
            merged = id(key_node) not in own  # brought in by `<<: *anchor`
            if key in result:
                if merged or key not in explicit:
                    # A key given beside `<<:` overrides the merged one; of merged ones the
                    # later wins (YAML's merge key semantics): no duplicate.
                    if merged and key in explicit:
                        continue
                else:
                    first = self.positions.get(child, (0, 0))[0]
                    self._problem("schema.duplicate-key",
                                  f"duplicate key '{key}' (first given on line {first}); "
                                  "the second value would silently replace the first",
                                  key_node, child)
                    continue
            if not merged:
                explicit.add(key)
            self.positions[child] = (key_node.start_mark.line + 1,
                                     key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child)
        self.positions.pop((*path, "<key>"), None)
        return result


def _decode(raw: bytes, file: Path) -> str:
    wide = wide_encoding(raw)
    if wide:
        raise YamlFileError(file, [Finding(
            "schema.encoding", Severity.ERROR,
            f"the file is {wide} encoded; save it as UTF-8", (), 1, 1, "schema")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlFileError(file, [Finding(
            "schema.encoding", Severity.ERROR,
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            (), line, column, "schema")]) from None
    return text


_EMPTY_VALUE = re.compile(r"^\s*(?:-\s+)?([^#:\s][^#:]*?)\s*:\s*(\{\s*\}|\[\s*\])\s*(?:#.*)?$")


def _empty_before(text: str, line: int | None) -> tuple[str, str, int] | None:
    """The empty ``key: {}`` or ``key: []`` just before an error at ``line``.

    ``(key, "{}" or "[]", its line)`` when the last content line before ``line`` is one:
    the entries of the init scaffold, uncommented, below ``risks: []``.
    """
    if line is None or line < 2:
        return None
    lines = text.splitlines()
    if line > len(lines) or not lines[line - 1].strip():
        return None
    for number in range(line - 1, 0, -1):
        content = lines[number - 1]
        if not content.strip() or content.lstrip().startswith("#"):
            continue
        match = _EMPTY_VALUE.match(content)
        if match is None:
            return None
        return match.group(1), "{}" if match.group(2).startswith("{") else "[]", number
    return None


def _syntax_finding(exc: yaml.YAMLError, text: str) -> Finding:
    line = column = None
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    opened = ""
    problem_text = str(getattr(exc, "problem", ""))
    if context_mark is not None and ("end of stream" in problem_text
                                     or "<stream end>" in problem_text):
        opened = f" (it starts on line {context_mark.line + 1} and is never closed)"
        mark = context_mark
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    elif isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return Finding("schema.control-character", Severity.ERROR,
                       f"the file contains a character YAML does not allow "
                       f"(U+{exc.character:04X}); remove it",
                       (), line, column, "schema")
    empty = _empty_before(text, line)
    if empty is not None:
        key, brackets, at = empty
        kind = "mapping" if brackets == "{}" else "list"
        return Finding("schema.yaml-syntax", Severity.ERROR,
                       f"YAML syntax error: '{_short(key)}: {brackets}' on line {at} is an "
                       f"empty {kind}, so the entries below it cannot belong to it",
                       (), line, column, "schema",
                       f"delete the {brackets} when you add entries")
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}"
    if context:
        message += f" ({context})"
    message += opened
    return Finding("schema.yaml-syntax", Severity.ERROR, message, (), line, column, "schema",
                   "check the indentation and that every ':' in a value is quoted")


def _compose(text: str, file: Path) -> Node | None:
    """Compose the node tree: libyaml first; on an error the Python parser says where, why."""
    try:
        return _compose_with(text, file)
    except RecursionError:
        raise _too_deep(file, None, None) from None
    except YamlFileError as exc:
        nbsp = _nbsp_finding(text)
        if nbsp is not None and exc.findings[0].code == "schema.yaml-syntax":
            raise YamlFileError(file, [nbsp, *exc.findings]) from None
        raise


def _compose_with(text: str, file: Path) -> Node | None:
    for loader_class in (_FastLoader, _Loader):
        try:
            loader = loader_class(text)
        except yaml.YAMLError as exc:
            if loader_class is _Loader:
                raise YamlFileError(file, [_syntax_finding(exc, text)]) from None
            continue
        try:
            node: Node | None = loader.get_single_node()
            return node
        except yaml.YAMLError as exc:
            if loader_class is _Loader:
                raise YamlFileError(file, [_syntax_finding(exc, text)]) from None
        finally:
            loader.dispose()
    return None  # pragma: no cover - the Python loader always answers


def read_yaml(file: Path) -> YamlDocument:
    """Read ``file``; raise :class:`UsageError` if it is missing, :class:`YamlFileError` if bad."""
    file = Path(file)
    try:
        raw = read_bytes(file, MAX_FILE_BYTES, "the file")
    except InputFileError as exc:
        if exc.reason == "missing":
            raise UsageError(f"no such file: {file}") from None
        if exc.reason == "folder":
            raise UsageError(f"{file} is a folder; give the path of a project.yaml "
                             "file") from None
        if exc.reason == "special":
            raise UsageError(exc.message) from None
        if exc.reason == "too-large":
            raise YamlFileError(file, [Finding(
                "schema.too-large", Severity.ERROR,
                f"the file is too large: a project file may be at most {MAX_FILE_BYTES:,} "
                "bytes (keep long texts in separate .md files)", (), None, None,
                "schema")]) from None
        raise UsageError(exc.message) from None
    return parse_yaml(_decode(raw, file), file)


def _shift(finding: Finding, lines: int) -> Finding:
    return finding.with_location(finding.line + lines if finding.line else finding.line,
                                 finding.column)


def parse_yaml(text: str, file: Path, line_offset: int = 0) -> YamlDocument:
    """Parse YAML ``text`` that starts on line ``line_offset + 1`` of ``file``.

    Raises:
        YamlFileError: the text is not YAML, or expands to too many values.
    """
    try:
        root = _compose(text, file)
        if root is None:
            return YamlDocument(file, None, {})
        builder = _Builder()
        try:
            data = builder.build(root, ())
        except (_TooDeep, RecursionError) as deep:
            where = deep if isinstance(deep, _TooDeep) else _TooDeep()
            raise _too_deep(file, where.line, where.column) from None
        except _TooLarge:
            raise YamlFileError(file, [Finding(
                "schema.alias-bomb", Severity.ERROR,
                f"the file expands to more than {MAX_NODES:,} values (anchors and aliases "
                "repeated inside each other?); refused", (), None, None, "schema")]) from None
    except YamlFileError as exc:
        if line_offset:
            exc.findings = [_shift(f, line_offset) for f in exc.findings]
        raise
    positions = {path: (line + line_offset, col)
                 for path, (line, col) in builder.positions.items()}
    problems = [_shift(p, line_offset) for p in builder.problems]
    nbsp = _nbsp_finding(text)
    if nbsp is not None:
        problems.insert(0, _shift(nbsp, line_offset))
    refused = frozenset(builder.refused)
    return YamlDocument(file, data, positions, problems, refused)
