"""Edits of the generated tables, mapped back to the project.yaml fields they show.

A table (or a part of the form's work package table) is known by its heading row, whose
headings the form description gives; a row by its number (D2.1, MS3, T1.2, E1.1, risk 2);
a column by its heading. What cannot be mapped is reported, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from ..docxfile import text_int
from ..form.description import FormDescription
from ..form.locate import normalise
from ..model import Proposal

__all__ = ["CellEdit", "FieldChange", "UnmappedCell", "table_changes"]

Path = tuple[str | int, ...]

#: Markdown emphasis and code marks, which a cell's value is read without.
_MD = re.compile(r"[*_`]")

#: Table (part) id -> (kind of row, column id -> model field).
_RULES: dict[str, tuple[str, dict[str, str]]] = {
    "work_package.deliverables": ("deliverable", {"name": "title", "lead": "lead",
                                                  "type": "type", "dissemination":
                                                  "dissemination", "due": "due"}),
    "work_package.milestones": ("milestone", {"name": "title", "lead": "lead",
                                              "description": "description", "due": "due",
                                              "verification": "verification"}),
    "work_package.tasks": ("task", {"name": "title", "description": "description",
                                    "participants": "participants"}),
    "staff": ("staff", {"organisation": "partner", "role": "role", "profile": "profile"}),
    "risks": ("risk", {"description": "description", "work_packages": "work_packages",
                       "mitigation": "mitigation"}),
    "events": ("event", {"name": "title", "type": "type", "area": "area",
                         "location": "location", "duration": "duration_days",
                         "attendees": "attendees", "participant": "lead"}),
}
_INT_FIELDS = {"due", "attendees", "month"}
_FLOAT_FIELDS = {"duration_days"}


@dataclass(frozen=True)
class CellEdit:
    """An edited cell of a generated table: its table (part), row, column, values."""

    table: str
    row: str
    column: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        """The JSON form of the report (``--format json``)."""
        return {"table": self.table, "row": self.row, "column": self.column, "old": self.old,
                "new": self.new}


@dataclass(frozen=True)
class FieldChange(CellEdit):
    """A project.yaml field (``path``) whose value was changed in a generated table."""

    path: Path

    @property
    def dotted(self) -> str:
        """``work_packages[1].deliverables[0].due``."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the field's dotted path."""
        return {"path": self.dotted, **super().to_json()}


@dataclass(frozen=True)
class UnmappedCell(CellEdit):
    """An edited cell that no field stands behind (reported, not applied), and why."""

    reason: str

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the reason."""
        return {**super().to_json(), "reason": self.reason}


def _parts(form: FormDescription) -> dict[str, list[tuple[str, str]]]:
    """Table (part) id -> its columns (id, normalised heading)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for tid, spec in form.tables.items():
        if spec.columns:
            out[tid] = [(c.id, normalise(c.heading)) for c in spec.columns]
        for pid, part in (spec.parts or {}).items():
            if part.columns:
                out[f"{tid}.{pid}"] = [(c.id, normalise(c.heading)) for c in part.columns]
    return out


def _subs(form: FormDescription) -> dict[str, list[str]]:
    """Table (part) id -> its columns with the form's sub-columns spelled out.

    In the official form a column with sub-columns (a task's participants: name, role)
    is one heading cell over one cell per sub-column in the rows below it.
    """
    out: dict[str, list[str]] = {}
    for tid, spec in form.tables.items():
        for pid, columns in [(tid, spec.columns), *[(f"{tid}.{k}", part.columns)
                                                   for k, part in (spec.parts or {}).items()]]:
            out[pid] = [c.id if i == 0 else f"{c.id}.{sub}" for c in columns or ()
                        for i, sub in enumerate(c.sub or ("",))]
    return out


def _sub_heading(row: list[str], form: FormDescription, part: str) -> bool:
    """Whether ``row`` is the second heading row of a table (part) of the form.

    That row names the sub-columns (a task's participant: Name, Role) or the columns of a
    group (an event's description: Name, Type, Area...).
    """
    tid, _, pid = part.partition(".")
    spec = form.tables.get(tid)
    columns = (spec.parts[pid].columns if pid and spec and spec.parts and pid in spec.parts
               else spec.columns if spec else ()) or ()
    names = {normalise(y) for c in columns for x in (c.heading, *(c.sub or ()))
             for y in (x, re.sub(r"\s*\(.*?\)", "", x))}  # "Duration (days)"
    cells = [normalise(_MD.sub("", c).split("\n")[0]) for c in row]
    return any(cells) and all(c in names for c in cells if c)


def _header(row: list[str], parts: dict[str, list[tuple[str, str]]]) -> str | None:
    # The form's heading cells may carry its guidance on a second line.
    cells = [normalise(_MD.sub("", c).split("\n")[0]) for c in row]
    for pid, columns in parts.items():
        headings = [h for _, h in columns]
        if len(cells) >= 2 and cells[:2] == headings[:2] and len(cells) <= len(headings) + 1:
            return pid
    return None


def _find(proposal: Proposal, kind: str, key: str, index: int) -> tuple[Path, Any] | None:
    key = _MD.sub("", key).strip()
    if kind == "staff":  # the table lists the staff in order, without a number
        return (("staff", index), proposal.staff[index]) if index < len(proposal.staff) \
            else None
    for i, wp in enumerate(proposal.work_packages):
        groups: dict[str, list[Any]] = {"deliverable": list(wp.deliverables),
                                        "milestone": list(wp.milestones),
                                        "task": list(wp.tasks)}
        items = groups.get(kind, [])
        attr = "id" if kind == "task" else "number"
        for j, item in enumerate(items):
            if str(getattr(item, attr, "")) == key:
                return ("work_packages", i, f"{kind}s", j), item
    if kind == "risk" and key.isdigit() and 0 < int(key) <= len(proposal.risks):
        return ("risks", int(key) - 1), proposal.risks[int(key) - 1]
    if kind == "event":
        for k, event in enumerate(proposal.events):
            if event.number == key:
                return ("events", k), event
    return None


def _value(proposal: Proposal, field: str, text: str, old: Any, old_cell: str) -> Any:
    """The field's new value read from a cell; raises ValueError when it cannot be."""
    text = _MD.sub("", text).strip()
    if field in _INT_FIELDS | _FLOAT_FIELDS:
        match = re.search(r"\d+(?:[.,]\d+)?", text)
        if not match:
            raise ValueError("not a number")
        number = match.group(0).replace(",", ".")
        if len(number) > 16:  # no month, count or amount of a proposal is that long
            raise ValueError("not a number")
        return int(float(number)) if field in _INT_FIELDS else float(number)
    if field in ("lead", "partner"):
        return _partner(proposal, re.sub(r"^\d+\s*-\s*", "", text))
    if field == "work_packages":
        return [_work_package(proposal, w) for w in re.split(r"[,;\s]+", text) if w]
    suffix = old_cell[len(str(old)):] if isinstance(old, str) and old_cell.startswith(old) \
        else ""
    if suffix and text.endswith(suffix.strip()):
        text = text[:len(text) - len(suffix.strip())].rstrip()
    return text


def _partner(proposal: Proposal, text: str) -> str:
    for p in proposal.partners:
        if text in (p.id, p.short_name, p.name, p.label):
            return p.id
    raise ValueError(f"'{text}' is no partner of the project")


def _work_package(proposal: Proposal, text: str) -> str:
    number = text.upper().removeprefix("WP")
    for i, wp in enumerate(proposal.work_packages, start=1):
        if number == str(i) or text == wp.id:
            return wp.id
    raise ValueError(f"'{text}' is no work package of the project")


def _participants(proposal: Proposal, task: Any, cell: str) -> tuple[str | None, list[str]]:
    """A task's leader (the partner in bold) and participants read from its cell.

    The cell lists short names, grouped by role: ``**VUAS** (COO); UPEbro, BAT (BEN)``.
    Names of other participants (``others`` in project.yaml) are left as they are.
    """
    lead = None
    ids: list[str] = []
    others = {o.name for o in task.others}
    bold = re.search(r"\*\*(.+?)\*\*", cell)
    for name in re.split(r"[,;\n]", re.sub(r"\([^)]*\)", "", _MD.sub("", cell))):
        name = name.strip()
        if not name or name in others:
            continue
        pid = _partner(proposal, name)
        if bold and name == bold.group(1).strip() and lead is None:
            lead = pid
        elif pid not in ids:
            ids.append(pid)
    if lead is None:
        raise ValueError("the task leader is the partner in bold")
    if lead in task.participants:  # written with the leader among the participants
        ids = [lead, *ids]
    return lead, ids


def _pairs(base: list[list[list[str]]],
           edited: list[list[list[str]]]) -> list[tuple[int, int]]:
    keys_b = ["|".join(t[0]) if t else "" for t in base]
    keys_e = ["|".join(t[0]) if t else "" for t in edited]
    out: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, keys_b, keys_e,
                                               autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            out.extend(zip(range(i1, i2), range(j1, j2), strict=True))
    return out


def _wp_header(proposal: Proposal, wp: int | None, old: list[str], new: list[str],
               changes: dict[Path, FieldChange], unmapped: list[UnmappedCell]) -> None:
    """The work package's duration (``M1 - M48``) and lead beneficiary row."""
    cells = [_MD.sub("", c).strip() for c in new]
    if wp is None or not 0 < wp <= len(proposal.work_packages):
        unmapped.append(UnmappedCell("work_package.header", "", "", " | ".join(old),
                                     " | ".join(new), "the work package is not known"))
        return
    item = proposal.work_packages[wp - 1]
    path: Path = ("work_packages", wp - 1)
    months = [m for x in re.findall(r"\d+", cells[1]) if (m := text_int(x)) is not None] \
        if len(cells) > 1 else []
    if len(months) == 2:
        for field, value in zip(("start", "end"), months, strict=True):
            if getattr(item, field) != value:
                changes[(*path, field)] = FieldChange("work_package.header", f"WP{wp}",
                                                      "duration", getattr(item, field),
                                                      value, (*path, field))
    elif len(old) > 1 and _MD.sub("", old[1]).strip() != (cells[1] if len(cells) > 1 else ""):
        unmapped.append(UnmappedCell("work_package.header", f"WP{wp}", "duration", old[1],
                                     new[1] if len(new) > 1 else "", "write it M1 - M24"))
    if len(cells) > 3 and len(old) > 3 and old[3] != new[3]:
        try:
            lead = _value(proposal, "lead", cells[3], item.lead, "")
        except ValueError as exc:
            unmapped.append(UnmappedCell("work_package.header", f"WP{wp}", "lead", old[3],
                                         new[3], str(exc)))
            return
        if lead != item.lead:
            changes[(*path, "lead")] = FieldChange("work_package.header", f"WP{wp}", "lead",
                                                   item.lead, lead, (*path, "lead"))


def table_changes(base: list[list[list[str]]], edited: list[list[list[str]]],
                  skip: set[int], proposal: Proposal, form: FormDescription,
                  work_package_of: dict[int, int] | None = None,
                  ) -> tuple[list[FieldChange], list[UnmappedCell]]:
    """Field changes and unmapped cell edits between the base's tables and the edited ones.

    ``skip`` holds base tables whose cells are section text (the form's boxes);
    ``work_package_of`` gives the work package number a base table stands under.
    """
    parts, subs = _parts(form), _subs(form)
    changes: dict[Path, FieldChange] = {}
    unmapped: list[UnmappedCell] = []
    for b, e in _pairs(base, edited):
        if b in skip or base[b] == edited[e]:
            continue
        old_rows, new_rows = base[b], edited[e]
        # A table no rule knows is named by its heading row, a column by its heading.
        headings = [_MD.sub("", c).split("\n")[0].strip() for c in old_rows[0]] \
            if old_rows else []
        title = f"table '{' | '.join(dict.fromkeys(h for h in headings if h))}'"[:80] \
            if any(headings) else f"table {b + 1}"
        if len(old_rows) != len(new_rows):
            unmapped.append(UnmappedCell(title, "", "", f"{len(old_rows)} rows",
                                         f"{len(new_rows)} rows", "rows added or removed"))
            continue
        part: str | None = None
        body_row = -1
        for old, new in zip(old_rows, new_rows, strict=True):
            found = _header(old, parts)
            if found:
                part, body_row = found, -1
                continue
            body_row += 1
            if old == new:
                continue
            if old and normalise(_MD.sub("", old[0])) == "duration":
                _wp_header(proposal, (work_package_of or {}).get(b), old, new, changes,
                           unmapped)
                continue
            columns = [c for c, _ in parts.get(part or "", [])]
            if part and len(old) == len(subs[part]) != len(columns):
                columns = subs[part]
            for c, (old_cell, new_cell) in enumerate(zip(old, new, strict=False)):
                if old_cell != new_cell:
                    _cell(proposal, part or title, part, old[0] if old else "", body_row,
                          columns[c] if c < len(columns) else
                          (headings[c] if c < len(headings) and headings[c] else str(c + 1)),
                          old_cell, new_cell, changes, unmapped)
    return list(changes.values()), unmapped


def _cell(proposal: Proposal, where: str, part: str | None, row_key: str, body_row: int,
          column: str, old_cell: str, new_cell: str, changes: dict[Path, FieldChange],
          unmapped: list[UnmappedCell]) -> None:
    """The field change (or the unmapped edit) of one edited cell."""
    def skip(reason: str) -> None:
        unmapped.append(UnmappedCell(where, row_key, column, old_cell, new_cell, reason))

    rule = _RULES.get(part or "")
    if rule is None or column not in rule[1]:
        return skip("no field of project.yaml is shown there")
    found_item = _find(proposal, rule[0], row_key, body_row)
    if found_item is None:
        return skip(f"no {rule[0]} {row_key} in the project")
    path, item = found_item
    field = rule[1][column]
    new: list[tuple[str, Any]] = []
    try:
        if field == "participants":
            lead, ids = _participants(proposal, item, new_cell)
            new = [("lead", lead), ("participants", ids)]
        else:
            new = [(field, _value(proposal, field, new_cell, getattr(item, field, None),
                                  _MD.sub("", old_cell)))]
    except ValueError as exc:
        return skip(str(exc))
    for name, value in new:
        old_value = getattr(item, name, None)
        if value != old_value:
            changes[(*path, name)] = FieldChange(where, row_key, column, old_value, value,
                                                 (*path, name))
    return None
