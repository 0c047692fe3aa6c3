"""Demo of the Księga Rekomendacji: version 1 of the book of „Liderzy kooperacji”, published by
rops.rzeszow (the programme's leader) from the recommendations the consultations demo loaded.

Idempotent: nothing happens when the programme already has a version, and nothing when there
is no accepted recommendation yet (the consultations demo loads before this one)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import get_user_model

from kooperacja.community.demo_programme import PROGRAMME_ID
from kooperacja.community.models import Programme
from kooperacja.learning import book
from kooperacja.learning.book_policies import publisher_institution
from kooperacja.learning.models import Recommendation, RecommendationBook

PUBLISHER = "rops.rzeszow"
NOTE = (
    "Pierwsza wersja Księgi Rekomendacji: rekomendacje wypracowane z uwag zgłoszonych podczas konsultacji "
    "modelu kooperacji w 2019 roku."
)


def load(log: Callable[[str], None]) -> None:
    programme = Programme.objects.filter(public_id=PROGRAMME_ID).first()
    if programme is None:
        return
    if RecommendationBook.objects.filter(programme=programme).exists():
        return
    if not Recommendation.objects.filter(programme=programme, status__in=book.ADOPTED).exists():
        log("Learning: no accepted recommendation of „Liderzy kooperacji” yet, so no Księga Rekomendacji.")
        return
    publisher = get_user_model().objects.filter(username=PUBLISHER).first()
    started = time.monotonic()
    version = book.publish(
        publisher, programme, NOTE, publisher_institution=publisher_institution(publisher, programme)
    )
    log(
        f"Learning: the Księga Rekomendacji of „Liderzy kooperacji”, version {version.number} "
        f"({version.recommendation_count} recommendations, {time.monotonic() - started:.1f} s)."
    )
