"""Sphinx configuration of the proposal-kit guidance site (MyST Markdown, furo theme).

The build needs no network: no intersphinx, no remote images or fonts. The reference pages
under ``reference/generated/`` and the rendered Lot 2 example are written at build time by
``_ext/pk_reference.py`` from the package's own data.
"""

from __future__ import annotations

import sys
from importlib.metadata import version as _version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent / "toolkit"))

project = "proposal-kit"
author = "proposal-kit developers"
copyright = "2026, proposal-kit developers"
release = _version("proposal-kit")
version = release

extensions = [
    "myst_parser",
    "sphinx_click",
    "pk_reference",
]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

source_suffix = {".md": "markdown"}
root_doc = "index"
# The generated example-*.md files are parts of examples.md (included), not pages of their own.
exclude_patterns = ["_build", "_generated_example", "reference/generated/example-form.md",
                    "reference/generated/example-facts.md",
                    "Thumbs.db", ".DS_Store"]
language = "en"
# Keep "--strict" as typed: smart quotes would print the CLI's help texts with an en dash.
smartquotes = False

html_theme = "furo"
html_title = "proposal-kit guide"
html_static_path = ["_static"]
# Every page loads it after Sphinx's scripts; it acts on the search page only.
html_js_files = [("search-dedupe.js", {"defer": "defer"})]
html_css_files = ["pk.css"]
# The rendered Lot 2 example (HTML and DOCX) is copied as is to the site's root folder
# example/, written at build time by pk_reference.
html_extra_path = ["_generated_example"]
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": True,
}
