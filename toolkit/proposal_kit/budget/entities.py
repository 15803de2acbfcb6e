"""Who appears in the budget workbooks, numbered as the annex numbers them.

Beneficiaries are BE 001 (the coordinator), BE 002...; an affiliated entity follows its
beneficiary as BE 002 / AE 001, with the key 2.01 the annex gives it. Associated partners
never appear. A budget the workbooks cannot hold (a single figure without categories,
costs of an associated partner, a staff type that is not declared) is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from ..model import Partner, Proposal
from .compute import Budget

__all__ = ["Entity", "entities"]


@dataclass(frozen=True)
class Entity:
    """A beneficiary or an affiliated entity of the workbook."""

    partner: Partner
    number: int
    affiliate: int = 0

    @property
    def key(self) -> float:
        """The annex's key: 2 for BE 002, 2.01 for its AE 001."""
        return round(self.number + self.affiliate / 100, 2)

    @property
    def label(self) -> str:
        """``BE 002`` or ``BE 002 / AE 001``."""
        base = f"BE {self.number:03d}"
        return f"{base} / AE {self.affiliate:03d}" if self.affiliate else base

    @property
    def sheet_label(self) -> str:
        """``BE 002`` or ``BE 002 AE 001`` (a sheet name cannot hold a slash)."""
        return self.label.replace(" / ", " ")

    @property
    def name(self) -> str:
        """Short name, else the legal name."""
        return self.partner.short_name or self.partner.name


def _refuse(message: str, hint: str) -> InputError:
    return InputError(f"the budget workbook cannot be made: {message}", hint=hint)


def entities(proposal: Proposal, budget: Budget) -> list[Entity]:
    """Beneficiaries in the annex's order, each followed by its affiliated entities.

    Raises:
        InputError: the budget cannot be written into a workbook (the reason is named).
    """
    roles = {p.id: p.role for p in proposal.partners}
    associated = sorted({c.partner for c in budget.cells if roles.get(c.partner) == "associated"})
    if associated:
        raise _refuse(f"{', '.join(associated)} are associated partners with costs",
                      "associated partners receive no EU funding: remove their costs")
    unknown = sorted({c.partner for c in budget.cells if c.partner not in roles})
    if unknown:
        raise _refuse(f"costs of {', '.join(unknown)}, which are not partners",
                      "give the costs to a partner of the consortium")
    legacy = budget.legacy_cells
    if legacy:
        where = ", ".join(f"{c.wp} {c.partner}" for c in legacy[:6])
        raise _refuse(f"single figures without categories ({where})",
                      "write the costs by category under `costs:`")
    types = proposal.budget.staff_types
    undeclared = sorted({f"'{line.staff_type}'" for line in budget.lines()
                         if line.staff_type is not None and line.staff_type not in types})
    if undeclared:
        raise _refuse(f"staff types {', '.join(undeclared)} are not in budget.staff_types",
                      "declare them under budget.staff_types (at most five)")
    leaders = [p for p in proposal.partners if p.role == "coordinator"]
    full = leaders + [p for p in proposal.partners if p.role == "beneficiary"]
    ids = {p.id for p in full}
    loose = [p.id for p in proposal.partners
             if p.role == "affiliated" and p.affiliated_to not in ids]
    if loose:
        raise _refuse(f"the affiliated entities {', '.join(loose)} are linked to no "
                      "beneficiary", "set affiliated_to: to the id of their beneficiary")
    out: list[Entity] = []
    for number, partner in enumerate(full, 1):
        out.append(Entity(partner, number))
        linked = [p for p in proposal.partners
                  if p.role == "affiliated" and p.affiliated_to == partner.id]
        out += [Entity(p, number, n) for n, p in enumerate(linked, 1)]
    return out
