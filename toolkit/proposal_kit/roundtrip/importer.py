"""`import`: an existing Part B (.docx) into a project folder.

The narrative goes to sections/*.md (see :mod:`.narrative`); the tables the form
describes give partners, work packages with tasks, milestones and deliverables, risks,
staff, events and previous projects; the cover gives title and acronym. What cannot be
read is left out with a warning, and a comment in project.yaml says so.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..docxfile import text_int
from ..errors import UsageError
from ..form.description import FormDescription
from ..form.locate import normalise
from ..form.tables import read_coordinator_contact, read_deliverable_description, read_in_kind
from ..form.tags import tag_text
from ..render.output import write_all
from .base import read_base
from .docxread import Reading, read_document
from .fields import _header, _parts, _sub_heading, _subs

__all__ = ["ImportResult", "import_docx"]

_MD = re.compile(r"[*_`]")
_CALL = re.compile(r"ERASMUS-[A-Z0-9-]+")
_LIKELIHOOD = re.compile(r"\s*\((?:likelihood (\w+))?;?\s*(?:impact (\w+))?\)\s*$")
#: The tables (parts) import reads; the others are computed from these.
_USED = {"work_package.tasks", "work_package.milestones", "work_package.deliverables",
         "work_package.objectives", "risks", "staff", "events", "previous_projects"}
_ROLES = {"coordinator": "coordinator", "beneficiary": "beneficiary",
          "affiliated entity": "affiliated", "associated partner": "associated"}


@dataclass
class ImportResult:
    """What `import` wrote and what it could not read."""

    folder: Path
    sections: list[str]
    counts: dict[str, int]
    warnings: list[str]

    @property
    def project_file(self) -> Path:
        """The project.yaml written in :attr:`folder`."""
        return self.folder / "project.yaml"


#: What the blank form holds in its cells: never an applicant's value.
_PLACEHOLDER = re.compile(r"(?i)^(\[.*\]|\d+-short name|mx\s*-\s*mx|insert text|"
                          r"[a-z]+\d*\.x+|x+)$")


def _plain(text: str) -> str:
    text = " ".join(_MD.sub("", text).split())
    return "" if _PLACEHOLDER.match(text) else text


def _int(text: str) -> int | None:
    match = re.search(r"\d+", text.replace(",", "").replace(" ", ""))
    return text_int(match.group(0)) if match else None


class _Importer:
    def __init__(self, reading: Reading, form: FormDescription) -> None:
        self.reading = reading
        self.form = form
        self.warnings: list[str] = []
        self.notes: dict[str, str] = {}
        self.records: dict[str, list[tuple[int | None, dict[str, str]]]] = {}
        self.cover: dict[str, str] = {}
        self.wp_titles: dict[int, str] = {}
        self.wp_header: dict[int, dict[str, str]] = {}
        self.objectives: dict[int, list[str]] = {}
        self.descriptions: dict[int, str] = {}
        self.partner_rows: list[dict[str, str]] = []
        self._read_tables()

    # -- tables -----------------------------------------------------------------------
    def _wp_at(self) -> dict[int, int]:
        """Block index -> the work package number in force there."""
        pattern = self.form.work_package_pattern()
        out: dict[int, int] = {}
        current = 0
        for i, b in enumerate(self.reading.blocks):
            match = pattern.match(b.plain)
            if match and (b.heading or b.cell is not None):
                current = text_int(match.group(1)) or 0
                title = _plain(b.md.lstrip("# "))
                title = title.split(":", 1)[1].strip() if ":" in title else ""
                if _plain(title):
                    self.wp_titles.setdefault(current, _plain(title))
            out[i] = current
        return out

    def _read_tables(self) -> None:
        parts, subs = _parts(self.form), _subs(self.form)
        part_headings = {normalise(p.heading): f"{tid}.{pid}"
                         for tid, spec in self.form.tables.items()
                         for pid, p in (spec.parts or {}).items() if p.heading}
        wp_at = self._wp_at()
        first_block: dict[int, int] = {}
        for i, b in enumerate(self.reading.blocks):
            if b.cell is not None:
                first_block.setdefault(b.cell[0], i)
        cover_labels = {normalise(f.label): f.value for f in self.form.cover.fields}
        partner_header = ["no", "organisation", "short name", "country", "type", "role"]
        for table in self.reading.tables:
            wp = wp_at.get(first_block.get(table.number, -1), 0) or None
            part: str | None = None
            columns: list[str] = []
            for row in table.rows:
                cells = [_plain(c) for c in row]
                keys = [normalise(c) for c in cells]
                if keys[:1] and keys[0] in cover_labels and len(cells) > 1:
                    self.cover[cover_labels[keys[0]]] = cells[1]
                    continue
                if keys[:1] == ["industrial ecosystem"] and len(cells) > 1:
                    self.cover["ecosystem"] = cells[1]
                    continue
                if keys[:1] == ["duration"] and wp:
                    self.wp_header[wp] = {"duration": cells[1] if len(cells) > 1 else "",
                                          "lead": cells[3] if len(cells) > 3 else ""}
                    continue
                if keys == partner_header:
                    part, columns = "partners", ["number", "name", "short", "country",
                                                 "type", "role"]
                    continue
                if len(cells) == 1 and keys[0] in part_headings:  # "Objectives" and the like
                    part = part_headings[keys[0]]
                    columns = ["objective"] if part == "work_package.objectives" else columns
                    continue
                found = _header(row, parts)
                if found:
                    part, columns = (found if found in _USED else None), \
                        [c for c, _ in parts[found]]
                    continue
                if part is None or not any(cells) or _sub_heading(row, self.form, part):
                    continue
                if len(cells) == len(subs.get(part, columns)) != len(columns):  # sub-columns
                    columns = subs.get(part, columns)
                record = dict(zip(columns, cells, strict=False))
                if not any(v for k, v in record.items() if k not in ("number", "wp")):
                    continue  # a row of the blank form: only its number is printed
                for raw in ("participants", "in_kind"):  # the cell's lines, not joined
                    if raw in record:
                        record[f"{raw}_raw"] = row[columns.index(raw)]
                if part == "partners":
                    self.partner_rows.append(record)
                elif part == "work_package.objectives" and wp:  # a list in one cell
                    self.objectives.setdefault(wp, []).extend(
                        item for c in row for line in c.split("\n")
                        if (item := _plain(re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", line))))
                else:
                    self.records.setdefault(part, []).append((wp, record))
        # Objectives in proposal-kit's own layout: the list after "Objectives".
        blocks = self.reading.blocks
        for i, b in enumerate(blocks):
            if b.cell is None and b.plain == "objectives" and wp_at.get(i):
                items = []
                for nxt in blocks[i + 1:]:
                    if not nxt.list_item:
                        break
                    items.append(_plain(nxt.md.lstrip("-0123456789. ")))
                self.objectives.setdefault(wp_at[i], items)
                intro: list[str] = []
                for prev in reversed(blocks[:i]):
                    if prev.cell is not None or prev.heading:
                        break
                    intro.insert(0, prev.md)
                if intro:
                    self.descriptions.setdefault(wp_at[i], "\n\n".join(intro))

    # -- partners ---------------------------------------------------------------------
    def partners(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The partners, and short name/name -> id."""
        from ..calls import reference_data

        reference = reference_data()
        types = {normalise(t.label): slug for slug, t in reference.organisation_types.items()}
        out: list[dict[str, Any]] = []
        ids: dict[str, str] = {}
        for n, row in enumerate(self.partner_rows, start=1):
            pid = f"P{_int(row.get('number', '')) or n}"
            partner: dict[str, Any] = {"id": pid, "name": row.get("name") or pid}
            if row.get("short"):
                partner["short_name"] = row["short"]
            partner["country"] = _country(row.get("country", ""))
            partner["type"] = types.get(normalise(row.get("type", "")), "other")
            role_text = normalise(row.get("role", ""))
            role = next((v for k, v in _ROLES.items() if role_text.startswith(k)),
                        "beneficiary")
            partner["role"] = role
            of = re.search(r"\bof (P\d+)", row.get("role", ""))
            if role == "affiliated" and of:
                partner["affiliated_to"] = of.group(1)
            out.append(partner)
            for key in (row.get("short"), row.get("name"), pid):
                if key:
                    ids[key] = pid
        contact = read_coordinator_contact(self.cover.get("coordinator_contact", ""))
        if out:
            self._contact(out, contact)
            return out, ids
        # No table of partners (the official form has none: Part A lists them): the
        # organisations the tables name, with what Part B does not say left to fill; the
        # cover's coordinator first.
        names: list[str] = [contact[2]] if contact and contact[2] else []
        for part, key in (("staff", "organisation"), ("previous_projects", "participant"),
                          ("work_package.deliverables", "lead"),
                          ("work_package.milestones", "lead"), ("events", "participant")):
            for _, record in self.records.get(part, []):
                name = record.get(key, "").strip()
                if name and name not in names:
                    names.append(name)
        for _, record in self.records.get("work_package.tasks", []):
            for segment in re.split(r"[;\n]", _plain(record.get("participants_raw", ""))):
                segment = re.sub(r"\s*\((COO|BEN|AE|AP|OTHER)\)\s*$", "", segment)
                names += [name for x in segment.split(",")
                          if (name := x.strip()) and name not in names]
        for header in self.wp_header.values():  # "1-VUAS": number and short name
            lead = re.sub(r"^\d+\s*-\s*", "", header.get("lead", "")).strip()
            if lead and lead not in names:
                names.append(lead)
        for n, name in enumerate(names, start=1):
            pid = f"P{n}"
            out.append({"id": pid, "name": name, "short_name": name, "country": "XX",
                        "type": "other", "role": "coordinator" if n == 1 else "beneficiary"})
            ids[name] = pid
        self._contact(out, contact)
        if names:
            self.warnings.append(f"{len(names)} partner{'s' if len(names) > 1 else ''} read "
                                 "from the names in the tables: "
                                 "give each its legal name, country, type and role "
                                 "(Part A lists them)")
            self.notes["partners"] = ("read from the names in the tables of Part B: complete "
                                      "name, country, type and role from Part A")
        else:
            self.warnings.append("no partners could be read: list them under 'partners:'")
            self.notes["partners"] = "no partners in the document: list them here"
        return out, ids

    @staticmethod
    def _contact(partners: list[dict[str, Any]], contact: tuple[str, str, str] | None) -> None:
        """The cover's coordinator contact, on the partner it names (or the coordinator)."""
        if contact is None:
            return
        first, last, organisation = contact
        named = [p for p in partners if organisation and
                 normalise(organisation) in (normalise(p["name"]),
                                             normalise(p.get("short_name", "")))]
        coordinator = next(iter(named), None) or \
            next((p for p in partners if p["role"] == "coordinator"), None)
        if coordinator is not None:
            coordinator["contact"] = {"first_name": first, "last_name": last}

    # -- work packages ----------------------------------------------------------------
    def work_packages(self, ids: dict[str, str]) -> list[dict[str, Any]]:
        """The work packages with their tasks, milestones and deliverables."""
        numbers = sorted(set(self.wp_titles) | set(self.wp_header) |
                         {wp for recs in self.records.values() for wp, _ in recs if wp})
        out = []
        for n in numbers:
            header = self.wp_header.get(n, {})
            if n not in self.wp_titles and not any(header.values()) and \
                    not any(w == n for recs in self.records.values() for w, _ in recs):
                continue  # the blank block of the form
            months = [m for x in re.findall(r"\d+", header.get("duration", ""))
                      if (m := text_int(x)) is not None]
            wp: dict[str, Any] = {"id": f"WP{n}", "title": self.wp_titles.get(n, f"WP{n}"),
                                  "lead": _pid(ids, header.get("lead", "")) or "",
                                  "start": months[0] if months else 1,
                                  "end": months[1] if len(months) > 1 else
                                  (months[0] if months else 1)}
            if not wp["lead"]:
                wp["lead"] = next(iter(ids.values()), "P1")
                self.warnings.append(f"WP{n}: its lead beneficiary could not be read")
            if not months:
                self.warnings.append(f"WP{n}: its duration could not be read (set start, end)")
            if self.objectives.get(n):
                wp["objectives"] = self.objectives[n]
            if self.descriptions.get(n):
                wp["description"] = self.descriptions[n]
            tasks = [r for w, r in self.records.get("work_package.tasks", []) if w == n]
            wp["tasks"] = [_task(t, ids) for t in tasks]
            milestones = [r for w, r in self.records.get("work_package.milestones", [])
                          if w == n]
            wp["milestones"] = [_drop_empty({
                "title": m.get("name", ""), "due": _int(m.get("due", "")) or wp["end"],
                "lead": _pid(ids, m.get("lead", "")), "description": m.get("description"),
                "verification": m.get("verification")}) for m in milestones]
            deliverables = [r for w, r in self.records.get("work_package.deliverables", [])
                            if w == n]
            wp["deliverables"] = [_deliverable(d, ids, wp["end"]) for d in deliverables]
            out.append({k: v for k, v in wp.items() if v != []})
        return out

    def risks(self) -> list[dict[str, Any]]:
        """The critical risks."""
        out = []
        for _, r in self.records.get("risks", []):
            description = r.get("description", "")
            if not description:
                continue
            risk: dict[str, Any] = {"description": description}
            match = _LIKELIHOOD.search(description)
            if match and (match.group(1) or match.group(2)):
                risk["description"] = description[:match.start()].strip()
                for key, value in (("likelihood", match.group(1)), ("impact", match.group(2))):
                    if value in ("low", "medium", "high"):
                        risk[key] = value
            wps = [f"WP{x}" for x in re.findall(r"\d+", r.get("work_packages", ""))]
            if wps:
                risk["work_packages"] = wps
            if r.get("mitigation") and r["mitigation"] != "TO BE WRITTEN":
                risk["mitigation"] = r["mitigation"]
            out.append(risk)
        return out

    def staff(self, ids: dict[str, str]) -> list[dict[str, Any]]:
        """The project teams."""
        return [_drop_empty({"name": s.get("name", ""),
                             "partner": ids.get(s.get("organisation", ""), "P1"),
                             "role": s.get("role"), "profile": s.get("profile")})
                for _, s in self.records.get("staff", []) if s.get("name")]

    def events(self, ids: dict[str, str]) -> list[dict[str, Any]]:
        """Events, meetings and mobility."""
        kinds = ("meeting", "event", "mobility", "training", "workshop", "conference",
                 "seminar", "other")
        out = []
        for wp, e in self.records.get("events", []):
            number = re.match(r"E(\d+)\.", e.get("number", ""))
            kind = e.get("type", "").lower()
            duration = re.search(r"\d+(?:\.\d+)?", e.get("duration", ""))
            out.append(_drop_empty({
                "title": e.get("name") or e.get("number", "event"),
                "type": kind if kind in kinds else "other",
                "work_package": f"WP{number.group(1)}" if number else
                (f"WP{wp}" if wp else None),
                "lead": _pid(ids, e.get("participant", "")), "area": e.get("area"),
                "location": e.get("location"),
                "duration_days": float(duration.group(0)) if duration else None,
                "attendees": _int(e.get("attendees", ""))}))
        return out

    def previous_projects(self, ids: dict[str, str]) -> list[dict[str, Any]]:
        """The annex's previous projects."""
        out = []
        for _, x in self.records.get("previous_projects", []):
            if not x.get("project"):
                continue
            out.append(_drop_empty({"partner": ids.get(x.get("participant", ""), "P1"),
                                    "title": x["project"], "period": x.get("period"),
                                    "role": x.get("role"),
                                    "amount": _int(x.get("amount", "")),
                                    "website": x.get("website")}))
        return out


def _pid(ids: dict[str, str], text: str) -> str | None:
    """The partner id a table names (``1-VUAS``, ``VUAS``, ``P1``)."""
    text = _plain(text)
    return ids.get(text) or ids.get(re.sub(r"^\d+\s*-\s*", "", text))


def _deliverable(d: dict[str, str], ids: dict[str, str], end: int) -> dict[str, Any]:
    """A deliverable from its row; its format and language from its description's end."""
    description, fmt, language = read_deliverable_description(d.get("description", ""))
    return _drop_empty({
        "title": d.get("name", ""), "due": _int(d.get("due", "")) or end,
        "lead": _pid(ids, d.get("lead", "")),
        "type": d.get("type") if d.get("type") in ("R", "DEM", "DEC", "DATA", "DMP",
                                                   "ETHICS", "SECURITY", "OTHER") else None,
        "dissemination": d.get("dissemination") if d.get("dissemination") in
        ("PU", "SEN", "R-UE/EU-R", "C-UE/EU-C", "S-UE/EU-S") else None,
        "description": description, "format": fmt, "language": language})


def _task(t: dict[str, str], ids: dict[str, str]) -> dict[str, Any]:
    """A task from its row.

    The leader is the bold first name of the participants, or the first name when none is
    bold (a form filled by hand).
    """
    task: dict[str, Any] = {"title": t.get("name") or t.get("number", "task"),
                            "description": t.get("description")}
    raw = t.get("participants_raw", "")
    people: list[str] = []
    lead = None
    # One role a segment: "; " in proposal-kit's own layout, a line in the form (whose
    # roles stand in a sub-column beside the names).
    for n, segment in enumerate(re.split(r"[;\n]", raw)):
        names = re.sub(r"\s*\((COO|BEN|AE|AP|OTHER)\)\s*$", "", segment.strip())
        if n == 0 and names.startswith("**"):
            lead = _pid(ids, names)
        people += [pid for name in names.split(",") if (pid := _pid(ids, name))]
    task["lead"] = lead or next(iter(people), None)
    task["participants"] = list(dict.fromkeys(people))
    task["in_kind"] = read_in_kind(_MD.sub("", t.get("in_kind_raw", "")))
    return _drop_empty(task)


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def _needs_ecosystem(topic: str) -> bool:
    from ..calls import load_call

    return load_call(topic).figures.ecosystem.value == "exactly-one"


def _ecosystem(label: str) -> str | None:
    from ..calls import reference_data

    for slug, eco in reference_data().ecosystems.items():
        if label and normalise(label) in (normalise(eco.label), slug):
            return slug
    return None


def _country(name: str) -> str:
    import pycountry

    name = name.strip()
    if not name:
        return "XX"
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        for c in pycountry.countries:
            if normalise(getattr(c, "common_name", "")) == normalise(name):
                return str(c.alpha_2)
        return "XX"


def _call_of(reading: Reading, base_call: str | None, props: dict[str, str],
             call: str | None) -> str:
    from ..calls import available_calls

    if call:
        return call
    if base_call:
        return base_call
    if props.get("proposal-kit-call"):
        return str(props["proposal-kit-call"])
    topics = set(available_calls())
    for b in reading.blocks:
        for found in _CALL.findall(b.md):
            if found in topics:
                return str(found)
    raise UsageError("cannot tell which call this Part B answers",
                     hint="give it with --call TOPIC (see `proposal-kit calls`)")


def _dump(data: dict[str, Any], notes: dict[str, str]) -> str:
    yaml = YAML(typ="rt")
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    root = CommentedMap()
    for key, value in data.items():
        root[key] = CommentedSeq(value) if isinstance(value, list) else value
    root.yaml_set_start_comment("Imported by `proposal-kit import`: check every value, then "
                                "run `proposal-kit check` on this file.")
    for key, note in notes.items():
        if key in root:
            root.yaml_set_comment_before_after_key(key, before=f"NOTE: {note}")
    out = io.StringIO()
    yaml.dump(root, out)
    return out.getvalue()


def import_docx(docx_path: Path, folder: Path, call: str | None = None,
                force: bool = False) -> ImportResult:
    """Make a project folder (project.yaml, sections/) of the Part B at ``docx_path``.

    Raises:
        UsageError: the call cannot be told (give ``call``).
        OutputConflictError: ``folder`` already holds a project.yaml or a section file it
            would write (without ``force``; with it, each is backed up first).
    """
    from ..docxfile import open_docx
    from ..form import form_for_topic
    from .narrative import sections_from_base, sections_from_form, sections_from_headings

    document = open_docx(docx_path)
    reading = read_document(document)
    base, props = read_base(docx_path)
    topic = _call_of(reading, base.call if base else None, props, call)
    form = form_for_topic(topic)
    project_file = folder / "project.yaml"
    importer = _Importer(reading, form)
    warnings = importer.warnings
    if base is not None:
        texts = sections_from_base(base, reading)
    elif any(tag_text("open", form.document_tag) in b.md for b in reading.blocks):
        texts, found_warnings = sections_from_form(document, form, reading)
        warnings.extend(found_warnings)
    else:
        texts, found_warnings = sections_from_headings(form, reading)
        warnings.extend(found_warnings)
    partners, ids = importer.partners()
    acronym = importer.cover.get("acronym") or (base.acronym if base else "") or "ACRONYM"
    if not importer.cover.get("acronym") and not base:
        warnings.append("no acronym found on the cover: give one under 'acronym:'")
        importer.notes["acronym"] = "not found on the cover page"
    data: dict[str, Any] = {"call": topic, "acronym": acronym}
    if importer.cover.get("title") and not importer.cover["title"].startswith("["):
        data["title"] = importer.cover["title"]
    ecosystem = _ecosystem(importer.cover.get("ecosystem", ""))
    if ecosystem:
        data["ecosystem"] = ecosystem
    elif _needs_ecosystem(topic):
        warnings.append("no industrial ecosystem found (the official form does not show it): "
                        "add 'ecosystem:'")
        importer.notes["call"] = ("this call needs one industrial ecosystem: add 'ecosystem:' "
                                  "(proposal-kit calls --ecosystems lists them)")
    wps = importer.work_packages(ids)
    if wps:
        data["duration_months"] = max(wp["end"] for wp in wps)
    data["partners"] = partners
    for key, value in (("staff", importer.staff(ids)), ("work_packages", wps),
                       ("risks", importer.risks()), ("events", importer.events(ids)),
                       ("previous_projects", importer.previous_projects(ids))):
        if value:
            data[key] = value
    for key in ("risks", "work_packages"):
        if key not in data:
            warnings.append(f"no {key.replace('_', ' ')} found in the document")
    data["sections"] = {sid: {"file": f"sections/{sid}.md"} for sid in texts}
    files = {folder / "sections" / f"{sid}.md": text.encode("utf-8")
             for sid, text in texts.items()}
    files[project_file] = _dump(data, importer.notes).encode("utf-8")
    write_all(files, force, protected=[docx_path],
              hint="give another -o folder, or --force (a backup of each file is kept)")
    counts = {"partners": len(partners), "work_packages": len(wps),
              "deliverables": sum(len(w.get("deliverables", [])) for w in wps),
              "risks": len(data.get("risks", [])), "sections": len(texts)}
    return ImportResult(folder, sorted(texts), counts, warnings)
