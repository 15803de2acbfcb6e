"""The JSON Schema of the project file, generated from the model for editors.

Editors (VS Code with the YAML extension, JetBrains, Neovim) read it through the first line
``# yaml-language-server: $schema=...`` of a project file, validate as the user types and
offer completion. The data-driven choices (organisation types, ecosystems, Part B section ids,
activity slugs, call topics) are filled in from the data files, so the schema follows them.
"""

from __future__ import annotations

import json
from typing import Any

from .activities import activities_for
from .calls import available_calls, reference_data
from .form import all_narrative_ids
from .model import Proposal
from .resources import data_dir

__all__ = ["SCHEMA_ID", "project_schema", "schema_json"]

SCHEMA_ID = "https://proposal-kit.invalid/schema/project.schema.json"
_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_RENAME = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _fix_keywords(node: Any) -> None:
    """Rename pydantic's ``ge``/``le`` left in Annotated metadata to JSON Schema keywords."""
    if isinstance(node, dict):
        for old, new in _RENAME.items():
            if old in node and isinstance(node[old], int | float) and "type" in node:
                node[new] = node.pop(old)
        for value in node.values():
            _fix_keywords(value)
    elif isinstance(node, list):
        for value in node:
            _fix_keywords(value)


def _activity_slugs() -> list[str]:
    slugs: list[str] = []
    for file in sorted((data_dir() / "activities").glob("*.yaml")):
        for slug in activities_for(file.stem).activities:
            if slug not in slugs:
                slugs.append(slug)
    return slugs


def _set_covers(node: dict[str, Any], slugs: list[str]) -> None:
    covers = node.get("properties", {}).get("covers")
    if covers is not None:
        covers["items"] = {"type": "string", "enum": slugs}


def project_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``project.yaml``.

    Unknown keys are refused everywhere (``additionalProperties: false``), as the loader does.
    """
    schema = Proposal.model_json_schema()
    _fix_keywords(schema)
    defs = schema["$defs"]
    props = schema["properties"]
    ref = reference_data()

    partner = defs["Partner"]["properties"]
    partner["type"]["enum"] = list(ref.organisation_types)
    partner["country"]["pattern"] = "^[A-Za-z]{2}$"

    eco = list(ref.ecosystems)
    props["ecosystem"] = {
        "description": props["ecosystem"]["description"],
        "title": "Ecosystem",
        "anyOf": [{"type": "string", "enum": eco},
                  {"type": "array", "items": {"type": "string", "enum": eco}}],
    }
    props["sections"]["propertyNames"] = {"enum": all_narrative_ids()}
    props["sections"]["additionalProperties"] = {
        "anyOf": [{"type": "string", "description": "Markdown text of the section."},
                  {"$ref": "#/$defs/Narrative"}]}
    props["call"]["examples"] = available_calls()

    slugs = _activity_slugs()
    for name in ("WorkPackage", "Task", "Deliverable"):
        _set_covers(defs[name], slugs)

    for definition in defs.values():
        if definition.get("type") == "object" and "properties" in definition:
            definition.setdefault("additionalProperties", False)
    schema.setdefault("additionalProperties", False)
    schema["title"] = "proposal-kit project file (project.yaml)"
    return {"$schema": _DRAFT, "$id": SCHEMA_ID, **schema}


def schema_json() -> str:
    """The schema as stable, indented JSON text ending with a newline."""
    return json.dumps(project_schema(), indent=2, ensure_ascii=False) + "\n"
