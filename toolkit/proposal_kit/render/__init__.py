"""`render`: project.yaml -> Markdown (Jinja templates) -> DOCX, Markdown or HTML.

The Markdown is the seam: the same document feeds the Word writer, the HTML form and the
guidance site, and can be read in a diff.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from docx.document import Document
from markupsafe import Markup

from ..budget import one_budget_per_project
from ..calls import CallRules, load_call
from ..derive import derive
from ..errors import OutputConflictError, SourceLocation, UsageError
from ..findings import Severity
from ..form import form_for_call
from ..project import Project, ProjectFileError
from ..resources import builtin_templates_dir
from .compose import compose_markdown, template_dirs
from .docx_parts import set_custom_properties, set_extended_properties
from .docx_writer import write_docx
from .markdown_parser import shift_headings
from .narrative import NarrativeRenderer
from .output import FINGERPRINT, fingerprint, stamp_text, write_guarded

__all__ = ["SUFFIXES", "Format", "RenderResult", "build_markdown", "default_output",
           "nest_sections", "output_format", "render_bytes", "render_project",
           "section_texts"]

Format = Literal["docx", "md", "html"]
_FIXED_TIME = datetime(2026, 1, 1)


@dataclass(frozen=True)
class RenderResult:
    """What `render` wrote."""

    output: Path
    backup: Path | None
    format: Format
    #: The applicant's form that was filled (None: proposal-kit's own layout).
    form: Path | None = None


def build_markdown(project: Project) -> str:
    """The draft's Markdown for ``project`` (templates, generic texts and references filled)."""
    return _draft_markdown(project)[0]


def _draft_markdown(project: Project) -> tuple[str, NarrativeRenderer]:
    """The draft's Markdown, and the renderer of its section texts (the base reuses it)."""
    blocking = [f for f in project.problems if f.severity is Severity.ERROR]
    if blocking:
        raise ProjectFileError(project.file, blocking)
    call = load_call(project.proposal.call)
    narrative = NarrativeRenderer(project)
    texts = section_texts(project, call, narrative=narrative)
    draft = derive(project.proposal, call, texts)
    return compose_markdown(draft, texts, template_dirs(project.base_dir)), narrative


def section_texts(project: Project, call: CallRules, nest: bool = True,
                  narrative: NarrativeRenderer | None = None) -> dict[str, str]:
    """Each section's finished Markdown.

    With ``nest``, its headings are moved under the section's heading (``#`` in 2.1.1
    becomes level 4). ``narrative``: the project's renderer, if the caller has one.
    """
    narrative = narrative or NarrativeRenderer(project)
    texts = {sid: narrative.render(sid, text) for sid, text in project.texts.items()}
    return nest_sections(texts, call) if nest else texts


def nest_sections(texts: Mapping[str, str], call: CallRules) -> dict[str, str]:
    """Finished section texts with their headings moved under each section's heading."""
    form = form_for_call(call)
    out = {}
    for sid, text in texts.items():
        heading = form.section_of(sid)
        out[sid] = shift_headings(text, heading.level if heading else 1)
    return out


def _docx_bytes(project: Project, markdown: str, reference_doc: Path | None,
                toc_pages: Mapping[str, int] | None = None,
                narrative: NarrativeRenderer | None = None) -> bytes:
    from ..safeio import check_argument

    reference = reference_doc or builtin_templates_dir() / "reference.docx"
    check_argument(reference, "the reference document")
    p = project.proposal
    document = write_docx(markdown, reference, header=f"{p.acronym} — Part B",
                          base_dir=project.base_dir, toc_pages=toc_pages)
    return _finish(document, project, load_call(p.call).form_version, "own", narrative)


def _form_bytes(project: Project, form_file: Path, force: bool,
                toc_pages: Mapping[str, int] | None) -> bytes:
    """The applicant's copy of the official form, filled from ``project``."""
    from ..form.fill import fill_document, open_form

    blocking = [f for f in project.problems if f.severity is Severity.ERROR]
    if blocking:
        raise ProjectFileError(project.file, blocking)
    call = load_call(project.proposal.call)
    narrative = NarrativeRenderer(project)
    texts = section_texts(project, call, nest=False, narrative=narrative)
    draft = derive(project.proposal, call, nest_sections(texts, call))
    opened = open_form(form_file)
    form = opened[1]
    dirs = template_dirs(project.base_dir)
    boxes = {b.id: compose_markdown(draft, texts, dirs, "box.md.j2", box=b, in_form=True,
                                    part="text") for b in form.boxes()}
    boxes.update({sid: texts[sid] for sid in form.legacy_sections if sid in texts})
    tables = {b.id: compose_markdown(draft, texts, dirs, "box.md.j2", box=b, in_form=True,
                                     part="tables") for b in form.boxes() if b.tables}
    document = fill_document(form_file, draft, boxes, project.base_dir, force, toc_pages,
                             tables, opened)
    return _finish(document, project, form.id, "form", narrative)


def _finish(document: Document, project: Project, form_id: str, layout: str,
            narrative: NarrativeRenderer | None = None) -> bytes:
    """Set the document's properties (deterministic) and its fingerprint; the bytes.

    The custom properties name the call, the form version and the layout ("own" or
    "form"): `pages` reads them to apply the call's rules and the form's footprint.
    The base of `absorb` (what was rendered, section by section) goes inside the document.
    """
    from ..roundtrip.base import BASE_PROPERTY, attach_base

    p = project.proposal
    title = f"{p.acronym}: {p.title or ''}".strip(": ")
    values = {"title": title, "subject": p.call, "author": "proposal-kit",
              "last_modified_by": "proposal-kit", "created": _FIXED_TIME,
              "modified": _FIXED_TIME, "revision": 1, "keywords": ", ".join(p.keywords),
              "comments": "", "category": "Part B", "content_status": "",
              "identifier": "", "language": "en", "version": ""}
    core = document.core_properties
    for key, value in values.items():
        if isinstance(value, str) and len(value) > 255:  # the limit of core properties
            value = value[:254] + "…"
        setattr(core, key, value)
    set_extended_properties(document, "proposal-kit")
    from ..docxfile import docx_bytes, main_part_xml

    xml = main_part_xml(document)  # serialised once: the base, the fingerprint, the file
    base = attach_base(document, project, form_id, layout, narrative, xml)
    set_custom_properties(document, {FINGERPRINT: fingerprint(xml),
                                     "proposal-kit-call": p.call, "proposal-kit-form": form_id,
                                     "proposal-kit-layout": layout,
                                     BASE_PROPERTY: base})
    return docx_bytes(document, xml)


def _html_page(project: Project, markdown: str) -> str:
    from jinja2 import FileSystemLoader, TemplateError, select_autoescape

    from ..errors import TemplateError as KitTemplateError
    from ..templating import make_environment, render_bounded
    from .html import markdown_to_html

    env = make_environment(FileSystemLoader([str(d) for d in template_dirs(project.base_dir)]),
                           autoescape=select_autoescape(["html", "j2"]))
    try:
        page = env.get_template("partb.html.j2")
    except (TemplateError, RecursionError) as exc:
        raise KitTemplateError(f"template partb.html.j2: {getattr(exc, 'message', exc)}",
                               location=SourceLocation(None, getattr(exc, "lineno", None))) \
            from None
    return render_bounded(page, {"title": f"{project.proposal.acronym} — Part B",
                                 "body": Markup(markdown_to_html(markdown))},
                          f"template {page.filename}",
                          lambda line: SourceLocation(Path(page.filename or ""), line))


def render_bytes(project: Project, fmt: Format = "docx",
                 reference_doc: Path | None = None,
                 toc_pages: Mapping[str, int] | None = None, form: Path | None = None,
                 force: bool = False) -> bytes:
    """The rendered draft in ``fmt``, as bytes (not written anywhere).

    ``toc_pages`` (heading text -> page) numbers the DOCX's table of contents. With
    ``form`` (the applicant's copy of the official form), that copy is filled instead of
    proposal-kit's own layout; ``force`` then allows replacing text already in it.
    """
    from ..docxfile import reading
    from ..sectionscan import first_value_block

    if form is not None and fmt != "docx":
        raise UsageError("the official form is a Word document: --form writes .docx")
    with one_budget_per_project():
        if fmt != "md":  # a block in a value of project.yaml: refused at its line there
            first_value_block(project)
        if form is not None:
            with reading(form, "the form"):
                return _form_bytes(project, form, force, toc_pages)
        markdown, narrative = _draft_markdown(project)
        if fmt == "docx":
            with reading(reference_doc, "the reference document"):
                return _docx_bytes(project, markdown, reference_doc, toc_pages, narrative)
        body = markdown if fmt == "md" else _html_page(project, markdown)
        return stamp_text(body).encode("utf-8")


def default_output(project: Project, fmt: Format) -> Path:
    """``<acronym>-partB.<ext>`` beside the project file."""
    from ..safeio import file_stem

    return project.base_dir / f"{file_stem(project.proposal.acronym)}-partB.{fmt}"


#: The file extensions of each format (the first is the one written by default).
SUFFIXES: dict[Format, tuple[str, ...]] = {"docx": (".docx",), "md": (".md", ".markdown"),
                                           "html": (".html", ".htm")}


def output_format(output: Path | None, fmt: Format | None = None) -> Format:
    """The format to write: ``fmt``, else the one ``output``'s extension names, else DOCX.

    Raises:
        UsageError: an extension that names no format, or another format than ``fmt``
            (a ``.md`` file holding a Word document would open as garbage).
    """
    if output is None:
        return fmt or "docx"
    suffix = output.suffix.lower()
    named = next((f for f, suffixes in SUFFIXES.items() if suffix in suffixes), None)
    hint = ("proposal-kit writes Word, Markdown or HTML; for a PDF, render the .docx and "
            "export it from Word or LibreOffice") if suffix == ".pdf" else None
    if fmt is None and named is None:
        raise UsageError(f"cannot tell the format from '{output.name}': name it .docx, .md "
                         "or .html, or give --format", hint=hint)
    if fmt is not None and named != fmt:
        raise UsageError(f"the output '{output.name}' should end in {SUFFIXES[fmt][0]} for "
                         f"the {fmt} format", hint=hint)
    return fmt or named or "docx"


def render_project(project: Project, output: Path | None = None, fmt: Format | None = None,
                   reference_doc: Path | None = None, force: bool = False,
                   toc_pages: Mapping[str, int] | None = None,
                   form: Path | None = None) -> RenderResult:
    """Render ``project`` and write it atomically, protecting edited outputs.

    The format is ``fmt``, else the one ``output``'s extension names, else DOCX
    (see :func:`output_format`); ``toc_pages`` and ``form`` as for :func:`render_bytes`.
    ``form`` defaults to the project's ``part_b_form:``.
    """
    fmt = output_format(output, fmt or ("docx" if form else None))
    form = form or project.form_file
    data = render_bytes(project, fmt, reference_doc, toc_pages, form, force)
    target = output or default_output(project, fmt)
    if form is not None and target.resolve() == form.resolve():
        raise OutputConflictError(f"{target} is the form itself: give another -o file",
                                  hint="the applicant's copy of the form is never written over")
    inputs = [project.file, *project.input_files, *(p for p in (form, reference_doc) if p)]
    backup = write_guarded(target, data, force, protected=inputs)
    return RenderResult(target, backup, fmt, form)
