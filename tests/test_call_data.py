"""The call data after the topic texts: Lot 3's aims, Lot 1's eight aims, sources by public
title, the Lot 1 HEI+VET 'should', the venture capital type and Lot 3's sector field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from conftest import LOT1, LOT2, LOT3, consortium, project
from proposal_kit.activities import activities_for
from proposal_kit.calls import available_calls, default_call, load_call
from proposal_kit.check import check_file
from proposal_kit.cli import cli

PUBLIC_TITLES = (
    "KTH International Relations Office: Alliances for Innovation (internal process)",
    "Erasmus+ Programme Guide",
    "EU Funding & Tenders portal: call topic ERASMUS-EDU-2026-PI-ALL-INNO-",
    "EU Grants Application form (ERASMUS BB and LS Type II), V2.0, 01.06.2022",
)


def codes(file: Path) -> dict[str, str]:
    return {f.code: f.severity.value for f in check_file(file).findings}


def test_calls_shows_the_stem_skills_foundries_aims() -> None:
    out = CliRunner().invoke(cli, ["calls", LOT3]).output
    for slug in ("business-insight", "mentoring", "labs-infrastructure",
                 "intellectual-property", "theses-business-ideas", "venture-capital",
                 "eit-kics"):
        assert f"  {slug}: " in out
    assert "women" not in out.lower() and "gender" not in out.lower()
    data = json.loads(CliRunner().invoke(cli, ["calls", LOT3, "--format", "json"]).output)
    assert "venture-capital" in data["covers"]
    stem = activities_for(load_call(LOT3).activities)
    assert not any("gender" in r.id or "women" in r.title.lower() for r in stem.requirements)


def test_lot1_has_eight_aims_two_unverified() -> None:
    aims = activities_for(load_call(LOT1).activities).activities
    assert len(aims) == 8
    assert sorted(k for k, a in aims.items() if a.unverified) == ["deep-tech", "incubators"]


def test_every_source_has_a_public_title() -> None:
    for topic in available_calls():
        rules = load_call(topic)
        for name, figure in rules.figures:
            if figure is not None:
                assert any(t in figure.source for t in PUBLIC_TITLES) or \
                    figure.source.startswith(("assumed", "not confirmed")), (topic, name)
    font = load_call(LOT1).figures.min_font_pt
    assert not font.unverified and "application form" in font.source.lower()
    for topic in (LOT1, LOT3):
        assert load_call(topic).figures.page_limit.unverified
    history = load_call(LOT2).figures.deadline_history
    assert history is not None and sorted(history.value) == [2022, 2023, 2024, 2025, 2026]


def test_hei_and_vet_must_for_lot2_should_for_lot1(
        write_project: Callable[..., Path]) -> None:
    lot1 = write_project(project(call=LOT1, partners=consortium(8, 4, 3, 3, vet=False)))
    assert codes(lot1)["eligibility.no-vet"] == "warning"
    lot2 = write_project(project(partners=consortium(vet=False)), "lot2.yaml")
    assert codes(lot2)["eligibility.no-vet"] == "error"


def test_venture_capital_counts_toward_no_minimum(
        write_project: Callable[..., Path]) -> None:
    partners = consortium(8, 4, 3, 3)
    partners[3]["type"] = "venture-capital"  # one of the three enterprises
    found = codes(write_project(project(call=LOT3, partners=partners)))
    assert found["eligibility.type-venture-capital"] == "warning"
    assert found["eligibility.min-labour-market-actors"] == "error"


def test_lot3_uses_sectors_not_ecosystems(write_project: Callable[..., Path]) -> None:
    sectors = write_project(project(call=LOT3, sectors=["clean tech"]))
    assert "eligibility.ecosystem-not-used" not in codes(sectors)
    eco = write_project(project(call=LOT3, ecosystem="digital"), "eco.yaml")
    assert codes(eco)["eligibility.ecosystem-not-used"] == "warning"


def test_the_pages_default_topic_comes_from_the_call_data() -> None:
    # Of the newest call year, the lowest page limit, the first topic on a tie.
    assert default_call() == LOT2


def test_an_empty_topic_is_a_usage_error_not_the_list() -> None:
    """`calls "$TOPIC"` with the variable unset must not answer as if no topic were given."""
    result = CliRunner().invoke(cli, ["calls", ""])
    assert result.exit_code == 2
    assert "the call topic is empty" in result.output
