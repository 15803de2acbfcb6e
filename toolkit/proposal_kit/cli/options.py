"""Options shared by several commands, declared once."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

__all__ = ["OutputPath", "PathType", "Seconds", "force_option", "format_option"]

F = TypeVar("F", bound=Callable[..., Any])


class PathType(click.Path):
    """``click.Path`` that also refuses a name the system cannot look up (too long)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        """The path, or a usage error naming it."""
        from ..safeio import name_problem

        problem = name_problem(value) if isinstance(value, str | os.PathLike) else None
        if problem:
            shown = os.fsdecode(value)
            shown = shown if len(shown) <= 80 else shown[:60] + f"… ({len(shown):,} characters)"
            self.fail(f"{shown}: {problem}", param, ctx)
        return super().convert(value, param, ctx)


class OutputPath(PathType):
    """A file or folder to write: also refuses an empty name (``-o ""``).

    An empty name is no name: taken as the current folder, ``import -o ""`` or
    ``init ""`` would have written into whatever folder the command ran in.
    """

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        """The path, or a usage error when it is empty or cannot be looked up."""
        if isinstance(value, str | bytes) and not value.strip():
            what = "folder" if not self.file_okay else "file" if not self.dir_okay \
                else "file or folder"
            self.fail(f"the name is empty; give the name of the {what} to write", param, ctx)
        return super().convert(value, param, ctx)


class Seconds(click.ParamType[float, Any]):
    """A timeout in seconds: a number more than 0 and at most a day (not ``inf`` or ``nan``)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        """The number of seconds, or a usage error saying what is wrong with it."""
        from ..pages.convert import timeout_problem

        if isinstance(value, float):
            seconds = value
        else:
            try:
                seconds = float(str(value).strip())
            except ValueError:
                self.fail(f"{str(value)[:40]!r} is not a number of seconds", param, ctx)
        problem = timeout_problem(seconds)
        if problem:
            self.fail(f"the timeout {problem}", param, ctx)
        return seconds


def format_option(choices: Sequence[str], default: str | None = None) -> Callable[[F], F]:
    """``--format`` with the given choices, passed as ``output_format``."""
    return click.option("--format", "output_format", type=click.Choice(list(choices)),
                        default=default or choices[0], show_default=True,
                        help="Output format.")


def force_option(help_text: str = "Overwrite an existing output (a backup is kept).") \
        -> Callable[[F], F]:
    """``--force``."""
    return click.option("--force", is_flag=True, help=help_text)
