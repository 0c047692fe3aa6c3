"""The HSDS 3.0 tables, read from the official `datapackage.json` kept in `schema/`.

Every table of the package, its fields (type, format, required, enum) and its foreign keys
come from that file, so the export writes exactly the official columns and the import checks
exactly the official rules. The spec also names references that its datapackage does not
declare as foreign keys; `EXTRA_REFERENCES` adds them (DESIGN.md §4).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
DATAPACKAGE = SCHEMA_DIR / "datapackage.json"

# The folder of a package that holds the compiled JSON files.
JSON_FOLDER = "json"
SERVICES_JSON = "services.json"
ORGANIZATIONS_JSON = "organizations.json"

# Deterministic ids for rows we make up (the attributes carrying our own fields, an
# institution's phone and identifiers): the same data exports with the same ids every time.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:kooperacja:hsds")

# A service area covering a TERYT unit says so in its `uri`: urn:teryt:26 (voivodeship),
# urn:teryt:2611 (powiat), urn:teryt:2611032 (gmina).
TERYT_URN = "urn:teryt:"
# A taxonomy of ours without a URI of its own carries its stable code in `uri`, so another
# deployment recognises the shipped taxonomies: urn:kooperacja:taxonomy:kooperacja-categories.
TAXONOMY_URN = "urn:kooperacja:taxonomy:"

# References the spec describes beyond the datapackage's foreign keys. `link_id` and
# `resource_id` point into the table their row names (`link_entity`, `resource_type`).
EXTRA_REFERENCES: dict[str, dict[str, str]] = {
    "organization": {"parent_organization_id": "organization"},
    "taxonomy_term": {"parent_id": "taxonomy_term"},
}
POLYMORPHIC_REFERENCES: dict[str, tuple[str, str]] = {
    "attribute": ("link_id", "link_entity"),
    "metadata": ("resource_id", "resource_type"),
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # frictionless: string, number, integer, date, time, datetime, boolean
    format: str | None  # uuid, email, uri
    required: bool
    enum: tuple[str, ...] | None


@dataclass(frozen=True)
class TableSpec:
    name: str  # "service"
    path: str  # "services.csv"
    fields: tuple[FieldSpec, ...]
    # field -> referenced table, for every reference whose target table is fixed
    references: dict[str, str]
    by_name: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {spec.name: spec for spec in self.fields})

    @property
    def columns(self) -> list[str]:
        return [field.name for field in self.fields]

    def field(self, name: str) -> FieldSpec | None:
        return self.by_name.get(name)


@cache
def official_datapackage() -> dict[str, object]:
    """The official datapackage.json (HSDS 3.0), as shipped in schema/."""
    loaded: dict[str, object] = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    return loaded


@cache
def tables() -> dict[str, TableSpec]:
    """Every HSDS table by name, in the datapackage's order."""
    found: dict[str, TableSpec] = {}
    resources = cast(list[dict[str, Any]], official_datapackage()["resources"])
    for resource in resources:
        schema = resource["schema"]
        fields = tuple(
            FieldSpec(
                name=field["name"],
                type=field.get("type", "string"),
                format=field.get("format"),
                required=bool(field.get("constraints", {}).get("required")),
                enum=tuple(field["constraints"]["enum"]) if field.get("constraints", {}).get("enum") else None,
            )
            for field in schema["fields"]
        )
        references = {key["fields"]: key["reference"]["resource"] for key in schema.get("foreignKeys") or []}
        references.update(EXTRA_REFERENCES.get(resource["name"], {}))
        found[resource["name"]] = TableSpec(resource["name"], resource["path"], fields, references)
    return found


def synthetic_id(*parts: object) -> str:
    """A stable id for a row that has none of its own in our data (uuid5 of its parts)."""
    return str(uuid.uuid5(ID_NAMESPACE, ":".join(str(part) for part in parts)))
