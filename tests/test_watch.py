"""`watch`: re-render on save, errors survive, pages with a warm LibreOffice, clean stop."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click
import docx
import pytest
import yaml

from conftest import EXAMPLES, LOT2, consortium, require_tool
from proposal_kit import load_project
from proposal_kit.cli.watching import pages_line
from proposal_kit.pages import PagesReport, Section, count_pages
from proposal_kit.pages.convert import find_soffice
from proposal_kit.pages.report import SectionChange, section_changes
from proposal_kit.pages.warm import WarmOffice, find_uno_python
from proposal_kit.render import render_project
from proposal_kit.watch import WatchEvent, watch


def _warm_processes() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "proposal-kit-warm-" in cmd:
                found.append(cmd)
    return found


@pytest.fixture
def new_warm() -> Callable[[], set[str]]:
    """The warm LibreOffice processes started since the test began (other runs ignored)."""
    before = set(_warm_processes())
    return lambda: set(_warm_processes()) - before


def _gone(new_warm: Callable[[], set[str]], within: float = 10.0) -> set[str]:
    """The warm processes still there ``within`` seconds after they were stopped.

    They are killed (SIGKILL) and reaped before the office returns, but the kernel tears a
    large process down in its own time: on a loaded machine, one can still show its command
    line for a moment."""
    deadline = time.monotonic() + within
    while (left := new_warm()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


class Watcher:
    """Runs `watch` in a thread and collects its events."""

    def __init__(self, project: Path, pages: bool) -> None:
        self.events: list[WatchEvent] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=watch, args=(project,), kwargs={
            "pages": pages, "report": self.events.append, "stop": self.stop, "quiet": 0.2})

    def __enter__(self) -> Watcher:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()

    def wait_for(self, kind: str, count: int, timeout: float = 90) -> WatchEvent:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            matching = [e for e in self.events if e.kind == kind]
            if len(matching) >= count:
                return matching[count - 1]
            time.sleep(0.05)
        raise AssertionError(f"no {count}x {kind!r}; got {[e.kind for e in self.events]}")


def _small_project(folder: Path) -> Path:
    data = {"call": LOT2, "acronym": "WATCH", "title": "First title", "duration_months": 48,
            "ecosystem": "digital", "partners": consortium(),
            "sections": {"impact": {"file": "impact.md"}}}
    (folder / "impact.md").write_text("Impact text.\n", encoding="utf-8")
    path = folder / "project.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_watch_rerenders_on_save_and_survives_errors(tmp_path: Path) -> None:
    path = _small_project(tmp_path)
    with Watcher(path, pages=False) as watcher:
        watcher.wait_for("ready", 1, 30)
        assert watcher.events[0].kind == "rendered"
        path.write_text(path.read_text().replace("First title", "Second title"))
        watcher.wait_for("rendered", 2, 30)
        (tmp_path / "impact.md").write_text("Changed impact.\n")
        watcher.wait_for("rendered", 3, 30)
        good = path.read_text()
        path.write_text("call: [unclosed\n")
        error = watcher.wait_for("error", 1, 30)
        assert "project.yaml:1" in error.message
        path.write_text(good)
        watcher.wait_for("rendered", 4, 30)
    assert (tmp_path / "WATCH-partB.docx").is_file()


def test_watch_ignores_its_own_outputs_and_files_that_are_not_inputs(tmp_path: Path) -> None:
    """A log written in the project folder (by a script, an editor, the user's shell), a
    pipe named like a section and the draft it writes itself do not re-trigger it; an input
    still does."""
    path = _small_project(tmp_path)
    with Watcher(path, pages=False) as watcher:
        watcher.wait_for("ready", 1, 30)
        os.mkfifo(tmp_path / "pipe.md")
        for n in range(5):
            with (tmp_path / "build.log").open("a", encoding="utf-8") as log:
                log.write(f"line {n}\n")
            (tmp_path / "notes.txt").write_text(f"note {n}\n", encoding="utf-8")
            (tmp_path / "data.yaml").write_text(f"x: {n}\n", encoding="utf-8")
            time.sleep(0.1)
        time.sleep(1.5)  # several quiet periods (0.2 s): a re-render would have started
        assert [e.kind for e in watcher.events].count("rendered") == 1, watcher.events
        (tmp_path / "impact.md").write_text("Changed impact.\n", encoding="utf-8")
        watcher.wait_for("rendered", 2, 30)
        time.sleep(1.5)  # its own write of the draft does not start a third render
        assert [e.kind for e in watcher.events].count("rendered") == 2, watcher.events


@pytest.mark.libreoffice
def test_warm_office_gives_the_cold_count(tmp_path: Path,
                                          new_warm: Callable[[], set[str]]) -> None:
    require_tool("soffice")
    python = find_uno_python()
    assert python is not None, "python3-uno is needed (scripts/setup installs it)"
    docx_path = tmp_path / "lot1.docx"
    render_project(load_project(EXAMPLES / "lot1-education-enterprises" / "project.yaml"),
                   docx_path)
    cold = count_pages(docx_path, call="ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP")
    soffice = find_soffice()
    assert soffice is not None
    with WarmOffice(soffice, python) as office:
        warm = [count_pages(docx_path, call="ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP",
                            office=office) for _ in range(2)]
    assert [w.pages for w in warm] == [cold.pages, cold.pages]
    assert [s.start_page for s in warm[0].sections] == [s.start_page for s in cold.sections]
    assert _gone(new_warm) == set()


@pytest.mark.libreoffice
def test_an_abandoned_warm_conversion_does_not_answer_the_next(tmp_path: Path) -> None:
    """A count that fails after handing its document over must not leave its answer behind."""
    require_tool("soffice")
    python, soffice = find_uno_python(), find_soffice()
    assert python is not None and soffice is not None
    small = tmp_path / "small.docx"
    render_project(load_project(EXAMPLES / "lot1-education-enterprises" / "project.yaml"),
                   small)
    call = "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP"
    with WarmOffice(soffice, python) as office:
        expected = count_pages(small, call=call, office=office).pages
        with pytest.raises(RuntimeError), office.conversion(small) as conversion:
            conversion.start()
            raise RuntimeError("the DOCX checks failed while LibreOffice worked")
        blank = tmp_path / "blank.docx"
        docx.Document().save(str(blank))
        assert count_pages(blank, office=office).pages == 1
        assert count_pages(small, call=call, office=office).pages == expected


@pytest.mark.libreoffice
def test_watch_counts_pages_with_one_warm_office_and_stops_cleanly(
        tmp_path: Path, new_warm: Callable[[], set[str]]) -> None:
    require_tool("soffice")
    path = _small_project(tmp_path)
    with Watcher(path, pages=True) as watcher:
        first = watcher.wait_for("pages", 1)
        assert first.pages is not None and first.pages.exact and first.pages.pages > 3
        running = new_warm()
        assert running, "a warm LibreOffice runs during the watch"
        path.write_text(path.read_text().replace("First title", "Another title"))
        second = watcher.wait_for("pages", 2)
        assert second.pages_before == first.pages.pages
        assert new_warm() == running  # the same processes, kept warm
    assert _gone(new_warm) == set()


@pytest.mark.libreoffice
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=["ctrl-c", "kill", "hangup"])
def test_watch_stopped_by_a_signal_leaves_no_libreoffice(
        tmp_path: Path, stop: int, new_warm: Callable[[], set[str]]) -> None:
    require_tool("soffice")
    path = _small_project(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "proposal_kit", "watch", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "watching for changes" in line:
                break
        assert new_warm(), "the warm LibreOffice is running"
        proc.send_signal(stop)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    deadline = time.monotonic() + 5
    while new_warm() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not new_warm(), "LibreOffice was left running"


@pytest.mark.libreoffice
def test_a_crashed_warm_office_is_started_again(tmp_path: Path,
                                                new_warm: Callable[[], set[str]]) -> None:
    require_tool("soffice")
    python, soffice = find_uno_python(), find_soffice()
    assert python is not None and soffice is not None
    small = tmp_path / "small.docx"
    docx.Document().save(str(small))
    with WarmOffice(soffice, python) as office:
        assert count_pages(small, office=office).pages == 1
        assert office._office is not None
        os.killpg(office._office.pid, signal.SIGKILL)  # LibreOffice crashes between saves
        office._office.wait()
        assert count_pages(small, office=office).pages == 1
        assert office.starts == 2
    assert _gone(new_warm) == set()


def _report(spans: list[tuple[str, int, int, int, float | None]],
            limit: int = 40) -> PagesReport:
    """A report whose sections are (id, level, first page, last page, length)."""
    sections = [Section(sid, sid, f"Label {sid}", level, first, last, length=length)
                for sid, level, first, last, length in spans]
    total = max(last for _, _, _, last, _ in spans)
    return PagesReport(Path("x.docx"), LOT2, total, limit, True, "libreoffice", sections)


def test_section_changes_name_the_innermost_sections_that_grew() -> None:
    before = _report([("1", 1, 1, 4, 4.0), ("1.1", 2, 1, 2, 1.5), ("1.2", 2, 2, 4, 2.5),
                      ("2", 1, 5, 9, 5.0), ("wp1", 3, 6, 8, 2.0), ("annex", 1, 10, 11, None)])
    after = _report([("1", 1, 1, 5, 5.1), ("1.1", 2, 1, 3, 2.6), ("1.2", 2, 3, 5, 2.5),
                     ("2", 1, 6, 10, 5.05), ("wp1", 3, 7, 9, 2.0), ("annex", 1, 11, 11, None)])
    assert section_changes(before, before) == []
    # 1 grew because 1.1 did: only 1.1 is named. 1.2 and 2 moved down but kept their
    # length (2 within the noise threshold); the last section's span follows the last page.
    assert section_changes(before, after) == [SectionChange("Label 1.1", 1.5, 2.6)]
    gone = _report([("1", 1, 1, 4, 4.0), ("1.1", 2, 1, 2, 1.5), ("1.2", 2, 2, 4, 2.5),
                    ("2", 1, 5, 9, 5.0)])
    assert section_changes(before, gone) == [SectionChange("Label wp1", 2.0, 0.0),
                                             SectionChange("Label annex", 1.0, 0.0)]


def test_the_watch_line_gives_the_change_and_what_falls_beyond_the_limit() -> None:
    before = _report([("1", 1, 1, 20, 20.0), ("2", 1, 21, 40, None)])
    after = _report([("1", 1, 1, 21, 21.2), ("2", 1, 22, 41, None)])
    after.beyond = "2 falls partly after page 40."
    event = WatchEvent("pages", "", pages=after, seconds=0.6, pages_before=before.pages,
                       changes=tuple(section_changes(before, after)))
    line = click.unstyle(pages_line(event))
    assert line.startswith("41/40 pages (+1) 0.6 s; sections changed (pages): Label 1 +1.2")
    assert "over by 1: 2 falls partly after page 40." in line
    first = WatchEvent("pages", "", pages=before, seconds=1.0)
    assert click.unstyle(pages_line(first)) == "40/40 pages 1.0 s"
    before.exact = False
    assert click.unstyle(pages_line(first)) == "~40/40 pages (estimate: no LibreOffice)"


@pytest.mark.libreoffice
def test_section_lengths_follow_the_text_not_the_page_breaks(tmp_path: Path) -> None:
    """More text in one section changes its length, in the real layout; others barely."""
    require_tool("soffice")
    folder = tmp_path / "lot2"
    shutil.copytree(EXAMPLES / "lot2-blueprint", folder)
    first, second = tmp_path / "first.docx", tmp_path / "second.docx"
    render_project(load_project(folder / "project.yaml"), first)
    with (folder / "sections" / "methodology.md").open("a", encoding="utf-8") as text:
        text.write("\n\n" + "More method text. " * 400 + "\n")
    render_project(load_project(folder / "project.yaml"), second)
    changes = section_changes(count_pages(first), count_pages(second))
    assert changes[0].label == "2.1.1 Concept and methodology"
    assert changes[0].change > 1
    # Elsewhere only where a page break now falls: a table kept with its caption moves on
    # whole (the budget table under 2.1.4, about a third of a page), never by pages.
    assert all(abs(c.change) < 0.5 for c in changes[1:]), changes


def test_the_layout_fingerprint_follows_what_is_laid_out(tmp_path: Path) -> None:
    from proposal_kit.watch import layout_fingerprint

    path = _small_project(tmp_path)
    out = tmp_path / "draft.docx"
    render_project(load_project(path), out)
    first = layout_fingerprint(out)
    path.write_text(path.read_text() + "# a comment: nothing rendered changes\n")
    render_project(load_project(path), out)
    assert first is not None and layout_fingerprint(out) == first
    (tmp_path / "impact.md").write_text("Impact text, longer now.\n", encoding="utf-8")
    render_project(load_project(path), out)
    assert layout_fingerprint(out) not in (None, first)
    assert layout_fingerprint(tmp_path / "impact.md") is None  # not a DOCX


@pytest.mark.libreoffice
def test_a_save_that_renders_the_same_is_not_counted_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_tool("soffice")
    import proposal_kit.watch as watching

    counts: list[Path] = []
    real = watching.count_pages

    def counting(path: Path, **kwargs: object) -> PagesReport:
        counts.append(path)
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watching, "count_pages", counting)
    path = _small_project(tmp_path)
    with Watcher(path, pages=True) as watcher:
        first = watcher.wait_for("pages", 1)
        path.write_text(path.read_text() + "# a comment\n")
        second = watcher.wait_for("pages", 2)
        assert second.unchanged and second.pages is first.pages and len(counts) == 1
        path.write_text(path.read_text().replace("First title", "Another title"))
        third = watcher.wait_for("pages", 3)
        assert not third.unchanged and len(counts) == 2
    line = click.unstyle(pages_line(second))
    assert line.endswith("pages unchanged (the rendered content is the same: not counted "
                         "again)")
