"""Style hints that evaluators feel: long sentences, repeated text, filler phrases."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import ProofContext, RawFinding
from .source import Sentence

__all__ = ["style_findings"]

_WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*")


def _key(text: str) -> str:
    return " ".join(w.casefold() for w in _WORD.findall(text))


def _place(sentence: Sentence) -> str:
    line, column = sentence.locate()
    return f"{sentence.source.file.name}:{line}:{column}"


def _long(ctx: ProofContext) -> Iterator[RawFinding]:
    limit = ctx.proposal.proof.max_sentence_words or ctx.data.style.max_sentence_words
    for sentence in ctx.sentences:
        words = len(_WORD.findall(sentence.plain))
        if words > limit:
            yield RawFinding("proof.style.long-sentence", f"the sentence has {words} words "
                             f"(more than {limit})", sentence, 0,
                             hint="split it; evaluators read many proposals")


def _repeated(ctx: ProofContext) -> Iterator[RawFinding]:
    minimum = ctx.data.style.repeated_min_words
    paragraphs: dict[tuple[str, int], list[Sentence]] = {}
    for sentence in ctx.sentences:
        paragraphs.setdefault((sentence.source.section, sentence.paragraph), []).append(
            sentence)
    seen_paragraphs: dict[str, Sentence] = {}
    covered: set[int] = set()
    for group in paragraphs.values():
        key = " ".join(_key(s.plain) for s in group)
        if len(group) < 2 or len(key.split()) < minimum:
            continue
        if key in seen_paragraphs:
            first = seen_paragraphs[key]
            covered.update(id(s) for s in group)
            yield RawFinding("proof.style.repeated", "this paragraph repeats the one at "
                             f"{_place(first)}", group[0], 0,
                             {"value": first.quote[:80], "where": _place(first)},
                             hint="say it once and refer to it")
        else:
            seen_paragraphs[key] = group[0]
    seen: dict[str, Sentence] = {}
    for sentence in ctx.sentences:
        key = _key(sentence.plain)
        if len(key.split()) < minimum:
            continue
        if key in seen and id(sentence) not in covered:
            first = seen[key]
            yield RawFinding("proof.style.repeated", "this sentence repeats the one at "
                             f"{_place(first)}", sentence, 0,
                             {"value": first.quote[:80], "where": _place(first)},
                             hint="say it once and refer to it")
        seen.setdefault(key, sentence)


def _filler(ctx: ProofContext) -> Iterator[RawFinding]:
    patterns = [(item, re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape,
                                                               item.phrase.split()))
                                  + r"(?![\w-])", re.IGNORECASE))
                for item in ctx.data.filler]
    for sentence in ctx.sentences:
        for item, pattern in patterns:
            for match in pattern.finditer(sentence.plain):
                yield RawFinding("proof.style.filler", f"filler: '{match.group()}'", sentence,
                                 match.start(), hint=f"instead: {item.use}")


def style_findings(ctx: ProofContext) -> Iterator[RawFinding]:
    """Long sentences, repeated sentences and paragraphs, filler phrases."""
    yield from _long(ctx)
    yield from _repeated(ctx)
    yield from _filler(ctx)
