"""Every eligibility rule at its boundary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import LOT1, LOT2, LOT3, consortium, project
from proposal_kit import check_file

Writer = Callable[..., Path]


def codes(writer: Writer, data: dict[str, Any], severity: str = "error") -> set[str]:
    report = check_file(writer(data))
    return {f.code for f in report.findings if f.severity.value == severity}


def test_baseline_lot2_consortium_is_eligible(write_project: Writer) -> None:
    report = check_file(write_project(project()))
    assert report.eligible is True
    assert report.summary["error"] == 0


@pytest.mark.parametrize(("full", "ok"), [(12, True), (11, False)])
def test_lot2_full_partner_minimum(write_project: Writer, full: int, ok: bool) -> None:
    found = codes(write_project, project(partners=consortium(full=full)))
    assert ("eligibility.min-full-partners" not in found) is ok


def test_full_partner_message_states_count_and_rule(write_project: Writer) -> None:
    report = check_file(write_project(project(partners=consortium(full=11))))
    msg = next(f.message for f in report.findings if f.code == "eligibility.min-full-partners")
    assert "11 full partners" in msg and "at least 12" in msg


@pytest.mark.parametrize(("countries", "ok"), [(8, True), (7, False)])
def test_lot2_country_minimum(write_project: Writer, countries: int, ok: bool) -> None:
    found = codes(write_project, project(partners=consortium(countries=countries)))
    assert ("eligibility.min-countries" not in found) is ok


@pytest.mark.parametrize(("lma", "ok"), [(5, True), (4, False)])
def test_lot2_labour_market_actor_minimum(write_project: Writer, lma: int, ok: bool) -> None:
    found = codes(write_project, project(partners=consortium(lma=lma)))
    assert ("eligibility.min-labour-market-actors" not in found) is ok


@pytest.mark.parametrize(("et", "ok"), [(5, True), (4, False)])
def test_lot2_education_provider_minimum(write_project: Writer, et: int, ok: bool) -> None:
    found = codes(write_project, project(partners=consortium(et=et)))
    assert ("eligibility.min-education-providers" not in found) is ok


@pytest.mark.parametrize("kind", ["chamber", "trade-union", "trade-association"])
def test_intermediaries_count_as_labour_market_actors(write_project: Writer, kind: str) -> None:
    partners = consortium(lma=4, full=12)
    partners[-1]["type"] = kind
    assert "eligibility.min-labour-market-actors" not in codes(write_project,
                                                               project(partners=partners))


def test_lot1_minimums(write_project: Writer) -> None:
    ok = project(LOT1, partners=consortium(8, 4, 3, 3))
    assert codes(write_project, ok) == set()
    few = project(LOT1, partners=consortium(7, 3, 3, 3))
    assert {"eligibility.min-full-partners", "eligibility.min-countries"} <= codes(write_project,
                                                                                 few)


def test_affiliated_entity_does_not_count(write_project: Writer) -> None:
    partners = consortium(full=11)
    partners.append({"id": "A1", "name": "Affiliate", "country": "SE", "type": "vet",
                     "role": "affiliated", "affiliated_to": "P2"})
    found = codes(write_project, project(partners=partners))
    assert "eligibility.min-full-partners" in found


def test_associated_partner_does_not_count(write_project: Writer) -> None:
    partners = consortium(full=12, countries=7)
    partners.append({"id": "X1", "name": "Associated", "country": "IE", "type": "enterprise",
                     "role": "associated"})
    assert "eligibility.min-countries" in codes(write_project, project(partners=partners))


def test_non_associated_country_does_not_count_toward_countries(write_project: Writer) -> None:
    partners = consortium(full=12, countries=7)
    partners[-1]["country"] = "GB"
    report = check_file(write_project(project(partners=partners)))
    found = {f.code for f in report.findings}
    assert "eligibility.min-countries" in found
    assert "eligibility.third-country" in found


def test_non_associated_partner_needed_for_minimum_gives_warning(write_project: Writer) -> None:
    partners = consortium(full=12)
    partners[-1]["country"] = "UA"
    assert "eligibility.min-full-partners-third-country" in codes(
        write_project, project(partners=partners), "warning")


def test_greece_as_el_and_gr_is_one_country(write_project: Writer) -> None:
    partners = consortium(full=12, countries=7)
    partners[-1]["country"] = "EL"
    partners[-2]["country"] = "GR"
    assert "eligibility.min-countries" not in codes(write_project, project(partners=partners))


def test_associated_third_country_counts(write_project: Writer) -> None:
    partners = consortium(full=12, countries=7)
    partners[-1]["country"] = "TR"
    assert "eligibility.min-countries" not in codes(write_project, project(partners=partners))


@pytest.mark.parametrize("country", ["BY", "RU"])
def test_excluded_country_fails_in_any_role(write_project: Writer, country: str) -> None:
    for role in ("beneficiary", "associated"):
        partners = consortium()
        partners.append({"id": "Z", "name": "Excluded", "country": country, "type": "ngo",
                         "role": role})
        report = check_file(write_project(project(partners=partners)))
        assert "eligibility.excluded-country" in {f.code for f in report.findings}
        assert report.eligible is False


def test_hei_without_eche_fails(write_project: Writer) -> None:
    partners = consortium()
    partners[0]["eche"] = False
    report = check_file(write_project(project(partners=partners)))
    assert "eligibility.eche" in {f.code for f in report.findings}
    assert report.eligible is False


def test_hei_outside_programme_countries_needs_no_eche(write_project: Writer) -> None:
    partners = consortium()
    partners.append({"id": "U", "name": "Uni abroad", "country": "US", "type": "hei",
                     "role": "beneficiary", "eche": False})
    assert "eligibility.eche" not in codes(write_project, project(partners=partners))


def test_hei_eche_not_stated_is_a_warning(write_project: Writer) -> None:
    partners = consortium()
    del partners[0]["eche"]
    assert "eligibility.eche-unknown" in codes(write_project, project(partners=partners),
                                               "warning")


@pytest.mark.parametrize(("months", "ok"), [(24, True), (36, True), (30, False), (48, False)])
def test_lot1_duration(write_project: Writer, months: int, ok: bool) -> None:
    found = codes(write_project, project(LOT1, duration_months=months))
    assert ("eligibility.duration" not in found) is ok


def test_lot2_duration_must_be_48(write_project: Writer) -> None:
    assert "eligibility.duration" in codes(write_project, project(duration_months=36))


def test_lot3_rules_load_and_apply(write_project: Writer) -> None:
    assert codes(write_project, project(LOT3, partners=consortium(8, 4, 3, 3))) == set()


@pytest.mark.parametrize(("kind", "code"), [("hei", "eligibility.no-vet"),
                                            ("vet", "eligibility.no-hei")])
def test_hei_and_vet_both_required(write_project: Writer, kind: str, code: str) -> None:
    partners = consortium(hei=kind == "hei", vet=kind == "vet")
    assert code in codes(write_project, project(partners=partners))


def test_vet_network_is_not_a_provider(write_project: Writer) -> None:
    partners = consortium()
    for p in partners:
        if p["type"] == "vet":
            p["type"] = "vet-network"
    found = codes(write_project, project(partners=partners))
    assert {"eligibility.no-vet", "eligibility.min-education-providers"} <= found
    assert "eligibility.type-vet-network" in codes(write_project, project(partners=partners),
                                                   "warning")


def test_coordinator_missing_and_multiple(write_project: Writer) -> None:
    partners = consortium()
    partners[0]["role"] = "beneficiary"
    assert "eligibility.coordinator-missing" in codes(write_project, project(partners=partners))
    partners[0]["role"] = partners[1]["role"] = "coordinator"
    assert "eligibility.coordinator-multiple" in codes(write_project, project(partners=partners))


def test_coordinator_outside_programme_countries(write_project: Writer) -> None:
    partners = consortium(full=13)
    partners[0]["country"] = "CH"
    assert "eligibility.coordinator-country" in codes(write_project, project(partners=partners))


def test_affiliated_entity_must_point_at_a_beneficiary(write_project: Writer) -> None:
    partners = consortium()
    partners.append({"id": "X1", "name": "Assoc", "country": "SE", "type": "ngo",
                     "role": "associated"})
    partners.append({"id": "A1", "name": "Aff", "country": "SE", "type": "ngo",
                     "role": "affiliated", "affiliated_to": "X1"})
    partners.append({"id": "A2", "name": "Aff2", "country": "SE", "type": "ngo",
                     "role": "affiliated"})
    partners.append({"id": "A3", "name": "Aff3", "country": "SE", "type": "ngo",
                     "role": "affiliated", "affiliated_to": "P99"})
    found = codes(write_project, project(partners=partners))
    assert {"eligibility.affiliated-to-role", "eligibility.affiliated-to-missing",
            "consistency.unknown-partner"} <= found


def test_lot2_ecosystem_required_and_single(write_project: Writer) -> None:
    data = project()
    del data["ecosystem"]
    assert "eligibility.ecosystem-missing" in codes(write_project, data)
    assert "eligibility.ecosystem-several" in codes(
        write_project, project(ecosystem=["digital", "health"]))


def test_lot1_ecosystem_optional_and_may_be_several(write_project: Writer) -> None:
    assert codes(write_project, project(LOT1, ecosystem=["tourism", "agri-food"])) == set()


def test_unknown_ecosystem_is_schema_error_with_hint(write_project: Writer) -> None:
    report = check_file(write_project(project(ecosystem="digitl")))
    assert report.eligible is None
    item = report.findings[0]
    assert item.code == "schema.value" and item.hint == "did you mean 'digital'?"


def _with_budget(total: float, duration: int = 48, call: str = LOT2) -> dict[str, Any]:
    data = project(call, duration_months=duration)
    data["work_packages"] = [{"id": "WP1", "title": "All", "lead": "P1", "start": 1,
                              "end": duration, "budget": {"P1": total}}]
    return data


@pytest.mark.parametrize(("budget", "binds"), [(5_000_000, False), (5_000_001, True)])
def test_grant_cap_binds_at_80_percent(write_project: Writer, budget: float,
                                       binds: bool) -> None:
    found = codes(write_project, _with_budget(budget), "warning")
    assert ("eligibility.grant-cap" in found) is binds


@pytest.mark.parametrize(("duration", "budget", "binds"), [
    (24, 1_250_000, False), (24, 1_250_100, True), (36, 1_875_000, False), (36, 1_876_000, True)])
def test_lot1_cap_depends_on_duration(write_project: Writer, duration: int, budget: float,
                                      binds: bool) -> None:
    data = _with_budget(budget, duration, LOT1)
    data["partners"] = consortium(8, 4, 3, 3)
    assert ("eligibility.grant-cap" in codes(write_project, data, "warning")) is binds


def test_consortium_only_file_validates_with_warnings(write_project: Writer) -> None:
    data = {"call": LOT2, "acronym": "ONLY", "ecosystem": "health", "partners": consortium()}
    report = check_file(write_project(data))
    assert report.eligible is True
    assert report.summary["error"] == 0
    assert report.summary["warning"] >= 3
    assert "eligibility.duration-missing" in {f.code for f in report.findings}
