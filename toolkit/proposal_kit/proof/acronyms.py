"""Acronyms: each defined before its first use, unless it is a known EU term or a name."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..calls import reference_data
from .context import ProofContext, RawFinding
from .source import Sentence

__all__ = ["acronym_findings", "is_acronym"]

_CANDIDATE = re.compile(r"(?<![\w&/-])[A-Z][A-Za-z]*(?:&[A-Z])?[A-Za-z]*(?![\w&])")
_ROMAN = re.compile(r"^[IVXLC]+$")


def is_acronym(word: str) -> bool:
    """Two capitals or more, and capitals for at least half of the letters (``CoVE``)."""
    core = word[:-1] if word.endswith("s") and len(word) > 2 else word
    upper = sum(c.isupper() for c in core)
    letters = sum(c.isalpha() for c in core)
    return upper >= 2 and upper * 2 >= letters and not _ROMAN.match(core)


def _defined_here(sentence: Sentence, start: int, end: int, acronym: str) -> bool:
    """``Long Form (ABC)`` or ``ABC (Long Form)`` around the use at ``start:end``."""
    text = sentence.plain
    before = text[:start].rstrip()
    after = text[end:]
    if before.endswith("(") and re.match(r"\s*[),;]", after):
        return True
    inside = re.match(r"\s*\(([^)]{3,120})\)", after)
    if inside:
        words = re.findall(r"[^\W\d_][\w-]*", inside.group(1))
        initials = "".join(w[0] for w in words).upper()
        letters = [c for c in acronym.upper() if c.isalpha()]
        pos = 0
        for letter in letters:
            pos = initials.find(letter, pos)
            if pos < 0:
                return False
            pos += 1
        return len(words) >= 2
    return False


def _known(ctx: ProofContext) -> set[str]:
    p = ctx.proposal
    known = set(ctx.data.known_acronyms) | set(p.proof.terms) | {p.acronym}
    aliases = reference_data().countries.aliases  # EU usage writes Greece EL, ISO GR
    for partner in p.partners:
        known.add(partner.country)
        known.update(alias for alias, code in aliases.items() if code == partner.country)
        for label in (partner.short_name, partner.id):
            if label:
                known.add(label)
                known.update(re.findall(r"[^\W_]+", label))
    known.update(re.findall(r"[^\W_]+", p.acronym))
    known.update(o.id for o in p.objectives if o.id)
    for previous in p.previous_projects:  # names of earlier projects, not acronyms to define
        known.update(re.findall(r"[^\W_]+", f"{previous.title} {previous.reference or ''}"))
    return {k.rstrip("s") if len(k) > 2 and k.endswith("s") and k[:-1].isupper() else k
            for k in known}


def acronym_findings(ctx: ProofContext) -> Iterator[RawFinding]:
    """One finding per acronym used before its definition, or never defined."""
    known = _known(ctx)
    first_use: dict[str, tuple[Sentence, int]] = {}
    defined: dict[str, int] = {}
    order = 0
    uses: dict[str, int] = {}
    for sentence in ctx.sentences:
        for match in _CANDIDATE.finditer(sentence.plain):
            word = match.group()
            if not is_acronym(word):
                continue
            core = word[:-1] if word.endswith("s") and word[:-1].isupper() else word
            if core in known or word in known:
                continue
            order += 1
            if _defined_here(sentence, match.start(), match.end(), core):
                defined.setdefault(core, order)
                continue
            if core not in first_use:
                first_use[core] = (sentence, match.start())
                uses[core] = order
    for core, (sentence, index) in first_use.items():
        if core not in defined:
            yield RawFinding("proof.acronyms.undefined", f"{core} is never defined",
                             sentence, index, hint=f"write the full form once, followed by "
                             f"({core}), or add it to proof.terms")
        elif uses[core] < defined[core]:
            yield RawFinding("proof.acronyms.before-definition", f"{core} is used before "
                             "it is defined", sentence, index,
                             hint="define it at its first use")
