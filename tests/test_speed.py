"""What makes proposal-kit fast without changing its output: compiled-template cache.

(Timings are benchmarks in bench/, not tests; these check the mechanisms behave.)
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from docx.oxml.ns import qn
from jinja2 import FileSystemLoader

from proposal_kit import templating
from proposal_kit.errors import TemplateError
from proposal_kit.templating import CACHE_ENV, compile_bounded, make_environment


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh compiled-template cache folder for this test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    templating._CACHES.clear()
    return folder


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Record every template Jinja compiles from source."""
    seen: list[str | None] = []
    original = jinja2.Environment.compile

    def spy(self: jinja2.Environment, source: str, name: str | None = None,
            filename: str | None = None, raw: bool = False, defer_init: bool = False) -> object:
        seen.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    return seen


def test_second_environment_reads_compiled_templates(cache: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "t.md.j2").write_text("{% for i in range(3) %}{{ i * 2 }}{% endfor %}\n")
    compiled = _compiles(monkeypatch)
    first = make_environment(FileSystemLoader(str(tmp_path)), trim=True)
    assert first.get_template("t.md.j2").render() == "024"
    assert compiled == ["t.md.j2"]
    assert any(cache.rglob("*.cache"))
    templating._CACHES.clear()  # as a new process would
    second = make_environment(FileSystemLoader(str(tmp_path)), trim=True)
    assert second.get_template("t.md.j2").render() == "024"
    assert compiled == ["t.md.j2"]  # not compiled again
    (tmp_path / "t.md.j2").write_text("{{ 'changed' }}\n")
    third = make_environment(FileSystemLoader(str(tmp_path)), trim=True)
    assert third.get_template("t.md.j2").render() == "changed\n"
    assert compiled == ["t.md.j2", "t.md.j2"]  # an edited template is compiled afresh


def test_section_texts_are_cached_by_place(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = _compiles(monkeypatch)
    env = make_environment()
    assert compile_bounded(env, "a {{ x }}", "section 'a'").render(x=1) == "a 1"
    assert compile_bounded(make_environment(), "a {{ x }}", "section 'a'").render(x=2) == "a 2"
    assert len(compiled) == 1
    assert compile_bounded(env, "b {{ x }}", "section 'a'").render(x=3) == "b 3"
    assert len(compiled) == 2


def test_errors_stay_located_with_the_cache(cache: Path, tmp_path: Path) -> None:
    source = "line one\n{{ missing.name }}\n"
    for _ in range(2):  # compiled, then read from the cache
        template = compile_bounded(make_environment(), source, "section 'x'")
        with pytest.raises(TemplateError) as caught:
            templating.render_bounded(template, {}, "section 'x'")
        assert caught.value.location is not None and caught.value.location.line == 2
    with pytest.raises(TemplateError, match="syntax error"):
        compile_bounded(make_environment(), "{% if %}", "section 'y'")


def test_options_and_versions_name_the_folder(cache: Path) -> None:
    plain = templating.bytecode_folder({"trim_blocks": False})
    trimmed = templating.bytecode_folder({"trim_blocks": True})
    assert plain is not None and trimmed is not None and plain != trimmed
    assert plain.parent == cache


def test_damaged_or_unusable_cache_is_a_miss(cache: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "t.j2").write_text("ok {{ 1 + 1 }}")
    make_environment(FileSystemLoader(str(tmp_path))).get_template("t.j2")
    for entry in cache.rglob("*.cache"):
        entry.write_bytes(entry.read_bytes()[:12])  # cut short
    templating._CACHES.clear()
    env = make_environment(FileSystemLoader(str(tmp_path)))
    assert env.get_template("t.j2").render() == "ok 2"
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))  # cannot be made
    templating._CACHES.clear()
    env = make_environment(FileSystemLoader(str(tmp_path)))
    assert env.bytecode_cache is None
    assert env.get_template("t.j2").render() == "ok 2"


def test_empty_variable_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    templating._CACHES.clear()
    assert make_environment(FileSystemLoader(str(tmp_path))).bytecode_cache is None


def test_default_folder_is_in_the_user_cache(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = templating.bytecode_folder({})
    assert folder is not None
    assert folder.parent == tmp_path / "xdg" / "proposal-kit" / "jinja"


@pytest.mark.parametrize("text", [
    "Digital skills", "yes", "1.5", "€ 12,000", "a: b", "'quoted'", '"double"', "  lead",
    "tab\there", "two\nlines", "", "é—“”…", "x" * 400,
    "line\u2028sep", "\ufeffbom", "emoji 😀", "long \t" * 300])
def test_directive_bodies_read_back_exactly(text: str) -> None:
    """A table directive's body is JSON when its text is plain (json's encoder, not YAML's
    representer), PyYAML's block style otherwise; either way the YAML reader gives the data
    back exactly. (A C0 or C1 control, such as NEL, is no cell's: the loader removes it from
    every value, with an error; see the test below.)"""
    from proposal_kit.render import directives
    from proposal_kit.render.compose import _C_SAFE, _dump
    from proposal_kit.yamlsource import parse_yaml

    data = {"groups": [[text, 2]], "columns": [text, "b"], "align": ["left", "right"],
            "rows": [{"cells": [text, "1"], "bold": True}, {"cells": ["c", text]}]}
    body = _dump(data)
    assert body.startswith("{") == (_C_SAFE.fullmatch(text) is not None)
    directives._WRITTEN.clear()
    assert parse_yaml(body, Path("{grouped-table}")).data == data


#: Texts of table cells, and whether a directive holding them must be parsed again: a
#: control character (the parser drops it, with a finding), or one the dumper escapes.
_DIRECTIVE_TEXTS = [("Digital skills", False), ("yes", False), ("1.5", False),
                    ("€ 12,000", False), ("a: b", False), ("'quoted'", False),
                    ("  lead", False), ("tab\there", False), ("two\nlines", False),
                    ("", False), ("é—“”…", False), ("x" * 400, False), ("NEL\x85", True),
                    ("\x1bescape", True), ("emoji 😀", True)]


@pytest.mark.parametrize(("text", "control"), _DIRECTIVE_TEXTS)
def test_directive_bodies_written_are_read_back_as_parsed(
        text: str, control: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A table directive the render wrote is read back without parsing it again.

    Its spec is the one parsing gives; a body with a control character or a character
    beyond the Basic Multilingual Plane is parsed as any other.
    """
    from proposal_kit.render import directives
    from proposal_kit.render.compose import _dump

    data = {"groups": [[text, 2]], "columns": [text, "b"], "align": ["left", "right"],
            "rows": [{"cells": [text, "1"], "bold": True}, {"cells": ["c", text]}]}
    body = _dump(data)
    parses: list[str] = []
    original = directives.parse_yaml

    def spy(text: str, file: Path, line_offset: int = 0) -> object:
        parses.append(text)
        return original(text, file, line_offset)

    monkeypatch.setattr(directives, "parse_yaml", spy)
    read = directives.grouped_spec(body + "\n")  # as the fence's content holds it
    assert parses == ([body + "\n"] if control else [])
    monkeypatch.setattr(directives, "_WRITTEN", type(directives._WRITTEN)())
    assert read == directives.grouped_spec(body + "\n")  # parsed: the same spec
    assert len(parses) == (2 if control else 1)


def test_remembered_directive_bodies_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from proposal_kit.render import directives

    monkeypatch.setattr(directives, "_WRITTEN", type(directives._WRITTEN)())
    for n in range(directives._WRITTEN_MAX + 10):
        directives.remember_body(f"n: {n}", {"n": n})
    assert len(directives._WRITTEN) == directives._WRITTEN_MAX
    assert "n: 0" not in directives._WRITTEN
    assert directives._WRITTEN[f"n: {directives._WRITTEN_MAX + 9}"] == \
        {"n": directives._WRITTEN_MAX + 9}


def test_tables_do_not_look_up_the_section(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing a table does not search the whole body for the last section (quadratic)."""
    from docx.document import Document

    from proposal_kit.render.docx_writer import write_docx
    from proposal_kit.resources import builtin_templates_dir

    looked_up: list[int] = []
    original = Document._block_width

    def spy(self: Document) -> object:
        looked_up.append(1)
        return original.fget(self)  # type: ignore[attr-defined]

    monkeypatch.setattr(Document, "_block_width", property(spy))
    table = "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n"
    grouped = ("```{grouped-table}\ngroups: [[G, 2]]\ncolumns: [x, y]\nrows:\n"
               "- cells: ['1', '2']\n```\n\n")
    gantt = "```{gantt}\ncolumns: [M1, M2]\nrows:\n- label: WP1\n  cells: [0]\n```\n\n"
    document = write_docx((table + grouped + gantt) * 5, builtin_templates_dir() /
                          "reference.docx", header="h", base_dir=tmp_path)
    assert len(document.tables) == 15
    assert looked_up == []
    width = document.sections[-1].page_width - document.sections[-1].left_margin - \
        document.sections[-1].right_margin
    for tbl in document.tables:  # the grid fills the text width, as before
        grid = [int(c.get(qn("w:w"))) for c in tbl._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
        assert abs(sum(grid) - width / 635) <= len(grid)


def test_grouped_table_xml_in_schema_order(tmp_path: Path) -> None:
    """The grouped table's cells: width, span, merge, shading; paragraphs: style, keep, jc."""
    from proposal_kit.render.docx_writer import write_docx
    from proposal_kit.resources import builtin_templates_dir

    body = ("```{grouped-table}\ngroups: [[Partner, 1], [Costs, 2]]\ncolumns: ['', a, b]\n"
            "align: [left, right, right]\nrows:\n- cells: [P1, '1', '2']\n"
            "- cells: [Total, '1', '2']\n  bold: true\n```\n")
    document = write_docx(body, builtin_templates_dir() / "reference.docx", header="h",
                          base_dir=tmp_path)
    rows = document.tables[0]._tbl.findall(qn("w:tr"))
    assert len(rows) == 4

    def names(element: object) -> list[str]:
        return [child.tag.split("}")[1] for child in element]  # type: ignore[attr-defined]

    first, under = rows[0].findall(qn("w:tc")), rows[1].findall(qn("w:tc"))
    assert names(first[0].find(qn("w:tcPr"))) == ["tcW", "vMerge", "shd"]
    assert first[0].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}").get(qn("w:val")) == "restart"
    assert names(first[1].find(qn("w:tcPr"))) == ["tcW", "gridSpan", "shd"]
    assert names(under[0].find(qn("w:tcPr"))) == ["tcW", "vMerge", "shd"]
    assert under[0].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}").get(qn("w:val")) is None
    assert names(under[1].find(f"{qn('w:p')}/{qn('w:pPr')}")) == ["pStyle", "keepNext", "jc"]
    for tr in rows:
        assert names(tr.find(qn("w:trPr")))[0] == "cantSplit"
    assert [len(tr.findall(f"{qn('w:trPr')}/{qn('w:tblHeader')}")) for tr in rows] == \
        [1, 1, 0, 0]
    body_cell = rows[2].findall(qn("w:tc"))[1]
    assert [t.text for t in body_cell.iter(qn("w:t"))] == ["1"]
    assert body_cell.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == \
        "right"


def test_missing_styles_added_without_searching_every_style(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """proposal-kit's styles go into a document lacking them (a form has hundreds of styles:
    python-docx's ``add_style`` reads every one for each style it adds)."""
    import docx
    from docx.styles.styles import Styles

    from proposal_kit.render.refdoc import STYLES, TOC_STYLES, add_missing_styles, style_ids

    document = docx.Document()
    searched: list[str] = []
    original = Styles.__contains__

    def spy(self: Styles, name: str) -> bool:
        searched.append(name)
        return original(self, name)

    monkeypatch.setattr(Styles, "__contains__", spy)
    add_missing_styles(document)
    assert searched == []
    ids = style_ids(document)
    normal = ids["Normal"]
    for name in (*STYLES, *TOC_STYLES):
        style = document.styles[name]
        assert style.type == docx.enum.style.WD_STYLE_TYPE.PARAGRAPH
        assert style.base_style is not None and style.base_style.style_id == normal
    assert document.styles["PK Table Heading"].font.bold is True


@pytest.mark.parametrize("layout", ["own", "form"])
def test_section_texts_renderer_made_once_a_render(layout: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The base of `absorb` re-renders the section texts with the render's own renderer."""
    from conftest import EXAMPLES, official_file
    from proposal_kit import load_project
    from proposal_kit.render import narrative, render_bytes
    from proposal_kit.roundtrip.base import read_base

    made: list[object] = []
    original = narrative.NarrativeRenderer.__init__

    def spy(self: narrative.NarrativeRenderer, *args: object, **kwargs: object) -> None:
        made.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(narrative.NarrativeRenderer, "__init__", spy)
    project = load_project(EXAMPLES / "lot2-blueprint" / "project.yaml")
    form = official_file("partb-form*.docx") if layout == "form" else None
    out = tmp_path / "partb.docx"
    out.write_bytes(render_bytes(project, form=form, force=True))
    assert len(made) == 1
    base, _ = read_base(out)
    assert base is not None and base.layout == layout
    assert any(s.found for s in base.sections.values())  # the section texts were placed


def _members(docx_bytes: bytes) -> dict[str, bytes]:
    """Each part of a DOCX by name."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_second_render_compiles_nothing(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A render in a new process finds every template and section text compiled.

    (A section of one unit once shared its cache entry with the base's rendering of that
    unit, so each replaced the other's on every render.)
    """
    from conftest import EXAMPLES
    from proposal_kit import load_project
    from proposal_kit.render import render_bytes

    project = load_project(EXAMPLES / "lot2-blueprint" / "project.yaml")
    first = render_bytes(project)
    templating._CACHES.clear()  # as a new process would
    compiled = _compiles(monkeypatch)
    again = render_bytes(load_project(EXAMPLES / "lot2-blueprint" / "project.yaml"))
    assert _members(again) == _members(first)  # the same content (zip dates are the clock's)
    assert compiled == []


def test_a_render_loads_none_of_the_page_counting_machinery() -> None:
    """`render` reads `pages.validate` (the DOCX checks) only: LibreOffice's launcher, the
    warm office and subprocess are imported by the commands that count pages."""
    import subprocess
    import sys

    probe = ("import sys; import proposal_kit.render, proposal_kit.check, proposal_kit.docxfile; "
             "print(' '.join(sorted(m for m in sys.modules if m.startswith('proposal_kit.pages')"
             " or m == 'subprocess')))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, timeout=60).stdout.split()
    assert loaded == ["proposal_kit.pages", "proposal_kit.pages.validate"], loaded


def test_a_render_and_its_check_compute_the_budget_once_per_call_figures(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules, the view model and the texts' variables all ask for the budget: within a
    render (and a check) each project's budget is computed once with the call's figures and
    once without them, not once per asker; outside one, every call computes afresh."""
    from conftest import EXAMPLES
    from proposal_kit import load_project
    from proposal_kit.budget import compute, compute_budget, one_budget_per_project
    from proposal_kit.check import check_project
    from proposal_kit.render import render_bytes

    computed: list[object] = []
    real = compute._compute

    def counting(proposal: object, call: object) -> compute.Budget:
        computed.append(call)
        return real(proposal, call)  # type: ignore[arg-type]

    monkeypatch.setattr(compute, "_compute", counting)
    project = load_project(EXAMPLES / "lot2-blueprint" / "project.yaml")
    with one_budget_per_project():
        render_bytes(project)
        check_project(project, render=False)
    assert len(computed) == 2 and computed.count(None) == 1, computed
    computed.clear()
    first, second = compute_budget(project.proposal), compute_budget(project.proposal)
    assert len(computed) == 2 and first == second
