"""The directive blocks of the draft's Markdown (```` ```{gantt} ````, ``{style}``...).

One place says which directives exist and reads their bodies, for the DOCX writer, the
HTML page and `check`: a body that is not valid, or a directive that does not exist, is an
:class:`~proposal_kit.errors.InputError` saying what is wrong.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputError
from ..yamlsource import YamlFileError, parse_yaml
from .gantt import GanttSpec
from .grouped_table import GroupedTableSpec

__all__ = ["DIRECTIVE", "KNOWN", "gantt_spec", "grouped_spec", "remember_body",
           "split_directive"]

#: The info string of a directive block: ``{name} argument``.
DIRECTIVE = re.compile(r"^\{([a-z-]+)\}\s*(.*)$")
#: Every directive the writers know.
KNOWN = ("gantt", "grouped-table", "pagebreak", "prompt", "section", "style", "toc")
#: Most rows a ``{gantt}`` block may have.
MAX_GANTT_ROWS = 500
#: Directive bodies written in this process (:func:`remember_body`), with their data: the
#: latest few renders' (a large project writes about 15, each up to a few hundred kB held).
_WRITTEN: OrderedDict[str, Any] = OrderedDict()
_WRITTEN_MAX = 64


def remember_body(body: str, data: Any) -> None:
    """Note that ``body`` is the YAML text of ``data`` (plain values, lists, mappings).

    The draft's own table directives are written from data (``render/compose.py``) and
    read back by every writer (DOCX, HTML, the render check); reading one of them back
    then skips parsing it again. Only for text whose parse gives ``data`` exactly: what
    YAML's safe dumper wrote of strings without control characters, integers and booleans.
    """
    _WRITTEN[body] = data
    _WRITTEN.move_to_end(body)
    while len(_WRITTEN) > _WRITTEN_MAX:
        _WRITTEN.popitem(last=False)


def _body_data(body: str, name: str) -> Any:
    """The data of a directive's YAML ``body`` (``name``: the directive, for messages)."""
    known = _WRITTEN.get(body.rstrip("\n"), _WRITTEN)
    if known is not _WRITTEN:
        return known
    try:
        return parse_yaml(body, Path(f"{{{name}}}")).data
    except YamlFileError as exc:
        raise InputError(f"{{{name}}} block: {exc.findings[0].message}") from None


def split_directive(info: str) -> tuple[str, str] | None:
    """``(name, argument)`` of a fence's info string, or None for a plain code block.

    Raises:
        InputError: ``{name}`` is not a known directive.
    """
    match = DIRECTIVE.match(info.strip())
    if not match:
        return None
    name, argument = match.groups()
    if name not in KNOWN:
        raise InputError(f"unknown directive '{{{name}}}'",
                         hint=f"known directives: {', '.join('{' + k + '}' for k in KNOWN)}")
    return name, argument


def gantt_spec(body: str, max_columns: int | None = None) -> GanttSpec:
    """The validated body of a ``{gantt}`` block.

    Raises:
        InputError: the body is not YAML, not a timetable, or larger than the project
            (``max_columns``: the project's duration).
    """
    data = _body_data(body, "gantt")
    try:
        spec = GanttSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the block"
        raise InputError(f"{{gantt}} block: {where}: {first['msg']}",
                         hint="a {gantt} block has 'columns:' (a list of labels) and 'rows:' "
                         "(each with 'label:', 'kind:' and 'cells:')") from None
    if len(spec.rows) > MAX_GANTT_ROWS:
        raise InputError(f"{{gantt}} block: {len(spec.rows):,} rows; at most {MAX_GANTT_ROWS}")
    if max_columns is not None and len(spec.columns) > max_columns:
        raise InputError(f"{{gantt}} block: {len(spec.columns)} columns, more than the "
                         f"project's {max_columns} months")
    width = len(spec.columns)
    for row in spec.rows:
        bad = [c for c in row.cells if not 0 <= c < width]
        if bad:
            raise InputError(f"{{gantt}} block: row '{row.label[:40]}' shades column {bad[0]}, "
                             f"but there are {width} columns (numbered from 0)")
    return spec


def grouped_spec(body: str) -> GroupedTableSpec:
    """The validated body of a ``{grouped-table}`` block.

    Raises:
        InputError: the body is not YAML or not such a table.
    """
    data = _body_data(body, "grouped-table")
    try:
        return GroupedTableSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the block"
        raise InputError(f"{{grouped-table}} block: {where}: {first['msg']}",
                         hint="a {grouped-table} block has 'groups:' (heading and span), "
                         "'columns:' (the headings under them) and 'rows:' (each with "
                         "'cells:')") from None
