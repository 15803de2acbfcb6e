"""One generic text file: YAML front matter (validated, with line numbers) and a body.

The front matter is parsed with the project's YAML reader (:mod:`proposal_kit.yamlsource`),
so every problem carries the file line, duplicate keys are caught and alias bombs refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PositiveInt,
    field_validator,
    model_validator,
)

from ..findings import Finding, Severity
from ..findings import Path as DataPath
from ..form import all_narrative_ids
from ..validation import one_of, validate_document
from ..yamlsource import YamlDocument, YamlFileError, parse_yaml

__all__ = ["MAX_TEXT_BYTES", "RESERVED_NAMES", "FrontMatter", "GenericText", "Variable",
           "parse_text_file"]

MAX_TEXT_BYTES = 1024 * 1024
#: Names every body may use without declaring them; a variable may not take them.
RESERVED_NAMES = frozenset({"project", "budget", "text"})
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_VERSION = re.compile(r"^\d+(?:\.\d+){0,2}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Z]{2})?$")


def _scalar_text(value: Any) -> Any:
    """Accept ``default: 9`` or ``version: 1.0`` as text (YAML reads them as numbers)."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else value


Scalar = Annotated[str, BeforeValidator(_scalar_text)]


class Variable(BaseModel):
    """A variable a text declares: required, or with a default."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    description: str = Field(min_length=1, description="What the value is, for the writer.")
    required: bool = Field(False, description="The draft must give a value.")
    default: Scalar | None = Field(None, description="Value used when none is given.")
    kind: Literal["text", "partner"] = Field(
        "text", description="'partner': the value is a partner id; the text sees the partner.")

    @model_validator(mode="after")
    def _required_or_default(self) -> Variable:
        if self.required and self.default is not None:
            raise ValueError("give either 'required: true' or a 'default', not both")
        if not self.required and self.default is None:
            raise ValueError("give either 'required: true' or a 'default'")
        return self


class FrontMatter(BaseModel):
    """The front matter of a generic text."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    title: str = Field(min_length=1, description="Title shown in listings.")
    summary: str = Field(min_length=1, description="What the text says, in one sentence.")
    tags: list[str] = Field(default_factory=list, description="Words to find it by.")
    sections: list[str] = Field(default_factory=list,
                                description="Part B section ids the text suits.")
    lots: list[PositiveInt] = Field(default_factory=list,
                                    description="Lots it suits (lot numbers of the call data).")
    language: str = Field(description="Language code, e.g. en.")
    version: Scalar = Field(description="Version of the text, e.g. 1.0.0.")
    reviewed: date = Field(description="Date of the last review.")
    owner: str = Field(min_length=1, description="Who maintains the text.")
    variables: dict[str, Variable] = Field(default_factory=dict,
                                           description="Variables the body uses.")

    @field_validator("sections")
    @classmethod
    def _sections(cls, value: list[str]) -> list[str]:
        ids = all_narrative_ids()
        return [one_of(section, ids, "section") for section in value]

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _VERSION.match(value):
            raise ValueError(f"'{value}' is not a version number like 1.0.0")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not _LANGUAGE.match(value):
            raise ValueError(f"'{value}' is not a language code like 'en' or 'pt-BR'")
        return value

    @field_validator("variables")
    @classmethod
    def _names(cls, value: dict[str, Variable]) -> dict[str, Variable]:
        for name in value:
            if name in RESERVED_NAMES:
                raise ValueError(f"'{name}' is reserved; choose another variable name")
            if not _NAME.match(str(name)):
                raise ValueError(f"'{name}' is not a valid variable name (lower-case letters, "
                                 "digits and '_', starting with a letter)")
        return value


@dataclass(frozen=True)
class GenericText:
    """A generic text of a library: its key, where it lives, its front matter and body."""

    key: str
    path: Path
    #: The library folder (layer) the text came from.
    source: Path
    meta: FrontMatter
    body: str
    #: Line of the file on which the body starts (1-based).
    body_line: int
    #: File line and column of each front matter path, e.g. ("variables", "lead").
    positions: dict[DataPath, tuple[int, int]] = field(default_factory=dict, compare=False,
                                                       repr=False)

    @property
    def title(self) -> str:
        """Title of the text."""
        return self.meta.title

    @property
    def variables(self) -> dict[str, Variable]:
        """Declared variables by name."""
        return self.meta.variables

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (front matter, key, source folder and file)."""
        data = self.meta.model_dump(mode="json", exclude={"variables"})
        variables = [{"name": name, **var.model_dump(mode="json")}
                     for name, var in self.meta.variables.items()]
        return {"key": self.key, **data, "variables": variables,
                "source": str(self.source), "file": str(self.path)}


def _error(code: str, message: str, line: int | None = 1, hint: str | None = None) -> Finding:
    return Finding(code, Severity.ERROR, message, (), line, None, "texts", hint)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Front matter YAML, body and the body's first line; None without front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    return None


def _yaml_document(file: Path, source: str) -> tuple[YamlDocument | None, list[Finding]]:
    """Parse ``source`` (front matter starting on file line 2) with positions."""
    try:
        return parse_yaml(source, file, line_offset=1), []
    except YamlFileError as exc:
        return None, exc.findings


def parse_text_file(path: Path, key: str, source: Path) -> tuple[GenericText | None,
                                                                  list[Finding]]:
    """Read ``path``; return the text (None if unusable) and every problem found."""
    from ..safeio import InputFileError, read_bytes, wide_encoding

    try:  # a FIFO or a device is refused before it is read (it would block, or never end)
        raw = read_bytes(path, MAX_TEXT_BYTES, "the file")
    except InputFileError as exc:
        if exc.reason == "too-large":
            return None, [_error("texts.too-large", f"the file is larger than a generic text "
                                 f"may be ({MAX_TEXT_BYTES:,} bytes)", None)]
        return None, [_error("texts.read", exc.message.replace(f" {path}", "", 1), None)]
    wide = wide_encoding(raw)
    if wide:
        return None, [_error("texts.encoding", f"the file is {wide} encoded; save it as UTF-8",
                             1)]
    try:
        content = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [_error("texts.encoding", "the file is not valid UTF-8; save it as UTF-8",
                             line)]
    parts = split_front_matter(content)
    if parts is None:
        return None, [_error("texts.front-matter", "the file does not start with YAML front "
                             "matter between two '---' lines", 1,
                             "run 'proposal-kit texts new KEY' for a skeleton")]
    source_yaml, body, body_line = parts
    doc, problems = _yaml_document(path, source_yaml)
    if doc is None:
        return None, [_recode(p) for p in problems]
    if not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else f"a {type(doc.data).__name__}"
        return None, [_error("texts.front-matter", f"the front matter is {what}; expected keys "
                             "such as 'title:' and 'summary:'", 2)]
    meta, findings = validate_document(doc, FrontMatter)
    findings = [_recode(f) for f in problems + findings]
    if meta is None:
        return None, findings
    return GenericText(key, path, source, meta, body, body_line, doc.positions), findings


def _recode(finding: Finding) -> Finding:
    """Schema findings become ``texts.front-matter`` findings (same place, same message)."""
    if finding.code.startswith("texts."):
        return finding
    line = finding.line if finding.line is not None else 1
    return Finding("texts.front-matter", finding.severity, finding.message, finding.path,
                   line, finding.column, "texts", finding.hint)
