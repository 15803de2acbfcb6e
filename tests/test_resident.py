"""`proposal-kit server`: commands run in a copy of a warm process, exactly as on their own."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import EXAMPLES, require_tool

CLI = [sys.executable, "-m", "proposal_kit"]
EXAMPLE = EXAMPLES / "lot2-blueprint" / "project.yaml"


@dataclass
class Server:
    env: dict[str, str]
    log: Path
    runtime: Path

    def run(self, *args: str, cwd: Path | None = None, served: bool = True,
            **kwargs: object) -> subprocess.CompletedProcess[str]:
        env = dict(self.env) if served else dict(self.env, PROPOSAL_KIT_SERVER="off")
        return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env,
                              cwd=cwd, timeout=120, check=False, **kwargs)  # type: ignore[call-overload]

    def served(self) -> list[str]:
        """The log's lines: one per command the server ran."""
        return self.log.read_text().splitlines() if self.log.exists() else []

    def socket(self) -> Path:
        return next((self.runtime / "proposal-kit").glob("server-*.sock"))


@pytest.fixture
def server() -> Iterator[Server]:
    # A short folder: a Unix socket's path is limited to 107 bytes.
    runtime = Path(tempfile.mkdtemp(prefix="pk-run-"))
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
    env.pop("PROPOSAL_KIT_SERVER", None)
    log = runtime / "served.log"
    started = subprocess.run([*CLI, "server", "start", "--idle", "10", "--log", str(log)],
                             capture_output=True, text=True, env=env, timeout=120, check=False)
    assert started.returncode == 0, started.stderr
    assert "serving in the background" in started.stdout
    try:
        yield Server(env, log, runtime)
    finally:
        subprocess.run([*CLI, "server", "stop"], env=env, capture_output=True, timeout=60,
                       check=False)
        shutil.rmtree(runtime, ignore_errors=True)


def _document(path: Path) -> bytes:
    with zipfile.ZipFile(path) as docx:
        return docx.read("word/document.xml")


def test_a_served_render_writes_the_same_document(server: Server, tmp_path: Path) -> None:
    served = server.run("render", str(EXAMPLE), "-o", str(tmp_path / "served.docx"))
    alone = server.run("render", str(EXAMPLE), "-o", str(tmp_path / "alone.docx"),
                       served=False)
    assert served.returncode == alone.returncode == 0
    assert served.stdout.replace("served.docx", "alone.docx") == alone.stdout
    assert _document(tmp_path / "served.docx") == _document(tmp_path / "alone.docx")
    lines = server.served()
    assert len(lines) == 1, lines  # the render, not the one run with PROPOSAL_KIT_SERVER=off
    assert " exit 0 " in lines[0] and "render " in lines[0]


def test_errors_exit_codes_and_json_are_those_of_the_command_alone(server: Server,
                                                                   tmp_path: Path) -> None:
    bad = tmp_path / "project.yaml"
    bad.write_text("call: [unclosed\n", encoding="utf-8")
    for args in (["check", str(bad), "--format", "json"], ["check", str(tmp_path / "none.yaml")],
                 ["render", "--no-such-option"], ["check", str(EXAMPLE), "--format", "json"]):
        served = server.run(*args)
        alone = server.run(*args, served=False)
        assert (served.returncode, served.stdout, served.stderr) == \
            (alone.returncode, alone.stdout, alone.stderr), args
        if "json" in args:
            json.loads(served.stdout)
    assert [line.split()[2] for line in server.served()] == ["1", "2", "2", "0"]


def test_the_command_runs_in_the_callers_folder_environment_and_umask(server: Server,
                                                                       tmp_path: Path) -> None:
    folder = tmp_path / "work"
    shutil.copytree(EXAMPLES / "lot2-blueprint", folder)
    cache = tmp_path / "cache"
    server.env["PROPOSAL_KIT_CACHE_DIR"] = str(cache)
    done = server.run("render", "project.yaml", "-o", "draft.docx", cwd=folder,
                      preexec_fn=lambda: os.umask(0o077))
    assert done.returncode == 0, done.stderr
    assert (folder / "draft.docx").stat().st_mode & 0o777 == 0o600  # the caller's umask
    assert any(cache.rglob("*")), "the caller's PROPOSAL_KIT_CACHE_DIR was not used"
    assert f"in {folder}: render project.yaml" in server.served()[-1]


def test_the_callers_file_size_limit_applies(server: Server, tmp_path: Path) -> None:
    import resource

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, resource.RLIM_INFINITY))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    done = server.run("render", str(EXAMPLE), "-o", str(tmp_path / "big.docx"),
                      preexec_fn=small_files)
    assert done.returncode == 3, done.stderr  # output failed, as it would alone
    assert "big.docx" in done.stderr
    assert not (tmp_path / "big.docx").exists()
    assert " exit 3 " in server.served()[-1]


def _soffices() -> set[int]:
    found = subprocess.run(["pgrep", "-f", "soffice"], capture_output=True, text=True,
                           check=False).stdout.split()
    return {int(pid) for pid in found}


def _wait_for(predicate: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    out = tmp_path / "draft.docx"
    subprocess.run([*CLI, "render", str(EXAMPLE), "-o", str(out)], check=True,
                   capture_output=True, env=dict(os.environ, PROPOSAL_KIT_SERVER="off"))
    return out


@pytest.mark.libreoffice
def test_ctrl_c_reaches_the_served_command(server: Server, draft: Path) -> None:
    require_tool("soffice")
    before = _soffices()
    process = subprocess.Popen([*CLI, "pages", str(draft), "--format", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=server.env)
    assert _wait_for(lambda: _soffices() - before, 60), "LibreOffice never started"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip() == "proposal-kit: interrupted"
    assert json.loads(out)["error"]["kind"] == "interrupted"
    assert _wait_for(lambda: not _soffices() - before, 15), "LibreOffice was left running"
    assert " exit 130 " in server.served()[-1]


@pytest.mark.libreoffice
def test_a_killed_caller_takes_the_command_and_libreoffice_with_it(server: Server,
                                                                   draft: Path) -> None:
    require_tool("soffice")
    before = _soffices()
    process = subprocess.Popen([*CLI, "pages", str(draft)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=server.env)
    assert _wait_for(lambda: _soffices() - before, 60), "LibreOffice never started"
    process.kill()
    process.wait()
    assert _wait_for(lambda: not _soffices() - before, 20), "LibreOffice was orphaned"
    assert _wait_for(lambda: server.served(), 10)
    assert " exit 130 " in server.served()[-1]  # interrupted, so it cleaned up


def test_a_changed_installation_stops_the_server_and_runs_alone(server: Server,
                                                                tmp_path: Path) -> None:
    import proposal_kit.resident as resident

    source = Path(resident.__file__)
    stamp = source.stat()
    try:
        os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
        done = server.run("render", str(EXAMPLE), "-o", str(tmp_path / "d.docx"))
    finally:
        os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "d.docx").exists()
    assert server.served() == []  # run by the command itself, with the new code
    status = server.run("server", "status", "--format", "json")
    assert json.loads(status.stdout)["running"] is False


def _raw(server: Server, message: dict[str, object]) -> dict[str, object] | None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(server.socket()))
        data = json.dumps(message).encode()
        sock.sendall(struct.pack(">I", len(data)) + data)
        head = sock.recv(4)
        if len(head) < 4:
            return None
        size = struct.unpack(">I", head)[0]
        body = b""
        while len(body) < size:
            body += sock.recv(size - len(body))
        reply: dict[str, object] = json.loads(body)
        return reply


def test_requests_of_another_installation_or_without_streams_are_refused(
        server: Server, tmp_path: Path) -> None:
    from proposal_kit.resident import PROTOCOL

    reply = _raw(server, {"protocol": PROTOCOL, "installation": "/elsewhere/python\0/pk",
                          "argv": ["--version"], "cwd": "/", "env": {}, "umask": 18,
                          "limits": {}})
    assert reply is not None and "refused" in reply
    reply = _raw(server, {"protocol": PROTOCOL, "status": True})
    assert reply is not None and isinstance(reply["server"], int)
    done = server.run("check", str(EXAMPLE))
    assert done.returncode == 0  # still serving
    assert len(server.served()) == 1


def test_a_socket_folder_others_can_enter_is_refused(tmp_path: Path) -> None:
    runtime = Path(tempfile.mkdtemp(prefix="pk-run-"))
    try:
        (runtime / "proposal-kit").mkdir(mode=0o755)
        os.chmod(runtime / "proposal-kit", 0o755)
        env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
        env.pop("PROPOSAL_KIT_SERVER", None)
        done = subprocess.run([*CLI, "server", "start"], capture_output=True, text=True,
                              env=env, timeout=60, check=False)
        assert done.returncode == 3
        assert "only you can enter" in done.stderr
        assert "Traceback" not in done.stderr
        check = subprocess.run([*CLI, "check", str(EXAMPLE)], capture_output=True, text=True,
                               env=env, timeout=60, check=False)
        assert check.returncode == 0  # ran by itself
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def test_a_second_server_is_refused_and_status_and_stop_report(server: Server) -> None:
    second = server.run("server", "start")
    assert second.returncode == 3
    assert "already running" in second.stderr and "server stop" in second.stderr
    status = json.loads(server.run("server", "status", "--format", "json").stdout)
    assert status["running"] is True and isinstance(status["pid"], int)
    stopped = server.run("server", "stop")
    assert stopped.returncode == 0 and f"process {status['pid']}" in stopped.stdout
    assert not list((server.runtime / "proposal-kit").glob("server-*.sock"))
    assert server.run("server", "stop").stdout.strip() == "no server was running"


def test_serve_and_watch_always_run_by_themselves(server: Server,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from proposal_kit.resident.client import run_served

    monkeypatch.setenv("XDG_RUNTIME_DIR", server.env["XDG_RUNTIME_DIR"])
    monkeypatch.delenv("PROPOSAL_KIT_SERVER", raising=False)
    assert run_served(["server", "status"]) is None
    assert run_served(["watch", "--no-pages", "project.yaml"]) is None
    assert server.served() == []
    assert run_served(["--version"]) == 0  # any other command is served
    assert "--version" in server.served()[-1]
    monkeypatch.setenv("PROPOSAL_KIT_SERVER", "off")
    assert run_served(["--version"]) is None


def test_a_server_in_the_foreground_stops_on_ctrl_c_and_serves_meanwhile(tmp_path: Path) -> None:
    runtime = Path(tempfile.mkdtemp(prefix="pk-run-"))
    try:
        env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
        env.pop("PROPOSAL_KIT_SERVER", None)
        log = runtime / "served.log"
        process = subprocess.Popen([*CLI, "server", "start", "--foreground", "--log", str(log)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env=env)
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("serving on ") and "Ctrl-C stops it" in first
        done = subprocess.run([*CLI, "check", str(EXAMPLE)], capture_output=True, text=True,
                              env=env, timeout=120, check=False)
        assert done.returncode == 0
        assert "check " in log.read_text()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert out.strip() == "server stopped" and err == ""
        assert not list((runtime / "proposal-kit").glob("server-*.sock"))
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def test_a_large_environment_reaches_the_command_whole(server: Server, tmp_path: Path) -> None:
    # Half a megabyte: more than the socket's buffer (about 200 KB) takes at once.
    env = dict(server.env, **{f"PK_LARGE_{n}": str(n) * 100_000 for n in range(5)})
    done = subprocess.run([*CLI, "check", str(EXAMPLE), "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["eligible"] is True
    assert len(server.served()) == 1 and " exit 0 " in server.served()[0]
