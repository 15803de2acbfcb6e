"""`texts`: search finds words of variable defaults (ECHE); --section takes section numbers."""

from __future__ import annotations

from click.testing import CliRunner

from proposal_kit.cli import cli
from proposal_kit.form import section_ids


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_search_finds_eche() -> None:
    code, out = run("texts", "search", "ECHE")
    assert code == 0 and out.startswith("profiles/hei ")


def test_list_section_by_number_as_check_prints_it() -> None:
    assert section_ids("management") == ["management"]
    assert section_ids("2.1.2") == ["management"]
    assert section_ids("2.1.2.") == ["management"]
    by_number = run("texts", "list", "--section", "2.1.2")
    by_id = run("texts", "list", "--section", "management")
    assert by_number[0] == 0 and by_number == by_id
    assert "management/project-management" in by_number[1]
    code, out = run("texts", "list", "--section", "9.9")
    assert code == 2 and "unknown section '9.9'" in out and "Traceback" not in out


def test_list_lot_comes_from_the_call_data() -> None:
    assert run("texts", "list", "--lot", "3")[0] == 0
    code, out = run("texts", "list", "--lot", "4")
    assert code == 2 and "known lots: 1, 2, 3" in out
