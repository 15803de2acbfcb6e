"""Names: partners' names and short names, and the project acronym, written one way."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .context import ProofContext, RawFinding
from .source import Sentence

__all__ = ["fold", "name_findings"]

_TOKEN = re.compile(r"[^\W_]+(?:[-.'’&][^\W_]+)*")


@cache
def _fold_char(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[0].lower() if ch.strip() else " "


def fold(text: str) -> str:
    """Lower case without accents, one char for one char (offsets are kept)."""
    return "".join(map(_fold_char, text))


@dataclass(frozen=True)
class _Prepared:
    """A sentence folded once, with its word tokens."""

    sentence: Sentence
    folded: str
    tokens: list[re.Match[str]]


def _prepare(ctx: ProofContext) -> list[_Prepared]:
    return [_Prepared(s, fold(s.plain), list(_TOKEN.finditer(s.plain))) for s in ctx.sentences]


def _variants(prepared: list[_Prepared], label: str) -> Iterator[tuple[Sentence, int, str]]:
    """Places where ``label`` is written with other capitals or accents."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(fold(label))}(?![\w-])")
    for item in prepared:
        sentence, folded = item.sentence, item.folded
        for match in pattern.finditer(folded):
            written = sentence.plain[match.start():match.end()]
            if written != label and not written.islower():
                yield sentence, match.start(), written


def _near_misses(prepared: list[_Prepared],
                 name: str) -> Iterator[tuple[Sentence, int, str]]:
    """Word runs as long as ``name`` that are close to it but not it."""
    target = name.split()
    if len(target) < 2:
        return
    wanted = {fold(w) for w in target}
    folded_name = fold(name)
    for item in prepared:
        sentence, tokens = item.sentence, item.tokens
        hits = [item.folded[t.start():t.end()] in wanted for t in tokens]
        if sum(hits) * 2 < len(target):
            continue
        for i in range(len(tokens) - len(target) + 1):
            window = tokens[i:i + len(target)]
            shared = sum(hits[i:i + len(target)])
            if shared * 2 < len(target) or not window[0].group()[:1].isupper():
                continue
            written = sentence.plain[window[0].start():window[-1].end()]
            if written == name or " ".join(written.split()) == name:
                continue
            ratio = difflib.SequenceMatcher(None, fold(written), folded_name).ratio()
            if ratio >= 0.85:
                yield sentence, window[0].start(), written


def name_findings(ctx: ProofContext) -> Iterator[RawFinding]:
    """Near-miss spellings of partners' names, of the acronym; short names used first."""
    p = ctx.proposal
    prepared = _prepare(ctx)
    for i, partner in enumerate(p.partners):
        data = ctx.fact(("partners", i, "name"), partner.name)
        for sentence, index, written in _near_misses(prepared, partner.name):
            yield RawFinding("proof.names.partner", f"'{written}' is close to the partner "
                             f"name '{partner.name}'", sentence, index, data,
                             hint=f"write '{partner.name}'")
        if partner.short_name and len(partner.short_name) >= 3:
            short = ctx.fact(("partners", i, "short_name"), partner.short_name)
            for sentence, index, written in _variants(prepared, partner.short_name):
                yield RawFinding("proof.names.partner", f"'{written}' is written "
                                 f"'{partner.short_name}' in the data", sentence, index,
                                 short, hint=f"write '{partner.short_name}'")
            yield from _short_first(ctx, partner.name, partner.short_name, short)
    acronym = ctx.fact(("acronym",), p.acronym)
    for sentence, index, written in _variants(prepared, p.acronym):
        yield RawFinding("proof.names.acronym", f"the acronym is written '{written}'; the "
                         f"data has '{p.acronym}'", sentence, index, acronym,
                         hint=f"write '{p.acronym}'")
    yield from _acronym_misses(ctx, p.acronym, acronym)


def _acronym_misses(ctx: ProofContext, acronym: str,
                    data: dict[str, object]) -> Iterator[RawFinding]:
    if len(acronym) < 5:
        return
    for sentence in ctx.sentences:
        for token in _TOKEN.finditer(sentence.plain):
            word = token.group()
            if word.upper() != word or fold(word) == fold(acronym) or \
                    abs(len(word) - len(acronym)) > 1:
                continue
            if difflib.SequenceMatcher(None, word, acronym).ratio() >= 0.8:
                yield RawFinding("proof.names.acronym", f"'{word}' looks like the acronym "
                                 f"'{acronym}' misspelled", sentence, token.start(), data,
                                 hint=f"write '{acronym}'")


def _short_first(ctx: ProofContext, name: str, short: str,
                 data: dict[str, object]) -> Iterator[RawFinding]:
    """The short name's first use, when the full name appears only after it.

    A partner whose full name never appears in the prose is introduced by the list of
    participants, which comes first in the application.
    """
    short_re = re.compile(rf"(?<![\w-]){re.escape(short)}(?![\w-])")
    first: tuple[Sentence, int] | None = None
    for sentence in ctx.sentences:
        if name in " ".join(sentence.plain.split()):
            if first is not None:
                yield RawFinding("proof.names.short-name-first", f"'{short}' is used before "
                                 f"the partner's name '{name}' is introduced", first[0],
                                 first[1], data, hint=f"introduce it at its first use: "
                                 f"'{name} ({short})'")
            return
        match = short_re.search(sentence.plain)
        if match and first is None:
            first = (sentence, match.start())
