"""proposal-kit: check, render and page-count Erasmus+ Alliances for Innovation proposals."""

from __future__ import annotations

from typing import Any

from .check import CheckReport, check_file
from .errors import ProposalKitError
from .project import Project, load_project


def __getattr__(name: str) -> Any:
    """``__version__``, read from the installed metadata only when asked for."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("proposal-kit")
        except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
            return "0+unknown"
    raise AttributeError(name)

__all__ = ["CheckReport", "Project", "ProposalKitError", "__version__", "check_file",
           "load_project"]
