"""Findings as Word comments on the sentences they concern, in a rendered or filled DOCX.

python-docx anchors a comment on whole runs (``Document.add_comment``); a run is split at
the sentence's first and last character so that the comment covers the sentence only.
"""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ..docxfile import docx_bytes, main_part_xml, open_docx
from ..render.docx_parts import read_custom_properties, set_custom_properties
from ..render.output import FINGERPRINT, fingerprint
from .report import ProofFinding, fold_quote

__all__ = ["AUTHOR", "CommentResult", "add_comments"]

AUTHOR = "proposal-kit proof"
_PROBE = 40


@dataclass
class CommentResult:
    """The commented document and the findings that found no sentence in it."""

    data: bytes
    placed: list[ProofFinding]
    unplaced: list[ProofFinding]


def _paragraphs(document: DocumentObject) -> Iterator[Paragraph]:
    body = document.element.body
    for element in body.iter(qn("w:p")):
        yield Paragraph(element, document._body)


def _text_map(paragraph: Paragraph) -> tuple[str, list[tuple[Run, int]]]:
    """The folded letters of the paragraph's runs, each with its run and offset."""
    letters: list[str] = []
    where: list[tuple[Run, int]] = []
    for run in paragraph.runs:
        for offset, ch in enumerate(run.text):
            if ch.isalnum():
                letters.append(ch.casefold()[:1])
                where.append((run, offset))
    return "".join(letters), where


def _split(run: Run, offset: int) -> Run:
    """Split ``run`` before ``offset``; return the run holding the text from there."""
    text = run.text
    if offset <= 0:
        return run
    tail = copy.deepcopy(run._r)
    run._r.addnext(tail)
    second = Run(tail, run._parent)
    run.text = text[:offset]
    second.text = text[offset:]
    return second


def _find(paragraphs: list[tuple[Paragraph, str]], quote: str,
          skip: int = 0) -> tuple[Paragraph, int, int] | None:
    """The paragraph and the folded span of ``quote``; by its start or end if not whole.

    ``skip`` passes over that many earlier places of the same sentence (a repeated one).
    """
    key = fold_quote(quote)
    if not key:
        return None
    probes = [(key, 0), (key[:_PROBE], 0), (key[-_PROBE:], -1)]
    for probe, side in probes:
        places = [(p, text, text.find(probe)) for p, text in paragraphs]
        places = [place for place in places if place[2] >= 0]
        if places:
            paragraph, folded, at = places[min(skip, len(places) - 1)]
            if side == 0:
                return paragraph, at, min(at + len(key), len(folded))
            end = at + len(probe)
            return paragraph, max(end - len(key), 0), end
    return None


def _anchor(paragraph: Paragraph, start: int, end: int) -> Sequence[Run]:
    """Runs covering the folded span ``start:end`` exactly (splitting runs at its ends)."""
    _, where = _text_map(paragraph)
    last_run, last_offset = where[end - 1]
    _split(last_run, last_offset + 1)
    _, where = _text_map(paragraph)
    first_run, first_offset = where[start]
    first = _split(first_run, first_offset)
    _, where = _text_map(paragraph)
    last = where[end - 1][0]
    return [first, last]


def _custom_properties(docx: Path) -> dict[str, str]:
    with zipfile.ZipFile(docx) as archive:
        if "docProps/custom.xml" not in archive.namelist():
            return {}
        return read_custom_properties(archive.read("docProps/custom.xml"))


def add_comments(docx: Path, findings: list[ProofFinding]) -> CommentResult:
    """``docx`` with one comment per finding, on the sentence the finding quotes.

    Raises:
        UsageError: the file does not exist.
        InputError: it is not a DOCX document.
    """
    document = open_docx(Path(docx), "the draft to comment")
    # Splitting runs later does not change a paragraph's text: fold each one once.
    paragraphs = [(p, _text_map(p)[0]) for p in _paragraphs(document)]
    placed: list[ProofFinding] = []
    unplaced: list[ProofFinding] = []
    for finding in findings:
        found = _find(paragraphs, finding.quote, finding.occurrence)
        if found is None:
            unplaced.append(finding)
            continue
        paragraph, start, end = found
        runs = _anchor(paragraph, start, end)
        text = f"[{finding.code}] {finding.message}"
        if finding.hint:
            text += f" ({finding.hint})"
        if finding.data and finding.data.get("where"):
            text += f" — data: {finding.data.get('value')} ({finding.data['where']})"
        document.add_comment(runs, text=text, author=AUTHOR, initials="PK")
        placed.append(finding)
    properties = _custom_properties(docx)
    xml = main_part_xml(document)
    properties[FINGERPRINT] = fingerprint(xml)
    set_custom_properties(document, properties)
    return CommentResult(docx_bytes(document, xml), placed, unplaced)
