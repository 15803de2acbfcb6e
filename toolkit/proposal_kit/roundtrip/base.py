"""The base of the three-way merge: what proposal-kit rendered, kept inside the DOCX.

At render time the document gets a custom XML part (``customXml/itemN.xml``, compressed
JSON) holding its body as rendered (with the style names and links it uses) and each
section's source as it was, cut into units, with what each unit renders to.
When `absorb` reads the base, the body is read as the edited document is, and each unit is
placed on the paragraphs it wrote. Word and LibreOffice keep custom XML parts when they
save, so the base travels with the file the partners edit: no file beside the project to
lose, and one document is enough to tell its base from its edits. The custom property
``proposal-kit-base`` names the part.
"""

from __future__ import annotations

import base64
import json
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from ..errors import InputError, TemplateError
from ..project import Project
from .basepart import BASE_PROPERTY, ITEM, NAMESPACE
from .docxread import document_links, document_styles, read_body
from .units import Unit, plain_paragraphs, split_units

if TYPE_CHECKING:
    from ..render.narrative import NarrativeRenderer

__all__ = ["BASE_PROPERTY", "Base", "SectionBase", "attach_base", "capture_base",
           "read_base", "resolve_base"]

_NS = NAMESPACE
_ITEM_CT = "application/xml"
_PROPS_CT = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_ITEM = ITEM
_W_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"


@dataclass
class SectionBase:
    """One section as it was rendered."""

    id: str
    file: str | None
    level: int
    units: list[Unit]
    found: bool


@dataclass
class Base:
    """The whole base of a rendered document."""

    acronym: str
    call: str
    form: str
    layout: str
    #: (Markdown, table cell or None, section id or None, unit index or None) per paragraph.
    blocks: list[tuple[str, tuple[int, int, int] | None, str | None, int | None]]
    tables: list[list[list[str]]]
    sections: dict[str, SectionBase]

    def to_json(self) -> dict[str, Any]:
        """The JSON form stored in the document."""
        return {"v": 1, "acronym": self.acronym, "call": self.call, "form": self.form,
                "layout": self.layout, "blocks": [list(b) for b in self.blocks],
                "tables": self.tables,
                "sections": {k: {"file": s.file, "level": s.level, "found": s.found,
                                 "units": [[u.text, u.sep] for u in s.units]}
                             for k, s in self.sections.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Base:
        """Read the stored JSON form."""
        return cls(data["acronym"], data["call"], data["form"], data["layout"],
                   [(b[0], tuple(b[1]) if b[1] else None, b[2], b[3])
                    for b in data["blocks"]],
                   data["tables"],
                   {k: SectionBase(k, s["file"], s["level"], [Unit(t, sep) for t, sep in
                                                               s["units"]], s["found"])
                    for k, s in data["sections"].items()})


def _unit_texts(narrative: NarrativeRenderer, sid: str, units: list[Unit]) -> list[str] | None:
    """Each unit's rendered Markdown (None: a unit does not render on its own)."""
    out = []
    for k, unit in enumerate(units):
        try:
            # A unit of its own in the compiled-template cache, even a section's only one:
            # under the section's key, its text (without the final newline) and the whole
            # section's would replace each other there on every render.
            out.append(narrative.render(sid, unit.text, unit=k))
        except TemplateError:  # a {% if %} across blank lines: the section is one unit
            return None
    return out


def _unit_paragraphs(rendered: list[str], level: int) -> list[list[str]]:
    """The plain paragraphs each unit's rendered Markdown makes, under a heading of ``level``."""
    from ..render.markdown_parser import shift_headings

    return [plain_paragraphs(shift_headings(text, level)) for text in rendered]


def _find(flat: list[str], taken: list[bool], wanted: list[str]) -> int | None:
    """Where ``wanted`` stands as consecutive, unclaimed paragraphs of ``flat``."""
    if not wanted:
        return None
    for start in range(len(flat) - len(wanted) + 1):
        if flat[start] == wanted[0] and flat[start:start + len(wanted)] == wanted and \
                not any(taken[start:start + len(wanted)]):
            return start
    return None


def capture_base(document: Document, project: Project, form_id: str, layout: str,
                 renderer: NarrativeRenderer | None = None,
                 document_xml: bytes | None = None) -> dict[str, Any]:
    """What the base of ``document``, as just rendered from ``project``, is made from.

    That is the document's body as rendered (with its style names and links) and each
    section's source units with what each unit renders to. Which paragraph of the
    body each unit wrote is worked out when the base is read (:func:`resolve_base`): a
    render does not pay for reading its own document back. ``renderer``: the one that
    rendered the project's section texts, if the caller has it; ``document_xml``: the
    main part's XML, if the caller has serialised it already.
    """
    from ..calls import load_call
    from ..form import form_for_call
    from ..render.narrative import NarrativeRenderer

    renderer = renderer or NarrativeRenderer(project)
    form = form_for_call(load_call(project.proposal.call))
    order = [s for s in form.narrative_ids() if s in project.texts] + \
        [s for s in project.texts if s not in form.narrative_ids()]
    sections: dict[str, Any] = {}
    for sid in order:
        heading = form.section_of(sid)
        level = heading.level if heading and layout == "own" else 0
        units = split_units(project.texts[sid])
        rendered = _unit_texts(renderer, sid, units)
        if rendered is None:
            units = [Unit(project.texts[sid])]
            rendered = _unit_texts(renderer, sid, units) or [""]
        narrative = project.proposal.sections.get(sid)
        sections[sid] = {"file": narrative.file if narrative else None, "level": level,
                         "units": [[u.text, u.sep] for u in units], "rendered": rendered}
    xml = document_xml if document_xml is not None else document.part.blob
    p = project.proposal
    return {"v": 2, "acronym": p.acronym, "call": p.call, "form": form_id, "layout": layout,
            "styles": document_styles(document), "links": document_links(document),
            "document": xml, "sections": sections}


def resolve_base(data: dict[str, Any]) -> Base:
    """The base from what :func:`capture_base` stored: the body read, the units placed."""
    from lxml import etree

    root = etree.fromstring(data["document"],
                            etree.XMLParser(resolve_entities=False))
    body = root.find(_W_BODY)
    reading = read_body(body if body is not None else root, data["styles"], data["links"])
    flat = [b.plain for b in reading.blocks]
    taken = [False] * len(flat)
    labels: list[tuple[str | None, int | None]] = [(None, None)] * len(flat)
    sections: dict[str, SectionBase] = {}
    for sid, stored in data["sections"].items():
        paragraphs = _unit_paragraphs(stored["rendered"], stored["level"])
        start = _find(flat, taken, [p for unit in paragraphs for p in unit])
        sections[sid] = SectionBase(sid, stored["file"], stored["level"],
                                    [Unit(t, sep) for t, sep in stored["units"]],
                                    start is not None)
        if start is None:
            continue
        position = start
        for u, unit_paragraphs in enumerate(paragraphs):
            for _ in unit_paragraphs:
                taken[position] = True
                labels[position] = (sid, u)
                position += 1
    blocks = [(b.md, b.cell, sid, u) for b, (sid, u) in zip(reading.blocks, labels, strict=True)]
    return Base(data["acronym"], data["call"], data["form"], data["layout"], blocks,
                [t.rows for t in reading.tables], sections)


def _pack(raw: bytes) -> str:
    return base64.b64encode(zlib.compress(raw, 1)).decode("ascii")


def _encode(data: dict[str, Any]) -> bytes:
    """The part's XML: the JSON of ``data`` as its text, the body (version 2) in a child.

    The body's XML is compressed as it is, not escaped into the JSON: a large draft's is a
    few MB, full of quotes.
    """
    fields = {k: v for k, v in data.items() if k != "document"}
    raw = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    body = f'<document>{_pack(data["document"])}</document>' if "document" in data else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<base xmlns="{_NS}" encoding="zlib+base64">{_pack(raw)}{body}</base>').encode()


#: The most a stored base may inflate to (a rendered Part B's is a few MB).
MAX_BASE_BYTES = 64 * 1024 * 1024


def _inflate(payload: bytes) -> bytes:
    """``payload`` decompressed, refused past :data:`MAX_BASE_BYTES` (a crafted document)."""
    inflater = zlib.decompressobj()
    raw = inflater.decompress(payload, MAX_BASE_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("the stored base is larger than any rendered document's")
    return raw


def _decode(xml: bytes) -> Base | None:
    from lxml import etree

    try:
        root = etree.fromstring(xml)
        if root.tag != f"{{{_NS}}}base":
            return None
        data = json.loads(_inflate(base64.b64decode(root.text or "")))
        # Version 1 (proposal-kit before 2026-12-04) stored the base as read; 2, what it
        # is read from.
        if data.get("v") != 2:
            return Base.from_json(data)
        body = root.find(f"{{{_NS}}}document")
        data["document"] = _inflate(base64.b64decode(body.text or "")) if body is not None \
            else b""
        return resolve_base(data)
    except (etree.XMLSyntaxError, ValueError, KeyError, TypeError, AttributeError,
            zlib.error):
        return None


def attach_base(document: Document, project: Project, form_id: str, layout: str,
                renderer: NarrativeRenderer | None = None,
                document_xml: bytes | None = None) -> str:
    """Store the base of ``document`` in it; the name of the part (for the custom property).

    ``renderer`` and ``document_xml``: as for :func:`capture_base`.
    """
    data = capture_base(document, project, form_id, layout, renderer, document_xml)
    package = document.part.package
    used = {int(m.group(1)) for part in package.iter_parts()
            if (m := _ITEM.match(str(part.partname)))}
    n = max(used, default=0) + 1
    item = Part(PackURI(f"/customXml/item{n}.xml"), _ITEM_CT, _encode(data), package)
    guid = uuid.uuid5(uuid.NAMESPACE_URL, f"proposal-kit:{data['acronym']}:{data['call']}")
    props = Part(PackURI(f"/customXml/itemProps{n}.xml"), _PROPS_CT, (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<ds:datastoreItem ds:itemID="{{{str(guid).upper()}}}" xmlns:ds="http://schemas.'
        'openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs>'
        f'<ds:schemaRef ds:uri="{_NS}"/></ds:schemaRefs></ds:datastoreItem>').encode(),
        package)
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)
    return f"customXml/item{n}.xml"


def read_base(path: Path) -> tuple[Base | None, dict[str, str]]:
    """The base stored in the DOCX at ``path`` (None: none) and its custom properties."""
    from ..render.docx_parts import read_custom_properties

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            props = read_custom_properties(archive.read("docProps/custom.xml")) \
                if "docProps/custom.xml" in names else {}
            candidates = [props.get(BASE_PROPERTY, "")] + \
                [n for n in names if _ITEM.match(n)]
            for name in candidates:
                if name and name in names:
                    base = _decode(archive.read(name))
                    if base is not None:
                        return base, props
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{path}: cannot read this Word document ({exc})") from None
    return None, props
