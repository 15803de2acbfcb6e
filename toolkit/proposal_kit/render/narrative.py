"""Section texts: fill generic text includes and variables, then resolve references.

A section's Markdown may use ``{{ text("key", var="...") }}`` to include a generic text,
``{{ project.acronym }}``-style variables, and references written ``[[D2.1]]``, ``[[WP3]]``,
``[[MS4]]``, ``[[T2.1]]`` or ``[[P3]]`` (a partner, shown by its short name). An unknown
reference is an error naming the section.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import SourceLocation
from ..errors import TemplateError as KitTemplateError
from ..model import Proposal
from ..project import Project
from ..templating import MAX_OUTPUT, compile_bounded, make_environment, render_bounded
from ..texts import TextLibrary, make_text_function, project_context
from ..texts.context import recording_empty_facts
from ..validation import did_you_mean

__all__ = ["UNDEFINED_HINT", "NarrativeRenderer", "reference_targets", "section_locator",
           "value_locator"]

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
    """Renders section texts of one project.

    With ``collect``, a failing ``text()`` or an unknown reference does not stop the
    section: it is recorded in :attr:`problems` and the rendering goes on, so that `check`
    reports every one in one pass.
    """

    def __init__(self, project: Project, collect: bool = False) -> None:
        self.project = project
        self.library = TextLibrary.for_project(project)
        self.context: dict[str, Any] = project_context(project.proposal)
        self.targets = reference_targets(project.proposal)
        self.env = make_environment()
        self.collect = collect
        self.problems: list[KitTemplateError] = []
        #: (text key, partner id, field) of each empty partner fact a text used.
        self.empty_facts: list[tuple[str, str, str]] = []

    def _place(self, section: str) -> str:
        narrative = self.project.proposal.sections.get(section)
        where = narrative.file if narrative and narrative.file else self.project.file.name
        return f"section '{section}' ({where})"

    def locator(self, section: str) -> Callable[[int | None], SourceLocation]:
        """See :func:`section_locator`."""
        return section_locator(self.project, section)

    def render(self, section: str, markdown: str, unit: int | None = None) -> str:
        """Return the finished Markdown of ``section`` (or of its ``unit``-th unit)."""
        place = self._place(section)
        locate = self.locator(section)
        if _is_plain(markdown):
            filled = markdown
        else:
            variables = dict(self.context)
            variables.update(self.project.proposal.variables)
            text = make_text_function(self.library, self.context, place)
            variables["text"] = self._collecting(text, locate) if self.collect else text
            key = place if unit is None else f"{place} unit {unit}"
            template = compile_bounded(self.env, markdown, place, locate, key=key)
            filled = render_bounded(template, variables, place, locate, hint=UNDEFINED_HINT)
        return REFERENCE.sub(lambda m: self._resolve(m, place, filled, locate), filled)

    def _collecting(self, text: Callable[..., str],
                    locate: Callable[[int | None], SourceLocation]) -> Callable[..., str]:
        def collecting(*args: Any, **kwargs: Any) -> str:
            try:
                with recording_empty_facts() as used:
                    result = text(*args, **kwargs)
                self.empty_facts.extend((str(args[0]), pid, fact) for pid, fact in used)
                return result
            except KitTemplateError as exc:
                if exc.location is None:
                    exc.location = locate(_template_line())
                self.problems.append(exc)
                return ""
            except TypeError as exc:  # text() without a key, or a key that is no string
                self.problems.append(KitTemplateError(f"text(): {exc}",
                                                      location=locate(_template_line())))
                return ""

        return collecting

    def unknown_reference(self, ref: str, place: str,
                          location: SourceLocation | None) -> KitTemplateError:
        """The error of ``[[ref]]`` naming nothing of the project (the render's and check's)."""
        shown = ref if len(ref) <= 40 else ref[:40] + "…"
        return KitTemplateError(f"{place}: unknown reference [[{shown}]]", location=location,
                                hint=did_you_mean(ref, self.targets) or
                                "references name a deliverable (D2.1), milestone (MS3), work "
                                "package, task, objective or partner id")

    def _resolve(self, match: re.Match[str], place: str, filled: str,
                 locate: Callable[[int | None], SourceLocation]) -> str:
        ref = match.group(1)
        if ref in self.targets:
            return self.targets[ref]
        error = self.unknown_reference(ref, place,
                                       locate(filled.count("\n", 0, match.start()) + 1))
        if not self.collect:
            raise error
        self.problems.append(error)
        return match.group(0)


def _is_plain(markdown: str) -> bool:
    """Whether Jinja would give ``markdown`` back as it is (no tag, no line ending to change).

    Such a text (most paragraphs) is not compiled: its output is the text itself.
    """
    return "{" not in markdown and "\r" not in markdown and len(markdown) <= MAX_OUTPUT


def _template_line() -> int | None:
    """The line of the section text being rendered (the innermost template frame)."""
    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code.co_filename == "<template>":
            # Jinja's compiled code carries "template line=code line" pairs.
            pairs = [tuple(map(int, pair.split("="))) for pair in
                     str(frame.f_globals.get("debug_info", "")).split("&") if "=" in pair]
            lines = [t for t, code in pairs if code <= frame.f_lineno]
            return lines[-1] if lines else None
        frame = frame.f_back
    return None


def section_locator(project: Project, section: str) -> Callable[[int | None], SourceLocation]:
    """Map a line of ``section``'s text to its place in the user's files.

    That is the section file, or the line of project.yaml where an inline text stands.
    """
    narrative = project.proposal.sections.get(section)
    if narrative is not None and narrative.file:
        file = project.base_dir / narrative.file
        return lambda line: SourceLocation(file, line)
    path: tuple[str, ...] = ("sections", section, "text")
    if project.document.positions.get(path) is None:
        path = ("sections", section)
    return value_locator(project, path)


def value_locator(project: Project, path: tuple[str | int, ...]) \
        -> Callable[[int | None], SourceLocation]:
    """Map a line of the text at ``path`` of project.yaml to its line there."""
    first, column = project.document.locate(path)
    start = first or 1
    style = _block_style(project.file, start, column)
    if style == "|":  # a literal block: its lines are the text's lines, from the next one
        return lambda line: SourceLocation(project.file, start + (line or 1))
    # A quoted, plain or folded scalar: its lines do not match the text's ("\n" escapes,
    # folding), so the place is where the value starts.
    return lambda line: SourceLocation(project.file, start, column)


UNDEFINED_HINT = ("a name in {{ }} must be a project value such as project.acronym, a budget "
                   "figure such as budget.total_costs, a key of 'variables:' in the project "
                   "file, or text(...)")


#: The key at the start of a line of YAML (positions are those of keys), and its colon.
_AFTER_KEY = re.compile(r"""^(?:"[^"]*"|'[^']*'|[^\s:#'"][^:#]*?)\s*:(?=\s)""")


def _block_style(file: Path, line: int, column: int | None) -> str | None:
    """``|`` or ``>`` when the value at ``line:column`` of ``file`` is a block scalar."""
    try:
        with file.open(encoding="utf-8-sig") as handle:
            for number, text in enumerate(handle, 1):
                if number == line:
                    rest = _AFTER_KEY.sub("", text[(column or 1) - 1:]).lstrip()
                    return rest[:1] if rest[:1] in ("|", ">") else None
    except (OSError, UnicodeDecodeError):
        return None
    return None
    return False
