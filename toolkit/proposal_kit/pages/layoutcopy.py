"""The copy of a document that LibreOffice lays out: the document without the base of `absorb`.

A rendered draft carries the base in a custom XML part (a compressed copy of its body, some
tens of KB of base64 text). It has no effect on the layout, and LibreOffice reads it with
everything else: the copy it opens has that part emptied. Every other part is kept as it is,
stored rather than compressed again (LibreOffice reads a stored part faster, too).
"""

from __future__ import annotations

import contextlib
import zipfile
import zlib
from pathlib import Path

from ..roundtrip.basepart import EMPTY_BASE, ITEM, holds_base

__all__ = ["layout_copy"]

#: The first bytes of a custom XML part that tell whether it is a base.
_HEAD = 512


def layout_copy(source: Path, copy: Path) -> bool:
    """Write ``copy``: the DOCX ``source`` with its base emptied; False if it holds none.

    On False nothing is left at ``copy`` and the caller copies the file as it is: a document
    that is not a draft of proposal-kit's, or one this cannot read (its checks then report it).
    """
    try:
        with zipfile.ZipFile(source) as archive:
            bases = set()
            for name in archive.namelist():
                if ITEM.match(name):
                    with archive.open(name) as part:
                        if holds_base(part.read(_HEAD)):
                            bases.add(name)
            if not bases:
                return False
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
                for info in archive.infolist():
                    data = EMPTY_BASE if info.filename in bases else archive.read(info)
                    out.writestr(zipfile.ZipInfo(info.filename, info.date_time), data)
        return True
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError,
            EOFError, zlib.error, NotImplementedError):
        with contextlib.suppress(OSError):
            copy.unlink()
        return False
