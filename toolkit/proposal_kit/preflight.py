"""What `render` would stop on, found by `check` in one pass.

`check` resolves everything the render resolves: every section file (read by the loader),
every ``[[ref]]`` (all of them, not the first), every ``{{ text() }}`` key and its
variables, Jinja syntax and run-time errors (at the line of the section file, or of
project.yaml for a section written inline), every image and every directive block, and the
partner facts that generic texts use but the project does not give (a warning: the draft
would read "Website: ."). When none of these fails, the whole draft is rendered in memory,
so that a project `check` passes renders; except a project of data alone (no section text,
no templates or form of its own, no value with a fenced block or an image), whose draft is
proposal-kit's templates over validated values: it is rendered (to Markdown, for the size
and time limits) only when it is large.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .errors import ProposalKitError, SourceLocation
from .findings import Finding, Severity
from .plaindata import walk
from .project import Project

__all__ = ["render_findings"]


def _finding(code: str, severity: str, exc: ProposalKitError | str,
             location: SourceLocation | None, project: Project,
             path: tuple[str | int, ...] = (), hint: str | None = None) -> Finding:
    message = exc if isinstance(exc, str) else exc.message
    hint = hint if isinstance(exc, str) else exc.hint
    if not isinstance(exc, str) and exc.location is not None and exc.location.file:
        location = exc.location
    file = line = column = None
    if location is not None:
        line, column = location.line, location.column
        if location.file and Path(location.file) != project.file:
            file = str(location.file)
    if line is None and path and file is None:
        line, column = project.document.locate(path)
    return Finding(code, Severity(severity), message, path, line, column, "render", hint, file)


def _partner_fact(project: Project, sid: str, key: str, pid: str, fact: str,
                  location: SourceLocation | None) -> Finding:
    return _finding(
        "render.partner-fact", "warning",
        f"section '{sid}': generic text '{key}' uses the {fact.replace('_', ' ')} of "
        f"partner {pid}, which the project does not give; the draft would show an "
        "empty value there", location, project, ("sections", sid),
        hint=f"add '{fact}:' to partner {pid} in project.yaml")


def _section_findings(project: Project) -> tuple[dict[str, str], list[Finding]]:
    """Each section rendered as the render does, and read from its source as well.

    What the source shows (references, blocks written in the Markdown; and, when the
    section's Jinja stops early, every ``text()`` it calls) is reported at its own line
    and column; what only the render shows (a reference a generic text writes) at the line
    the render reached.
    """
    from .render.narrative import NarrativeRenderer
    from .sectionscan import scan_section

    texts: dict[str, str] = {}
    found: list[Finding] = []
    if not project.texts:
        return texts, found
    renderer = NarrativeRenderer(project, collect=True)
    for sid, text in project.texts.items():
        path = ("sections", sid)
        locate = renderer.locator(sid)
        renderer.problems.clear()
        renderer.empty_facts.clear()
        dynamic: list[Finding] = []
        stopped = False
        try:
            texts[sid] = renderer.render(sid, text)
        except ProposalKitError as exc:
            stopped = True
            dynamic.append(_finding("render.template", "error", exc, exc.location or
                                    locate(None), project, path))
        for problem in renderer.problems:
            code = ("render.reference" if "unknown reference" in problem.message
                    else "render.text")
            dynamic.append(_finding(code, "error", problem, problem.location or
                                    locate(None), project, path))
        facts = dict.fromkeys(renderer.empty_facts)
        static: list[Finding] = []
        for item in scan_section(renderer, sid, text, texts=stopped):
            if item.empty_fact is not None:
                facts.setdefault(item.empty_fact)
            else:
                static.append(_finding(item.code, "error", item.error, item.location,
                                       project, path))
        seen = {f.message for f in static}
        found += [*static, *(f for f in dynamic if f.message not in seen)]
        for key, pid, fact in facts:
            found.append(_partner_fact(project, sid, key, pid, fact, locate(None)))
    return texts, found


def _block_findings(project: Project, texts: dict[str, str],
                    found: list[Finding]) -> list[Finding]:
    """Images and directive blocks that Jinja wrote into a section.

    The ones written in its source are among ``found`` already, at their own line.
    """
    from .render.narrative import section_locator
    from .sectionscan import by_line, scan_blocks

    seen = {f.message for f in found}
    out: list[Finding] = []
    for sid, text in texts.items():
        if text == project.texts.get(sid):
            continue  # no Jinja made any of it: its source was read already
        at = by_line(section_locator(project, sid))
        for item in scan_blocks(project, f"section '{sid}'", text, at, skip_jinja=False):
            if item.error.message not in seen:
                seen.add(item.error.message)
                out.append(_finding("render.block", "error", item.error, item.location,
                                    project, ("sections", sid)))
    return out


#: A project of more values than this (each partner, task, deliverable... counts its
#: fields) is drafted in memory by `check` even when it holds data only: its Markdown may
#: approach the render's size and time limits. 10,000 partners hold 72,000 values and make
#: a quarter of the size limit, in a tenth of the time limit.
LARGE_PROJECT_ITEMS = 100_000

def _data_only(project: Project) -> bool:
    """Whether the draft of ``project`` is the built-in templates over its data alone.

    No section text, no templates of its own, and no value holding Markdown the writer
    interprets (a fenced block, an image). Such a draft cannot stop on anything the project
    says: its templates and writer are proposal-kit's, and each value is validated by the
    loader; so `check` does not render it again in memory (a season of consortia is then
    checked at the speed of the rules).
    """
    from .render.compose import template_dirs

    if project.texts or len(template_dirs(project.base_dir)) > 1:
        return False
    from .sectionscan import WRITER_MARKUP

    return not any(mark in value for value in _strings(project.document.data)
                   for mark in WRITER_MARKUP)


def _strings(data: object) -> Iterator[str]:
    """Every string (keys included) in plain YAML data."""
    for _, item in walk(data):
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from (key for key in item if isinstance(key, str))


def _items(data: object) -> int:
    """How many values (scalars, lists and mappings) plain YAML data holds."""
    return sum(1 for _ in walk(data))


def render_findings(project: Project, with_form: bool = True) -> list[Finding]:
    """Every problem the render of ``project`` would stop on, as findings.

    Findings of the project file itself (schema, missing or refused section files) are
    `check`'s own; when there are errors among them, the sections that could be read are
    still checked (in the same pass), but the whole draft is not rendered. With
    ``with_form``, the DOCX is rendered into the project's copy of the official form (text
    already in it is `check`'s own warning, so it is replaced here).
    """
    from .calls import load_call

    try:
        load_call(project.proposal.call)
    except ProposalKitError:
        return []  # check reports the unknown topic
    from .sectionscan import value_blocks

    texts, found = _section_findings(project)
    found += _block_findings(project, texts, found)
    found += [_finding(item.code, "error", item.error, item.location, project)
              for item in value_blocks(project)]
    from .render.compose import template_syntax_errors

    found += [_finding("render.template", "error", exc, exc.location, project)
              for exc in template_syntax_errors(project.base_dir)]
    if any(f.severity is Severity.ERROR for f in [*found, *project.problems]):
        return found
    use_form = with_form and project.form_file is not None
    if not use_form and _data_only(project):
        if _items(project.document.data) > LARGE_PROJECT_ITEMS:
            from .render import build_markdown

            try:  # the only limits the data can reach: the render's size and time
                build_markdown(project)
            except ProposalKitError as exc:
                found.append(_finding("render.failed", "error", exc, exc.location, project))
        return found
    from .render import render_bytes

    for fmt in ("docx", "html"):
        try:
            render_bytes(project, fmt,
                         form=project.form_file if fmt == "docx" and with_form else None,
                         force=True)
        except ProposalKitError as exc:
            found.append(_finding("render.failed", "error", exc, exc.location, project))
            break
    return found
