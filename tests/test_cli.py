"""The command line: exit codes, formats, several files, version and help."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from conftest import consortium, project
from proposal_kit import __version__
from proposal_kit.cli import cli

Writer = Callable[..., Path]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_version_and_help() -> None:
    code, out = run("--version")
    assert code == 0 and __version__ in out
    for command in ("check", "calls"):
        code, out = run(command, "--help")
        assert code == 0 and "Usage:" in out


def test_check_json_shape(write_project: Writer) -> None:
    code, out = run("check", str(write_project(project())), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["eligible"] is True
    assert set(data["summary"]) == {"error", "warning", "info"}
    assert all({"code", "severity", "message", "path"} <= set(f) for f in data["findings"])


def test_check_errors_exit_1_and_strict(write_project: Writer) -> None:
    bad = write_project(project(partners=consortium(full=11)), "bad.yaml")
    assert run("check", str(bad))[0] == 1
    good = write_project(project(), "good.yaml")
    assert run("check", str(good))[0] == 0
    assert run("check", "--strict", str(good))[0] == 1  # the ongoing-initiative note is info
    # ... and warnings: a consortium without title gives a warning
    data = project()
    del data["title"]
    assert run("check", "--strict", str(write_project(data, "w.yaml")))[0] == 1


def test_check_missing_file_is_usage_error() -> None:
    code, out = run("check", "does-not-exist.yaml")
    assert code == 2 and "no such file" in out


def test_check_several_files(write_project: Writer) -> None:
    a = write_project(project(), "a.yaml")
    b = write_project(project(partners=consortium(full=11)), "b.yaml")
    code, out = run("check", str(a), str(b))
    lines = out.strip().splitlines()
    assert code == 1 and len(lines) == 3
    assert "a.yaml: eligible" in lines[0] and "b.yaml: not eligible" in lines[1]
    assert lines[2].startswith("2 files checked: 1 eligible, 1 not eligible, 0 not checked")
    code, out = run("check", str(a), str(b), "--format", "json")
    data = json.loads(out)
    assert [d["eligible"] for d in data] == [True, False]
    assert data[0]["file"].endswith("a.yaml")


def test_calls_lists_topics_and_rules() -> None:
    code, out = run("calls", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 3
    code, out = run("calls", "ERASMUS-EDU-2026-PI-ALL-INNO-STEM")
    assert code == 0 and "unverified" in out
    code, out = run("calls", "ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRNT")
    assert code == 2 and "did you mean" in out
    code, out = run("calls", "--ecosystems")
    assert code == 0 and len(out.strip().splitlines()) == 14


def test_new_call_year_is_a_data_file(tmp_path: Path, monkeypatch: object,
                                      write_project: Writer) -> None:
    import shutil

    import pytest

    from proposal_kit.resources import builtin_calls_dir

    src = builtin_calls_dir() / "ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT.yaml"
    folder = tmp_path / "calls"
    folder.mkdir()
    topic = "ERASMUS-EDU-2027-PI-ALL-INNO-BLUEPRINT"
    text = src.read_text().replace("ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT", topic)
    text = text.replace("value: 12\n    source: \"Erasmus+ Programme Guide 2026, Lot 2 "
                        "eligibility: at least 12",
                        "value: 13\n    source: \"Programme Guide 2027, Lot 2 "
                        "eligibility: at least 13")
    (folder / f"{topic}.yaml").write_text(text)
    mp = pytest.MonkeyPatch()
    mp.setenv("PROPOSAL_KIT_CALLS", str(folder))
    try:
        code, out = run("calls")
        assert topic in out
        code, out = run("check", str(write_project(project(call=topic))))
        assert code == 1 and "at least 13" in out
    finally:
        mp.undo()
    del shutil


def test_ctrl_c_inside_pythons_machinery_is_an_interruption(monkeypatch: object,
                                                            tmp_path: Path) -> None:
    """Ctrl-C during a class body or an import reaches us wrapped in another error
    (``RuntimeError: Error calling __set_name__``): still exit 130, in text and in JSON."""
    import pytest

    from proposal_kit.errors import caused_by_interrupt

    def interrupted(*args: object, **kwargs: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise RuntimeError("Error calling __set_name__") from exc

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr("proposal_kit.cli.checking.check_file", interrupted)
    file = tmp_path / "project.yaml"
    file.write_text("call: X\n", encoding="utf-8")
    code, out = run("check", str(file))
    assert code == 130 and "interrupted" in out and "internal error" not in out
    result = CliRunner().invoke(cli, ["check", str(file), "--format", "json"])
    assert result.exit_code == 130
    assert json.loads(result.stdout)["error"]["kind"] == "interrupted"
    assert not caused_by_interrupt(RuntimeError("plain"))
