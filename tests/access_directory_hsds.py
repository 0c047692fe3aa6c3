"""Access-matrix rows of the service directory: hsds (see tests/access_rows.py).

The HSDS API is a public read (DESIGN.md §1, `public`): everyone, with a token or without,
gets 200 for what the directory lists and 404 (in the error shape) for an id it does not serve.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.access_directory_public import listed_service
from tests.access_rows import PUBLIC, ApiRow, Getter, UrlRow, answers

NOT_FOUND = answers(404, anonymous=404)


def _service(persona: Getter) -> dict[str, Any]:
    return {"id": listed_service().public_id}


def _organization(persona: Getter) -> dict[str, Any]:
    return {"id": listed_service().institution.public_id}


def _service_at_location(persona: Getter) -> dict[str, Any]:
    from kooperacja.directory.models import Location, ServiceAtLocation

    service = listed_service()
    sal = service.service_at_locations.order_by("pk").first()
    if sal is None:
        sal = ServiceAtLocation.objects.create(service=service, location=Location.objects.create(name="Siedziba"))
    return {"id": sal.public_id}


def _taxonomy(persona: Getter) -> dict[str, Any]:
    from kooperacja.directory.models import CATEGORIES, Taxonomy

    return {"id": Taxonomy.objects.get(code=CATEGORIES).public_id}


def _term(persona: Getter) -> dict[str, Any]:
    from kooperacja.directory.models import TaxonomyTerm

    return {"id": TaxonomyTerm.objects.categories().order_by("pk").first().public_id}  # type: ignore[union-attr]


def _unknown(persona: Getter) -> dict[str, Any]:
    return {"id": uuid.uuid4()}


URL_ROWS: list[UrlRow] = []
API_ROWS: list[ApiRow] = [
    ApiRow("GET", "/hsds/", PUBLIC),
    ApiRow("GET", "/hsds/services", PUBLIC),
    ApiRow("GET", "/hsds/services/{id}", PUBLIC, params=_service),
    ApiRow("GET", "/hsds/services/{id}", NOT_FOUND, params=_unknown),
    ApiRow("GET", "/hsds/organizations", PUBLIC),
    ApiRow("GET", "/hsds/organizations/{id}", PUBLIC, params=_organization),
    ApiRow("GET", "/hsds/organizations/{id}", NOT_FOUND, params=_unknown),
    ApiRow("GET", "/hsds/service_at_locations", PUBLIC),
    ApiRow("GET", "/hsds/service_at_locations/{id}", PUBLIC, params=_service_at_location),
    ApiRow("GET", "/hsds/service_at_locations/{id}", NOT_FOUND, params=_unknown),
    ApiRow("GET", "/hsds/taxonomies", PUBLIC),
    ApiRow("GET", "/hsds/taxonomies/{id}", PUBLIC, params=_taxonomy),
    ApiRow("GET", "/hsds/taxonomies/{id}", NOT_FOUND, params=_unknown),
    ApiRow("GET", "/hsds/taxonomy_terms", PUBLIC),
    ApiRow("GET", "/hsds/taxonomy_terms/{id}", PUBLIC, params=_term),
    ApiRow("GET", "/hsds/taxonomy_terms/{id}", NOT_FOUND, params=_unknown),
]
