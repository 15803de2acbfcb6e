import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from jsonschema import Draft202012Validator

from proposal_kit.calls import available_calls
from proposal_kit.cli import cli
from proposal_kit.schema import project_schema
from proposal_kit.yamlsource import read_yaml

ROOT = Path(__file__).resolve().parent.parent
LOT2 = "ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT"


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("topic", available_calls())
def test_init_check_render(tmp_path: Path, topic: str) -> None:
    folder = tmp_path / "proj"
    result = run("init", str(folder), "--call", topic, "--acronym", "TESTX")
    assert result.exit_code == 0, result.output
    project = folder / "project.yaml"
    first = project.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=.proposal-kit/project.schema.json"
    assert (folder / ".proposal-kit" / "project.schema.json").is_file()
    assert (folder / ".gitignore").is_file() and (folder / "README.md").is_file()
    assert (folder / "texts").is_dir() and (folder / "templates").is_dir()
    check = run("check", "--format", "json", str(project))
    assert check.exit_code == 0, check.output
    report = json.loads(check.output)
    assert report["summary"]["error"] == 0
    assert report["summary"]["warning"] > 0  # what the user must still fill in
    render = run("render", str(project))
    assert render.exit_code == 0, render.output
    assert (folder / "TESTX-partB.docx").is_file()


def test_init_lot2_layout(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    assert run("init", str(folder), "--call", LOT2, "--ecosystem", "digital").exit_code == 0
    data = read_yaml(folder / "project.yaml").data
    assert data["ecosystem"] == "digital"
    covered = {s for wp in data["work_packages"] for s in wp.get("covers", [])}
    assert {"skills-strategy", "reactive-curricula", "delivery", "long-term-plan"} <= covered
    reactive = [wp for wp in data["work_packages"] if "reactive-curricula" in wp.get("covers", [])]
    assert reactive and all(wp["end"] <= 18 for wp in reactive)
    dues = {d["title"]: d["due"] for wp in data["work_packages"] for d in wp["deliverables"]}
    assert dues["Sector skills strategy"] <= 12


def test_init_refuses_non_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["init", str(tmp_path), "--call", LOT2])
    assert result.exit_code == 3
    assert "not empty" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_init_unknown_ecosystem(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "x"), "--call", LOT2,
                                      "--ecosystem", "digitl"])
    assert result.exit_code == 2
    assert "digital" in result.output


def _validator() -> Draft202012Validator:
    schema = project_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _data(path: Path) -> object:
    # YAML 1.2 like editors (NO stays a string); dates as strings, as in the editor.
    return json.loads(json.dumps(read_yaml(path).data, default=str))


@pytest.mark.parametrize("example", ["lot1-education-enterprises", "lot2-blueprint"])
def test_schema_validates_examples(example: str) -> None:
    errors = list(_validator().iter_errors(_data(ROOT / "examples" / example / "project.yaml")))
    assert errors == []


def test_schema_rejects_unknown_key_and_bad_type() -> None:
    data = _data(ROOT / "examples" / "lot2-blueprint" / "project.yaml")
    assert isinstance(data, dict)
    validator = _validator()
    assert not validator.is_valid({**data, "acronymm": "X"})
    partner = {**data["partners"][0], "type": "university"}
    assert not validator.is_valid({**data, "partners": [partner]})
    wp = {**data["work_packages"][0], "colour": "red"}
    assert not validator.is_valid({**data, "work_packages": [wp]})


def test_every_key_of_the_schema_says_what_it_holds() -> None:
    """The schema page and editors' tooltips show each key's description: none is empty."""
    def walk(node: object, path: str) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                if not isinstance(value, dict) or not value.get("description"):
                    yield f"{path}.{key}"
            for key, value in node.items():
                yield from walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{path}[{i}]")

    schema = json.loads(run("schema").output)
    assert not sorted(set(walk(schema, "#"))), "keys without a description"


def test_schema_command(tmp_path: Path) -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.output)["$schema"].endswith("2020-12/schema")
    out = tmp_path / "s.json"
    assert run("schema", "-o", str(out)).exit_code == 0
    again = CliRunner().invoke(cli, ["schema", "-o", str(out)])
    assert again.exit_code == 3


def test_plan_lot2_json_and_ics(tmp_path: Path) -> None:
    ics = tmp_path / "plan.ics"
    result = run("plan", "--call", LOT2, "--format", "json", "--ics", str(ics),
                 "--today", "2026-01-01")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["deadline"] == "2026-03-10T17:00:00+01:00"
    assert plan["timezone"] == "Europe/Brussels"
    steps = {s["id"]: s for s in plan["steps"]}
    assert steps["signature-documents"]["date"] == "2026-02-28"
    assert steps["deadline"]["datetime"] == "2026-03-10T17:00:00+01:00"
    assert steps["internal-approval"]["date"] <= "2025-12-10"
    cal = Calendar.from_ical(ics.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(plan["steps"])
    summaries = " ".join(str(e["SUMMARY"]) for e in events)
    assert all(s["title"] in summaries for s in plan["steps"])
    first = ics.read_bytes()
    assert run("plan", "--call", LOT2, "--ics", str(ics), "--force").exit_code == 0
    assert ics.read_bytes() == first  # deterministic


def test_plan_from_project_file_and_text() -> None:
    result = run("plan", str(ROOT / "examples" / "lot2-blueprint" / "project.yaml"),
                 "--today", "2026-03-01", "--local-tz", "America/New_York")
    assert result.exit_code == 0, result.output
    assert "2026-02-28" in result.output and "Signature documents" in result.output
    assert "2026-03-10 12:00" in result.output  # 17:00 Brussels in New York


def test_plan_custom_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = tmp_path / "iro.yaml"
    steps.write_text("steps:\n  - id: dean\n    title: Dean signs\n    responsible: dean\n"
                     "    offset_days: -14\n", encoding="utf-8")
    result = run("plan", "--deadline", "2026-03-10T17:00", "--steps", str(steps),
                 "--format", "json")
    plan = json.loads(result.output)
    assert [s["id"] for s in plan["steps"]] == ["dean"]
    assert plan["steps"][0]["date"] == "2026-02-24"
    monkeypatch.setenv("PROPOSAL_KIT_PLAN", str(steps))
    again = json.loads(run("plan", "--deadline", "2026-03-10", "--format", "json").output)
    assert [s["id"] for s in again["steps"]] == ["dean"]


def test_plan_bad_steps_and_no_deadline(tmp_path: Path) -> None:
    steps = tmp_path / "bad.yaml"
    steps.write_text("steps:\n  - id: x\n    title: X\n    responsible: me\n"
                     "    offset_days: 5\n    colour: red\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", "--deadline", "2026-03-10", "--steps",
                                      str(steps)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["plan"])
    assert result.exit_code == 2


def test_a_step_decades_before_the_deadline_is_an_error_at_its_line(tmp_path: Path) -> None:
    """Before, offset_days: -99999999 passed validation and the dating failed later, as a
    usage error (exit 2) naming no file; it is the plan file's mistake, at its line."""
    steps = tmp_path / "far.yaml"
    steps.write_text("steps:\n  - id: x\n    title: X\n    responsible: me\n"
                     "    offset_days: -99999999\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", "--deadline", "2026-03-10", "--steps",
                                      str(steps), "--format", "json"])
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    assert error["file"] == str(steps) and error["line"] == 5
    assert "must be at least -3653, got -99999999" in error["message"]
