"""What the adversarial corpus cannot see from exit codes: markup a draft must not run, and
messages that say what is wrong with an input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from proposal_kit.cli import cli
from proposal_kit.render.directives import gantt_spec
from proposal_kit.render.docx_parts import read_custom_properties
from proposal_kit.render.html import gantt_html, markdown_to_html

_PAYLOAD = '"><script>alert(1)</script><x y="'


def test_a_gantt_rows_kind_cannot_end_its_attribute() -> None:
    """The kind of a row is the block's own text: it goes into a class attribute escaped."""
    body = f"columns: [M1, M2]\nrows:\n  - {{label: x, kind: '{_PAYLOAD}', cells: [0]}}\n"
    page = gantt_html(gantt_spec(body))
    assert "<script" not in page
    assert "&quot;&gt;&lt;script&gt;" in page
    drafted = markdown_to_html("```{gantt}\n" + body + "```\n")
    assert "<script" not in drafted


def test_a_properties_part_that_is_not_xml_holds_no_properties() -> None:
    assert read_custom_properties(b'<?xml version="1.0"?><Properties>\x00</Properties>') == {}


def test_calls_folder_named_too_long_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["calls", "--format", "json"],
                                env={"PROPOSAL_KIT_CALLS": "c" * 5000})
    assert result.exit_code == 2, result.stderr
    message = json.loads(result.stdout)["error"]["message"]
    assert message.startswith("PROPOSAL_KIT_CALLS names 'ccc") and "too long" in message
    assert len(message) < 300


def test_calls_folder_that_is_a_file_is_named() -> None:
    result = CliRunner().invoke(cli, ["calls"], env={"PROPOSAL_KIT_CALLS": "/etc/passwd"})
    assert result.exit_code == 2
    assert "PROPOSAL_KIT_CALLS names '/etc/passwd', which is not a folder" in result.stderr


def test_a_deadline_outside_the_calendar_in_local_time_writes_no_calendar(
        tmp_path: Path) -> None:
    ics = tmp_path / "late.ics"
    args = ["plan", "--deadline", "9999-12-31T23:59", "--local-tz", "Pacific/Kiritimati"]
    result = CliRunner().invoke(cli, [*args, "--ics", str(ics)])
    assert result.exit_code == 2, result.stderr
    assert "outside the calendar" in result.stderr and "local time zone" in result.stderr
    assert not ics.exists()
    # JSON shows no local time: the plan is given.
    shown = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["deadline"].startswith("9999-12-31T23:59")


def _with_page_setup(source: Path, target: Path, margin: bytes, width: bytes) -> Path:
    import re
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = re.sub(rb'(<w:pgMar[^>]*w:left=")[^"]*', rb"\g<1>" + margin, data, count=1)
                data = re.sub(rb'(<w:pgSz[^>]*w:w=")[^"]*', rb"\g<1>" + width, data, count=1)
            zout.writestr(info, data)
    return target


def test_page_setup_that_is_not_a_number_is_an_input_error(tmp_path: Path) -> None:
    # python-docx reads the margins only when asked (int('1e5...')): pages, render --form
    # and --reference-doc ended with exit 70.
    from conftest import EXAMPLES
    from proposal_kit import load_project
    from proposal_kit.docxfile import open_docx
    from proposal_kit.errors import InputError
    from proposal_kit.pages.docxinfo import DocxInfo
    from proposal_kit.render import render_project

    draft = tmp_path / "draft.docx"
    render_project(load_project(EXAMPLES / "lot1-education-enterprises" / "project.yaml"),
                   draft, "docx")
    for n, (margin, width) in enumerate([(b"1e5", b"11906"), (b"1417", b"nan")]):
        bad = _with_page_setup(draft, tmp_path / f"bad{n}.docx", margin, width)
        with pytest.raises(InputError, match="page set-up of section 1"):
            open_docx(bad, "the form")
        with pytest.raises(InputError, match="page set-up of section 1"):
            DocxInfo(bad)


def test_a_document_saved_by_libreoffice_gives_one_core_properties_part(tmp_path: Path
                                                                         ) -> None:
    # The official form relates its core properties by LibreOffice's type: python-docx
    # added a second docProps/core.xml to a draft rendered with it as --reference-doc.
    import zipfile
    from collections import Counter

    from click.testing import CliRunner

    from conftest import EXAMPLES, official_file
    from proposal_kit.cli import cli

    form = official_file("partb-form-erasmus-bb-lsii-v*.docx")
    out = tmp_path / "draft.docx"
    result = CliRunner().invoke(cli, ["render", str(EXAMPLES / "lot1-education-enterprises" /
                                                    "project.yaml"), "--reference-doc",
                                      str(form), "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = Counter(zipfile.ZipFile(out).namelist())
    assert names["docProps/core.xml"] == 1


def test_a_reference_document_with_numbers_that_are_not_is_an_input_error(tmp_path: Path
                                                                         ) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from robust_corpus import _docx, _numbers_to, _rewrite

    draft = _docx(tmp_path)
    project = tmp_path / "proj" / "project.yaml"
    for part, prefix in (("word/styles.xml", b"nan"), ("word/numbering.xml", b"1e5")):
        bad = _rewrite(draft, tmp_path / "bad.docx", lambda name, data, part=part,
                       prefix=prefix: _numbers_to(data, prefix) if name == part else data)
        result = CliRunner().invoke(cli, ["render", str(project), "--reference-doc", str(bad),
                                          "-o", str(tmp_path / "out.docx"), "--force"])
        assert result.exit_code == 1, result.output
        # numbering.xml: named by its attribute (docxfile.xml_int); styles.xml: python-docx's
        assert re.search(r"the reference document (holds a value that )?cannot be used",
                         result.output), result.output


def test_a_c1_control_character_typed_in_word_is_not_absorbed(tmp_path: Path) -> None:
    # U+0085 is valid XML, so a document can hold it; absorb and import wrote it into the
    # section files, which check then refused.
    import sys

    import docx

    sys.path.insert(0, str(Path(__file__).parent))
    from proposal_kit.check import check_file
    from robust_corpus import _docx

    draft = _docx(tmp_path)
    project = tmp_path / "proj" / "project.yaml"
    document = docx.Document(str(draft))
    paragraph = next(p for p in document.paragraphs if "sector and its transition" in p.text)
    paragraph.runs[0].text = "Edited \x85 in Word. " + paragraph.runs[0].text
    edited = tmp_path / "edited.docx"
    document.save(str(edited))
    result = CliRunner().invoke(cli, ["absorb", str(project), str(edited), "--apply"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["import", str(edited), "-o", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    for file in (project, tmp_path / "new" / "project.yaml"):
        codes = {f.code for f in check_file(file).findings}
        assert "schema.control-character" not in codes, file
    assert any("Edited  in Word." in p.read_text(encoding="utf-8")
               for p in (tmp_path / "proj" / "sections").glob("*.md"))
