"""The grammar of the form's processing tags, in one place.

The official form marks each part it will read back with a pair of tags: ``#@CODE@#``
opens it, ``#§CODE§#`` closes it. Everything that writes, finds or checks tags uses these
patterns: the DOCX writer (a paragraph of tags only), the form's locator, the format check
of `pages`, the page counter (tag lines are not body text) and the HTML draft.
"""

from __future__ import annotations

import re

__all__ = ["ANY_TAG", "TAG", "TAG_LINE", "is_tag_line", "tag_events", "tag_text"]

#: One tag; group 1 is ``@`` (opens) or ``§`` (closes), group 2 the code.
TAG = re.compile(r"#(@|§)([A-Za-z0-9_.-]+)\1#")
#: One tag as a pattern without groups, to build other patterns from.
ANY_TAG = r"#(?:@[A-Za-z0-9_.-]+@|§[A-Za-z0-9_.-]+§)#"
#: A line made of tags only, separated by white space.
TAG_LINE = re.compile(rf"^\s*{ANY_TAG}(?:\s+{ANY_TAG})*\s*$")


def is_tag_line(text: str) -> bool:
    """Whether ``text`` holds tags and nothing else."""
    return bool(TAG_LINE.match(text))


def tag_events(text: str) -> list[tuple[str, str]]:
    """("open" | "close", code) for each tag in ``text``, in order."""
    return [("open" if m.group(1) == "@" else "close", m.group(2)) for m in TAG.finditer(text)]


def tag_text(kind: str, code: str) -> str:
    """The tag as the form prints it: ``#@CODE@#`` for "open", ``#§CODE§#`` for "close"."""
    return f"#@{code}@#" if kind == "open" else f"#§{code}§#"
