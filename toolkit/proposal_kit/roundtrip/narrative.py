"""Each section's text read from a Part B document, in one of three ways.

1. A document proposal-kit rendered carries its base: each paragraph is traced to its
   section exactly (partners' edits included).
2. The official form, filled by hand or by proposal-kit: a box is found by its tags and
   title (:func:`~proposal_kit.form.locate.locate`); its answer is the answer row of the box,
   or what follows the box up to the next heading.
3. Any other document (last year's proposal in another layout): the text between one
   heading of the form and the next.
"""

from __future__ import annotations

from docx.document import Document

from ..form.description import FormDescription, Heading, HeadingItem
from ..form.locate import W_TBL, W_TR, locate, normalise, tags_in
from .base import Base
from .docxread import Block, Reading
from .merge import join_paragraphs
from .units import join_units

__all__ = ["sections_from_base", "sections_from_form", "sections_from_headings",
           "sections_under_headings"]

#: Paragraphs that are proposal-kit's or the form's, never an applicant's text.
_SKIP_PREFIXES = ("to be written", "insert text")


def _text(blocks: list[Block], level: int) -> str:
    out = []
    for b in blocks:
        md = b.md
        if b.heading and level and md.startswith("#" * (level + 1)):
            md = md[level:]
        out.append((md, b.list_item))
    return join_paragraphs(out).strip() + "\n"


def _keep(block: Block, titles: set[str]) -> bool:
    plain = block.plain
    return bool(plain) and not tags_in(block.md) and plain not in titles and \
        not plain.startswith(_SKIP_PREFIXES)


def sections_from_base(base: Base, reading: Reading) -> dict[str, str]:
    """Section sources of a document proposal-kit rendered (its base; Word's edits in)."""
    from .absorb import _Trace
    from .units import Unit

    trace = _Trace(base, reading.blocks)
    out = {}
    for sid, section in base.sections.items():
        word = trace.word_units(sid)
        units = []
        for k, unit in enumerate(section.units):
            if k in word:
                if word[k] is not None:
                    units.append(Unit(word[k] or "", unit.sep or "\n\n"))
            else:
                units.append(unit)
        text = join_units(units).strip()
        if text:
            out[sid] = text + "\n"
    return out


def _titles(form: FormDescription) -> set[str]:
    titles = {normalise(t.title.format(n="")) for t in form.tables.values()}
    titles |= {normalise(b.title) for b in form.boxes()}
    titles |= {"objectives", normalise(form.contents), normalise(form.placeholder)}
    return titles


def sections_from_form(document: Document, form: FormDescription,
                       reading: Reading) -> tuple[dict[str, str], list[str]]:
    """Answers of the official form: what each box holds (by tag and title)."""
    found = locate(document, form)
    index = {id(b.element): i for i, b in enumerate(reading.blocks)}
    heading_elements = {id(e) for e in found.headings.values()}
    titles = _titles(form)
    out: dict[str, str] = {}
    warnings = [f"not found in the form: {m}" for m in found.missing]
    for box in form.boxes():
        tbl = found.boxes.get(box.id)
        if tbl is None or box.answer == "fixed" or box.in_table or \
                (box.table and box.answer == "row"):
            continue
        blocks: list[Block] = []
        if box.answer == "row":
            rows = list(tbl.iterchildren(W_TR))
            for tr in rows[1:]:
                for p in tr.iter():
                    if id(p) in index:
                        blocks.append(reading.blocks[index[id(p)]])
        else:
            sibling = tbl.getnext()
            while sibling is not None:
                if id(sibling) in heading_elements or sibling.tag == W_TBL:
                    break
                if id(sibling) in index:
                    block = reading.blocks[index[id(sibling)]]
                    if tags_in(block.md) or block.heading:
                        break
                    blocks.append(block)
                sibling = sibling.getnext()
        placeholder = normalise(box.placeholder or form.placeholder)
        blocks = [b for b in blocks if _keep(b, titles) and b.plain != placeholder]
        if blocks:
            out[box.id] = _text(blocks, 0)
    return out, warnings


def _spellings(h: Heading) -> set[str]:
    """How a document may write the form's heading ``h``: with or without its number."""
    want = {normalise(h.title)}
    if h.number:
        plain = normalise(h.title[len(h.number):].lstrip(". "))
        want |= {f"{h.number} {plain}", f"{h.number}. {plain}", plain}
    return want


def sections_under_headings(form: FormDescription, blocks: list[Block]) -> list[str | None]:
    """The section each block stands under, by the headings of the form.

    A heading of the form with a box starts that box's section (the first box, where a
    heading has several); one without (``3. IMPACT``) ends it; any other heading (one a
    section's own text has) leaves it as it is.
    """
    box_of: dict[str, str | None] = {}
    for item in form.body:
        if isinstance(item, HeadingItem):
            for spelling in _spellings(item.heading):
                box_of.setdefault(spelling, None)
    for heading, box in form.walk_boxes():
        if heading is not None:
            for spelling in _spellings(heading):
                box_of[spelling] = box_of.get(spelling) or box.id
    current: str | None = None
    out: list[str | None] = []
    for block in blocks:
        if block.heading and block.cell is None and block.plain in box_of:
            current = box_of[block.plain]
        out.append(current)
    return out


def sections_from_headings(form: FormDescription,
                           reading: Reading) -> tuple[dict[str, str], list[str]]:
    """Text between the form's headings, for a document without tags or boxes."""
    blocks = reading.blocks
    anchors: list[tuple[int, str | None, int]] = []  # (block index, box id, heading level)
    position = 0
    boxes_of: dict[str, list[str]] = {}
    for heading, box in form.walk_boxes():
        if heading is not None:
            boxes_of.setdefault(heading.id, []).append(box.id)
    wp_pattern = form.work_package_pattern()
    for item in form.body:
        if not isinstance(item, HeadingItem):
            continue
        h = item.heading
        want = _spellings(h)
        for i in range(position, len(blocks)):
            if blocks[i].cell is None and blocks[i].plain in want:
                box_ids = boxes_of.get(h.id, [])
                anchors.append((i, box_ids[0] if box_ids else None, h.level))
                position = i + 1
                break
    warnings = []
    out: dict[str, str] = {}
    titles = _titles(form)
    for n, (start, box_id, level) in enumerate(anchors):
        end = anchors[n + 1][0] if n + 1 < len(anchors) else len(blocks)
        if box_id is None:
            continue
        mine = []
        for b in blocks[start + 1:end]:
            if b.cell is not None or not _keep(b, titles):
                continue
            if wp_pattern.match(b.plain) or (b.heading and b.heading <= level):
                break
            mine.append(b)
        if mine:
            out[box_id] = _text(mine, level)
    for heading_id, ids in boxes_of.items():
        if len(ids) > 1 and ids[0] in out:
            warnings.append(f"the text under heading '{heading_id}' went to section "
                            f"'{ids[0]}'; move what belongs to {', '.join(ids[1:])} by hand")
    return out, warnings
