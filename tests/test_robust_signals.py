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


# The `proposal-kit` command as installed beside the tests' Python (`pip install -e .` puts the
# launcher there; scripts/setup does it).
COMMAND = Path(__import__("sys").executable).parent / "proposal-kit"
CHECK = ["check", str(Path(__file__).parents[1] / "examples" / "lot2-blueprint" / "project.yaml"),
         "--format", "json"]
INTERRUPTED = {"error": {"kind": "interrupted", "exit_code": 130, "message": "interrupted"}}


def _with_ctrl_c_pending() -> None:
    """In the child before it starts: a Ctrl-C already pressed, blocked until someone lets it
    in (a pending signal survives exec)."""
    import os
    import signal

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    os.kill(os.getpid(), signal.SIGINT)


def test_a_ctrl_c_before_the_launcher_starts_ends_the_command() -> None:
    """Pressed before the launcher's first line has run: the command ends, by the signal (the
    shell lets it in as it starts) or with exit 130, one line and the JSON; never a
    traceback, never a complete run."""
    import signal
    import subprocess

    result = subprocess.run([COMMAND, *CHECK], preexec_fn=_with_ctrl_c_pending,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode in (130, -signal.SIGINT), result
    assert "Traceback" not in result.stderr
    if result.returncode == 130:
        assert result.stderr == "proposal-kit: interrupted\n"
        assert json.loads(result.stdout) == INTERRUPTED


def test_a_ctrl_c_held_back_while_python_started_arrives_in_main() -> None:
    """Python started with SIGINT blocked (as the launcher starts it) and one pending: main()
    lets it in where it is handled, not in Python's start-up."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "proposal_kit", *CHECK],
                            preexec_fn=_with_ctrl_c_pending, capture_output=True, text=True,
                            timeout=60)
    assert (result.returncode, result.stderr) == (130, "proposal-kit: interrupted\n")
    assert json.loads(result.stdout) == INTERRUPTED


def test_ctrl_c_at_any_moment_of_the_commands_start_is_never_a_traceback() -> None:
    """Ctrl-C sent 0-47 ms after the command was started (the shell, Python's start-up, the
    imports, the check itself): never a traceback nor a fatal error. The process either ends
    by the signal itself, as any program does in the instant it is being started, or answers
    with exit 130, one line and the JSON asked for. The moments are spread, not timed: a slow
    machine only moves where in the start they fall."""
    import signal
    import subprocess
    import time

    answered = 0
    for step in range(48):
        proc = subprocess.Popen([COMMAND, *CHECK], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(step * 0.001)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert "Traceback" not in err and "Fatal Python" not in err, err
        # Not 0: the check takes far longer than 47 ms, so 0 would be a Ctrl-C lost.
        assert proc.returncode in (130, -signal.SIGINT), (step, proc.returncode, err)
        if proc.returncode == 130:
            answered += 1
            assert err == "proposal-kit: interrupted\n" and json.loads(out) == INTERRUPTED
    assert answered >= 12  # most moments fall after the launcher's first line


def test_the_launcher_leaves_a_ctrl_c_to_the_signal_or_to_python() -> None:
    """No trap in the launcher: a trapped Ctrl-C that arrived as the shell replaced itself
    with Python was taken by the shell and lost, and the command ran to its end (1 in about
    400 Ctrl-Cs sent 0-12 ms after the start). Without one, it ends the shell by the signal
    or waits, blocked, for Python."""
    launcher = (Path(__file__).parents[1] / "toolkit" / "launcher" / "proposal-kit")
    code = [line.split("#")[0] for line in launcher.read_text(encoding="utf-8").splitlines()]
    assert not any("trap" in line for line in code)
    assert any("--block-signal=INT" in line for line in code)


def test_the_command_finds_its_python_through_a_symlink(tmp_path: Path) -> None:
    import subprocess

    link = tmp_path / "proposal-kit"
    link.symlink_to(COMMAND)
    result = subprocess.run([link, "--version"], capture_output=True, text=True, timeout=60,
                            cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0 and result.stdout.startswith("proposal-kit"), result


def test_a_module_in_the_current_folder_cannot_stand_in_for_one_of_ours(tmp_path: Path) -> None:
    """A project folder holding yaml.py or click.py: the command does not import it."""
    import subprocess

    for name in ("yaml", "click", "proposal_kit"):
        (tmp_path / f"{name}.py").write_text("raise SystemExit('imported from the folder')\n",
                                             encoding="utf-8")
    result = subprocess.run([COMMAND, "--version"], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert result.returncode == 0 and "imported from the folder" not in result.stderr, result



def test_a_ctrl_c_python_could_not_raise_is_kept_not_printed(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A Ctrl-C that lands in a weakref callback of the import machinery reaches Python's
    unraisable hook ("Exception ignored in ...", a traceback): the command's hook keeps it
    for main(), which then ends as interrupted; anything else goes to Python's own hook."""
    import sys
    from types import SimpleNamespace

    monkeypatch.setattr(entry, "_swallowed", [])
    entry._unraisable(SimpleNamespace(exc_type=KeyboardInterrupt, exc_value=KeyboardInterrupt(),
                                      exc_traceback=None, err_msg=None, object=None))
    assert len(entry._swallowed) == 1 and capsys.readouterr().err == ""
    seen: list[object] = []
    monkeypatch.setattr(sys, "__unraisablehook__", seen.append)
    other = SimpleNamespace(exc_type=ValueError, exc_value=ValueError("x"), exc_traceback=None,
                            err_msg=None, object=None)
    entry._unraisable(other)
    assert seen == [other]


def test_a_ctrl_c_while_click_reads_the_arguments_is_one_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """click answers a Ctrl-C in its own argument parsing with an empty line on stderr, then
    aborts: the interruption must still print its one line only (seen once in CI-like runs
    of the test above, as "\\nproposal-kit: interrupted")."""
    import click

    from proposal_kit.cli import cli

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(click.Context, "__init__", interrupted)
    code = cli.main(CHECK, standalone_mode=False)
    out, err = capsys.readouterr()
    assert code == 130
    assert err == "proposal-kit: interrupted\n"
    assert json.loads(out) == INTERRUPTED
