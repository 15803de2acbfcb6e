"""EU English: British spelling (hunspell en-GB), US variants, EU terms written one way.

The spelling check uses pyenchant over Debian's ``hunspell-en-gb`` dictionary (the C
hunspell through Enchant: fast, maintained, with suggestions).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from ..errors import ExternalToolError
from .acronyms import is_acronym
from .codes import ignored
from .context import ProofContext, RawFinding, words_of

__all__ = ["dictionary", "english_findings"]

_WORD = re.compile(r"(?<![\w.@/-])[^\W\d_]+(?:['’][^\W\d_]+)*(?![\w@])")
_INSTALL = ("install the en-GB dictionary (Debian: apt-get install hunspell-en-gb "
            "libenchant-2-2; ./scripts/setup does it), or switch the check off with "
            "proof: {ignore: [proof.english.spelling]}")


@cache
def dictionary() -> Any:
    """The en-GB hunspell dictionary through Enchant.

    Raises:
        ExternalToolError: Enchant or the dictionary is not installed.
    """
    try:
        import enchant
    except ImportError as exc:
        raise ExternalToolError(f"the spelling check needs Enchant: {exc}",
                                hint=_INSTALL) from None
    try:
        return enchant.Dict("en_GB")
    except enchant.errors.Error as exc:
        raise ExternalToolError(f"no en-GB spelling dictionary: {exc}", hint=_INSTALL) from None


def _project_words(ctx: ProofContext) -> set[str]:
    p = ctx.proposal
    items: list[str] = [p.acronym, p.title or "", *p.keywords, *p.proof.words, *p.proof.terms,
                       *ctx.data.eu_vocabulary]
    for partner in p.partners:
        items += [partner.name, partner.short_name or "", partner.city or ""]
        if partner.contact:
            items += [partner.contact.first_name, partner.contact.last_name]
    items += [s.name for s in p.staff]
    for wp in p.work_packages:
        items.append(wp.title)
        items += [t.title for t in wp.tasks] + [d.title for d in wp.deliverables]
        items += [m.title for m in wp.milestones]
    items += [e.title for e in p.events] + [e.location or "" for e in p.events]
    items += [x.title for x in p.previous_projects]
    return words_of(items)


def _spelling(ctx: ProofContext) -> Iterator[RawFinding]:
    if ignored("proof.english.spelling", ctx.proposal.proof.ignore) and \
            ignored("proof.english.unknown-name", ctx.proposal.proof.ignore):
        return
    spell = dictionary()
    own = _project_words(ctx) | {w.casefold() for w in ctx.data.us_variants}
    known: dict[str, bool] = {}
    named: set[str] = set()

    def good(word: str) -> bool:
        if word not in known:
            plain = word.replace("’", "'")
            known[word] = bool(spell.check(plain) or spell.check(plain.lower())
                               or spell.check(plain.capitalize()))
        return known[word]

    for sentence in ctx.sentences:
        for match in _WORD.finditer(sentence.plain):
            word = match.group()
            if len(word) < 2 or is_acronym(word) or word.casefold() in own or \
                    not re.sub("['’]", "", word).isalpha():
                continue
            if word.endswith(("'s", "’s")) and good(word[:-2]):
                continue
            if good(word):
                continue
            if word[0].isupper():
                if word not in named:
                    named.add(word)
                    yield RawFinding("proof.english.unknown-name", f"'{word}' is not in the "
                                     "en-GB dictionary", sentence, match.start(),
                                     hint="if it is a name, add it to proof.words")
                continue
            suggestions = spell.suggest(word)[:3]
            yield RawFinding("proof.english.spelling", f"'{word}' is not in the en-GB "
                             "dictionary", sentence, match.start(),
                             hint=("did you mean " + " or ".join(f"'{s}'" for s in suggestions)
                                   + "?") if suggestions else "add it to proof.words")


def _us_variants(ctx: ProofContext) -> Iterator[RawFinding]:
    table = {k.casefold(): v for k, v in ctx.data.us_variants.items()}
    exceptions = {w.casefold() for w in ctx.data.ize_exceptions}
    ize = re.compile(r"^(\w+?)(iz|yz)(e|es|ed|ing|ation|ations|ational|er|ers)$")
    spell = None
    for sentence in ctx.sentences:
        for match in _WORD.finditer(sentence.plain):
            word = match.group()
            low = word.casefold()
            uk = table.get(low) or (table[low[:-1]] + "s" if low.endswith("s")
                                    and low[:-1] in table else None)
            if uk is None and low not in exceptions and (found := ize.match(low)):
                if spell is None:
                    spell = dictionary()
                candidate = found.group(1) + found.group(2).replace("z", "s") + found.group(3)
                if spell.check(candidate):
                    uk = candidate
            if uk is None:
                continue
            if low == "program" and re.match(r"\s*\(?(?:code|software)", sentence.plain[
                    match.end():]):
                continue
            if word[0].isupper():
                uk = uk[0].upper() + uk[1:]
            yield RawFinding("proof.english.us-variant", f"'{word}' is US spelling; EU texts "
                             f"write '{uk}'", sentence, match.start(), hint=f"write '{uk}'")


def _eu_terms(ctx: ProofContext) -> Iterator[RawFinding]:
    patterns = []
    for term in ctx.data.eu_terms:
        parts = [re.escape(w) for w in term.split()]
        body = r"\s+".join(parts).replace(r"\+", r"\s*(?:\+|plus\b)")
        patterns.append((term, re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)))
    for sentence in ctx.sentences:
        text = sentence.plain
        for term, pattern in patterns:
            for match in pattern.finditer(text):
                written = " ".join(match.group().split())
                if written != term:
                    yield RawFinding("proof.english.eu-term", f"'{written}' is written "
                                     f"'{term}' in EU texts", sentence, match.start(),
                                     hint=f"write '{term}'")


def english_findings(ctx: ProofContext) -> Iterator[RawFinding]:
    """Spelling, US variants and EU terms."""
    yield from _spelling(ctx)
    yield from _us_variants(ctx)
    yield from _eu_terms(ctx)
