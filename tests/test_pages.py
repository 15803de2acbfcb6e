"""`pages`: page counts from real LibreOffice, the section map, bad files, format, estimate."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt

from conftest import EXAMPLES, LOT2, require_tool
from pages_docs import (
    SECTION_MAP,
    new_document,
    pages_docx,
    sections_docx,
    small_font_docx,
    valid_docx_bytes,
    zip_bomb,
)
from proposal_kit import load_project
from proposal_kit.calls import load_call
from proposal_kit.cli import cli
from proposal_kit.form import form_description
from proposal_kit.pages import PagesReport, count_pages
from proposal_kit.pages.analysis import _hints
from proposal_kit.pages.docxinfo import DocxInfo
from proposal_kit.pages.formatting import (
    check_contents_pages,
    check_docx_format,
    contents_entries,
)
from proposal_kit.render import render_project

NO_SOFFICE = {"PROPOSAL_KIT_SOFFICE": "/nonexistent/soffice"}
FORM = form_description()
BEYOND_8 = ("4.2 WP2 runs past page 8: its page 9 will not be evaluated; "
            "6. DECLARATIONS falls after page 8 and will not be evaluated.")


class Run:
    """One CLI invocation."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        result = CliRunner().invoke(cli, ["pages", *args], env=env)
        self.code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr
        self.exception = result.exception

    @property
    def data(self) -> Any:
        return json.loads(self.stdout)

    def codes(self) -> list[str]:
        return [f["code"] for f in self.data["findings"]]


def soffice_pids() -> set[int]:
    """LibreOffice's processes (``oosplash``, ``soffice.bin``), zombies included."""
    found = _pids(b"soffice")
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() in (
                    "soffice.bin", "oosplash", "soffice"):
                found.add(int(entry.name))
        except OSError:
            continue
    return found


def _pids(marker: bytes) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "cmdline").read_bytes():
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    return {"p40": pages_docx(folder / "forty.docx", 40),
            "p41": pages_docx(folder / "forty-one.docx", 41),
            "sections": sections_docx(folder / "sections.docx")}


@pytest.fixture(scope="module")
def lo(docs: dict[str, Path]) -> dict[str, Run]:
    """Each generated document laid out once by the real LibreOffice."""
    require_tool("soffice")
    before = soffice_pids()
    runs = {"p40": Run(str(docs["p40"]), "--format", "json"),
            "p41": Run(str(docs["p41"]), "--format", "json"),
            "sections": Run(str(docs["sections"]), "--limit", "8", "--format", "json"),
            "sections-text": Run(str(docs["sections"]), "--limit", "8")}
    assert soffice_pids() <= before, "LibreOffice left running"
    return runs


@pytest.fixture(scope="module")
def own_pdfs(docs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) \
        -> dict[str, Path]:
    """LibreOffice's own PDFs of the documents (a bare --convert-to, private profile)."""
    soffice = require_tool("soffice")
    out = tmp_path_factory.mktemp("own")
    profile = (out / "profile").as_uri()
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to",
                    "pdf", "--outdir", str(out), str(docs["p41"]), str(docs["sections"])],
                   check=True, capture_output=True, timeout=180)
    return {"p41": out / "forty-one.pdf", "sections": out / "sections.pdf"}


# --- real LibreOffice ------------------------------------------------------------------

@pytest.mark.libreoffice
def test_forty_pages_is_within_the_limit(lo: dict[str, Run]) -> None:
    run = lo["p40"]
    assert run.code == 0, run.stderr
    data = run.data
    assert (data["pages"], data["limit"], data["over_by"], data["exact"]) == (40, 40, 0, True)
    assert "pages.near-limit" in run.codes()
    assert data["beyond_limit"] is None


@pytest.mark.libreoffice
def test_forty_one_pages_is_over_by_one(lo: dict[str, Run]) -> None:
    run = lo["p41"]
    assert run.code == 1
    data = run.data
    assert (data["pages"], data["over_by"], data["exact"]) == (41, 1, True)
    assert "pages.over-limit" in run.codes()
    assert data["beyond_limit"] == "Page 41 falls after page 40 and will not be evaluated."


@pytest.mark.libreoffice
def test_count_equals_pdfinfo_on_libreoffices_own_pdf(lo: dict[str, Run],
                                                      own_pdfs: dict[str, Path]) -> None:
    pdfinfo = require_tool("pdfinfo")
    info = subprocess.run([pdfinfo, str(own_pdfs["p41"])], capture_output=True, text=True,
                          check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    assert pages == lo["p41"].data["pages"] == 41


@pytest.mark.libreoffice
def test_section_map_matches_where_headings_fall(lo: dict[str, Run]) -> None:
    data = lo["sections"].data
    found = {s["id"]: (s["start_page"], s["end_page"]) for s in data["sections"]}
    assert found == SECTION_MAP
    for section in data["sections"]:
        assert section["pages"] == section["end_page"] - section["start_page"] + 1
        assert set(section) == {"id", "title", "start_page", "end_page", "pages", "length"}
    lengths = [s["length"] for s in data["sections"]]
    assert lengths[-1] is None  # where the last section ends is not known
    assert all(0 <= length <= s["pages"] + 0.1
               for length, s in zip(lengths[:-1], data["sections"], strict=False))
    titles = {s["id"]: s["title"] for s in data["sections"]}
    assert titles["background"] == "1.1 Background and general objectives"
    assert titles["wp2"] == "Work package 2: Curricula"
    assert data["beyond_limit"] == BEYOND_8
    assert lo["sections"].code == 1


@pytest.mark.libreoffice
def test_text_report(lo: dict[str, Run]) -> None:
    out = lo["sections-text"].stdout
    assert "10 of 8 pages" in out and "over the limit by 2" in out
    assert "Section map" in out and "Work package 1: Management and quality" in out
    assert BEYOND_8 in out
    assert "[pages.over-limit]" in out


@pytest.mark.libreoffice
def test_pdf_input_is_read_directly(own_pdfs: dict[str, Path]) -> None:
    run = Run(str(own_pdfs["sections"]), "--limit", "8", "--format", "json")
    data = run.data
    assert run.code == 1 and data["method"] == "pdf" and data["exact"] is True
    assert {s["id"]: (s["start_page"], s["end_page"]) for s in data["sections"]} == SECTION_MAP
    assert data["beyond_limit"] == BEYOND_8
    assert Run(str(own_pdfs["p41"]), "--limit", "41").code == 0


@pytest.mark.libreoffice
def test_excluded_sections_do_not_count(own_pdfs: dict[str, Path], tmp_path: Path) -> None:
    rules = yaml.safe_load(load_call(LOT2).source_file.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    rules["id"] = "TEST-EXCLUDED"
    rules["figures"]["excluded_from_page_count"]["value"] = ["declarations"]
    (tmp_path / "TEST-EXCLUDED.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    env = {"PROPOSAL_KIT_CALLS": str(tmp_path)}
    data = Run(str(own_pdfs["sections"]), "--call", "TEST-EXCLUDED", "--limit", "9",
               "--format", "json", env=env).data
    assert (data["total_pages"], data["excluded_pages"], data["pages"]) == (10, 1, 9)
    assert data["over_by"] == 0


@pytest.mark.libreoffice
def test_library_api(docs: dict[str, Path]) -> None:
    require_tool("soffice")
    report = count_pages(docs["p41"], limit=41)
    assert isinstance(report, PagesReport)
    assert (report.pages, report.limit, report.over_by, report.exact) == (41, 41, 0, True)
    assert not report.failed()


@pytest.mark.libreoffice
def test_timeout_is_an_external_error(docs: dict[str, Path]) -> None:
    require_tool("soffice")
    before = soffice_pids()
    run = Run(str(docs["p40"]), env={"PROPOSAL_KIT_SOFFICE_TIMEOUT": "0.2"})
    assert run.code == 4 and "did not finish within 0.2 s" in run.stderr
    assert soffice_pids() <= before


# --- processes are cleaned up (a stand-in for LibreOffice that hangs) -----------------

@pytest.fixture
def hanging_soffice(tmp_path: Path) -> Iterator[tuple[Path, bytes]]:
    marker = f"{time.time_ns() % 10**6 + 1000}.25"
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\nsleep {marker} &\nwait\n", encoding="utf-8")
    script.chmod(0o755)
    yield script, f"sleep\0{marker}".encode()
    for pid in _pids(f"sleep\0{marker}".encode()):  # only if a test failed
        os.kill(pid, signal.SIGKILL)


def _wait_for(predicate: Any, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_timeout_kills_the_whole_process_group(hanging_soffice: tuple[Path, bytes],
                                               tmp_path: Path) -> None:
    script, marker = hanging_soffice
    doc = pages_docx(tmp_path / "doc.docx", 1)
    run = Run(str(doc), env={"PROPOSAL_KIT_SOFFICE": str(script),
                             "PROPOSAL_KIT_SOFFICE_TIMEOUT": "0.5"})
    assert run.code == 4 and "did not finish" in run.stderr
    assert _wait_for(lambda: not _pids(marker), 2), "the child of LibreOffice was left running"


def test_ctrl_c_kills_libreoffice(hanging_soffice: tuple[Path, bytes], tmp_path: Path) -> None:
    script, marker = hanging_soffice
    doc = pages_docx(tmp_path / "doc.docx", 1)
    env = {**os.environ, "PROPOSAL_KIT_SOFFICE": str(script)}
    proc = subprocess.Popen([sys.executable, "-m", "proposal_kit", "pages", str(doc)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: bool(_pids(marker))), "the stand-in never started"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert _wait_for(lambda: not _pids(marker), 2), "the child of LibreOffice was left running"


# --- bad files ------------------------------------------------------------------------

def _ole(encrypted: bool) -> bytes:
    body = bytearray(4096)
    body[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if encrypted:
        name = "EncryptionInfo".encode("utf-16-le")
        body[1024:1024 + len(name)] = name
    return bytes(body)


BAD_FILES: dict[str, tuple[str, Any, str]] = {
    "empty": ("empty.docx", b"", "empty"),
    "truncated": ("cut.docx", lambda: valid_docx_bytes()[:3000], "damaged or truncated"),
    "text": ("notes.docx", "Just some text, saved with the wrong name.\n", "not a zip"),
    "ole": ("old.docx", _ole(False), "password-protected"),
    "encrypted": ("secret.docx", _ole(True), "password-protected"),
    "no-document": ("parts.docx", "zip-without-document", "no word/document.xml"),
    "bad-xml": ("broken.docx", "zip-with-bad-xml", "cannot be read"),
    "bomb": ("bomb.docx", "bomb", "zip bomb"),
    "pdf-text": ("fake.pdf", "not a pdf at all", "not a PDF"),
    "pdf-truncated": ("cut.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "PDF"),
    "pdf-encrypted": ("locked.pdf", "encrypted-pdf", "password-protected"),
}


def _write_bad(path: Path, content: Any) -> None:
    import zipfile

    if content == "bomb":
        zip_bomb(path)
    elif content == "encrypted-pdf":
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.encrypt("secret", algorithm="RC4-128")
        writer.write(path)
    elif content in ("zip-without-document", "zip-with-bad-xml"):
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            if content == "zip-with-bad-xml":
                archive.writestr("word/document.xml", "<w:document><unclosed>")
    elif callable(content):
        path.write_bytes(content())
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_fail_cleanly(case: str, tmp_path: Path) -> None:
    name, content, message = BAD_FILES[case]
    path = tmp_path / name
    _write_bad(path, content)
    before = soffice_pids()
    for fmt in ("text", "json"):
        run = Run(str(path), "--format", fmt)
        assert run.code == 1, (run.code, run.stderr, run.exception)
        assert isinstance(run.exception, SystemExit)
        assert message in run.stderr and str(path) in run.stderr
        assert "Traceback" not in run.stdout + run.stderr
        assert "internal error" not in run.stderr
    assert _wait_for(lambda: soffice_pids() <= before, 5), "LibreOffice left running"


def test_bad_file_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes(valid_docx_bytes()[:2000])
    run = subprocess.run([sys.executable, "-m", "proposal_kit", "pages", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("proposal-kit: error:") and "truncated" in run.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["missing.docx"], "no such file"),
    (["notes.txt"], "not a .docx or .pdf"),
    (["doc.docx", "--limit", "0"], "--limit"),
    (["doc.docx", "--call", "NO-SUCH-TOPIC"], "unknown call topic"),
    (["doc.docx", "--format", "xml"], "--format"),
])
def test_usage_errors_exit_2(args: list[str], message: str, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    pages_docx(tmp_path / "doc.docx", 1)
    run = Run(*args, env=NO_SOFFICE)
    assert run.code == 2 and message in run.stderr + run.stdout


def test_bad_timeout_setting_is_a_usage_error(docs: dict[str, Path]) -> None:
    require_tool("soffice")
    run = Run(str(docs["p40"]), env={"PROPOSAL_KIT_SOFFICE_TIMEOUT": "soon"})
    assert run.code == 2 and "PROPOSAL_KIT_SOFFICE_TIMEOUT" in run.stderr


def test_the_headings_are_read_from_the_headings_not_the_table_of_contents(
        tmp_path: Path) -> None:
    draft = tmp_path / "draft.docx"
    render_project(load_project(EXAMPLES / "lot2-blueprint" / "project.yaml"), draft)
    info = DocxInfo(draft)
    _, summary = check_docx_format(info, load_call(LOT2), FORM)
    hints = _hints(info, summary, FORM)
    spacing = {node.number: hints.headings.get(node.id) for node in FORM.headings()}
    heading_2 = docx.Document(str(draft)).styles["Heading 2"].paragraph_format.space_before.pt
    assert spacing["1.1"] == heading_2 > 0  # not the toc 2 entry's, which comes first


# --- formatting, from the DOCX itself -------------------------------------------------

def _format_codes(path: Path) -> dict[str, str]:
    findings, _ = check_docx_format(DocxInfo(path), load_call(LOT2), FORM)
    return {f.code: f.severity.value for f in findings}


@pytest.mark.parametrize(("numbers", "flagged"), [(False, True), (True, False)])
def test_a_table_of_contents_without_page_numbers_is_noted(tmp_path: Path, numbers: bool,
                                                           flagged: bool) -> None:
    document = new_document()
    for level in (1, 2):
        document.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
    for n, (level, text) in enumerate([(1, "1 RELEVANCE"), (2, "1.1 Background"),
                                       (2, "1.2 Needs analysis"), (1, "2 QUALITY")], 2):
        document.add_paragraph(f"{text}\t{n}" if numbers else text, style=f"toc {level}")
    path = tmp_path / "toc.docx"
    document.save(str(path))
    assert ("format.toc-not-updated" in _format_codes(path)) is flagged
    entries = contents_entries(DocxInfo(path))
    assert entries[0] == ("1 RELEVANCE", 2 if numbers else None)
    starts = {"1 relevance": 2, "1.1 background": 3, "1.2 needs analysis": 4, "2 quality": 5}
    assert check_contents_pages(entries, starts) == []
    starts["1.2 needs analysis"] = 6  # the text grew after the table was last updated
    stale = check_contents_pages(entries, starts)
    assert [f.code for f in stale] == (["format.toc-stale"] if numbers else [])
    if numbers:
        assert "1.2 Needs analysis: says 4, starts on 6" in stale[0].message


def test_narrow_margins_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "m.docx"
    new_document(margin_mm=12).save(str(path))
    assert _format_codes(path)["format.margin"] == "error"
    run = Run(str(path), "--format", "json", env=NO_SOFFICE)
    margin = next(f for f in run.data["findings"] if f["code"] == "format.margin")
    assert "12.0 mm" in margin["message"] and "15 mm" in margin["message"]
    assert run.code == 1


def test_letter_paper_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "letter.docx"
    new_document(paper=(215.9, 279.4)).save(str(path))
    assert _format_codes(path)["format.paper"] == "warning"
    run = Run(str(path), "--format", "json", env=NO_SOFFICE)
    assert any("Letter" in f["message"] for f in run.data["findings"])
    assert run.data["format"]["paper"] == ["Letter"]


def test_small_body_text_is_flagged(tmp_path: Path) -> None:
    path = small_font_docx(tmp_path / "small.docx", 8)
    codes = _format_codes(path)
    assert codes["format.font-size"] == "error"  # the form confirms the 9 pt minimum
    run = Run(str(path), "--format", "json", env=NO_SOFFICE)
    assert run.data["format"]["smallest_font_pt"] == 8
    assert any("8 pt" in f["message"] for f in run.data["findings"]
               if f["code"] == "format.font-size")


def test_small_text_from_a_style_is_found(tmp_path: Path) -> None:
    document = new_document(font_pt=8.5)
    document.add_paragraph("Body text in the Normal style.")
    path = tmp_path / "style.docx"
    document.save(str(path))
    assert "format.font-size" in _format_codes(path)


def test_compliant_document_is_clean(tmp_path: Path) -> None:
    path = tmp_path / "ok.docx"
    document = new_document(margin_mm=15, font_pt=11)
    for tag in FORM.tag_sequence():
        document.add_paragraph(tag)
        document.add_paragraph("Text.").runs[0].font.size = Pt(9)
    document.save(str(path))
    assert _format_codes(path) == {}


def test_tags_follow_the_forms_sequence(tmp_path: Path) -> None:
    """Unknown, missing and misplaced tags are named; the form's own order is clean."""
    expected = FORM.tag_sequence()
    swapped = list(expected)
    swapped[1], swapped[3] = swapped[3], swapped[1]  # #@REL-EVA-RE@# before #@PRJ-SUM-PS@#
    cases = {"ok": expected, "swapped": swapped, "short": expected[:-1],
             "unknown": [*expected, "#@REL-EVA-RX@#"]}
    found: dict[str, dict[str, list[str]]] = {}
    for name, tags in cases.items():
        document = new_document()
        document.add_paragraph(" ".join(tags[:5]))  # the form puts several in one paragraph
        for tag in tags[5:]:
            document.add_paragraph(tag)
        path = tmp_path / f"{name}.docx"
        document.save(str(path))
        findings, _ = check_docx_format(DocxInfo(path), load_call(LOT2), FORM)
        found[name] = {}
        for f in findings:
            found[name].setdefault(f.code, []).append(f.message)
    assert not any(code.startswith("format.tag") for code in found["ok"])
    assert "#@PRJ-SUM-PS@#" in found["swapped"]["format.tag-order"][0]
    assert "the document ends before the form's tag #§DEC-LAR-DL§#" in \
        found["short"]["format.tag-unbalanced"][0]
    assert "REL-EVA-RX" in found["unknown"]["format.tag-unknown"][0]


# --- without LibreOffice: an estimate, clearly labelled ---------------------------------

def test_estimate_without_libreoffice(docs: dict[str, Path]) -> None:
    run = Run(str(docs["p40"]), "--format", "json", env=NO_SOFFICE)
    data = run.data
    assert run.code == 0
    assert data["exact"] is False and data["method"] == "estimate"
    assert data["pages"] == 40
    estimate = next(f for f in data["findings"] if f["code"] == "pages.estimate")
    assert "ESTIMATE" in estimate["message"] and "apt-get install" in estimate["hint"]
    text = Run(str(docs["p40"]), env=NO_SOFFICE).stdout
    assert "estimate" in text.lower() and "not the page count" in text


def test_estimate_over_the_limit_is_only_a_warning(docs: dict[str, Path]) -> None:
    run = Run(str(docs["p41"]), "--format", "json", env=NO_SOFFICE)
    over = next(f for f in run.data["findings"] if f["code"] == "pages.over-limit")
    assert over["severity"] == "warning" and over["message"].startswith("An estimated 41")
    assert run.code == 0


def test_estimate_section_map(docs: dict[str, Path]) -> None:
    data = Run(str(docs["sections"]), "--format", "json", env=NO_SOFFICE).data
    starts = {s["id"]: s["start_page"] for s in data["sections"]}
    assert starts == {key: start for key, (start, _) in SECTION_MAP.items()}


def test_estimate_survives_extreme_formatting(tmp_path: Path) -> None:
    document = new_document()
    document.add_paragraph("x" * 500).paragraph_format.line_spacing = Pt(2000)
    document.add_paragraph("tiny").runs[0].font.size = Pt(0.5)
    document.add_paragraph().add_run().add_break()
    path = tmp_path / "extreme.docx"
    document.save(str(path))
    run = Run(str(path), "--format", "json", env=NO_SOFFICE)
    # counted without a crash; exit 1 only for the 0.5 pt text (the form's 9 pt minimum)
    assert run.code == 1 and run.data["pages"] >= 1
    assert {f["code"] for f in run.data["findings"] if f["severity"] == "error"} == {
        "format.font-size"}


def test_exact_without_libreoffice_exits_4(docs: dict[str, Path]) -> None:
    run = Run(str(docs["p40"]), "--exact", env=NO_SOFFICE)
    assert run.code == 4
    assert "LibreOffice is not installed" in run.stderr and "apt-get install" in run.stderr


def test_libreoffice_missing_from_path(docs: dict[str, Path], tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    if Path("/Applications/LibreOffice.app").exists():
        pytest.skip("LibreOffice is found at its macOS location whatever PATH says")
    run = Run(str(docs["p40"]), "--exact", env={"PATH": str(empty),
                                                "PROPOSAL_KIT_SOFFICE": ""})
    assert run.code == 4 and "LibreOffice is not installed" in run.stderr


def test_help() -> None:
    result = CliRunner().invoke(cli, ["pages", "--help"])
    assert result.exit_code == 0
    for option in ("--limit", "--format", "--exact", "--call", "--timeout"):
        assert option in result.output


def test_libreoffice_lays_out_the_draft_without_the_base_of_absorb(tmp_path: Path) -> None:
    """The copy LibreOffice opens has the base's part emptied (it does not change the layout,
    and LibreOffice would read its tens of KB of base64): every other part is the draft's,
    byte for byte, and the base is still in the draft itself."""
    import zipfile

    from proposal_kit.pages.layoutcopy import layout_copy
    from proposal_kit.roundtrip.base import read_base

    draft = tmp_path / "draft.docx"
    render_project(load_project(EXAMPLES / "lot2-blueprint" / "project.yaml"), draft)
    copy = tmp_path / "copy.docx"
    assert layout_copy(draft, copy)
    original, laid_out = zipfile.ZipFile(draft), zipfile.ZipFile(copy)
    assert original.namelist() == laid_out.namelist()
    changed = [n for n in original.namelist() if original.read(n) != laid_out.read(n)]
    assert len(changed) == 1 and changed[0].startswith("customXml/item"), changed
    assert len(laid_out.read(changed[0])) < 200 < len(original.read(changed[0]))
    assert read_base(draft)[0] is not None and read_base(copy)[0] is None


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated", None])
def test_a_document_without_a_base_is_laid_out_as_it_is(tmp_path: Path,
                                                        content: bytes | None) -> None:
    """Not a draft of ours (the official form), or not readable: no copy is written, and
    the caller copies the file as it is (its own checks say what is wrong with it)."""
    from proposal_kit.pages.layoutcopy import layout_copy

    source = tmp_path / "document.docx"
    if content is None:
        docx.Document().save(str(source))
    else:
        source.write_bytes(content)
    copy = tmp_path / "copy.docx"
    assert layout_copy(source, copy) is False
    assert not copy.exists()
