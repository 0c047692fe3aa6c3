"""Building diagnoses for tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from kooperacja.assessment.models import Assessment
from kooperacja.assessment.services import Score, current_instrument, record_assessment
from kooperacja.cases.models import Case, Person


def all_scores(level: int = 3, **levels: int) -> dict[str, Score]:
    """A score for every domain of the current instrument: `level`, except those named."""
    codes = current_instrument().domains.values_list("code", flat=True)
    return {code: Score(level=levels.get(code, level)) for code in codes}


def assess(
    actor: Any,
    case: Case,
    person: Person | None = None,
    *,
    level: int = 3,
    levels: Mapping[str, int] | None = None,
    on: dt.date | None = None,
) -> Assessment:
    return record_assessment(
        actor, case, person, all_scores(level, **(levels or {})), on or timezone.localdate(), "Rozmowa w domu."
    )
