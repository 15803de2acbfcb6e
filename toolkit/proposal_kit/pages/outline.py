"""Mark work-package titles as outline entries in LibreOffice's private copy of the DOCX.

LibreOffice writes a PDF bookmark for every paragraph with an outline level, with its page;
reading bookmarks is instant, while finding "Work package N:" in the PDF text costs some 20 ms
a page. So, in the temporary copy only, body paragraphs that start "Work package N:" and are
already outline entries (a heading, or a style with an outline level, as proposal-kit's own
"PK WP Title") get an outline level (level 4, below "4.2"). An outline level changes neither
text nor layout; the user's file is never modified, and when nothing needs marking no copy
is written at all.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from .docxinfo import Styles, W

__all__ = ["mark_work_packages"]

_PREFILTER = re.compile(rb"(?i)work\s+package")
_TITLE = re.compile(r"(?i)^\s*work package \d+\s*[:.–—-]")
#: pPr children that must follow w:outlineLvl (ECMA-376 order).
_AFTER = {f"{W}{name}" for name in ("divId", "cnfStyle", "rPr", "sectPr", "pPrChange")}


def _starts_like_title(p: Any) -> bool:
    text = ""
    for t in p.iter(f"{W}t"):
        text += t.text or ""
        if len(text) > 24:
            break
    return bool(_TITLE.match(text))


def _needs_mark(p: Any, styles: Styles | None) -> bool:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        return True
    style = ppr.find(f"{W}pStyle")
    sid = (style.get(f"{W}val") or "") if style is not None else ""
    return not (ppr.find(f"{W}outlineLvl") is not None or "heading" in sid.lower()
                or (styles is not None and styles.outline_level(sid) is not None))


def _mark(p: Any) -> None:
    from lxml import etree

    ppr = p.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        p.insert(0, ppr)
    level = etree.Element(f"{W}outlineLvl")
    level.set(f"{W}val", "3")
    following = next((i for i, child in enumerate(ppr) if child.tag in _AFTER), len(ppr))
    ppr.insert(following, level)


def mark_work_packages(source: Path, target: Path) -> bool:
    """Write to ``target`` a copy of ``source`` with work-package titles in the outline.

    Returns False, writing nothing, when there is nothing to mark or the document cannot be
    parsed (the caller then copies the file as it is; a broken document is reported by the
    DOCX checks).
    """
    from lxml import etree

    try:
        with zipfile.ZipFile(source) as archive:
            xml = archive.read("word/document.xml")
            if not _PREFILTER.search(xml):
                return False
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            root = etree.fromstring(xml, parser)
            body = root.find(f"{W}body")
            if body is None:
                return False
            styles = (Styles(etree.fromstring(archive.read("word/styles.xml"), parser))
                      if "word/styles.xml" in archive.namelist() else None)
            paragraphs = body.xpath("./w:p | .//w:sdtContent/w:p[not(ancestor::w:tbl)]",
                                    namespaces={"w": W[1:-1]})
            titles = [p for p in paragraphs
                      if _starts_like_title(p) and _needs_mark(p, styles)]
            if not titles:
                return False
            for p in titles:
                _mark(p)
            document = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            with zipfile.ZipFile(target, "w") as copy:
                for info in archive.infolist():
                    data = document if info.filename == "word/document.xml" \
                        else archive.read(info)
                    copy.writestr(info, data)
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError):
        target.unlink(missing_ok=True)
        return False
    return True
