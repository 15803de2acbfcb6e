"""Findings: what `check`, `pages` and `review` report about a proposal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Finding", "Path", "Severity", "format_path", "summarise"]

#: A path into the project file, e.g. ("work_packages", 1, "deliverables", 0, "due").
Path = tuple[str | int, ...]


class Severity(StrEnum):
    """How bad a finding is; errors make the proposal fail."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort key: errors first."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]


def format_path(path: Path) -> str:
    """Render a path as the user would write it: ``work_packages[1].deliverables[0].due``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class Finding:
    """One problem or remark, with a stable code and where it applies."""

    code: str
    severity: Severity
    message: str
    path: Path = ()
    line: int | None = None
    column: int | None = None
    category: str = field(default="")
    hint: str | None = None
    #: The file the line is in, when it is not the project file (a section file, a text).
    file: str | None = None

    def with_location(self, line: int | None, column: int | None) -> Finding:
        """Return a copy placed at ``line:column``."""
        return Finding(self.code, self.severity, self.message, self.path, line, column,
                       self.category, self.hint, self.file)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; ``path`` is the dotted path string."""
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "path": format_path(self.path),
            "line": self.line,
            "column": self.column,
        }
        if self.hint:
            data["hint"] = self.hint
        if self.file:
            data["file"] = self.file
        return data


def summarise(findings: Iterable[Finding]) -> dict[str, int]:
    """Count findings by severity, always with all three keys."""
    counts = Counter(f.severity.value for f in findings)
    return {s.value: counts.get(s.value, 0) for s in Severity}
