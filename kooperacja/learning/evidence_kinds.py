"""Trainings as evidence that an obligation was met (DESIGN.md §3: core owns evidence links;
teams owns the obligations and lets apps above it offer candidates): a training organised for
a team, of which at least one session has ended, may be linked to that team's obligations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kooperacja.core.evidence import register_kind
from kooperacja.learning.models import Training, TrainingSession

PREFIX = "training"


def _held_for(team: Any) -> QuerySet[Training]:
    ended = TrainingSession.objects.filter(training=OuterRef("pk"), ends_at__lte=timezone.now())
    return Training.objects.filter(team=team, is_cancelled=False).filter(Exists(ended))


def candidates(team: Any) -> list[Training]:
    """The team's trainings that took place (at least one session ended), newest first."""
    return list(_held_for(team).order_by("-created_at"))


def find(team: Any, key: str) -> Training | None:
    prefix, _sep, public_id = key.partition(":")
    if prefix != PREFIX:
        return None
    try:
        return _held_for(team).filter(public_id=public_id).first()
    except (ValueError, ValidationError):
        return None


def _title(training: Training) -> str:
    first = training.sessions.order_by("starts_at").first()
    if first is None:
        return training.title
    return f"{training.title} ({date_format(timezone.localtime(first.starts_at).date(), 'SHORT_DATE_FORMAT')})"


def register() -> None:
    from kooperacja.teams.agreements import register_evidence_source

    register_kind(
        Training,
        label=_("training"),
        title=_title,
        url=lambda training: reverse("learning:training", args=[training.public_id]),
    )
    register_evidence_source(PREFIX, candidates, find)
