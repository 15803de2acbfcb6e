"""The form's body as the segments a document is written in.

Consecutive tags share one paragraph, as in the form (``#§COM-PLE-CP§# #§PRJ-OBJ-PO§#``);
every other item of the description is a segment of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .description import (
    Box,
    BoxItem,
    Close,
    FormDescription,
    Heading,
    HeadingItem,
    Open,
    OrientationItem,
    TableItem,
    WorkPackageBlock,
    WorkPackagesItem,
)
from .tags import tag_text

__all__ = ["Segment", "segments"]


@dataclass(frozen=True)
class Segment:
    """One piece of the body: a line of tags, a heading, a box, a table, the WP block."""

    kind: Literal["tags", "heading", "box", "table", "work_packages", "orientation"]
    tags: tuple[str, ...] = ()
    heading: Heading | None = None
    box: Box | None = None
    table: str | None = None
    block: WorkPackageBlock | None = None
    orientation: str | None = None
    #: A box that follows a table or another box under the same heading: the own layout
    #: shows its title, which the heading above does not give.
    titled: bool = False


def segments(form: FormDescription) -> list[Segment]:
    """The body of ``form`` as segments, in document order."""
    out: list[Segment] = []
    pending: list[str] = []
    since_heading = False  # a box or table came after the last heading

    def flush() -> None:
        if pending:
            out.append(Segment("tags", tags=tuple(pending)))
            pending.clear()

    for item in form.body:
        if isinstance(item, Open):
            pending.append(tag_text("open", item.open))
            continue
        if isinstance(item, Close):
            pending.append(tag_text("close", item.close))
            continue
        flush()
        if isinstance(item, HeadingItem):
            out.append(Segment("heading", heading=item.heading))
            since_heading = False
        elif isinstance(item, BoxItem):
            out.append(Segment("box", box=item.box, titled=since_heading))
            since_heading = True
        elif isinstance(item, TableItem):
            out.append(Segment("table", table=item.table))
            since_heading = True
        elif isinstance(item, WorkPackagesItem):
            out.append(Segment("work_packages", block=item.work_packages))
        elif isinstance(item, OrientationItem):
            out.append(Segment("orientation", orientation=item.orientation))
    flush()
    return out
