"""Staff keep their institution's directory entries: every change they make goes through here.

Each function takes the acting user, checks that they may keep the service (policies), saves
in one transaction, writes a `ServiceChange` row for the history page (`changes` maps a field
code to `[old, new]`, both as people read them, in the platform's language) and calls
`services.refresh_index`, so the public search and gmina filter see the change at once.

Concurrent edits are detected, never silently overwritten (DESIGN.md §6): an edit names the
`version` of the entry the editor saw, and is refused with `StaleVersion` when anyone saved
since. Entries are never deleted: a service that ended is marked inactive or defunct.

The daily job `remind_unverified` asks the keepers of entries nobody has confirmed for six
months to confirm them (see its docstring for how it avoids repeating itself).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Field, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import time_format
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kooperacja.core import versioning
from kooperacja.core.models import Notification
from kooperacja.core.notifications import notify
from kooperacja.core.tasks import register_schedule
from kooperacja.directory.models import (
    ACCESSIBILITY,
    CATEGORIES,
    LINK_TYPES,
    TARGET_GROUPS,
    Accessibility,
    Address,
    Contact,
    Language,
    Location,
    LocationType,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceChange,
    ServiceStatus,
    TaxonomyTerm,
)
from kooperacja.directory.policies import KEEPER_ROLES, can_edit_service, can_edit_services_of
from kooperacja.directory.services import refresh_index
from kooperacja.institutions.models import Institution, Membership
from kooperacja.institutions.validators import validate_phone, validate_postal_code
from kooperacja.territory.models import County, Municipality, Voivodeship

# Service fields a keeper sets directly.
SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "income_criterion_percent",
    "disability_certificate_required",
    "referral_required",
    "application_process",
    "fees_description",
    "free_of_charge",
    "places",
    "free_places",
    "waiting_list",
)
# What else an edit may set, each replacing what the service had:
# terms (TaxonomyTerm), gminas (Municipality), document lines (str), languages ((code, name)),
# and the TERYT units of the service area.
TERM_FIELDS = {"categories": CATEGORIES, "target_groups": TARGET_GROUPS, "accessibility_features": ACCESSIBILITY}
RELATED_FIELDS = (
    *TERM_FIELDS,
    "residence_municipalities",
    "required_documents",
    "languages",
    "area_voivodeships",
    "area_counties",
    "area_municipalities",
)
AREA_FIELDS = ("area_voivodeships", "area_counties", "area_municipalities")
# The fields of a location a keeper sets: its name, one address, the gmina it lies in, one phone
# and one e-mail, weekly opening hours, accessibility notes and how to get there.
LOCATION_FIELDS = (
    "name",
    "address_1",
    "postal_code",
    "city",
    "municipality",
    "phone",
    "email",
    "hours",
    "accessibility",
    "transportation",
)

# iCalendar day codes (HSDS schedule.byday), Monday first as in Poland.
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
Hours = dict[str, tuple[dt.time, dt.time]]

# How the history page names each field code of ServiceChange.changes.
FIELD_LABELS: dict[str, str | Promise] = {
    **{name: cast(Field, Service._meta.get_field(name)).verbose_name for name in SERVICE_FIELDS},
    "categories": _("categories"),
    "target_groups": _("target groups"),
    "accessibility_features": _("accessibility"),
    "residence_municipalities": _("gminas of residence served"),
    "required_documents": _("required documents"),
    "languages": _("languages"),
    "service_area": _("service area"),
    "location": _("place"),
    "location_name": _("name of the place"),
    "address": _("address"),
    "location_gmina": _("gmina"),
    "phone": _("phone"),
    "location_email": _("e-mail"),
    "hours": _("opening hours"),
    "accessibility": _("accessibility notes"),
    "transportation": _("getting there"),
}

# ServiceChange.action values written here (the model's "updated" is the default).
CREATED = "created"
UPDATED = "updated"
VERIFIED = "verified"
LOCATION_ADDED = "location_added"
LOCATION_UPDATED = "location_updated"
LOCATION_REMOVED = "location_removed"
ACTION_LABELS: dict[str, str | Promise] = {
    CREATED: _("Entry added"),
    UPDATED: _("Entry changed"),
    VERIFIED: _("Confirmed up to date"),
    LOCATION_ADDED: _("Place added"),
    LOCATION_UPDATED: _("Place changed"),
    LOCATION_REMOVED: _("Place removed"),
    "imported": _("Entry imported"),
}

# The reminder to confirm an entry: its notification kind, and how long before it comes again.
REMINDER_KIND = "directory.verify"
REMINDER_EVERY_DAYS = 30
register_schedule("directory-verification-reminders", "kooperacja.directory.upkeep.remind_unverified", daily_at="06:00")


class StaleVersion(versioning.StaleVersion):
    """Someone saved the service after the editor opened it: the edit would overwrite theirs."""

    default_message = _(
        "Someone else saved changes to this service after you opened the form. Nothing was "
        "saved: open the service again to see the current entry, then repeat your changes."
    )
    default_code = "stale_version"


# --- Rules of an entry's data ---------------------------------------------------------------


def check_service_rules(values: Mapping[str, Any]) -> None:
    """The rules across fields of a service, or ValidationError by field: the minimum age is not
    above the maximum, free places are not more than places (and need the number of places)."""
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    minimum, maximum = values.get("minimum_age"), values.get("maximum_age")
    if minimum is not None and maximum is not None and minimum > maximum:
        errors["maximum_age"].append(
            ValidationError(_("The maximum age cannot be lower than the minimum age."), code="age_range")
        )
    places, free = values.get("places"), values.get("free_places")
    if free is not None and places is None:
        errors["places"].append(
            ValidationError(_("Enter the number of places too, or leave free places empty."), code="places_missing")
        )
    elif free is not None and places is not None and free > places:
        errors["free_places"].append(
            ValidationError(_("There cannot be more free places than places."), code="free_places")
        )
    if values.get("status") is not None and values["status"] not in ServiceStatus.values:
        errors["status"].append(ValidationError(_("Choose one of the statuses on the list."), code="status"))
    if errors:
        raise ValidationError(dict(errors))


def check_hours(hours: Mapping[str, tuple[dt.time | None, dt.time | None]]) -> dict[str, list[ValidationError]]:
    """Errors by weekday code: a day needs both times or neither, and closes after it opens."""
    errors: dict[str, list[ValidationError]] = {}
    for day, (opens, closes) in hours.items():
        if (opens is None) != (closes is None):
            errors[day] = [ValidationError(_("Enter both the opening and the closing time, or neither."), code="half")]
        elif opens is not None and closes is not None and closes <= opens:
            errors[day] = [ValidationError(_("The closing time must be later than the opening time."), code="order")]
    return errors


def check_location_rules(values: Mapping[str, Any]) -> None:
    """A place's address is complete (street and number, postal code NN-NNN, locality), its
    phone is a phone number and its hours are consistent; or ValidationError by field."""
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    for name in ("address_1", "postal_code", "city"):
        if not str(values.get(name) or "").strip():
            errors[name].append(ValidationError(_("This field is required."), code="required"))
    for name, validator in (("postal_code", validate_postal_code), ("phone", validate_phone)):
        value = str(values.get(name) or "").strip()
        if value and not errors.get(name):
            try:
                validator(value)
            except ValidationError as error:
                errors[name].append(error)
    for day, day_errors in check_hours(values.get("hours") or {}).items():
        errors[f"hours_{day}"] += day_errors
    if errors:
        raise ValidationError(dict(errors))


# --- How values are shown in the history ----------------------------------------------------


def _shown(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def _joined(values: Iterable[Any], separator: str = ", ") -> str:
    return separator.join(sorted(str(value) for value in values))


def area_label(unit: Voivodeship | County | Municipality) -> str:
    """ "gmina Mirzec", "powiat starachowicki", "województwo świętokrzyskie"."""
    if isinstance(unit, Municipality):
        return gettext("gmina %(name)s") % {"name": unit.name}
    if isinstance(unit, County):
        return gettext("powiat %(name)s") % {"name": unit.name}
    return gettext("voivodeship %(name)s") % {"name": unit.name}


def format_hours(hours: Hours) -> str:
    """Weekly hours as people write them: days with the same hours in a row are joined
    ("Pon–Pt 8:00–16:00, So 9:00–12:00")."""
    runs: list[tuple[int, int, tuple[dt.time, dt.time]]] = []
    for index, day in enumerate(WEEKDAYS):
        if day not in hours:
            continue
        if runs and runs[-1][1] == index - 1 and runs[-1][2] == hours[day]:
            runs[-1] = (runs[-1][0], index, hours[day])
        else:
            runs.append((index, index, hours[day]))
    parts = []
    for first, last, (opens, closes) in runs:
        days = str(WEEKDAYS_ABBR[first]) if first == last else f"{WEEKDAYS_ABBR[first]}–{WEEKDAYS_ABBR[last]}"
        parts.append(f"{days} {time_format(opens, 'G:i')}–{time_format(closes, 'G:i')}")
    return ", ".join(parts)


def _service_snapshot(service: Service) -> dict[str, str]:
    """Every field the keeper's form sets, as people read it (field code -> text)."""
    shown = {}
    for name in SERVICE_FIELDS:
        if name == "status":
            shown[name] = str(service.get_status_display())
        else:
            shown[name] = _shown(getattr(service, name))
    terms: dict[str, list[str]] = defaultdict(list)
    for attribute in service.attributes.select_related("taxonomy_term__taxonomy"):
        for field, code in TERM_FIELDS.items():
            if attribute.taxonomy_term.taxonomy.code == code and attribute.link_type == LINK_TYPES[code]:
                terms[field].append(attribute.taxonomy_term.name)
    for field in TERM_FIELDS:
        shown[field] = _joined(terms[field])
    shown["residence_municipalities"] = _joined(service.residence_municipalities.all())
    shown["required_documents"] = "; ".join(
        service.required_documents.order_by("id").values_list("document", flat=True)
    )
    shown["languages"] = _joined(language.name or language.code for language in service.languages.all())
    units = [
        area.municipality or area.county or area.voivodeship
        for area in service.service_areas.select_related("municipality", "county", "voivodeship")
    ]
    shown["service_area"] = _joined((area_label(unit) for unit in units if unit is not None), "; ")
    return shown


def assurer_name(service: Service) -> str:
    """Who last confirmed the entry, as the history names people: the name of the platform's
    user with the assurer's e-mail, else the e-mail itself (an import's, or a removed account's)."""
    email = service.assurer_email
    if not email:
        return ""
    user = get_user_model().objects.filter(email__iexact=email).order_by("-is_active", "pk").first()
    return str(user) if user is not None else email


def is_due_for_verification(service: Service, now: dt.datetime | None = None) -> bool:
    """The rule of `Service.objects.due_for_verification` for a service already read: not defunct,
    and confirmed (or, never confirmed, added) more than VERIFY_AFTER_DAYS ago."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=Service.VERIFY_AFTER_DAYS)
    if service.status == ServiceStatus.DEFUNCT:
        return False
    if service.assured_date is not None:
        return service.assured_date < cutoff.date()
    return service.created_at < cutoff


@dataclass(frozen=True)
class HistoryEntry:
    """One change on the history page: what happened, to which place, and each field's
    [label, before, after]."""

    change: ServiceChange
    action: str | Promise
    place: str
    fields: list[tuple[str | Promise, str, str]]


def history_entry(change: ServiceChange) -> HistoryEntry:
    """A ServiceChange as the history page shows it (labels from ACTION_LABELS and FIELD_LABELS;
    a change of places names the place: after the change, or before a removal)."""
    pair = change.changes.get("location")
    place = str(pair[1] or pair[0]) if isinstance(pair, list) and len(pair) == 2 else ""
    return HistoryEntry(
        change=change,
        action=ACTION_LABELS.get(change.action, change.action),
        place=place,
        fields=[
            (FIELD_LABELS.get(name, name), values[0], values[1])
            for name, values in change.changes.items()
            if name != "location" and isinstance(values, list) and len(values) == 2
        ],
    )


def _differences(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, list[str]]:
    return {name: [before.get(name, ""), value] for name, value in after.items() if before.get(name, "") != value}


# --- Writing a service's parts --------------------------------------------------------------


def _checked(fields: Mapping[str, Any], allowed: Sequence[str]) -> dict[str, Any]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"not fields that may be set here: {sorted(unknown)}")
    return dict(fields)


def _set_terms(service: Service, taxonomy_code: str, terms: Iterable[TaxonomyTerm]) -> None:
    """Make the service's terms of one shipped taxonomy these; terms of other taxonomies stay,
    and so do the attribute rows (their HSDS ids) of terms kept."""
    link_type = LINK_TYPES[taxonomy_code]
    wanted = {term.pk: term for term in terms}
    if any(term.taxonomy.code != taxonomy_code for term in wanted.values()):
        raise ValueError(f"terms of another taxonomy than {taxonomy_code}")
    attributes = ServiceAttribute.objects.filter(
        service=service, link_type=link_type, taxonomy_term__taxonomy__code=taxonomy_code
    )
    attributes.exclude(taxonomy_term_id__in=wanted).delete()
    present = set(attributes.values_list("taxonomy_term_id", flat=True))
    ServiceAttribute.objects.bulk_create(
        ServiceAttribute(service=service, taxonomy_term=term, link_type=link_type)
        for pk, term in wanted.items()
        if pk not in present
    )


def _set_areas(
    service: Service,
    voivodeships: Iterable[Voivodeship],
    counties: Iterable[County],
    municipalities: Iterable[Municipality],
) -> None:
    """Make the service's territorial areas these units; a described area without a TERYT unit
    stays, and so do the rows of units kept."""
    wanted: dict[tuple[str, int], Voivodeship | County | Municipality] = {}
    wanted.update({("voivodeship", unit.pk): unit for unit in voivodeships})
    wanted.update({("county", unit.pk): unit for unit in counties})
    wanted.update({("municipality", unit.pk): unit for unit in municipalities})
    for area in service.service_areas.filter(
        Q(municipality__isnull=False) | Q(county__isnull=False) | Q(voivodeship__isnull=False)
    ):
        key = (
            ("municipality", area.municipality_id)
            if area.municipality_id
            else ("county", area.county_id)
            if area.county_id
            else ("voivodeship", area.voivodeship_id)
        )
        if wanted.pop(key, None) is None:  # type: ignore[arg-type]
            area.delete()
    ServiceArea.objects.bulk_create(
        ServiceArea(service=service, name=area_label(unit), **{kind: unit}) for (kind, _pk), unit in wanted.items()
    )


def _set_related(service: Service, values: Mapping[str, Any]) -> None:
    for field, taxonomy_code in TERM_FIELDS.items():
        if field in values:
            _set_terms(service, taxonomy_code, values[field])
    if "residence_municipalities" in values:
        service.residence_municipalities.set(values["residence_municipalities"])
    documents = list(values.get("required_documents", ()))
    if "required_documents" in values and documents != list(
        service.required_documents.order_by("id").values_list("document", flat=True)
    ):
        service.required_documents.all().delete()
        RequiredDocument.objects.bulk_create(RequiredDocument(service=service, document=line) for line in documents)
    languages = list(values.get("languages", ()))
    if "languages" in values and languages != list(service.languages.order_by("id").values_list("code", "name")):
        service.languages.all().delete()
        Language.objects.bulk_create(Language(service=service, code=code, name=name) for code, name in languages)
    if any(field in values for field in AREA_FIELDS):
        _set_areas(
            service,
            values.get("area_voivodeships", ()),
            values.get("area_counties", ()),
            values.get("area_municipalities", ()),
        )


def _validated(service: Service) -> None:
    """The rules across fields (said by field), then the model's own (lengths, choices, constraints)."""
    check_service_rules({name: getattr(service, name) for name in SERVICE_FIELDS})
    service.full_clean(exclude=["institution", "updated_by"], validate_unique=False)


def _log(actor: Any, service: Service, action: str, changes: Mapping[str, list[str]] | None = None) -> ServiceChange:
    return ServiceChange.objects.create(
        service=service,
        actor=actor if getattr(actor, "pk", None) else None,
        version=service.version,
        action=action,
        changes=dict(changes or {}),
    )


def _require_keeper(actor: Any, service: Service) -> None:
    if not can_edit_service(actor, service):
        raise PermissionDenied


def _locked(service: Service, version: int | None) -> Service:
    """The service as saved, for a change made on `version` (None: whatever the current one is)."""
    current = Service.objects.select_for_update().filter(pk=service.pk).first()
    if current is None:
        raise StaleVersion()
    if version is not None:
        versioning.check_version(current, version, StaleVersion)
    return current


def _bump(actor: Any, current: Service, version: int, **values: Any) -> None:
    """Save `values` and the next version, only while the row still has `version`."""
    updated = Service.objects.filter(pk=current.pk, version=version).update(
        **values, updated_by=actor if getattr(actor, "pk", None) else None, **versioning.bumped(Service)
    )
    if not updated:
        raise StaleVersion()
    current.refresh_from_db()


def _sync(service: Service) -> None:
    """Give the caller's copy of the service the saved state."""
    service.refresh_from_db()


# --- The services' own changes --------------------------------------------------------------


def create_service(
    actor: Any,
    institution: Institution,
    fields: Mapping[str, Any],
    location: Mapping[str, Any],
) -> Service:
    """Add a service of the institution with its first place; only its keepers may.

    Adding an entry is confirming it: its keeper has just written it, so it is assured today by
    the actor (residents are not told the institution has not confirmed it yet, and the
    six-month reminder counts from today). Bad data raises ValidationError (by field; place
    fields as the location form names them) and nothing is saved.
    """
    if not can_edit_services_of(actor, institution):
        raise PermissionDenied
    values = _checked(fields, (*SERVICE_FIELDS, *RELATED_FIELDS))
    place = _checked(location, LOCATION_FIELDS)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        now = timezone.now()
        service = Service(
            institution=institution,
            created_at=now,
            updated_at=now,
            updated_by=actor if getattr(actor, "pk", None) else None,
            assured_date=timezone.localdate(),
            assurer_email=getattr(actor, "email", "") or "",
            **{name: value for name, value in values.items() if name in SERVICE_FIELDS},
        )
        _validated(service)
        check_location_rules(place)
        service.save()
        _set_related(service, values)
        _write_location(service, Location(institution=institution), place)
        _log(actor, service, CREATED)
        refresh_index([service])
    return service


def update_service(actor: Any, service: Service, fields: Mapping[str, Any], *, version: int) -> Service:
    """Save an edit made on `version` of the service; if anyone saved since, StaleVersion.

    Only the fields given change. Bad data raises ValidationError and nothing is saved. An
    edit that changes nothing writes no history and keeps the version.
    """
    _require_keeper(actor, service)
    values = _checked(fields, (*SERVICE_FIELDS, *RELATED_FIELDS))
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        current = _locked(service, version)
        before = _service_snapshot(current)
        for name, value in values.items():
            if name in SERVICE_FIELDS:
                setattr(current, name, value)
        _validated(current)
        _set_related(current, values)
        changes = _differences(before, _service_snapshot(current))
        if changes:
            _bump(actor, current, version, **{name: getattr(current, name) for name in SERVICE_FIELDS})
            _log(actor, current, UPDATED, changes)
            refresh_index([current])
    _sync(service)
    return service


def change_status(actor: Any, service: Service, status: str, *, version: int) -> Service:
    """Mark the service active, temporarily closed, inactive or defunct (entries are never deleted)."""
    return update_service(actor, service, {"status": status}, version=version)


def verify_service(actor: Any, service: Service, *, version: int | None = None) -> Service:
    """Confirm the entry is up to date: today becomes its assured date, the actor's e-mail its
    assurer. With `version`, refused (StaleVersion) when the entry changed since the keeper saw it."""
    _require_keeper(actor, service)
    with transaction.atomic():
        current = _locked(service, version)
        _bump(
            actor,
            current,
            current.version,
            assured_date=timezone.localdate(),
            assurer_email=getattr(actor, "email", "") or "",
        )
        _log(actor, current, VERIFIED)
        refresh_index([current])
    _sync(service)
    return service


# --- Places (HSDS locations) -----------------------------------------------------------------


def _first(rows: Iterable[Any]) -> Any:
    return next(iter(rows), None)


def _days(schedule: Schedule) -> list[str]:
    return [code for code in schedule.byday.upper().replace(" ", "").split(",") if code]


def _simple_weekly(schedules: Iterable[Schedule]) -> list[Schedule]:
    """The schedules the keeper's form manages: weekly opening hours on given days, with no
    validity dates, counts or other recurrence rules, one interval a day. Any other schedule
    (a monthly one, a later interval on a day already given) is left as it is. Callers pass
    the schedules by opening time, so a day's first interval is the one managed."""
    managed: list[Schedule] = []
    claimed: set[str] = set()
    for schedule in schedules:
        days = set(_days(schedule))
        if (
            schedule.freq != Schedule.Freq.WEEKLY
            or not days
            or not days <= set(WEEKDAYS)
            or days & claimed
            or schedule.opens_at is None
            or schedule.closes_at is None
            or schedule.valid_from
            or schedule.valid_to
            or schedule.dtstart
            or schedule.until
            or schedule.count
            or (schedule.interval or 1) != 1
            or schedule.byweekno
            or schedule.bymonthday
            or schedule.byyearday
        ):
            continue
        claimed |= days
        managed.append(schedule)
    return managed


def hours_of(schedules: Iterable[Schedule]) -> Hours:
    """The weekly hours the schedules the form manages give each day."""
    hours: Hours = {}
    for schedule in _simple_weekly(schedules):
        for day in _days(schedule):
            if schedule.opens_at is not None and schedule.closes_at is not None:
                hours[day] = (schedule.opens_at, schedule.closes_at)
    return hours


HoursOwner = ServiceAtLocation | Location | Service


def _hours_owner(service: Service, sal: ServiceAtLocation) -> HoursOwner:
    """Where the hours of the service at the place are kept: on the service-at-location (what
    this module writes), else where an import or the demo put them (the place, the service)."""
    for owner in (sal, sal.location, service):
        if _simple_weekly(owner.schedules.order_by("opens_at", "id")):
            return owner
    return sal


def _phone_of(service: Service, sal: ServiceAtLocation) -> Phone | None:
    """The phone of the service at the place: its own there, else the place's general phone,
    else the service's general phone (where imports and the demo put it)."""
    general = Q(service_at_location__isnull=True, contact__isnull=True)
    return (
        _first(sal.phones.order_by("id"))
        or _first(sal.location.phones.filter(general, service__isnull=True).order_by("id"))
        or _first(service.phones.filter(general, location__isnull=True).order_by("id"))
    )


def _contact_of(sal: ServiceAtLocation) -> Contact | None:
    """The e-mail contact of the service at the place, else the place's general one."""
    return _first(sal.contacts.exclude(email="").order_by("id")) or _first(
        sal.location.contacts.filter(service__isnull=True, service_at_location__isnull=True)
        .exclude(email="")
        .order_by("id")
    )


def location_values(service: Service, sal: ServiceAtLocation) -> dict[str, Any]:
    """The place as the keeper's form shows it (LOCATION_FIELDS)."""
    location = sal.location
    address = _first(location.addresses.order_by("id"))
    phone = _phone_of(service, sal)
    contact = _contact_of(sal)
    accessibility = _first(location.accessibility.order_by("id"))
    owner = _hours_owner(service, sal)
    return {
        "name": location.name,
        "address_1": address.address_1 if address else "",
        "postal_code": address.postal_code if address else "",
        "city": address.city if address else "",
        "municipality": location.municipality,
        "phone": phone.number if phone else "",
        "email": contact.email if contact else "",
        "hours": hours_of(owner.schedules.order_by("opens_at", "id")),
        "accessibility": accessibility.description if accessibility else "",
        "transportation": location.transportation,
    }


def location_title(location: Location, values: Mapping[str, Any] | None = None) -> str:
    """A place as a line: its name, else its address."""
    if values is None:
        address = _first(location.addresses.order_by("id"))
        name = location.name
        street, city = (address.address_1, address.city) if address else ("", "")
    else:
        name, street, city = values.get("name", ""), values.get("address_1", ""), values.get("city", "")
    return name or ", ".join(part for part in (street, city) if part) or str(location.public_id)


def _location_snapshot(values: Mapping[str, Any]) -> dict[str, str]:
    municipality = values.get("municipality")
    address = f"{values.get('address_1', '')}, {values.get('postal_code', '')} {values.get('city', '')}"
    return {
        "location_name": _shown(values.get("name")),
        "address": address.strip(", "),
        "location_gmina": municipality.name if municipality else "",
        "phone": _shown(values.get("phone")),
        "location_email": _shown(values.get("email")),
        "hours": format_hours(values.get("hours") or {}),
        "accessibility": _shown(values.get("accessibility")),
        "transportation": _shown(values.get("transportation")),
    }


def weekly_schedules(hours: Hours) -> list[Schedule]:
    """HSDS schedules (unsaved) for weekly hours: one (freq WEEKLY, byday) per distinct pair of
    times, naming every day that has those times, Monday first."""
    days_by_times: dict[tuple[dt.time, dt.time], list[str]] = defaultdict(list)
    for day in WEEKDAYS:
        if day in hours:
            days_by_times[hours[day]].append(day)
    return [
        Schedule(freq=Schedule.Freq.WEEKLY, byday=",".join(days), opens_at=opens, closes_at=closes)
        for (opens, closes), days in days_by_times.items()
    ]


def _write_hours(owner: HoursOwner, hours: Hours) -> None:
    """Make the owner's managed weekly schedules give these hours. A schedule whose times stay
    is kept, with its note and HSDS id, and only its days change; any other schedule stays."""
    unused = _simple_weekly(owner.schedules.order_by("opens_at", "id"))
    for schedule in weekly_schedules(hours):
        kept = next(
            (old for old in unused if (old.opens_at, old.closes_at) == (schedule.opens_at, schedule.closes_at)), None
        )
        if kept is not None:
            unused.remove(kept)
            if _days(kept) != _days(schedule):
                kept.byday = schedule.byday
                kept.save(update_fields=["byday"])
            continue
        if isinstance(owner, ServiceAtLocation):
            schedule.service_at_location = owner
        elif isinstance(owner, Location):
            schedule.location = owner
        else:
            schedule.service = owner
        schedule.save()
    for old in unused:
        old.delete()


def _write_location(service: Service, location: Location, values: Mapping[str, Any]) -> ServiceAtLocation:
    """Save the place with what the keeper entered, and tie the service to it."""
    municipality: Municipality | None = values.get("municipality")
    location.name = values.get("name", "")
    location.transportation = values.get("transportation", "")
    location.municipality = municipality
    if location.pk is None:
        location.location_type = LocationType.PHYSICAL
    location.save()
    address = _first(location.addresses.order_by("id")) or Address(location=location)
    address.address_1 = values["address_1"].strip()
    address.postal_code = values["postal_code"].strip()
    address.city = values["city"].strip()
    if municipality is not None:
        address.region = municipality.county.name
        address.state_province = municipality.county.voivodeship.name
    elif not address.state_province:
        address.state_province = service.institution.voivodeship.name
    address.save()
    sal, created = ServiceAtLocation.objects.get_or_create(service=service, location=location)

    # A new place gets its own phone, e-mail and hours; an existing one changes where they are.
    phone = None if created else _phone_of(service, sal)
    if values.get("phone"):
        phone = phone or Phone(service_at_location=sal)
        phone.number = values["phone"].strip()
        phone.save()
    elif phone is not None:
        phone.delete()
    contact = None if created else _contact_of(sal)
    if values.get("email"):
        contact = contact or Contact(service=service, service_at_location=sal)
        contact.email = values["email"].strip()
        contact.save()
    elif contact is not None:
        contact.delete()
    accessibility = _first(location.accessibility.order_by("id"))
    if values.get("accessibility"):
        accessibility = accessibility or Accessibility(location=location)
        accessibility.description = values["accessibility"]
        accessibility.save()
    elif accessibility is not None:
        accessibility.delete()
    _write_hours(sal if created else _hours_owner(service, sal), values.get("hours") or {})
    return sal


def _services_at(location: Location) -> list[Service]:
    return list(Service.objects.filter(service_at_locations__location=location).select_related("institution"))


def add_location(actor: Any, service: Service, fields: Mapping[str, Any], *, version: int) -> ServiceAtLocation:
    """Add a place where the service is delivered (refused with StaleVersion if the entry changed)."""
    _require_keeper(actor, service)
    values = _checked(fields, LOCATION_FIELDS)
    check_location_rules(values)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        current = _locked(service, version)
        sal = _write_location(current, Location(institution=current.institution), values)
        _bump(actor, current, version)
        after = _location_snapshot(values)
        changes = {"location": ["", location_title(sal.location, values)]} | _differences({}, after)
        _log(actor, current, LOCATION_ADDED, changes)
        refresh_index([current])
    _sync(service)
    return sal


def update_location(
    actor: Any, service: Service, sal: ServiceAtLocation, fields: Mapping[str, Any], *, version: int
) -> ServiceAtLocation:
    """Change a place of the service. A place other services share changes for them too (it is
    the same building); their search index is refreshed with this one's."""
    _require_keeper(actor, service)
    if sal.service_id != service.pk:
        raise ValueError("the place is not one of this service's")
    values = _checked(fields, LOCATION_FIELDS)
    check_location_rules(values)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        current = _locked(service, version)
        before_values = location_values(current, sal)
        before = _location_snapshot(before_values)
        _write_location(current, sal.location, values)
        changes = _differences(before, _location_snapshot(values))
        if changes:
            _bump(actor, current, version)
            title = [location_title(sal.location, before_values), location_title(sal.location, values)]
            _log(actor, current, LOCATION_UPDATED, {"location": title} | changes)
            refresh_index(_services_at(sal.location))
    _sync(service)
    return sal


def remove_location(actor: Any, service: Service, sal: ServiceAtLocation, *, version: int) -> None:
    """The service is no longer delivered at the place. Its last place cannot be removed (an
    entry has at least one); the place itself stays while other services use it."""
    _require_keeper(actor, service)
    if sal.service_id != service.pk:
        raise ValueError("the place is not one of this service's")
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        current = _locked(service, version)
        if current.service_at_locations.count() <= 1:
            raise ValidationError(
                _("A service needs at least one place. Add the new place first, then remove this one."),
                code="last_location",
            )
        location = sal.location
        title = location_title(location)
        sal.delete()
        location.contacts.filter(service=current).delete()
        if not location.service_at_locations.exists() and location.institution_id == current.institution_id:
            location.delete()
        _bump(actor, current, version)
        _log(actor, current, LOCATION_REMOVED, {"location": [title, ""]})
        refresh_index([current])
    _sync(service)


# --- The reminder to confirm entries ----------------------------------------------------------


def _keepers_by_institution(institution_ids: Iterable[int]) -> dict[int, list[Any]]:
    """The active managers and partner staff of each institution (each person once)."""
    keepers: dict[int, dict[int, Any]] = defaultdict(dict)
    memberships = (
        Membership.objects.active()
        .filter(institution_id__in=set(institution_ids), role__in=KEEPER_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        keepers[membership.institution_id][membership.user_id] = membership.user
    return {institution_id: list(users.values()) for institution_id, users in keepers.items()}


def reminder_url(service: Service) -> str:
    """Where a reminder leads (the entry's edit page); also how the job knows it reminded."""
    return reverse("directory:service_edit", args=[service.public_id])


def remind_unverified(now_iso: str | None = None, *, batch_size: int = 500) -> int:
    """The daily job (06:00): ask the managers and partner staff of each institution to confirm
    its entries that nobody confirmed for six months (`Service.objects.due_for_verification`).
    Returns how many notifications it sent.

    Not more than once per service in REMINDER_EVERY_DAYS: the reminder is a notification of
    kind REMINDER_KIND linking to the service's edit page, so a service whose link went out
    within that time (to anyone) is skipped. That makes the job idempotent too — a second run
    the same day finds today's notifications — and it needs no table of its own. A service
    is reminded in one transaction, so every keeper gets it or none does.
    """
    now = (parse_datetime(now_iso) if now_iso else None) or timezone.now()
    recently = set(
        Notification.objects.filter(
            kind=REMINDER_KIND, created_at__gte=now - dt.timedelta(days=REMINDER_EVERY_DAYS)
        ).values_list("url", flat=True)
    )
    due = (
        Service.objects.due_for_verification(now)
        .filter(institution__is_active=True)
        .only("pk", "public_id", "name", "institution_id")
        .order_by("pk")
    )
    sent = 0
    last_pk = 0
    with translation.override(settings.LANGUAGE_CODE):
        while True:
            batch = list(due.filter(pk__gt=last_pk)[:batch_size])
            if not batch:
                break
            last_pk = batch[-1].pk
            keepers = _keepers_by_institution(service.institution_id for service in batch)
            for service in batch:
                url = reminder_url(service)
                if url in recently or not keepers.get(service.institution_id):
                    continue
                title = gettext("Confirm that the directory entry is up to date: %(service)s") % {
                    "service": Truncator(service.name).chars(120)
                }
                with transaction.atomic():
                    for user in keepers[service.institution_id]:
                        notify(user, kind=REMINDER_KIND, title=title, url=url)
                        sent += 1
                recently.add(url)
    return sent
