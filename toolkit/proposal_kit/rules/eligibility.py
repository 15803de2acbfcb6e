"""Eligibility rules: consortium composition, coordinator, ECHE, duration, ecosystem, grant cap.

Every figure comes from the call's data file; messages state the count and the rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..calls import CallRules
from ..findings import Finding
from ..model import Partner
from . import RuleContext, finding

__all__ = ["RULES"]


def _eur(amount: float) -> str:
    return f"EUR {amount:,.0f}"


def _unverified(call: CallRules, name: str) -> str:
    figure = getattr(call.figures, name)
    return " (figure marked unverified in the call data)" if figure.unverified else ""


def _ids(partners: list[Partner]) -> str:
    return ", ".join(p.id for p in partners) or "none"


def coordinator(ctx: RuleContext) -> Iterator[Finding]:
    """Exactly one coordinator, established in an EU Member State or associated country."""
    coordinators = [(i, p) for i, p in enumerate(ctx.proposal.partners)
                    if p.role == "coordinator"]
    if not coordinators:
        yield finding("eligibility.coordinator-missing", "error",
                      "no partner has role 'coordinator'; exactly one full partner must "
                      "coordinate", ("partners",))
    for i, p in coordinators[1:]:
        yield finding("eligibility.coordinator-multiple", "error",
                      f"{p.id} is a second coordinator (the first is {coordinators[0][1].id}); "
                      "there must be exactly one", ("partners", i, "role"))
    for i, p in coordinators[:1]:
        if ctx.reference.country_group(p.country) not in ("eu", "associated"):
            yield finding("eligibility.coordinator-country", "error",
                          f"coordinator {p.id} is established in {p.country}, which is neither "
                          "an EU Member State nor a third country associated to the Programme",
                          ("partners", i, "country"))


def excluded_countries(ctx: RuleContext) -> Iterator[Finding]:
    """Organisations from excluded countries (Russia, Belarus) cannot take part in any role."""
    for i, p in enumerate(ctx.proposal.partners):
        if ctx.reference.country_group(p.country) == "excluded":
            yield finding("eligibility.excluded-country", "error",
                          f"{p.id} ({p.name}) is established in {p.country}: organisations "
                          "from this country are not eligible in any role",
                          ("partners", i, "country"))


def _minimum(ctx: RuleContext, code: str, figure: str, counted: list[Partner],
             noun: str, extra: list[Partner] | None = None) -> Iterator[Finding]:
    """Compare a count with the call minimum; ``extra`` are partners counted with a caveat."""
    call = ctx.call
    assert call is not None
    minimum: int = getattr(call.figures, figure).value
    n = len(counted)
    source = _unverified(call, figure)
    if n < minimum:
        yield finding(code, "error",
                      f"{n} {noun} ({_ids(counted)}); this call requires "
                      f"at least {minimum}{source}", ("partners",))
    elif extra and n - len(extra) < minimum:
        yield finding(code + "-third-country", "warning",
                      f"{n} {noun}, but only {n - len(extra)} outside "
                      f"non-associated third countries ({_ids(extra)}); the minimum of "
                      f"{minimum} is met only if those count: check the Programme Guide",
                      ("partners",))


def composition(ctx: RuleContext) -> Iterator[Finding]:
    """Countries, full partners, labour-market actors and E&T providers against the minimums."""
    if ctx.call is None:
        return
    ref = ctx.reference
    full = [p for p in ctx.proposal.full_partners if ref.country_group(p.country) != "excluded"]
    third = [p for p in full if ref.country_group(p.country) == "third"]
    countries = sorted({p.country for p in full if p not in third})
    minimum = ctx.call.figures.min_countries.value
    if len(countries) < minimum:
        yield finding("eligibility.min-countries", "error",
                      f"{len(countries)} EU Member States and associated third countries among "
                      f"full partners ({', '.join(countries) or 'none'}); this call requires at "
                      f"least {minimum}{_unverified(ctx.call, 'min_countries')}", ("partners",))
    for p in third:
        yield finding("eligibility.third-country", "info",
                      f"{p.id} ({p.country}) is in a third country not associated to the "
                      "Programme: it counts toward no country minimum and cannot coordinate",
                      ("partners", ctx.proposal.partners.index(p), "country"))
    yield from _minimum(ctx, "eligibility.min-full-partners", "min_full_partners", full,
                        "full partners (coordinator and beneficiaries)", third)
    types = ref.organisation_types
    lma = [p for p in full if types[p.type].category == "lma"]
    et = [p for p in full if types[p.type].category == "et"]
    yield from _minimum(ctx, "eligibility.min-labour-market-actors",
                        "min_labour_market_actors", lma,
                        "labour-market actors among full partners",
                        [p for p in third if p in lma])
    yield from _minimum(ctx, "eligibility.min-education-providers",
                        "min_education_providers", et,
                        "education and training providers among full partners",
                        [p for p in third if p in et])
    rule = ctx.call.figures.require_hei_and_vet.value
    if rule:
        should = rule == "should"
        for kind, label in (("hei", "higher education institution"), ("vet", "VET provider")):
            if not any(p.type == kind for p in full):
                yield finding(f"eligibility.no-{kind}", "warning" if should else "error",
                              f"no {label} among full partners; this call "
                              f"{'says there should be' if should else 'requires'} at least "
                              "one HEI and one VET provider as full partners"
                              f"{_unverified(ctx.call, 'require_hei_and_vet')}", ("partners",))


def partner_types(ctx: RuleContext) -> Iterator[Finding]:
    """Types that deserve a word of warning (a VET network is not a VET provider)."""
    for i, p in enumerate(ctx.proposal.partners):
        warn = ctx.reference.organisation_types[p.type].warn
        if warn:
            yield finding(f"eligibility.type-{p.type}", "warning", f"{p.id}: {warn}",
                          ("partners", i, "type"))


def affiliation(ctx: RuleContext) -> Iterator[Finding]:
    """Affiliated entities point at a beneficiary; others have no ``affiliated_to``."""
    proposal = ctx.proposal
    for i, p in enumerate(proposal.partners):
        if p.role == "affiliated":
            if p.affiliated_to is None:
                yield finding("eligibility.affiliated-to-missing", "error",
                              f"affiliated entity {p.id} does not say which beneficiary it is "
                              "affiliated to (add 'affiliated_to: <partner id>')",
                              ("partners", i, "role"))
                continue
            target = proposal.partner(p.affiliated_to)
            if target is not None and target.role not in ("coordinator", "beneficiary"):
                yield finding("eligibility.affiliated-to-role", "error",
                              f"{p.id} is affiliated to {target.id}, which is {target.role}; an "
                              "affiliated entity must be linked to a beneficiary",
                              ("partners", i, "affiliated_to"))
        elif p.affiliated_to is not None:
            yield finding("eligibility.affiliated-to-unexpected", "warning",
                          f"{p.id} has role {p.role} but gives 'affiliated_to'; only "
                          "affiliated entities are linked to a beneficiary",
                          ("partners", i, "affiliated_to"))


def eche(ctx: RuleContext) -> Iterator[Finding]:
    """HEIs in EU Member States and associated countries hold a valid ECHE."""
    for i, p in enumerate(ctx.proposal.partners):
        group = ctx.reference.country_group(p.country)
        if p.type != "hei":
            if p.eche is not None:
                yield finding("eligibility.eche-not-hei", "warning",
                              f"{p.id} is not an HEI; 'eche' applies to HEIs only",
                              ("partners", i, "eche"))
            continue
        if group not in ("eu", "associated") or p.role == "associated":
            continue
        if p.eche is False:
            yield finding("eligibility.eche", "error",
                          f"{p.id} ({p.name}) is an HEI in {p.country} without an ECHE; HEIs in "
                          "EU Member States and associated third countries must hold a valid "
                          "Erasmus Charter for Higher Education", ("partners", i, "eche"))
        elif p.eche is None:
            yield finding("eligibility.eche-unknown", "warning",
                          f"{p.id} is an HEI in {p.country}: state 'eche: true' once its "
                          "Erasmus Charter for Higher Education is confirmed", ("partners", i))


def duration(ctx: RuleContext) -> Iterator[Finding]:
    """The duration is one the lot allows."""
    if ctx.call is None:
        return
    allowed = ctx.call.figures.durations.value
    months = ctx.proposal.duration_months
    words = " or ".join(str(m) for m in allowed)
    if months is None:
        yield finding("eligibility.duration-missing", "warning",
                      f"duration_months is not given; this call allows {words} months",
                      ("duration_months",))
    elif months not in allowed:
        yield finding("eligibility.duration", "error",
                      f"the project lasts {months} months; this call allows {words} months"
                      f"{_unverified(ctx.call, 'durations')}", ("duration_months",))


def ecosystem(ctx: RuleContext) -> Iterator[Finding]:
    """Lot 2: exactly one of the 14 ecosystems; flag ecosystems with ongoing initiatives.

    A call whose sector field is not the ecosystems (Lot 3) warns when ecosystems are given.
    """
    if ctx.call is None:
        return
    mode = ctx.call.figures.ecosystem.value
    sectors = ctx.call.figures.sectors
    if mode == "none" and ctx.proposal.ecosystem:
        field = sectors.value if sectors else "its own sector field"
        yield finding("eligibility.ecosystem-not-used", "warning",
                      f"this call does not use the 14 industrial ecosystems but {field}; "
                      "name them under 'sectors:' instead of 'ecosystem:'", ("ecosystem",))
    if mode != "exactly-one":
        return
    chosen = ctx.proposal.ecosystem
    if not chosen:
        yield finding("eligibility.ecosystem-missing", "error",
                      "no ecosystem given; this call requires exactly one of the 14 industrial "
                      "ecosystems (see 'proposal-kit calls --ecosystems')", ("ecosystem",))
        return
    if len(chosen) > 1:
        yield finding("eligibility.ecosystem-several", "error",
                      f"{len(chosen)} ecosystems given ({', '.join(chosen)}); this call "
                      "requires exactly one", ("ecosystem",))
    ongoing = ctx.reference.ongoing_initiatives.by_ecosystem.get(chosen[0], [])
    if ongoing:
        names = ", ".join(o.name for o in ongoing)
        yield finding("eligibility.ecosystem-ongoing", "warning",
                      f"the {chosen[0]} ecosystem already has ongoing initiatives ({names}); "
                      "the proposal must address clearly different fields", ("ecosystem",))
    else:
        yield finding("eligibility.ecosystem-check-ongoing", "info",
                      f"check whether an ongoing Blueprint or EU Skills Academy covers "
                      f"{chosen[0]}; if one does, the proposal must address clearly different "
                      "fields", ("ecosystem",))


def grant_cap(ctx: RuleContext) -> Iterator[Finding]:
    """The EU contribution (funding rate x estimated budget) against the lot's cap."""
    if ctx.call is None or not ctx.proposal.work_packages:
        return
    budget = ctx.proposal.estimated_budget()
    if budget <= 0:
        return
    rate = ctx.call.figures.funding_rate.value
    cap = ctx.call.max_grant_for(ctx.proposal.duration_months)
    if cap is None:
        return
    requested = budget * rate
    if requested > cap:
        yield finding("eligibility.grant-cap", "warning",
                      f"{rate:.0%} of the estimated budget of {_eur(budget)} is "
                      f"{_eur(requested)}; the EU grant is capped at {_eur(cap)}, so the "
                      f"remaining {_eur(requested - cap)} must be co-financed",
                      ("work_packages",))


RULES = (coordinator, excluded_countries, composition, partner_types, affiliation, eche,
         duration, ecosystem, grant_cap)
