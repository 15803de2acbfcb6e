"""Printing helpers: colour that respects NO_COLOR and plain output when not a terminal."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import click

from ..findings import Finding, Severity
from ..terminal import json_text, safe_text

__all__ = ["echo", "emit_json", "finding_line", "print_findings", "strict_failure", "style"]

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _colour() -> bool | None:
    return False if os.environ.get("NO_COLOR") else None


def style(text: str, **kwargs: Any) -> str:
    """``click.style`` unless NO_COLOR is set."""
    return text if os.environ.get("NO_COLOR") else click.style(text, **kwargs)


def echo(text: str = "", err: bool = False) -> None:
    """Print a line; colour is stripped when not a terminal or NO_COLOR is set."""
    click.echo(safe_text(text), err=err, color=_colour())


def emit_json(data: Any) -> None:
    """Print ``data`` as indented, key-stable JSON."""
    click.echo(json_text(data))


def finding_line(item: Finding, file: str | None = None) -> str:
    """``file:line:col: severity code: message (hint)``."""
    where = ":".join(str(x) for x in (item.file or file, item.line, item.column)
                     if x is not None)
    severity = style(item.severity.value, fg=_COLOURS[item.severity], bold=True)
    text = f"{where}: " if where else ""
    text += f"{severity} [{item.code}] {item.message}"
    if item.hint:
        text += f" ({item.hint})"
    return text


def print_findings(findings: Iterable[Finding], file: str | None = None) -> None:
    """Print findings grouped by severity, errors first."""
    findings = list(findings)
    for severity in Severity:
        group = [f for f in findings if f.severity is severity]
        if not group:
            continue
        title = {"error": "Errors", "warning": "Warnings", "info": "Notes"}[severity.value]
        echo(style(f"{title} ({len(group)})", bold=True))
        for item in group:
            echo("  " + finding_line(item, file))


def strict_failure(items: Iterable[tuple[str, str, int | None]], label: str = "") -> None:
    """With --strict, say which warnings failed the run (``(code, file, line)`` each).

    Printed on stderr, so that JSON on stdout stays one document.
    """
    warned = list(dict.fromkeys(items))
    if not warned:
        return
    shown = ", ".join(f"{code} ({file}:{line})" if line else f"{code} ({file})"
                      for code, file, line in warned[:10])
    more = f" and {len(warned) - 10} more" if len(warned) > 10 else ""
    echo(style(f"proposal-kit: --strict: {label}{len(warned)} warning"
               f"{'' if len(warned) == 1 else 's'} fail the run: {shown}{more}", fg="yellow"),
         err=True)
