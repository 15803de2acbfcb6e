"""`proposal-kit proof`: the proofreading pass where the prose must agree with the data.

The rules read the section texts (``sections/*.md`` or inline text in project.yaml) as
sentences placed at ``file:line:column``: facts against the data (:mod:`.facts`), names
(:mod:`.names`), acronyms (:mod:`.acronyms`), EU English (:mod:`.english`) and style hints
(:mod:`.style`). :func:`add_comments` writes the findings into a DOCX as Word comments.
"""

from __future__ import annotations

from typing import Any

from ..lazy import lazy_exports

__all__ = ["CODES", "ProofFinding", "ProofReport", "add_comments", "proof_file",
           "proof_project"]

_lazy = lazy_exports(__name__, {
    "CODES": ".codes",
    "ProofFinding": ".report",
    "ProofReport": ".report",
    "proof_file": ".report",
    "proof_project": ".report",
    "add_comments": ".comments",
})


def __getattr__(name: str) -> Any:
    return _lazy(name)
