"""The official Part B form, described as data: one file per form version.

``data/forms/<FORM-ID>.yaml`` lists the form in document order (tags, headings, guidance
boxes, tables) and the columns of its tables. Everything that knows Part B reads it: the
own-layout templates, the filler of the applicant's form, the section map of `pages`, the
section budgets of `review`, and the readers behind `import` and `absorb`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..resources import data_dir
from .tags import tag_text

__all__ = [
    "DEFAULT_FORM",
    "Box",
    "Column",
    "FormDescription",
    "Heading",
    "TableSpec",
    "form_description",
    "known_forms",
]

#: The form used when a call topic names none.
DEFAULT_FORM = "ERASMUS-BB-LSII-2.0"

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Heading(BaseModel):
    """A heading of the form."""

    model_config = _STRICT
    id: str
    number: str | None = None
    text: str
    level: int = Field(ge=0, le=4, description="1 for '1. RELEVANCE', 2 for '1.1 ...'.")
    criterion: str | None = None
    style: Literal["heading", "text"] = Field(
        "heading", description="'text': the form prints it as a plain paragraph.")

    @property
    def title(self) -> str:
        """Number and text as the form prints them: ``1. RELEVANCE``, ``1.1 Background``."""
        if not self.number:
            return self.text
        number = f"{self.number}." if "." not in self.number else self.number
        return f"{number} {self.text}"


class Box(BaseModel):
    """A guidance box: the section text of ``id`` goes in it (``answer``)."""

    model_config = _STRICT
    id: str
    title: str = Field(description="The bold title of the box's first row.")
    answer: Literal["row", "after", "fixed"]
    fixed: str | None = Field(None, description="The form's own answer (answer: fixed).")
    placeholder: str | None = Field(None, description="What the answer row holds while "
                                    "empty, when not the form's usual placeholder.")
    table: str | None = Field(None, description="The form's table this box is.")
    tables: tuple[str, ...] = Field((), description="Tables proposal-kit adds to the answer.")
    in_table: str | None = Field(None, description="The box is a row of this table.")
    pages: float | None = Field(None, description="Suggested page budget (guidance).")
    prompt: str | None = Field(None, description="proposal-kit's question while empty.")
    default: str | None = Field(None, description="proposal-kit's answer when the project "
                                "gives no text (instead of a prompt).")


class WorkPackageBlock(BaseModel):
    """What the form repeats for each work package."""

    model_config = _STRICT
    heading: Heading
    placeholder: str = Field(description="The form's heading for further copies.")
    tables: tuple[str, ...]
    pages: float | None = None

    def heading_text(self, number: int) -> str:
        """The heading of work package ``number``: ``Work Package 3``."""
        return self.heading.text.format(n=number)


class Column(BaseModel):
    """A column of a form table."""

    model_config = _STRICT
    id: str
    heading: str
    unit: str | None = None
    sub: tuple[str, ...] = ()
    group: str | None = None
    per: str | None = None


class TablePart(BaseModel):
    """A part of a composite table (the work package table)."""

    model_config = _STRICT
    heading: str | None = None
    row: str | None = None
    columns: tuple[Column, ...] = ()


class TableSpec(BaseModel):
    """A table of the form."""

    model_config = _STRICT
    id: str = ""
    title: str
    columns: tuple[Column, ...] = ()
    parts: dict[str, TablePart] = {}
    row: str | None = Field(None, description="Label of the rows to copy, e.g. 'S{wp}.{n}'.")
    rows: tuple[str, ...] = ()
    grid: Literal["months", "quarters"] | None = None
    applies: dict[str, bool | int] = {}

    def applies_to(self, months: int, lump_sum: bool = True) -> bool:
        """Whether the form asks for this table for a project of ``months`` months."""
        if "lump_sum" in self.applies and bool(self.applies["lump_sum"]) != lump_sum and \
                lump_sum:
            return False
        low = int(self.applies.get("min_months", 0))
        high = int(self.applies.get("max_months", 10_000))
        return low <= months <= high

    def column(self, column_id: str) -> Column:
        """The column with ``column_id`` (of the table or any part)."""
        for col in (*self.columns, *(c for p in self.parts.values() for c in p.columns)):
            if col.id == column_id:
                return col
        raise KeyError(column_id)


class Identify(BaseModel):
    """How the form and its version are recognised in a document."""

    model_config = _STRICT
    document_tag: str
    header: str
    history_table: str
    version: tuple[str, str]


class HeaderField(BaseModel):
    """A placeholder of the page header."""

    model_config = _STRICT
    placeholder: str
    value: Literal["call_id", "call_name"]


class CoverField(BaseModel):
    """A field of the cover table."""

    model_config = _STRICT
    label: str
    value: Literal["title", "acronym", "coordinator_contact"]
    placeholder: str


class Cover(BaseModel):
    """The cover table."""

    model_config = _STRICT
    table: str
    fields: tuple[CoverField, ...]


class LegacySection(BaseModel):
    """A section id of older project files, shown after a box or table."""

    model_config = _STRICT
    after: str
    heading: str = Field(description="The heading it stands under.")
    note: str


class FootprintPart(BaseModel):
    """The form's length of a part: ``scale`` × the own layout's length + ``add`` pages."""

    model_config = _STRICT
    scale: float = 1.0
    add: float = 0.0

    def added(self, length: float) -> float:
        """Pages the form adds to ``length`` pages of the own layout."""
        return length * (self.scale - 1.0) + self.add


class Footprint(BaseModel):
    """What the form adds to an own-layout draft of the same content, in pages.

    Measured by laying the real form out with LibreOffice (``scripts/measure-form``): the
    form's length for a part of Part B is about ``scale`` times the part's length in the
    own layout, plus ``add`` (its guidance boxes and heading rows) — once per work package
    for ``work_package``. ``fixed`` is what the form adds once: the Part A page, its
    cover, its list of annexes.
    """

    model_config = _STRICT
    #: By section id of the own layout (level 1 and 2 sections that do not overlap).
    parts: dict[str, FootprintPart] = {}
    #: Each work package's table: its guidance and heading rows.
    work_package: FootprintPart = FootprintPart()
    fixed: float = 0.0
    #: How and when the figures were measured.
    measured: str | None = None

    def guidance_pages(self, work_packages: int) -> float:
        """Pages the form's own text takes, whatever the answers.

        The page limit less these is the room for the applicant's text.
        """
        return (self.fixed + sum(part.add for part in self.parts.values())
                + work_packages * self.work_package.add)

    def added_pages(self, lengths: dict[str, float], work_packages: list[float]) -> float:
        """Pages the form adds to a draft with these section and work package lengths."""
        total = self.fixed
        for sid, part in self.parts.items():
            total += part.added(lengths.get(sid, 0.0))
        for length in work_packages:
            total += self.work_package.added(length)
        return total


# -- the body items --------------------------------------------------------------------------
class Open(BaseModel):
    """A tag opens."""

    model_config = _STRICT
    open: str


class Close(BaseModel):
    """A tag closes."""

    model_config = _STRICT
    close: str


class HeadingItem(BaseModel):
    """A heading."""

    model_config = _STRICT
    heading: Heading


class BoxItem(BaseModel):
    """A guidance box."""

    model_config = _STRICT
    box: Box


class TableItem(BaseModel):
    """A table of the form (outside a box)."""

    model_config = _STRICT
    table: str


class WorkPackagesItem(BaseModel):
    """The block repeated per work package."""

    model_config = _STRICT
    work_packages: WorkPackageBlock


class OrientationItem(BaseModel):
    """A page orientation change."""

    model_config = _STRICT
    orientation: Literal["portrait", "landscape"]


Item = Open | Close | HeadingItem | BoxItem | TableItem | WorkPackagesItem | OrientationItem


class FormDescription(BaseModel):
    """One version of the official Part B form."""

    model_config = _STRICT
    id: str
    title: str
    version: str
    date: date
    source: str
    identify: Identify
    notice: str
    header_fields: tuple[HeaderField, ...]
    front: tuple[Heading, ...]
    cover: Cover
    contents: str
    placeholder: str
    body: tuple[Item, ...]
    legacy_sections: dict[str, LegacySection] = {}
    tables: dict[str, TableSpec]
    footprint: Footprint = Footprint()

    def model_post_init(self, __context: object) -> None:
        """Check the references between items and tables; name every table by its key."""
        for key, spec in self.tables.items():
            object.__setattr__(spec, "id", key)
        known = set(self.tables)
        for item in self.body:
            names: tuple[str, ...] = ()
            if isinstance(item, TableItem):
                names = (item.table,)
            elif isinstance(item, BoxItem):
                names = tuple(t for t in (item.box.table, item.box.in_table) if t)
            elif isinstance(item, WorkPackagesItem):
                names = tuple(item.work_packages.tables)
            missing = [n for n in names if n not in known]
            if missing:
                raise ValueError(f"the body names tables not described: {missing}")

    # -- views --------------------------------------------------------------------------
    @property
    def document_tag(self) -> str:
        """The tag that opens the document (and is never closed)."""
        return self.identify.document_tag

    def headings(self) -> list[Heading]:
        """The form's section headings, in document order (work packages excluded)."""
        return [i.heading for i in self.body if isinstance(i, HeadingItem)]

    def heading(self, heading_id: str) -> Heading:
        """The heading with ``heading_id``."""
        for heading in self.headings():
            if heading.id == heading_id:
                return heading
        raise KeyError(heading_id)

    def boxes(self) -> list[Box]:
        """Every guidance box, in document order."""
        return [i.box for i in self.body if isinstance(i, BoxItem)]

    def box(self, box_id: str) -> Box:
        """The box with ``box_id``."""
        for box in self.boxes():
            if box.id == box_id:
                return box
        raise KeyError(box_id)

    def narrative_ids(self) -> list[str]:
        """Keys of ``sections:`` in a project file: the boxes, then older names."""
        return [b.id for b in self.boxes()] + list(self.legacy_sections)

    def work_package_block(self) -> WorkPackageBlock:
        """The block repeated per work package."""
        for item in self.body:
            if isinstance(item, WorkPackagesItem):
                return item.work_packages
        raise KeyError("work_packages")

    def tag_events(self) -> list[tuple[Literal["open", "close"], str]]:
        """Every tag opening and closing, in document order."""
        out: list[tuple[Literal["open", "close"], str]] = []
        for item in self.body:
            if isinstance(item, Open):
                out.append(("open", item.open))
            elif isinstance(item, Close):
                out.append(("close", item.close))
        return out

    def tags(self) -> list[str]:
        """Tag codes in the order they open (the document tag first)."""
        return [code for kind, code in self.tag_events() if kind == "open"]

    def tag_sequence(self) -> list[str]:
        """The tags as the document prints them: ``#@CODE@#`` and ``#§CODE§#``, in order."""
        return [tag_text(k, c) for k, c in self.tag_events()]

    def opening_tag(self, heading_id: str) -> str | None:
        """The tag opened right before a heading, if any (it marks where the heading is)."""
        last: str | None = None
        for item in self.body:
            if isinstance(item, Open):
                last = item.open
            elif isinstance(item, HeadingItem):
                if item.heading.id == heading_id:
                    return last
                last = None
            elif not isinstance(item, Close):
                last = None
        return None

    def around_work_packages(self) -> tuple[Heading | None, Heading | None]:
        """The headings just before and just after the block of work packages."""
        before: Heading | None = None
        seen = False
        for item in self.body:
            if isinstance(item, WorkPackagesItem):
                seen = True
            elif isinstance(item, HeadingItem):
                if seen:
                    return before, item.heading
                before = item.heading
        return before, None

    def work_package_pattern(self) -> re.Pattern[str]:
        """Matches a work package's heading (lower case, normalised): its number is group 1.

        At most four digits: a heading "WP" followed by thousands of digits (Python reads
        no number of over 4,300) is not a work package's.
        """
        before, _, after = self.work_package_block().heading.text.lower().partition("{n}")
        return re.compile(rf"^{re.escape(before.strip())}\s*(\d{{1,4}}){re.escape(after.strip())}"
                          r"\s*(?:[:.–—-]\s*(.*))?$")

    def section_of(self, box_id: str) -> Heading | None:
        """The heading a box belongs to: its own, else the last heading before it."""
        if box_id in self.legacy_sections:
            return self.heading(self.legacy_sections[box_id].heading)
        last: Heading | None = None
        for item in self.body:
            if isinstance(item, HeadingItem):
                last = item.heading
                if item.heading.id == box_id:
                    return last
            elif isinstance(item, BoxItem) and item.box.id == box_id:
                return last
        return None

    def label(self, box_id: str) -> str:
        """How messages name a section: ``2.1.3 Project teams, staff and experts``."""
        if box_id in self.legacy_sections:
            return box_id
        heading = self.section_of(box_id)
        if heading is not None and heading.id == box_id:
            return heading.title
        box = self.box(box_id)
        title = box.title.rstrip(": ")
        if heading is None:
            return title
        if heading.number:
            return f"{heading.number} {title}"
        return f"{heading.text}: {title}"

    def number_of(self, box_id: str) -> str:
        """The section number a box stands under (``2.1.3``), else its id."""
        heading = self.section_of(box_id)
        return heading.number if heading is not None and heading.number else box_id

    def criterion(self, box_id: str) -> str | None:
        """The award criterion evaluators read a box for (from its section heading)."""
        heading = self.section_of(box_id)
        return heading.criterion if heading else None

    def walk_boxes(self) -> Iterator[tuple[Heading | None, Box]]:
        """Each box with the heading it belongs to."""
        for box in self.boxes():
            yield self.section_of(box.id), box


def _forms_dir() -> Path:
    return data_dir() / "forms"


def known_forms() -> list[str]:
    """Ids of every described form version."""
    return sorted(p.stem for p in _forms_dir().glob("*.yaml"))


@cache
def form_description(form_id: str = DEFAULT_FORM) -> FormDescription:
    """The description of form version ``form_id``.

    Raises:
        UsageError: no description of that version is known.
    """
    from ..calls import load_data_model
    from ..errors import UsageError
    from ..validation import did_you_mean

    path = _forms_dir() / f"{form_id}.yaml"
    if not path.is_file():
        known = known_forms()
        raise UsageError(f"no description of the Part B form '{form_id}'",
                         hint=did_you_mean(form_id, known) or
                         f"known forms: {', '.join(known)}")
    description: FormDescription = load_data_model(path, FormDescription)
    return description
