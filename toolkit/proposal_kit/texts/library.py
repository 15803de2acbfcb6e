"""Layered libraries of generic texts: find a text by key, first match wins.

Order (as mkdocs searches theme ``dirs``): the project's own ``texts/`` folder, the folders
of ``texts_dirs:`` in the project file, the folders of ``PROPOSAL_KIT_TEXTS``, then the
built-in library. Keys are names, never paths: a key that would leave a library, or a file
that is a link pointing outside its library, is refused.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING

from ..errors import ProposalKitError, SourceLocation, TemplateError, UsageError
from ..findings import Finding
from ..resources import builtin_texts_dir
from ..validation import did_you_mean
from .frontmatter import GenericText, parse_text_file

if TYPE_CHECKING:
    from ..project import Project

__all__ = ["ENV_VAR", "KEY_PATTERN", "Layer", "TextLibrary", "UnknownTextError", "check_key",
           "iter_text_files"]

KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$")
ENV_VAR = "PROPOSAL_KIT_TEXTS"
_EXAMPLE = "keys are names inside a library, like 'quality/eqavet-esg'"


class UnknownTextError(UsageError):
    """No library holds a text with this key."""

    def __init__(self, key: str, hint: str | None = None) -> None:
        super().__init__(f"unknown generic text '{key}'", hint=hint)
        self.key = key


def check_key(key: object) -> str:
    """Return ``key`` if it is a valid text key; raise :class:`UsageError` explaining why not."""
    if not isinstance(key, str):
        raise UsageError(f"a text key must be text, got {type(key).__name__}")
    if KEY_PATTERN.match(key):
        return key
    if key.startswith(("/", "\\", "~")) or PureWindowsPath(key).is_absolute() \
            or re.match(r"^[A-Za-z]:", key):
        raise UsageError(f"text key '{key}' is an absolute path; refused", hint=_EXAMPLE)
    if ".." in re.split(r"[/\\]", key):
        raise UsageError(f"text key '{key}' would leave the library ('..'); refused",
                         hint=_EXAMPLE)
    if key.lower().endswith(".md"):
        raise UsageError(f"text key '{key}' ends with .md",
                         hint=f"use the key without it: '{key[:-3]}'")
    raise UsageError(f"'{key}' is not a valid text key: use lower-case words joined by '-', "
                     "in folders joined by '/'", hint=_EXAMPLE)


def iter_text_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """Every ``.md`` file of ``folder`` (not READMEs, not hidden) as (key, path), sorted.

    The key is the path below ``folder`` without ``.md``; it may be invalid (lint says so).
    """
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            stem, dot, suffix = name.rpartition(".")
            if not dot or suffix.lower() != "md" or name.startswith(".") \
                    or stem.lower() == "readme":
                continue
            path = Path(root) / name
            yield path.relative_to(folder).with_suffix("").as_posix(), path


@dataclass(frozen=True)
class Layer:
    """One library folder in the search order, with where it was named."""

    folder: Path
    #: "project", "texts_dirs", "PROPOSAL_KIT_TEXTS", "built-in" or "folder".
    origin: str = "folder"


class TextLibrary:
    """Generic texts from layered folders; the first folder holding a key wins."""

    def __init__(self, layers: Iterable[Layer | Path | str]) -> None:
        unique: list[Layer] = []
        seen: set[Path] = set()
        for item in layers:
            layer = item if isinstance(item, Layer) else Layer(Path(item))
            real = layer.folder.resolve()
            if real not in seen:
                seen.add(real)
                unique.append(layer)
        self.layers: tuple[Layer, ...] = tuple(unique)
        self._cache: dict[Path, tuple[GenericText | None, list[Finding]]] = {}

    def __repr__(self) -> str:
        return f"TextLibrary({[str(layer.folder) for layer in self.layers]!r})"

    @classmethod
    def for_project(cls, project: Project | None) -> TextLibrary:
        """The search order for ``project`` (or without a project: environment, built-in).

        Raises:
            UsageError: a folder of ``texts_dirs`` or ``PROPOSAL_KIT_TEXTS`` does not exist.
        """
        layers: list[Layer] = []
        if project is not None:
            own = project.base_dir / "texts"
            if os.path.isdir(own):
                layers.append(Layer(own, "project"))
            for i, entry in enumerate(project.proposal.texts_dirs):
                folder = project.base_dir / Path(entry).expanduser()
                if not os.path.isdir(folder):
                    raise UsageError(f"texts_dirs: folder '{entry}' not found (looked for "
                                     f"{folder})", location=project.document.location(
                                         ("texts_dirs", i)))
                layers.append(Layer(folder, "texts_dirs"))
        for entry in os.environ.get(ENV_VAR, "").split(os.pathsep):
            if not entry:
                continue
            folder = Path(entry).expanduser()
            if not os.path.isdir(folder):
                raise UsageError(f"{ENV_VAR} names '{entry}', which is not a folder")
            layers.append(Layer(folder, ENV_VAR))
        layers.append(Layer(builtin_texts_dir(), "built-in"))
        return cls(layers)

    @property
    def folders(self) -> list[Path]:
        """The library folders, in search order."""
        return [layer.folder for layer in self.layers]

    def origin(self, text: GenericText) -> str:
        """Where the folder of ``text`` was named ("project", "built-in", ...)."""
        return next((layer.origin for layer in self.layers if layer.folder == text.source),
                    "folder")

    def keys(self) -> list[str]:
        """Every valid key, once, sorted."""
        found = {key for layer in self.layers if os.path.isdir(layer.folder)
                 for key, _ in iter_text_files(layer.folder) if KEY_PATTERN.match(key)}
        return sorted(found)

    def find(self, key: str) -> GenericText | None:
        """The text with ``key`` from the first folder that has it, or None.

        Raises:
            UsageError: the key is not a valid name, or the file leaves its library.
            TemplateError: the file was found but its front matter is invalid.
        """
        key = check_key(key)
        for layer in self.layers:
            path = layer.folder / f"{key}.md"
            if os.path.isfile(path):
                return self._load(key, path, layer.folder)
            if os.path.lexists(path):  # a FIFO, a device, a folder, a dangling link
                self._load(key, path, layer.folder)  # refused for what it is
        return None

    def get(self, key: str) -> GenericText:
        """Like :meth:`find`, but an unknown key raises :class:`UnknownTextError`."""
        text = self.find(key)
        if text is None:
            raise UnknownTextError(key, did_you_mean(key, self.keys())
                                   or "see 'proposal-kit texts list'")
        return text

    def scan(self) -> tuple[list[GenericText], list[ProposalKitError]]:
        """Every usable text (first match by key wins), sorted by key, and the unusable ones."""
        texts: dict[str, GenericText] = {}
        errors: list[ProposalKitError] = []
        seen: set[str] = set()
        for layer in self.layers:
            if not os.path.isdir(layer.folder):
                continue
            for key, path in iter_text_files(layer.folder):
                if key in seen:
                    continue
                seen.add(key)
                try:
                    check_key(key)
                    text = self._load(key, path, layer.folder)
                except ProposalKitError as exc:
                    if exc.location is None:
                        exc.location = SourceLocation(path)
                    errors.append(exc)
                    continue
                texts[key] = text
        return [texts[k] for k in sorted(texts)], errors

    def all(self) -> list[GenericText]:
        """Every text, first match by key wins, sorted by key; raise on an unusable one."""
        texts, errors = self.scan()
        if errors:
            raise errors[0]
        return texts

    def load_file(self, key: str, path: Path, folder: Path) -> tuple[GenericText | None,
                                                                      list[Finding]]:
        """Parse one file (cached); for lint, which wants every finding."""
        if path not in self._cache:
            self._cache[path] = parse_text_file(path, key, folder)
        return self._cache[path]

    def _load(self, key: str, path: Path, folder: Path) -> GenericText:
        real, root = path.resolve(), folder.resolve()
        if not real.is_relative_to(root):
            raise UsageError(f"generic text '{key}' is a link to {real}, outside its library "
                             f"{folder}; refused", location=SourceLocation(path))
        text, findings = self.load_file(key, path, folder)
        errors = [f for f in findings if f.severity.value == "error"]
        if text is None or errors:  # also a usable text with an error (a duplicate key)
            first = errors[0]
            raise TemplateError(f"generic text '{key}' is invalid: {first.message}",
                                location=SourceLocation(path, first.line, first.column),
                                hint=first.hint or f"run 'proposal-kit texts lint {folder}'")
        return text
