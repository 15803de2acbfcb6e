"""Ranked search over generic texts: BM25 over title, tags, key, summary, body, variables.

Each field's words count ``FIELD_WEIGHTS`` times (a word in the title weighs three words of
the body); BM25 then rewards words rare in the library and damps long texts. Words are
folded (case, accents) and crudely singularised, so "partners" finds "partner".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .frontmatter import GenericText
from .lint import without_jinja

__all__ = ["FIELD_WEIGHTS", "SearchHit", "search", "terms"]

FIELD_WEIGHTS = {"title": 3, "tags": 3, "key": 2, "summary": 2, "body": 1, "variables": 1}
_K1, _B = 1.2, 0.75
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class SearchHit:
    """A text that matches, its score and the query words it contains."""

    text: GenericText
    score: float
    matched: tuple[str, ...]


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Folded, singularised words of ``text``."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    return [_stem(w) for w in _TOKEN.findall(ascii_only)]


def _bag(text: GenericText) -> Counter[str]:
    fields = {"title": text.meta.title, "tags": " ".join(text.meta.tags),
              "key": text.key.replace("/", " "), "summary": text.meta.summary,
              "body": without_jinja(text.body),
              # defaults end up in the text ("holds a valid ... Charter ... (ECHE)")
              "variables": " ".join(f"{v.description} {v.default or ''}"
                                    for v in text.meta.variables.values())}
    bag: Counter[str] = Counter()
    for name, value in fields.items():
        for word in terms(value):
            bag[word] += FIELD_WEIGHTS[name]
    return bag


def search(texts: Sequence[GenericText], query: str, limit: int | None = None) \
        -> list[SearchHit]:
    """Texts matching any word of ``query``, best first (ties by key)."""
    wanted = list(dict.fromkeys(terms(query)))
    if not wanted or not texts:
        return []
    bags = [_bag(t) for t in texts]
    lengths = [sum(b.values()) for b in bags]
    average = sum(lengths) / len(lengths) or 1.0
    count = len(texts)
    idf = {w: math.log(1 + (count - df + 0.5) / (df + 0.5))
           for w in wanted for df in [sum(1 for b in bags if w in b)]}
    hits = []
    for text, bag, length in zip(texts, bags, lengths, strict=True):
        matched = tuple(w for w in wanted if bag[w])
        if not matched:
            continue
        norm = _K1 * (1 - _B + _B * length / average)
        score = sum(idf[w] * bag[w] * (_K1 + 1) / (bag[w] + norm) for w in matched)
        hits.append(SearchHit(text, round(score, 4), matched))
    hits.sort(key=lambda h: (-h.score, h.text.key))
    return hits[:limit] if limit else hits
