"""Read a YAML file into plain data plus a map of where each value stands.

PyYAML composes the node tree; we build the Python data from it ourselves so that every
key and item keeps its line and column, duplicate keys are caught, and alias expansion is
bounded (no "billion laughs").
"""

from __future__ import annotations

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

__all__ = ["MAX_FILE_BYTES", "MAX_NODES", "YamlDocument", "YamlFileError", "parse_yaml",
           "read_yaml"]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000


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
    """SafeLoader with YAML 1.2 booleans: only true/false, so `country: NO` stays Norway.

    Its error messages are the ones users see.
    """


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same on libyaml, when PyYAML was built with it: parses valid files faster."""


_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _cls in (_Loader, _FastLoader):
    _cls.yaml_implicit_resolvers = {k: list(v) for k, v in _RESOLVERS.items()}
    _cls.add_implicit_resolver("tag:yaml.org,2002:bool",
                               re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                               list("tTfF"))


_STANDARD_TAGS = {f"tag:yaml.org,2002:{name}" for name in
                  ("seq", "map", "omap", "str", "int", "float", "bool", "null", "timestamp",
                   "binary", "merge", "value")}


def _first_line(exc: yaml.YAMLError) -> str:
    """The problem of a PyYAML error, on one line, without its snippet."""
    problem = getattr(exc, "problem", None)
    return str(problem or str(exc).splitlines()[0]).strip()


class _TooLarge(Exception):
    pass


class _Builder:
    """Turns composed nodes into data, recording positions and problems."""

    def __init__(self) -> None:
        self.constructor = SafeConstructor()
        self.positions: dict[DataPath, tuple[int, int]] = {}
        self.problems: list[Finding] = []
        self.count = 0
        self.stack: set[int] = set()

    def _problem(self, code: str, message: str, node: Node, path: DataPath) -> None:
        mark = node.start_mark
        self.problems.append(Finding(code, Severity.ERROR, message, path, mark.line + 1,
                                     mark.column + 1, "schema"))

    def build(self, node: Node, path: DataPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, ScalarNode):
            try:
                return self.constructor.construct_object(node, deep=True)
            except yaml.YAMLError as exc:
                self._problem("schema.yaml-tag", f"unsupported value: {_first_line(exc)}",
                              node, path)
                return None
            except ValueError as exc:  # e.g. an impossible date such as 2026-13-01
                self._problem("schema.value", f"'{node.value}' is not a valid value: {exc}",
                              node, path)
                return None
        if node.tag not in _STANDARD_TAGS:
            self._problem("schema.yaml-tag", f"the tag {node.tag} is not allowed here; "
                          "project files hold plain values, lists and mappings", node, path)
            return None
        if id(node) in self.stack:
            self._problem("schema.yaml-recursive-alias", "an alias refers to itself", node, path)
            return None
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
        try:
            self.constructor.flatten_mapping(node)
        except yaml.YAMLError as exc:
            self._problem("schema.yaml-merge", f"invalid merge key '<<': {_first_line(exc)}",
                          node, path)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._problem("schema.yaml-key", "a key must be a plain word, not a list or "
                              "a mapping", key_node, path)
                continue
            key = self.build(key_node, (*path, "<key>"))
            if not isinstance(key, str | int):
                key = str(key)
            child = (*path, key)
            if key in result:
                first = self.positions.get(child, (0, 0))[0]
                self._problem("schema.duplicate-key",
                              f"duplicate key '{key}' (first given on line {first}); "
                              "the second value would silently replace the first",
                              key_node, child)
                continue
            self.positions[child] = (key_node.start_mark.line + 1,
                                     key_node.start_mark.column + 1)
            result[key] = self.build(value_node, child)
        self.positions.pop((*path, "<key>"), None)
        return result


def _decode(raw: bytes, file: Path) -> str:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise YamlFileError(file, [Finding(
            "schema.encoding", Severity.ERROR,
            "the file is UTF-16 encoded; save it as UTF-8", (), 1, 1, "schema")])
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
    if not file.exists():
        raise UsageError(f"no such file: {file}")
    if file.is_dir():
        raise UsageError(f"{file} is a folder; give the path of a project.yaml file")
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlFileError(file, [Finding(
                "schema.too-large", Severity.ERROR,
                f"the file is {size:,} bytes; a project file may be at most "
                f"{MAX_FILE_BYTES:,} bytes (keep long texts in separate .md files)",
                (), None, None, "schema")])
        raw = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror}") from None
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
    return YamlDocument(file, data, positions, problems)
