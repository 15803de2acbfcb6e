"""What the adversarial corpus cannot see from exit codes: markup a draft must not run, and
messages that say what is wrong with an input."""

from __future__ import annotations

import json
from pathlib import Path

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
