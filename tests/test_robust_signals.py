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


def _pdf(objects: list[bytes]) -> bytes:
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    return out + (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
                  "%%EOF\n").encode()


def test_a_library_log_record_is_not_printed(tmp_path: Path) -> None:
    """pypdf logs a cycle in a PDF's outline; the user sees proposal-kit's output only."""
    import os
    import subprocess
    import sys

    looped = tmp_path / "looped.pdf"
    looped.write_bytes(_pdf([b"<< /Type /Catalog /Pages 2 0 R /Outlines 4 0 R >>",
                             b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                             b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
                             b"<< /First 5 0 R /Last 5 0 R >>",
                             b"<< /Title (x) /Next 5 0 R /Parent 4 0 R >>"]))
    toolkit = str(Path(entry.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": toolkit}
    result = subprocess.run([sys.executable, "-m", "proposal_kit", "pages", str(looped),
                             "--format", "json"], capture_output=True, text=True, env=env,
                            timeout=120, check=False)
    assert result.returncode in (0, 1), result.stderr
    json.loads(result.stdout)
    assert "Detected cycle" not in result.stderr and "IndirectObject" not in result.stderr


def test_budget_annex_that_is_a_device_says_so(tmp_path: Path) -> None:
    from conftest import EXAMPLES

    project = EXAMPLES / "lot1-education-enterprises" / "project.yaml"
    result = CliRunner().invoke(cli, ["budget", str(project), "--workbook", "/dev/zero",
                                      "-o", str(tmp_path / "a.xlsx"), "--format", "json"])
    assert result.exit_code == 2
    assert "device" in json.loads(result.stdout)["error"]["message"]


def test_json_output_escapes_bidi_and_c1_controls() -> None:
    from proposal_kit.terminal import json_text

    data = {"title": "Evil\u202etxt.exe \x85 Ölçü \ud800"}
    text = json_text(data)
    assert not any(c in text for c in "\u202e\x85\ud800")
    assert "Ölçü" in text  # letters as written
    assert json.loads(text) == data


def test_the_console_script_imports_nothing_before_it_can_catch_ctrl_c() -> None:
    """Between the start of the console script and ``main()``'s own handling of Ctrl-C, only
    the package and its ``__main__`` are loaded (``gc`` is built in): a Ctrl-C there, even
    on a loaded machine, cannot land in a slow import (contextlib took milliseconds)."""
    import subprocess
    import sys

    probe = ("import sys; before = set(sys.modules); import proposal_kit.__main__; "
             "print(' '.join(sorted(set(sys.modules) - before)))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, timeout=60).stdout.split()
    assert set(loaded) <= {"gc", "proposal_kit", "proposal_kit.__main__"}, loaded
