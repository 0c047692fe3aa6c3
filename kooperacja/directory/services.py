"""Every change to the service directory goes through here.

Whoever changes a service (a form, the HSDS import, the demo, the scale generator) calls
`refresh_index` afterwards, so the public search and the gmina filter see the change.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from kooperacja.directory import search
from kooperacja.directory.models import (
    ACCESSIBILITY,
    CATEGORIES,
    FIELDS,
    TARGET_GROUPS,
    SearchTerm,
    ServedMunicipality,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from kooperacja.territory.models import Municipality


def served_municipality_ids(service: Service) -> set[int]:
    """The gminas whose residents the service reaches.

    Its service areas decide (a gmina, every gmina of a powiat or of a voivodeship); a service
    without a territorial area reaches the gminas it is delivered in, and failing that the
    territory of its institution (its gmina and the gminas it serves, else its powiat, else
    its voivodeship).
    """
    gminas: set[int] = set()
    counties: set[int] = set()
    voivodeships: set[int] = set()
    for area in service.service_areas.all():
        if area.municipality_id:
            gminas.add(area.municipality_id)
        elif area.county_id:
            counties.add(area.county_id)
        elif area.voivodeship_id:
            voivodeships.add(area.voivodeship_id)
    if not (gminas or counties or voivodeships):
        gminas = {
            sal.location.municipality_id
            for sal in service.service_at_locations.select_related("location")
            if sal.location.municipality_id
        }
    if not (gminas or counties or voivodeships):
        institution = service.institution
        if institution.municipality_id:
            gminas = {institution.municipality_id, *institution.serves.values_list("id", flat=True)}
        elif institution.county_id:
            counties.add(institution.county_id)
        else:
            voivodeships.add(institution.voivodeship_id)
    if counties or voivodeships:
        gminas.update(
            Municipality.objects.filter(county_id__in=counties).values_list("id", flat=True),
        )
        gminas.update(
            Municipality.objects.filter(county__voivodeship_id__in=voivodeships).values_list("id", flat=True),
        )
    return gminas


def search_terms_of(service: Service) -> set[str]:
    """What a resident may type to find the service: its names and descriptions, its
    categories and target groups, its institution and the localities it is delivered in."""
    texts = [
        service.name,
        service.alternate_name,
        service.description,
        service.eligibility_description,
        service.institution.name,
        service.institution.short_name,
    ]
    texts += [attribute.taxonomy_term.name for attribute in service.attributes.select_related("taxonomy_term")]
    for sal in service.service_at_locations.select_related("location__municipality").prefetch_related(
        "location__addresses"
    ):
        texts += [address.city for address in sal.location.addresses.all()]
        if sal.location.municipality:
            texts.append(sal.location.municipality.name)
    return search.index_terms(*texts)


def refresh_index(services: Iterable[Service]) -> None:
    """Rebuild the search terms and served gminas of the services from their current data."""
    with transaction.atomic():
        for service in services:
            SearchTerm.objects.filter(service=service).delete()
            SearchTerm.objects.bulk_create(SearchTerm(service=service, term=term) for term in search_terms_of(service))
            ServedMunicipality.objects.filter(service=service).delete()
            ServedMunicipality.objects.bulk_create(
                ServedMunicipality(service=service, municipality_id=gmina_id)
                for gmina_id in served_municipality_ids(service)
            )


# The taxonomies the platform ships; their terms are in data/taxonomy.csv.
SHIPPED_TAXONOMIES = {
    CATEGORIES: ("Kategorie usług", "Rodzaje usług instytucji współpracujących w Modelu Kooperacji."),
    TARGET_GROUPS: ("Grupy docelowe", "Dla kogo jest usługa."),
    ACCESSIBILITY: ("Dostępność", "Udogodnienia dla osób z niepełnosprawnością i inne sposoby dotarcia."),
    FIELDS: (
        "Pola Kooperacji",
        "Pola usług Kooperacji spoza HSDS 3.0 (kryteria, miejsca, bezpłatność), przenoszone jako atrybuty.",
    ),
}
TAXONOMY_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.csv"


def sync_taxonomy() -> int:
    """Add the shipped taxonomies and terms that are missing; returns how many terms were added.

    Terms already present are left as they are, so an administrator's renames and additions
    survive every deployment.
    """
    taxonomies = {}
    for code, (name, description) in SHIPPED_TAXONOMIES.items():
        taxonomies[code], _created = Taxonomy.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
    added = 0
    with TAXONOMY_FILE.open(encoding="utf-8", newline="") as rows:
        for position, row in enumerate(csv.DictReader(rows)):
            taxonomy = taxonomies[row["taxonomy"]]
            parent = TaxonomyTerm.objects.get(taxonomy=taxonomy, code=row["parent"]) if row["parent"] else None
            _term, created = TaxonomyTerm.objects.get_or_create(
                taxonomy=taxonomy,
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "description": row["description"],
                    "parent": parent,
                    "position": position,
                },
            )
            added += created
    return added
