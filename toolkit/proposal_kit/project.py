"""Load a project file: YAML with positions, validated into a :class:`Proposal`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, SourceLocation
from .findings import Finding, Severity
from .model import Proposal
from .safeio import CONTROL, InputFileError, char_name, confine_present, first_control, read_text
from .validation import validate_document
from .yamlsource import YamlDocument, YamlFileError, read_yaml

__all__ = ["Project", "ProjectFileError", "load_project", "load_project_or_findings"]

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
    def input_files(self) -> list[Path]:
        """The files the project reads besides itself: section files and the form."""
        files = [self.base_dir / n.file for n in self.proposal.sections.values() if n.file]
        if self.form_file is not None:
            files.append(self.form_file)
        return files

    @property
    def roots(self) -> list[Path]:
        """Folders the project's files may come from (see :func:`safeio.confine`)."""
        return project_roots(self.proposal, self.base_dir)

    @property
    def form_file(self) -> Path | None:
        """The applicant's copy of the official form named by ``part_b_form:``, if any."""
        name = self.proposal.part_b_form
        return self.base_dir / name if name else None


def project_roots(proposal: Proposal, base: Path) -> list[Path]:
    """The project folder, its ``paths:`` and ``texts_dirs:``, and the package data."""
    from .resources import builtin_templates_dir, builtin_texts_dir, data_dir

    extra = [base / entry for entry in (*proposal.paths, *proposal.texts_dirs)]
    return [base, *extra, data_dir(), builtin_templates_dir(), builtin_texts_dir()]


_CODES = {"missing": "schema.missing-file", "encoding": "schema.encoding",
          "outside": "schema.outside-path"}


def _read_sections(proposal: Proposal, doc: YamlDocument,
                   file: Path) -> tuple[dict[str, str], list[Finding]]:
    base = file.parent
    texts: dict[str, str] = {}
    problems: list[Finding] = []
    roots = project_roots(proposal, base)
    for key, narrative in proposal.sections.items():
        if narrative.text is not None:
            texts[key] = narrative.text
            continue
        assert narrative.file is not None
        path = ("sections", key, "file")
        line, column = doc.locate(path)
        target = base / narrative.file
        if target.resolve() == file.resolve():
            problems.append(Finding("schema.section-file", Severity.ERROR,
                                    f"section '{key}': {narrative.file} is the project file "
                                    "itself, not a section text", path, line, column, "schema",
                                    f"write the section in sections/{key}.md"))
            continue
        try:
            confine_present(target, roots, f"section '{key}': the file")
            texts[key] = read_text(target, MAX_SECTION_BYTES, f"section '{key}': the file")
            control = first_control(texts[key])
            if control is not None:
                at, col, char = control
                problems.append(Finding(
                    "schema.control-character", Severity.ERROR,
                    f"section '{key}': {narrative.file} line {at}, column {col} holds "
                    f"{char_name(char)}, which no document can show; "
                    "remove it", path, line, column, "schema"))
                texts[key] = CONTROL.sub("", texts[key])
        except InputFileError as exc:
            message = exc.message
            if exc.reason == "missing":
                message = (f"section '{key}': file {narrative.file} not found "
                           f"(looked in {base})")
            problems.append(Finding(_CODES.get(exc.reason, "schema.section-file"),
                                    Severity.ERROR, message, path, line, column, "schema",
                                    exc.hint))
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
    texts, problems = _read_sections(proposal, doc, file)
    return Project(file, proposal, doc, texts, findings + problems)


def load_project_or_findings(file: Path | str) -> Project | list[Finding]:
    """The project of ``file``, or the findings that make it invalid (for reports).

    Raises:
        UsageError: the file does not exist.
    """
    from .errors import UsageError

    file = Path(file)
    if not file.is_file():
        raise UsageError(f"no such file: {file}")
    try:
        return load_project(file)
    except ProjectFileError as exc:
        return exc.findings
