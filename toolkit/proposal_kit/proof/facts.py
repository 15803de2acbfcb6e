"""Facts in the prose against the data: durations, counts, money, months, titles, countries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pycountry

from ..calls import reference_data
from .context import ProofContext, RawFinding
from .numbers import AMOUNT, BARE_AMOUNT, NUMBER, amount_at, number_value
from .source import Sentence

__all__ = ["fact_findings"]


def normalise(code: str) -> str:
    """A country code as the model keeps it (EL and GR are one country)."""
    return reference_data().normalise_country(code.upper())

_PROJECT_NOUNS = r"(?:project|alliance|action|partnership|proposal|work\s+plan|initiative)"
_BOUND_BEFORE = re.compile(r"(?:at\s+least|a\s+minimum\s+of|minimum|min\.|up\s+to|more\s+than|"
                           r"over|above|fewer\s+than|less\s+than|maximum\s+of|max\.|no\s+more"
                           r"\s+than|under|below)\s+$", re.IGNORECASE)
_APPROX_BEFORE = re.compile(r"(?:about|around|approximately|approx\.|some|nearly|almost|"
                            r"roughly|close\s+to|c\.|circa|~)\s*$", re.IGNORECASE)
_MONEY_WORDS = re.compile(r"\b(?:budget|grant|contribution|lump\s+sum|funding|co-?financing)\b",
                          re.IGNORECASE)
_SMALL_WORDS = (r"(?:after|before|by|of|for|in|on|at|to|the|a|an|and|or|from|with|since|"
                r"until|per|each|every|beyond|following)")
_MONTH = re.compile(r"\b(?:M|[Mm]onth\s+)(\d{1,3})\b")
_ID = re.compile(r"\b(?:D\d+\.\d+|MS\d+|WP\d+|T\d+\.\d+)\b")


def _sentence_text(sentence: Sentence) -> str:
    return sentence.plain


# -- durations ------------------------------------------------------------------------------
def _durations(ctx: ProofContext, acronym: str) -> Iterator[RawFinding]:
    months = ctx.proposal.duration_months
    if not months:
        return
    subject = rf"(?:{_PROJECT_NOUNS}|{re.escape(acronym)})"
    patterns = [
        re.compile(rf"\b(?P<n>{NUMBER})[- ](?P<u>month|year)(?:[- ]long)?\s+"
                   rf"(?:(?!{_SMALL_WORDS}\b)[A-Za-z+-]+\s+)?{subject}\b", re.IGNORECASE),
        re.compile(rf"\b{subject}(?:'s)?\s+(?:(?:will\s+)?(?:last|run)s?(?:\s+for|\s+over)?|"
                   rf"duration\s+(?:is|of)|spans?|lasting)\s+(?P<n>{NUMBER})\s+"
                   rf"(?P<u>month|year)s?\b", re.IGNORECASE),
        re.compile(rf"\b(?:over|during|in|throughout|across)\s+(?:its|the\s+{_PROJECT_NOUNS}'s|"
                   rf"the\s+{re.escape(acronym)}|{re.escape(acronym)}'s|the|their)\s+"
                   rf"(?P<n>{NUMBER})\s+(?P<u>month|year)s\b(?!\s+(?:after|before|of\s+\w))",
                   re.IGNORECASE),
    ]
    where = ctx.fact(("duration_months",), months)
    for sentence in ctx.sentences:
        text = _sentence_text(sentence)
        done: set[int] = set()
        for pattern in patterns:
            for match in pattern.finditer(text):
                if match.start("n") in done:
                    continue
                done.add(match.start("n"))
                if pattern is patterns[2] and not re.search(subject, text, re.IGNORECASE):
                    continue
                n = number_value(match.group("n"))
                said = n * 12 if match.group("u").lower() == "year" else n
                if said != months:
                    yield RawFinding("proof.facts.duration",
                                     f"the text says {match.group('n')} "
                                     f"{match.group('u').lower()}s; the project lasts "
                                     f"{months} months", sentence, match.start("n"), where)


# -- counts ---------------------------------------------------------------------------------
def _count_values(ctx: ProofContext) -> dict[str, tuple[set[int], dict[str, Any]]]:
    p = ctx.proposal
    full = p.full_partners
    affiliated = [x for x in p.partners if x.role == "affiliated"]
    associated = [x for x in p.partners if x.role == "associated"]
    countries_full = {x.country for x in full}
    countries_all = {x.country for x in p.partners}
    countries_funded = {x.country for x in [*full, *affiliated]}
    deliverables = p.deliverables()
    return {
        "partner": ({len(full), len(p.partners), len(full) + len(affiliated),
                     len(full) + len(associated), len(full) - 1},
                    ctx.fact(("partners",), f"{len(full)} full partners, "
                             f"{len(p.partners)} organisations in all")),
        "beneficiar": ({len(full), len(full) - 1, len(full) + len(affiliated)},
                       ctx.fact(("partners",), f"{len(full)} beneficiaries (the coordinator "
                                "included)")),
        "countr": ({len(countries_full), len(countries_all), len(countries_funded)},
                   ctx.fact(("partners",), f"{len(countries_full)} countries of full "
                            f"partners, {len(countries_all)} in all")),
        "work package": ({len(p.work_packages)},
                         ctx.fact(("work_packages",), len(p.work_packages))),
        "deliverable": ({len(deliverables)} | {len(wp.deliverables) for wp in p.work_packages},
                        ctx.fact(("work_packages",), f"{len(deliverables)} deliverables")),
    }


_COUNT = re.compile(
    rf"\b(?P<n>{NUMBER})\s+(?:(?:full|european|partner|participating|consortium|member|"
    r"beneficiary|funded|different)\s+)?(?P<what>partners?\b|partner\s+organisations?|"
    r"beneficiar(?:y|ies)|work\s+packages?|deliverables?)"
    r"(?!\s*(?:\(|:|beyond|outside|other|more|each|per))", re.IGNORECASE)


_COUNTRIES = re.compile(
    r"\b(?:partners?|beneficiaries|organisations|consortium|members)\s+(?:[\w-]+\s+){0,4}?"
    rf"(?:from|in|across|of)\s+(?P<n>{NUMBER})\s+(?:(?:different|european|eu)\s+)?"
    r"(?P<what>countries)\b(?!\s*(?:\(|:|beyond|outside|other|more))", re.IGNORECASE)


def _counts(ctx: ProofContext) -> Iterator[RawFinding]:
    values = _count_values(ctx)
    for sentence in ctx.sentences:
        text = _sentence_text(sentence)
        matches = [*_COUNT.finditer(text), *_COUNTRIES.finditer(text)]
        for match in matches:
            what = match.group("what").lower()
            key = next(k for k in values if what.startswith(k) or k in what)
            allowed, where = values[key]
            n = number_value(match.group("n"))
            before = text[:match.start("n")]
            if _BOUND_BEFORE.search(before) or _APPROX_BEFORE.search(before):
                continue  # a bound ("at least 12 partners") is the call's, not the project's
            actual = max(allowed)
            if n in allowed or n * 2 < actual:
                continue  # a subset ("three partners lead the pilots")
            said = text[match.start("n"):match.end()]
            yield RawFinding("proof.facts.count", f"the text says {said}; the data "
                             f"has {where['value']}", sentence, match.start("n"), where)


# -- money and rate -------------------------------------------------------------------------
def _money(ctx: ProofContext) -> Iterator[RawFinding]:
    p = ctx.proposal
    budget = (p.totals.budget if p.totals and p.totals.budget else None) or p.estimated_budget()
    if not budget:
        return
    path: tuple[str, ...] = ("totals", "budget") if p.totals and p.totals.budget else \
        ("work_packages",)
    rate = ctx.call.figures.funding_rate.value if ctx.call else 0.8
    targets = [budget, budget * rate]
    if ctx.call:
        targets += list(ctx.call.figures.max_grant.value.values())
    where = ctx.fact(path, f"estimated budget EUR {budget:,.0f}; EU contribution "
                     f"({rate * 100:g} %) EUR {budget * rate:,.0f}")
    for sentence in ctx.sentences:
        text = _sentence_text(sentence)
        matches = list(AMOUNT.finditer(text))
        if _MONEY_WORDS.search(text):  # "a budget of 4,987,000": a figure without currency
            taken = [range(m.start(), m.end()) for m in matches]
            matches += [m for m in BARE_AMOUNT.finditer(text)
                        if not any(m.start() in r for r in taken)]
        for match in matches:
            amount = amount_at(match)
            if amount is None or amount.value < 0.4 * budget:
                continue  # a WP's, a partner's or an activity's amount: not checked
            before = text[:match.start()]
            tolerance = amount.tolerance
            if _APPROX_BEFORE.search(before):
                tolerance = max(tolerance, 0.1 * amount.value)
            bound = _BOUND_BEFORE.search(before)
            if bound:
                continue
            if any(abs(t - amount.value) <= tolerance + 0.5 for t in targets):
                continue
            yield RawFinding("proof.facts.money", f"the text says "
                             f"{match.group().strip().rstrip('.')}; "
                             f"the data has {where['value']}", sentence, match.start(), where)


_RATE = re.compile(r"\b(?P<n>\d{1,3}(?:\.\d+)?)\s?(?:%|per\s?cent)\s+(?:EU\s+)?(?:co-?)?"
                   r"(?:funding|financing|contribution)\b|(?:funded|financed)\s+at\s+"
                   r"(?P<f>\d{1,3}(?:\.\d+)?)\s?(?:%|per\s?cent)|(?:funding|co-?financing)"
                   r"\s+rate\s+(?:of|is)\s+"
                   r"(?P<m>\d{1,3}(?:\.\d+)?)\s?(?:%|per\s?cent)", re.IGNORECASE)


def _rates(ctx: ProofContext) -> Iterator[RawFinding]:
    if ctx.call is None:
        return
    rate = ctx.call.figures.funding_rate.value * 100
    data = {"value": f"{rate:g} %", "path": "call.figures.funding_rate",
            "where": f"call {ctx.call.id}"}
    for sentence in ctx.sentences:
        for match in _RATE.finditer(_sentence_text(sentence)):
            said = float(match.group("n") or match.group("m") or match.group("f"))
            if abs(said - rate) > 0.01:
                yield RawFinding("proof.facts.rate", f"the text says {said:g} %; the call's "
                                 f"funding rate is {rate:g} %", sentence, match.start(), data)


# -- deliverables, milestones, months -------------------------------------------------------
def _due_months(ctx: ProofContext) -> Iterator[RawFinding]:
    p = ctx.proposal
    due: dict[str, tuple[int, tuple[str | int, ...]]] = {}
    for w, wp in enumerate(p.work_packages):
        for d, item in enumerate(wp.deliverables):
            due[item.number] = (item.due, ("work_packages", w, "deliverables", d, "due"))
        for m, milestone in enumerate(wp.milestones):
            due[milestone.number] = (milestone.due, ("work_packages", w, "milestones", m,
                                                     "due"))
    known = set(due) | {wp.id for wp in p.work_packages} | \
        {t.id for wp in p.work_packages for t in wp.tasks if t.id}
    cited = re.compile(
        r"\b(?P<id>D\d+\.\d+|MS\d+)\b[\s(,:–-]*(?:(?:is|are|will\s+be|to\s+be)\s+)?"
        r"(?:due|delivered|ready|available|reached|achieved|completed|submitted|published)?"
        r"\s*(?:in|by|at|on|for)?\s*(?:the\s+end\s+of\s+)?(?:M|[Mm]onth\s+)(?P<month>\d{1,3})"
        r"\b(?!\s*[-–])|\b(?:M|[Mm]onth\s+)(?P<month2>\d{1,3})\s*\((?P<id2>D\d+\.\d+|MS\d+)"
        r"\)")
    months = p.duration_months
    for sentence in ctx.sentences:
        text = _sentence_text(sentence)
        for match in _ID.finditer(text):
            if match.group() not in known and p.work_packages:
                yield RawFinding("proof.facts.unknown-id", f"{match.group()} is not an id of "
                                 "this project", sentence, match.start(),
                                 ctx.where(("work_packages",)))
        for match in cited.finditer(text):
            ident = match.group("id") or match.group("id2")
            group = "month" if match.group("month") else "month2"
            if ident not in due:
                continue
            month, path = due[ident]
            if int(match.group(group)) != month:
                yield RawFinding("proof.facts.due-month",
                                 f"{ident} is cited with month {match.group(group)}; it is "
                                 f"due in month {month}", sentence, match.start(group),
                                 ctx.fact(path, month))
        if months:
            for match in _MONTH.finditer(text):
                if int(match.group(1)) > months:
                    yield RawFinding("proof.facts.beyond-duration",
                                     f"month {match.group(1)} is after the end of the "
                                     f"project (month {months})", sentence, match.start(),
                                     ctx.fact(("duration_months",), months))


def _content_words(text: str) -> list[str]:
    stop = {"and", "of", "the", "for", "in", "on", "a", "an", "to", "with", "its", "their"}
    return [w for w in re.findall(r"[^\W\d_]+", text.casefold()) if w not in stop]


def _wp_titles(ctx: ProofContext) -> Iterator[RawFinding]:
    wps = ctx.proposal.work_packages
    by_id = {wp.id: (i, wp) for i, wp in enumerate(wps)}
    cited = re.compile(r"\b(?P<id>WP\d+)\s*(?:\(|:|–|—|-\s)\s*(?P<title>[^)\n.;:]{3,90})")
    for sentence in ctx.sentences:
        for match in cited.finditer(_sentence_text(sentence)):
            if match.group("id") not in by_id:
                continue
            said = _content_words(match.group("title"))
            if len(said) < 2:
                continue

            def score(title: str, said: list[str] = said) -> float:
                words = set(_content_words(title))
                return sum(w in words for w in said) / len(said)

            own_index, own = by_id[match.group("id")]
            best = max(wps, key=lambda wp: score(wp.title))
            if best.id != own.id and score(best.title) >= 0.8 > score(own.title):
                yield RawFinding("proof.facts.wp-title",
                                 f"{own.id} is cited with the title of {best.id} "
                                 f"('{best.title}'); {own.id} is '{own.title}'",
                                 sentence, match.start("title"),
                                 ctx.fact(("work_packages", own_index, "title"), own.title))


# -- countries ------------------------------------------------------------------------------
def _country_names(ctx: ProofContext) -> dict[str, str]:
    """Lower-case country name -> ISO code, as the model keeps it."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names[value.casefold()] = code
    for code, aliases in ctx.data.country_aliases.items():
        for alias in aliases:
            names[alias.casefold()] = normalise(code)
    return names


def _countries(ctx: ProofContext) -> Iterator[RawFinding]:
    names = _country_names(ctx)
    codes = set(names.values()) | {"EL"}
    labels: list[tuple[str, int]] = []
    for i, partner in enumerate(ctx.proposal.partners):
        labels.append((partner.name, i))
        if partner.short_name:
            labels.append((partner.short_name, i))
    if not labels:
        return
    country_re = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    for label, i in labels:
        partner = ctx.proposal.partners[i]
        pattern = re.compile(
            rf"(?<![\w-]){re.escape(label)}(?![\w-])(?:\s*\((?P<inside>[^)]{{2,60}})\)|,?\s+"
            rf"(?:from|based\s+in|located\s+in|in)\s+(?P<name>{country_re})\b)")
        for sentence in ctx.sentences:
            for match in pattern.finditer(_sentence_text(sentence)):
                found: list[tuple[str, int]] = []
                if match.group("name"):
                    if " in " in match.group() and not re.search(r"(?:from|based|located)",
                                                                 match.group()):
                        continue  # "VUAS in Spain" may be where an activity happens
                    found.append((match.group("name"), match.start("name")))
                else:
                    offset = match.start("inside")
                    for part in match.group("inside").split(","):
                        found.append((part.strip(), offset + len(part) - len(part.lstrip())))
                        offset += len(part) + 1
                for text, index in found:
                    code = normalise(text) if text in codes and text.isupper() and \
                        len(text) == 2 else names.get(text.casefold())
                    if code and code != partner.country:
                        yield RawFinding("proof.facts.country",
                                         f"{label} is placed in {text}; its country is "
                                         f"{partner.country}", sentence, index,
                                         ctx.fact(("partners", i, "country"), partner.country))


def fact_findings(ctx: ProofContext) -> Iterator[RawFinding]:
    """Every contradiction between the prose and the data."""
    yield from _durations(ctx, ctx.proposal.acronym)
    yield from _counts(ctx)
    yield from _money(ctx)
    yield from _rates(ctx)
    yield from _due_months(ctx)
    yield from _wp_titles(ctx)
    yield from _countries(ctx)
