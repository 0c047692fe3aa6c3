"""Which of our models keeps each HSDS table, and which of its fields.

The import reads these to know what it keeps, what it only checks, and what a row must link
to; the export (`serialise.py`) writes the same fields the other way.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from kooperacja.directory.models import (
    Accessibility,
    Address,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    Taxonomy,
    TaxonomyTerm,
)
from kooperacja.institutions.models import Institution

# The model each table is kept in (tables without one are checked, then not kept).
MODELS: dict[str, type[models.Model]] = {
    "organization": Institution,
    "service": Service,
    "location": Location,
    "address": Address,
    "accessibility": Accessibility,
    "service_at_location": ServiceAtLocation,
    "contact": Contact,
    "phone": Phone,
    "schedule": Schedule,
    "service_area": ServiceArea,
    "required_document": RequiredDocument,
    "cost_option": CostOption,
    "language": Language,
    "funding": Funding,
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "attribute": ServiceAttribute,
}

# HSDS field -> our model field, where the names differ or a field is kept at all.
_SAME = "same"
KEPT: dict[str, dict[str, str]] = {
    "organization": {
        "name": "name",
        "alternate_name": "short_name",
        "description": "description",
        "email": "email",
        "website": "website",
    },
    "service": dict.fromkeys(
        (
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "interpretation_services",
            "application_process",
            "fees_description",
            "accreditations",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "assurer_email",
            "alert",
        ),
        _SAME,
    ),
    "location": dict.fromkeys(
        (
            "location_type",
            "url",
            "name",
            "alternate_name",
            "description",
            "transportation",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
        ),
        _SAME,
    ),
    "address": dict.fromkeys(
        (
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
        _SAME,
    ),
    "accessibility": dict.fromkeys(("description", "details", "url"), _SAME),
    "service_at_location": {"description": _SAME},
    "contact": dict.fromkeys(("name", "title", "department", "email"), _SAME),
    "phone": dict.fromkeys(("number", "extension", "type", "description"), _SAME),
    "schedule": dict.fromkeys(
        (
            "valid_from",
            "valid_to",
            "dtstart",
            "timezone",
            "until",
            "count",
            "wkst",
            "freq",
            "interval",
            "byday",
            "byweekno",
            "bymonthday",
            "byyearday",
            "description",
            "opens_at",
            "closes_at",
            "schedule_link",
            "attending_type",
            "notes",
        ),
        _SAME,
    ),
    "service_area": dict.fromkeys(("name", "description", "extent", "extent_type", "uri"), _SAME),
    "required_document": {"document": _SAME},
    "cost_option": dict.fromkeys(
        ("valid_from", "valid_to", "option", "currency", "amount", "amount_description"), _SAME
    ),
    "language": dict.fromkeys(("name", "code", "note"), _SAME),
    "funding": {"source": _SAME},
    "taxonomy": dict.fromkeys(("name", "description", "uri", "version"), _SAME),
    "taxonomy_term": dict.fromkeys(("code", "name", "description", "language", "term_uri"), _SAME),
    "attribute": dict.fromkeys(("link_type", "value"), _SAME),
}
# Fields read for their meaning though no model field of the same name keeps them.
USED = {
    "service": {"last_modified"},  # written by the export; the import stamps its own time
    "taxonomy_term": {"taxonomy"},
    "attribute": {"link_entity"},
    "organization_identifier": {"identifier_scheme", "identifier_type", "identifier"},
}

# References a row cannot do without, beyond what HSDS marks required.
REQUIRED_REFERENCES = {"service_at_location": {"service_id", "location_id"}}
# Each row must link to something we keep (one of these), or it is left out with a note.
LINKS: dict[str, tuple[str, ...]] = {
    "address": ("location_id",),
    "accessibility": ("location_id",),
    "service_area": ("service_id",),
    "required_document": ("service_id",),
    "phone": ("service_id", "location_id", "organization_id", "contact_id", "service_at_location_id"),
    "contact": ("service_id", "location_id", "organization_id", "service_at_location_id"),
    "schedule": ("service_id", "location_id", "service_at_location_id"),
    "language": ("service_id", "location_id", "phone_id"),
    "funding": ("service_id", "organization_id"),
}


def model_field(table: str, name: str) -> models.Field[Any, Any] | None:
    """The field of our model that keeps the HSDS field `name` of `table`, if one does."""
    kept = KEPT.get(table, {}).get(name)
    if kept is None:
        return None
    found = MODELS[table]._meta.get_field(name if kept == _SAME else kept)
    return found if isinstance(found, models.Field) else None
