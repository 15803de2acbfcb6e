"""proposal-kit: check, render and page-count Erasmus+ Alliances for Innovation proposals."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .check import CheckReport, check_file
from .errors import ProposalKitError
from .project import Project, load_project

try:
    __version__ = version("proposal-kit")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"

__all__ = ["CheckReport", "Project", "ProposalKitError", "__version__", "check_file",
           "load_project"]
