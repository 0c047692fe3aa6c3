"""Good practices for tests, written through the service."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kooperacja.cases.demo import MIRZEC
from kooperacja.learning import practices as service
from kooperacja.learning.models import GoodPractice
from kooperacja.territory.models import Municipality


def practice_data(**changes: Any) -> service.PracticeData:
    values: dict[str, Any] = {
        "municipality": Municipality.objects.select_related("county").get(code=MIRZEC),
        "title": "Praktyka z testu",
        "summary": "Jedno zdanie o praktyce.",
        "description": "Co zrobiono.",
        "results": "",
        "year": timezone.localdate().year,
        "tags": [],
        "new_tags": [],
    }
    return service.PracticeData(**(values | changes))


def make_practice(actor: Any = None, *, published: bool = True, **changes: Any) -> GoodPractice:
    practice = service.create_practice(actor, practice_data(**changes))
    if published:
        practice = service.set_published(actor, practice, practice.version, published=True)
    return practice
