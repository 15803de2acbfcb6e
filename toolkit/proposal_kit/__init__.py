"""proposal-kit: check, render and page-count Erasmus+ Alliances for Innovation proposals.

The names below are imported on first use, so that a command pays only for the modules it
needs (``pages`` starts LibreOffice before the project model is even imported).
"""

# Nothing is imported here at run time, not even typing or __future__: `python -m proposal_kit`
# imports this package before proposal-kit can catch Ctrl-C, so it must take no time at all.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .check import CheckReport, check_file
    from .errors import ProposalKitError
    from .project import Project, load_project

_LAZY = {"CheckReport": ".check", "check_file": ".check", "ProposalKitError": ".errors",
         "Project": ".project", "load_project": ".project"}


def __getattr__(name: str) -> "Any":
    """The public names, imported when first used; ``__version__`` from the metadata."""
    if name != "__version__":
        from .lazy import lazy_exports

        return lazy_exports(__name__, _LAZY)(name)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("proposal-kit")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


__all__ = ["CheckReport", "Project", "ProposalKitError", "__version__", "check_file",
           "load_project"]
