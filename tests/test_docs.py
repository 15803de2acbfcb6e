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
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import LOT2, ROOT, chromium_dom

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
  lighthouse_keeper_full_name:
    description: Full name of the keeper (a long name, so the copy line wraps at 1280 px)
    required: true
  lighthouse_island_and_region:
    description: Island and region of the lighthouse
    required: true
  lighthouse_first_lit_in_year:
    description: Year the lighthouse was first lit
    required: true
---
{{{{ project.acronym }}}} has a board of {{{{ board_size }}}} members, and
{{{{ lighthouse_keeper_full_name }}}} keeps the light on {{{{ lighthouse_island_and_region }}}},
lit since {{{{ lighthouse_first_lit_in_year }}}}.
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


def test_call_page_flags_unverified_figures_in_the_value_cell(site: Path) -> None:
    """Four columns; each unverified figure, and only those, has the label beside its value."""
    from proposal_kit.calls import Figures, available_calls, load_call

    for topic in available_calls():
        rules = load_call(topic)
        page = (site / "reference" / "generated" / f"call-{topic}.html").read_text(
            encoding="utf-8")
        table = re.search(r"<table.*?</table>", page, re.S)
        assert table, topic
        heads = [re.sub(r"<[^>]+>", "", h).strip()
                 for h in re.findall(r"<th[^>]*>(.*?)</th>", table.group(0), re.S)]
        assert heads == ["Figure", "Meaning", "Value", "Source"], (topic, heads)
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.S)[1:]
        flagged = {re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[0])
                   .strip() for row in rows if 'class="pk-flag"' in row}
        unverified = {name for name in Figures.model_fields
                      if (f := getattr(rules.figures, name)) is not None and f.unverified}
        assert unverified and flagged == unverified, (topic, flagged ^ unverified)


def _tables(page: Path) -> list[list[list[str]]]:
    """The body rows of each table of a built page, as the text of their cells."""
    text = page.read_text(encoding="utf-8")
    out = []
    for table in re.findall(r"<table.*?</table>", text, re.S):
        body = table.split("<tbody>", 1)[-1]
        out.append([[html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                     for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)])
    return out


@pytest.mark.parametrize("name", ["covers", "ecosystems"])
def test_generated_tables_have_no_empty_or_repeated_column(site: Path, name: str) -> None:
    """A column nobody fills (ongoing initiatives) or that says one thing on every row (the
    single group of Lot 1's aims) is not shown; what it would say is said once above."""
    for rows in _tables(site / "reference" / "generated" / f"{name}.html"):
        for i in range(len(rows[0])):
            column = [row[i] for row in rows if len(row) > i]
            assert any(column), (name, rows[0])
            assert len(rows) < 3 or len(set(column)) > 1, (name, column[:3])
    covers = (site / "reference" / "generated" / "covers.html").read_text(encoding="utf-8")
    assert "Aims of Alliances for Education and Enterprises" in covers


def test_schema_page_keeps_placeholders_and_every_use(site: Path) -> None:
    page = (site / "reference" / "generated" / "schema.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "numbered D<wp>.<n> automatically" in text  # not swallowed as an HTML tag
    assert re.search(r"Used in: natural_persons, seconded, .*financial_support of "
                     r"PartnerCosts", text)


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
    assert "PosixPath(" not in html, "a default printed as a Python value"


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
    """Serves the site; ``PAGE.html?pk-layout`` also runs ``_LAYOUT_JS`` in the page."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if query != "pk-layout" or not path.endswith(".html"):
            super().do_GET()
            return
        page = Path(self.directory, unquote(path).lstrip("/"))
        data = page.read_bytes().replace(
            b"</body>", f"<script>{_LAYOUT_JS}</script></body>".encode(), 1)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.mark.browser
def test_home_page_in_browser(server: str, tmp_path: Path) -> None:
    dom, problems = chromium_dom(f"{server}/index.html", tmp_path)
    assert not problems, problems
    assert "How this guide is organised" in dom
    assert "Tutorial" in dom


@pytest.mark.browser
def test_reference_page_in_browser(server: str, tmp_path: Path) -> None:
    dom, problems = chromium_dom(
        f"{server}/reference/generated/call-ERASMUS-EDU-2026-PI-ALL-INNO-BLUEPRINT.html",
        tmp_path)
    assert not problems, problems
    assert "Minimum full partners" in dom
    assert "unverified" in dom


@pytest.mark.browser
def test_search_page_in_browser(server: str, tmp_path: Path) -> None:
    dom, problems = chromium_dom(f"{server}/search.html?q=eligibility", tmp_path)
    assert not problems, problems
    results = re.search(r'<ul[^>]*class="search"[^>]*>(.*?)</ul>', dom, re.S)
    assert results, "the search ran no query"
    assert results.group(1).count("<li") >= 1, "no search results for 'eligibility'"
    assert "Search finished" in dom


@pytest.mark.browser
@pytest.mark.parametrize("query", ["ECHE", "strict", "eligibility"])
def test_search_shows_excerpts_and_no_entry_twice(server: str, tmp_path: Path,
                                                  query: str) -> None:
    dom, problems = chromium_dom(f"{server}/search.html?q={query}", tmp_path)
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
    _, problems = chromium_dom(page.as_uri(), tmp_path)
    assert any("boom" in line for line in problems)
    assert any("Uncaught" in line for line in problems)


# ----------------------------------------------------------------------------- layout

#: Run in a page after it loaded: what sticks out sideways at the window's width, what wraps
#: that must stay on one line, and what copying each ``text()`` block gives. The result is
#: appended as JSON in ``<pre id="pk-layout">`` for ``--dump-dom`` to carry out.
_LAYOUT_JS = r"""
window.addEventListener('load', function () { setTimeout(function () {
  var out = {overflow: [], wrapped: [], copies: []};
  var doc = document.documentElement;
  var label = function (el) { return el.textContent.trim().replace(/\s+/g, ' ').slice(0, 60); };
  var lines = function (el) {
    var range = document.createRange(); range.selectNodeContents(el);
    var tops = Array.from(range.getClientRects()).filter(function (r) { return r.width > 0; })
      .map(function (r) { return r.top; });
    var first = Math.min.apply(null, tops), height = parseFloat(getComputedStyle(el).fontSize);
    return tops.some(function (t) { return t > first + height * 0.8; }) ? 2 : 1;
  };
  if (doc.scrollWidth > doc.clientWidth)
    out.overflow.push('the page is ' + doc.scrollWidth + ' px wide in ' + doc.clientWidth);
  document.querySelectorAll('article table').forEach(function (table) {
    var width = table.getBoundingClientRect().width, room = table.parentElement.clientWidth;
    if (width > room + 1) out.overflow.push('table "' + label(table.rows[0]) + '" is ' +
                                            Math.round(width) + ' px wide in ' + room);
    var heads = Array.from(table.querySelectorAll('thead th')).map(label);
    Array.from(table.querySelectorAll('tbody tr')).forEach(function (row) {
      var cells = Array.from(row.cells);
      heads.forEach(function (head, i) {
        if (head === 'Lots' && cells[i] && lines(cells[i]) > 1) out.wrapped.push(label(cells[i]));
      });
      if (cells.length === 2 && label(cells[0]) === 'Lots' && lines(cells[1]) > 1)
        out.wrapped.push(label(cells[1]));
    });
  });
  document.querySelectorAll('article pre').forEach(function (pre) {
    if (pre.scrollWidth > pre.clientWidth + 1)
      out.overflow.push('code block "' + label(pre) + '" scrolls: ' + pre.scrollWidth +
                        ' px in ' + pre.clientWidth);
    if (pre.textContent.indexOf('{{ text(') === 0) {
      var range = document.createRange(); range.selectNodeContents(pre);
      var selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
      out.copies.push({copied: selection.toString(), lines: lines(pre)});
    }
  });
  var result = document.createElement('pre'); result.id = 'pk-layout';
  result.textContent = JSON.stringify(out); document.body.appendChild(result);
}, 0); });
"""


def _layout(url: str, tmp_path: Path) -> dict[str, list]:
    dom, problems = chromium_dom(f"{url}?pk-layout", tmp_path)
    assert not problems, problems
    found = re.search(r'<pre id="pk-layout">(.*?)</pre>', dom, re.S)
    assert found, f"the layout script did not run on {url}"
    result: dict[str, list] = json.loads(html.unescape(found.group(1)))
    return result


@pytest.mark.browser
def test_reference_pages_fit_a_1280_px_window(site: Path, server: str, tmp_path: Path) -> None:
    """Nothing sticks out sideways; lots stay on one line; a text() line copies as one line."""
    pages = sorted(p.relative_to(site).as_posix()
                   for p in (site / "reference" / "generated").glob("*.html"))
    pages += ["reference/findings.html", "reference/environment.html",
              "reference/call-rules.html"]
    assert f"reference/generated/call-{TEST_TOPIC}.html" in pages
    assert "reference/generated/texts.html" in pages
    bad: dict[str, list] = {}
    copies: list[dict] = []
    for page in pages:
        result = _layout(f"{server}/{page}", tmp_path)
        problems = result["overflow"][:4] + [f"lots over two lines: {v}"
                                              for v in result["wrapped"][:4]]
        if problems:
            bad[page] = [f"{len(result['overflow'])} overflow, {len(result['wrapped'])} "
                         "lots wrapped", *problems]
        copies += result["copies"]
    assert not bad, json.dumps(bad, indent=1)
    # The catalogue's text() lines: one per text, each copied as the one line to paste,
    # also the test text's, long enough to wrap on screen.
    assert len(copies) >= 27
    for copy in copies:
        assert re.fullmatch(r'\{\{ text\("[a-z0-9/-]+"(, \w+="\.\.\.")*\) \}\}\n?',
                            copy["copied"]), copy
    test_line = next(c for c in copies if TEST_TEXT_KEY in c["copied"])
    assert test_line["lines"] > 1, "the long text() line should wrap on screen"
