"""Write the draft's Markdown (markdown-it tokens) into a Word document with real styles.

Headings become Heading 1-4 (Word's navigation pane works), lists use the list styles with
numbering restarted per list, pipe tables and directive blocks become native tables whose
header row repeats on each page and whose rows never split across pages; a paragraph right
before a table (its caption) stays on the table's page. The writer writes into the body of a
document, or into a table cell of one (the answer row of the official form's boxes).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from markdown_it.token import Token

from ..docxfile import open_docx
from ..errors import InputError
from ..form.tags import is_tag_line
from .directives import gantt_spec, grouped_spec, split_directive
from .docx_parts import (
    add_field,
    add_hyperlink,
    new_list_numbering,
    new_paragraph,
    new_table,
    set_column_widths,
    set_list_numbering,
    set_paragraph_style,
    set_table_borders,
)
from .gantt import write_gantt
from .grouped_table import write_grouped_table
from .images import read_image
from .markdown_parser import parse
from .metrics import unbreakable
from .refdoc import (
    add_missing_styles,
    complete_page_setup,
    drop_template_leftovers,
    drop_unused_styles,
    style_ids,
)
from .toc import new_contents_control, rebuild_contents
from .wordxml import RowsXml, append_xml, break_run, plain_run, text_run

__all__ = ["DocxWriter", "write_docx"]

#: A paragraph of processing tags only, e.g. ``#§CON-MET-CM§# #@PRJ-MGT-PM@#``.
HEADER_FILL = "D9E2F3"
W_TC, W_P = qn("w:tc"), qn("w:p")
USABLE_WIDTH_MM = 154.0


def _usable_width_mm(section: Any) -> float:
    """The text width of a document section, in mm."""
    width = section.page_width - section.left_margin - section.right_margin
    return float(width) / 36000.0


def _clear_body(document: Document) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag.endswith("}sectPr"):
            continue
        body.remove(child)


class DocxWriter:
    """Writes Markdown into ``container``: the body of ``document``, or a cell of it."""

    def __init__(self, document: Document, base_dir: Path | None, container: Any = None,
                 width_mm: float | None = None, heading_base: int = 0,
                 styles: Mapping[str, str] | None = None) -> None:
        self.doc = document
        self.container: Any = container if container is not None else document
        self.width_mm = width_mm or _usable_width_mm(document.sections[-1])
        #: Added to Markdown heading levels: a ``#`` in a box of the form whose section
        #: heading is Heading 3 becomes Heading 4.
        self.heading_base = heading_base
        self.base_dir = base_dir
        #: Folders images may come from (default: ``base_dir``).
        self.roots: list[Path] | None = None
        self.tokens: list[Token] = []
        self.pos = 0
        self.lists: list[tuple[str, int | None]] = []  # (kind, num id) per open list
        self.quote = 0
        self.item_started = False
        #: Style name -> id; ``styles`` when given (writers of one document can share it).
        self.style_ids = styles if styles is not None else style_ids(document)

    def add_paragraph(self, style: str = "Normal", text: str = "") -> Paragraph:
        """A new paragraph in ``style`` (by id: python-docx's lookup by name is slow)."""
        if self.container is self.doc:
            paragraph = new_paragraph(self.doc)
            if text:
                paragraph.add_run(text)
        else:
            paragraph = self.container.add_paragraph(text)
        self.set_style(paragraph, style)
        return paragraph

    def add_table(self, cols: int) -> Table:
        """A new empty table of ``cols`` columns, kept after what precedes it."""
        self.keep_last_with_next()
        table = new_table(self.container, cols, self.width_mm)
        if self.container is not self.doc:
            _drop_trailing_paragraph(self.container)
        return table

    @property
    def element(self) -> Any:
        """The XML element written into: the document's body, or the cell."""
        if self.container is self.doc:
            return self.doc.element.body
        return self.container._tc

    def keep_last_with_next(self) -> None:
        """Keep the last paragraph written (a caption) on the page of what follows."""
        # From the end: a list of the body's children costs a large document dearly.
        last = next((c for c in reversed(self.element) if not c.tag.endswith("}sectPr")),
                    None)
        if last is not None and last.tag.endswith("}p"):
            Paragraph(last, self.container).paragraph_format.keep_with_next = True

    def set_style(self, paragraph: Paragraph, style: str) -> None:
        """Give ``paragraph`` (new, without properties) the style named ``style``."""
        if style != "Normal":
            set_paragraph_style(paragraph, self.style_ids[style])

    # -- walking -------------------------------------------------------------------------
    def run(self, tokens: list[Token]) -> None:
        """Write the block ``tokens`` (from :func:`parse`)."""
        self.tokens, self.pos = tokens, 0
        while self.pos < len(tokens):
            self.block(tokens[self.pos])
            self.pos += 1

    def block(self, tok: Token) -> None:
        """Write one block token and what it opens."""
        kind = tok.type
        if kind == "heading_open":
            level = min(int(tok.tag[1]) + self.heading_base, 4)
            paragraph = self.add_paragraph(f"Heading {level}")
            self.inline(paragraph, self._next_inline())
        elif kind == "paragraph_open":
            self.paragraph(self._next_inline())
        elif kind in ("bullet_list_open", "ordered_list_open"):
            self.open_list(tok)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            self.item_started = True
        elif kind == "blockquote_open":
            self.quote += 1
        elif kind == "blockquote_close":
            self.quote -= 1
        elif kind == "table_open":
            self.table()
        elif kind == "fence":
            self.fence(tok)
        elif kind == "code_block":
            self.code(tok.content)
        elif kind == "html_block" and not tok.content.lstrip().startswith("<!--"):
            self.add_paragraph(text=tok.content.strip())

    def _next_inline(self) -> Token:
        self.pos += 1
        return self.tokens[self.pos]

    # -- paragraphs and inline text ------------------------------------------------------
    def paragraph(self, inline: Token) -> None:
        """Write a paragraph from its inline token."""
        text = inline.content.strip()
        if is_tag_line(text) and not self.lists:
            self.add_paragraph("PK Tag", text)
            return
        style, num_id, level = "Normal", None, 0
        if self.lists:
            kind, num_id = self.lists[-1]
            level = len(self.lists) - 1
            suffix = "" if level == 0 else " 2"
            if self.item_started:
                style = ("List Number" if kind == "ordered" else "List Bullet") + suffix
            else:
                style, num_id = "List Continue" + suffix, None
            self.item_started = False
        elif self.quote:
            style = "Quote"
        paragraph = self.add_paragraph(style)
        if num_id is not None:
            set_list_numbering(paragraph, num_id, 0)
        self.inline(paragraph, inline)

    def inline(self, paragraph: Paragraph, inline: Token, bold: bool = False) -> None:
        """Append the inline token's runs (text, emphasis, links, refs) to ``paragraph``."""
        self.write_segments(paragraph, _segments(inline, bold))

    def write_segments(self, paragraph: Paragraph, segments: list[Segment]) -> None:
        """Append ``segments`` (see :func:`_segments`) to ``paragraph``.

        Runs are parsed from their XML text in one go; links and images go through the
        document's package (relationships).
        """
        pending: list[str] = []
        for segment in segments:
            if isinstance(segment, str):
                pending.append(segment)
                continue
            append_xml(paragraph._p, "".join(pending))
            pending = []
            if isinstance(segment, Token):
                self.image(paragraph, segment)
            else:
                add_hyperlink(paragraph, *segment)
        append_xml(paragraph._p, "".join(pending))

    def image(self, paragraph: Paragraph, tok: Token) -> None:
        """Insert the image of ``tok``, sized to the text width at most."""
        src = str(tok.attrs.get("src", ""))
        base = self.base_dir or Path.cwd()
        data = read_image(base, src, self.roots or [base])
        try:
            paragraph.add_run().add_picture(io.BytesIO(data), width=Mm(min(self.width_mm, 160)))
        except Exception as exc:  # python-docx's image readers raise many kinds on a bad file
            raise InputError(f"image {src} cannot be read ({type(exc).__name__}); it may be "
                             "damaged", hint="save it again as PNG or JPEG") from None

    def code(self, content: str) -> None:
        """Write a code block, one paragraph per line."""
        for line in content.rstrip("\n").split("\n"):
            run = self.add_paragraph("PK Table Text").add_run(line)
            run.font.name = "Courier New"

    # -- lists -----------------------------------------------------------------------------
    def open_list(self, tok: Token) -> None:
        """Write the list that ``tok`` opens, item by item."""
        if tok.type == "ordered_list_open":
            style = "List Number" if not self.lists else "List Number 2"
            start = int(tok.attrs.get("start", 1) or 1)
            try:
                num_id: int | None = new_list_numbering(self.doc, style, start)
            except KeyError:  # a reference document whose list style has no numbering
                num_id = None
            self.lists.append(("ordered", num_id))
        else:
            self.lists.append(("bullet", None))

    # -- tables ------------------------------------------------------------------------------
    def table(self) -> None:
        """Write the Markdown table that starts at the current token."""
        rows: list[list[tuple[Token, str]]] = []
        while True:
            self.pos += 1
            tok = self.tokens[self.pos]
            if tok.type == "table_close":
                break
            if tok.type == "tr_open":
                rows.append([])
            elif tok.type in ("th_open", "td_open"):
                align = str(tok.attrs.get("style", ""))
                rows[-1].append((self._next_inline(), align))
        self.native_table(rows)

    def native_table(self, rows: list[list[tuple[Token, str]]]) -> None:
        """Write ``rows`` of (inline token, alignment) as a Word table with a header row.

        The first row repeats on each page; no row splits across pages. Rows and cells are
        written in their final form (widths, shading, header marks) as XML text, parsed
        in one go (:mod:`.wordxml`); cells holding links or images are filled afterwards.
        """
        ncols = max(len(r) for r in rows)
        texts = [[cell.content for cell, _ in row] for row in rows]
        rotated = _rotated_headers(texts, ncols, self.width_mm)
        height = None
        if rotated:  # too many columns for their headings: turn those headings upright
            longest = max(len(texts[0][c]) for c in rotated if c < len(texts[0]))
            # LibreOffice does not grow a row for upright text.
            height = str(Mm(min(max(longest * 2.1 + 4, 15), 55)).twips)
            texts = [[("" if r == 0 and c in rotated else t) for c, t in enumerate(row)]
                     for r, row in enumerate(texts)]
        widths_mm = _column_widths(texts, ncols, self.width_mm)
        widths = [str(round(w * 56.6929)) for w in widths_mm]  # as set_column_widths
        table = self.add_table(ncols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        set_table_borders(table)
        set_column_widths(table, widths_mm)  # the grid; the cells get theirs below
        styles = (self.style_ids["PK Table Heading"], self.style_ids["PK Table Text"])
        xml = RowsXml()
        later: list[tuple[int, int, list[Segment]]] = []  # cells with links or images
        for r, cells in enumerate(rows):
            xml.row(header=r == 0, height=height if r == 0 else None)
            for c in range(ncols):
                xml.cell(widths[c], fill=HEADER_FILL if r == 0 else None,
                         direction="btLr" if r == 0 and c in rotated else None)
                runs, align = "", None
                if c < len(cells):
                    inline, style = cells[c]
                    align = "right" if "right" in style else None
                    segments = _segments(inline, bold=r == 0)
                    if all(isinstance(s, str) for s in segments):
                        runs = "".join(cast("list[str]", segments))
                    else:
                        later.append((r, c, segments))
                xml.paragraph(styles[0] if r == 0 else styles[1], runs, align)
        trs = xml.append_to(table._tbl)
        for r, c, segments in later:
            p = trs[r].findall(W_TC)[c].find(W_P)
            self.write_segments(Paragraph(p, table), segments)
        self.after_table()

    def after_table(self) -> None:
        """A small gap after a table (in a cell, the paragraph Word needs there)."""
        spacer = self.add_paragraph("PK Table Text")
        spacer.paragraph_format.space_after = Pt(6)

    def section(self, orientation: str) -> None:
        """Start a new page in ``orientation`` (portrait or landscape)."""
        if self.container is not self.doc:
            return  # a cell cannot start a section; the form has its own
        if orientation not in ("portrait", "landscape"):
            raise InputError(f"unknown page orientation '{orientation}' in a {{section}} "
                             "block (portrait or landscape)")
        previous = self.doc.sections[-1]
        landscape = orientation == "landscape"
        if (previous.orientation == WD_ORIENT.LANDSCAPE) == landscape:
            return
        new = self.doc.add_section(WD_SECTION.NEW_PAGE)
        new.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        new.page_width, new.page_height = previous.page_height, previous.page_width
        # Turned by a quarter: the margins go round with the page.
        new.left_margin, new.right_margin, new.top_margin, new.bottom_margin = (
            previous.top_margin, previous.bottom_margin, previous.left_margin,
            previous.right_margin)
        self.width_mm = _usable_width_mm(new)

    # -- directives (fenced blocks with an info string like {gantt}) ----------------------
    def fence(self, tok: Token) -> None:
        """Write a fenced block: a directive (``{gantt}``, ``{toc}``...) or code."""
        directive = split_directive(tok.info)
        if directive is None:
            self.code(tok.content)
            return
        name, argument = directive
        if name == "prompt":
            for part in tok.content.strip().split("\n\n"):
                self.add_paragraph("PK Prompt", part.replace("\n", " "))
        elif name == "style":
            style = argument.strip()
            if style not in self.style_names():
                raise InputError(f"{{style}} block: the reference document has no paragraph "
                                 f"style '{style[:60]}'",
                                 hint="name a paragraph style of the reference document")
            for inline in _inlines(tok.content):
                self.inline(self.add_paragraph(style), inline)
        elif name == "toc":
            self.table_of_contents(argument or "Contents")
        elif name == "pagebreak":
            self.container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif name == "section":
            self.section(argument.strip())
        elif name == "gantt":
            spec = gantt_spec(tok.content)
            self.keep_last_with_next()
            write_gantt(self.container, spec, self.style_ids, self.width_mm)
            if self.container is not self.doc:
                _drop_trailing_paragraph(self.container)
            self.after_table()
        elif name == "grouped-table":
            grouped = grouped_spec(tok.content)
            self.keep_last_with_next()
            write_grouped_table(self.container, grouped, self.style_ids, self.width_mm)
            if self.container is not self.doc:
                _drop_trailing_paragraph(self.container)
            self.after_table()

    def style_names(self) -> set[str]:
        """Names of the paragraph styles of the document."""
        from docx.enum.style import WD_STYLE_TYPE

        return {s.name for s in self.doc.styles
                if s.type == WD_STYLE_TYPE.PARAGRAPH and s.name}


    def table_of_contents(self, title: str) -> None:
        """The title, then an empty table of contents.

        :func:`rebuild_contents` fills it from the document's headings once the whole
        document is written.
        """
        self.add_paragraph("TOC Heading").add_run(title)
        self.keep_last_with_next()
        body = self.element
        control = new_contents_control()
        section = body.find(qn("w:sectPr"))
        if section is not None:
            section.addprevious(control)
        else:
            body.append(control)


#: What an inline token writes: run XML text, a link ``(url, text)`` or an image token.
Segment = str | tuple[str, str] | Token


def _segments(inline: Token, bold: bool = False) -> list[Segment]:
    """The runs, links and images of ``inline``, in order (``bold``: all text bold)."""
    state = {"strong": bold, "em": False, "s": False}
    href: str | None = None
    link_text: list[str] = []
    out: list[Segment] = []
    for child in inline.children or []:
        kind = child.type
        if kind in ("strong_open", "em_open", "s_open"):
            state[kind[:-5]] = True
        elif kind in ("strong_close", "em_close", "s_close"):
            state[kind[:-6]] = bold if kind == "strong_close" else False
        elif kind == "link_open":
            href, link_text = str(child.attrs.get("href", "")), []
        elif kind == "link_close":
            out.append((href or "", "".join(link_text) or (href or "")))
            href = None
        elif kind in ("text", "code_inline", "html_inline"):
            if href is not None:
                link_text.append(child.content)
            elif kind != "html_inline" or not child.content.startswith("<!--"):
                out.append(text_run(child.content, state["strong"], state["em"], state["s"],
                                    kind == "code_inline"))
        elif kind == "softbreak":
            out.append(plain_run(" "))
        elif kind == "hardbreak":
            out.append(break_run())
        elif kind == "image":
            out.append(child)
    return out


def _inlines(markdown: str) -> list[Token]:
    tokens = parse(markdown)
    return [t for t in tokens if t.type == "inline"]


def _drop_trailing_paragraph(cell: Any) -> None:
    """Remove the empty paragraph python-docx puts after a table it adds to a cell."""
    last = cell._element[-1]
    if last.tag.endswith("}p") and not "".join(last.itertext()).strip() and \
            last.getprevious() is not None:
        cell._element.remove(last)


def _rotated_headers(texts: Sequence[Sequence[str]], ncols: int, room: float) -> set[int]:
    """The columns whose heading must run upright so that no heading word breaks.

    None while every column fits its longest word; else the columns whose heading holds a
    longer word than any of their cells (amounts, months, person-months), widest first,
    until the rest fits.
    """
    char_mm, pad_mm = _CHAR_MM, _PAD_MM

    def longest(column: Sequence[str]) -> int:
        return max((len(w) for t in column for w in unbreakable(t)), default=1)

    header = [longest([texts[0][c]]) if c < len(texts[0]) else 1 for c in range(ncols)]
    body = [longest([row[c] for row in texts[1:] if c < len(row)]) for c in range(ncols)]
    need = [max(h, b) * char_mm + pad_mm for h, b in zip(header, body, strict=True)]
    rotated: set[int] = set()
    for c in sorted(range(ncols), key=lambda c: body[c] - header[c]):
        if sum(need) <= room or header[c] <= body[c]:
            break
        rotated.add(c)
        need[c] = max(body[c] * char_mm, 4.0) + pad_mm
    return rotated if sum(need) <= room or rotated else set()


_CHAR_MM, _PAD_MM = 2.1, 5.5


def _column_widths(texts: Sequence[Sequence[str]], ncols: int,
                   room: float = USABLE_WIDTH_MM) -> list[float]:
    """Column widths in mm: every column fits its longest word; text-heavy ones get the rest."""
    char_mm, pad_mm = _CHAR_MM, _PAD_MM
    minimum, desired = [], []
    for c in range(ncols):
        column = [row[c] for row in texts if c < len(row)]
        longest_word = max((len(w) for t in column for w in unbreakable(t)), default=1)
        typical = sorted(len(t) for t in column)[len(column) // 2] if column else 1
        low = min(longest_word * char_mm + pad_mm, 60.0)
        minimum.append(low)
        desired.append(max(low, min(typical * char_mm + pad_mm, 120.0)))
    if sum(minimum) >= room:
        return [room * m / sum(minimum) for m in minimum]
    if sum(desired) <= room:
        return [room * d / sum(desired) for d in desired]
    stretch = [d - m for d, m in zip(desired, minimum, strict=True)]
    spare = room - sum(minimum)
    return [m + spare * s / sum(stretch) for m, s in zip(minimum, stretch, strict=True)]


def write_docx(markdown: str, reference_doc: Path, header: str,
               base_dir: Path | None = None, properties: dict[str, Any] | None = None,
               toc_pages: Mapping[str, int] | None = None) -> Document:
    """Build the document from ``markdown`` on the styles and page set-up of ``reference_doc``.

    ``toc_pages`` gives the table of contents its page numbers, by heading text.
    """
    document = open_docx(reference_doc, "the reference document")
    _clear_body(document)
    document.element.body.get_or_add_sectPr()  # a reference document may have no section
    complete_page_setup(document.sections[0])
    add_missing_styles(document)
    section = document.sections[0]
    head = section.header.paragraphs[0]
    head.text = header
    # By the name the style shows, whatever its case in the XML: a reference document may
    # name it "Header" where Word's own is "header" (python-docx then warns and looks by id).
    header_style = style_ids(document).get("Header")
    if header_style:
        set_paragraph_style(head, header_style)
    foot = section.footer.paragraphs[0]
    foot.text = ""
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("Page ")
    add_field(foot, "PAGE", "1")
    foot.add_run(" of ")
    add_field(foot, "NUMPAGES", "1")
    DocxWriter(document, base_dir).run(parse(markdown))
    rebuild_contents(document, pages=toc_pages)
    drop_unused_styles(document)
    drop_template_leftovers(document)
    core = document.core_properties
    for key, value in (properties or {}).items():
        setattr(core, key, value)
    return document

