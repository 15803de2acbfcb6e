"""Load a project file: YAML with positions, validated into a :class:`Proposal`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, SourceLocation
from .findings import Finding, Severity
from .model import Proposal
from .validation import validate_document
from .yamlsource import YamlDocument, YamlFileError, read_yaml

__all__ = ["Project", "ProjectFileError", "load_project"]

MAX_SECTION_BYTES = 1024 * 1024


class ProjectFileError(InputError):
    """The project file is invalid; ``findings`` lists every problem found in one pass."""

    def __init__(self, file: Path, findings: list[Finding]) -> None:
        first = findings[0]
        more = f" (and {len(findings) - 1} more problems)" if len(findings) > 1 else ""
        super().__init__(first.message + more,
                         location=SourceLocation(file, first.line, first.column),
                         hint=first.hint)
        self.file = file
        self.findings = findings


@dataclass
class Project:
    """A validated proposal with where it came from."""

    file: Path
    proposal: Proposal
    document: YamlDocument
    #: Markdown of each section that has text, inline or read from its file.
    texts: dict[str, str] = field(default_factory=dict)
    #: Problems that do not stop validation (a section file missing, duplicate keys).
    problems: list[Finding] = field(default_factory=list)

    @property
    def base_dir(self) -> Path:
        """Folder of the project file; relative paths start here."""
        return self.file.parent

    @property
    def form_file(self) -> Path | None:
        """The applicant's copy of the official form named by ``part_b_form:``, if any."""
        name = self.proposal.part_b_form
        return self.base_dir / name if name else None


def _read_sections(proposal: Proposal, doc: YamlDocument,
                   base: Path) -> tuple[dict[str, str], list[Finding]]:
    texts: dict[str, str] = {}
    problems: list[Finding] = []
    for key, narrative in proposal.sections.items():
        if narrative.text is not None:
            texts[key] = narrative.text
            continue
        assert narrative.file is not None
        path = ("sections", key, "file")
        line, column = doc.locate(path)
        target = base / narrative.file
        try:
            raw = target.read_bytes()
            if len(raw) > MAX_SECTION_BYTES:
                raise ValueError(f"{narrative.file} is larger than 1 MiB")
            texts[key] = raw.decode("utf-8-sig")
        except FileNotFoundError:
            problems.append(Finding("schema.missing-file", Severity.ERROR,
                                    f"section '{key}': file {narrative.file} not found "
                                    f"(looked in {base})", path, line, column, "schema"))
        except UnicodeDecodeError:
            problems.append(Finding("schema.encoding", Severity.ERROR,
                                    f"section '{key}': {narrative.file} is not valid UTF-8",
                                    path, line, column, "schema"))
        except (OSError, ValueError) as exc:
            problems.append(Finding("schema.missing-file", Severity.ERROR,
                                    f"section '{key}': cannot read {narrative.file}: {exc}",
                                    path, line, column, "schema"))
    return texts, problems


def load_project(file: Path | str) -> Project:
    """Read and validate ``file``.

    Raises:
        UsageError: the file does not exist.
        ProjectFileError: the YAML or the schema is invalid (every problem listed).
    """
    file = Path(file)
    try:
        doc = read_yaml(file)
    except YamlFileError as exc:
        raise ProjectFileError(file, exc.findings) from None
    proposal, findings = validate_document(doc, Proposal)
    if proposal is None:
        raise ProjectFileError(file, findings)
    texts, problems = _read_sections(proposal, doc, file.parent)
    return Project(file, proposal, doc, texts, findings + problems)
