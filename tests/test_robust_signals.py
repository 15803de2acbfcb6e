"""Ctrl-C before the CLI takes over, and files that are not files, said as they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from proposal_kit import __main__ as entry
from proposal_kit.cli import cli


@pytest.mark.parametrize("argv", [["check", "x.yaml", "--format", "json"],
                                  ["check", "--format=json", "x.yaml"]])
def test_ctrl_c_while_importing_the_cli_still_prints_json(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str],
                                                         argv: list[str]) -> None:
    monkeypatch.setattr("sys.argv", ["proposal-kit", *argv])
    assert entry._interrupted().code == 130
    out, err = capsys.readouterr()
    assert json.loads(out) == {"error": {"kind": "interrupted", "exit_code": 130,
                                         "message": "interrupted"}}
    assert err == "proposal-kit: interrupted\n"


def test_ctrl_c_while_importing_the_cli_prints_no_json_unasked(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.argv", ["proposal-kit", "check", "x.yaml"])
    entry._interrupted()
    assert capsys.readouterr().out == ""


def test_review_of_a_device_says_it_is_a_device(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["review", "/dev/zero", "--format", "json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert "device" in error["message"] and "no such file" not in error["message"]
    missing = CliRunner().invoke(cli, ["review", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
