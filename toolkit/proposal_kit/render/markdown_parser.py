"""The one Markdown dialect of the draft: CommonMark + pipe tables + strikethrough.

Directive blocks are fenced blocks whose info string is ``{name} argument`` (MyST style):
``{prompt}``, ``{gantt}``, ``{toc}``, ``{pagebreak}``, ``{style} NAME``.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["markdown", "parse", "shift_headings"]


@cache
def markdown() -> MarkdownIt:
    """The shared parser instance."""
    return MarkdownIt("commonmark", {"linkify": False}).enable(["table", "strikethrough"])


def parse(text: str) -> list[Token]:
    """Block tokens of ``text``."""
    return markdown().parse(text)


def shift_headings(text: str, by: int) -> str:
    """``text`` with every heading ``by`` levels deeper (at most level 6).

    A ``#`` inside a section's text then nests under that section's heading, in the
    document and in its table of contents. Setext headings (underlined) become ATX ones.
    """
    if by <= 0 or ("#" not in text and "\n=" not in text and "\n-" not in text):
        return text
    lines = text.split("\n")
    for tok in parse(text):
        if tok.type != "heading_open" or tok.map is None:
            continue
        level = min(int(tok.tag[1]) + by, 6)
        first, end = tok.map
        if tok.markup in ("=", "-"):  # setext: the text lines, then the underline
            content = " ".join(line.strip() for line in lines[first:end - 1])
            lines[first:end] = [f"{'#' * level} {content}"] + [""] * (end - first - 1)
        else:
            stripped = lines[first].lstrip()
            indent = lines[first][:len(lines[first]) - len(stripped)]
            lines[first] = indent + "#" * level + stripped.lstrip("#")
    return "\n".join(lines)
