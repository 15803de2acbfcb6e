"""The hand-written reference pages say what the program does (no site build needed)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT, project
from proposal_kit.activities import activities_for
from proposal_kit.calls import CallRules, Figures, available_calls, load_call, reference_data
from proposal_kit.cli import cli
from proposal_kit.plan import PlanStep, load_steps
from proposal_kit.project import load_project
from proposal_kit.render import render_bytes

REFERENCE = ROOT / "docs" / "reference"
TOOLKIT = ROOT / "toolkit" / "proposal_kit"
CATEGORIES = ("schema|eligibility|completeness|consistency|coverage|budget|format|pages|review|"
              "texts")


def page(name: str) -> str:
    return (REFERENCE / name).read_text(encoding="utf-8")


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, re.S)


def emitted_codes() -> set[str]:
    """Every finding code the source can emit, dynamic ones expanded from the data."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in TOOLKIT.rglob("*.py"))
    codes = set(re.findall(rf'"((?:{CATEGORIES})\.[a-z0-9-]+[a-z0-9])"', source))
    codes -= {"budget.yaml"}  # the data file's name, not a code
    codes |= {f"review.{c}" for c in re.findall(r'\bgap\(\s*"([a-z0-9-]+)"', source)}
    codes |= {f"{c}-third-country" for c in re.findall(r'_minimum\(ctx, "([a-z.-]+)"', source)}
    codes |= {"eligibility.no-hei", "eligibility.no-vet"}
    codes |= {f"eligibility.type-{key}" for key, t in reference_data().organisation_types.items()
              if t.warn}
    codes |= {"completeness.work-packages", "completeness.risks", "completeness.staff"}
    for topic in available_calls():
        acts = activities_for(load_call(topic).activities)
        codes |= {f"review.{a.late_code}" for a in acts.activities.values()}
    return codes


def test_every_finding_code_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z]+\.[a-z0-9-]+)` \|", page("findings.md"), re.M))
    codes = emitted_codes()
    assert len(codes) > 100
    assert not codes - documented, sorted(codes - documented)
    assert not documented - codes, sorted(documented - codes)  # no stale entries


def test_every_environment_variable_is_documented() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in TOOLKIT.rglob("*.py"))
    names = set(re.findall(r'"(PROPOSAL_KIT_[A-Z_]+)"', source)) | {"NO_COLOR"}
    text = page("environment.md")
    assert not {n for n in names if f"`{n}`" not in text}


def test_plan_steps_page(tmp_path: Path) -> None:
    text = page("plan-steps.md")
    file = tmp_path / "steps.yaml"
    file.write_text(yaml_blocks(text)[0], encoding="utf-8")
    steps, _ = load_steps(file)
    assert [s.id for s in steps.steps][-1] == "deadline" and not steps.steps[-1].movable
    assert all(f"| `{name}` |" in text for name in PlanStep.model_fields)


def test_call_rules_page_holds_a_valid_2027_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    text = page("call-rules.md")
    block = yaml_blocks(text)[0]
    data: dict[str, Any] = yaml.safe_load(block)
    (tmp_path / f"{data['id']}.yaml").write_text(block, encoding="utf-8")
    monkeypatch.setenv("PROPOSAL_KIT_CALLS", str(tmp_path))
    rules = load_call(data["id"])
    assert rules.year == 2027 and rules.figures.page_limit.value == 40
    result = CliRunner().invoke(cli, ["calls"])
    assert data["id"] in result.output
    for name in Figures.model_fields:
        assert f"`{name}`" in text, name
    for name in CallRules.model_fields:
        assert name == "source_file" or f"`{name}`" in text, name


def test_markdown_page_says_what_reaches_word(tmp_path: Path) -> None:
    text = page("markdown.md")
    assert "Footnotes" in text and "Raw HTML" in text and "nested under the section" in text
    section = ("Before.\n\n# Nested heading\n\nA claim.[^1]\n\n[^1]: The source.\n\n"
               "<!-- for the writers -->\n\nLine<br>two.\n")
    file = tmp_path / "project.yaml"
    file.write_text(yaml.safe_dump(project(sections={"background": {"text": section}}),
                                   allow_unicode=True), encoding="utf-8")
    document = docx.Document(io.BytesIO(render_bytes(load_project(file), "docx")))
    paragraphs = {p.text: str(p.style.name if p.style else "") for p in document.paragraphs
                  if p.text}
    section_heading = next(s for t, s in paragraphs.items() if "Background and general" in t)
    nested = paragraphs["Nested heading"]
    assert nested.startswith("Heading ") and section_heading.startswith("Heading ")
    assert int(nested.split()[-1]) == int(section_heading.split()[-1]) + 1
    body = "\n".join(paragraphs)
    assert "A claim.[^1]" in body and "[^1]: The source." in body  # footnotes stay literal
    assert "Line<br>two." in body  # raw HTML is not interpreted
    assert "for the writers" not in body  # comments are dropped


def test_the_example_page_counts_what_the_example_has() -> None:
    """The example page's sentence about RENEXUS is generated from its project file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pk_reference",
                                                  ROOT / "docs" / "_ext" / "pk_reference.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    assert "reference/generated/example-facts.md" in (ROOT / "docs" / "examples.md").read_text(
        encoding="utf-8")
    loaded = load_project(ROOT / "examples" / "lot2-blueprint" / "project.yaml")
    text = generator.example_facts(loaded)
    example = loaded.proposal
    full = [p for p in example.partners if p.role in ("coordinator", "beneficiary")]
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    said = re.sub(r"\s+", " ", text)
    assert f"{len(full)} full partners in {len({p.country for p in full})} countries" in said
    assert f"({len(example.partners)} organisations in all)" in said
    wps = words[len(example.work_packages)]
    assert f"{wps} work packages over {example.duration_months}" in said
