"""Shared fixtures: projects built inline, and guards for tests that need real tools."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

LOT1 = "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP"
LOT2 = "ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT"
LOT3 = "ERASMUS-EDU-2026-PI-ALL-INNO-STEM"
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
IN_CI = bool(os.environ.get("CI"))
# Commands under test run by themselves, even if the developer has `proposal-kit server start`
# running; tests/test_resident.py starts its own server.
os.environ["PROPOSAL_KIT_SERVER"] = "off"

# Countries used to build consortia: 10 EU Member States, then associated countries.
COUNTRIES = ["SE", "DE", "FR", "IT", "ES", "PL", "AT", "BE", "NL", "FI", "NO", "RS"]


@pytest.fixture(autouse=True)
def _signal_handlers_restored() -> Iterator[None]:
    """Each test ends with the Ctrl-C and hang-up handlers it started with.

    The CLI, run in-process, ignores a second Ctrl-C once it has reported the first one;
    left so, every later subprocess would inherit the ignored SIGINT and a test that sends
    it one would wait forever.
    """
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGHUP)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def consortium(full: int = 12, countries: int = 8, lma: int = 5, et: int = 5,
               hei: bool = True, vet: bool = True) -> list[dict[str, Any]]:
    """Full partners: P1 coordinator, then beneficiaries, over ``countries`` countries.

    The first ``et`` partners are education providers (an HEI first, then a VET provider,
    alternating), the next ``lma`` are enterprises, the rest are NGOs.
    """
    partners = []
    for i in range(full):
        if i < et:
            kind = ("hei" if i % 2 == 0 else "vet")
            if not hei and kind == "hei":
                kind = "vet"
            if not vet and kind == "vet":
                kind = "hei"
        elif i < et + lma:
            kind = "enterprise"
        else:
            kind = "ngo"
        partner: dict[str, Any] = {
            "id": f"P{i + 1}", "name": f"Organisation {i + 1}",
            "country": COUNTRIES[i % countries], "type": kind,
            "role": "coordinator" if i == 0 else "beneficiary",
        }
        if kind == "hei":
            partner["eche"] = True
        partners.append(partner)
    return partners


def project(call: str = LOT2, **overrides: Any) -> dict[str, Any]:
    """A valid consortium-level project for ``call`` (Lot 2 unless told otherwise)."""
    data: dict[str, Any] = {
        "call": call, "acronym": "TESTX", "title": "A test alliance",
        "duration_months": 48 if call == LOT2 else 24,
        "partners": consortium() if call == LOT2 else consortium(8, 4, 3, 3),
    }
    if call == LOT2:
        data["ecosystem"] = "digital"
    data.update(overrides)
    return data


@pytest.fixture
def write_project(tmp_path: Path) -> Callable[..., Path]:
    """Write a project dict (or raw text) to ``tmp_path/project.yaml`` and return its path."""

    def write(data: dict[str, Any] | str, name: str = "project.yaml") -> Path:
        path = tmp_path / name
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False,
                                                                  allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def require_tool(name: str) -> str:
    """Path of an external tool; skip locally without it, fail in CI (CI must run it)."""
    path = shutil.which(name)
    if path:
        return path
    if IN_CI:
        pytest.fail(f"{name} is required in CI but is not installed")
    pytest.skip(f"{name} is not installed (the test command installs it)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Chromium logs every console message as "INFO:CONSOLE:<line>" (older: "CONSOLE(<line>)")
# without its level; our pages log nothing, so any console message is a failure.
_CONSOLE = re.compile(r"CONSOLE[:(]\d+|Uncaught")


def chromium_dom(url: str, tmp_path: Path) -> tuple[str, list[str]]:
    """The DOM of ``url`` after its scripts ran in headless Chromium at 1280x900 (a laptop
    screen: the guide's theme shows its left sidebar), and the console problems it logged."""
    exe = require_tool("chromium")
    profile = tmp_path / f"profile-{_free_port()}"
    result = subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--enable-logging=stderr",
         "--window-size=1280,900", "--v=0", "--virtual-time-budget=5000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    problems = [line for line in result.stderr.splitlines() if _CONSOLE.search(line)]
    return result.stdout, problems


#: The reference copies of the official Part B form and budget workbook, beside the checkout
#: (``../shared/official``; PROPOSAL_KIT_OFFICIAL overrides). CI always has them.
OFFICIAL = Path(os.environ.get("PROPOSAL_KIT_OFFICIAL", ROOT.parent / "shared" / "official"))


def official_file(pattern: str) -> Path:
    """The official document matching ``pattern``; skip without the folder, fail in CI."""
    found = sorted(OFFICIAL.glob(pattern)) if OFFICIAL.is_dir() else []
    if found:
        return found[0]
    if IN_CI:
        pytest.fail(f"{OFFICIAL}/{pattern} is required in CI but is missing")
    pytest.skip(f"no {pattern} in {OFFICIAL} (the official copies sit beside the checkout)")


_SKIPPED_REAL: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember skipped tests that need a real tool (LibreOffice, a browser)."""
    if report.skipped and any(m in report.keywords
                              for m in ("libreoffice", "browser", "official")):
        _SKIPPED_REAL.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI, a test that needs LibreOffice, a browser or the official copies must run."""
    if IN_CI and _SKIPPED_REAL:
        print(f"\nCI: {len(_SKIPPED_REAL)} test(s) needing real tools were skipped: "
              + ", ".join(_SKIPPED_REAL))
        session.exitstatus = 1


# -- the Lot 2 example, edited in a copy ------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans, so that `country: NO` stays Norway in the copy."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(
    "^(?:true|false)$"), list("tf"))


def load(file: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)
    return data


@pytest.fixture
def mutate(tmp_path: Path) -> Callable[[Callable[[dict[str, Any]], None]], Any]:
    """Copy the Lot 2 example, apply an edit to its YAML, review the copy."""
    from proposal_kit.review import review_file


    def apply(edit: Callable[[dict[str, Any]], None]) -> Any:
        folder = tmp_path / "lot2"
        shutil.copytree(EXAMPLES / "lot2-blueprint", folder, dirs_exist_ok=True)
        file = folder / "project.yaml"
        data = load(file)
        edit(data)
        file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        return review_file(file)

    return apply
