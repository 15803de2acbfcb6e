"""Where a rendered document keeps the base of `absorb`: the custom XML part's name and root.

Kept apart from :mod:`.base` (which reads and writes the base, and imports the project
model) so that `pages` can leave the base out of the copy LibreOffice lays out without
loading any of that.
"""

from __future__ import annotations

import re

__all__ = ["BASE_PROPERTY", "EMPTY_BASE", "ITEM", "NAMESPACE", "holds_base"]

#: The custom document property naming the part that holds the base.
BASE_PROPERTY = "proposal-kit-base"
#: The namespace of the base part's root element, ``<base>``.
NAMESPACE = "urn:proposal-kit:base:1"
#: The names custom XML parts have in a package (``customXml/item3.xml``).
ITEM = re.compile(r"^/?customXml/item(\d+)\.xml$")
#: A base part with nothing in it: what LibreOffice is given to lay out instead.
EMPTY_BASE = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              f'<base xmlns="{NAMESPACE}"/>').encode()

_ROOT = re.compile(rb'^(?:<\?xml[^>]*\?>)?\s*<base\s+xmlns="' + re.escape(NAMESPACE.encode())
                   + rb'"')


def holds_base(head: bytes) -> bool:
    """Whether a custom XML part starting with ``head`` (its first bytes) is a base."""
    return _ROOT.match(head) is not None
