"""Trainings as evidence that an obligation was met (DESIGN.md §3: core owns evidence links;
teams owns the obligations and lets apps above it offer candidates): a training organised for
a team by an organiser that works with the team (`training_policies.organised_for`), of which at
least one session has ended, may be linked to that team's obligations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, Min, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kooperacja.core.evidence import register_kind
from kooperacja.learning.models import Training, TrainingSession
from kooperacja.learning.training_policies import organised_for

PREFIX = "training"


def _held_for(team: Any) -> QuerySet[Training]:
    ended = TrainingSession.objects.filter(training=OuterRef("pk"), ends_at__lte=timezone.now())
    return Training.objects.filter(team=team, is_cancelled=False).filter(organised_for(team)).filter(Exists(ended))


def candidates(team: Any) -> list[Training]:
    """The team's trainings that took place (at least one session ended), newest first, each with
    the start of its first session (`first_start`), which its title shows."""
    first = (
        TrainingSession.objects.filter(training=OuterRef("pk"))
        .order_by()
        .values("training")
        .annotate(first=Min("starts_at"))
        .values("first")
    )
    return list(_held_for(team).annotate(first_start=Subquery(first)).order_by("-created_at"))


def find(team: Any, key: str) -> Training | None:
    prefix, _sep, public_id = key.partition(":")
    if prefix != PREFIX:
        return None
    try:
        return _held_for(team).filter(public_id=public_id).first()
    except (ValueError, ValidationError):
        return None


def _title(training: Training) -> str:
    if hasattr(training, "first_start"):
        starts = training.first_start
    else:
        first = training.sessions.order_by("starts_at").first()
        starts = first.starts_at if first else None
    if starts is None:
        return training.title
    return f"{training.title} ({date_format(timezone.localtime(starts).date(), 'SHORT_DATE_FORMAT')})"


def register() -> None:
    from kooperacja.teams.agreements import register_evidence_source

    register_kind(
        Training,
        label=_("training"),
        title=_title,
        url=lambda training: reverse("learning:training", args=[training.public_id]),
    )
    register_evidence_source(PREFIX, candidates, find)
