"""The evidence a review searches: section texts as the draft shows them, and item texts.

Section texts are rendered (generic texts included, references resolved) so that an included
text counts; the tables the draft generates inside a section count towards its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..errors import ProposalKitError
from ..findings import Path as DataPath
from ..model import Proposal
from ..partb import part_b
from ..project import Project
from .base import ReviewSettings

__all__ = ["Evidence", "ItemText", "SectionText", "collect", "count_words"]

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def count_words(text: str) -> int:
    """Words in ``text`` (Markdown syntax ignored)."""
    return len(_WORD.findall(text))


@dataclass
class SectionText:
    """One narrative section of Part B and what the draft holds for it."""

    id: str
    number: str | None
    heading: str | None
    criterion: str | None
    pages: float | None
    budget_words: int | None
    present: bool
    raw: str = ""
    text: str = ""
    words: int = 0
    tables: tuple[str, ...] = ()
    table_words: int = 0

    @property
    def title(self) -> str:
        """``3.1 Impact and ambition``."""
        return " ".join(p for p in (self.number, self.heading) if p) or self.id

    @property
    def total_words(self) -> int:
        """Words of the text and of the generated tables."""
        return self.words + self.table_words


@dataclass(frozen=True)
class ItemText:
    """Text of one item of the project file: a WP, task, deliverable, objective, risk..."""

    kind: str
    label: str
    path: DataPath
    text: str


@dataclass
class Evidence:
    """Everything the review reads."""

    sections: dict[str, SectionText]
    items: list[ItemText]
    render_errors: list[tuple[str, str]] = field(default_factory=list)

    def places(self, where: Iterable[str] = ()) -> Iterator[tuple[str, str]]:
        """``(label, text)`` of the sections and item kinds in ``where`` (all if empty)."""
        wanted = set(where)
        for sid, section in self.sections.items():
            if section.text and (not wanted or sid in wanted):
                yield section.title, section.text
        for item in self.items:
            if not wanted or item.kind in wanted:
                yield item.label, item.text

    def find(self, pattern: re.Pattern[str], where: Iterable[str] = ()) -> list[str]:
        """Labels of the places in ``where`` where ``pattern`` occurs."""
        return [label for label, text in self.places(where) if pattern.search(text)]


def _join(*parts: object) -> str:
    return "\n".join(str(p) for p in parts if p)


def _items(p: Proposal) -> Iterator[ItemText]:
    for o, obj in enumerate(p.objectives):
        yield ItemText("objectives", obj.id or f"objective {o + 1}", ("objectives", o),
                       _join(obj.text, *(_join(i.name, i.baseline, i.target)
                                         for i in obj.indicators)))
    for w, wp in enumerate(p.work_packages):
        base: DataPath = ("work_packages", w)
        yield ItemText("work_packages", wp.id, base,
                       _join(wp.title, wp.description, *wp.objectives))
        for t, task in enumerate(wp.tasks):
            yield ItemText("tasks", f"task {task.id}", (*base, "tasks", t),
                           _join(task.title, task.description))
        for d, deliv in enumerate(wp.deliverables):
            yield ItemText("deliverables", deliv.number, (*base, "deliverables", d),
                           _join(deliv.title, deliv.description))
        for m, ms in enumerate(wp.milestones):
            yield ItemText("milestones", ms.number, (*base, "milestones", m),
                           _join(ms.title, ms.description, ms.verification))
    for r, risk in enumerate(p.risks):
        yield ItemText("risks", f"risk {r + 1}", ("risks", r),
                       _join(risk.description, risk.mitigation))
    for n, partner in enumerate(p.partners):
        yield ItemText("partners", partner.id, ("partners", n), _join(partner.profile))
    for s, staff in enumerate(p.staff):
        yield ItemText("staff", staff.name, ("staff", s),
                       _join(staff.function, staff.role, staff.profile))
    for e, event in enumerate(p.events):
        yield ItemText("events", event.title, ("events", e),
                       _join(event.title, event.description))


def _table_words(p: Proposal, table: str) -> int:
    """Approximate words of a generated table (cells of short data count one each)."""
    wps = p.work_packages
    texts: list[str] = []
    cells = 0
    if table == "objectives":
        texts = [_join(o.text, *(_join(i.name, i.baseline, i.target) for i in o.indicators))
                 for o in p.objectives]
    elif table == "staff":
        texts = [_join(s.name, s.function, s.role, s.profile) for s in p.staff]
    elif table == "risks":
        texts = [_join(r.description, r.mitigation) for r in p.risks]
        cells = 3 * len(p.risks)
    elif table == "partners":
        texts = [_join(x.name, x.city) for x in p.partners]
        cells = 4 * len(p.partners)
    elif table == "gantt":
        texts = [wp.title for wp in wps] + [t.title for wp in wps for t in wp.tasks]
    elif table == "work packages":
        texts = [_join(wp.title, wp.description, *wp.objectives,
                       *(_join(t.title, t.description) for t in wp.tasks)) for wp in wps]
        cells = sum(4 + 2 * len(wp.tasks) for wp in wps)
    elif table == "deliverables":
        texts = [_join(d.title, d.description) for _, d in p.deliverables()]
        cells = 6 * len(p.deliverables())
    elif table == "milestones":
        texts = [_join(m.title, m.description, m.verification) for _, m in p.milestones()]
        cells = 4 * len(p.milestones())
    elif table == "events":
        texts = [_join(e.title, e.description, e.location) for e in p.events]
        cells = 3 * len(p.events)
    elif table == "budget":
        cells = (len(wps) + 2) * (len(p.partners) + 1)
    elif table == "previous projects":
        texts = [_join(x.title, x.programme, x.results) for x in p.previous_projects]
        cells = 3 * len(p.previous_projects)
    elif table == "activities":
        cells = 3 * sum(1 for wp in wps if wp.covers)
    return sum(count_words(t) for t in texts) + cells


def _render(project: Project) -> tuple[dict[str, str], list[tuple[str, str]]]:
    rendered: dict[str, str] = {}
    errors: list[tuple[str, str]] = []
    try:
        from ..render.narrative import NarrativeRenderer

        renderer: NarrativeRenderer | None = NarrativeRenderer(project)
    except ProposalKitError as exc:
        renderer = None
        errors.append(("", str(exc)))
    for sid, text in project.texts.items():
        if renderer is None:
            rendered[sid] = text
            continue
        try:
            rendered[sid] = renderer.render(sid, text)
        except ProposalKitError as exc:
            rendered[sid] = text
            errors.append((sid, str(exc)))
    return rendered, errors


def collect(project: Project, settings: ReviewSettings, page_limit: int | None) -> Evidence:
    """Gather the evidence of ``project``; page budgets are scaled to ``page_limit``."""
    p = project.proposal
    nodes = [n for n in part_b().walk() if n.narrative]
    planned = sum(n.pages or 0 for n in nodes)
    scale = (page_limit / planned) if page_limit and planned else 1.0
    rendered, errors = _render(project)
    sections: dict[str, SectionText] = {}
    for node in nodes:
        raw = project.texts.get(node.id, "")
        text = rendered.get(node.id, raw)
        tables = settings.section_tables.get(node.id, ())
        budget = (round(node.pages * scale * settings.words_per_page)
                  if node.pages else None)
        sections[node.id] = SectionText(
            node.id, node.number, node.heading, node.criterion, node.pages, budget,
            present=bool(text.strip()), raw=raw, text=text, words=count_words(text),
            tables=tables, table_words=sum(_table_words(p, t) for t in tables))
    return Evidence(sections, list(_items(p)), errors)
