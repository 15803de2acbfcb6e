"""A section's source cut into units (blocks between blank lines) and their plain text.

A unit is what a partner's edit is mapped back to: one paragraph, one list, one include of
a generic text. Each unit is rendered on its own so that the paragraphs of the document
can be traced to the unit that wrote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..form.locate import normalise
from ..render.markdown_parser import parse

__all__ = ["INCLUDE", "Unit", "join_units", "plain_paragraphs", "split_units"]

_BLANK = re.compile(r"(\n[ \t]*\n\s*)")
#: A unit that is one include of a generic text, and nothing else.
INCLUDE = re.compile(r"^\{\{-?\s*text\(\s*[\"']([^\"']+)[\"'].*\)\s*-?\}\}$", re.S)


@dataclass(frozen=True)
class Unit:
    """One block of a section's source and the blank lines that follow it."""

    text: str
    sep: str = ""

    @property
    def include(self) -> str | None:
        """The generic text's key when the unit is a bare ``{{ text(...) }}``."""
        match = INCLUDE.match(self.text.strip())
        return match.group(1) if match else None


def split_units(source: str) -> list[Unit]:
    """``source`` as units; :func:`join_units` gives it back unchanged."""
    lead = source[:len(source) - len(source.lstrip())]
    parts = _BLANK.split(source.lstrip())
    units = [Unit(parts[i], parts[i + 1] if i + 1 < len(parts) else "")
             for i in range(0, len(parts), 2)]
    if lead and units:
        units[0] = Unit(lead + units[0].text, units[0].sep)
    if units and not units[-1].sep:
        last = units[-1].text
        core = last.rstrip()
        units[-1] = Unit(core, last[len(core):])
    return [u for u in units if u.text or u.sep]


def join_units(units: list[Unit]) -> str:
    """The source the units came from."""
    return "".join(u.text + u.sep for u in units)


def plain_paragraphs(markdown: str) -> list[str]:
    """The normalised plain text of each paragraph, heading, list item and table cell.

    These are the paragraphs a Word document of ``markdown`` holds.
    """
    out: list[str] = []
    for tok in parse(markdown):
        if tok.type != "inline":
            continue
        parts: list[str] = []
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
            elif child.type == "image":
                parts.append("")
        text = normalise("".join(parts))
        if text:
            out.append(text)
    return out
