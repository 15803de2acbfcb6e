"""Module attributes imported on first use (PEP 562), for the packages' public names."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, names: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports each of ``names`` when first asked for.

    ``names`` maps a public name to the relative module defining it; the value is then
    cached in the package's namespace, so the next lookup is a plain attribute.
    """
    def getter(name: str) -> Any:
        if name not in names:
            raise AttributeError(name)
        module = import_module(package)
        value = getattr(import_module(names[name], package), name)
        setattr(module, name, value)
        return value

    return getter
