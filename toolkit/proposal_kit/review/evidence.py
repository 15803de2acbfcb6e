"""The evidence a review searches: section texts as the draft shows them, and item texts.

Section texts are rendered (generic texts included, references resolved) so that an included
text counts; the tables the draft generates in a section (as the form description places
them, built by the same code as the draft's) count towards its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..calls import CallRules
from ..derive import Draft, derive
from ..errors import ProposalKitError
from ..findings import Path as DataPath
from ..form import form_for_call
from ..form.description import FormDescription
from ..form.tables import build_table, build_timetable, work_package_tables
from ..model import Proposal
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
    #: The form answers it by itself when the project gives no text (a default, or fixed).
    optional: bool = False

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


def _box_tables(form: FormDescription, box_id: str) -> tuple[str, ...]:
    """Ids of the tables the draft shows in a section.

    The box's own, then what follows it up to the next box or heading (the work packages
    and the tables of 4.2).
    """
    from ..form.description import BoxItem, HeadingItem, TableItem, WorkPackagesItem

    tables: list[str] = []
    inside = False
    for item in form.body:
        if isinstance(item, BoxItem):
            if inside:
                break
            if item.box.id == box_id:
                inside = True
                tables += [t for t in (item.box.table, *item.box.tables) if t]
        elif inside and isinstance(item, HeadingItem) and item.heading.level <= 2:
            break
        elif inside and isinstance(item, TableItem):
            tables.append(item.table)
        elif inside and isinstance(item, WorkPackagesItem):
            tables += ["work_packages", *item.work_packages.tables[1:]]
    return tuple(dict.fromkeys(tables))


def _table_words(draft: Draft, form: FormDescription, table: str) -> int:
    """Words of a generated table, as the draft builds it."""
    wps = draft.proposal.work_packages
    if table == "work_packages":
        spec = form.tables["work_package"]
        return sum(t.words() for wp in wps for t in work_package_tables(draft, spec,
                                                                         wp).values())
    if table == "wp_budget":
        return sum(build_table(draft, form, table, wp).words() for wp in wps)
    grid_spec = form.tables.get(table)
    if grid_spec is not None and grid_spec.grid:
        return build_timetable(draft, grid_spec).words() if grid_spec.applies_to(
            draft.months, draft.call.lump_sum) else 0
    return build_table(draft, form, table).words()


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


def collect(project: Project, call: CallRules, settings: ReviewSettings,
            page_limit: int | None) -> Evidence:
    """Gather the evidence of ``project``; page budgets are scaled to ``page_limit``.

    Scaled to what the limit leaves for the applicant's text once the official form's own
    guidance is counted (its footprint, measured per form version).
    """
    p = project.proposal
    form = form_for_call(call)
    boxes = form.boxes()
    planned = sum(b.pages or 0 for b in boxes) + (form.work_package_block().pages or 0)
    # The form's guidance takes part of the limit: the text has the rest.
    room = (page_limit - form.footprint.guidance_pages(len(p.work_packages))) \
        if page_limit else None
    scale = min(1.0, max(room, page_limit / 4) / planned) if page_limit and room and planned \
        else 1.0
    rendered, errors = _render(project)
    draft = derive(p, call, rendered)
    sections: dict[str, SectionText] = {}
    for box in boxes:
        raw = project.texts.get(box.id, "")
        text = rendered.get(box.id, raw)
        tables = _box_tables(form, box.id)
        pages = box.pages
        budget = round(pages * scale * settings.words_per_page) if pages else None
        if "work_packages" in tables:  # the tables' pages hold fewer words than text pages
            block = form.work_package_block().pages or 0
            pages = (pages or 0) + block
            budget = (budget or 0) + round(block * scale * settings.table_words_per_page)
        heading = form.section_of(box.id)
        own = heading is not None and heading.id == box.id
        sections[box.id] = SectionText(
            box.id, heading.number if heading else None,
            heading.text if own and heading else box.title.rstrip(": "),
            form.criterion(box.id), pages, budget, present=bool(text.strip()), raw=raw,
            text=text, words=count_words(text), tables=tables,
            table_words=sum(_table_words(draft, form, t) for t in tables),
            optional=box.answer == "fixed" or box.default is not None)
    return Evidence(sections, list(_items(p)), errors)
