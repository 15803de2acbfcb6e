"""The cost categories of the budget annex and the rules on them, from ``data/budget.yaml``."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..calls import load_data_model
from ..resources import data_dir

__all__ = ["INDIRECT", "Catalogue", "Category", "Heading", "catalogue"]

#: The id of E, indirect costs, among category totals and in a heading's categories.
INDIRECT = "indirect"

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Category(BaseModel):
    """One cost category (a row of the workbook's beneficiary sheets)."""

    model_config = _STRICT
    id: str
    code: str = Field(description="The annex's code: A.1 ... D.1.")
    group: str = Field(description="A, B, C or D.")
    label: str
    unit: str = Field(description="What the units count.")
    form: str = Field(description="Column of the form's 'Estimated budget — Resources'.")
    counts: dict[str, Literal["units", "persons"]] = Field(
        default_factory=dict, description="Columns of that table counting the units (or the "
        "persons travelling) of the category.")

    @property
    def title(self) -> str:
        """``A.1 Employees (or equivalent)``."""
        return f"{self.code} {self.label}"


class Heading(BaseModel):
    """Categories added up as Part B reads the budget as a whole (A Personnel, C.1 Travel...)."""

    model_config = _STRICT
    id: str
    code: str
    label: str
    categories: tuple[str, ...]

    @property
    def title(self) -> str:
        """``A. Personnel``."""
        return f"{self.code}. {self.label}" if "." not in self.code else \
            f"{self.code} {self.label}"


class Workbook(BaseModel):
    model_config = _STRICT
    title: str
    version: str
    max_staff_types: int


class Indirect(BaseModel):
    model_config = _STRICT
    rate: float
    excludes: tuple[str, ...]
    source: str


class Subcontracting(BaseModel):
    model_config = _STRICT
    warn_share: float
    coordination: str = Field(description="Regular expression of coordination tasks.")
    source: str


class Catalogue(BaseModel):
    """The whole data file."""

    model_config = _STRICT
    workbook: Workbook
    categories: tuple[Category, ...]
    headings: tuple[Heading, ...]
    groups: dict[str, str]
    indirect: Indirect
    subcontracting: Subcontracting

    @model_validator(mode="after")
    def _one_heading_each(self) -> Catalogue:
        listed = [c for h in self.headings for c in h.categories]
        wanted = [*self.ids, INDIRECT]
        if sorted(listed) != sorted(wanted):
            raise ValueError("headings must list every category (and indirect) exactly once")
        return self

    def category(self, cid: str) -> Category:
        """The category with id ``cid``."""
        return next(c for c in self.categories if c.id == cid)

    def heading_of(self, cid: str) -> Heading:
        """The heading category ``cid`` (or ``indirect``) adds up into."""
        return next(h for h in self.headings if cid in h.categories)

    @property
    def ids(self) -> list[str]:
        """Category ids in the annex's order."""
        return [c.id for c in self.categories]


@cache
def catalogue() -> Catalogue:
    """The categories and rules (read once)."""
    data: Catalogue = load_data_model(data_dir() / "budget.yaml", Catalogue)
    return data
