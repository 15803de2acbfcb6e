"""Generic texts: a layered library of institutional texts a draft includes by key.

The draft renderer puts ``make_text_function(library, context, place)`` into its Jinja
globals as ``text``; a section then writes ``{{ text("quality/eqavet-esg", quality_lead="P3") }}``.

Example:
    >>> library = TextLibrary.for_project(project)            # doctest: +SKIP
    >>> context = project_context(project.proposal)           # doctest: +SKIP
    >>> text = make_text_function(library, context, "section 'management' of project.yaml")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from .context import (
    PARTNER_FIELDS,
    PROJECT_FIELDS,
    PartnerView,
    Placeholder,
    partner_view,
    preview_context,
    project_context,
)
from .frontmatter import FrontMatter, GenericText, Variable
from .library import ENV_VAR, KEY_PATTERN, Layer, TextLibrary, UnknownTextError, check_key
from .render import make_text_function, render_text

if TYPE_CHECKING:
    from .lint import TextFinding, lint_library
    from .search import SearchHit, search
    from .skeleton import new_text, skeleton

#: The `texts` command's tools, imported when first used (a render needs none of them).
__getattr__ = lazy_exports(__name__, {
    "TextFinding": ".lint", "lint_library": ".lint", "SearchHit": ".search",
    "search": ".search", "new_text": ".skeleton", "skeleton": ".skeleton"})

__all__ = [
    "ENV_VAR",
    "KEY_PATTERN",
    "PARTNER_FIELDS",
    "PROJECT_FIELDS",
    "FrontMatter",
    "GenericText",
    "Layer",
    "PartnerView",
    "Placeholder",
    "SearchHit",
    "TextFinding",
    "TextLibrary",
    "UnknownTextError",
    "Variable",
    "check_key",
    "lint_library",
    "make_text_function",
    "new_text",
    "partner_view",
    "preview_context",
    "project_context",
    "render_text",
    "search",
    "skeleton",
]
