"""Building consultations, remarks and recommendations for the book's tests directly with the
ORM (the consultation pages are another area's). Each programme is a new one led by ROPS
Rzeszów with ROPS Kielce as a partner (community's programme factories)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile

from kooperacja.community.models import Programme
from kooperacja.community.tests.programme_factories import make_full_programme, rops
from kooperacja.learning.models import (
    Consultation,
    ConsultationParticipant,
    Recommendation,
    RecommendationBook,
    RecommendationKind,
    RecommendationStatus,
    Remark,
    RemarkTopic,
)


def make_programme() -> Programme:
    return make_full_programme()


def make_consultation(
    programme: Programme | None,
    *,
    title: str = "Konsultacja modelu w Sandomierzu",
    held_on: dt.date = dt.date(2019, 1, 25),
    place: str = "Sandomierz",
    organiser: str = "ROPS Kielce",
) -> Consultation:
    consultation = Consultation.objects.create(
        title=title, held_on=held_on, place=place, organiser=rops(organiser), programme=programme
    )
    ConsultationParticipant.objects.create(consultation=consultation, description="pracownicy GOPS-ów", people=12)
    ConsultationParticipant.objects.create(consultation=consultation, institution=rops(organiser), people=2)
    return consultation


def make_remark(consultation: Consultation, text: str = "Brakuje narzędzi kooperacji.", **fields: Any) -> Remark:
    fields.setdefault("topic", RemarkTopic.INSTRUMENTS)
    return Remark.objects.create(consultation=consultation, text=text, **fields)


def make_recommendation(
    programme: Programme | None,
    title: str = "Wspólna baza danych instytucji",
    *,
    status: str = RecommendationStatus.ACCEPTED,
    kind: str = RecommendationKind.MODEL_CHANGE,
    region: str = "ROPS Kielce",
    remarks: tuple[Remark, ...] = (),
    **fields: Any,
) -> Recommendation:
    fields.setdefault("text", "Instytucje prowadzą wspólny rejestr rodzin objętych kooperacją.")
    fields.setdefault("reason", "Uwagi z konsultacji to potwierdzają.")
    recommendation = Recommendation.objects.create(
        programme=programme, title=title, status=status, kind=kind, region=rops(region), **fields
    )
    recommendation.remarks.set(remarks)
    return recommendation


def make_book_data(programme: Programme, size: int = 3) -> list[Recommendation]:
    """`size` recommendations of every status but the last, each with a remark of one of two
    consultations; kinds and variants vary."""
    first = make_consultation(programme)
    second = make_consultation(
        programme,
        title="Konsultacja modelu w Rzeszowie",
        held_on=dt.date(2019, 1, 29),
        place="Rzeszów",
        organiser="ROPS Rzeszów",
    )
    statuses = [
        RecommendationStatus.ACCEPTED,
        RecommendationStatus.PARTLY,
        RecommendationStatus.IMPLEMENTED,
        RecommendationStatus.REJECTED,
        RecommendationStatus.PROPOSED,
    ]
    kinds = list(RecommendationKind)
    made = []
    for index in range(size):
        consultation = first if index % 2 == 0 else second
        remark = make_remark(consultation, f"Uwaga numer {index + 1} o kooperacji.")
        made.append(
            make_recommendation(
                programme,
                f"Rekomendacja {index + 1}",
                status=statuses[index % len(statuses)],
                kind=kinds[index % len(kinds)],
                region="ROPS Kielce" if index % 2 == 0 else "ROPS Rzeszów",
                remarks=(remark,),
                for_rural=True,
                for_city=index % 3 == 0,
                for_urban_rural=index % 2 == 1,
            )
        )
    return made


def make_stored_book(
    programme: Programme, publisher: Any = None, *, number: int = 1, content: bytes = b"%PDF-1.7 test book"
) -> RecommendationBook:
    """A published version whose stored file is `content` (no PDF is rendered)."""
    book = RecommendationBook(
        programme=programme,
        number=number,
        title=f"Księga Rekomendacji — {programme.name}",
        note="Pierwsza wersja.",
        recommendation_count=1,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        published_by=publisher,
    )
    book.file.save("ksiega.pdf", ContentFile(content), save=False)
    book.save()
    return book
