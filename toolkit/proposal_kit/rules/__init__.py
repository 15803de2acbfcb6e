"""The rules `check` applies: eligibility, consistency and completeness.

Each rule is a function of a :class:`RuleContext` that yields findings with a path into the
project file; :func:`run_rules` runs them all and places each finding at its line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..calls import CallRules, ReferenceData
from ..findings import Finding, Severity
from ..findings import Path as DataPath
from ..model import Proposal

__all__ = ["Rule", "RuleContext", "finding", "run_rules"]


@dataclass(frozen=True)
class RuleContext:
    """What a rule may look at."""

    proposal: Proposal
    call: CallRules | None
    reference: ReferenceData


Rule = Callable[[RuleContext], Iterable[Finding]]


def finding(code: str, severity: str, message: str, path: DataPath = (),
            hint: str | None = None) -> Finding:
    """Build a finding; the category is the part of ``code`` before the dot."""
    return Finding(code, Severity(severity), message, path, None, None,
                   code.split(".", 1)[0], hint)


def all_rules() -> list[Rule]:
    """Every rule, in reporting order."""
    from . import budget, completeness, consistency, coverage, eligibility

    return [*eligibility.RULES, *consistency.RULES, *budget.RULES, *coverage.RULES,
            *completeness.RULES]


def run_rules(context: RuleContext) -> Iterator[Finding]:
    """Run every rule on ``context``."""
    for rule in all_rules():
        yield from rule(context)
