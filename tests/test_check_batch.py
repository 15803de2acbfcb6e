"""`check` of a season: many files in one command, data-only projects, large consortia.

(How fast is a benchmark, bench/bench_check.py; these check what the fast paths do.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from conftest import consortium, project
from proposal_kit import load_project
from proposal_kit.check import check_file
from proposal_kit.cli import cli
from proposal_kit.preflight import LARGE_PROJECT_ITEMS, _data_only, _items
from proposal_kit.render import render_bytes

Writer = Callable[..., Path]


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def test_several_files_end_with_a_summary_line(tmp_path: Path) -> None:
    good = [_write(tmp_path / f"{n}" / "project.yaml", project(acronym=f"OK{n}"))
            for n in range(3)]
    short = _write(tmp_path / "short" / "project.yaml",
                   project(acronym="SHORT", partners=consortium(11)))
    result = CliRunner().invoke(cli, ["check", *map(str, good), str(short),
                                      str(tmp_path / "missing.yaml")])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2  # a missing file is a usage error, after the others
    assert sum(1 for line in lines if ": eligible;" in line) == 3
    assert any(line.startswith(f"{short}: not eligible;") for line in lines)
    assert lines[-1].startswith("5 files checked: 3 eligible, 1 not eligible, 1 not checked "
                                "(invalid); ")
    errors = sum(check_file(f).summary["error"] for f in [*good, short]) + 1
    assert f"; {errors} error" in lines[-1]


def test_one_file_has_no_summary_line(write_project: Writer) -> None:
    result = CliRunner().invoke(cli, ["check", str(write_project(project()))])
    assert "files checked" not in result.output


def test_a_data_only_project_is_not_rendered_again(write_project: Writer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    file = write_project(project())
    assert _data_only(load_project(file))

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("rendered")

    monkeypatch.setattr("proposal_kit.render.render_bytes", refuse)
    assert check_file(file).summary["error"] == 0
    for fmt in ("md", "html", "docx"):  # and it does render
        assert render_bytes(load_project(file), fmt)  # type: ignore[arg-type]


@pytest.mark.parametrize("markup", ["![logo](logo.png)", "```{gantt}\nrows: [\n```"])
def test_markup_in_a_value_is_rendered_by_check(write_project: Writer, markup: str) -> None:
    wp = {"id": "WP1", "title": "Management", "lead": "P1", "start": 1, "end": 48,
          "description": f"What it does.\n\n{markup}\n"}
    file = write_project(project(work_packages=[wp]))
    assert not _data_only(load_project(file))
    errors = [f for f in check_file(file).findings if f.severity.value == "error"]
    # read from the value itself, at its line of project.yaml (was render.failed, no line)
    assert [f.code for f in errors] == ["render.block"]
    assert errors[0].line and errors[0].message.startswith("the description of WP1: ")


def test_own_templates_or_sections_are_rendered_by_check(tmp_path: Path) -> None:
    file = _write(tmp_path / "project.yaml", project())
    (tmp_path / "templates").mkdir()
    assert not _data_only(load_project(file))
    other = _write(tmp_path / "b" / "project.yaml",
                   project(sections={"needs": "Some text."}))
    assert not _data_only(load_project(other))


def test_a_large_data_only_project_is_drafted_for_the_limits(
        write_project: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    file = write_project(project())
    drafted: list[object] = []
    monkeypatch.setattr("proposal_kit.preflight.LARGE_PROJECT_ITEMS",
                        _items(load_project(file).document.data) - 1)
    monkeypatch.setattr("proposal_kit.render.build_markdown",
                        lambda p: drafted.append(p) or "")
    check_file(file)
    assert len(drafted) == 1
    assert LARGE_PROJECT_ITEMS >= 100_000
