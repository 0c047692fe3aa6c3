"""Access-matrix rows of the service directory: manage (see tests/access_rows.py).

Managers and partner staff keep their own institution's entries, the administrator every
entry (DESIGN.md §1). The entries list is 403 for roles that never keep services (as the
institutions list is); a GOPS Mirzec service or the GOPS itself is 404 outside GOPS Mirzec and
403 for its staff who may not edit (its social workers and family assistant).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, _gops_mirzec, answers, gops_mirzec_managed
from tests.personas import ADMIN, LEADER, POLICE, SCHOOL


def _service(persona: Getter) -> Any:
    """A service of GOPS Mirzec with one place, added by its manager."""
    from kooperacja.directory.upkeep import create_service
    from kooperacja.territory.models import Municipality

    place = {
        "name": "Siedziba GOPS",
        "address_1": "Mirzec-Majorat 1",
        "postal_code": "27-220",
        "city": "Mirzec",
        "municipality": Municipality.objects.get(code="2611032"),
        "hours": {"MO": (dt.time(8), dt.time(16))},
    }
    return create_service(persona(LEADER), _gops_mirzec(), {"name": "Poradnictwo rodzinne (macierz)"}, place)


def _service_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _service(persona).public_id}


def _place_ids(persona: Getter) -> dict[str, Any]:
    service = _service(persona)
    location = service.service_at_locations.get().location
    return {"public_id": service.public_id, "location_id": location.public_id}


def _institution_ids(persona: Getter) -> dict[str, Any]:
    return {"institution_id": _gops_mirzec().public_id}


KEEPERS = answers(403, {ADMIN: 200, LEADER: 200, SCHOOL: 200, POLICE: 200})

URL_ROWS: list[UrlRow] = [
    UrlRow("directory:manage", KEEPERS),
    UrlRow("directory:service_add", gops_mirzec_managed(200), kwargs=_institution_ids, wrong_method="DELETE"),
    UrlRow("directory:service_edit", gops_mirzec_managed(200), kwargs=_service_ids, wrong_method="DELETE"),
    UrlRow("directory:service_history", gops_mirzec_managed(200), kwargs=_service_ids),
    # Confirming sends the keeper back to the entry.
    UrlRow(
        "directory:service_verify", gops_mirzec_managed(302), method="POST", kwargs=_service_ids, wrong_method="GET"
    ),
    UrlRow("directory:location_add", gops_mirzec_managed(200), kwargs=_service_ids, wrong_method="DELETE"),
    UrlRow("directory:location_edit", gops_mirzec_managed(200), kwargs=_place_ids, wrong_method="DELETE"),
    UrlRow("directory:location_remove", gops_mirzec_managed(200), kwargs=_place_ids, wrong_method="DELETE"),
]
API_ROWS: list[ApiRow] = []
