"""The lump-sum budget as the project file holds it: costs by category, per partner and WP.

These are the input models only (validated and located like every other field); the figures
derived from them (indirect costs, totals, the requested grant) are computed in
:mod:`proposal_kit.budget`. The categories follow the mandatory budget annex, whose names and
codes are data (``data/budget.yaml``).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = ["MAX_AMOUNT", "Amount", "BudgetSettings", "CostLine", "PartnerCosts", "StaffLine",
           "TravelLine", "round_cents"]

#: The largest euro amount or count of units a project file may give: far above any
#: Erasmus+ budget, and small enough that every product and sum of them stays exact to the
#: cent in a spreadsheet's 15 significant digits' worth of range checks.
MAX_AMOUNT = 1e9


def round_cents(value: float) -> float:
    """``value`` rounded to the cent, halves away from zero, as a spreadsheet's ROUND does.

    Python's ``round`` rounds the binary value (``round(2.675, 2)`` is 2.67); Excel and
    LibreOffice round the number to its 15 significant digits first (2.68). The budget
    annex's figures are the spreadsheet's, so every amount is rounded this way.
    """
    if not math.isfinite(value) or abs(value) >= _NO_CENTS:
        return value  # no cents left in 15 significant digits (or no number at all)
    return float(Decimal(format(value, ".15g")).quantize(_CENT, rounding=ROUND_HALF_UP))


_CENT = Decimal("0.01")
#: From here on, 15 significant digits hold no cents: rounding to them changes nothing.
_NO_CENTS = 1e15


def _finite_number(value: Any) -> Any:
    """A number, not a YAML boolean, NaN or infinity (pydantic checks the sign)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    return value


#: A euro amount or a count of units: finite and not negative.
Amount = Annotated[float, BeforeValidator(_finite_number),
                   Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CostLine(_Strict):
    """Units times a cost per unit, as the budget workbook asks for each category.

    A bare number is one unit of that cost: ``subcontracting: 24000``.
    """

    units: Amount = Field(description="Number of units (person-months, travels, nights, "
                          "days, items...).")
    cost: Amount = Field(description="Cost per unit in EUR.")
    note: str | None = Field(None, description="What the units are (printed in the "
                             "workbook's comments).")

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"expected a number or units and cost, got {str(value).lower()}")
        if isinstance(value, int | float):
            return {"units": 1, "cost": value}
        return value

    @property
    def amount(self) -> float:
        """``units x cost``, rounded to the cent as the workbook does."""
        return round_cents(self.units * self.cost)


class TravelLine(CostLine):
    """C.1a travel: journeys (one person, one return trip) times the cost of a journey."""

    persons: Annotated[int, BeforeValidator(_finite_number)] | None = Field(
        None, ge=0, description="Persons travelling (the form's column).")


class StaffLine(_Strict):
    """Person-months of one staff type, at a rate other than the partner's usual one."""

    units: Amount = Field(description="Person-months.")
    cost: Amount = Field(description="Monthly cost in EUR.")


#: Person-months of a staff type (priced at the partner's rate), or person-months and a cost.
StaffEntry = Annotated[Amount | StaffLine, Field(union_mode="left_to_right")]


class PartnerCosts(_Strict):
    """The costs of one beneficiary (or affiliated entity) in one work package.

    Keys follow the categories of the budget annex; each is optional.
    """

    staff: dict[str, StaffEntry] = Field(
        default_factory=dict, description="A.1 employees: person-months by staff type (a "
        "name of budget.staff_types), priced at budget.rates; or {units, cost}.")
    natural_persons: CostLine | None = Field(None, description="A.2 natural persons under "
                                             "direct contract: person-months x monthly cost.")
    seconded: CostLine | None = Field(None, description="A.3 seconded persons.")
    sme_owners: CostLine | None = Field(None, description="A.4 SME owners without salary "
                                        "(unit cost per person-month).")
    volunteers: CostLine | None = Field(None, description="A.5 volunteers (unit cost per "
                                        "person-month).")
    subcontracting: CostLine | None = Field(None, description="B subcontracting (EUR).")
    travel: TravelLine | None = Field(None, description="C.1a travel: travels x cost per "
                                      "travel, and the persons travelling.")
    accommodation: CostLine | None = Field(None, description="C.1b accommodation: nights x "
                                           "cost per night.")
    subsistence: CostLine | None = Field(None, description="C.1c subsistence: days x daily "
                                         "allowance.")
    equipment: CostLine | None = Field(None, description="C.2 equipment: depreciation "
                                       "charged to the project.")
    consumables: CostLine | None = Field(None, description="C.3 consumables.")
    meetings: CostLine | None = Field(None, description="C.3 services for meetings and "
                                      "seminars.")
    dissemination: CostLine | None = Field(None, description="C.3 services for "
                                           "communication, promotion and dissemination.")
    website: CostLine | None = Field(None, description="C.3 website.")
    artistic_fees: CostLine | None = Field(None, description="C.3 artistic fees.")
    other_goods: CostLine | None = Field(None, description="C.3 other goods, works and "
                                         "services (explain them in the note).")
    financial_support: CostLine | None = Field(None, description="D.1 financial support to "
                                               "third parties (not allowed in this call).")


class BudgetSettings(_Strict):
    """Staff types and monthly rates, shared by every work package."""

    staff_types: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=list, max_length=5,
        description="Names of the employee types (at most 5, the workbook's Type 1 to 5), "
        "e.g. Manager, Senior expert, Junior expert, Technician, Administrative.")
    rates: dict[str, dict[str, Amount]] = Field(
        default_factory=dict, description="Monthly cost in EUR of a person-month, per partner "
        "id and staff type (A.1).")

    @model_validator(mode="after")
    def _unique_types(self) -> BudgetSettings:
        seen: set[str] = set()
        for name in self.staff_types:
            if name.casefold() in seen:
                raise ValueError(f"staff type '{name}' is listed twice")
            seen.add(name.casefold())
        return self
