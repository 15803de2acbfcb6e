"""The lump-sum budget: categories, computation, report and workbooks.

:func:`compute_budget` turns the project file's costs into the figures every other part uses
(the draft's tables, `check`, `review`, the `budget` command and the workbooks).
"""

from __future__ import annotations

from .catalogue import Catalogue, Category, catalogue
from .compute import UNCATEGORISED, Budget, Cell, Line, MissingRate, Totals, compute_budget

__all__ = ["UNCATEGORISED", "Budget", "Catalogue", "Category", "Cell", "Line", "MissingRate",
           "Totals", "catalogue", "compute_budget"]
