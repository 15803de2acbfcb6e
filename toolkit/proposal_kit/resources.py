"""Where the built-in data, templates and generic texts live.

In an installed wheel, ``templates/`` and ``generic_texts/`` are bundled inside the package
(``_bundled/``); in a source checkout they sit at the top level of the repository. Both are
found the same way, so a checkout and a wheel behave alike.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["builtin_calls_dir", "builtin_templates_dir", "builtin_texts_dir", "data_dir",
           "user_cache_dir"]

_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Folder of the package's own data files (call rules, reference data, Part B map)."""
    return _PACKAGE / "data"


def builtin_calls_dir() -> Path:
    """Folder of the built-in call rule files, one per topic."""
    return data_dir() / "calls"


def _bundled(name: str) -> Path:
    inside = _PACKAGE / "_bundled" / name
    if inside.is_dir():
        return inside
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"proposal-kit is installed without its {name}/ folder")


def builtin_templates_dir() -> Path:
    """Folder of the built-in Jinja templates of Part B."""
    return _bundled("templates")


def builtin_texts_dir() -> Path:
    """Folder of the built-in generic text library."""
    return _bundled("generic_texts")


def user_cache_dir() -> Path:
    """proposal-kit's folder in the user's cache directory.

    ``$XDG_CACHE_HOME/proposal-kit`` (by default ``~/.cache/proposal-kit``) on Linux, the
    platform's cache folder elsewhere.
    """
    import platformdirs

    return Path(platformdirs.user_cache_dir("proposal-kit", appauthor=False))
