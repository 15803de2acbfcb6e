"""The init scaffold stays valid whatever the user uncomments, and the YAML error of an
empty ``{}``/``[]`` followed by entries says what to do."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from proposal_kit import load_project
from proposal_kit.check import check_file
from proposal_kit.cli import cli

LOT1 = "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP"


def _init(tmp_path: Path) -> Path:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "new"), "--call", LOT1])
    assert result.exit_code == 0, result.output
    return tmp_path / "new" / "project.yaml"


def test_every_commented_entry_uncommented_is_valid(tmp_path: Path) -> None:
    file = _init(tmp_path)
    text = file.read_text(encoding="utf-8")
    # Entries: "# - key: ...", "#   key: ..." and the section lines "#  id: {file: ...}".
    uncommented = re.sub(r"(?m)^# (-|  [a-z_]+:)", r"\1", text)
    uncommented = re.sub(r"(?m)^#(  [a-z_]+: \{file:)", r"\1", uncommented)
    assert uncommented.count("\n") == text.count("\n")
    assert uncommented != text
    file.write_text(uncommented, encoding="utf-8")
    project = load_project(file)
    assert project.proposal.risks and project.proposal.staff and project.proposal.objectives
    assert len(project.proposal.sections) > 10
    codes = {f.code for f in check_file(file).findings}
    assert not any(c.startswith("schema.yaml") for c in codes), codes


def test_scaffold_as_written_checks_without_errors(tmp_path: Path) -> None:
    report = check_file(_init(tmp_path))
    assert report.summary["error"] == 0, [f.message for f in report.findings]


def test_entries_after_empty_brackets_say_delete_them(tmp_path: Path) -> None:
    file = tmp_path / "project.yaml"
    file.write_text(f"call: {LOT1}\nacronym: X\nrisks: []\n- description: x\n",
                    encoding="utf-8")
    [problem] = check_file(file).findings
    assert (problem.line, problem.code) == (4, "schema.yaml-syntax")
    assert "'risks: []' on line 3" in problem.message
    assert problem.hint == "delete the [] when you add entries"
    file.write_text(f"call: {LOT1}\nacronym: X\nsections: {{}}  # none yet\n\n"
                    "  needs: {file: needs.md}\n", encoding="utf-8")
    [problem] = check_file(file).findings
    assert problem.line == 5 and problem.hint == "delete the {} when you add entries"


def test_strict_says_which_warnings_failed_the_run(tmp_path: Path) -> None:
    file = _init(tmp_path)
    warnings = [f for f in check_file(file).findings if f.severity.value == "warning"]
    assert warnings
    result = CliRunner().invoke(cli, ["check", str(file), "--strict", "--format", "json"])
    assert result.exit_code == 1
    assert f"--strict: {len(warnings)} warning" in result.stderr
    assert warnings[0].code in result.stderr
    assert result.stdout.lstrip().startswith("{")  # the JSON document alone on stdout


def test_an_acronym_that_yaml_would_misread_is_quoted(tmp_path: Path) -> None:
    for n, acronym in enumerate(["A: b", "'", "&a *a", "#x", "true", "123", "{{ 1/0 }}"]):
        folder = tmp_path / f"p{n}"
        result = CliRunner().invoke(cli, ["init", str(folder), "--call", LOT1,
                                          "--acronym", acronym])
        assert result.exit_code == 0, result.output
        assert load_project(folder / "project.yaml").proposal.acronym == acronym
    plain = tmp_path / "plain"
    CliRunner().invoke(cli, ["init", str(plain), "--call", LOT1, "--acronym", "GREEN-2"])
    assert "\nacronym: GREEN-2\n" in (plain / "project.yaml").read_text(encoding="utf-8")


def test_an_acronym_no_project_file_may_hold_is_a_usage_error(tmp_path: Path) -> None:
    for acronym in ["", "A\nsections: {}", "A\x1b[31m", "A" * 41]:
        result = CliRunner().invoke(cli, ["init", str(tmp_path / "x"), "--call", LOT1,
                                          "--acronym", acronym])
        assert result.exit_code == 2, (acronym, result.output)
        assert not (tmp_path / "x").exists()
