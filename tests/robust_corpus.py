"""An adversarial corpus, by class: each case builds its inputs in a folder and names the
command lines to run over them.

Shared by the robustness tests (tests/test_robust_*.py): every command line of every case
must end without a traceback, without exit 70 and within its timeout, and every one that
asks for ``--format json`` must print one valid JSON document on stdout.
"""

from __future__ import annotations

import os
import shutil
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOT1_EXAMPLE = ROOT / "examples" / "lot1-education-enterprises"
LOT1_TOPIC = "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP"

Args = list[str]


@dataclass(frozen=True)
class Case:
    """One adversarial input: ``build(folder)`` writes it and returns the command lines."""

    name: str
    cls: str
    build: Callable[[Path], list[Args]]
    #: Exit codes the case may end with (0 included when the input is acceptable).
    allowed: frozenset[int] = field(default=frozenset({0, 1, 2, 3, 4}))
    #: Environment variables set for every command line of the case.
    env: tuple[tuple[str, str], ...] = ()


CASES: list[Case] = []


def case(cls: str, allowed: set[int] | None = None, env: dict[str, str] | None = None
         ) -> Callable[[Callable[[Path], list[Args]]], Callable[[Path], list[Args]]]:
    """Register a builder as a case of class ``cls`` (run with ``env`` set, if given)."""

    def register(build: Callable[[Path], list[Args]]) -> Callable[[Path], list[Args]]:
        CASES.append(Case(build.__name__.removeprefix("case_").replace("_", "-"), cls, build,
                          frozenset(allowed) if allowed else Case.allowed,
                          tuple((env or {}).items())))
        return build

    return register


def example(folder: Path) -> Path:
    """A copy of the Lot 1 example in ``folder``; the path of its project file."""
    target = folder / "proj"
    shutil.copytree(LOT1_EXAMPLE, target)
    return target / "project.yaml"


def with_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    """The example with ``files`` (paths relative to its folder) written or replaced."""
    file = example(folder)
    for name, content in files.items():
        path = file.parent / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return file


def with_section(folder: Path, text: str, section: str = "needs") -> Path:
    """The example with the text of ``section`` replaced by ``text``."""
    return with_files(folder, {f"sections/{section}.md": text})


def with_yaml(folder: Path, old: str, new: str) -> Path:
    """The example with ``old`` replaced by ``new`` in its project file (once)."""
    file = example(folder)
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return file


def project_commands(file: Path, out: Path | None = None) -> list[Args]:
    """check, review, proof, budget and render (md, docx and html) of ``file``."""
    out = out or file.parent / "out"
    return [["check", str(file)], ["review", str(file)], ["proof", str(file)],
            ["budget", str(file)],
            ["render", str(file), "-o", f"{out}.md", "--force"],
            *section_commands(file, out)]


def section_commands(file: Path, out: Path | None = None) -> list[Args]:
    """What a section's text reaches: check, and the render to DOCX and HTML."""
    out = out or file.parent / "out"
    return [["check", str(file)], ["render", str(file), "-o", f"{out}.docx", "--force"],
            ["render", str(file), "-o", f"{out}.html", "--force"]]


# --- one edit of the example's project file, then every project command ------------------

#: name: (class, text of the example's project.yaml, what replaces it).
PROJECT_EDITS = {
    "keys-one-and-true": ("yaml", "sections:\n", "variables:\n  1: one\n  true: yes\n"
                          "  \"1\": str\nsections:\n"),
    "control-escapes": ("yaml", "acronym: ", 'acronym: "A\\e[31m\\0B"\nx_: '),
    "noncharacter-escape": ("yaml", "acronym: ", 'acronym: "A\\uFFFEB"\nx_: '),
    # !!binary gives bytes, which no text check sees: ESC [31m NUL in the acronym.
    "binary-control-acronym": ("yaml", "acronym: ", "acronym: !!binary QRtbMzFtAEI=\nx_: "),
    "binary-bidi-id": ("ids", "- id: WP1", "- id: !!binary V1DigK4x"),
    "superscript-id": ("ids", "- id: WP1", "- id: WP²"),
    "huge-digits-id": ("ids", "- id: WP1", "- id: WP" + "9" * 5000),
    "bidi-id": ("ids", "- id: WP1", "- id: \"WP\\u202e1\""),
    "invisible-id": ("ids", "- id: P1\n", "- id: \"P\\u200b1\"\n"),
    "invisible-acronym": ("ids", "acronym: ", 'acronym: "A\\ufeffB"\nx_: '),
    "huge-numbers": ("ids", "duration_months: 36", "duration_months: " + "9" * 5000),
    "dev-zero-section": ("files", "{file: sections/needs.md}", "{file: /dev/zero}"),
    "proc-environ-section": ("files", "{file: sections/needs.md}",
                             "{file: /proc/self/environ}"),
    "section-outside": ("files", "{file: sections/needs.md}",
                        "{file: ../../../../../../etc/passwd}"),
    "call-is-path": ("files", "call: ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP", "call: /etc/passwd"),
    "call-is-relative-path": ("files", "call: ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP",
                              "call: ../../x"),
    "amount-huge": ("yaml", "staff: {Manager: 6,", "staff: {Manager: 1.0e300,"),
    "amount-product-overflows": ("yaml", "travel: {units: 2, cost: 420",
                                 "travel: {units: 1.0e308, cost: 1.0e308"),
    "section-name-too-long": ("files", "{file: sections/needs.md}",
                              "{file: " + "a" * 5000 + ".md}"),
    "texts-dirs-name-too-long": ("files", "\nkeywords:\n",
                                 "\ntexts_dirs: [" + "x" * 300 + "]\nkeywords:\n"),
    "image-name-too-long": ("files", "{file: sections/needs.md}",
                            "\"![figure](" + "y" * 300 + ".png)\""),
}


def _project_edit_case(name: str, cls: str, old: str, new: str) -> None:
    def build(folder: Path) -> list[Args]:
        return project_commands(with_yaml(folder, old, new))

    build.__name__ = "case_" + name.replace("-", "_")
    case(cls)(build)


for _name, (_cls, _old, _new) in PROJECT_EDITS.items():
    _project_edit_case(_name, _cls, _old, _new)


# --- YAML as users write it and as attackers write it -----------------------------------

def _nested(depth: int, opener: str = "[", closer: str = "]") -> str:
    return opener * depth + closer * depth


@case("yaml")
def case_deep_nesting_project(folder: Path) -> list[Args]:
    file = folder / "project.yaml"
    file.write_text("call: ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP\nacronym: X\n"
                    f"keywords: {_nested(3000)}\n", encoding="utf-8")
    return project_commands(file)


@case("yaml")
def case_deep_nesting_block(folder: Path) -> list[Args]:
    file = folder / "project.yaml"
    lines = ["call: ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP", "acronym: X", "variables:"]
    lines += [" " * (2 * i + 2) + f"k{i}:" for i in range(600)]
    file.write_text("\n".join(lines) + " 1\n", encoding="utf-8")
    return project_commands(file)


@case("yaml")
def case_deep_nesting_front_matter(folder: Path) -> list[Args]:
    file = example(folder)
    texts = file.parent / "texts"
    texts.mkdir()
    (texts / "deep.md").write_text(f"---\ntitle: {_nested(3000, '{a: ', '}')}\n---\nBody\n",
                                   encoding="utf-8")
    return [["texts", "lint", "--project", str(file)], ["texts", "list", "--project", str(file)],
            ["texts", "show", "deep", "--project", str(file)], ["check", str(file)]]


@case("yaml")
def case_deep_nesting_steps(folder: Path) -> list[Args]:
    steps = folder / "steps.yaml"
    steps.write_text(f"steps: {_nested(3000)}\n", encoding="utf-8")
    return [["plan", "--call", "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP", "--steps", str(steps)]]


@case("yaml")
def case_deep_nesting_directive(folder: Path) -> list[Args]:
    body = "```{gantt}\n" + f"rows: {_nested(3000)}\n" + "```\n"
    return project_commands(with_section(folder, body))


@case("yaml")
def case_merge_key_override(folder: Path) -> list[Args]:
    file = example(folder)
    text = file.read_text(encoding="utf-8")
    text = text.replace("partners:\n", "x-defaults: &d {country: SE, city: Lund}\npartners:\n", 1)
    file.write_text(text, encoding="utf-8")
    return [["check", str(file)]]


@case("yaml")
def case_nan_amount(folder: Path) -> list[Args]:
    file = example(folder)
    text = file.read_text(encoding="utf-8")
    import re

    text = re.sub(r"(\n\s+budget: )[0-9.]+", r"\1.nan", text, count=1)
    text = re.sub(r"(\n\s+amount: )[0-9.]+", r"\1.inf", text, count=1)
    file.write_text(text, encoding="utf-8")
    return project_commands(file)


@case("yaml")
def case_utf32(folder: Path) -> list[Args]:
    file = folder / "project.yaml"
    file.write_bytes("call: X\nacronym: Y\n".encode("utf-32"))
    return project_commands(file)


@case("yaml")
def case_utf16_no_bom(folder: Path) -> list[Args]:
    file = folder / "project.yaml"
    file.write_bytes("call: X\nacronym: Y\n".encode("utf-16-le"))
    return project_commands(file)


@case("yaml")
def case_nbsp_indent(folder: Path) -> list[Args]:
    file = folder / "project.yaml"
    file.write_text("call: X\npartners:\n\u00a0\u00a0- id: P1\n", encoding="utf-8")
    return project_commands(file)


def _title(text: str, title: str) -> str:
    """The example's project text with its (folded, three-line) title replaced by ``title``:
    the title alone differs, so what is tested is the title, not an unknown key."""
    import re

    changed, count = re.subn(r"\ntitle: >-\n(?:  .*\n)+", lambda _: f"\ntitle: {title}\n", text,
                             count=1)
    assert count == 1
    return changed


@case("yaml")
def case_control_escape_title(folder: Path) -> list[Args]:
    file = example(folder)
    text = file.read_text(encoding="utf-8")
    text = _title(text, '"Evil\\e]0;pwn\\a\\u202eTitle"')
    file.write_text(text, encoding="utf-8")
    return project_commands(file)


@case("yaml")
def case_init_uncommented(folder: Path) -> list[Args]:
    return [["init", str(folder / "new"), "--call", "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP"],
            ["check", str(folder / "new" / "project.yaml")]]


# --- odd ids ------------------------------------------------------------------------------


@case("ids")
def case_long_title_keywords(folder: Path) -> list[Args]:
    file = example(folder)
    text = file.read_text(encoding="utf-8")
    text = _title(text, "Long " * 400)
    text = text.replace("\nkeywords:\n", "\nkeywords:\n" + "".join(
        f"  - keyword number {i}\n" for i in range(300)), 1)
    file.write_text(text, encoding="utf-8")
    return project_commands(file)


# --- sections and templates -----------------------------------------------------------

SECTION_TEXTS = {
    "jinja-div-zero": "Text {{ 1/0 }} more\n",
    "jinja-type-error": "Text {{ 'a' + 1 }} more\n",
    "jinja-range-overflow": "{% for i in range(10**12) %}x{% endfor %}\n",
    "jinja-big-output": "{{ 'x' * 10**9 }}\n",
    "jinja-big-loop": "{% for i in range(10**6) %}{% for j in range(10**6) %}{% endfor %}"
                      "{% endfor %}\n",
    "jinja-include": "{% include 'partb.md.j2' %}\n",
    "jinja-include-self": "{% include 'needs.md' %}\n",
    "jinja-import": "{% import '/etc/passwd' as x %}\n",
    "jinja-syntax": "Para one.\n\nPara {{ unclosed \n",
    "jinja-undefined": "Para one.\n\n{{ project.nonexistent }}\n",
    "jinja-unknown-name": "Para {{ acronymm }}\n",
    "jinja-attr": "{{ ''.__class__.__mro__ }}\n",
    "jinja-pow": "{{ 10 ** 10 ** 10 }}\n",
    "jinja-recursion": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}\n",
    "text-unknown-key": "{{ text('no/such-text') }}\n",
    "text-missing-var": "{{ text('impact/dissemination-visibility') }}\n",
    "text-bad-arg": "{{ text(12) }}\n",
    "refs-many-unknown": "See [[D9.9]], [[WP77]] and [[XYZ]].\n",
    "ref-huge": "[[" + "D" * 100000 + "]]\n",
    "gantt-bad-yaml": "```{gantt}\nrows: [unclosed\n```\n",
    "gantt-huge": "```{gantt}\nunit: month\ncolumns: " + str(list(range(100000))) + "\n```\n",
    "gantt-wrong-types": "```{gantt}\nrows: 5\ncolumns: x\ngroups: {a: 1}\n```\n",
    "gantt-empty": "```{gantt}\n```\n",
    "style-bad": "```{style}\n{{{{\n```\n",
    "style-unknown": "```{style} NoSuchStyle\nText\n```\n",
    "directive-unknown": "```{nosuchthing}\nx: 1\n```\n",
    "image-missing": "![fig](no-such.png)\n",
    "image-not-image": "![fig](../project.yaml)\n",
    "image-proc": "![fig](/proc/self/environ)\n",
    "image-dev-zero": "![fig](/dev/zero)\n",
    "image-remote": "![fig](http://127.0.0.1:9/x.png)\n",
    "raw-html": "<script>alert(1)</script>\n\n[click](javascript:alert(1))\n\n<img src=x "
                "onerror=alert(2)>\n",
    "control-chars": "Bell \x07 esc \x1b[31m red \x00 nul \u202e bidi\n",
    "huge-table": "| a |\n|---|\n" + "| x |\n" * 50000,
    "table-bad-spans": "| a | b |\n|---|\n| 1 | 2 | 3 | 4 |\n",
    "deep-list": "".join("  " * i + "- x\n" for i in range(3000)),
    "deep-quote": ">" * 5000 + " x\n",
    "jinja-percent-width": "Intro.\n\n{{ '%0999999999d' % 1 }}\n",
    "jinja-format-width": "{{ '{:>999999999}'.format(1) }}\n",
    "jinja-format-map": "{{ '{a:>{w}}'.format_map({'a': 1, 'w': 999999999}) }}\n",
    "jinja-format-filter": "{{ '%0999999999d'|format(1) }}\n",
    "jinja-ljust": "{{ 'x'.ljust(999999999) }}\n",
    "jinja-doubling": "{% set a = 'x' * 1000 %}" + "{% set a = a ~ a %}" * 40 + "{{ a }}\n",
    "jinja-doubling-plus": "{% set a = 'x' * 1000 %}" + "{% set a = a + a %}" * 40 + "{{ a }}\n",
    "jinja-doubling-extend": "{% set a = [1] * 1000 %}{% for i in range(40) %}{{ a.extend(a) }}"
                             "{% endfor %}\n",
    "jinja-replace-bomb": "{% set a = 'x' * 100000 %}{{ a.replace('x', a) }}\n",
    "jinja-nested-list": "{% set a = ['x' * 1000000] %}{% set a = [a, a, a, a] %}"
                         "{% set a = [a, a, a, a] %}{% set a = [a, a, a, a] %}{{ a }}\n",
    "jinja-many-values": "{% set a = [] %}{% for i in range(1000) %}"
                         "{{ a.append('x'|center(4000000)) }}{% endfor %}\n",
    "jinja-lipsum": "{{ lipsum(10**7) }}\n",
    "error-then-more": "Intro {{ 1/0 }}.\n\n{{ text('impact/dissemination-visibilty') }}\n\n"
                       "See [[D9.9]].\n\n![fig](no-such.png)\n\n```{gantt}\nrows: [x\n```\n",
    "syntax-then-more": "Para {{ unclosed\n\n{{ text('no/such') }} [[WP99]]\n",
    "cr-line-ends": "Line one\rLine {{ 1/0 }}\r[[D9.9]]\r",
    # Jinja's string escapes print what no document can hold: ESC, BEL, a lone surrogate,
    # the non-character U+FFFE (and raw U+FFFE bytes in the file itself).
    "jinja-escape-control": "Intro {{ '\\x1b[31m' }} and {{ '\\x07'|e }}.\n",
    "jinja-escape-surrogate": "Intro {{ '\\ud800' }}.\n",
    "jinja-escape-noncharacter": "Intro {{ '\\uFFFE' }}.\n",
    "raw-noncharacter": "Intro \ufffe here.\n",
    # Unknown filters and tests: Jinja finds them only when it compiles the section.
    "jinja-unknown-filter": "Intro {{ project.acronym|nosuchfilter }}.\n\n[[D9.9]]\n",
    "jinja-unknown-test": "{% if 1 is nosuchtest %}x{% endif %}\n",
}


#: The section cases whose rendered draft is also given to `pages` (LibreOffice is slow).
PAGED_SECTIONS = {"raw-html", "control-chars", "table-bad-spans", "huge-table", "deep-list",
                  "gantt-huge"}


def _section_case(name: str, text: str) -> None:
    def build(folder: Path) -> list[Args]:
        file = with_section(folder, text)
        pages = [["pages", str(file.parent / "out.docx"), "--timeout", "30"]] \
            if name in PAGED_SECTIONS else []
        return [*section_commands(file), *pages]

    build.__name__ = "case_section_" + name
    case("section")(build)


for _name, _text in SECTION_TEXTS.items():
    _section_case(_name, _text)


#: name: the files written into the example's folder, then every project command.
PROJECT_FILES: dict[str, dict[str, str | bytes]] = {
    "section-binary": {"sections/needs.md": b"\xff\xfe\x00bin\x00ary\x89PNG"},
    "template-override-broken": {"templates/partb.md.j2": "{% for %}\n"},
    "template-override-runtime": {"templates/partb.md.j2": "line\n{{ 1/0 }}\n",
                                  "templates/partb.html.j2": "{{ body }}{{ nope }}\n"},
    # Texts on which the proofreader's masks were quadratic (proof ran for hours).
    "proof-long-word": {"sections/needs.md": "Intro.\n\n" + "a" * 900_000 + "\n"},
    "proof-unclosed-openers": {"sections/needs.md": "Intro.\n\n" + "<!--{{{%<(](" * 60_000
                               + "\n"},
    "proof-blank-lines": {"sections/needs.md": "Intro.\n" + " \n" * 400_000},
    # An image whose signature is right but whose header python-docx cannot read.
    "image-truncated-png": {"cut.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
                            "sections/needs.md": "Intro.\n\n![cut](cut.png)\n"},
    "image-zero-size-gif": {"empty.gif": b"GIF89a" + b"\x00" * 20,
                            "sections/needs.md": "Intro.\n\n![empty](empty.gif)\n"},
}


def _project_files_case(name: str, files: dict[str, str | bytes]) -> None:
    def build(folder: Path) -> list[Args]:
        return project_commands(with_files(folder, files))

    build.__name__ = "case_" + name.replace("-", "_")
    case("section")(build)


for _name, _files in PROJECT_FILES.items():
    _project_files_case(_name, _files)


def text_commands(file: Path, key: str) -> list[Args]:
    """What a generic text of the project reaches: the project commands and `texts`."""
    return [*project_commands(file), ["texts", "lint", "--project", str(file)],
            ["texts", "show", key, "--project", str(file)]]


@case("section")
def case_generic_text_broken(folder: Path) -> list[Args]:
    file = with_files(folder, {"texts/impact/dissemination-visibility.md":
                               "---\ntitle: Broken\n---\n{{ 1/0 }} {% if %}\n"})
    return text_commands(file, "impact/dissemination-visibility")


#: Front matter of a valid generic text in a project's own library.
_TEXT_FRONT = ("---\ntitle: Corpus text\nsummary: A text of the corpus.\nlanguage: en\n"
               "version: 1.0.0\nreviewed: 2026-11-20\nowner: IRO\ntags: [corpus]\n"
               "sections: [needs]\nlots: [1]\n---\n")

#: Bodies of a project's own generic text: it renders within the limits a section has.
TEXT_BODIES = {
    "big-output": "{{ 'x' * 10**9 }}\n",
    "nested-loops": "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}"
                    "{% endfor %}\n",
    "range-overflow": "{% for i in range(10**12) %}x{% endfor %}\n",
    "recursion": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}\n",
    "center-huge": "{{ 'x'|center(10**9) }}\n",
    "includes-itself": "{{ text('corpus/t') }}\n",
    "include-file": "{% include '/etc/passwd' %}\n",
    "unknown-filter": "{{ project.acronym|nosuchfilter }}\n",
}


def _text_case(name: str, body: str) -> None:
    def build(folder: Path) -> list[Args]:
        file = with_files(folder, {"texts/corpus/t.md": _TEXT_FRONT + body,
                                   "sections/needs.md": "Intro.\n\n{{ text('corpus/t') }}\n"})
        return text_commands(file, "corpus/t")

    build.__name__ = "case_text_" + name.replace("-", "_")
    case("section")(build)


for _name, _body in TEXT_BODIES.items():
    _text_case(_name, _body)


@case("section")
def case_partner_without_website(folder: Path) -> list[Args]:
    return project_commands(with_section(folder, "{{ text('impact/dissemination-visibility', "
                                                 "dissemination_lead='P8') }}\n"))


# --- special files and paths --------------------------------------------------------

@case("files")
def case_fifo_project(folder: Path) -> list[Args]:
    import os

    fifo = folder / "project.yaml"
    os.mkfifo(fifo)
    return [*project_commands(fifo), ["watch", str(fifo), "--no-pages"],
            ["texts", "list", "--project", str(fifo)], ["plan", str(fifo)]]


@case("files")
def case_fifo_section(folder: Path) -> list[Args]:
    import os

    file = example(folder)
    section = file.parent / "sections" / "needs.md"
    section.unlink()
    os.mkfifo(section)
    return project_commands(file)


@case("files")
def case_dev_zero(folder: Path) -> list[Args]:
    return [*project_commands(Path("/dev/zero")), ["pages", "/dev/zero"],
            ["plan", "--steps", "/dev/zero", "--call", "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP"]]


@case("files")
def case_section_symlink_out(folder: Path) -> list[Args]:
    file = example(folder)
    section = file.parent / "sections" / "needs.md"
    section.unlink()
    section.symlink_to("/etc/hostname")
    return project_commands(file)


@case("files")
def case_text_library_fifo_and_device(folder: Path) -> list[Args]:
    import os

    file = example(folder)
    library = file.parent / "texts" / "corpus"
    library.mkdir(parents=True)
    os.mkfifo(library / "pipe.md")
    (library / "zero.md").symlink_to("/dev/zero")
    (file.parent / "sections" / "needs.md").write_text("{{ text('corpus/pipe') }}\n",
                                                        encoding="utf-8")
    project = ["--project", str(file)]
    return [["texts", "list", *project], ["texts", "lint", *project],
            ["texts", "search", "x", *project], ["texts", "show", "corpus/pipe", *project],
            ["texts", "show", "corpus/zero", *project], *section_commands(file)]


@case("files")
def case_template_symlink_out(folder: Path) -> list[Args]:
    file = example(folder)
    templates = file.parent / "templates"
    templates.mkdir()
    (templates / "partb.md.j2").symlink_to("/etc/passwd")
    (templates / "partb.html.j2").symlink_to("/proc/self/environ")
    return project_commands(file)


@case("files")
def case_templates_folder_symlink_out(folder: Path) -> list[Args]:
    file = example(folder)
    (file.parent / "templates").symlink_to("/etc")
    return project_commands(file)


@case("files")
def case_output_symlink_out(folder: Path) -> list[Args]:
    file = example(folder)
    outside = folder / "outside.txt"
    outside.write_text("kept\n", encoding="utf-8")
    for name in ("out.md", "out.docx", "out.html", "s.json", "p.ics"):
        (file.parent / name).symlink_to(outside)
    out = file.parent
    return [["render", str(file), "-o", str(out / "out.md"), "--force"],
            ["render", str(file), "-o", str(out / "out.docx"), "--force"],
            ["render", str(file), "-o", str(out / "out.html"), "--force"],
            ["schema", "-o", str(out / "s.json"), "--force"],
            ["plan", str(file), "--ics", str(out / "p.ics"), "--force"]]


@case("files")
def case_folder_given(folder: Path) -> list[Args]:
    return [*project_commands(folder), ["pages", str(folder)], ["watch", str(folder)],
            ["texts", "show", "x", "--project", str(folder)], ["plan", str(folder)],
            ["check", str(folder), str(LOT1_EXAMPLE / "project.yaml")]]


@case("files")
def case_missing_file(folder: Path) -> list[Args]:
    missing = folder / "missing.yaml"
    return [*project_commands(missing), ["pages", str(folder / "x.docx")],
            ["check", str(missing), str(LOT1_EXAMPLE / "project.yaml")],
            ["texts", "show", "x", "--project", str(missing)], ["plan", str(missing)],
            ["plan", "--steps", str(missing)]]


@case("files")
def case_argument_names_too_long(folder: Path) -> list[Args]:
    """Names the system cannot even look up: a part over 255 bytes, a path over 4,096."""
    file = example(folder)
    lines: list[Args] = []
    for name in (str(folder / ("n" * 300 + ".yaml")),
                 str(folder) + "/" + "/".join(["d" * 200] * 30) + "/x.docx"):
        lines += [*project_commands(Path(name)), ["pages", name], ["plan", name],
                  ["texts", "lint", name], ["texts", "list", "--project", name],
                  ["comments", name], ["absorb", str(file), name],
                  ["import", name, "-o", str(folder / "imported")],
                  ["plan", "--steps", name, "--call", "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP"],
                  ["init", name, "--call", "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP"],
                  ["texts", "new", "a/b", "--dir", name], ["schema", "-o", name],
                  ["check", name, str(file)]]
    return lines


@case("files")
def case_file_name_not_utf8(folder: Path) -> list[Args]:
    import os

    file = example(folder)
    name = file.parent / "sections" / os.fsdecode(b"sec\xff\x1b[31m.md")
    name.write_text("Text.\n", encoding="utf-8")
    return [["check", str(name)], ["check", str(name.with_name(name.name + "x"))],
            ["pages", str(name.with_suffix(".docx"))]]


@case("files")
def case_unreadable(folder: Path) -> list[Args]:
    file = example(folder)
    (file.parent / "sections" / "needs.md").chmod(0)
    return project_commands(file)


@case("files")
def case_acronym_names_other_folders(folder: Path) -> list[Args]:
    # The default outputs are named from the acronym: they stay beside the project file.
    file = with_yaml(folder, "acronym: AGRIVENTURE", 'acronym: "../../ESCAPED"')
    return [["check", str(file)], ["render", str(file)], ["render", str(file), "--format", "md"]]


@case("usage")
def case_init_odd_acronyms(folder: Path) -> list[Args]:
    lines: list[Args] = []
    for n, acronym in enumerate(["A: b", "'", "&a *a", "#x", "", "X\nsections: {}", "A\x1b[31m",
                                 "A" * 41]):
        target = folder / f"p{n}"
        lines += [["init", str(target), "--call", LOT1_TOPIC, "--acronym", acronym],
                  ["check", str(target / "project.yaml")]]
    return lines


# --- usage ------------------------------------------------------------------------------

@case("usage")
def case_usage_errors(folder: Path) -> list[Args]:
    return [["check"], ["check", "--format", "xml", "x"], ["nosuchcommand"], ["pages"],
            ["review"], ["texts", "show"], ["texts", "nosuch"], ["plan", "--deadline", "soon"],
            ["plan", "--local-tz", "Mars/Olympus", "--call",
             "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP"],
            ["calls", "NO-SUCH-TOPIC"], ["calls", "../../../etc/passwd"], ["calls", ""],
            ["texts", "show", "../../../etc/passwd"], ["texts", "search", "\x1b[31m"],
            ["texts", "search", ""], ["texts", "search", "...", "&"],
            ["plan", "--today", "2026-99-99"], ["texts", "show", "x", "--var", "novalue"],
            ["plan", "--deadline", "0001-01-01T00:00"],
            ["plan", "--deadline", "0001-01-01T00:00", "--ics", str(folder / "calendar.ics")],
            ["plan", "--deadline", "9999-12-31T23:59", "--ics", str(folder / "calendar.ics"),
             "--force"],
            # 23:59 in Brussels on the last day of year 9999 is year 10000 east of it.
            ["plan", "--deadline", "9999-12-31T23:59", "--local-tz", "Pacific/Kiritimati",
             "--ics", str(folder / "late.ics")]]


@case("usage")
def case_server_refusals(folder: Path) -> list[Args]:
    """`server` with what it cannot take; each is refused before any server starts.

    (No `server stop` here: it would stop a server the developer may be running.)
    """
    (folder / "logs").mkdir()
    fifo = folder / "log.fifo"
    os.mkfifo(fifo)
    return [["server"], ["server", "status"], ["server", "nosuch"],
            ["server", "start", "--idle", "inf"], ["server", "start", "--idle", "nan"],
            ["server", "start", "--idle", "-1"], ["server", "start", "--log", str(folder / "logs")],
            ["server", "start", "--log", "/dev/zero"], ["server", "start", "--log", str(fifo)],
            ["server", "start", "--log", "/proc/self/environ"],
            ["server", "start", "--log", str(folder / "no" / "such" / "log")]]


#: Environment variables naming folders and files, set to what they cannot be: a name the
#: system cannot look up, a device, a file where a folder goes.
ODD_ENVIRONMENT = {"calls-name-too-long": ("PROPOSAL_KIT_CALLS", "c" * 5000),
                   "calls-device": ("PROPOSAL_KIT_CALLS", "/dev/zero"),
                   "calls-file": ("PROPOSAL_KIT_CALLS", "/etc/passwd"),
                   "texts-name-too-long": ("PROPOSAL_KIT_TEXTS", "t" * 5000),
                   "plan-name-too-long": ("PROPOSAL_KIT_PLAN", "p" * 5000),
                   "plan-device": ("PROPOSAL_KIT_PLAN", "/dev/zero"),
                   "cache-is-a-file": ("PROPOSAL_KIT_CACHE_DIR", "/etc/passwd")}


def _environment_case(name: str, variable: str, value: str) -> None:
    def build(folder: Path) -> list[Args]:
        file = example(folder)
        return [["check", str(file)], ["calls"], ["calls", LOT1_TOPIC], ["plan", str(file)],
                ["texts", "list", "--project", str(file)], ["proof", str(file)],
                ["render", str(file), "-o", str(file.parent / "out.md"), "--force"]]

    build.__name__ = "case_environment_" + name.replace("-", "_")
    case("usage", env={variable: value})(build)


for _name, (_variable, _value) in ODD_ENVIRONMENT.items():
    _environment_case(_name, _variable, _value)


# --- writes -----------------------------------------------------------------------------

@case("writes")
def case_write_over_project(folder: Path) -> list[Args]:
    file = example(folder)
    return [["render", str(file), "-o", str(file.with_suffix(".md")), "--force"],
            ["render", str(file), "-o", str(file.parent / "sections" / "needs.md"), "--force"],
            ["schema", "-o", str(file), "--force"],
            ["plan", str(file), "--ics", str(file), "--force"]]


@case("writes")
def case_write_failures(folder: Path) -> list[Args]:
    file = example(folder)
    (folder / "afile").write_text("x", encoding="utf-8")
    return [["render", str(file), "-o", str(folder / "afile" / "out.md")],
            ["render", str(file), "-o", str(folder / ("n" * 300 + ".md"))],
            ["render", str(file), "-o", "/proc/self/out.md"],
            ["render", str(file), "-o", "/proc/version.md", "--force"],
            ["render", str(file), "-o", "/dev/full.md"],
            ["render", str(file), "-o", "/sys/out.md"],
            ["schema", "-o", str(folder / "afile" / "s.json")],
            ["plan", str(file), "--ics", str(folder / "afile" / "p.ics")],
            ["init", str(folder / "afile" / "x"), "--call",
             "ERASMUS-EDU-2026-PI-ALL-INNO-EDU-ENTERP"]]


@case("writes")
def case_write_dangling_symlink(folder: Path) -> list[Args]:
    file = example(folder)
    (folder / "out.md").symlink_to(folder / "nowhere" / "x.md")
    (folder / "out.docx").symlink_to("/dev/null")
    return [["render", str(file), "-o", str(folder / "out.md"), "--force"],
            ["render", str(file), "-o", str(folder / "out.docx"), "--force"]]


# --- pages: broken documents --------------------------------------------------------------

def _docx(folder: Path) -> Path:
    """A real rendered DOCX of the example in ``folder`` (copied there if not yet)."""
    from proposal_kit import load_project
    from proposal_kit.render import render_project

    file = folder / "proj" / "project.yaml"
    file = file if file.exists() else example(folder)
    out = folder / "good.docx"
    render_project(load_project(file), out, "docx")
    return out


def _rewrite(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return dst


@case("pages")
def case_pages_corrupt_member(folder: Path) -> list[Args]:
    good = _docx(folder)
    raw = bytearray(good.read_bytes())
    start = raw.find(b"word/document.xml")
    for i in range(start + 100, min(start + 600, len(raw))):
        raw[i] ^= 0x5A
    bad = folder / "corrupt.docx"
    bad.write_bytes(bytes(raw))
    return [["pages", str(bad)], ["pages", str(bad), "--timeout", "60"]]


@case("pages")
def case_pages_absurd_numbers(folder: Path) -> list[Args]:
    good = _docx(folder)

    def change(name: str, data: bytes) -> bytes:
        if name == "word/document.xml":
            return data.replace(b'w:w="', b'w:w="1e999', 3).replace(
                b'w:val="', b'w:val="nan', 5)
        if name == "docProps/app.xml":
            return data.replace(b"<Pages>", b"<Pages>" + b"9" * 5000, 1)
        return data

    bad = _rewrite(good, folder / "absurd.docx", change)
    return [["pages", str(bad)]]


def _numbers_to(data: bytes, prefix: bytes) -> bytes:
    """Every number of a size, span, spacing or numbering attribute with ``prefix`` before it."""
    import re

    return re.sub(rb'(w:(?:val|w|sz|szCs|line|before|after|left|right|hanging|firstLine|start|'
                  rb'ilvl|numId|abstractNumId|top|bottom|h|space|header|footer)=")(\d+)"',
                  lambda m: m.group(1) + prefix + m.group(2) + b'"', data)


def _unreadable_page_setup(name: str, data: bytes) -> bytes:
    import re

    if name != "word/document.xml":
        return data
    data = re.sub(rb'(<w:pgMar[^>]*w:left=")', rb"\g<1>1e5", data, count=1)
    return re.sub(rb'(<w:pgSz[^>]*w:w=")', rb"\g<1>nan", data, count=1)


@case("pages")
def case_pages_page_setup_not_a_number(folder: Path) -> list[Args]:
    bad = _rewrite(_docx(folder), folder / "setup.docx", _unreadable_page_setup)
    return [["pages", str(bad)]]


@case("pages")
def case_pages_not_a_zip(folder: Path) -> list[Args]:
    bad = folder / "x.docx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    pdf = folder / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <<>>\n%%EOF\n")
    txt = folder / "x.txt"
    txt.write_text("hello", encoding="utf-8")
    return [["pages", str(bad)], ["pages", str(pdf)], ["pages", str(txt)]]


@case("pages")
def case_pages_encrypted_docx(folder: Path) -> list[Args]:
    # An encrypted Office document is an OLE2 compound file, not a zip.
    bad = folder / "enc.docx"
    bad.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 4000)
    return [["pages", str(bad)]]


@case("pages")
def case_pages_encrypted_pdf(folder: Path) -> list[Args]:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    bad = folder / "enc.pdf"
    with bad.open("wb") as handle:
        writer.write(handle)
    return [["pages", str(bad)]]


@case("pages")
def case_pages_zip_bomb(folder: Path) -> list[Args]:
    good = _docx(folder)

    def change(name: str, data: bytes) -> bytes:
        if name == "word/document.xml":
            return data.replace(b"</w:body>", b"<w:p>" + b"<w:r><w:t>a</w:t></w:r>" * 400000
                                + b"</w:p></w:body>")
        return data

    return [["pages", str(_rewrite(good, folder / "bomb.docx", change))]]


# --- documents given to absorb, comments, import, proof --docx, render --form -----------

def _zip(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OFFICE_DOCUMENT = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
                    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                    'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    'officeDocument" Target="word/document.xml"/></Relationships>')


def _broken_documents(folder: Path) -> list[Path]:
    """DOCX files that are broken in the ways a package can be."""
    not_zip = folder / "not-zip.docx"
    not_zip.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    ole = folder / "encrypted.docx"
    ole.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 4000)
    empty = folder / "empty.docx"
    empty.write_bytes(b"")
    no_types = _zip(folder / "no-types.docx", {"[Content_Types].xml": "<x/>",
                                                "word/document.xml": "<x/>"})
    no_relation = _zip(folder / "no-relation.docx", {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{_CT}"/>',
        "word/document.xml": "<w:document><unclosed>"})
    # No numbering, no section properties, an external entity and an entity expansion.
    bare = _zip(folder / "bare.docx", {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{_CT}"><Override '
                               'PartName="/word/document.xml" ContentType="application/vnd.'
                               'openxmlformats-officedocument.wordprocessingml.document.main'
                               '+xml"/></Types>',
        "_rels/.rels": _OFFICE_DOCUMENT,
        "word/document.xml": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM '
                             '"file:///etc/passwd"><!ENTITY a "aaaaaaaaaa"><!ENTITY b '
                             '"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;'
                             f'&b;&b;&b;&b;">]><w:document xmlns:w="{_W}"><w:body><w:p><w:r>'
                             '<w:t>&x; &c;</w:t></w:r></w:p></w:body></w:document>'})
    # A second word/document.xml (python-docx reads the last one), and a properties part
    # that is not XML (a NUL character): a rendered draft, damaged.
    draft = _docx(folder)
    twice = _rewrite(draft, folder / "twice.docx", lambda name, data: data)
    with zipfile.ZipFile(twice, "a") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        archive.writestr("word/document.xml", "<x/>")
    props = _rewrite(draft, folder / "props.docx", lambda name, data: data.replace(
        b"</Properties>", b'<property name="x"><vt:lpwstr>\x00</vt:lpwstr></property>'
        b"</Properties>") if name == "docProps/custom.xml" else data)
    # Absurd page set-up: a page 10^22 mm wide (a reference document is read for it).
    huge = _rewrite(draft, folder / "huge-page.docx", lambda name, data: data.replace(
        b'w:w="', b'w:w="99999999999999999999999') if name == "word/document.xml" else data)
    # Page set-up that is not a number: python-docx reads it only when asked, then fails.
    margins = _rewrite(draft, folder / "margins.docx", _unreadable_page_setup)
    # Numbers of the styles and the numbering that are not numbers, or absurdly large.
    styles = _rewrite(draft, folder / "styles-nan.docx",
                      lambda name, data: _numbers_to(data, b"nan") if name == "word/styles.xml"
                      else data)
    numbering = _rewrite(draft, folder / "numbering-1e5.docx",
                         lambda name, data: _numbers_to(data, b"1e5")
                         if name == "word/numbering.xml" else data)
    huge_numbers = _rewrite(draft, folder / "document-huge-numbers.docx",
                            lambda name, data: _numbers_to(data, b"9" * 30)
                            if name == "word/document.xml" else data)
    fifo = folder / "fifo.docx"
    import os

    os.mkfifo(fifo)
    return [not_zip, ole, empty, no_types, no_relation, bare, twice, props, huge, margins,
            styles, numbering, huge_numbers, fifo,
            Path("/dev/zero"), folder / "missing.docx", folder]


@case("roundtrip")
def case_documents_broken(folder: Path) -> list[Args]:
    file = example(folder)
    lines: list[Args] = []
    for n, doc in enumerate(_broken_documents(folder)):
        lines += [["absorb", str(file), str(doc)], ["comments", str(doc)],
                  ["import", str(doc), "-o", str(folder / f"imported-{n}")],
                  ["proof", str(file), "--docx", str(doc), "-o", str(folder / "proofed.docx"),
                   "--force"],
                  ["render", str(file), "--form", str(doc), "-o", str(folder / "f.docx"),
                   "--force"],
                  ["render", str(file), "--reference-doc", str(doc), "-o",
                   str(folder / "r.docx"), "--force"]]
    return lines


@case("roundtrip")
def case_documents_over_inputs(folder: Path) -> list[Args]:
    draft = _docx(folder)
    file = folder / "proj" / "project.yaml"
    return [["import", str(draft), "-o", str(file.parent), "--force"],
            ["proof", str(file), "--docx", str(draft), "-o", str(file), "--force"],
            ["proof", str(file), "--docx", str(draft), "-o", str(draft), "--force"],
            ["absorb", str(file), str(draft)], ["comments", str(draft)]]


# --- running the corpus -------------------------------------------------------------------

#: The commands (first words) that take ``--format json``.
JSON_COMMANDS = {("absorb",), ("budget",), ("check",), ("calls",), ("comments",), ("pages",),
                 ("plan",), ("proof",), ("review",), ("server", "status"),
                 ("texts", "list"), ("texts", "show"), ("texts", "search"), ("texts", "lint")}


def takes_json(args: Args) -> bool:
    """Whether the command line ``args`` names a command with ``--format json``."""
    return tuple(args[:1]) in JSON_COMMANDS or tuple(args[:2]) in JSON_COMMANDS


def variants(args: Args, cls: str) -> list[Args]:
    """The command line as given, and with ``--format json`` where the command has it.

    `pages` outside the pages class runs once, with JSON (LibreOffice is slow).
    """
    if takes_json(args) and "--format" not in args:
        json_args = [*args, "--format", "json"]
        return [json_args] if args[0] == "pages" and cls != "pages" else [args, json_args]
    return [args]


#: Environment variable holding a value that no output may ever contain.
CANARY_ENV = "PROPOSAL_KIT_CORPUS_CANARY"


def secrets() -> list[str]:
    """What no output may contain: the canary of the environment and /etc/passwd's first
    line (cases point sections, images and includes at both)."""
    import contextlib
    import os

    found = [os.environ.get(CANARY_ENV, "")]
    with contextlib.suppress(OSError, IndexError):
        found.append(Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0])
    return [s for s in found if len(s) >= 8]


def run_cases(cls: str, root: Path) -> list[dict[str, object]]:
    """Build every case of class ``cls`` under ``root`` and run its command lines in this
    process (through click's test runner); one record per command line.

    ``leaked`` names a secret (:func:`secrets`) found in what the command printed.
    """
    import json
    import traceback

    from click.testing import CliRunner

    from proposal_kit.cli import cli

    records: list[dict[str, object]] = []
    hidden = secrets()
    progress = root / "progress.log"
    for item in [c for c in CASES if c.cls == cls]:
        folder = root / item.name
        folder.mkdir()
        lines = item.build(folder)
        for line in lines:
            for args in variants(line, cls):
                with progress.open("a", encoding="utf-8") as log:
                    log.write(json.dumps([item.name, args])[:500] + "\n")
                result = CliRunner().invoke(cli, args, catch_exceptions=True,
                                            env=dict(item.env) or None)
                crash = None
                if result.exception is not None and not isinstance(result.exception,
                                                                   SystemExit):
                    crash = "".join(traceback.format_exception(result.exception))[-3000:]
                json_error = None
                if args[-2:] == ["--format", "json"]:
                    try:
                        json.loads(result.stdout)
                    except ValueError as exc:
                        json_error = f"{exc}: {result.stdout[:300]!r}"
                printed = result.stdout + result.stderr
                records.append({"case": item.name, "allowed": sorted(item.allowed),
                                "args": [a[:200] for a in args], "json_error": json_error,
                                "exit_code": result.exit_code,
                                "stderr": result.stderr[-4000:], "crash": crash,
                                "leaked": [h[:12] for h in hidden if h in printed]})
    return records


if __name__ == "__main__":  # python tests/robust_corpus.py CLASS FOLDER OUT
    import json
    import sys

    out = Path(sys.argv[3])
    out.write_text(json.dumps(run_cases(sys.argv[1], Path(sys.argv[2]))), encoding="utf-8")
