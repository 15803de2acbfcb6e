"""Section texts: fill generic text includes and variables, then resolve references.

A section's Markdown may use ``{{ text("key", var="...") }}`` to include a generic text,
``{{ project.acronym }}``-style variables, and references written ``[[D2.1]]``, ``[[WP3]]``,
``[[MS4]]``, ``[[T2.1]]`` or ``[[P3]]`` (a partner, shown by its short name). An unknown
reference is an error naming the section.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateError as KitTemplateError
from ..model import Proposal
from ..project import Project
from ..texts import TextLibrary, make_text_function, project_context
from ..validation import did_you_mean

__all__ = ["NarrativeRenderer", "reference_targets"]

REFERENCE = re.compile(r"\[\[([^\[\]\s]+)\]\]")


def reference_targets(proposal: Proposal) -> dict[str, str]:
    """Every id a reference may name, with the text it resolves to."""
    targets: dict[str, str] = {}
    for partner in proposal.partners:
        targets[partner.id] = partner.label
    for wp in proposal.work_packages:
        targets[wp.id] = wp.id
        targets.update({t.id: t.id for t in wp.tasks if t.id})
        targets.update({d.number: d.number for d in wp.deliverables})
        targets.update({m.number: m.number for m in wp.milestones})
    targets.update({o.id: o.id for o in proposal.objectives if o.id})
    return targets


class NarrativeRenderer:
    """Renders section texts of one project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.library = TextLibrary.for_project(project)
        self.context: dict[str, Any] = project_context(project.proposal)
        self.targets = reference_targets(project.proposal)
        self.env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                        keep_trailing_newline=True)

    def _place(self, section: str) -> str:
        narrative = self.project.proposal.sections.get(section)
        where = narrative.file if narrative and narrative.file else self.project.file.name
        return f"section '{section}' ({where})"

    def render(self, section: str, markdown: str) -> str:
        """Return the finished Markdown of ``section``."""
        place = self._place(section)
        variables = dict(self.context)
        variables.update(self.project.proposal.variables)
        variables["text"] = make_text_function(self.library, self.context, place)
        try:
            template = self.env.from_string(markdown)
            filled = template.render(**variables)
        except TemplateSyntaxError as exc:
            raise KitTemplateError(f"{place}, line {exc.lineno}: {exc.message}") from None
        except UndefinedError as exc:
            raise KitTemplateError(f"{place}: {exc.message}",
                                   hint="a name in {{ }} must be a project value such as "
                                   "project.acronym, a key of 'variables:' in the project "
                                   "file, or text(...)") from None
        except TemplateError as exc:
            raise KitTemplateError(f"{place}: {exc}") from None
        return REFERENCE.sub(lambda m: self._resolve(m.group(1), place), filled)

    def _resolve(self, ref: str, place: str) -> str:
        if ref in self.targets:
            return self.targets[ref]
        raise KitTemplateError(f"{place}: unknown reference [[{ref}]]",
                               hint=did_you_mean(ref, self.targets) or
                               "references name a deliverable (D2.1), milestone (MS3), work "
                               "package, task, objective or partner id")
