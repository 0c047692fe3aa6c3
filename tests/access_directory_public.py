"""Access-matrix rows of the service directory: public (see tests/access_rows.py).

The public directory, its service pages, the printable Informator and the services API are
open to everyone: anonymous visitors and every persona get the same answer, and a token
(sent to the API) changes nothing.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import PUBLIC, ApiRow, Getter, UrlRow

MIRZEC = "2611032"


def listed_service() -> Any:
    """A service the public sees: one of the demo's, or a new one when the demo has none (the
    HSDS rows use it too)."""
    from kooperacja.directory.models import Service
    from kooperacja.directory.services import refresh_index
    from kooperacja.institutions.models import Institution

    service = Service.objects.listed().select_related("institution").order_by("pk").first()
    if service is None:
        service = Service.objects.create(
            institution=Institution.objects.get(kind="gops", municipality__code=MIRZEC), name="Praca socjalna"
        )
        refresh_index([service])
    return service


def _listed_service(persona: Getter) -> dict[str, Any]:
    return {"public_id": listed_service().public_id}


URL_ROWS: list[UrlRow] = [
    UrlRow("directory:search", PUBLIC),
    UrlRow("directory:service", PUBLIC, kwargs=_listed_service),
    UrlRow("directory:informator", PUBLIC, kwargs=lambda persona: {"teryt": MIRZEC}),
]
API_ROWS: list[ApiRow] = [
    ApiRow("GET", "/services", PUBLIC),
    ApiRow("GET", "/services/{id}", PUBLIC, params=lambda persona: {"id": _listed_service(persona)["public_id"]}),
]
