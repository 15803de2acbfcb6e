"""`init`: a ready project folder for one call topic, from the templates in ``templates/init/``.

The consortium written is a placeholder that meets the lot's minimums, so that ``check`` lists
only what the writer must still fill in; every placeholder says so in its name.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import FileSystemLoader, TemplateError

from .activities import ActivityList, activities_for
from .calls import CallRules, load_call, reference_data
from .errors import OutputConflictError, UsageError
from .errors import TemplateError as KitTemplateError
from .form import form_for_call
from .render.output import write_all
from .resources import builtin_templates_dir
from .safeio import CONTROL, char_name
from .schema import schema_json
from .templating import BoundedEnvironment, make_environment

__all__ = ["SCHEMA_PATH", "init_project"]

#: Where the JSON Schema is written inside a new project folder.
SCHEMA_PATH = ".proposal-kit/project.schema.json"

_COUNTRIES = ["BE", "DE", "ES", "FR", "IT", "NL", "PL", "SE", "AT", "PT", "FI", "CZ", "IE",
              "DK", "HU", "RO"]
_LMA_TYPES = ["enterprise", "enterprise", "chamber", "trade-union", "trade-association"]
_OTHER_TYPES = ["research", "public-body", "ngo"]


@dataclass
class _WP:
    title: str
    start: int
    end: int
    objective: str
    covers: list[str] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    deliverables: list[dict[str, Any]] = field(default_factory=list)
    lead: str = "P1"
    id: str = ""


def _partners(call: CallRules) -> list[dict[str, Any]]:
    f = call.figures
    et, lma = f.min_education_providers.value, f.min_labour_market_actors.value
    total = max(f.min_full_partners.value, et + lma)
    n_countries = max(f.min_countries.value, 1)
    types = ["hei"] + ["vet" if i % 2 == 0 else "hei" for i in range(et - 1)]
    if f.require_hei_and_vet.value and "vet" not in types:
        types.append("vet")
    types += [_LMA_TYPES[i % len(_LMA_TYPES)] for i in range(lma)]
    types += [_OTHER_TYPES[i % len(_OTHER_TYPES)] for i in range(total - len(types))]
    return [{"id": f"P{i}", "type": t, "country": _COUNTRIES[(i - 1) % n_countries],
             "role": "coordinator" if i == 1 else "beneficiary",
             "label": reference_data().organisation_types[t].label}
            for i, t in enumerate(types, start=1)]


def _figure(call: CallRules, name: str | None, default: int) -> int:
    figure = getattr(call.figures, name, None) if name else None
    return int(figure.value) if figure is not None else default


def _required_wps(call: CallRules, acts: ActivityList, duration: int) -> list[_WP]:
    """One WP per group of required activities.

    A phase that ends early (the call's ``until_figure``) gets a WP of its own; EQF levels
    go where the list's ``eqf`` asks.
    """
    phase_end = {p.id: _figure(call, p.until_figure, duration) for p in acts.phases}
    eqf_levels = sorted({level for lo, hi in acts.eqf.spans for level in range(lo, hi + 1)}
                        ) if acts.eqf else []
    eqf_slugs = set(acts.eqf.activities) if acts.eqf else set()
    wps: list[_WP] = []
    for group in acts.groups:
        phases: dict[str | None, list[str]] = {}
        for slug in group.activities:
            phases.setdefault(acts.activities[slug].phase, []).append(slug)
        for phase, slugs in phases.items():
            end = min(duration, phase_end.get(phase or "", duration))
            title = group.title.split(". ", 1)[-1]
            if len(phases) > 1:
                title = acts.activities[slugs[0]].title
            wp = _WP(title, 1, end, acts.activities[slugs[0]].summary, covers=list(slugs))
            for slug in slugs:
                act = acts.activities[slug]
                due = min(end, _figure(call, act.due_by_figure, end))
                wp.tasks.append({"title": act.title, "description": act.summary,
                                 "covers": [slug]})
                wp.deliverables.append({"title": act.title, "due": due, "covers": [slug],
                                        "eqf": eqf_levels if slug in eqf_slugs else []})
            wps.append(wp)
    return wps


def _generic_wps(duration: int) -> list[_WP]:
    half = max(2, duration // 2)
    spec = [("Needs analysis and design", 1, max(2, duration // 4),
             "Establish the needs the alliance answers and design its solutions."),
            ("Development of curricula and learning resources", 3, max(4, duration * 3 // 4),
             "Develop the curricula, training programmes and resources."),
            ("Piloting and validation", half, duration,
             "Test the results with learners, staff and enterprises and improve them."),
            ("Dissemination, exploitation and sustainability", 1, duration,
             "Make the results known, used and lasting after the project.")]
    return [_WP(title, start, end, objective,
                tasks=[{"title": f"{title}: main task", "description": "", "covers": []}],
                deliverables=[{"title": f"{title}: report", "due": end, "covers": [],
                               "eqf": []}])
            for title, start, end, objective in spec]


def _context(call: CallRules, ecosystem: str | None, acronym: str | None) -> dict[str, Any]:
    ref = reference_data()
    duration = call.figures.durations.value[-1] if call.figures.durations.value else 24
    acts = activities_for(call.activities)
    partners = _partners(call)
    work = _required_wps(call, acts, duration) if acts.rule == "all" else \
        _generic_wps(duration)
    wps = [_WP("Project management and quality assurance", 1, duration,
               "Coordinate the partnership, assure quality and report."), *work]
    full = [p["id"] for p in partners]
    for n, wp in enumerate(wps, start=1):
        wp.id = f"WP{n}"
        wp.lead = full[(n - 1) % len(full)]
    wps[0].tasks = [{"title": "Coordination, quality assurance and reporting",
                     "description": "", "covers": [], "participants": full}]
    wps[0].deliverables = [{"title": "Project handbook and quality plan", "due": 3,
                            "covers": [], "eqf": []}]
    exactly_one = call.figures.ecosystem.value == "exactly-one"
    defaulted = exactly_one and not ecosystem
    if defaulted:
        ecosystem = next(iter(ref.ecosystems))
    return {"call": call, "acronym": acronym or "ACRONYM", "duration": duration,
            "ecosystem": ecosystem, "ecosystem_defaulted": defaulted,
            "exactly_one": exactly_one, "ecosystems": ref.ecosystems, "activities": acts,
            "partners": partners, "work_packages": wps, "schema_path": SCHEMA_PATH,
            "sections": [(b.id, *_section_label(call, b.id))
                         for b in form_for_call(call).boxes() if b.answer != "fixed"]}


def _section_label(call: CallRules, box_id: str) -> tuple[str, str]:
    """(number, heading) of a section, as the scaffold's comments show it."""
    form = form_for_call(call)
    label = form.label(box_id)
    number = form.number_of(box_id)
    return (number, label[len(number):].strip()) if label.startswith(number) else ("", label)


def _environment() -> BoundedEnvironment:
    return make_environment(FileSystemLoader(builtin_templates_dir() / "init"), trim=True,
                            filters={"q": _quote, "scalar": _scalar})


def _quote(value: Any) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


#: The longest acronym a project file may hold (model.Proposal.acronym).
MAX_ACRONYM = 40

#: A value YAML reads back as the same text when written plain (no quotes).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9._+-]*(?: [A-Za-z0-9._+-]+)*")


def _scalar(value: Any) -> str:
    """``value`` as a YAML scalar: plain when it reads back as itself, else quoted."""
    text = str(value)
    if _PLAIN.fullmatch(text) and yaml.safe_load(text) == text:
        return text
    return _quote(text)


def _check_acronym(acronym: str | None) -> None:
    """Refuse an acronym that no project file may hold (checked before a file is written)."""
    if acronym is None:
        return
    if not acronym.strip():
        raise UsageError("--acronym is empty", hint="give the project's acronym, e.g. "
                         "--acronym GREENSKILLS")
    if len(acronym) > MAX_ACRONYM:
        raise UsageError(f"--acronym has {len(acronym):,} characters; an acronym has at most "
                         f"{MAX_ACRONYM}")
    bad = next((c for c in acronym if c in "\n\r" or CONTROL.match(c)), None)
    if bad is not None:
        raise UsageError(f"--acronym holds {char_name(bad)}; remove it")


#: Template -> path written in the new folder ("" for folders kept with a .gitkeep).
_FILES = {"project.yaml.j2": "project.yaml", "README.md.j2": "README.md",
          "gitignore.j2": ".gitignore", "sections.md.j2": "sections/README.md"}
_FOLDERS = ("texts", "templates")


def _not_empty(folder: Path) -> bool:
    """Whether ``folder`` holds anything (a folder that cannot be listed counts as full)."""
    try:
        return any(folder.iterdir())
    except OSError:
        return True


def init_project(folder: Path | str, topic: str, ecosystem: str | None = None,
                 acronym: str | None = None) -> list[Path]:
    """Create a project folder for ``topic``; return the files written.

    Raises:
        UsageError: unknown topic or ecosystem.
        OutputConflictError: ``folder`` exists and is not empty, or is a file.
    """
    folder = Path(folder)
    _check_acronym(acronym)
    call = load_call(topic)
    slugs = list(reference_data().ecosystems)
    if ecosystem is not None and ecosystem not in slugs:
        raise UsageError(f"unknown ecosystem '{ecosystem}'",
                         hint=f"choose one of: {', '.join(slugs)}")
    if os.path.lexists(folder) and (not os.path.isdir(folder) or _not_empty(folder)):
        raise OutputConflictError(f"{folder} exists and is not empty; nothing was written",
                                  hint="give a new or empty folder")
    context = _context(call, ecosystem, acronym)
    env = _environment()
    outputs: dict[Path, str] = {}
    try:
        for name, target in _FILES.items():
            outputs[folder / target] = env.get_template(name).render(context)
    except TemplateError as exc:
        raise KitTemplateError(f"init template failed: {exc}") from None
    outputs[folder / SCHEMA_PATH] = schema_json()
    for sub in _FOLDERS:
        outputs[folder / sub / ".gitkeep"] = ""
    write_all({path: text.encode("utf-8") for path, text in outputs.items()}, force=False)
    return list(outputs)
