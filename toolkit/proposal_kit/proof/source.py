"""The prose of a project as sentences, each char placed at ``file:line:column``.

Blocks come from the project's one Markdown dialect (markdown-it-py): paragraphs, headings,
list items and table cells are read, code and directive blocks are not. Inline markup is
masked (replaced by spaces, so offsets stay those of the source); ``[[P3]]`` references
read as the id, Jinja expressions and HTML comments as nothing.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import format_path
from ..pairs import JINJA, paired_spans, replace_spans
from ..project import Project
from ..render.markdown_parser import parse

__all__ = ["IGNORE_COMMENT", "Sentence", "Source", "project_sources", "sentences"]

#: ``<!-- proof: ignore -->`` or ``<!-- proof: ignore proof.english.spelling ... -->``.
IGNORE_COMMENT = re.compile(r"<!--\s*proof:\s*ignore\b([^>]*?)-->")
#: Spans masked from an opener to its closer, across lines: HTML comments (and ignore
#: comments) and Jinja (found in one pass, see :mod:`proposal_kit.pairs`).
_PAIRS = {"<!--": "-->", **JINJA}
#: Each alternative stops at the next character that could start another attempt (a run
#: of '<', '(' or of letters without '@' is scanned once, not once per character).
_MASKS = re.compile(
    r"`[^`\n]*`"                       # code spans
    r"|\]\([^()\s]*\)"                 # link targets
    r"|https?://\S+|www\.\S+|(?<!\S)[^\s@]+@\S+\.\w+"  # addresses
    r"|<[^<>\n]+>")
_MARKUP = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)|~~|^[ \t]{0,3}#{1,6}\s|"
                     r"^[ \t]*(?:[-*+]|\d+[.)])\s|^[ \t]*>\s?|\||\[\[|\]\]|(?<!\])\[|\]|\\",
                     re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[)\"'”’]*\s+(?=[(\"'“‘]?[A-Z0-9À-Ý])|\n\s*\n|:\s*\n")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "cf.", "vs.", "No.", "approx.", "incl.", "min.",
                  "max.", "Art.", "p.", "pp.", "St.", "Dr.", "Prof.", "Mr.", "Ms.", "al.")


@dataclass
class Source:
    """One section's text and where its characters are in the user's file."""

    section: str
    file: Path
    text: str
    #: Offsets of line starts in ``text`` (for .md files) ...
    _line_starts: list[int] = field(default_factory=list)
    #: ... or, for inline YAML text, text offset -> (line, column) of words in the file.
    _anchors: list[tuple[int, int, int]] | None = None
    #: Lines (1-based, of ``text``) whose findings are ignored, with the codes (empty: all).
    ignores: dict[int, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        lines = self.text.split("\n")
        for number, line in enumerate(lines, start=1):
            match = IGNORE_COMMENT.search(line)
            if not match:
                continue
            codes = [c for c in re.split(r"[\s,]+", match.group(1).strip()) if c]
            alone = not IGNORE_COMMENT.sub("", line).strip()
            if not alone:
                self.ignores[number] = codes
                continue
            after = number + 1  # a comment alone covers the paragraph that follows
            while after <= len(lines) and not lines[after - 1].strip():
                after += 1
            while after <= len(lines) and lines[after - 1].strip():
                self.ignores[after] = codes
                after += 1

    def text_line(self, offset: int) -> int:
        """1-based line of ``offset`` in the text."""
        return bisect.bisect_right(self._line_starts, offset)

    def locate(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset`` in the user's file."""
        if self._anchors:
            keys = [a[0] for a in self._anchors]
            i = max(bisect.bisect_right(keys, offset) - 1, 0)
            start, line, column = self._anchors[i]
            return line, column + max(offset - start, 0)
        line = self.text_line(offset)
        return line, offset - self._line_starts[line - 1] + 1


@dataclass(frozen=True)
class Sentence:
    """A sentence of a source: its plain text (same length as the source slice)."""

    source: Source
    start: int
    plain: str
    paragraph: int

    @property
    def quote(self) -> str:
        """The sentence as a reader sees it: markup gone, spaces collapsed.

        A masked character (``**``, ``[[``...) is left out rather than read as a space, so
        ``([[D1.1]])`` reads "(D1.1)", not "( D1.1 )".
        """
        written = self.source.text[self.start:self.start + len(self.plain)]
        kept = "".join(char for char, was in zip(self.plain, written, strict=False)
                       if char != " " or was.isspace())
        return " ".join(kept.split())

    def locate(self, index: int = 0) -> tuple[int, int]:
        """Line and column of the char ``index`` of the sentence."""
        return self.source.locate(self.start + index)


def _anchors(text: str, raw: str, line: int) -> list[tuple[int, int, int]]:
    """Place each word of inline YAML ``text`` in the file ``raw``, from line ``line`` on."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", raw)]
    cursor = line_starts[min(max(line - 1, 0), len(line_starts) - 1)]
    anchors: list[tuple[int, int, int]] = []
    for word in re.finditer(r"\S+", text):
        found = raw.find(word.group(), cursor)
        if found < 0:
            continue
        number = bisect.bisect_right(line_starts, found)
        anchors.append((word.start(), number, found - line_starts[number - 1] + 1))
        cursor = found + len(word.group())
    return anchors or [(0, line, 1)]


def _data_texts(project: Project) -> list[tuple[str, tuple[str | int, ...], str]]:
    """Prose kept in the data (profiles, descriptions): label, path, text."""
    p = project.proposal
    out: list[tuple[str, tuple[str | int, ...], str]] = []

    def add(path: tuple[str | int, ...], text: str | None) -> None:
        if text and text.strip():
            out.append((format_path(path), path, text))

    for i, partner in enumerate(p.partners):
        add(("partners", i, "profile"), partner.profile)
    for i, member in enumerate(p.staff):
        add(("staff", i, "profile"), member.profile)
    for w, wp in enumerate(p.work_packages):
        add(("work_packages", w, "description"), wp.description)
        for t, task in enumerate(wp.tasks):
            add(("work_packages", w, "tasks", t, "description"), task.description)
        for d, item in enumerate(wp.deliverables):
            add(("work_packages", w, "deliverables", d, "description"), item.description)
    for i, risk in enumerate(p.risks):
        add(("risks", i, "description"), risk.description)
        add(("risks", i, "mitigation"), risk.mitigation)
    return out


def project_sources(project: Project, order: list[str]) -> list[Source]:
    """The section texts of ``project`` in the order of the form (``order``), then its prose.

    The prose kept in the data (partners' profiles, work package, task and deliverable
    descriptions, risks) is placed in project.yaml.
    """
    keys = [k for k in order if k in project.texts]
    keys += [k for k in project.texts if k not in keys]
    raw: str | None = None
    out: list[Source] = []
    for key in keys:
        narrative = project.proposal.sections[key]
        text = project.texts[key]
        if narrative.file:
            out.append(Source(key, project.base_dir / narrative.file, text))
            continue
        if raw is None:
            raw = project.file.read_text(encoding="utf-8-sig")
        line, _ = project.document.locate(("sections", key, "text"))
        source = Source(key, project.file, text)
        source._anchors = _anchors(text, raw, line or 1)
        out.append(source)
    for label, path, text in _data_texts(project):
        if raw is None:
            raw = project.file.read_text(encoding="utf-8-sig")
        line, _ = project.document.locate(path)
        source = Source(label, project.file, text)
        source._anchors = _anchors(text, raw, line or 1)
        out.append(source)
    return out


def _mask(text: str) -> str:
    """``text`` with markup replaced by spaces; ``[[X]]`` keeps X."""
    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    text = _paired(text)
    text = _MASKS.sub(blank, text)
    return _MARKUP.sub(blank, text)


def _paired(text: str) -> str:
    """``text`` with each span of :data:`_PAIRS` blanked (line breaks kept)."""
    return replace_spans(text, paired_spans(text, _PAIRS), lambda span: re.sub(r"[^\n]", " ", span))


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Line ranges (0-based, end excluded) of the prose blocks of ``text``."""
    for token in parse(text):
        if token.type == "inline" and token.map:
            yield token.map[0], token.map[1]


def sentences(source: Source) -> Iterator[Sentence]:
    """The sentences of ``source``, in order."""
    plain = _mask(source.text)
    lines = source.text.split("\n")
    starts = source._line_starts
    seen: set[tuple[int, int]] = set()
    for paragraph, (first, end) in enumerate(_blocks(source.text)):
        if (first, end) in seen:
            continue
        seen.add((first, end))
        begin = starts[first]
        stop = starts[end] - 1 if end < len(starts) else len(source.text)
        if end - first == 1 and "|" in lines[first]:  # a table row: one cell each
            yield from _cells(source, plain, begin, stop, paragraph)
            continue
        yield from _split(source, plain, begin, stop, paragraph)


def _cells(source: Source, plain: str, begin: int, stop: int,
           paragraph: int) -> Iterator[Sentence]:
    row = source.text[begin:stop]
    if re.fullmatch(r"[\s|:-]*", row):
        return
    offset = begin
    for cell in row.split("|"):
        yield from _split(source, plain, offset, offset + len(cell), paragraph)
        offset += len(cell) + 1


def _split(source: Source, plain: str, begin: int, stop: int,
           paragraph: int) -> Iterator[Sentence]:
    chunk = plain[begin:stop]
    cut = 0
    for match in _SENTENCE_END.finditer(chunk):
        before = chunk[:match.start()]
        if before.endswith(_ABBREVIATIONS) or re.search(r"\b[A-Z]\.$", before):
            continue
        yield from _sentence(source, begin + cut, chunk[cut:match.start()], paragraph)
        cut = match.end()
    yield from _sentence(source, begin + cut, chunk[cut:], paragraph)


def _sentence(source: Source, start: int, text: str, paragraph: int) -> Iterator[Sentence]:
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    if re.search(r"[^\W\d_]", body):
        yield Sentence(source, start + lead, body, paragraph)
