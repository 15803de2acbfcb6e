"""Compose the draft's Markdown from the view model through the Part B templates.

Templates are searched in the project's own ``templates/`` folder first, then the built-in
ones, file by file. The environment is sandboxed and strict: an undefined name is an error
naming the template file and line.
"""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import (
    FileSystemLoader,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)

from ..derive import Draft
from ..errors import SourceLocation
from ..errors import TemplateError as KitTemplateError
from ..form import form_for_call
from ..form.cells import Grid, Table
from ..form.layout import segments
from ..form.tables import build_table, build_timetable, coordinator_contact, work_package_tables
from ..model import WorkPackage
from ..resources import builtin_templates_dir
from ..templating import BoundedEnvironment, make_environment, render_bounded, take_unknown_filters
from .directives import remember_body

__all__ = ["CONTEXT_NAMES", "compose_markdown", "template_context", "template_dirs",
           "template_syntax_errors"]


def template_dirs(project_dir: Path | None) -> list[Path]:
    """Template folders in search order: the project's own, then the built-in one."""
    dirs = []
    if project_dir is not None and (project_dir / "templates").is_dir():
        dirs.append(project_dir / "templates")
    dirs.append(builtin_templates_dir())
    return dirs


def _eur(value: float) -> str:
    return f"{value:,.0f}"


def _num(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value else "0"


def _cell(value: Any) -> str:
    """Make ``value`` safe inside a pipe-table cell (no pipes, no line breaks)."""
    text = "" if value is None else str(value)
    return " ".join(text.replace("|", "\\|").split())


def _quote_yaml(value: Any) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _environment(dirs: list[Path]) -> BoundedEnvironment:
    return make_environment(FileSystemLoader([str(d) for d in dirs]), trim=True,
                            filters={"eur": _eur, "num": _num, "cell": _cell,
                                     "yaml_str": _quote_yaml})


def _template_location(exc: BaseException, dirs: list[Path]) -> str:
    """``file:line`` of the innermost template frame of ``exc``."""
    where = ""
    for frame, line in traceback.walk_tb(exc.__traceback__):
        name = frame.f_code.co_filename
        if name.endswith(".j2"):
            where = f"{name}:{line}"
    return where or "a template"


def grid_yaml(grid: Grid) -> str:
    """The body of a ``{gantt}`` directive drawing ``grid``."""
    data = {"unit": grid.unit, "groups": [list(g) for g in grid.groups],
            "columns": list(grid.columns),
            "rows": [{"label": r.label, "kind": r.kind, "cells": sorted(r.shaded)}
                     for r in grid.rows]}
    return _dump(data)


def grouped_yaml(table: Table) -> str:
    """The body of a ``{grouped-table}`` directive drawing ``table`` (its header groups)."""
    ids = [cid for cid, _ in table.columns]
    data = {"groups": [list(g) for g in table.header_groups],
            "columns": list(table.subheadings),
            "align": [table.align(cid) for cid in ids],
            "rows": [{"cells": [row.cell(cid).text for cid in ids],
                      **({"bold": True} if row.kind == "total" else {})}
                     for row in table.rows]}
    return _dump(data)


#: Text whose JSON a YAML reader parses back exactly: printable characters of the Basic
#: Multilingual Plane (no NEL, line or paragraph separator, BOM: YAML folds or drops those).
_C_SAFE = re.compile("[\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")


def _leaves(value: object) -> Iterator[object]:
    """The scalars of ``value`` (mappings' values and lists' items, all the way down)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _dump(data: dict[str, Any]) -> str:
    """``data`` as the body of a directive: YAML, which its reader parses back exactly.

    Plain text (no character YAML escapes) and no floats: JSON, one value a line. JSON is
    YAML (flow style), and json's C encoder is a tenth of YAML's representer on a large
    consortium's tables. Anything else goes through PyYAML's own block style, with every
    character beyond ASCII escaped.
    """
    import yaml

    leaves = list(_leaves(data))
    text_only = "".join(v for v in leaves if isinstance(v, str))
    if _C_SAFE.fullmatch(text_only) is not None and not any(isinstance(v, float)
                                                            for v in leaves):
        text = json.dumps(data, ensure_ascii=False, indent=1)
        remember_body(text, data)  # its parse gives ``data`` back exactly
        return text
    # Escaped (\x85, \u2028, \U0001F600): written raw, YAML would fold or drop them.
    return str(yaml.dump(data, Dumper=yaml.SafeDumper, allow_unicode=False, sort_keys=False,
                         width=1000).rstrip())


#: The names the Part B templates see, and what each is (the guide's template reference).
CONTEXT_NAMES: dict[str, str] = {
    "draft": "The derived view model (the Draft fields below).",
    "p": "The validated project (`draft.proposal`); its keys are in the schema.",
    "call": "The call rules of the project's topic; figures as `call.figures.<name>.value`.",
    "form": "The description of the official Part B form the call uses: headings, tags, "
            "boxes, tables and their columns (`data/forms/<form>.yaml`).",
    "layout": "The form's body as segments (a line of tags, a heading, a box, a table, the "
              "work package block, an orientation change), in document order.",
    "texts": "Finished narrative text per section id.",
    "table": "`table(id)`, `table('wp_budget', wp)`: a table of the form (or one proposal-kit "
             "adds), built from the project with the form's columns.",
    "wp_tables": "`wp_tables(wp)`: the parts of one work package's table (header, "
                 "objectives, tasks, milestones, deliverables).",
    "timetable": "`timetable(id)`: the timetable grid (months or years and quarters).",
    "grid_yaml": "`grid_yaml(grid)`: the body of a `{gantt}` block drawing a grid.",
    "grouped_yaml": "`grouped_yaml(t)`: the body of a `{grouped-table}` block drawing a table "
                    "whose columns are grouped under headings (`t.header_groups`).",
    "cover_value": "`cover_value(key)`: the value of a cover field (title, acronym, "
                   "coordinator_contact).",
}


def template_context(draft: Draft, narratives: dict[str, str]) -> dict[str, Any]:
    """What the Part B templates see (:data:`CONTEXT_NAMES`)."""
    form = form_for_call(draft.call)
    values = {"title": draft.proposal.title or "", "acronym": draft.proposal.acronym,
              "coordinator_contact": coordinator_contact(draft)}

    def table(table_id: str, wp: WorkPackage | None = None) -> Any:
        return build_table(draft, form, table_id, wp)

    context = {"draft": draft, "p": draft.proposal, "call": draft.call, "form": form,
               "layout": segments(form), "texts": narratives, "table": table,
               "wp_tables": lambda wp: work_package_tables(draft, form.tables["work_package"],
                                                           wp),
               "timetable": lambda table_id: build_timetable(draft, form.tables[table_id]),
               "grid_yaml": grid_yaml, "grouped_yaml": grouped_yaml,
               "cover_value": lambda key: values.get(key, "")}
    assert context.keys() == CONTEXT_NAMES.keys()
    return context


def template_syntax_errors(project_dir: Path | None) -> list[KitTemplateError]:
    """The syntax errors of the project's own templates (``templates/*.j2``).

    Each is at its file and line; none when the project has no templates of its own.
    `check` reports these with the sections' problems in one pass: the draft, which runs
    the templates, is rendered only once the sections are sound.
    """
    dirs = template_dirs(project_dir)
    if len(dirs) < 2:
        return []
    own = dirs[0]
    env = _environment(dirs)
    errors = []
    for file in sorted(own.rglob("*.j2")):
        name = file.relative_to(own).as_posix()
        try:
            # Every unknown filter and test, each name once: compiling stops at the first.
            # The source comes through the loader, which keeps to the project's folder.
            source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
            unknown = take_unknown_filters(env, env.parse(source))
            errors += [KitTemplateError(f"template syntax error: {u.message}",
                                        location=SourceLocation(file, u.line))
                       for u in unknown]
            if not unknown:
                env.get_template(name)
        except TemplateSyntaxError as exc:
            errors.append(KitTemplateError(
                f"template syntax error: {exc.message}",
                location=SourceLocation(file, exc.lineno)))
        except (TemplateError, RecursionError, OSError, UnicodeDecodeError):
            continue  # the render reports these, with what they need of the project
    return errors


def compose_markdown(draft: Draft, narratives: dict[str, str], dirs: list[Path],
                     template_name: str = "partb.md.j2", **extra: Any) -> str:
    """Render ``template_name`` (the whole Part B by default) for ``draft``.

    ``narratives`` holds finished section texts; ``extra`` adds names to the context (the
    form filler renders ``box.md.j2`` for one box with ``box`` and ``in_form``).
    """
    env = _environment(dirs)
    try:
        template = env.get_template(template_name)
    except TemplateSyntaxError as exc:
        raise KitTemplateError(f"{exc.filename}:{exc.lineno}: template syntax error: "
                               f"{exc.message}") from None
    except TemplateNotFound as exc:
        raise KitTemplateError(f"template not found: {exc.name} (searched "
                               f"{', '.join(str(d) for d in dirs)})") from None
    except (TemplateError, RecursionError) as exc:
        raise KitTemplateError(f"{_template_location(exc, dirs)}: template error: "
                               f"{getattr(exc, 'message', None) or exc}") from None
    where = f"template {template.filename or template_name}"
    return render_bounded(template, {**template_context(draft, narratives), **extra}, where,
                          lambda line: SourceLocation(Path(template.filename or template_name),
                                                      line))
