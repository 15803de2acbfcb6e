"""Change values in project.yaml and keep everything else: comments, key order, layout.

ruamel.yaml's round-trip loader says where each value stands; a one-line value is replaced
in the text itself, so the rest of the file stays byte for byte. A value that spans lines
(a folded description) or a key that is missing goes through ruamel.yaml's round-trip
dumper, which keeps comments and key order too.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

__all__ = ["set_values"]

Path = tuple[str | int, ...]


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _scalar(value: Any) -> str:
    """``value`` as a one-line YAML scalar."""
    buffer = io.StringIO()
    y = YAML(typ="safe", pure=True)
    y.width = 100000
    y.default_flow_style = True
    y.dump(value, buffer)
    text = buffer.getvalue().strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def _parent(data: Any, path: Path) -> Any:
    node = data
    for part in path[:-1]:
        node = node[part]
    return node


def set_values(text: str, changes: Sequence[tuple[Path, Any]]) -> str:
    """``text`` (a YAML document) with each ``(path, value)`` of ``changes`` set."""
    yaml = _yaml()
    data = yaml.load(text)
    lines = text.split("\n")
    dump = False
    for path, value in changes:
        parent = _parent(data, path)
        key = path[-1]
        if not dump and (_replace_block(lines, parent, key, value) or
                         _replace_list(lines, parent, key, value)):
            parent[key] = value
            continue
        if isinstance(value, str) and "\n" in value:
            parent[key] = LiteralScalarString(value)
            dump = True
            continue
        located = None
        if isinstance(parent, CommentedMap) and key in parent:
            located = parent.lc.value(key)
        elif isinstance(parent, CommentedSeq) and isinstance(key, int) and key < len(parent):
            located = parent.lc.item(key)
        old = parent[key] if located else None
        if located and not isinstance(old, (dict, list)) and not dump:
            line, column = located
            current = lines[line]
            old_text = _scalar(old)
            rest = current[column:]
            if rest.startswith(old_text) or rest.startswith(str(old)):
                width = len(old_text) if rest.startswith(old_text) else len(str(old))
                tail = rest[width:]
                if not tail.strip() or tail.lstrip().startswith(("#", ",", "}", "]")):
                    lines[line] = current[:column] + _scalar(value) + tail
                    parent[key] = value
                    continue
        parent[key] = value
        dump = True
    if not dump:
        return "\n".join(lines)
    # Something needed the dumper: apply the text edits made so far, then dump once.
    data = yaml.load("\n".join(lines))
    for path, value in changes:
        current_value = _parent(data, path)[path[-1]] if _has(data, path) else None
        if current_value != value:
            _parent(data, path)[path[-1]] = LiteralScalarString(value) \
                if isinstance(value, str) and "\n" in value else value
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _replace_block(lines: list[str], parent: Any, key: Any, value: Any) -> bool:
    """Replace, in ``lines``, a mapping value written over several lines (folded text).

    False when the value is not one: then another way is taken.
    """
    if not isinstance(parent, CommentedMap) or key not in parent or \
            parent.fa.flow_style() or isinstance(parent[key], (dict, list)):
        return False
    _, key_column = parent.lc.key(key)
    line, column = parent.lc.value(key)
    end = line + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > key_column):
        end += 1
    while end - 1 > line and not lines[end - 1].strip():
        end -= 1
    multi = isinstance(value, str) and "\n" in value.rstrip("\n")
    if end == line + 1 and not multi:
        return False  # one line each: replaced in place by the caller
    pad = " " * (key_column + 2)
    indicator = lines[line][column:].strip()[:1]
    if indicator in ("|", ">") and not multi:  # one paragraph: a block scalar of its kind
        chomp = "" if str(value).endswith("\n") else "-"
        new = [lines[line][:column] + indicator + chomp, pad + str(value).rstrip("\n")]
    elif multi:
        body = [pad + x if x else "" for x in str(value).rstrip("\n").split("\n")]
        chomp = "" if str(value).endswith("\n") else "-"
        new = [lines[line][:column] + "|" + chomp, *body]
    else:
        new = [lines[line][:column] + _scalar(value)]
    lines[line:end] = new
    return True


def _replace_list(lines: list[str], parent: Any, key: Any, value: Any) -> bool:
    """Replace, in ``lines``, a list of scalars (``[P1, P2]`` or one ``- item`` a line).

    False when the list is written some other way: then the dumper writes it.
    """
    if not isinstance(parent, CommentedMap) or key not in parent or \
            not isinstance(parent[key], CommentedSeq) or not isinstance(value, list) or \
            any(isinstance(x, (dict, list)) for x in [*parent[key], *value]):
        return False
    old: CommentedSeq = parent[key]
    line, column = parent.lc.value(key)
    if old.fa.flow_style():
        current = lines[line]
        start = current.find("[", column)
        end = current.find("]", start)
        if start < 0 or end < 0 or "[" in current[start + 1:end]:
            return False  # a list over several lines
        lines[line] = current[:start] + _scalar(value) + current[end + 1:]
        return True
    if not old or not value:
        return False
    rows = [old.lc.item(i)[0] for i in range(len(old))]
    first, last = rows[0], rows[-1]
    if rows != list(range(first, last + 1)):
        return False  # an item over several lines, or comments between them
    prefix = lines[first][:old.lc.item(0)[1]]
    if prefix.strip() != "-":
        return False
    lines[first:last + 1] = [prefix + _scalar(x) for x in value]
    return True


def _has(data: Any, path: Path) -> bool:
    try:
        parent = _parent(data, path)
        parent[path[-1]]
    except (KeyError, IndexError, TypeError):
        return False
    return True
