"""`check` predicts `render`: everything the render would stop on, in one pass, located."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES
from proposal_kit import load_project
from proposal_kit.check import check_file
from proposal_kit.errors import ProposalKitError
from proposal_kit.findings import Finding
from proposal_kit.render import render_bytes

LOT1_DIR = EXAMPLES / "lot1-education-enterprises"


@pytest.fixture
def lot1(tmp_path: Path) -> Path:
    target = tmp_path / "proj"
    shutil.copytree(LOT1_DIR, target)
    return target / "project.yaml"


def _section(file: Path, text: str, sid: str = "needs") -> Path:
    path = file.parent / "sections" / f"{sid}.md"
    path.write_text(text, encoding="utf-8")
    return path


def _errors(file: Path) -> list[Finding]:
    return [f for f in check_file(file).findings if f.severity.value == "error"]


def test_every_problem_of_the_sections_in_one_pass(lot1: Path) -> None:
    needs = _section(lot1, "Intro.\n\nSee [[D9.9]] and [[WP77]].\n\n"
                           "{{ text('no/such-text') }}\n")
    _section(lot1, "First line.\n\n{{ 1/0 }}\n", "background")
    _section(lot1, "```{nosuchthing}\nx: 1\n```\n\n![fig](missing.png)\n", "impact")
    errors = _errors(lot1)
    messages = " | ".join(f.message for f in errors)
    for expected in ("D9.9", "WP77", "no/such-text", "division by zero", "nosuchthing",
                     "missing.png"):
        assert expected in messages, (expected, messages)
    refs = [f for f in errors if "D9.9" in f.message or "WP77" in f.message]
    assert {f.file for f in refs} == {str(needs)}
    assert all(f.line == 3 for f in refs)
    division = next(f for f in errors if "division by zero" in f.message)
    assert division.file and division.file.endswith("background.md") and division.line == 3
    # and the render indeed stops on them
    with pytest.raises(ProposalKitError):
        render_bytes(load_project(lot1), "md")


def test_jinja_syntax_error_of_an_inline_section_is_at_its_project_line(lot1: Path) -> None:
    text = lot1.read_text(encoding="utf-8")
    old = "needs: {file: sections/needs.md}"
    assert old in text
    lot1.write_text(text.replace(old, 'needs: "Para one.\\n\\nPara {{ unclosed"'),
                    encoding="utf-8")
    line = next(n for n, content in enumerate(lot1.read_text().splitlines(), 1)
                if "unclosed" in content)
    [error] = _errors(lot1)
    assert "syntax error" in error.message
    assert error.file is None and error.line == line  # project.yaml's line, not "line 1"


def test_missing_variable_of_a_generic_text(lot1: Path) -> None:
    _section(lot1, "{{ text('impact/dissemination-visibility') }}\n")
    errors = _errors(lot1)
    assert errors and all("impact/dissemination-visibility" in f.message or
                          "dissemination_lead" in f.message for f in errors), errors


def test_a_partner_without_website_is_a_warning_naming_text_and_partner(lot1: Path) -> None:
    assert all(p.website is None for p in load_project(lot1).proposal.partners)  # none given
    _section(lot1, "{{ text('profiles/enterprise', institution='P6', employees='60 people', "
                   "activity='food', project_role='pilots') }}\n")
    report = check_file(lot1)
    assert report.summary["error"] == 0, [f.message for f in report.findings]
    [warning] = [f for f in report.findings if f.code == "render.partner-fact"]
    assert "profiles/enterprise" in warning.message and "P6" in warning.message
    assert "website" in warning.message and warning.hint == "add 'website:' to partner P6 " \
        "in project.yaml"


@pytest.mark.parametrize("body", [
    "```{gantt}\nrows: [unclosed\n```\n",
    "```{gantt}\ncolumns: " + str(list(range(5000))) + "\nrows: []\n```\n",
    "```{style} NoSuchStyle\nText\n```\n",
    "{% for i in range(10**12) %}x{% endfor %}\n",
    "{{ 'x' * 10**9 }}\n",
    "{% include 'partb.md.j2' %}\n",
])
def test_blocks_and_limits_are_errors_of_check(lot1: Path, body: str) -> None:
    _section(lot1, body)
    [error] = _errors(lot1)
    assert error.file and error.file.endswith("needs.md")
    with pytest.raises(ProposalKitError):
        render_bytes(load_project(lot1), "docx")


def test_a_project_check_passes_renders(lot1: Path) -> None:
    assert check_file(lot1).summary["error"] == 0
    for fmt in ("md", "html", "docx"):
        assert render_bytes(load_project(lot1), fmt)  # type: ignore[arg-type]


def test_a_refused_section_file_does_not_hide_the_problems_of_the_others(lot1: Path) -> None:
    """One pass: a section file outside the project is an error, and the other sections are
    still checked (references, images), as the render would meet them after the fix."""
    link = lot1.parent / "sections" / "link.md"
    link.symlink_to("/etc/hostname")
    text = lot1.read_text(encoding="utf-8")
    lot1.write_text(text.replace("{file: sections/background.md}", "{file: sections/link.md}"),
                    encoding="utf-8")
    _section(lot1, "See [[WP99]].\n\n![figure](no-such-figure.png)\n")
    codes = {f.code: f for f in _errors(lot1)}
    assert {"schema.outside-path", "render.reference", "render.block"} <= set(codes), codes
    assert "WP99" in codes["render.reference"].message
    assert "no-such-figure.png" in codes["render.block"].message


def test_a_jinja_error_does_not_hide_the_other_problems_of_its_section(lot1: Path) -> None:
    """The render of 'needs' stops at its first line; check still reads the rest of it."""
    needs = _section(lot1, "Intro {{ 1/0 }} here.\n\n"
                           "{{ text('impact/dissemination-visibilty') }}\n\n"
                           "{{ text('impact/dissemination-visibility') }}\n\n"
                           "See [[D9.9]] and [[WP77]].\n\n"
                           "![fig](no-such.png)\n\n"
                           "```{gantt}\nrows: [unclosed\n```\n\n"
                           "```{style} NoSuchStyle\nText\n```\n")
    errors = _errors(lot1)
    assert {f.file for f in errors} == {str(needs)}
    where = {(f.line, f.column): f.message for f in errors}
    assert "division by zero" in where[(1, None)]
    assert "'impact/dissemination-visibilty'" in where[(3, 4)]
    assert "did you mean 'impact/dissemination-visibility'" in (
        next(f.hint or "" for f in errors if f.line == 3) + where[(3, 4)])
    assert "dissemination_lead" in where[(5, 4)]
    assert "[[D9.9]]" in where[(7, 5)] and "[[WP77]]" in where[(7, 18)]
    assert "no-such.png" in where[(9, None)]
    assert "{gantt}" in where[(11, None)]
    assert "NoSuchStyle" in where[(15, None)]
    assert len(errors) == 8, where


def test_a_syntax_error_does_not_hide_text_keys_and_references(lot1: Path) -> None:
    _section(lot1, "Para {{ unclosed\n\n{{ text(\"no/such\") }} and [[WP99]]\n")
    messages = {(f.line, f.column): f.message for f in _errors(lot1)}
    assert "syntax error" in messages[(3, None)]
    assert "no/such" in messages[(3, 4)] and "[[WP99]]" in messages[(3, 27)]


def test_problems_of_an_inline_literal_section_are_at_their_project_lines(lot1: Path) -> None:
    text = lot1.read_text(encoding="utf-8")
    old = "needs: {file: sections/needs.md}"
    lot1.write_text(text.replace(old, "needs: |\n      Intro {{ 1/0 }} here.\n\n"
                                      "      {{ text('no/such') }}\n\n      See [[D9.9]].\n"),
                    encoding="utf-8")
    first = next(n for n, line in enumerate(lot1.read_text().splitlines(), 1)
                 if "Intro {{" in line)
    found = {(f.line, f.column): f.message for f in _errors(lot1)}
    assert all(f.file is None for f in _errors(lot1))  # project.yaml
    assert "division by zero" in found[(first, None)]
    assert "no/such" in found[(first + 2, 10)]
    assert "[[D9.9]]" in found[(first + 4, 11)]


def test_a_reference_a_generic_text_writes_is_still_reported(lot1: Path) -> None:
    """What only the render shows (a text's own output) is found by rendering."""
    texts = lot1.parent / "texts" / "corpus"
    texts.mkdir(parents=True)
    (texts / "refs.md").write_text(
        "---\ntitle: Refs\nsummary: A text that refers.\nlanguage: en\nversion: 1.0.0\n"
        "reviewed: 2026-11-20\nowner: IRO\ntags: [corpus]\nsections: [needs]\nlots: [1]\n"
        "---\nSee [[WP404]].\n", encoding="utf-8")
    _section(lot1, "Intro.\n\n{{ text('corpus/refs') }}\n")
    [ref] = [f for f in _errors(lot1) if "WP404" in f.message]
    assert ref.file and ref.file.endswith("needs.md") and ref.line == 3


def test_undefined_names_and_text_variables_known_only_at_render_time(lot1: Path) -> None:
    """In a section that stops early: every undefined name once, at its line and column;
    a text() whose value is not a constant has its key and names checked, not its body."""
    _section(lot1, "{{ 1/0 }}\n"
                   "{{ text('impact/dissemination-visibility', dissemination_lead=lead, "
                   "nosuch=1) }}\n"
                   "{{ text('impact/dissemination-visibility', dissemination_lead=lead) }}\n"
                   "Para {{ acronymm }} and {{ acronymm }}\n")
    found = {(f.line, f.column): f.message for f in _errors(lot1)}
    assert "division by zero" in found.pop((1, None))
    assert "has no variable 'nosuch'" in found.pop((2, 4))
    assert "'lead' is undefined" in found.pop((2, 63))
    assert "'acronymm' is undefined" in found.pop((4, 9))
    assert not found, found  # line 3 is right but for 'lead'; no duplicate of a message


def test_an_undefined_name_that_stops_the_render_is_reported_once(lot1: Path) -> None:
    _section(lot1, "Para {{ acronymm }}\n\n[[D9.9]]\n")
    found = [(f.line, f.column, f.message) for f in _errors(lot1)]
    assert [(line, column) for line, column, _ in found] == [(1, 9), (3, 1)], found


def _corpus_sections() -> dict[str, str]:
    from robust_corpus import SECTION_TEXTS

    return SECTION_TEXTS


@pytest.mark.parametrize("name", sorted(_corpus_sections()))
def test_check_predicts_render_on_every_corpus_section(lot1: Path, name: str) -> None:
    """Over the corpus's section texts: check fails exactly when a render would fail."""
    _section(lot1, _corpus_sections()[name])
    errors = _errors(lot1)
    failures = []
    for fmt in ("docx", "html"):
        try:
            render_bytes(load_project(lot1), fmt)  # type: ignore[arg-type]
        except ProposalKitError as exc:
            failures.append(exc.message)
    assert bool(errors) == bool(failures), (errors, failures)


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
                                  b"GIF89a" + b"\x00" * 20])
def test_a_damaged_image_is_reported_at_its_line_with_the_others(lot1: Path, data: bytes
                                                                  ) -> None:
    # The signature is right, the header is not: check reads it as the Word writer will.
    (lot1.parent / "bad.png").write_bytes(data)
    needs = _section(lot1, "Intro.\n\n![a](missing.png)\n\n![b](bad.png)\n")
    errors = _errors(lot1)
    bad = [f for f in errors if "bad.png" in f.message]
    assert len(bad) == 1 and bad[0].file == str(needs) and bad[0].line == 5, errors
    assert any("missing.png" in f.message for f in errors)
    with pytest.raises(ProposalKitError):
        render_bytes(load_project(lot1), "docx")


def test_a_binary_value_is_refused_at_its_line(lot1: Path) -> None:
    # !!binary builds bytes: ESC and NUL in them would pass the control-character check
    # and crash the Word writer; the value is refused where it is written.
    text = lot1.read_text(encoding="utf-8")
    lot1.write_text(text.replace("acronym: AGRIVENTURE", "acronym: !!binary QRtbMzFtAEI=", 1),
                    encoding="utf-8")
    errors = _errors(lot1)
    binary = [f for f in errors if "!!binary" in f.message]
    assert binary and binary[0].line == 4 and binary[0].column == 10, errors


@pytest.mark.parametrize("expression", ["'\\x1b[31m'", "'\\x07'|e", "'\\ud800'", "'\\uFFFE'"])
def test_a_string_escape_printing_a_control_character_is_an_error_at_its_line(
        lot1: Path, expression: str) -> None:
    # Jinja's string escapes make characters no section file may hold; printed, they
    # crashed the Word writer (exit 70).
    needs = _section(lot1, "Intro.\n\nText {{ " + expression + " }} here.\n")
    [error] = _errors(lot1)
    assert error.file == str(needs) and error.line == 3, error
    assert "which no document can show" in error.message
    with pytest.raises(ProposalKitError):
        render_bytes(load_project(lot1), "docx")


def test_a_non_character_in_a_section_file_is_named(lot1: Path) -> None:
    _section(lot1, "Intro \ufffe here.\n")
    [error] = _errors(lot1)
    assert "non-character U+FFFE" in error.message, error


@pytest.mark.parametrize("text", ["a" * 300_000, "(" * 300_000, "<" * 300_000,
                                  "{{" * 150_000, "<!--" * 80_000, "](" * 150_000,
                                  " \n" * 150_000, "a@" * 150_000])
def test_the_proofreader_masks_a_long_text_in_linear_time(text: str) -> None:
    import time

    from proposal_kit.proof.source import _mask

    start = time.perf_counter()
    assert len(_mask(text)) == len(text)
    assert time.perf_counter() - start < 5  # quadratic: minutes to hours


def _wp_description(file: Path, wp: str, description: str) -> int:
    """Make the description of work package ``wp`` a literal block; the line of its key."""
    lines = file.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"  - id: {wp}")
    key = next(n for n in range(start, len(lines)) if lines[n].startswith("    description:"))
    end = next(n for n in range(key + 1, len(lines)) if not lines[n].startswith("      "))
    lines[key:end] = ["    description: |", *(f"      {line}" if line else "" for line in
                                                description.splitlines())]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return key + 1


def test_a_bad_block_in_a_work_package_description_is_at_its_line(lot1: Path) -> None:
    """A {gantt} fence in a description is a block of the draft, as in a section: check
    finds it at its line of project.yaml, and render refuses it with the same message."""
    key = _wp_description(lot1, "WP2", "Needs first.\n\n```{gantt}\ncolumns: 5\n```\n")
    errors = _errors(lot1)
    [block] = [f for f in errors if f.code == "render.block"]
    assert block.file is None and block.line == key + 3  # the fence, in project.yaml
    assert block.message.startswith("the description of WP2: {gantt} block: columns")
    for fmt in ("docx", "html"):
        with pytest.raises(ProposalKitError) as raised:
            render_bytes(load_project(lot1), fmt)  # type: ignore[arg-type]
        assert raised.value.message == block.message
        assert raised.value.location is not None and raised.value.location.line == key + 3
    assert b"columns: 5" in render_bytes(load_project(lot1), "md")  # Markdown: as written


def test_every_bad_block_of_the_values_in_one_pass(lot1: Path) -> None:
    text = lot1.read_text(encoding="utf-8")
    old = "        justification: The evaluation must be independent"
    assert old in text
    image_line = text[:text.index(old)].count("\n") + 1
    lot1.write_text(text.replace(old, "        justification: see ![plan](no-such.png) -"),
                    encoding="utf-8")
    _wp_description(lot1, "WP2", "```{grouped-table}\nnot: a table\n```\n")
    errors = _errors(lot1)
    assert {f.code for f in errors} == {"render.block"}, errors
    messages = {(f.line, f.message.split(":")[0]) for f in errors}
    assert (image_line, "the justification of subcontract 1 of WP1") in messages, messages
    assert any(name == "the description of WP2" for _, name in messages), messages


def test_a_good_gantt_block_in_a_description_is_drawn(lot1: Path) -> None:
    _wp_description(lot1, "WP2", "```{gantt}\ncolumns: [M1, M2]\nrows:\n"
                                 "  - {label: Survey, cells: [0]}\n```\n")
    assert not _errors(lot1)
    assert b"Survey" in render_bytes(load_project(lot1), "html")


def test_an_unknown_filter_is_a_located_error_of_check(lot1: Path) -> None:
    """Jinja finds an unknown filter or test only when it compiles; the scan of the names
    compiles too, and stopped check with an internal error (exit 70)."""
    needs = _section(lot1, "Intro {{ project.acronym|nosuchfilter }}.\n\nSee [[D9.9]].\n")
    _section(lot1, "{% if 1 is nosuchtest %}x{% endif %}\n", "background")
    errors = _errors(lot1)
    by_text = {f.message: f for f in errors}
    [filt] = [f for f in errors if "No filter named 'nosuchfilter'" in f.message]
    assert filt.file == str(needs) and filt.line == 1
    assert any("No test named 'nosuchtest'" in m for m in by_text), by_text
    assert any("D9.9" in m for m in by_text), by_text  # the rest of the section still read
    with pytest.raises(ProposalKitError, match=r"No (filter|test) named"):
        render_bytes(load_project(lot1), "md")


def test_every_unknown_filter_and_test_of_a_section_in_one_pass(lot1: Path) -> None:
    """The render stops at the first (Jinja compiles the section whole): check names each
    one at its line and column, once, with a near name, and still finds the undefined names
    around them; the render's own error for the first is not repeated."""
    needs = _section(lot1, "Intro {{ project.acronym|uper }} and {{ nobody }}.\n\n"
                           "{{ project.title | nosuch }} {{ project.acronym|uper }}\n"
                           "{% if 1 is odd_ %}x{% endif %}\n")
    errors = [f for f in _errors(lot1) if f.file == str(needs)]
    found = sorted((f.line, f.column, f.message.split(": ", 1)[1], f.hint) for f in errors)
    assert [item[:3] for item in found] == [
        (1, 26, "syntax error: No filter named 'uper'."),
        (1, 41, "'nobody' is undefined"),
        (3, 20, "syntax error: No filter named 'nosuch'."),
        (4, 12, "syntax error: No test named 'odd_'."),
    ], found
    assert [item[3] for item in found if "syntax" in item[2]] == [
        "did you mean 'upper'?", None, "did you mean 'odd'?"]
    with pytest.raises(ProposalKitError, match=r"No filter named 'uper'"):
        render_bytes(load_project(lot1), "md")


def test_a_generic_text_with_a_duplicate_key_is_an_error_of_check_and_render(lot1: Path
                                                                            ) -> None:
    """Before, `texts lint` refused the text while check passed and render used it (with
    the second value): a mistake only one of the three commands saw."""
    text = lot1.parent / "texts" / "corpus" / "t.md"
    text.parent.mkdir(parents=True)
    text.write_text("---\ntitle: Corpus text\nsummary: A text.\nlanguage: en\n"
                    "version: 1.0.0\nreviewed: 2026-11-20\nowner: IRO\ntags: [corpus]\n"
                    "sections: [needs]\nlots: [1]\ntitle: Again\n---\nBody.\n",
                    encoding="utf-8")
    _section(lot1, "Intro.\n\n{{ text('corpus/t') }}\n")
    [error] = _errors(lot1)
    assert "duplicate key 'title'" in error.message and "corpus/t" in error.message
    assert error.file == str(text) and error.line == 11
    with pytest.raises(ProposalKitError, match="duplicate key 'title'"):
        render_bytes(load_project(lot1), "md")


def test_a_section_file_that_is_the_project_file_is_an_error(lot1: Path) -> None:
    """Before, ``needs: {file: project.yaml}`` passed check and the draft printed the
    project file's YAML as the section."""
    text = lot1.read_text(encoding="utf-8")
    old = "needs: {file: sections/needs.md}"
    assert old in text
    lot1.write_text(text.replace(old, "needs: {file: ./project.yaml}"), encoding="utf-8")
    line = next(n for n, content in enumerate(lot1.read_text().splitlines(), 1)
                if "./project.yaml" in content)
    [error] = _errors(lot1)
    assert error.code == "schema.section-file" and error.line == line
    assert "is the project file itself" in error.message
    with pytest.raises(ProposalKitError, match="is the project file itself"):
        render_bytes(load_project(lot1), "md")


def test_a_broken_template_of_the_project_is_reported_with_broken_sections(lot1: Path) -> None:
    """One pass: before, the template's syntax error appeared only once the sections were
    clean (the draft, which runs the templates, is rendered only then)."""
    _section(lot1, "Intro.\n\n{{ text('no/such-text') }}\n")
    templates = lot1.parent / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "partb.md.j2").write_text("# Part B\n\n{% if x %}\nhello\n", encoding="utf-8")
    (templates / "box.md.j2").write_text("{{ box.title }\n", encoding="utf-8")
    errors = _errors(lot1)
    codes = [f.code for f in errors]
    assert "render.text" in codes
    broken = sorted((Path(f.file or "").name, f.line) for f in errors
                    if f.code == "render.template")
    assert broken == [("box.md.j2", 1), ("partb.md.j2", 4)], errors
    assert all("template syntax error" in f.message for f in errors
               if f.code == "render.template")
    with pytest.raises(ProposalKitError):
        render_bytes(load_project(lot1), "docx")


def test_every_unknown_filter_of_a_project_template_in_one_pass(lot1: Path) -> None:
    """Compiling the template stops at its first unknown filter: check names each one."""
    templates = lot1.parent / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "partb.md.j2").write_text(
        "# Part B\n\n{{ project.acronym | uper }}\n{{ project.title|nosuch }}\n"
        "{{ project.acronym | uper }}\n{% if 1 is odd_ %}x{% endif %}\n", encoding="utf-8")
    found = sorted((f.line, f.message) for f in _errors(lot1) if f.code == "render.template")
    assert found == [(3, "template syntax error: No filter named 'uper'."),
                     (4, "template syntax error: No filter named 'nosuch'."),
                     (6, "template syntax error: No test named 'odd_'.")], found
    with pytest.raises(ProposalKitError, match="No filter named 'uper'"):
        render_bytes(load_project(lot1), "docx")
