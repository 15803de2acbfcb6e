"""One error hierarchy for everything a user can cause.

Library code raises these; only the CLI turns them into a message and an exit code
(see :data:`EXIT_CODES`). The core never prints and never exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "EXIT_CODES",
    "ExternalToolError",
    "InputError",
    "OutputConflictError",
    "ProposalKitError",
    "SourceLocation",
    "TemplateError",
    "UsageError",
    "caused_by_interrupt",
]

#: Documented exit codes, shared by every command.
EXIT_CODES: dict[str, int] = {
    "ok": 0,
    "problems": 1,  # the input has errors, or (with --strict) warnings; page limit exceeded
    "usage": 2,  # bad option, missing file, unknown call topic or text key
    "output": 3,  # output refused: would overwrite edited work, locked or unwritable
    "external": 4,  # LibreOffice (or another external tool) missing, failing or hanging
    "interrupted": 130,  # Ctrl-C
}


@dataclass(frozen=True)
class SourceLocation:
    """A place in a user's file: 1-based line and column."""

    file: Path | None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [str(self.file) if self.file else "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class ProposalKitError(Exception):
    """Base of all errors a user can cause; carries data, not formatting."""

    exit_code: int = EXIT_CODES["problems"]

    def __init__(self, message: str, *, location: SourceLocation | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        suffix = f" ({self.hint})" if self.hint else ""
        return f"{prefix}{self.message}{suffix}"


class UsageError(ProposalKitError):
    """The command was called wrongly: missing file, unknown topic, bad option value."""

    exit_code = EXIT_CODES["usage"]


class InputError(ProposalKitError):
    """The input cannot be used: invalid project file, broken document, bad template."""

    exit_code = EXIT_CODES["problems"]


class TemplateError(InputError):
    """A template or a generic text failed: undefined variable, syntax error, unknown key."""


class OutputConflictError(ProposalKitError):
    """Writing the output was refused to protect the user's work, or failed."""

    exit_code = EXIT_CODES["output"]


class ExternalToolError(ProposalKitError):
    """An external program (LibreOffice) is missing, failed or timed out."""

    exit_code = EXIT_CODES["external"]


def caused_by_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is Ctrl-C, or an error Python raised because of one.

    A KeyboardInterrupt inside some of Python's machinery (a class body's ``__set_name__``,
    an import) reaches us as another exception whose cause or context is the interrupt.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
