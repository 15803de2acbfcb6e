"""The one Markdown dialect of the draft: CommonMark + pipe tables + strikethrough.

Directive blocks are fenced blocks whose info string is ``{name} argument`` (MyST style):
``{prompt}``, ``{gantt}``, ``{toc}``, ``{pagebreak}``, ``{style} NAME``.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["markdown", "parse"]


@cache
def markdown() -> MarkdownIt:
    """The shared parser instance."""
    return MarkdownIt("commonmark", {"linkify": False}).enable(["table", "strikethrough"])


def parse(text: str) -> list[Token]:
    """Block tokens of ``text``."""
    return markdown().parse(text)
