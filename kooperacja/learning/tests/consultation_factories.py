"""Building consultations, remarks and recommendations for tests: each call makes new records
(never the demo's), organised and kept by ROPS Kielce unless a test says otherwise, so tests
filter by their own objects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kooperacja.institutions.models import Institution
from kooperacja.learning import consultations as service
from kooperacja.learning.models import Consultation, Recommendation, Remark

KIELCE = "ROPS Kielce"
RZESZOW = "ROPS Rzeszów"


def region(short_name: str = KIELCE) -> Institution:
    return Institution.objects.get(short_name=short_name)


def make_consultation(
    actor: Any = None,
    *,
    organiser: str = KIELCE,
    place: str = "Sandomierz",
    held_on: dt.date = dt.date(2019, 1, 25),
    title: str = "Konsultacje testowe",
) -> Consultation:
    data = service.ConsultationData(title=title, held_on=held_on, place=place, organiser=region(organiser))
    return service.create_consultation(actor, data)


def make_remark(
    consultation: Consultation | None = None,
    actor: Any = None,
    *,
    topic: str = "instruments",
    text: str = "Brak wspólnej bazy danych.",
) -> Remark:
    return service.add_remark(actor, consultation or make_consultation(actor), topic=topic, text=text, raised_by="GOPS")


def make_recommendation(
    actor: Any = None,
    *,
    region_name: str = KIELCE,
    kind: str = "model_change",
    remarks: tuple[Remark, ...] = (),
    variants: frozenset[str] = frozenset({"rural"}),
    title: str = "Wspólna baza danych",
) -> Recommendation:
    data = service.RecommendationData(
        title=title, text="Wprowadzić wspólną bazę danych.", kind=kind, variants=variants, remarks=remarks
    )
    return service.create_recommendation(actor, region(region_name), data)
