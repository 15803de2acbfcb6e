"""What makes proposal-kit fast without changing its output: compiled-template cache.

(Timings are benchmarks in bench/, not tests; these check the mechanisms behave.)
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
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
    "NEL\x85", "line\u2028sep", "\ufeffbom", "emoji 😀", "long \t" * 300])
def test_directive_yaml_is_pyyaml_s_own(text: str) -> None:
    """The table directives' YAML is what PyYAML's pure-Python emitter writes, byte for byte.

    (libyaml writes it when its output is the same; long or unusual strings go through
    PyYAML's own emitter.)
    """
    import yaml

    from proposal_kit.render.compose import _dump

    data = {"groups": [[text, 2]], "columns": [text, "b"], "align": ["left", "right"],
            "rows": [{"cells": [text, "1"], "bold": True}, {"cells": ["c", text]}]}
    assert _dump(data) == yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                         width=1000).rstrip()
