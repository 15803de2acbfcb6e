"""Where each version of the official budget annex keeps its cells: ``data/annex/*.yaml``."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict

from ..calls import load_data_model
from ..resources import data_dir

__all__ = ["AnnexLayout", "annex_layouts"]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class _Model(BaseModel):
    model_config = _STRICT


class Place(_Model):
    sheet: str
    cell: str


class Instructions(_Model):
    sheet: str
    call_name: str
    acronym: str
    max_grant: str
    funding_rate: str
    staff_types: tuple[str, ...]


class BeneficiaryList(_Model):
    sheet: str
    first_row: int
    beneficiary_template_row: int
    affiliated_template_row: int
    columns: dict[str, str]
    kinds: dict[str, str]
    pending: str


class WorkPackageList(_Model):
    sheet: str
    first_row: int
    template_row: int
    columns: dict[str, str]
    pending: str


class Countries(_Model):
    sheet: str
    column: str
    first_row: int


class Referential(_Model):
    sheet: str
    beneficiaries: str
    work_packages: str


class BeneficiarySheets(_Model):
    prefix: str
    digits: int
    template: str
    work_package_count: str
    number: str
    key_row: int
    first_column: str
    entity_width: int
    units_offset: int
    cost_offset: int
    total_marker: str
    first_block_row: int
    block_height: int
    block_number_column: str
    code_column: str
    mark_column: str
    value_mark: str

    def name(self, number: int) -> str:
        """``BE 007``."""
        return f"{self.prefix}{number:0{self.digits}d}"


class Consolidation(_Model):
    sheet: str
    total_marker: str


class Matrix(_Model):
    sheet: str
    work_package_columns: bool


class MatrixLayout(_Model):
    key_column: str
    head_marker: str
    total_marker: str
    work_package_row: int
    first_work_package_column: str


class Comments(_Model):
    sheet: str
    first_row: int
    columns: dict[str, str]


class NamedResult(_Model):
    name: str
    formula: str | None = None


class PerEntity(_Model):
    sheet: str
    code_row: int
    total_code: str
    grant_column: str


class Results(_Model):
    requested_grant: NamedResult
    total_costs: NamedResult
    per_entity: PerEntity


class AnnexLayout(_Model):
    """One version of the budget annex workbook."""

    title: str
    version: str
    label: str
    source: str
    version_cell: Place
    instructions: Instructions
    beneficiaries: BeneficiaryList
    work_packages: WorkPackageList
    countries: Countries
    referential: Referential
    beneficiary_sheets: BeneficiarySheets
    consolidation: Consolidation
    matrices: tuple[Matrix, ...]
    matrix_layout: MatrixLayout
    rows: dict[str, tuple[str, ...]]
    comments: Comments
    results: Results


@cache
def annex_layouts() -> dict[str, AnnexLayout]:
    """The known versions of the annex, by version (``4.4``)."""
    out: dict[str, AnnexLayout] = {}
    for path in sorted((data_dir() / "annex").glob("*.yaml")):
        layout: AnnexLayout = load_data_model(path, AnnexLayout)
        out[layout.version] = layout
    return out
