"""The cost categories of the budget annex and the rules on them, from ``data/budget.yaml``."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from ..calls import load_data_model
from ..resources import data_dir

__all__ = ["Catalogue", "Category", "catalogue"]

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

    @property
    def title(self) -> str:
        """``A.1 Employees (or equivalent)``."""
        return f"{self.code} {self.label}"


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
    groups: dict[str, str]
    indirect: Indirect
    subcontracting: Subcontracting

    def category(self, cid: str) -> Category:
        """The category with id ``cid``."""
        return next(c for c in self.categories if c.id == cid)

    @property
    def ids(self) -> list[str]:
        """Category ids in the annex's order."""
        return [c.id for c in self.categories]


@cache
def catalogue() -> Catalogue:
    """The categories and rules (read once)."""
    data: Catalogue = load_data_model(data_dir() / "budget.yaml", Catalogue)
    return data
