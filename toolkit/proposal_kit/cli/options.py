"""Options shared by several commands, declared once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

__all__ = ["force_option", "format_option"]

F = TypeVar("F", bound=Callable[..., Any])


def format_option(choices: Sequence[str], default: str | None = None) -> Callable[[F], F]:
    """``--format`` with the given choices, passed as ``output_format``."""
    return click.option("--format", "output_format", type=click.Choice(list(choices)),
                        default=default or choices[0], show_default=True,
                        help="Output format.")


def force_option(help_text: str = "Overwrite an existing output (a backup is kept).") \
        -> Callable[[F], F]:
    """``--force``."""
    return click.option("--force", is_flag=True, help=help_text)
