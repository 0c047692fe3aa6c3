"""Our directory as HSDS 3.0: one row function per table, and the compiled objects built on them.

The export (CSV tables, JSON files) and the HSDS API share these functions, so what a file
holds and what a client reads cannot drift apart. A row has the official column names; a
compiled object is its row without empty values plus its nested objects, as the official
compiled schemas (`schema/compiled/`) describe.

Mapping rules of ours (docs/hsds.md):
- an HSDS organization is an `Institution`; its description is the institution's own, or
  one made from its kind and territory, since HSDS requires one;
- our fields beyond HSDS travel as attributes of `kooperacja-fields` terms: on a service
  (`free_of_charge`, `income_criterion_percent`, … and `residence` once per gmina), on a
  location (`gmina`) and on an organization (`gmina`: the TERYT code of the unit it belongs
  to — a gmina, or for a powiat or voivodeship institution that unit's code);
- a service area covering a TERYT unit has `uri` `urn:teryt:<code>`;
- a taxonomy without a URI of its own has `uri` `urn:kooperacja:taxonomy:<code>`;
- an institution's own phone is an organization phone, its REGON and KRS are organization
  identifiers (schemes `PL-REGON`, `PL-KRS`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import translation

from kooperacja.directory.hsds.tables import TAXONOMY_URN, TERYT_URN, synthetic_id
from kooperacja.directory.models import (
    FIELDS,
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
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.territory.models import Municipality

Row = dict[str, Any]

# Our fields carried as `kooperacja-fields` attributes of a service, and the HSDS link type
# each attribute gets (what the term describes).
BOOLEAN_FIELDS = ("free_of_charge", "disability_certificate_required", "referral_required")
NUMBER_FIELDS = ("income_criterion_percent", "places", "free_places", "waiting_list")
RESIDENCE = "residence"
GMINA = "gmina"
FIELD_LINK_TYPES = {
    "free_of_charge": "cost",
    "income_criterion_percent": "eligibility",
    "disability_certificate_required": "eligibility",
    "referral_required": "eligibility",
    "places": "capacity",
    "free_places": "capacity",
    "waiting_list": "capacity",
    RESIDENCE: "eligibility",
    GMINA: "territory",
}
REGON_SCHEME = "PL-REGON"
KRS_SCHEME = "PL-KRS"


# --- Values -----------------------------------------------------------------------------------


def _id(obj: Any) -> str | None:
    return str(obj.public_id) if obj is not None else None


def _number(value: Decimal | None) -> float | None:
    # Floats, not strings: the schemas type these as numbers. Six decimal places (a
    # coordinate) or two (an amount) of at most 12 digits survive the float exactly.
    return float(value) if value is not None else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: dt.time | None) -> str | None:
    return value.isoformat() if value is not None else None


def timestamp(value: dt.datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as HSDS's `last_modified` asks."""
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def present(row: Row) -> Row:
    """The row without empty values: a compiled object leaves out what it does not know."""
    return {key: value for key, value in row.items() if value is not None and value != ""}


def teryt_code(area: ServiceArea) -> str | None:
    unit = area.municipality or area.county or area.voivodeship
    return unit.code if unit is not None else None


# --- Rows of each table -------------------------------------------------------------------


def territory_label(institution: Institution) -> str:
    if institution.municipality is not None:
        return f"gmina {institution.municipality.name}"
    if institution.county is not None:
        return f"powiat {institution.county.name}"
    return f"województwo {institution.voivodeship.name.lower()}"


def generated_description(institution: Institution, kind: str | None = None) -> str:
    """The description HSDS requires, for an institution that has none: its kind and territory,
    in Polish whatever the active language, so the same institution always gets the same text."""
    kind = kind or institution.kind
    with translation.override("pl"):
        label = str(InstitutionKind(kind).label) if kind in InstitutionKind.values else ""
    return f"{institution.name}: {label}, {territory_label(institution)}."


def is_generated_description(institution: Institution, text: str) -> bool:
    """Whether `text` is what the export makes up for this institution (of any kind: an
    institution created by an import is of kind "other" whatever it was where it came from)."""
    if not (text.startswith(f"{institution.name}: ") and text.endswith(f", {territory_label(institution)}.")):
        return False
    return any(text == generated_description(institution, kind) for kind in InstitutionKind.values)


def organization_row(institution: Institution) -> Row:
    return {
        "id": _id(institution),
        "name": institution.name,
        "alternate_name": institution.short_name,
        "description": institution.description or generated_description(institution),
        "email": institution.email,
        "website": institution.website,
    }


def organization_identifier_rows(institution: Institution) -> list[Row]:
    rows = []
    for scheme, kind, value in ((REGON_SCHEME, "REGON", institution.regon), (KRS_SCHEME, "KRS", institution.krs)):
        if value:
            rows.append(
                {
                    "id": synthetic_id("organization_identifier", institution.public_id, kind),
                    "organization_id": _id(institution),
                    "identifier_scheme": scheme,
                    "identifier_type": kind,
                    "identifier": value,
                }
            )
    return rows


def organization_phone_id(institution: Institution) -> str:
    return synthetic_id("phone", institution.public_id)


def organization_phone_row(institution: Institution) -> Row | None:
    """The institution's own phone number, as an organization phone."""
    if not institution.phone:
        return None
    return {"id": organization_phone_id(institution), "organization_id": _id(institution), "number": institution.phone}


def service_row(service: Service) -> Row:
    return {
        "id": _id(service),
        "organization_id": _id(service.institution),
        "name": service.name,
        "alternate_name": service.alternate_name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": service.status,
        "interpretation_services": service.interpretation_services,
        "application_process": service.application_process,
        "fees_description": service.fees_description,
        "accreditations": service.accreditations,
        "eligibility_description": service.eligibility_description,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "assured_date": _date(service.assured_date),
        "assurer_email": service.assurer_email,
        "alert": service.alert,
        "last_modified": timestamp(service.updated_at),
    }


def location_row(location: Location) -> Row:
    return {
        "id": _id(location),
        "location_type": location.location_type,
        "url": location.url,
        "organization_id": _id(location.institution),
        "name": location.name,
        "alternate_name": location.alternate_name,
        "description": location.description,
        "transportation": location.transportation,
        "latitude": _number(location.latitude),
        "longitude": _number(location.longitude),
        "external_identifier": location.external_identifier,
        "external_identifier_type": location.external_identifier_type,
    }


def address_row(address: Address) -> Row:
    return {
        "id": _id(address),
        "location_id": _id(address.location),
        "attention": address.attention,
        "address_1": address.address_1,
        "address_2": address.address_2,
        "city": address.city,
        "region": address.region,
        "state_province": address.state_province,
        "postal_code": address.postal_code,
        "country": address.country,
        "address_type": address.address_type,
    }


def accessibility_row(accessibility: Accessibility) -> Row:
    return {
        "id": _id(accessibility),
        "location_id": _id(accessibility.location),
        "description": accessibility.description,
        "details": accessibility.details,
        "url": accessibility.url,
    }


def service_at_location_row(sal: ServiceAtLocation) -> Row:
    return {
        "id": _id(sal),
        "service_id": _id(sal.service),
        "location_id": _id(sal.location),
        "description": sal.description,
    }


def contact_row(contact: Contact) -> Row:
    return {
        "id": _id(contact),
        "organization_id": _id(contact.institution),
        "service_id": _id(contact.service),
        "service_at_location_id": _id(contact.service_at_location),
        "location_id": _id(contact.location),
        "name": contact.name,
        "title": contact.title,
        "department": contact.department,
        "email": contact.email,
    }


def phone_row(phone: Phone) -> Row:
    return {
        "id": _id(phone),
        "location_id": _id(phone.location),
        "service_id": _id(phone.service),
        "organization_id": _id(phone.institution),
        "contact_id": _id(phone.contact),
        "service_at_location_id": _id(phone.service_at_location),
        "number": phone.number,
        "extension": phone.extension,
        "type": phone.type,
        "description": phone.description,
    }


def schedule_row(schedule: Schedule) -> Row:
    return {
        "id": _id(schedule),
        "service_id": _id(schedule.service),
        "location_id": _id(schedule.location),
        "service_at_location_id": _id(schedule.service_at_location),
        "valid_from": _date(schedule.valid_from),
        "valid_to": _date(schedule.valid_to),
        "dtstart": _date(schedule.dtstart),
        "timezone": schedule.timezone,
        "until": _date(schedule.until),
        "count": schedule.count,
        "wkst": schedule.wkst,
        "freq": schedule.freq,
        "interval": schedule.interval,
        "byday": schedule.byday,
        "byweekno": schedule.byweekno,
        "bymonthday": schedule.bymonthday,
        "byyearday": schedule.byyearday,
        "description": schedule.description,
        "opens_at": _time(schedule.opens_at),
        "closes_at": _time(schedule.closes_at),
        "schedule_link": schedule.schedule_link,
        "attending_type": schedule.attending_type,
        "notes": schedule.notes,
    }


def service_area_row(area: ServiceArea) -> Row:
    code = teryt_code(area)
    return {
        "id": _id(area),
        "service_id": _id(area.service),
        "name": area.name,
        "description": area.description,
        "extent": area.extent,
        "extent_type": area.extent_type,
        "uri": f"{TERYT_URN}{code}" if code else area.uri,
    }


def required_document_row(document: RequiredDocument) -> Row:
    return {"id": _id(document), "service_id": _id(document.service), "document": document.document}


def cost_option_row(option: CostOption) -> Row:
    return {
        "id": _id(option),
        "service_id": _id(option.service),
        "valid_from": _date(option.valid_from),
        "valid_to": _date(option.valid_to),
        "option": option.option,
        "currency": option.currency,
        "amount": _number(option.amount),
        "amount_description": option.amount_description,
    }


def language_row(language: Language) -> Row:
    return {
        "id": _id(language),
        "service_id": _id(language.service),
        "location_id": _id(language.location),
        "phone_id": _id(language.phone),
        "name": language.name,
        "code": language.code,
        "note": language.note,
    }


def funding_row(funding: Funding) -> Row:
    return {
        "id": _id(funding),
        "organization_id": _id(funding.institution),
        "service_id": _id(funding.service),
        "source": funding.source,
    }


def taxonomy_row(taxonomy: Taxonomy) -> Row:
    return {
        "id": _id(taxonomy),
        "name": taxonomy.name,
        # HSDS requires a description; a taxonomy without one is described by its name.
        "description": taxonomy.description or taxonomy.name,
        "uri": taxonomy.uri or f"{TAXONOMY_URN}{taxonomy.code}",
        "version": taxonomy.version,
    }


def taxonomy_term_row(term: TaxonomyTerm) -> Row:
    return {
        "id": _id(term),
        "code": term.code,
        "name": term.name,
        "description": term.description or term.name,
        "parent_id": _id(term.parent),
        "taxonomy": term.taxonomy.name,
        "language": term.language,
        "taxonomy_id": _id(term.taxonomy),
        "term_uri": term.term_uri,
    }


def attribute_row(attribute: ServiceAttribute) -> Row:
    return {
        "id": _id(attribute),
        "link_id": _id(attribute.service),
        "taxonomy_term_id": _id(attribute.taxonomy_term),
        "link_type": attribute.link_type,
        "link_entity": "service",
        "value": attribute.value,
    }


# --- The terms of our own fields ----------------------------------------------------------------


class FieldTerms:
    """The `kooperacja-fields` terms by code, read once (with their taxonomy) per export or request."""

    def __init__(self) -> None:
        self._terms: dict[str, TaxonomyTerm] | None = None

    @property
    def terms(self) -> dict[str, TaxonomyTerm]:
        if self._terms is None:
            self._terms = {
                term.code: term for term in TaxonomyTerm.objects.of(FIELDS).select_related("taxonomy", "parent")
            }
        return self._terms

    def row(self, owner_table: str, owner: Any, code: str, value: object, *extra: object) -> Row | None:
        term = self.terms.get(code)
        if term is None:  # the shipped term was removed: the field cannot travel
            return None
        return {
            "id": synthetic_id("attribute", owner.public_id, code, *extra),
            "link_id": _id(owner),
            "taxonomy_term_id": _id(term),
            "link_type": FIELD_LINK_TYPES[code],
            "link_entity": owner_table,
            "value": value,
        }

    def service_rows(self, service: Service) -> list[Row]:
        """Our fields of a service, read through services_for_hsds() (its residence gminas prefetched)."""
        rows = [
            self.row("service", service, name, "true" if getattr(service, name) else "false") for name in BOOLEAN_FIELDS
        ]
        rows += [
            self.row("service", service, name, str(getattr(service, name)))
            for name in NUMBER_FIELDS
            if getattr(service, name) is not None
        ]
        gminas = sorted(gmina.code for gmina in nested(service, "residence"))
        rows += [self.row("service", service, RESIDENCE, code, code) for code in gminas]
        return [row for row in rows if row is not None]

    def location_rows(self, location: Location) -> list[Row]:
        if location.municipality is None:
            return []
        row = self.row("location", location, GMINA, location.municipality.code)
        return [row] if row else []

    def organization_rows(self, institution: Institution) -> list[Row]:
        unit = institution.municipality or institution.county or institution.voivodeship
        row = self.row("organization", institution, GMINA, unit.code)
        return [row] if row else []


# --- Querysets: everything a compiled object reads, in a constant number of queries -----------
#
# Each prefetch lands in a plain list, `hsds_<name>` (to_attr): no queryset is cloned per object,
# which keeps a large export or import several times faster than related managers would.


def nested(obj: Any, name: str) -> list[Any]:
    """The prefetched `hsds_<name>` list of an object read through the querysets below."""
    found: list[Any] = getattr(obj, f"hsds_{name}")
    return found


def _to(path: str, queryset: QuerySet[Any], name: str) -> Prefetch[Any]:
    return Prefetch(path, queryset, to_attr=f"hsds_{name}")


def _languages() -> QuerySet[Language]:
    return Language.objects.select_related("service", "location", "phone").order_by("pk")


def _phones() -> QuerySet[Phone]:
    return (
        Phone.objects.select_related("service", "location", "institution", "contact", "service_at_location")
        .prefetch_related(_to("languages", _languages(), "languages"))
        .order_by("pk")
    )


def _schedules() -> QuerySet[Schedule]:
    return Schedule.objects.select_related("service", "location", "service_at_location").order_by("pk")


def _contacts() -> QuerySet[Contact]:
    return (
        Contact.objects.select_related("institution", "service", "service_at_location", "location")
        .prefetch_related(_to("phones", _phones(), "phones"))
        .order_by("pk")
    )


def location_prefetches(prefix: str = "") -> list[Prefetch[Any]]:
    """What a compiled location nests, for locations reached through `prefix`."""
    return [
        _to(f"{prefix}addresses", Address.objects.select_related("location").order_by("pk"), "addresses"),
        _to(f"{prefix}accessibility", Accessibility.objects.select_related("location").order_by("pk"), "accessibility"),
        _to(f"{prefix}phones", _phones(), "phones"),
        _to(f"{prefix}languages", _languages(), "languages"),
        _to(f"{prefix}schedules", _schedules(), "schedules"),
        _to(f"{prefix}contacts", _contacts(), "contacts"),
    ]


def locations_for_hsds() -> QuerySet[Location]:
    """Locations with everything their compiled objects nest."""
    return (
        Location.objects.select_related("institution", "municipality")
        .prefetch_related(*location_prefetches())
        .order_by("pk")
    )


def service_at_location_prefetches(prefix: str = "") -> list[Prefetch[Any]]:
    """What a compiled service-at-location nests beside its location."""
    return [
        _to(f"{prefix}contacts", _contacts(), "contacts"),
        _to(f"{prefix}phones", _phones(), "phones"),
        _to(f"{prefix}schedules", _schedules(), "schedules"),
    ]


def service_prefetches(prefix: str = "", *, with_locations: bool = True) -> list[Prefetch[Any]]:
    """What a compiled service nests, for services reached through `prefix`."""
    attributes = ServiceAttribute.objects.select_related(
        "service", "taxonomy_term__taxonomy", "taxonomy_term__parent"
    ).order_by("pk")
    areas = ServiceArea.objects.select_related("service", "municipality", "county", "voivodeship").order_by("pk")
    prefetches: list[Prefetch[Any]] = [
        _to(f"{prefix}phones", _phones(), "phones"),
        _to(f"{prefix}schedules", _schedules(), "schedules"),
        _to(f"{prefix}service_areas", areas, "service_areas"),
        _to(f"{prefix}languages", _languages(), "languages"),
        _to(f"{prefix}fundings", Funding.objects.select_related("institution", "service").order_by("pk"), "funding"),
        _to(f"{prefix}cost_options", CostOption.objects.select_related("service").order_by("pk"), "cost_options"),
        _to(
            f"{prefix}required_documents",
            RequiredDocument.objects.select_related("service").order_by("pk"),
            "required_documents",
        ),
        _to(f"{prefix}contacts", _contacts(), "contacts"),
        _to(f"{prefix}attributes", attributes, "attributes"),
        _to(f"{prefix}residence_municipalities", Municipality.objects.order_by("code"), "residence"),
    ]
    if with_locations:
        sals = ServiceAtLocation.objects.select_related(
            "service", "location__institution", "location__municipality"
        ).order_by("pk")
        prefetches += [
            _to(f"{prefix}service_at_locations", sals, "service_at_locations"),
            *service_at_location_prefetches(f"{prefix}hsds_service_at_locations__"),
            *location_prefetches(f"{prefix}hsds_service_at_locations__location__"),
        ]
    return prefetches


def services_for_hsds(queryset: QuerySet[Service] | None = None) -> QuerySet[Service]:
    """Services with everything their compiled objects nest."""
    queryset = Service.objects.all() if queryset is None else queryset
    return queryset.select_related(
        "institution__municipality", "institution__county", "institution__voivodeship"
    ).prefetch_related(*service_prefetches())


def service_stand_ins(services: QuerySet[Service]) -> dict[int, list[Row]]:
    """Institution id -> its services as an organization nests them when not asked for in full:
    each service's one-to-one fields (schema/compiled/organization.json)."""
    found: dict[int, list[Row]] = defaultdict(list)
    for service in services.select_related("institution"):
        found[service.institution_id].append(present(service_row(service)))
    return found


def institutions_for_hsds(queryset: QuerySet[Institution] | None = None) -> QuerySet[Institution]:
    """Institutions with the territory their organization rows name (what hangs on them is
    read per page by `OrganizationExtras`)."""
    queryset = Institution.objects.all() if queryset is None else queryset
    return queryset.select_related("municipality", "county", "voivodeship")


# --- Compiled objects ---------------------------------------------------------------------------


def compiled_phone(phone: Phone) -> Row:
    return present(phone_row(phone)) | {
        "languages": [present(language_row(item)) for item in nested(phone, "languages")]
    }


def compiled_contact(contact: Contact) -> Row:
    return present(contact_row(contact)) | {"phones": [compiled_phone(phone) for phone in nested(contact, "phones")]}


def compiled_term(term: TaxonomyTerm) -> Row:
    return present(taxonomy_term_row(term)) | {"taxonomy_detail": present(taxonomy_row(term.taxonomy))}


def compiled_attribute(row: Row, term: TaxonomyTerm) -> Row:
    return present(row) | {"taxonomy_term": compiled_term(term)}


class Compiler:
    """Builds compiled objects; holds the terms of our fields so they are read once."""

    def __init__(self, field_terms: FieldTerms | None = None) -> None:
        self.field_terms = field_terms or FieldTerms()

    def _field_attributes(self, rows: Iterable[Row]) -> list[Row]:
        by_id = {str(term.public_id): term for term in self.field_terms.terms.values()}
        return [compiled_attribute(row, by_id[row["taxonomy_term_id"]]) for row in rows]

    def location(self, location: Location) -> Row:
        return present(location_row(location)) | {
            "languages": [present(language_row(item)) for item in nested(location, "languages")],
            "addresses": [present(address_row(item)) for item in nested(location, "addresses")],
            "contacts": [compiled_contact(item) for item in nested(location, "contacts")],
            "accessibility": [present(accessibility_row(item)) for item in nested(location, "accessibility")],
            "phones": [compiled_phone(item) for item in nested(location, "phones")],
            "schedules": [present(schedule_row(item)) for item in nested(location, "schedules")],
            "attributes": self._field_attributes(self.field_terms.location_rows(location)),
        }

    def service_at_location(self, sal: ServiceAtLocation, *, with_service: bool = False) -> Row:
        compiled = present(service_at_location_row(sal)) | {
            "contacts": [compiled_contact(item) for item in nested(sal, "contacts")],
            "phones": [compiled_phone(item) for item in nested(sal, "phones")],
            "schedules": [present(schedule_row(item)) for item in nested(sal, "schedules")],
            "location": self.location(sal.location),
        }
        if with_service:
            compiled["service"] = self.service(sal.service, with_locations=False)
        return compiled

    def service(self, service: Service, *, with_locations: bool = True) -> Row:
        """The fully nested service (schema/compiled/service.json); needs services_for_hsds().
        Nested in a service-at-location, a service leaves its locations out."""
        attributes = [
            compiled_attribute(attribute_row(item), item.taxonomy_term) for item in nested(service, "attributes")
        ]
        attributes += self._field_attributes(self.field_terms.service_rows(service))
        compiled = present(service_row(service)) | {
            "phones": [compiled_phone(item) for item in nested(service, "phones")],
            "schedules": [present(schedule_row(item)) for item in nested(service, "schedules")],
            "service_areas": [present(service_area_row(item)) for item in nested(service, "service_areas")],
            "languages": [present(language_row(item)) for item in nested(service, "languages")],
            "organization": present(organization_row(service.institution)),
            "funding": [present(funding_row(item)) for item in nested(service, "funding")],
            "cost_options": [present(cost_option_row(item)) for item in nested(service, "cost_options")],
            "required_documents": [
                present(required_document_row(item)) for item in nested(service, "required_documents")
            ],
            "contacts": [compiled_contact(item) for item in nested(service, "contacts")],
            "attributes": attributes,
        }
        if with_locations:
            compiled["service_at_locations"] = [
                self.service_at_location(item) for item in nested(service, "service_at_locations")
            ]
        return compiled

    def organizations(self, institutions: Sequence[Institution], services: dict[int, list[Row]]) -> list[Row]:
        """Fully nested organizations (schema/compiled/organization.json) with the given service
        objects; what hangs on an institution is read here in a constant number of queries."""
        extras = OrganizationExtras(institutions)
        compiled = []
        for institution in institutions:
            phones = [compiled_phone(item) for item in extras.phones[institution.pk]]
            own_phone = organization_phone_row(institution)
            if own_phone is not None:
                phones.insert(0, present(own_phone) | {"languages": []})
            compiled.append(
                present(organization_row(institution))
                | {
                    "funding": [present(funding_row(item)) for item in extras.fundings[institution.pk]],
                    "contacts": [compiled_contact(item) for item in extras.contacts[institution.pk]],
                    "phones": phones,
                    "locations": [self.location(item) for item in extras.locations[institution.pk]],
                    "organization_identifiers": organization_identifier_rows(institution),
                    "attributes": self._field_attributes(self.field_terms.organization_rows(institution)),
                    "services": services.get(institution.pk, []),
                }
            )
        return compiled


class OrganizationExtras:
    """What hangs on each of some institutions: its locations, and the phones, contacts and
    funding linked to it (those links have no reverse accessor to prefetch through)."""

    def __init__(self, institutions: Sequence[Institution]) -> None:
        ids = [institution.pk for institution in institutions]
        self.locations: dict[int, list[Location]] = defaultdict(list)
        self.phones: dict[int, list[Phone]] = defaultdict(list)
        self.contacts: dict[int, list[Contact]] = defaultdict(list)
        self.fundings: dict[int, list[Funding]] = defaultdict(list)
        for location in locations_for_hsds().filter(institution_id__in=ids):
            self.locations[location.institution_id].append(location)  # type: ignore[index]
        for phone in _phones().filter(institution_id__in=ids):
            self.phones[phone.institution_id].append(phone)  # type: ignore[index]
        for contact in _contacts().filter(institution_id__in=ids):
            self.contacts[contact.institution_id].append(contact)  # type: ignore[index]
        for funding in (
            Funding.objects.select_related("institution", "service").filter(institution_id__in=ids).order_by("pk")
        ):
            self.fundings[funding.institution_id].append(funding)  # type: ignore[index]
