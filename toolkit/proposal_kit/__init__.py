"""proposal-kit: check, render and page-count Erasmus+ Alliances for Innovation proposals.

The names below are imported on first use, so that a command pays only for the modules it
needs (``pages`` starts LibreOffice before the project model is even imported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .lazy import lazy_exports

if TYPE_CHECKING:
    from .check import CheckReport, check_file
    from .errors import ProposalKitError
    from .project import Project, load_project

_lazy = lazy_exports(__name__, {
    "CheckReport": ".check", "check_file": ".check", "ProposalKitError": ".errors",
    "Project": ".project", "load_project": ".project"})


def __getattr__(name: str) -> Any:
    """The public names, imported when first used; ``__version__`` from the metadata."""
    if name != "__version__":
        return _lazy(name)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("proposal-kit")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


__all__ = ["CheckReport", "Project", "ProposalKitError", "__version__", "check_file",
           "load_project"]
