"""Generic texts: the library, layering, rendering, safety, lint, search and the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from conftest import project
from proposal_kit.cli import cli
from proposal_kit.errors import TemplateError, UsageError
from proposal_kit.model import Partner, Proposal
from proposal_kit.project import load_project
from proposal_kit.resources import builtin_texts_dir
from proposal_kit.texts import (
    TextLibrary,
    check_key,
    lint_library,
    make_text_function,
    partner_view,
    project_context,
    render_text,
    search,
)

Writer = Callable[..., Path]
PLACE = "section 'management' of project.yaml"
BODY = "{{ project.acronym }} is led by {{ lead.name }} ({{ lead.country_name }}), {{ cycle }}."
VARS = {"lead": {"description": "Partner id of the lead", "kind": "partner", "required": True},
        "cycle": {"description": "How often", "default": "every six months"}}


@pytest.fixture(autouse=True)
def _no_user_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROPOSAL_KIT_TEXTS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


def write_text(folder: Path, key: str, body: str = "About {{ project.acronym }}.",
               variables: dict[str, Any] | None = None, **meta: Any) -> Path:
    """Write a generic text ``key`` into ``folder``."""
    front: dict[str, Any] = {"title": f"Title of {key}", "summary": "A test text.",
                             "tags": ["test"], "sections": ["management"], "lots": [1, 2, 3],
                             "language": "en", "version": "1.0.0", "reviewed": "2026-01-15",
                             "owner": "IRO"}
    front.update(meta)
    if variables:
        front["variables"] = variables
    path = folder / f"{key}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
                    + "---\n" + body + "\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def context(**overrides: Any) -> dict[str, Any]:
    return project_context(Proposal.model_validate(project(**overrides)))


# -- the built-in library -------------------------------------------------------------------

def test_every_builtin_text_passes_lint() -> None:
    findings = lint_library(builtin_texts_dir())
    errors = [f"{f.file}:{f.line}: {f.message}" for f in findings if f.severity == "error"]
    assert errors == []
    assert len(TextLibrary([builtin_texts_dir()]).all()) >= 10


def test_every_builtin_text_renders_in_a_project() -> None:
    library = TextLibrary.for_project(None)
    ctx = context()
    for text in library.all():
        given = {name: "P2" if var.kind == "partner" else f"<{name}>"
                 for name, var in text.variables.items() if var.required}
        out = render_text(library, text.key, given, ctx, PLACE)
        assert "TESTX" in out or "Organisation" in out, text.key


# -- keys and safety --------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["../x", "/etc/passwd", "a/../../b", "..", "C:/x", "~/x",
                                 "quality\\..\\x", "Quality/X", "x.md", "", "a//b"])
def test_bad_keys_are_refused(key: str) -> None:
    with pytest.raises(UsageError) as err:
        TextLibrary.for_project(None).get(key)
    assert key in str(err.value) or "text key" in str(err.value)


def test_path_keys_say_why() -> None:
    with pytest.raises(UsageError, match="leave the library"):
        check_key("../secrets")
    with pytest.raises(UsageError, match="absolute path"):
        check_key("/etc/passwd")
    assert check_key("quality/eqavet-esg") == "quality/eqavet-esg"


def test_symlink_leaving_the_library_is_refused(tmp_path: Path) -> None:
    outside = write_text(tmp_path / "elsewhere", "secret")
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "leak.md").symlink_to(outside)
    with pytest.raises(UsageError, match="outside its library"):
        TextLibrary([lib]).get("leak")
    with pytest.raises(TemplateError, match="outside its library"):
        render_text(TextLibrary([lib]), "leak", {}, context(), PLACE)
    codes = [f.code for f in lint_library(lib)]
    assert "texts.outside-library" in codes


def test_render_refuses_path_keys_naming_the_place() -> None:
    with pytest.raises(TemplateError) as err:
        render_text(TextLibrary.for_project(None), "../../etc/passwd", {}, context(), PLACE)
    assert PLACE in str(err.value) and "leave the library" in str(err.value)


# -- layering ---------------------------------------------------------------------------------

def test_project_text_overrides_builtin(write_project: Writer, tmp_path: Path) -> None:
    write_text(tmp_path / "texts", "quality/eqavet-esg", "Our own quality text for "
               "{{ project.acronym }}.")
    proj = load_project(write_project(project()))
    library = TextLibrary.for_project(proj)
    text = library.get("quality/eqavet-esg")
    assert text.source == tmp_path / "texts" and library.origin(text) == "project"
    assert render_text(library, "quality/eqavet-esg", {}, context(), PLACE) == \
        "Our own quality text for TESTX."
    # the other built-in texts are still there
    assert library.get("profiles/hei").source == builtin_texts_dir()
    code, out = run("texts", "list", "--project", str(proj.file), "--format", "json")
    entry = next(e for e in json.loads(out) if e["key"] == "quality/eqavet-esg")
    assert code == 0 and entry["source"] == str(tmp_path / "texts")
    assert {"key", "title", "tags", "source"} <= set(entry)


def test_layer_order(write_project: Writer, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("texts", "iro", "env1", "env2"):
        write_text(tmp_path / name, "shared", f"From {name}.")
        write_text(tmp_path / name, f"only-{name}", f"Only {name}.")
    monkeypatch.setenv("PROPOSAL_KIT_TEXTS", f"{tmp_path / 'env1'}:{tmp_path / 'env2'}")
    proj = load_project(write_project(project(texts_dirs=["iro"])))
    library = TextLibrary.for_project(proj)
    assert [layer.origin for layer in library.layers] == [
        "project", "texts_dirs", "PROPOSAL_KIT_TEXTS", "PROPOSAL_KIT_TEXTS", "built-in"]
    assert render_text(library, "shared", {}, {}, PLACE) == "From texts."
    (tmp_path / "texts" / "shared.md").unlink()
    assert render_text(TextLibrary.for_project(proj), "shared", {}, {}, PLACE) == "From iro."
    no_project = TextLibrary.for_project(None)
    assert render_text(no_project, "shared", {}, {}, PLACE) == "From env1."
    assert render_text(no_project, "only-env2", {}, {}, PLACE) == "Only env2."


def test_missing_texts_dir_is_a_usage_error(write_project: Writer,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    proj = load_project(write_project(project(texts_dirs=["../no-such-library"])))
    with pytest.raises(UsageError, match="no-such-library") as err:
        TextLibrary.for_project(proj)
    assert err.value.location is not None and err.value.location.line is not None
    monkeypatch.setenv("PROPOSAL_KIT_TEXTS", "/no/such/folder")
    with pytest.raises(UsageError, match="PROPOSAL_KIT_TEXTS"):
        TextLibrary.for_project(None)


# -- rendering --------------------------------------------------------------------------------

def test_render_fills_partner_and_default(tmp_path: Path) -> None:
    write_text(tmp_path, "gov", BODY, VARS)
    partners = project()["partners"]
    partners[1].update(country="EL", city="Pátra", short_name="UPAT")
    out = render_text(TextLibrary([tmp_path]), "gov", {"lead": "P2"},
                      context(partners=partners), PLACE)
    assert out == "TESTX is led by Organisation 2 (Greece), every six months."


def test_project_variables_are_defaults(tmp_path: Path) -> None:
    write_text(tmp_path, "gov", BODY, VARS)
    ctx = context(variables={"lead": "P3", "cycle": "monthly"})
    out = render_text(TextLibrary([tmp_path]), "gov", {}, ctx, PLACE)
    assert out == "TESTX is led by Organisation 3 (France), monthly."
    out = render_text(TextLibrary([tmp_path]), "gov", {"cycle": "yearly"}, ctx, PLACE)
    assert out.endswith("yearly.")


def test_missing_required_variable_names_text_variable_and_place(tmp_path: Path) -> None:
    write_text(tmp_path, "gov", BODY, VARS)
    with pytest.raises(TemplateError) as err:
        render_text(TextLibrary([tmp_path]), "gov", {}, context(), PLACE)
    message = str(err.value)
    assert "'gov'" in message and "'lead'" in message and PLACE in message


def test_undeclared_variable_and_unknown_partner(tmp_path: Path) -> None:
    write_text(tmp_path, "gov", BODY, VARS)
    library = TextLibrary([tmp_path])
    with pytest.raises(TemplateError, match="has no variable 'cylce'") as err:
        render_text(library, "gov", {"lead": "P1", "cylce": "x"}, context(), PLACE)
    assert err.value.hint == "did you mean 'cycle'?" and PLACE in str(err.value)
    with pytest.raises(TemplateError, match="partner 'P99'") as err:
        render_text(library, "gov", {"lead": "P99"}, context(), PLACE)
    assert "'lead'" in str(err.value) and PLACE in str(err.value)


@pytest.mark.parametrize(("args", "given"), [((), "0 values"), ((3,), "the int 3"),
                                             (("gov", "P1"), "2 values")])
def test_text_called_without_one_key_says_how_to_call_it(tmp_path: Path, args: tuple[Any, ...],
                                                          given: str) -> None:
    write_text(tmp_path, "gov", BODY, VARS)
    text = make_text_function(TextLibrary([tmp_path]), context(), PLACE)
    with pytest.raises(TemplateError) as err:
        text(*args)
    message = str(err.value)
    assert "text() takes the key of a generic text" in message and given in message
    assert PLACE in message and "texts list" in (err.value.hint or "")
    assert "<locals>" not in message


def test_unknown_key_has_a_hint() -> None:
    library = TextLibrary.for_project(None)
    with pytest.raises(TemplateError) as err:
        render_text(library, "quality/eqavet", {}, context(), PLACE)
    assert PLACE in str(err.value) and err.value.hint == "did you mean 'quality/eqavet-esg'?"
    code, out = run("texts", "show", "quality/eqavet")
    assert code == 2 and "did you mean 'quality/eqavet-esg'" in out


def test_undefined_name_in_body_names_file_and_line(tmp_path: Path) -> None:
    path = write_text(tmp_path, "typo", "First line.\n\nSecond {{ project.acronym }} "
                      "and {{ cycel }}.")
    with pytest.raises(TemplateError) as err:
        render_text(TextLibrary([tmp_path]), "typo", {}, context(), PLACE)
    assert err.value.location is not None
    line = path.read_text().splitlines().index("Second {{ project.acronym }} and {{ cycel }}.")
    assert err.value.location.file == path and err.value.location.line == line + 1
    assert "cycel" in str(err.value) and PLACE in str(err.value)


def test_includes_nest_and_cycles_are_caught(tmp_path: Path) -> None:
    write_text(tmp_path, "outer", 'Intro. {{ text("inner", who="P2") }}')
    write_text(tmp_path, "inner", "Inner for {{ who.short_name }}.",
               {"who": {"description": "Partner", "kind": "partner", "required": True}})
    library = TextLibrary([tmp_path])
    assert render_text(library, "outer", {}, context(), PLACE) == "Intro. Inner for P2."
    write_text(tmp_path, "a", '{{ text("b") }}')
    write_text(tmp_path, "b", '{{ text("a") }}')
    with pytest.raises(TemplateError, match="cycle: a -> b -> a"):
        render_text(TextLibrary([tmp_path]), "a", {}, context(), PLACE)


def test_text_function_in_a_section_environment(tmp_path: Path) -> None:
    write_text(tmp_path, "gov", BODY, VARS)
    env = SandboxedEnvironment(undefined=StrictUndefined)
    env.globals["text"] = make_text_function(TextLibrary([tmp_path]), context(), PLACE)
    out = env.from_string('Intro.\n\n{{ text("gov", lead="P1") }}\n').render()
    assert out == "Intro.\n\nTESTX is led by Organisation 1 (Sweden), every six months."
    with pytest.raises(TemplateError, match="section 'management'"):
        env.from_string('{{ text("gov") }}').render()


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    write_text(tmp_path, "evil", "{{ project.__class__.__mro__ }}")
    with pytest.raises(TemplateError):
        render_text(TextLibrary([tmp_path]), "evil", {}, context(), PLACE)


def test_partner_view_and_project_context() -> None:
    tr = Partner(id="P9", name="İstanbul Üniversitesi", country="TR", type="hei",
                 role="beneficiary")
    view = partner_view(tr)
    assert view["country_name"] == "Türkiye" and view["short_name"] == "P9"
    assert view["type_label"] == "Higher education institution" and str(view) == tr.name
    ctx = context()["project"]
    assert ctx["partner_count"] == 12 and ctx["country_count"] == 8
    assert ctx["ecosystem"] == "Digital" and ctx["lot"] == 2 and ctx["coordinator"]["id"] == "P1"


# -- lint ------------------------------------------------------------------------------------

def test_lint_finds_variable_problems_with_lines(tmp_path: Path) -> None:
    path = write_text(tmp_path, "vars", "Uses {{ undeclared }} and {{ project.acronmy }}.",
                      {"unused": {"description": "Never used", "default": "x"}})
    lines = path.read_text().splitlines()
    found = {f.code: f for f in lint_library(tmp_path)}
    assert found["texts.undeclared-variable"].line == len(lines)
    assert "undeclared" in found["texts.undeclared-variable"].message
    assert found["texts.unused-variable"].line == lines.index("  unused:") + 1
    assert found["texts.unknown-field"].hint == "did you mean 'acronym'?"
    assert found["texts.length"].severity == "warning"


def test_lint_bad_front_matter_has_line_numbers(tmp_path: Path) -> None:
    (tmp_path / "broken.md").write_text("---\ntitle: x\nsummary: [unclosed\n---\nBody\n")
    (tmp_path / "extra.md").write_text(
        "---\ntitle: T\nsummary: S\nlanguage: en\nversion: 1.0.0\nreviewed: 2026-01-01\n"
        "owner: IRO\ncolour: blue\nsections: [managment]\n---\nBody\n")
    (tmp_path / "none.md").write_text("Just a body\n")
    (tmp_path / "date.md").write_text("---\ntitle: T\nreviewed: 2026-13-01\n---\n")
    write_text(tmp_path, "syntax", "Fine.\n{% for x in project.partners %}")
    found = lint_library(tmp_path)
    by_file: dict[str, list[Any]] = {}
    for f in found:
        by_file.setdefault(f.file, []).append(f)
    assert by_file["broken.md"][0].code == "texts.front-matter"
    assert by_file["broken.md"][0].line in (3, 4)
    extra = {f.message: f for f in by_file["extra.md"]}
    assert extra["unknown key 'colour'"].line == 8
    assert extra["unknown section 'managment'"].hint == "did you mean 'management'?"
    assert by_file["none.md"][0].code == "texts.front-matter"
    assert any(f.line == 3 and "month" in f.message for f in by_file["date.md"])
    assert by_file["syntax.md"][0].code == "texts.syntax"
    with pytest.raises(TemplateError, match="syntax error") as err:
        render_text(TextLibrary([tmp_path]), "syntax", {}, context(), PLACE)
    assert err.value.location is not None and err.value.location.line is not None


def test_lint_duplicate_and_bad_keys_and_includes(tmp_path: Path) -> None:
    write_text(tmp_path, "dup", "One.")
    (tmp_path / "dup.MD").write_text((tmp_path / "dup.md").read_text())
    write_text(tmp_path, "Bad_Name", "Bad.")
    write_text(tmp_path, "inc", '{{ text("nope") }} {{ text("profiles/hei", wrong="x") }}')
    codes = [f.code for f in lint_library(tmp_path)]
    assert "texts.duplicate-key" in codes and "texts.bad-key" in codes
    assert codes.count("texts.broken-include") >= 2


def test_cli_lint_exit_codes_and_json(tmp_path: Path) -> None:
    assert run("texts", "lint")[0] == 0
    write_text(tmp_path, "bad", "{{ nothing }}")
    code, out = run("texts", "lint", str(tmp_path))
    assert code == 1 and "bad.md:" in out and "texts.undeclared-variable" in out
    code, out = run("texts", "lint", str(tmp_path), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["summary"]["error"] >= 1 and data["findings"][0]["file"] == "bad.md"


# -- search ----------------------------------------------------------------------------------

def test_search_ranks_best_match_first(tmp_path: Path) -> None:
    write_text(tmp_path, "privacy", "We protect personal data.", title="Data protection",
               tags=["gdpr", "data-protection"])
    write_text(tmp_path, "mention", "Data are collected once; protection of staff time "
               "matters.", title="Work plan")
    write_text(tmp_path, "other", "Nothing related.", title="Gender balance")
    hits = search(TextLibrary([tmp_path]).all(), "data protection")
    assert [h.text.key for h in hits] == ["privacy", "mention"]
    assert hits[0].score > hits[1].score
    code, out = run("texts", "search", "GDPR", "personal", "data", "--format", "json")
    assert code == 0 and json.loads(out)[0]["key"] == "ethics/data-protection"


def test_cli_search_text_output() -> None:
    code, out = run("texts", "search", "skills", "intelligence", "--limit", "2")
    assert code == 0 and out.startswith("lot2/skills-intelligence-methodology")
    assert run("texts", "search", "zzzqqq")[0] == 0
    for nothing in ("", "  ", "..."):  # no word at all: a usage error, not "no matches"
        code, out = run("texts", "search", nothing)
        assert code == 2 and "nothing to search for" in out, nothing


# -- the other commands ------------------------------------------------------------------------

def test_cli_list_filters() -> None:
    code, out = run("texts", "list", "--format", "json")
    data = json.loads(out)
    assert code == 0 and all({"key", "title", "tags", "source"} <= set(d) for d in data)
    code, out = run("texts", "list", "--tag", "profile", "--format", "json")
    assert {d["key"] for d in json.loads(out)} >= {"profiles/hei", "profiles/enterprise"}
    assert all("profile" in d["tags"] for d in json.loads(out))
    code, out = run("texts", "list", "--section", "ethics")
    assert code == 0 and "ethics/data-protection" in out and "profiles/hei" not in out
    code, out = run("texts", "list", "--section", "ethic")
    assert code == 2 and "did you mean 'ethics'" in out


def test_cli_show(write_project: Writer) -> None:
    code, out = run("texts", "show", "quality/eqavet-esg")
    assert code == 0 and "[project.acronym]" in out and "quality_lead (partner id" in out
    path = str(write_project(project()))
    code, out = run("texts", "show", "quality/eqavet-esg", "--project", path,
                    "--var", "quality_lead=P2", "--var", "review_cycle=monthly", "--body")
    assert code == 0 and out.startswith("TESTX") and "Organisation 2" in out
    assert "monthly" in out
    code, out = run("texts", "show", "quality/eqavet-esg", "--project", path)
    assert code == 1 and "'quality_lead'" in out and "'texts show'" in out
    code, out = run("texts", "show", "quality/eqavet-esg", "--raw")
    assert code == 0 and out.startswith("---\ntitle:")
    code, out = run("texts", "show", "profiles/hei", "--format", "json")
    assert code == 0 and json.loads(out)["key"] == "profiles/hei"
    assert run("texts", "show", "profiles/hei", "--var", "novalue")[0] == 2
    code, out = run("texts", "show", "../etc/passwd")
    assert code == 2 and "leave the library" in out


def test_cli_new_creates_a_lint_clean_skeleton(tmp_path: Path) -> None:
    code, out = run("texts", "new", "quality/peer-review", "--dir", str(tmp_path),
                    "--title", "Peer review: how it works")
    path = tmp_path / "quality" / "peer-review.md"
    assert code == 0 and path.is_file()
    text = TextLibrary([tmp_path]).get("quality/peer-review")
    assert text.title == "Peer review: how it works" and "lead" in text.variables
    assert not [f for f in lint_library(tmp_path) if f.severity == "error"]
    before = path.read_text()
    code, out = run("texts", "new", "quality/peer-review", "--dir", str(tmp_path))
    assert code == 3 and "exists" in out and "--force" in out and path.read_text() == before
    path.write_text(before + "My own notes.\n")
    code, out = run("texts", "new", "quality/peer-review", "--dir", str(tmp_path), "--force",
                    "--title", "Peer review: how it works")
    assert code == 0 and path.read_text() == before
    assert (tmp_path / "quality" / "peer-review.backup-1.md").read_text() == \
        before + "My own notes.\n"
    assert run("texts", "new", "../escape", "--dir", str(tmp_path))[0] == 2
    assert list(tmp_path.rglob("*.tmp")) == []


def test_cli_help() -> None:
    for sub in ("list", "show", "search", "new", "lint"):
        code, out = run("texts", sub, "--help")
        assert code == 0 and "Usage:" in out


def test_broken_user_text_is_skipped_by_list_and_failed_by_lint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_text(tmp_path, "good", "Good {{ project.acronym }}.")
    (tmp_path / "broken.md").write_text("---\ntitle: [x\n---\n")
    monkeypatch.setenv("PROPOSAL_KIT_TEXTS", str(tmp_path))
    result = CliRunner().invoke(cli, ["texts", "list"])
    assert result.exit_code == 0 and "good" in result.stdout
    assert "skipped" in result.stderr and "broken.md:2" in result.stderr
    code, out = run("texts", "lint")
    assert code == 1 and "2 libraries checked" in out
    code, out = run("texts", "show", "broken")
    assert code == 1 and "broken.md:2" in out


def test_lint_an_unknown_filter_is_a_syntax_finding(tmp_path: Path) -> None:
    """Found when the body is compiled (lint compiles it to find its names): before, the
    compiler's error ended `texts lint` with an internal error."""
    write_text(tmp_path, "filtered", "Fine.\n\n{{ project.acronym|nosuchfilter }}\n")
    [found] = [f for f in lint_library(tmp_path)
               if f.file == "filtered.md" and f.code == "texts.syntax"]
    assert "No filter named 'nosuchfilter'" in found.message
    assert found.line is not None


def test_lint_reports_every_unknown_filter_and_the_names_around_them(tmp_path: Path) -> None:
    """Compiling stops at the first unknown filter: each is named, and the body's names are
    still checked."""
    write_text(tmp_path, "filtered", "{{ project.acronym|uper }} {{ who }}\n\n"
                                     "{{ project.title|nosuch }} {{ project.acronym|uper }}\n")
    found = [(f.code, f.message, f.hint) for f in lint_library(tmp_path)
             if f.file == "filtered.md"]
    assert ("texts.syntax", "template syntax error: No filter named 'uper'.",
            "did you mean 'upper'?") in found, found
    assert ("texts.syntax", "template syntax error: No filter named 'nosuch'.", None) in found
    assert sum("No filter named" in message for _, message, _ in found) == 2
    assert any(code == "texts.undeclared-variable" and "'who'" in message
               for code, message, _ in found), found
