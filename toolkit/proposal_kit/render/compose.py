"""Compose the draft's Markdown from the view model through the Part B templates.

Templates are searched in the project's own ``templates/`` folder first, then the built-in
ones, file by file. The environment is sandboxed and strict: an undefined name is an error
naming the template file and line.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment

from ..derive import Draft
from ..errors import TemplateError as KitTemplateError
from ..partb import part_b
from ..resources import builtin_templates_dir

__all__ = ["compose_markdown", "template_dirs"]


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


def _environment(dirs: list[Path]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=FileSystemLoader([str(d) for d in dirs]),
                               undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                               lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(eur=_eur, num=_num, cell=_cell, yaml_str=_quote_yaml)
    return env


def _template_location(exc: BaseException, dirs: list[Path]) -> str:
    """``file:line`` of the innermost template frame of ``exc``."""
    where = ""
    for frame, line in traceback.walk_tb(exc.__traceback__):
        name = frame.f_code.co_filename
        if name.endswith(".j2"):
            where = f"{name}:{line}"
    return where or "a template"


def compose_markdown(draft: Draft, narratives: dict[str, str], dirs: list[Path]) -> str:
    """Render ``partb.md.j2`` for ``draft``; ``narratives`` holds finished section texts."""
    env = _environment(dirs)
    try:
        template = env.get_template("partb.md.j2")
        text = template.render(draft=draft, p=draft.proposal, call=draft.call,
                               partb=part_b(), texts=narratives)
    except TemplateSyntaxError as exc:
        raise KitTemplateError(f"{exc.filename}:{exc.lineno}: template syntax error: "
                               f"{exc.message}") from None
    except TemplateNotFound as exc:
        raise KitTemplateError(f"template not found: {exc.name} (searched "
                               f"{', '.join(str(d) for d in dirs)})") from None
    except TemplateError as exc:
        raise KitTemplateError(f"{_template_location(exc, dirs)}: {exc.message or exc}") \
            from None
    return text
