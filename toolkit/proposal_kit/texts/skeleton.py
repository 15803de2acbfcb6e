"""Write the skeleton of a new generic text: valid front matter and a body to replace."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..calls import available_calls, load_call
from ..render.output import write_guarded
from .library import check_key

__all__ = ["new_text", "skeleton"]

_TEMPLATE = """\
---
title: {title}
summary: TODO one sentence saying what the text covers and when to use it.
tags: [{tags}]
sections: []            # Part B section ids it suits, e.g. [management, methodology]
lots: [{lots}]
language: en
version: 0.1.0
reviewed: {today}
owner: {owner}
variables:
  lead:
    description: Partner id of the partner responsible for this work
    kind: partner
    required: true
  frequency:
    description: How often the work is reviewed
    default: every six months
---
**{{{{ lead.name }}}}** ({{{{ lead.country_name }}}}) is responsible for this work in \
{{{{ project.acronym }}}} and reviews it {{{{ frequency }}}}.

TODO: write 200 to 600 words of original text in British English, without headings. Name the
method, the frequency, the responsible role and the indicator. Declare every variable you use
under `variables:` and use every variable you declare; `proposal-kit texts lint` checks both.
"""


def _yaml_text(value: str) -> str:
    """Quote ``value`` for a YAML scalar when it could be misread."""
    if not value or any(c in value for c in ":#[]{},&*!|>'\"%@`") or value != value.strip():
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def skeleton(key: str, title: str | None = None,
             owner: str = "International Relations Office", today: date | None = None) -> str:
    """The text of a new generic text file for ``key``."""
    key = check_key(key)
    words = key.rsplit("/", 1)[-1].replace("-", " ")
    tags = ", ".join(dict.fromkeys(key.replace("/", "-").split("-")))
    lots = ", ".join(map(str, sorted({load_call(t).lot for t in available_calls()})))
    return _TEMPLATE.format(title=_yaml_text(title or words.capitalize()), tags=tags, lots=lots,
                            today=(today or date.today()).isoformat(),
                            owner=_yaml_text(owner))


def new_text(folder: Path, key: str, title: str | None = None,
             owner: str = "International Relations Office", force: bool = False) -> Path:
    """Create ``folder/<key>.md``; an existing file is replaced only with ``force``.

    Raises:
        UsageError: ``key`` is not a valid key.
        OutputConflictError: the file exists (without ``force``), or cannot be written.
    """
    content = skeleton(key, title, owner)
    target = Path(folder) / f"{key}.md"
    write_guarded(target, content.encode("utf-8"), force,
                  hint="edit it, choose another key, or use --force to start it again "
                  "(a backup copy is kept)")
    return target
