"""Support activities for tests, on the demo's teams and institutions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from kooperacja.cases.demo import MIRZEC, demo_uuid
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.learning import support as service
from kooperacja.learning.demo_support import OKSA, ROPS_KIELCE
from kooperacja.learning.models import SupportActivity, SupportKind
from kooperacja.teams.models import Team

__all__ = ["MIRZEC", "OKSA", "make_activity", "pcpr", "rops_kielce", "rops_rzeszow", "team"]


def team(code: str = MIRZEC) -> Team:
    return Team.objects.select_related("county", "municipality").get(public_id=demo_uuid("team", code))


def rops_kielce() -> Institution:
    return Institution.objects.get(name=ROPS_KIELCE)


def rops_rzeszow() -> Institution:
    return Institution.objects.get(short_name="ROPS Rzeszów")


def pcpr(county_code: str = "2611") -> Institution:
    return Institution.objects.get(kind=InstitutionKind.PCPR, county__code=county_code)


def data(**changes: Any) -> service.SupportData:
    values: dict[str, Any] = {
        "kind": SupportKind.ADVISORY,
        "subject": "Doradztwo z testu",
        "provided_by": rops_kielce(),
        "team": team(),
        "starts_on": dt.date(2019, 4, 10),
        "ends_on": dt.date(2019, 4, 10),
        "place": "Mirzec",
        "hours": Decimal("3.0"),
        "participant_count": 5,
        "participants": (),
        "findings": "",
    }
    return service.SupportData(**(values | changes))


def make_activity(actor: Any = None, participants: Sequence[Institution] = (), **changes: Any) -> SupportActivity:
    return service.record_support(actor, data(participants=participants, **changes))
