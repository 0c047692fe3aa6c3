"""/api/v1/trainings: trainings and „Szkoła kooperacji” courses, with their sessions and free places.

Every holder of a token reads every training, as every signed-in user does on the site: a
training holds no personal data of a case. What a partner system needs to offer it to its
staff is given — dates, places, capacity, free places, the waiting list's length — and no
other person's enrolment: a personal token's holder sees only their own (`my_enrolment`).
Enrolling stays on the site, where the holder chooses for which institution they go.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kooperacja.api.lists import page_of
from kooperacja.api.paging import PageNumberPaging
from kooperacja.api.schemas import InstitutionRef
from kooperacja.core.models import User
from kooperacja.learning import trainings as service
from kooperacja.learning.models import EnrolmentStatus, Topic, Training, TrainingKind
from kooperacja.learning.training_policies import get_training_for_user

router = Router(tags=["learning"])


class TeamRef(Schema):
    id: UUID
    name: str


class TrainingItemOut(Schema):
    id: UUID
    title: str
    kind: TrainingKind
    topic: Topic
    organiser: InstitutionRef
    team: TeamRef | None = Field(description="The cooperation team the training is for, if any.")
    first_start: dt.datetime | None = Field(description="When the first session starts; null: none planned yet.")
    last_end: dt.datetime | None
    session_count: int
    capacity: int
    enrolled: int
    free_places: int
    waiting: int = Field(description="How many wait on the waiting list.")
    enrolment_closes_on: dt.date | None
    is_cancelled: bool


class TrainingPageOut(Schema):
    items: list[TrainingItemOut]
    count: int


class SessionOut(Schema):
    id: UUID
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str


class MyEnrolmentOut(Schema):
    status: EnrolmentStatus
    waiting_place: int | None = Field(description="Place in the waiting list's queue (1 = next), when waiting.")


class TrainingOut(TrainingItemOut):
    description: str
    trainer: str
    required_attendance: int = Field(description="Share of the sessions (%) to attend for a certificate.")
    sessions: list[SessionOut]
    my_enrolment: MyEnrolmentOut | None = Field(description="The personal token holder's own enrolment, if any.")


class TrainingFilters(Schema):
    topic: Topic | None = Field(None, description="Only trainings of this topic.")
    kind: TrainingKind | None = Field(None, description="Only trainings of this kind.")
    when: str | None = Field(
        None,
        pattern=f"^({service.UPCOMING}|{service.PAST})$",
        description="upcoming: the last session has not ended (or none is planned yet); past: it has.",
    )


def _item(training: Training) -> dict[str, Any]:
    return {
        "id": training.public_id,
        "title": training.title,
        "kind": training.kind,
        "topic": training.topic,
        "organiser": {"id": training.organiser.public_id, "name": training.organiser.name},
        "team": {"id": training.team.public_id, "name": training.team.name} if training.team else None,
        "first_start": getattr(training, "first_start", None),
        "last_end": getattr(training, "last_end", None),
        "session_count": getattr(training, "session_count", 0),
        "capacity": training.capacity,
        "enrolled": getattr(training, "enrolled", 0),
        "free_places": service.free_places(training),
        "waiting": getattr(training, "waiting", 0),
        "enrolment_closes_on": training.enrolment_closes_on,
        "is_cancelled": training.is_cancelled,
    }


@router.get("", response=TrainingPageOut, summary="Trainings and Szkoła kooperacji courses")
def training_list(
    request: HttpRequest, filters: Query[TrainingFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """Newest first; with `when=upcoming`, soonest first."""
    found = service.for_list(topic=filters.topic or "", kind=filters.kind or "", when=filters.when or "")
    # for_list orders by the first session and the title; the id breaks ties, so pages never overlap.
    page, count = page_of(found.order_by(*found.query.order_by, "id"), paging)
    return {"items": [_item(training) for training in page], "count": count}


@router.get("/{id}", response=TrainingOut, summary="One training with its sessions and free places")
def training_detail(request: HttpRequest, id: UUID) -> dict[str, Any]:
    training, _access = get_training_for_user(request.user, id)
    shown = service.with_figures(Training.objects.filter(pk=training.pk)).get()
    mine = service.enrolment_of(request.user, shown) if isinstance(request.user, User) else None
    return {
        **_item(shown),
        "description": shown.description,
        "trainer": shown.trainer,
        "required_attendance": shown.required_attendance,
        "sessions": [
            {
                "id": session.public_id,
                "title": session.title,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "place": session.place,
            }
            for session in shown.sessions.order_by("starts_at", "id")
        ],
        "my_enrolment": (
            {"status": mine.status, "waiting_place": service.waiting_place(mine)} if mine is not None else None
        ),
    }
