"""The guidance site: it builds with warnings as errors, follows the data, and works in a browser.

One build per module (with an extra call topic and an extra generic text in temporary
folders, named by ``PROPOSAL_KIT_CALLS`` and ``PROPOSAL_KIT_TEXTS``) feeds every test. The
sources are copied to a temporary folder first, so the pages generated for the test data never
land in the checkout.
"""

from __future__ import annotations

import functools
import html
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import LOT2, ROOT, require_tool

pytestmark = pytest.mark.slow

TEST_TOPIC = "ERASMUS-EDU-2027-PI-ALL-INNO-TEST"
TEST_TEXT_KEY = "zz/test-text"
TEST_TEXT_TITLE = "Quokka lighthouse test text"
TEST_TEXT = f"""---
title: {TEST_TEXT_TITLE}
summary: A text that exists only to show that the catalogue follows the library.
tags: [test]
sections: [management]
lots: [2]
language: en
version: 1.0.0
reviewed: 2026-11-20
owner: Test office
variables:
  board_size:
    description: Number of members of the board
    default: seven
---
{{{{ project.acronym }}}} has a board of {{{{ board_size }}}} members.
"""


def _sphinx_build() -> Path:
    exe = Path(sys.executable).with_name("sphinx-build")
    if not exe.exists():
        pytest.skip("sphinx-build is not installed (pip install .[docs])")
    return exe


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the site once, with one extra call topic and one extra generic text."""
    sphinx = _sphinx_build()
    base = tmp_path_factory.mktemp("docs")
    src = base / "src"
    shutil.copytree(ROOT / "docs", src / "docs", ignore=shutil.ignore_patterns(
        "_build", "generated", "_generated_example", "__pycache__"))
    shutil.copytree(ROOT / "examples", src / "examples")

    calls = base / "calls"
    calls.mkdir()
    original = ROOT / "toolkit" / "proposal_kit" / "data" / "calls" / f"{LOT2}.yaml"
    text = original.read_text(encoding="utf-8").replace(f"id: {LOT2}", f"id: {TEST_TOPIC}")
    (calls / f"{TEST_TOPIC}.yaml").write_text(text, encoding="utf-8")
    texts = base / "texts"
    (texts / "zz").mkdir(parents=True)
    (texts / "zz" / "test-text.md").write_text(TEST_TEXT, encoding="utf-8")

    out = base / "html"
    env = {**os.environ, "PROPOSAL_KIT_CALLS": str(calls), "PROPOSAL_KIT_TEXTS": str(texts)}
    result = subprocess.run(
        [str(sphinx), "-W", "--keep-going", "-n", "-q", "-b", "html", str(src / "docs"),
         str(out)], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_build_is_clean(site: Path) -> None:
    for page in ("index.html", "tutorial.html", "examples.html", "search.html",
                 "reference/generated/cli.html", "reference/generated/schema.html",
                 "reference/generated/ecosystems.html", "reference/generated/templates.html",
                 "explanation/glossary.html", "howto/git-ci.html"):
        assert (site / page).is_file(), page


def test_reference_follows_the_call_data(site: Path) -> None:
    page = site / "reference" / "generated" / f"call-{TEST_TOPIC}.html"
    assert page.is_file()
    assert TEST_TOPIC in page.read_text(encoding="utf-8")
    assert TEST_TOPIC in (site / "reference" / "generated" / "calls.html").read_text(
        encoding="utf-8")


def test_reference_follows_the_text_library(site: Path) -> None:
    html = (site / "reference" / "generated" / "texts.html").read_text(encoding="utf-8")
    assert TEST_TEXT_TITLE in html
    assert TEST_TEXT_KEY in html
    assert "eqavet-esg" in html  # the built-in library is still there


def test_reference_shows_data_and_schema(site: Path) -> None:
    ecosystems = (site / "reference" / "generated" / "ecosystems.html").read_text(
        encoding="utf-8")
    for slug in ("renewable-energy", "proximity-social-economy", "aerospace-defence"):
        assert slug in ecosystems
    schema = (site / "reference" / "generated" / "schema.html").read_text(encoding="utf-8")
    assert "Participant Identification Code" in schema
    cli = (site / "reference" / "generated" / "cli.html").read_text(encoding="utf-8")
    assert 'id="proposal-kit-check"' in cli and "--strict" in cli


def test_example_is_rendered(site: Path) -> None:
    html = (site / "example" / "lot2-partB.html").read_text(encoding="utf-8")
    assert "RENEXUS" in html
    assert not html.lstrip().startswith("<!--")
    docx = site / "example" / "lot2-partB.docx"
    assert docx.read_bytes()[:2] == b"PK"
    page = (site / "examples.html").read_text(encoding="utf-8")
    assert "lot2-partB.docx" in page and "example/lot2-partB.html" in page


def test_site_names_no_seed(site: Path) -> None:
    """Sources are named by public title on every page and in the search index."""
    from test_no_seed_names import offences

    bad = {}
    for path in sorted([*site.rglob("*.html"), site / "searchindex.js"]):
        hits = offences(path.read_text(encoding="utf-8"))
        if hits:
            bad[str(path.relative_to(site))] = hits[:3]
    assert not bad, bad


def test_every_covers_slug_is_on_a_reference_page(site: Path) -> None:
    from proposal_kit.activities import activities_for
    from proposal_kit.calls import available_calls, load_call

    html = (site / "reference" / "generated" / "covers.html").read_text(encoding="utf-8")
    for topic in available_calls():
        for slug in activities_for(load_call(topic).activities).activities:
            assert f">{slug}<" in html, (topic, slug)
    assert "Real business insight for young student entrepreneurs" in html  # Lot 3's aims
    assert "women" not in html.lower()


def test_cli_reference_prints_double_hyphens(site: Path) -> None:
    html = (site / "reference" / "generated" / "cli.html").read_text(encoding="utf-8")
    assert "--strict" in html and "with --strict;" in html
    assert not re.search(r"[\u2013\u2014][a-z]", html), "an option printed with a dash"


def test_reference_pages_by_hand_are_built(site: Path) -> None:
    for name, text in (("findings", "eligibility.min-countries"),
                       ("environment", "PROPOSAL_KIT_CALLS"),
                       ("plan-steps", "offset_days"), ("call-rules", "ERASMUS-EDU-2027"),
                       ("markdown", "Footnotes")):
        assert text in (site / "reference" / f"{name}.html").read_text(encoding="utf-8")
    catalogue = (site / "reference" / "generated" / "texts.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", catalogue))
    assert '{{ text("management/project-management") }}' in text  # the line to copy
    assert "{{ institution.name }}" in text  # and the text itself


def test_example_page_links_back_to_the_guide(site: Path) -> None:
    html = (site / "example" / "lot2-partB.html").read_text(encoding="utf-8")
    links = _parse(site / "example" / "lot2-partB.html").links
    assert "../examples.html" in links and "../index.html" in links
    assert 'target="_top"' in html


# ----------------------------------------------------------------------------- links

class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            elif name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)


@functools.cache
def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_resolves(site: Path) -> None:
    broken = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 15
    for page in pages:
        for link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            if parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
            else:
                target = page
            if not target.exists() or not target.is_relative_to(site.resolve()):
                broken.append(f"{page.relative_to(site)}: {link}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in _parse(target).ids:
                broken.append(f"{page.relative_to(site)}: {link} (no id '{fragment}')")
    assert not broken, "\n".join(broken[:50])


# ----------------------------------------------------------------------------- browser

@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 at a free port."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Chromium logs every console message as "INFO:CONSOLE:<line>" (older: "CONSOLE(<line>)")
# without its level; the site's pages log nothing, so any console message is a failure.
_CONSOLE = re.compile(r"CONSOLE[:(]\d+|Uncaught")


def _chromium(url: str, tmp_path: Path) -> tuple[str, list[str]]:
    """The DOM of ``url`` after its scripts ran, and the console problems Chromium logged."""
    exe = require_tool("chromium")
    profile = tmp_path / f"profile-{_free_port()}"
    result = subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--enable-logging=stderr",
         "--v=0", "--virtual-time-budget=5000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    problems = [line for line in result.stderr.splitlines() if _CONSOLE.search(line)]
    return result.stdout, problems


@pytest.mark.browser
def test_home_page_in_browser(server: str, tmp_path: Path) -> None:
    dom, problems = _chromium(f"{server}/index.html", tmp_path)
    assert not problems, problems
    assert "How this guide is organised" in dom
    assert "Tutorial" in dom


@pytest.mark.browser
def test_reference_page_in_browser(server: str, tmp_path: Path) -> None:
    dom, problems = _chromium(
        f"{server}/reference/generated/call-ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT.html",
        tmp_path)
    assert not problems, problems
    assert "Minimum full partners" in dom
    assert "unverified" in dom


@pytest.mark.browser
def test_search_page_in_browser(server: str, tmp_path: Path) -> None:
    dom, problems = _chromium(f"{server}/search.html?q=eligibility", tmp_path)
    assert not problems, problems
    results = re.search(r'<ul[^>]*class="search"[^>]*>(.*?)</ul>', dom, re.S)
    assert results, "the search ran no query"
    assert results.group(1).count("<li") >= 1, "no search results for 'eligibility'"
    assert "Search finished" in dom


@pytest.mark.browser
@pytest.mark.parametrize("query", ["ECHE", "strict", "eligibility"])
def test_search_shows_excerpts_and_no_entry_twice(server: str, tmp_path: Path,
                                                  query: str) -> None:
    dom, problems = _chromium(f"{server}/search.html?q={query}", tmp_path)
    assert not problems, problems
    results = re.search(r'<ul[^>]*class="search"[^>]*>(.*?)</ul>', dom, re.S)
    assert results, "the search ran no query"
    items = re.findall(r"<li[^>]*>(.*?)</li>", results.group(1), re.S)
    assert len(items) >= 2
    hrefs = [re.sub(r"\?highlight=[^#\"]*", "", h) for h in
             re.findall(r'<a href="([^"]+)"', results.group(1))]
    assert len(hrefs) == len(set(hrefs)), sorted(hrefs)
    titles = [re.sub(r"<[^>]+>", "", re.search(r"<a[^>]*>(.*?)</a>", i, re.S).group(1))
              for i in items]
    assert len(titles) == len(set(titles)), titles
    excerpts = results.group(1).count('class="context"')
    assert excerpts >= len(items) // 2, f"{excerpts} excerpts for {len(items)} results"


@pytest.mark.browser
def test_console_errors_are_detected(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>console.error('boom'); missing();</script>"
                    "</body></html>", encoding="utf-8")
    _, problems = _chromium(page.as_uri(), tmp_path)
    assert any("boom" in line for line in problems)
    assert any("Uncaught" in line for line in problems)
