"""`absorb`: the partners' Word edits back into sections/*.md and project.yaml.

The edited document is read (tracked changes accepted or rejected), its paragraphs are
aligned with the base stored in it at render time, and each change is traced to the
section and the unit of source that rendered it; the merge is three-way (see
:mod:`.merge`). Edited cells of the generated tables become field changes (see
:mod:`.fields`). A dry run writes nothing; ``apply`` writes with backups.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Literal

from ..docxfile import open_docx, text_int
from ..errors import InputError
from ..project import Project, load_project
from ..render.output import FINGERPRINT, write_all
from .base import Base, read_base
from .docxread import Block, Change, Comment, Policy, read_document
from .fields import FieldChange, UnmappedCell, table_changes
from .merge import Conflict, join_paragraphs, merge_section
from .narrative import sections_under_headings
from .units import split_units
from .yamledit import set_values

__all__ = ["AbsorbReport", "SectionResult", "absorb"]

Status = Literal["changed", "unchanged", "conflict"]
_MARKS = re.compile(r"[*_`]")


@dataclass
class SectionResult:
    """One section: its status, the diff of its source, the included texts edited."""

    id: str
    label: str
    file: str
    status: Status
    diff: str = ""
    new_text: str = ""
    includes: list[str] = field(default_factory=list)


@dataclass
class OutsideEdit:
    """An edit of the document outside any section's text (a heading, the form's text)."""

    old: list[str]
    new: list[str]


@dataclass
class AbsorbReport:
    """What `absorb` found, and (with ``apply``) wrote."""

    document: Path
    project: Path
    policy: Policy
    sections: list[SectionResult]
    fields: list[FieldChange]
    unmapped: list[UnmappedCell]
    changes: list[tuple[Change, str | None]]
    comments: list[tuple[Comment, str | None]]
    conflicts: list[Conflict]
    outside: list[OutsideEdit]
    warnings: list[str] = field(default_factory=list)
    #: Paragraph index -> the row (its first cell) of a generated table it stands in.
    rows: dict[int, str] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON data (``--format json``)."""
        return {
            "document": str(self.document), "project": str(self.project),
            "tracked_changes_policy": self.policy,
            "sections": [{"id": s.id, "label": s.label, "file": s.file, "status": s.status,
                          "diff": s.diff, "edited_includes": s.includes}
                         for s in self.sections],
            "fields": [f.to_json() for f in self.fields],
            "unmapped_cells": [u.to_json() for u in self.unmapped],
            "tracked_changes": [{"kind": c.kind, "author": c.author, "date": c.date,
                                 "section": s, "table_row": self.rows.get(c.block),
                                 "text": c.text} for c, s in self.changes],
            "comments": [{"author": c.author, "date": c.date, "section": s,
                          "table_row": self.rows.get(-1 if c.block is None else c.block),
                          "quoted": c.quoted, "text": c.text} for c, s in self.comments],
            "conflicts": [{"section": c.section, "base": c.base, "word": c.word,
                           "source": c.source} for c in self.conflicts],
            "outside_sections": [{"old": o.old, "new": o.new} for o in self.outside],
            "warnings": self.warnings,
            "written": [str(p) for p in self.written],
            "backups": [str(p) for p in self.backups],
        }


def _load_base(document_path: Path, project: Project) -> Base:
    base, props = read_base(document_path)
    if base is None:
        how = ("was rendered by proposal-kit without the record absorb needs (render it "
               "again with this version)" if FINGERPRINT in props else
               "was never rendered by proposal-kit")
        raise InputError(f"{document_path} {how}: absorb has nothing to compare it with",
                         hint="to make a project of an existing Part B, use "
                         "`proposal-kit import FILE.docx -o FOLDER`")
    p = project.proposal
    if (base.acronym, base.call) != (p.acronym, p.call):
        raise InputError(f"{document_path} belongs to another project ({base.acronym}, "
                         f"{base.call}), not to {project.file.name} ({p.acronym}, {p.call})",
                         hint="give the project the document was rendered from")
    return base


class _Trace:
    """Word's paragraphs traced to the section units of the base."""

    def __init__(self, base: Base, edited: list[Block]) -> None:
        self.units: dict[str, list[tuple[int, str, bool, int]]] = {}
        self.touched: dict[str, set[int]] = {}
        self.section_of: dict[int, str] = {}
        self.outside: list[OutsideEdit] = []
        old = [b[0] for b in base.blocks]
        new = [b.md for b in edited]
        matcher = SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for k in range(i2 - i1):
                    sid, unit = base.blocks[i1 + k][2], base.blocks[i1 + k][3]
                    if sid is not None and unit is not None:
                        self._add(sid, unit, j1 + k, edited[j1 + k], base)
                continue
            owners: list[tuple[str | None, int | None]] = [
                (b[2], b[3]) for b in base.blocks[i1:i2] if b[2] is not None]
            in_cells = any(b[1] for b in base.blocks[i1:i2] if b[2] is not None)
            target: tuple[str | None, int | None] | None = owners[0] if owners else None
            if target is None and i1 == i2:  # an insertion: it joins the paragraph before
                for k in (i1 - 1, i1):
                    if 0 <= k < len(base.blocks) and base.blocks[k][2] is not None:
                        target = (base.blocks[k][2], base.blocks[k][3])
                        in_cells = base.blocks[k][1] is not None
                        break
            for sid, unit in owners:
                assert sid is not None and unit is not None
                self.touched.setdefault(sid, set()).add(unit)
            if target is None:
                old_text = [b[0] for b in base.blocks[i1:i2] if b[1] is None]
                new_text = [b.md for b in edited[j1:j2] if b.cell is None]
                if old_text or new_text:
                    self.outside.append(OutsideEdit(old_text, new_text))
                continue
            sid, unit = target
            assert sid is not None and unit is not None
            self.touched.setdefault(sid, set()).add(unit)
            one_to_one = tag == "replace" and i2 - i1 == j2 - j1
            for j in range(j1, j2):
                if edited[j].cell is not None and not in_cells:
                    continue  # a generated table's cell: see the field changes
                own = base.blocks[i1 + j - j1] if one_to_one else None
                if own is not None and own[2] is not None and own[3] is not None:
                    self._add(own[2], own[3], j, edited[j], base)  # paragraph for paragraph
                else:
                    self._add(sid, unit, j, edited[j], base)

    def _add(self, sid: str, unit: int, index: int, block: Block, base: Base) -> None:
        md = block.md
        level = base.sections[sid].level if sid in base.sections else 0
        if block.heading and level and md.startswith("#" * (level + 1)):
            md = md[level:]
        self.units.setdefault(sid, []).append((unit, md, block.list_item, index))
        self.section_of[index] = sid

    def word_units(self, sid: str) -> dict[int, str | None]:
        """Unit index -> Word's Markdown for each unit Word changed (None: deleted)."""
        out: dict[int, str | None] = {}
        entries = self.units.get(sid, [])
        for unit in sorted(self.touched.get(sid, set())):
            mine = [(md, item) for u, md, item, _ in entries if u == unit]
            out[unit] = join_paragraphs(mine) if mine else None
        return out

    def blocks_of(self, sid: str, unit: int) -> set[int]:
        """Indices of Word's paragraphs that went into a unit."""
        return {i for u, _, _, i in self.units.get(sid, []) if u == unit}


def _work_package_of(base: Base, form: Any) -> dict[int, int]:
    """Base table number -> the number of the work package whose heading it follows."""
    from ..form.locate import normalise

    pattern = form.work_package_pattern()
    current = 0
    out: dict[int, int] = {}
    for md, cell, _, _ in base.blocks:
        text = normalise(md.lstrip("#").replace("**", "").replace("*", ""))
        match = pattern.match(text)
        if match:
            current = text_int(match.group(1)) or 0
        if cell is not None and current:
            out.setdefault(cell[0], current)
    return out


def _section_file(project: Project, sid: str) -> tuple[str, Path | None]:
    narrative = project.proposal.sections.get(sid)
    if narrative is not None and narrative.file:
        return narrative.file, project.base_dir / narrative.file
    return f"{project.file.name} (sections.{sid}.text)", None


def absorb(project_file: Path, document_path: Path, policy: Policy = "accept",
           apply: bool = False) -> AbsorbReport:
    """Compare ``document_path`` (edited in Word) with what was rendered and the project now.

    With ``apply``, the changes are written (backups kept).

    Raises:
        InputError: the document was never rendered, or belongs to another project.
    """
    from ..calls import load_call
    from ..form import form_for_call
    from ..render.narrative import NarrativeRenderer

    project = load_project(project_file)
    document = open_docx(document_path)
    base = _load_base(document_path, project)
    reading = read_document(document, policy)
    trace = _Trace(base, reading.blocks)
    form = form_for_call(load_call(project.proposal.call))
    narrative = NarrativeRenderer(project)
    author_default = document.core_properties.last_modified_by or "someone"
    if author_default == "proposal-kit":
        author_default = "someone"
    report = AbsorbReport(document_path, project.file, policy, [], [], [], [], [], [],
                          trace.outside)
    inline: list[tuple[tuple[str | int, ...], Any]] = []
    writes: dict[Path, bytes] = {}
    for sid, section in base.sections.items():
        label = form.label(sid) if sid in form.narrative_ids() else sid
        name, path = _section_file(project, sid)
        if sid not in project.texts:
            if trace.touched.get(sid):
                report.warnings.append(f"section '{sid}' was edited in Word but has no "
                                       "text in the project any more; not absorbed")
            continue
        current = project.texts[sid]
        word = trace.word_units(sid)
        if not word:
            report.sections.append(SectionResult(sid, label, name, "unchanged"))
            continue

        def render(markup: str, sid: str = sid) -> str:
            return narrative.render(sid, markup)

        merged = merge_section(sid, section.units, split_units(current), word, render)
        # The source's own ending is kept (a text in project.yaml often has no newline).
        merged.text = merged.text.rstrip("\n") + current[len(current.rstrip("\n")):]
        includes = []
        for edit in merged.includes:
            unit = next(i for i, u in enumerate(section.units) if u.include == edit.key)
            blocks = trace.blocks_of(sid, unit)
            authors = sorted({c.author for c in reading.changes if c.block in blocks
                              and c.author}) or [author_default]
            includes.append(f"{', '.join(authors)} edited the included text {edit.key} "
                            f"in {form.number_of(sid) if sid in form.narrative_ids() else sid}")
        report.warnings.extend(merged.warnings)
        report.conflicts.extend(merged.conflicts)
        status: Status = "conflict" if merged.conflicts else \
            ("changed" if merged.text != current else "unchanged")
        diff = "".join(difflib.unified_diff(current.splitlines(keepends=True),
                                            merged.text.splitlines(keepends=True),
                                            fromfile=f"a/{name}", tofile=f"b/{name}"))
        report.sections.append(SectionResult(sid, label, name, status, diff, merged.text,
                                             includes))
        if not apply or merged.text == current:
            continue
        for message in includes:
            report.warnings.append(f"{message}: inlined into {name}; it no longer follows "
                                   "the generic text")
        if path is not None:
            writes[path] = merged.text.encode("utf-8")
        else:
            inline.append((("sections", sid, "text"), merged.text))
    skip = {b[1][0] for b in base.blocks if b[1] is not None and b[2] is not None}
    report.fields, report.unmapped = table_changes(
        base.tables, [t.rows for t in reading.tables], skip, project.proposal, form,
        _work_package_of(base, form))
    under = sections_under_headings(form, reading.blocks)

    def place(block: int | None) -> str | None:
        """The section of a paragraph: traced to its source, else the heading above it."""
        if block is None or not 0 <= block < len(reading.blocks):
            return None
        cell = reading.blocks[block].cell
        if block not in trace.section_of and cell is not None:  # a generated table's cell
            row = reading.tables[cell[0]].rows[cell[1]]
            report.rows[block] = " ".join(_MARKS.sub("", row[0]).split()) if row else ""
        return trace.section_of.get(block) or under[block]

    report.changes = [(c, place(c.block)) for c in reading.changes]
    report.comments = [(c, place(c.block)) for c in reading.comments]
    changes = inline + [(f.path, f.new) for f in report.fields]
    if apply and changes:
        text = project.file.read_text(encoding="utf-8")
        writes[project.file] = set_values(text, changes).encode("utf-8")
    if writes:  # --apply is the user's consent: each file replaced after a backup
        backups = write_all(writes, force=True)
        report.written = list(writes)
        report.backups = [b for b in backups if b is not None]
    return report
