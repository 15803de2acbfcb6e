"""The lump-sum budget: categories, computation, report and workbooks.

:func:`compute_budget` turns the project file's costs into the figures every other part uses
(the draft's tables, `check`, `review`, the `budget` command and the workbooks);
:func:`budget_file` is the `budget` report, and :mod:`.export` writes the workbooks.
"""

from __future__ import annotations

from .catalogue import Catalogue, Category, catalogue
from .compute import (
    UNCATEGORISED,
    Budget,
    Cell,
    Line,
    MissingRate,
    Totals,
    compute_budget,
    one_budget_per_project,
)
from .report import BudgetReport, budget_file, budget_project

__all__ = ["UNCATEGORISED", "Budget", "BudgetReport", "Catalogue", "Category", "Cell", "Line",
           "MissingRate", "Totals", "budget_file", "budget_project", "catalogue",
           "compute_budget", "one_budget_per_project"]
