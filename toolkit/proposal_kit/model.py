"""The project file as a typed model (pydantic v2).

Field descriptions here are the single source of the schema reference in the docs and of the
JSON Schema editors use. Only the core keys are required, so that a file holding just the
consortium validates; what is missing is reported by `check` as warnings.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from typing import Annotated, Any, Literal

import pycountry
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .calls import reference_data
from .costs import MAX_AMOUNT, BudgetSettings, PartnerCosts
from .form import form_for_topic
from .terminal import unsafe_character
from .validation import one_of

__all__ = [
    "Contact",
    "Declarations",
    "Deliverable",
    "Event",
    "Indicator",
    "Milestone",
    "Narrative",
    "Objective",
    "OtherParticipant",
    "Partner",
    "PreviousProject",
    "ProofSettings",
    "Proposal",
    "Risk",
    "StaffMember",
    "Subcontract",
    "Task",
    "Totals",
    "WorkPackage",
]

def _no_bool(value: Any) -> Any:
    """YAML's true/false are not numbers: refuse them where a number is expected."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


def _calendar_date(value: Any) -> Any:
    """A date is written YYYY-MM-DD: a number (``20261201``, a time stamp) is refused.

    pydantic would read a whole number as seconds since 1970, and YAML reads an unquoted
    ``20261201`` or ``2026_12_01`` as a number.
    """
    if isinstance(value, bool | int | float):
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
        raise ValueError(f"a date must be written YYYY-MM-DD (e.g. 2026-12-01), not {shown}")
    if isinstance(value, datetime) and value.time() != time():
        raise ValueError("a date must be written YYYY-MM-DD (e.g. 2026-12-01), without a "
                         f"time (not {value.isoformat(sep=' ')})")
    return value


_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


def _plain_id(value: Any) -> Any:
    """Ids are short ASCII words: an invisible, bidi or look-alike character is refused."""
    if not isinstance(value, str):
        return value
    for char in value.strip():
        if char not in _ID_CHARS:
            name = unicodedata.name(char, "unnamed character")
            raise ValueError(f"the id contains U+{ord(char):04X} ({name}); ids use only the "
                             "letters A-Z, digits 0-9, '.', '-' and '_'")
    return value


def _visible_name(value: Any, info: ValidationInfo) -> Any:
    """A name shown in headers, tables and file names holds no invisible character."""
    char = unsafe_character(value) if isinstance(value, str) else None
    if char is not None:
        name = unicodedata.name(char, "a control character")
        what = (info.field_name or "name").replace("_", " ")
        raise ValueError(f"the {what} contains U+{ord(char):04X} ({name}), which cannot be "
                         "seen but would be copied into headers, tables and file names; "
                         "remove it (it often comes with text pasted from elsewhere)")
    return value


#: A short name that headers, tables and file names show (the acronym, a partner's).
VisibleName = Annotated[str, BeforeValidator(_visible_name)]

#: An id other entries refer to (P1, WP2, T2.1, SO1).
Id = Annotated[str, BeforeValidator(_plain_id), Field(max_length=20)]

Month = Annotated[int, BeforeValidator(_no_bool),
                  Field(ge=1, le=120, description="Project month; month 1 is the start.")]
Money = Annotated[float, BeforeValidator(_no_bool),
                  Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False, description="Euro amount.")]
PersonMonths = Annotated[float, BeforeValidator(_no_bool),
                         Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False,
                               description="Effort in person-months.")]
Slugs = Annotated[list[str], Field(default_factory=list)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class Narrative(_Strict):
    """Text of a Part B section: inline Markdown, or a path to a ``.md`` file."""

    text: str | None = Field(None, description="Markdown text of the section.")
    file: str | None = Field(None, description="Path of a Markdown file, relative to the "
                             "project file.")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_source(self) -> Narrative:
        if (self.text is None) == (self.file is None):
            raise ValueError("give either 'text' or 'file', not both or neither")
        return self


class Contact(_Strict):
    """A contact person (the form's cover asks for the coordinator's)."""

    first_name: str = Field(description="First name(s).", min_length=1)
    last_name: str = Field(description="Family name; the form prints it in capitals.",
                           min_length=1)
    email: str | None = Field(None, description="E-mail address.")
    phone: str | None = Field(None, description="Telephone number.")

    @property
    def display(self) -> str:
        """``Anna LARSEN``, as the form's cover writes a name."""
        return f"{self.first_name} {self.last_name.upper()}"


class Partner(_Strict):
    """An organisation of the consortium."""

    id: Id = Field(description="Short unique id used everywhere else (e.g. P1).",
                    min_length=1, max_length=20)
    name: str = Field(description="Legal name of the organisation.", min_length=1)
    short_name: VisibleName | None = Field(None, description="Acronym or short name used in "
                                           "tables.")
    country: str = Field(description="ISO 3166-1 alpha-2 code (EL accepted for Greece).")
    type: str = Field(description="Organisation type: hei, vet, enterprise, chamber, "
                      "trade-union, trade-association, vet-network, research, ngo, public-body, "
                      "qualification-body, employment-service, guidance-body, other.")
    role: Literal["coordinator", "beneficiary", "affiliated", "associated"] = Field(
        description="coordinator | beneficiary | affiliated | associated.")
    eche: bool | None = Field(None, description="Holds a valid Erasmus Charter for Higher "
                              "Education (HEIs only).")
    affiliated_to: str | None = Field(None, description="Id of the beneficiary an affiliated "
                                      "entity is linked to.")
    pic: str | None = Field(None, description="Participant Identification Code.")
    city: str | None = Field(None, description="City of the organisation.")
    website: str | None = Field(None, description="Web site.")
    sme: bool | None = Field(None, description="The enterprise is an SME.")
    profile: str | None = Field(None, description="Short profile (Markdown) for section 2.2.1.")
    contact: Contact | None = Field(None, description="Contact person (the coordinator's "
                                    "is printed on the form's cover).")

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        code = value.upper()
        if code == "UK":
            raise ValueError("'UK' is not an ISO code (did you mean 'GB'?)")
        if code != "EL" and pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
        return reference_data().normalise_country(code)

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        return one_of(value, list(reference_data().organisation_types), "organisation type")

    @property
    def label(self) -> str:
        """Short name if given, else the id."""
        return self.short_name or self.id

    @property
    def form_role(self) -> str:
        """The form's code for the partner's role: COO, BEN, AE or AP."""
        return {"coordinator": "COO", "beneficiary": "BEN", "affiliated": "AE",
                "associated": "AP"}[self.role]


class StaffMember(_Strict):
    """A member of a project team (section 2.1.3)."""

    name: str = Field(description="Name, or the function if the person is not yet known.")
    partner: str = Field(description="Partner id.")
    function: str | None = Field(None, description="Function in the organisation.")
    role: str | None = Field(None, description="Role and tasks in the project.")
    profile: str | None = Field(None, description="Professional profile and expertise.")


class OtherParticipant(_Strict):
    """Someone taking part in a task who is not a partner (the form's role OTHER)."""

    name: str = Field(description="Who: e.g. 'External evaluator (subcontractor)'.")
    description: str | None = Field(None, description="What they contribute.")


class Task(_Strict):
    """A task of a work package."""

    id: Id | None = Field(None, description="Task id; T<wp>.<n> by default.")
    title: str = Field(description="Task name.")
    description: str | None = Field(None, description="What is done (Markdown).")
    lead: str | None = Field(None, description="Partner id of the task leader.")
    participants: list[str] = Field(default_factory=list,
                                    description="Partner ids taking part (the lead included).")
    others: list[OtherParticipant] = Field(
        default_factory=list, description="Participants who are not partners (role OTHER).")
    in_kind: str | None = Field(None, description="In-kind contributions provided for the "
                                "task (free of charge, cost-neutral), and by whom.")
    start: Month | None = Field(None, description="First month (default: the WP start).")
    end: Month | None = Field(None, description="Last month (default: the WP end).")
    covers: Slugs = Field(description="Required activities of the call this task serves.")


class Deliverable(_Strict):
    """A deliverable; numbered D<wp>.<n> automatically in the order given."""

    title: str = Field(description="Deliverable name.")
    due: Month = Field(description="Due month.")
    lead: str | None = Field(None, description="Partner id of the lead beneficiary.")
    type: Literal["R", "DEM", "DEC", "DATA", "DMP", "ETHICS", "SECURITY", "OTHER"] | None = \
        Field(None, description="R document or report, DEM demonstrator, pilot or prototype, "
              "DEC websites, patent filings, videos, DATA data sets, DMP data management plan, "
              "ETHICS, SECURITY, OTHER.")
    dissemination: Literal["PU", "SEN", "R-UE/EU-R", "C-UE/EU-C", "S-UE/EU-S"] | None = Field(
        None, description="PU public, SEN sensitive (limited under the grant agreement), or "
        "an EU classified level.")
    description: str | None = Field(None, description="Short description (Markdown).")
    format: str | None = Field(None, description="Format, e.g. 'PDF report', 'online course', "
                               "'open data set (CSV, JSON-LD)'.")
    language: str | None = Field(None, description="Language(s), e.g. 'English' or 'English, "
                                 "German, Polish'.")
    task: str | None = Field(None, description="Task id the deliverable comes from.")
    eqf_levels: list[Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=8)]] = Field(
        default_factory=list, description="EQF levels of a curriculum or qualification.")
    covers: Slugs = Field(description="Required activities of the call it serves.")
    _number: str = PrivateAttr(default="")

    @property
    def number(self) -> str:
        """``D<wp>.<n>``."""
        return self._number


class Milestone(_Strict):
    """A milestone; numbered MS<n> across the project."""

    title: str = Field(description="Milestone name.")
    due: Month = Field(description="Due month.")
    lead: str | None = Field(None, description="Partner id responsible.")
    description: str | None = Field(None, description="What is reached.")
    verification: str | None = Field(None, description="Means of verification.")
    _number: str = PrivateAttr(default="")

    @property
    def number(self) -> str:
        """``MS<n>``."""
        return self._number


class Subcontract(_Strict):
    """A subcontracted action task; numbered S<wp>.<n> in the order given."""

    title: str = Field(description="Subcontract name (the subcontracted action tasks).")
    task: str | None = Field(None, description="Task id the subcontract belongs to.")
    partner: str | None = Field(None, description="Id of the beneficiary or affiliated "
                                "entity that awards it.")
    description: str | None = Field(None, description="What is subcontracted.")
    cost: Money | None = Field(None, description="Estimated costs in EUR.")
    justification: str | None = Field(None, description="Why subcontracting is necessary.")
    value_for_money: str | None = Field(None, description="How best value for money is "
                                        "ensured (e.g. three quotes, a tender).")
    _number: str = PrivateAttr(default="")

    @property
    def number(self) -> str:
        """``S<wp>.<n>``."""
        return self._number


class WorkPackage(_Strict):
    """A work package."""

    id: Id = Field(description="Work package id, e.g. WP1.", min_length=1)
    title: str = Field(description="Work package title.")
    lead: str = Field(description="Partner id of the lead beneficiary.")
    start: Month = Field(description="First month.")
    end: Month = Field(description="Last month.")
    objectives: list[str] = Field(default_factory=list, description="Objectives of the WP.")
    description: str | None = Field(None, description="Introduction (Markdown).")
    budget: dict[str, Money] = Field(default_factory=dict,
                                     description="Estimated budget in EUR per partner id (one "
                                     "figure each; `costs` gives the categories instead).")
    costs: dict[str, PartnerCosts] = Field(
        default_factory=dict, description="Costs per partner id by category of the budget "
        "annex (A.1 staff ... D.1); indirect costs are computed.")
    effort: dict[str, PersonMonths] = Field(default_factory=dict,
                                            description="Person-months per partner id.")
    covers: Slugs = Field(description="Required activities of the call this WP serves.")
    tasks: list[Task] = Field(default_factory=list, description="Tasks of the WP.")
    deliverables: list[Deliverable] = Field(default_factory=list,
                                            description="Deliverables of the WP.")
    milestones: list[Milestone] = Field(default_factory=list,
                                        description="Milestones of the WP.")
    subcontracts: list[Subcontract] = Field(default_factory=list,
                                            description="Subcontracted action tasks.")
    _number: int = PrivateAttr(default=0)

    @property
    def number(self) -> int:
        """Position of the WP, from 1."""
        return self._number


class Risk(_Strict):
    """A critical risk for implementation (section 2.1.5)."""

    description: str = Field(description="The risk.")
    likelihood: Literal["low", "medium", "high"] | None = Field(None,
                                                                description="Likelihood.")
    impact: Literal["low", "medium", "high"] | None = Field(None, description="Impact.")
    work_packages: list[str] = Field(default_factory=list, description="WP ids concerned.")
    mitigation: str | None = Field(None, description="Proposed risk-mitigation measures.")


class Event(_Strict):
    """An event, meeting or mobility activity."""

    title: str = Field(description="Name of the event or meeting.")
    type: Literal["meeting", "event", "mobility", "training", "workshop", "conference",
                  "seminar", "other"] = Field("meeting", description="Kind of activity.")
    work_package: str | None = Field(None, description="WP id.")
    lead: str | None = Field(None, description="Partner id organising it.")
    month: Month | None = Field(None, description="Month it takes place.")
    location: str | None = Field(None, description="Place, or 'online'.")
    attendees: Annotated[int | None, BeforeValidator(_no_bool)] = Field(
        None, ge=0, description="Expected number of participants.")
    area: str | None = Field(None, description="Topics addressed, skills or knowledge "
                             "acquired (the form's 'Area').")
    duration_days: Annotated[float | None, BeforeValidator(_no_bool)] = Field(
        None, gt=0, le=366, description="Duration in days.")
    description: str | None = Field(None, description="Purpose and target group.")
    _number: str = PrivateAttr(default="")

    @property
    def number(self) -> str:
        """``E<wp>.<n>``: numbered within its work package, in the order given."""
        return self._number


class Indicator(_Strict):
    """A measurable indicator with baseline and target."""

    name: str = Field(description="What is measured.")
    baseline: str | None = Field(None, description="Value at the start.")
    target: str | None = Field(None, description="Value to reach, and when.")


class Objective(_Strict):
    """A specific objective (section 1.2)."""

    id: Id | None = Field(None, description="Objective id, e.g. SO1.")
    text: str = Field(description="The objective.")
    indicators: list[Indicator] = Field(default_factory=list, description="Indicators.")


class PreviousProject(_Strict):
    """A related project of the last four years (annex)."""

    partner: str = Field(description="Partner id.")
    title: str = Field(description="Project name.")
    reference: str | None = Field(None, description="Grant or project number.")
    programme: str | None = Field(None, description="Funding programme.")
    period: str | None = Field(None, description="Period, e.g. 2022-2025.")
    role: str | None = Field(None, description="Role of the partner: coordinator (COO), "
                             "beneficiary or partner (BEN), affiliated entity (AE), other.")
    amount: Money | None = Field(None, description="EU grant amount in EUR.")
    website: str | None = Field(None, description="Project web site, if any.")
    results: str | None = Field(None, description="Main results and how they relate.")

    @property
    def form_role(self) -> str:
        """The form's code for the role: COO, BEN, AE or OTHER."""
        role = (self.role or "").strip().lower()
        codes = {"coo": "COO", "coordinator": "COO", "ben": "BEN", "beneficiary": "BEN",
                 "partner": "BEN", "ae": "AE", "affiliated": "AE",
                 "affiliated entity": "AE"}
        return codes.get(role, "OTHER" if role else "")


class Declarations(_Strict):
    """The answers to the form's declarations (section 6)."""

    no_other_eu_grant: bool | None = Field(
        None, description="true: neither the project nor any part of it has benefited from "
        "another EU grant (the form's first double-funding statement: YES).")
    no_other_submission: bool | None = Field(
        None, description="true: neither the project nor any part of it is or will be "
        "submitted for another EU grant (the second statement: YES).")
    details: str | None = Field(None, description="Explanation and details when a statement "
                                "is answered false (NO).")
    seal_of_excellence: bool | None = Field(
        None, description="true: the proposal may be shared with other EU and national "
        "funding bodies under the Seal of Excellence (YES).")


class PartnerTotal(_Strict):
    """Declared totals for one partner."""

    budget: Money | None = Field(None, description="The partner's estimated budget in EUR, "
                                 "as in the budget table; checked against its costs in the WPs.")
    effort: PersonMonths | None = Field(None, description="The partner's person-months, "
                                        "checked against its effort in the WPs.")


class Totals(_Strict):
    """Figures copied from the budget table or Part A, checked against the WPs."""

    budget: Money | None = Field(None, description="Estimated budget of the action in EUR.")
    effort: PersonMonths | None = Field(None, description="Total person-months.")
    partners: dict[str, PartnerTotal] = Field(default_factory=dict,
                                              description="Totals per partner id.")


class ProofSettings(_Strict):
    """Settings of `proposal-kit proof` for this project."""

    ignore: list[str] = Field(default_factory=list, description="Finding codes or groups "
                              "switched off, e.g. proof.style.filler or proof.english.")
    words: list[str] = Field(default_factory=list, description="Words the spelling check "
                             "accepts (names, technical terms).")
    terms: list[str] = Field(default_factory=list, description="Acronyms that count as "
                             "defined, besides the built-in list of EU terms.")
    max_sentence_words: Annotated[int | None, BeforeValidator(_no_bool)] = Field(
        None, ge=10, le=200, description="Longest sentence without a hint (default 40).")

    @field_validator("ignore")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        from .proof.codes import CODES, unknown_ignore

        for entry in value:
            if unknown_ignore(entry):
                same = [c for c in CODES if c.rsplit(".", 1)[-1] == entry.strip().lower()]
                if same:
                    raise ValueError(f"unknown proof code '{entry}' (did you mean "
                                     f"'{same[0]}'?)")
                one_of(entry, list(CODES), "proof code")
        return value


#: The fields of a proposal that may be left empty as ``key:`` with nothing after it.
_COLLECTIONS = frozenset({"ecosystem", "keywords", "staff", "objectives", "work_packages",
                          "risks", "events", "previous_projects", "sections", "texts_dirs",
                          "paths", "variables", "budget"})


class Proposal(_Strict):
    """A whole proposal: the content of project.yaml."""

    call: str = Field(description="Call topic id; selects the rule set.")
    acronym: VisibleName = Field(description="Project acronym.", min_length=1, max_length=40)
    title: str | None = Field(None, description="Full project title.")
    duration_months: Annotated[int | None, BeforeValidator(_no_bool)] = Field(
        None, ge=1, le=120, description="Duration in months.")
    ecosystem: Annotated[list[str], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="Industrial ecosystem slug (Lot 2: exactly one).",
        json_schema_extra={"anyOf": [{"type": "string"},
                                     {"type": "array", "items": {"type": "string"}}]})
    sectors: list[str] = Field(default_factory=list, description="Sectors the project "
                               "addresses, in the call's own terms (Lot 3: strategic sectors "
                               "of the Competitiveness Compass); free text.")
    start_date: Annotated[date | None, BeforeValidator(_calendar_date)] = Field(
        None, description="Planned start date (YYYY-MM-DD).")
    keywords: list[str] = Field(default_factory=list, description="Keywords.")
    partners: list[Partner] = Field(description="The consortium.")
    staff: list[StaffMember] = Field(default_factory=list, description="Project teams.")
    objectives: list[Objective] = Field(default_factory=list,
                                        description="Specific objectives with indicators.")
    work_packages: list[WorkPackage] = Field(default_factory=list,
                                             description="Work packages.")
    risks: list[Risk] = Field(default_factory=list, description="Critical risks.")
    events: list[Event] = Field(default_factory=list,
                                description="Events, meetings and mobility.")
    previous_projects: list[PreviousProject] = Field(default_factory=list,
                                                     description="Related previous projects.")
    totals: Totals | None = Field(None, description="Declared totals to check the WPs against.")
    budget: BudgetSettings = Field(default_factory=BudgetSettings,
                                   description="Staff types and monthly rates of the lump-sum "
                                   "budget (the WPs' `costs` use them).")
    declarations: Declarations = Field(default_factory=Declarations,
                                       description="Answers to the form's declarations.")
    sections: dict[str, Narrative] = Field(default_factory=dict,
                                           description="Narrative text per Part B section id.")
    part_b_form: str | None = Field(None, description="Path of your downloaded copy of the "
                                    "official Part B form (.docx), relative to the project "
                                    "file: `render` then fills it (the CLI's --form wins).")
    texts_dirs: list[str] = Field(default_factory=list,
                                  description="Extra generic text libraries, searched first.")
    paths: list[str] = Field(default_factory=list,
                             description="Extra folders that section files, images and the "
                             "form may come from (relative to the project file). By default "
                             "only the project folder, its text libraries and proposal-kit's "
                             "data are read; anything else is refused.")
    variables: dict[str, str] = Field(default_factory=dict,
                                      description="Default values for generic text variables.")
    proof: ProofSettings = Field(default_factory=ProofSettings,
                                 description="Settings of `proposal-kit proof`.")

    @model_validator(mode="before")
    @classmethod
    def _empty_lists(cls, value: Any) -> Any:
        """A list or mapping given as ``key:`` with nothing after it is empty.

        As in the init scaffold, whose entries under ``risks:`` or ``sections:`` are
        commented out until the user writes them.
        """
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if v is not None or k not in _COLLECTIONS}
        return value

    @field_validator("ecosystem")
    @classmethod
    def _ecosystems(cls, value: list[str]) -> list[str]:
        slugs = list(reference_data().ecosystems)
        return [one_of(v, slugs, "ecosystem") for v in value]

    @field_validator("sections")
    @classmethod
    def _section_keys(cls, value: dict[str, Narrative],
                      info: ValidationInfo) -> dict[str, Narrative]:
        ids = form_for_topic(info.data.get("call")).narrative_ids()
        for key in value:
            one_of(key, ids, "section")
        return value

    @model_validator(mode="after")
    def _number_items(self) -> Proposal:
        ms = 0
        for w, wp in enumerate(self.work_packages, start=1):
            wp._number = w
            for t, task in enumerate(wp.tasks, start=1):
                if task.id is None:
                    task.id = f"T{w}.{t}"
            for d, deliverable in enumerate(wp.deliverables, start=1):
                deliverable._number = f"D{w}.{d}"
            for milestone in wp.milestones:
                ms += 1
                milestone._number = f"MS{ms}"
            for s, subcontract in enumerate(wp.subcontracts, start=1):
                subcontract._number = f"S{w}.{s}"
        numbers = {wp.id: wp.number for wp in self.work_packages}
        counts: dict[str, int] = {}
        for event in self.events:
            key = event.work_package or ""
            counts[key] = counts.get(key, 0) + 1
            event._number = f"E{numbers.get(key, '?')}.{counts[key]}"
        return self

    # -- convenient views ---------------------------------------------------------------
    def partner(self, pid: str) -> Partner | None:
        """The partner with id ``pid``, if any."""
        return next((p for p in self.partners if p.id == pid), None)

    @property
    def coordinator(self) -> Partner | None:
        """The first partner with role coordinator."""
        return next((p for p in self.partners if p.role == "coordinator"), None)

    @property
    def full_partners(self) -> list[Partner]:
        """Beneficiaries, the coordinator included: the only ones that count."""
        return [p for p in self.partners if p.role in ("coordinator", "beneficiary")]

    def deliverables(self) -> list[tuple[WorkPackage, Deliverable]]:
        """Every deliverable with its WP, in WP order."""
        return [(wp, d) for wp in self.work_packages for d in wp.deliverables]

    def subcontracts(self) -> list[tuple[WorkPackage, Subcontract]]:
        """Every subcontract with its WP."""
        return [(wp, s) for wp in self.work_packages for s in wp.subcontracts]

    def work_package(self, wp_id: str | None) -> WorkPackage | None:
        """The work package with id ``wp_id``, if any."""
        return next((wp for wp in self.work_packages if wp.id == wp_id), None)

    def milestones(self) -> list[tuple[WorkPackage, Milestone]]:
        """Every milestone with its WP."""
        return [(wp, m) for wp in self.work_packages for m in wp.milestones]

    def covered_by(self, slug: str) -> list[str]:
        """Ids of the WPs, tasks and deliverables whose ``covers`` names ``slug``."""
        items: list[str] = []
        for wp in self.work_packages:
            if slug in wp.covers:
                items.append(wp.id)
            items += [t.id for t in wp.tasks if slug in t.covers and t.id]
            items += [d.number for d in wp.deliverables if slug in d.covers]
        return items

    def estimated_budget(self) -> float:
        """Total estimated costs (A to E, or the old single figures per partner)."""
        from .budget import compute_budget

        return compute_budget(self).total_costs
