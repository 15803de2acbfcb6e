"""The budget as Part B reads it: the form's columns, the headings, the texts' variables.

Pure functions of a computed :class:`~proposal_kit.budget.Budget`: the per-WP table
"Estimated budget — Resources" (its columns come from the categories' ``form`` and
``counts`` in ``data/budget.yaml``), the summary by heading (A Personnel ... E Indirect
costs), and the ``budget`` variables that section texts and generic texts may use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalogue import INDIRECT, Catalogue
from .compute import UNCATEGORISED, Budget, Cell, Totals

if TYPE_CHECKING:
    from ..model import Proposal

__all__ = ["BUDGET_FIELDS", "Amount", "Count", "ExactAmount", "Percent", "budget_fields",
           "budget_view", "form_figures", "group_figures", "heading_figures", "share"]

#: Form columns that are not a category: E and the total.
INDIRECT_COLUMN, TOTAL_COLUMN, PERSON_MONTHS_COLUMN = "indirect", "total", "personnel_pm"


def form_figures(cell: Cell, book: Catalogue) -> dict[str, float]:
    """The figures of ``cell`` by column id of the form's "Estimated budget — Resources".

    Amounts go to their category's ``form`` column (the C.3 sub-items add up in one),
    units and persons to its ``counts`` columns; E and the total to theirs. A single figure
    without categories gives its total (and its person-months, if the WP states them).
    """
    if not cell.detailed:
        out = {TOTAL_COLUMN: cell.total}
        if cell.person_months:
            out[PERSON_MONTHS_COLUMN] = cell.person_months
        return out
    values: dict[str, float] = {}
    for cid, amount in cell.amounts.items():
        column = book.category(cid).form
        values[column] = values.get(column, 0.0) + amount
    for line in cell.lines:
        for column, what in book.category(line.category).counts.items():
            count = line.units if what == "units" else float(line.persons or 0)
            values[column] = values.get(column, 0.0) + count
    values[INDIRECT_COLUMN] = cell.indirect
    values[TOTAL_COLUMN] = cell.total
    return {k: round(v, 2) for k, v in values.items()}


def group_figures(totals: Totals, book: Catalogue) -> dict[str, float]:
    """Amounts of ``totals`` by group of the annex (A to D, ``E`` indirect; uncategorised)."""
    out = dict.fromkeys(book.groups, 0.0)
    for cid, amount in totals.categories.items():
        key = ("E" if cid == INDIRECT else UNCATEGORISED if cid == UNCATEGORISED
               else book.category(cid).group)
        out[key] = round(out.get(key, 0.0) + amount, 2)
    return out


def heading_figures(totals: Totals, book: Catalogue) -> dict[str, float]:
    """Amounts of ``totals`` by heading id (``indirect`` is E), and ``uncategorised``."""
    out = {h.id: round(sum(totals.categories.get(c, 0.0) for c in h.categories), 2)
           for h in book.headings}
    if totals.categories.get(UNCATEGORISED):
        out[UNCATEGORISED] = totals.categories[UNCATEGORISED]
    return out


def share(part: float, whole: float) -> float:
    """``part`` as a percentage of ``whole`` (0 when there is no whole)."""
    return part / whole * 100 if whole else 0.0


class Amount(float):
    """A euro amount that prints as whole euros with thousands separators: ``4,987,000``.

    It stays a number: texts may compare it (``{% if budget.subcontracting_costs %}``).
    """

    def __str__(self) -> str:
        return f"{self:,.0f}"


class ExactAmount(Amount):
    """An amount to copy exactly (the total, the grant of Part A): cents when it has them."""

    def __str__(self) -> str:
        return f"{self:,.2f}" if round(self * 100) % 100 else f"{self:,.0f}"


class Percent(float):
    """A percentage that prints without its sign, whole above 1: ``62``, ``0.4``."""

    def __str__(self) -> str:
        if 0 < abs(self) < 1:
            return f"{self:.1f}"
        return f"{self:.0f}"


class Count(float):
    """Person-months or a count that prints without trailing zeros: ``786``, ``36.5``."""

    def __str__(self) -> str:
        return f"{self:,.1f}".rstrip("0").rstrip(".") if self else "0"


#: Every name of ``budget`` that texts may use, with its meaning (the texts' documentation
#: and `texts lint` read this). ``<heading>_costs`` and ``<heading>_share`` come from the
#: headings of ``data/budget.yaml``.
BUDGET_FIELDS: dict[str, str] = {
    "total_costs": "Total estimated costs, A to E (EUR, to the cent when it has cents; other "
                   "amounts print in whole euros: 4,987,000).",
    "direct_costs": "Direct costs, A to D (EUR).",
    "requested_grant": "The EU grant requested: min(funding rate x total costs, the call's "
                       "maximum), the figure of Part A (EUR).",
    "max_grant": "The call's maximum grant for the project's duration (EUR; 0 if none).",
    "cofinancing": "Total costs less the requested grant: what the partners bring (EUR).",
    "cofinancing_share": "The co-financing as a percentage of the total costs.",
    "funding_rate": "The call's funding rate, as a percentage (80).",
    "indirect_rate": "The flat rate of indirect costs, as a percentage (7).",
    "cap_binds": "True when the call's maximum, not the funding rate, sets the grant.",
    "person_months": "Person-months of personnel (A.1 to A.5) over all work packages.",
    "cost_per_person_month": "Personnel costs (A) divided by the person-months (EUR).",
    "beneficiaries": "Number of beneficiaries and affiliated entities with costs.",
    "smallest_partner_share": "The smallest share of the total costs a partner holds (%).",
    "largest_partner_share": "The largest share of the total costs a partner holds (%).",
    "detailed": "True when every cost is given by category (no single figures).",
    "work_packages": "The work packages, in order; each has id, number, title, total_costs, "
                     "share (of the total), person_months and personnel_share.",
}


def _heading_fields(book: Catalogue) -> dict[str, str]:
    out: dict[str, str] = {}
    for h in book.headings:
        out[f"{h.id}_costs"] = f"{h.title} (EUR)."
        out[f"{h.id}_share"] = f"{h.title} as a percentage of the total costs."
    return out


def budget_fields(book: Catalogue) -> dict[str, str]:
    """Every field of the texts' ``budget`` with its description."""
    return {**BUDGET_FIELDS, **_heading_fields(book)}


def budget_view(budget: Budget, proposal: Proposal) -> dict[str, Any]:
    """The ``budget`` variables of section and generic texts (see :data:`BUDGET_FIELDS`)."""
    book = budget.catalogue
    project = budget.project
    total = project.total
    headings = heading_figures(project, book)
    personnel = headings.get("personnel", 0.0)
    grant = budget.requested_grant
    partners = [t.total for t in budget.by_partner().values() if t.total]
    view: dict[str, Any] = {
        "total_costs": ExactAmount(total), "direct_costs": Amount(project.direct),
        "requested_grant": ExactAmount(grant), "max_grant": Amount(budget.max_grant or 0),
        "cofinancing": Amount(round(total - grant, 2)),
        "cofinancing_share": Percent(share(total - grant, total)),
        "funding_rate": Percent((budget.funding_rate or 0) * 100),
        "indirect_rate": Percent(book.indirect.rate * 100), "cap_binds": budget.cap_binds,
        "person_months": Count(project.person_months),
        "cost_per_person_month": Amount(round(personnel / project.person_months)
                                        if project.person_months else 0),
        "beneficiaries": len(partners),
        "smallest_partner_share": Percent(share(min(partners), total) if partners else 0),
        "largest_partner_share": Percent(share(max(partners), total) if partners else 0),
        "detailed": budget.detailed,
    }
    for h in book.headings:
        view[f"{h.id}_costs"] = Amount(headings[h.id])
        view[f"{h.id}_share"] = Percent(share(headings[h.id], total))
    wps = []
    by_wp = budget.by_work_package()
    for wp in proposal.work_packages:
        t = by_wp.get(wp.id)
        if t is None:
            continue
        wp_personnel = heading_figures(t, book).get("personnel", 0.0)
        wps.append({"id": wp.id, "number": wp.number, "title": wp.title,
                    "total_costs": Amount(t.total), "share": Percent(share(t.total, total)),
                    "person_months": Count(t.person_months),
                    "personnel_share": Percent(share(wp_personnel, t.total))})
    view["work_packages"] = wps
    assert view.keys() == budget_fields(book).keys()
    return view
