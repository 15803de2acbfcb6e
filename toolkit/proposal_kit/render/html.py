"""HTML form of the draft: the same Markdown, rendered by markdown-it with the directives."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..form.tags import ANY_TAG
from .directives import gantt_spec, grouped_spec, split_directive
from .gantt import GanttSpec
from .grouped_table import grouped_html
from .markdown_parser import markdown

__all__ = ["gantt_html", "markdown_to_html"]

_TAG = re.compile(rf"^<p>((?:{ANY_TAG}\s*)+)</p>$", re.M)


def gantt_html(spec: GanttSpec) -> str:
    """The timetable as an HTML table with shaded cells."""
    rows = []
    if spec.groups:
        head = "".join(f'<th colspan="{n}">{html.escape(label)}</th>'
                       for label, n in spec.groups)
        rows.append(f'<tr><th class="label"></th>{head}</tr>')
    columns = "".join(f"<th>{html.escape(c)}</th>" for c in spec.columns)
    rows.append(f'<tr><th class="label">Activity</th>{columns}</tr>')
    for row in spec.rows:
        on = set(row.cells)
        kind = html.escape(row.kind)  # the block's own text: it must not end the attribute
        cells = "".join(f'<td class="{"on " + kind if i in on else ""}"'
                        f' title="{html.escape(c)}"></td>' for i, c in enumerate(spec.columns))
        rows.append(f'<tr class="{kind}"><th class="label">{html.escape(row.label)}</th>'
                    f"{cells}</tr>")
    return f'<table class="gantt">{"".join(rows)}</table>\n'


def _fence(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
           env: EnvType) -> str:
    tok = tokens[idx]
    directive = split_directive(tok.info)
    if directive is None:
        return f"<pre><code>{html.escape(tok.content)}</code></pre>\n"
    name, argument = directive
    if name == "prompt":
        return f'<div class="prompt">{html.escape(tok.content.strip())}</div>\n'
    if name == "style":
        css = argument.strip().lower().replace(" ", "-")
        inner = markdown().renderInline(tok.content.strip())
        return f'<p class="{html.escape(css)}">{inner}</p>\n'
    if name == "gantt":
        return gantt_html(gantt_spec(tok.content))
    if name == "grouped-table":
        return grouped_html(grouped_spec(tok.content))
    if name == "toc":
        return '<nav class="toc" id="toc"></nav>\n'
    return '<hr class="page-break">\n' if name == "pagebreak" else ""


def _escaped_html(tokens: Sequence[Token], idx: int, options: OptionsDict,
                  env: EnvType) -> str:
    """Raw HTML of the Markdown, escaped: it shows as typed and cannot run."""
    return html.escape(tokens[idx].content)


def markdown_to_html(text: str) -> str:
    """HTML body of the draft."""
    md = markdown()
    renderer: Any = md.renderer
    saved = {name: renderer.rules.get(name) for name in ("fence", "html_block", "html_inline")}
    renderer.rules["fence"] = lambda *args: _fence(renderer, *args)
    # Raw HTML in a project or section text is shown as text, never run: a draft is shared.
    renderer.rules["html_block"] = _escaped_html
    renderer.rules["html_inline"] = _escaped_html
    try:
        body = md.render(text)
    finally:
        renderer.rules.update(saved)
    return _TAG.sub(r'<p class="tag">\1</p>', body)
