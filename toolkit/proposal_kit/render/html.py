"""HTML form of the draft: the same Markdown, rendered by markdown-it with the directives."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

import yaml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .gantt import GanttSpec
from .markdown_parser import markdown

__all__ = ["gantt_html", "markdown_to_html"]

_DIRECTIVE = re.compile(r"^\{([a-z-]+)\}\s*(.*)$")
_TAG = re.compile(r"^<p>(#[@§][A-Z0-9-]+[@§]#)</p>$", re.M)


def gantt_html(spec: GanttSpec) -> str:
    """The timetable as an HTML table with shaded month cells."""
    head = "".join(f'<th colspan="{min(12, spec.months - y * 12)}">Year {y + 1}</th>'
                   for y in range((spec.months + 11) // 12))
    rows = [f'<tr><th class="label">Month</th>{head}</tr>']
    for row in spec.rows:
        cells = "".join(f'<td class="{"on " + row.kind if row.start <= m <= row.end else ""}"'
                        f' title="M{m}"></td>' for m in range(1, spec.months + 1))
        rows.append(f'<tr class="{row.kind}"><th class="label">{html.escape(row.label)}</th>'
                    f"{cells}</tr>")
    return f'<table class="gantt">{"".join(rows)}</table>\n'


def _fence(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
           env: EnvType) -> str:
    tok = tokens[idx]
    match = _DIRECTIVE.match(tok.info.strip())
    if not match:
        return f"<pre><code>{html.escape(tok.content)}</code></pre>\n"
    name, argument = match.groups()
    if name == "prompt":
        return f'<div class="prompt">{html.escape(tok.content.strip())}</div>\n'
    if name == "style":
        css = argument.strip().lower().replace(" ", "-")
        inner = markdown().renderInline(tok.content.strip())
        return f'<p class="{html.escape(css)}">{inner}</p>\n'
    if name == "gantt":
        return gantt_html(GanttSpec.model_validate(yaml.safe_load(tok.content)))
    if name == "toc":
        return '<nav class="toc" id="toc"></nav>\n'
    return '<hr class="page-break">\n' if name == "pagebreak" else ""


def markdown_to_html(text: str) -> str:
    """HTML body of the draft."""
    md = markdown()
    renderer: Any = md.renderer
    original = renderer.rules.get("fence")
    renderer.rules["fence"] = lambda *args: _fence(renderer, *args)
    try:
        body = md.render(text)
    finally:
        renderer.rules["fence"] = original
    return _TAG.sub(r'<p class="tag">\1</p>', body)
