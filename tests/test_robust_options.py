"""Option values no command can use are usage errors (exit 2) that say why, before any work."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from proposal_kit.cli import cli
from proposal_kit.errors import UsageError
from proposal_kit.pages.convert import soffice_timeout


@pytest.mark.parametrize(("value", "says"), [
    ("inf", "at most 86,400 seconds"), ("1e999", "at most 86,400 seconds"),
    ("1e300", "at most 86,400 seconds"), ("nan", "not nan"), ("-5", "more than 0"),
    ("0", "more than 0"), ("", "not a number"), ("soon", "not a number"),
])
def test_a_timeout_that_means_nothing_is_a_usage_error(tmp_path: Path, value: str,
                                                       says: str) -> None:
    pdf = tmp_path / "partb.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    result = CliRunner().invoke(cli, ["pages", str(pdf), "--timeout", value])
    assert result.exit_code == 2, result.output
    assert "--timeout" in result.stderr and says in result.stderr
    assert "Traceback" not in result.output


def test_a_sane_timeout_is_kept() -> None:
    assert soffice_timeout(0.5) == 0.5
    assert soffice_timeout(86_400) == 86_400


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e999"])
def test_the_timeout_from_the_environment_is_checked_the_same_way(
        monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PROPOSAL_KIT_SOFFICE_TIMEOUT", value)
    with pytest.raises(UsageError) as raised:
        soffice_timeout()
    assert raised.value.message.startswith("PROPOSAL_KIT_SOFFICE_TIMEOUT must be")
