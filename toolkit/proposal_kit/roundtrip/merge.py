"""Three-way merge of one section: the base (rendered), Word's edit, and the source now.

The unit of the merge is a block of the source (see :mod:`.units`). A unit changed in
Word and untouched in the source takes Word's text; one changed only in the source is kept;
one changed in both is a conflict: the source's version is kept and the conflict reported.
Word's text goes back with its references (``[[D2.1]]``) and variables (``{{ ... }}``) as
the source wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..pairs import paired_spans
from .units import Unit

__all__ = ["Conflict", "IncludeEdit", "SectionMerge", "join_paragraphs", "merge_section",
           "restore_markup"]

_REF = re.compile(r"\[\[([^\[\]\s]+)\]\]")
#: A variable of the source, ``{{ expr }}`` (from the opener to the first closer after it).
_EXPRESSIONS = {"{{": "}}"}


@dataclass(frozen=True)
class Conflict:
    """A unit changed both in Word and in the source."""

    section: str
    base: str
    word: str
    source: str


@dataclass(frozen=True)
class IncludeEdit:
    """An included generic text that someone edited in Word."""

    section: str
    key: str
    text: str


@dataclass
class SectionMerge:
    """The merged source of one section, and what happened on the way."""

    text: str
    conflicts: list[Conflict] = field(default_factory=list)
    includes: list[IncludeEdit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def join_paragraphs(paragraphs: list[tuple[str, bool]]) -> str:
    """Markdown of Word paragraphs: list items on consecutive lines, paragraphs apart."""
    out = ""
    previous_item = False
    for md, item in paragraphs:
        if out:
            out += "\n" if item and previous_item else "\n\n"
        out += md
        previous_item = item
    return out


def restore_markup(word: str, source: str, render: Callable[[str], str]) -> tuple[str, bool]:
    """``word`` with the references and variables of ``source`` written back.

    Each ``[[id]]`` or ``{{ expr }}`` of the source is put back where its rendered value
    appears in Word's text as often as the source used it; the flag says whether all were.
    """
    complete = True
    items = {m.group(0) for m in _REF.finditer(source)} | \
        {source[start:end] for start, end in paired_spans(source, _EXPRESSIONS)}
    for markup in sorted(items, key=len, reverse=True):
        try:
            value = render(markup).strip()
        except Exception:
            complete = False
            continue
        if not value:
            continue
        pattern = re.compile(rf"(?<![\w\[]){re.escape(value)}(?![\w\]])")
        if len(pattern.findall(word)) == source.count(markup):
            word = pattern.sub(markup.replace("\\", "\\\\"), word)
        else:
            complete = False
    return word, complete


def _same(a: list[str], b: list[str]) -> bool:
    return " ".join(" ".join(a).split()) == " ".join(" ".join(b).split())


def merge_section(section: str, base: list[Unit], current: list[Unit],
                  word: dict[int, str | None], render: Callable[[str], str]) -> SectionMerge:
    """Merge Word's edits into the source of one section.

    ``word`` maps a unit index of ``base`` (the source as rendered) to Word's Markdown
    (None: deleted); ``current`` is the source now.
    """
    result = SectionMerge("")
    theirs = [restore_markup(w, base[k].text, render)[0] if (w := word.get(k)) else u.text
              for k, u in enumerate(base) if k not in word or word[k] is not None]
    if _same(theirs, [u.text for u in current]):  # absorbed before: nothing to do
        result.text = "".join(u.text + u.sep for u in current)
        return result
    out: list[Unit] = []
    matcher = SequenceMatcher(None, [u.text for u in base], [u.text for u in current],
                              autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                unit, now = base[i1 + k], current[j1 + k]
                if i1 + k not in word:
                    out.append(now)
                    continue
                new = word[i1 + k]
                if new is None:
                    continue
                if unit.include:
                    result.includes.append(IncludeEdit(section, unit.include, new))
                    out.append(Unit(new, now.sep or "\n\n"))
                    continue
                restored, complete = restore_markup(new, unit.text, render)
                if not complete:
                    result.warnings.append(f"a paragraph of section '{section}' used "
                                           "variables or references that could not all "
                                           "be put back; check it")
                out.append(Unit(restored, now.sep or "\n\n"))
            continue
        out.extend(current[j1:j2])
        ours = [restore_markup(w, base[k].text, render)[0] if (w := word.get(k)) else
                base[k].text for k in range(i1, i2) if k not in word or word[k] is not None]
        if _same(ours, [u.text for u in current[j1:j2]]):
            continue  # the source already holds what Word has
        for k in range(i1, i2):
            if k in word:
                result.conflicts.append(Conflict(section, base[k].text, word[k] or "",
                                                 "\n\n".join(u.text for u in current[j1:j2])))
    if out and not out[-1].sep and current and current[-1].sep:
        out[-1] = Unit(out[-1].text, current[-1].sep)
    for n, unit in enumerate(out[:-1]):  # a unit that now ends a list continues with one
        if not unit.sep:
            out[n] = Unit(unit.text, "\n\n")
    result.text = "".join(u.text + u.sep for u in out)
    return result
