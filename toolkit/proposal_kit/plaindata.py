"""Walking plain data: the mappings, lists and scalars the YAML loader builds."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .findings import Path as DataPath

__all__ = ["walk"]


def walk(data: object, skip: Callable[[DataPath], bool] | None = None) \
        -> Iterator[tuple[DataPath, object]]:
    """Every value in ``data`` with its path, in document order, ``data`` itself first.

    A value whose path ``skip`` accepts is left out, with everything it holds. Iterative,
    so a deeply nested file cannot exhaust the stack.
    """
    stack: list[tuple[DataPath, object]] = [((), data)]
    while stack:
        path, item = stack.pop()
        if skip is not None and path and skip(path):
            continue
        yield path, item
        if isinstance(item, dict):
            stack.extend(((*path, key), value) for key, value in reversed(item.items()))
        elif isinstance(item, list | tuple):
            stack.extend(((*path, n), value) for n, value in reversed(list(enumerate(item))))
