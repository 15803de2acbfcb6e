"""What counts as the form's own placeholder text, as opposed to someone's answer.

The blank form holds placeholders where answers go: "Insert text", bracketed hints such as
"[name]" or "[R — Document, report] ...", sample figures "X EUR", and row labels such as
"T1.1", "MS2" or "Task 1.1 - …". A box or a table row holding anything else holds someone's
text, which the filler does not overwrite without ``--force``.
"""

from __future__ import annotations

import re

from .description import Box, FormDescription, TableSpec
from .locate import normalise

__all__ = ["is_placeholder"]

_BRACKETS = re.compile(r"\[[^\]]*\]")
_SAMPLE = re.compile(r"^(x\s+[a-z][a-z ]*\]?\s*)+$")
_LABEL = re.compile(r"^((t|ms|d|s|e)\d+(\.\d+)?|\d+|wp\d*…?|task [\d.]* ?-? ?…?|mx - mx"
                    r"|\d+-short name|yes/no|total( person-? ?months)?)$")


def is_placeholder(text: str, form: FormDescription, box: Box | None = None,
                   headings: TableSpec | None = None) -> bool:
    """Whether ``text`` is empty or one of the form's placeholders (not an answer)."""
    value = normalise(text)
    if not value:
        return True
    if value == normalise(form.placeholder):
        return True
    if box is not None and value in {normalise(t) for t in (box.placeholder, box.fixed) if t}:
        return True
    stripped = _BRACKETS.sub(" ", value)
    if not re.sub(r"[\s,;:.—-]+", "", stripped):
        return True
    if _SAMPLE.match(value) or _LABEL.match(value):
        return True
    if headings is not None:
        names = {normalise(c.heading) for c in headings.columns}
        names |= {normalise(s) for c in headings.columns for s in c.sub}
        names |= {normalise(c.group) for c in headings.columns if c.group}
        if value in names:
            return True
    return False
