"""What the public directory shows of services, shared by its pages, the Informator and the
services API: a page of results counted without reading every row, a result, and a service
arranged for its page.

Everything here reads what `ServiceQuerySet.for_public_list()` or `for_public_page()`
prefetched; nothing queries again per service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kooperacja.core.templatetags.formatting import format_money, format_number
from kooperacja.directory.forms import COUNT_CAP, PAGE_SIZE
from kooperacja.directory.models import (
    ACCESSIBILITY,
    CATEGORIES,
    TARGET_GROUPS,
    Accessibility,
    Address,
    Contact,
    CostOption,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceQuerySet,
    TaxonomyTerm,
)
from kooperacja.directory.wording import describe_ages, describe_schedule, safe_web_url, tel_href

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kooperacja.territory.models import Municipality

# =============================================================================================
# Results
# =============================================================================================


@dataclass
class ResultsPage:
    """One page of results, found without counting every row: the keys of at most
    COUNT_CAP + 1 matches tell the count and whether another page follows."""

    number: int
    items: list[Service]
    has_next: bool
    count: int
    offset: int

    @property
    def count_capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return self.offset + 1

    @property
    def last_index(self) -> int:
        return self.offset + len(self.items)

    @classmethod
    def of(cls, services: ServiceQuerySet, number: int, size: int = PAGE_SIZE) -> ResultsPage:
        """A page of public results (`for_public_list`) of the matching `services`. The matches
        are found without an order, at most COUNT_CAP + 1 of them, and only those are sorted.
        Asked for all matches by name, PostgreSQL walks the name index probing service after
        service (1.6 s for a common query at 200 000 services, bench/README.md). Beyond the cap
        the page is sorted among the matches found first; the count already says "more than
        1000" and paging stops there."""
        offset = (number - 1) * size
        found = list(services.order_by().values_list("name", "pk")[: COUNT_CAP + 1])
        # Sorted here, as the database sorts by code point (C collation, SQLite's BINARY): asked
        # to sort them, PostgreSQL reads the found services again (7-10 ms at 200 000 services).
        keys = [pk for _name, pk in sorted(found)[offset : offset + size]]
        position = {pk: index for index, pk in enumerate(keys)}
        rows = sorted(Service.objects.filter(pk__in=keys).for_public_list(), key=lambda row: position[row.pk])
        has_next = len(found) > offset + size
        return cls(number=number, items=rows, has_next=has_next, count=len(found), offset=offset)


def found_text(page: ResultsPage) -> str:
    """ "Znaleziono 5 usług." or, past the cap, "Znaleziono ponad 1000 usług." (four-digit
    numbers are not grouped in Polish)."""
    if page.count_capped:
        return ngettext(
            "More than %(count)s service was found.", "More than %(count)s services were found.", COUNT_CAP
        ) % {"count": COUNT_CAP}
    return ngettext("%(count)s service was found.", "%(count)s services were found.", page.count) % {
        "count": page.count
    }


def terms_of(service: Service, taxonomy: str) -> list[TaxonomyTerm]:
    """The service's terms of one taxonomy (categories, target groups, accessibility features),
    in taxonomy order."""
    terms = [attribute.taxonomy_term for attribute in service.attributes.all()]
    return sorted(
        (term for term in terms if term.taxonomy.code == taxonomy),
        key=lambda term: (term.position, term.code),
    )


def places_of(service: Service) -> list[ServiceAtLocation]:
    """Where the service is delivered, in the order the places were added."""
    return sorted(service.service_at_locations.all(), key=lambda sal: sal.pk)


@dataclass
class Result:
    """A service in a list of results: its categories, and where it is delivered — the first
    place's locality and gmina, else its institution's."""

    service: Service
    categories: list[TaxonomyTerm]
    locality: str
    gmina: Municipality | None
    more_places: int

    @classmethod
    def of(cls, service: Service) -> Result:
        places = places_of(service)
        locality = ""
        gmina = None
        if places:
            location = places[0].location
            addresses = list(location.addresses.all())
            locality = addresses[0].city if addresses else ""
            gmina = location.municipality
        if not locality and not gmina:
            locality = service.institution.locality
            gmina = service.institution.municipality
        return cls(
            service=service,
            categories=terms_of(service, CATEGORIES),
            locality=locality,
            gmina=gmina,
            more_places=max(len(places) - 1, 0),
        )


# =============================================================================================
# A service's page (and its Informator entry, and its API detail)
# =============================================================================================


@dataclass
class PhoneLine:
    """A number as shown, with the tel: link it calls ("" when it has no digits to call)."""

    number: str
    href: str
    extension: int | None = None
    description: str = ""

    @classmethod
    def of(cls, phone: Phone) -> PhoneLine:
        return cls(phone.number, tel_href(phone.number), phone.extension, phone.description)


@dataclass
class CostLine:
    """A cost option: "Kolejne spotkanie: 50,00 zł", with its note apart."""

    label: str
    note: str

    @classmethod
    def of(cls, option: CostOption) -> CostLine:
        amount = ""
        if option.amount is not None:
            if option.currency in ("", "PLN"):
                amount = format_money(option.amount)
            else:
                amount = f"{format_number(option.amount, 2)} {option.currency}"
        return cls(": ".join(part for part in (option.option, amount) if part), option.amount_description)


@dataclass
class Place:
    """Where a service is delivered, with what a visitor needs to get there."""

    location: Location
    addresses: list[Address]
    hours: list[str]
    phones: list[PhoneLine]
    accessibility: list[Accessibility]
    description: str


@dataclass
class ServicePage:
    """A service arranged for a resident: its terms by taxonomy, who may ask, its places with
    their hours and phones, how to reach it, what it costs."""

    service: Service
    categories: list[TaxonomyTerm] = field(default_factory=list)
    groups: list[TaxonomyTerm] = field(default_factory=list)
    features: list[TaxonomyTerm] = field(default_factory=list)
    # Who may ask beyond the target groups: age, residence, income, certificate.
    conditions: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    hours: list[str] = field(default_factory=list)
    residence: list[Municipality] = field(default_factory=list)
    website: str = ""
    phones: list[PhoneLine] = field(default_factory=list)
    contacts: list[tuple[Contact, list[PhoneLine]]] = field(default_factory=list)
    # Shown when the service names no contact of its own.
    institution_phones: list[PhoneLine] = field(default_factory=list)
    costs: list[CostLine] = field(default_factory=list)

    @property
    def has_own_contact(self) -> bool:
        """Whether the service names a way to reach it; if not, its institution's contact is shown."""
        return bool(self.phones or self.service.email or self.website or self.contacts)

    @property
    def has_conditions(self) -> bool:
        return bool(self.service.eligibility_description or self.groups or self.conditions)


def _hours(schedules: Iterable[Schedule]) -> list[str]:
    return [text for text in (describe_schedule(schedule) for schedule in schedules) if text]


def _conditions(service: Service, residence: list[Municipality]) -> list[str]:
    conditions: list[str] = []
    if ages := describe_ages(service.minimum_age, service.maximum_age):
        conditions.append(capfirst(ages))
    if residence:
        gminas = ", ".join(_("gmina %(name)s") % {"name": gmina.name} for gmina in residence)
        conditions.append(_("Residents of: %(gminas)s") % {"gminas": gminas})
    if service.income_criterion_percent is not None:
        conditions.append(
            _("Income per person up to %(percent)s%% of the income criterion of the Social Assistance Act")
            % {"percent": service.income_criterion_percent}
        )
    if service.disability_certificate_required:
        conditions.append(_("A disability certificate is required"))
    return conditions


def service_page(service: Service) -> ServicePage:
    """A service's data arranged for its page, the Informator and the API (read through
    `ServiceQuerySet.for_public_page()`: nothing here is queried again)."""
    residence = sorted(service.residence_municipalities.all(), key=lambda gmina: gmina.name)
    shown = ServicePage(
        service=service,
        categories=terms_of(service, CATEGORIES),
        groups=terms_of(service, TARGET_GROUPS),
        features=terms_of(service, ACCESSIBILITY),
        conditions=_conditions(service, residence),
        residence=residence,
        website=safe_web_url(service.url),
        hours=_hours(service.schedules.all()),
        phones=[PhoneLine.of(phone) for phone in service.phones.all()],
        contacts=[
            (contact, [PhoneLine.of(phone) for phone in contact.phones.all()]) for contact in service.contacts.all()
        ],
        costs=[CostLine.of(option) for option in service.cost_options.all()],
    )
    if service.institution.phone:
        shown.institution_phones = [PhoneLine(service.institution.phone, tel_href(service.institution.phone))]
    for sal in places_of(service):
        location = sal.location
        shown.places.append(
            Place(
                location=location,
                addresses=sorted(
                    location.addresses.all(), key=lambda address: (address.address_type != "physical", address.pk)
                ),
                hours=_hours([*sal.schedules.all(), *location.schedules.all()]),
                phones=[PhoneLine.of(phone) for phone in [*sal.phones.all(), *location.phones.all()]],
                accessibility=list(location.accessibility.all()),
                description=sal.description or location.description,
            )
        )
    return shown
