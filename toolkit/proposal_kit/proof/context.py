"""What every proof rule reads: the project, its call, the editable lists, the sentences."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..calls import CallRules
from ..errors import InputError, SourceLocation
from ..findings import Path as DataPath
from ..findings import Severity
from ..project import Project
from ..resources import data_dir
from ..validation import validate_document
from ..yamlsource import YamlFileError, read_yaml
from .codes import CODES, ignored
from .source import Sentence, Source

__all__ = ["Filler", "ProofContext", "ProofData", "RawFinding", "proof_data"]


class Filler(BaseModel):
    """A filler phrase and what to write instead."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    phrase: str
    use: str


class StyleLimits(BaseModel):
    """Thresholds of the style hints."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_sentence_words: int = 40
    repeated_min_words: int = 12


class ProofData(BaseModel):
    """The editable lists of ``data/proof.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    known_acronyms: list[str] = Field(default_factory=list)
    eu_terms: list[str] = Field(default_factory=list)
    us_variants: dict[str, str] = Field(default_factory=dict)
    ize_exceptions: list[str] = Field(default_factory=list)
    eu_vocabulary: list[str] = Field(default_factory=list)
    filler: list[Filler] = Field(default_factory=list)
    style: StyleLimits = Field(default_factory=StyleLimits)
    country_aliases: dict[str, list[str]] = Field(default_factory=dict)


@cache
def proof_data() -> ProofData:
    """The built-in lists (``data/proof.yaml``)."""
    file = data_dir() / "proof.yaml"
    try:
        doc = read_yaml(file)
    except YamlFileError as exc:  # pragma: no cover - the shipped file is tested
        raise InputError(exc.message, location=exc.location) from None
    data, findings = validate_document(doc, ProofData)
    if data is None or findings:  # pragma: no cover - the shipped file is tested
        first = findings[0]
        raise InputError(f"invalid {file.name}: {first.message}",
                         location=SourceLocation(file, first.line, first.column))
    return data


@dataclass(frozen=True)
class RawFinding:
    """A finding as a rule makes it: on a sentence, at a char of it."""

    code: str
    message: str
    sentence: Sentence
    index: int = 0
    data: dict[str, Any] | None = None
    hint: str | None = None
    severity: Severity | None = None


@dataclass
class ProofContext:
    """The project under proof and everything the rules share."""

    project: Project
    call: CallRules | None
    sources: list[Source]
    sentences: list[Sentence]
    data: ProofData = field(default_factory=proof_data)

    @property
    def proposal(self) -> Any:
        """The :class:`~proposal_kit.model.Proposal`."""
        return self.project.proposal

    def where(self, path: DataPath) -> dict[str, Any]:
        """``{"path": ..., "where": "project.yaml:LINE"}`` for a value of the data."""
        from ..findings import format_path

        line, _ = self.project.document.locate(path)
        where = self.project.file.name + (f":{line}" if line else "")
        return {"path": format_path(path), "where": where}

    def fact(self, path: DataPath, value: Any) -> dict[str, Any]:
        """The value of the data a finding compares with, and where it is written."""
        return {"value": value, **self.where(path)}

    def is_ignored(self, code: str, sentence: Sentence, index: int) -> bool:
        """Whether ``code`` is switched off for the project or on the sentence's line."""
        if ignored(code, self.proposal.proof.ignore):
            return True
        line = sentence.source.text_line(sentence.start + index)
        codes = sentence.source.ignores.get(line)
        return codes is not None and (not codes or ignored(code, codes))


def severity_of(code: str) -> Severity:
    """The default severity of ``code``."""
    return Severity(CODES[code].severity)


def words_of(items: Iterable[str]) -> set[str]:
    """The casefolded words of ``items``."""
    import re

    return {w.casefold() for item in items for w in re.findall(r"[^\W\d_]+", item)}
