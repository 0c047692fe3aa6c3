"""Trainings and the „Szkoła kooperacji”: defining a training and its sessions, enrolment with a
waiting list, attendance, issuing and revoking certificates, and the figures the pages show.

The caller has checked the actor's right (`training_policies`); a refusal is a
`ValidationError` with a Polish message and saves nothing; a stale version raises
`StaleTraining`; every change writes one audit event. Places are counted with the training row
locked (`select_for_update`), so two people asking for the last place never both get it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.core.notifications import notify
from kooperacja.core.policies import memberships
from kooperacja.institutions.models import Institution
from kooperacja.learning import certificates, training_policies
from kooperacja.learning.models import (
    Certificate,
    Enrolment,
    EnrolmentStatus,
    SessionAttendance,
    Training,
    TrainingSession,
)

NOTIFICATION_KIND = "learning.training"


class StaleTraining(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this training while you were editing it.")


def _audit(action: str, actor: Any, training: Training, obj: Any, **details: Any) -> None:
    audit.record(
        action,
        actor=actor,
        obj=obj,
        institution_id=training.organiser_id,
        details={"training": str(training.public_id), **{key: str(value) for key, value in details.items()}},
    )


def _by(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def training_url(training: Training) -> str:
    return reverse("learning:training", args=[training.public_id])


# --- Lists and figures -------------------------------------------------------------------------


def _count_of(status: str) -> Subquery:
    return Subquery(
        Enrolment.objects.filter(training=OuterRef("pk"), status=status)
        .order_by()
        .values("training")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _session_edge(field_name: str, aggregate: type[Min] | type[Max]) -> Subquery:
    return Subquery(
        TrainingSession.objects.filter(training=OuterRef("pk"))
        .order_by()
        .values("training")
        .annotate(edge=aggregate(field_name))
        .values("edge")
    )


def with_figures(trainings: QuerySet[Training]) -> QuerySet[Training]:
    """Each training with `first_start`, `last_end`, `session_count`, `enrolled` and `waiting`
    (subqueries, so the counts never multiply one another)."""
    return trainings.select_related("organiser", "team").annotate(
        first_start=_session_edge("starts_at", Min),
        last_end=_session_edge("ends_at", Max),
        session_count=Coalesce(
            Subquery(
                TrainingSession.objects.filter(training=OuterRef("pk"))
                .order_by()
                .values("training")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        enrolled=Coalesce(_count_of(EnrolmentStatus.ENROLLED), Value(0)),
        waiting=Coalesce(_count_of(EnrolmentStatus.WAITING), Value(0)),
    )


UPCOMING = "upcoming"
PAST = "past"


def for_list(*, topic: str = "", kind: str = "", when: str = "") -> QuerySet[Training]:
    """Trainings for the list, filtered by topic, kind and whether they are still to come (their
    last session has not ended, or no session is planned yet) or past; soonest first."""
    trainings = with_figures(Training.objects.all())
    if topic:
        trainings = trainings.filter(topic=topic)
    if kind:
        trainings = trainings.filter(kind=kind)
    now = timezone.now()
    # `first_start` and `last_end` are annotated by with_figures; named through variables, since
    # django-stubs checks literal keywords against the model's own fields only.
    first, last = "first_start", "last_end"
    if when == UPCOMING:
        trainings = trainings.filter(Q(**{f"{last}__isnull": True}) | Q(**{f"{last}__gt": now}))
        return trainings.order_by(first, "title")
    if when == PAST:
        trainings = trainings.filter(**{f"{last}__lte": now})
    return trainings.order_by(f"-{first}", "title")


def free_places(training: Training) -> int:
    return max(0, training.capacity - getattr(training, "enrolled", 0))


def waiting_place(enrolment: Enrolment) -> int | None:
    """The enrolment's place in the waiting-list queue (1 = next to get a place), or None."""
    if enrolment.status != EnrolmentStatus.WAITING:
        return None
    ahead = Enrolment.objects.filter(training_id=enrolment.training_id, status=EnrolmentStatus.WAITING).filter(
        Q(asked_at__lt=enrolment.asked_at) | Q(asked_at=enrolment.asked_at, id__lt=enrolment.pk)
    )
    return ahead.count() + 1


def enrolment_of(user: Any, training: Training) -> Enrolment | None:
    return Enrolment.objects.filter(training=training, user=user).select_related("institution").first()


def attendance_table(training: Training) -> tuple[list[TrainingSession], list[tuple[Enrolment, list[bool | None]]]]:
    """The sessions and, for each enrolled person (in the order they asked), whether they were
    present at each session (None: not recorded)."""
    sessions = list(training.sessions.all())
    enrolled = list(
        Enrolment.objects.filter(training=training, status=EnrolmentStatus.ENROLLED).select_related(
            "user", "institution"
        )
    )
    marks = {
        (row.enrolment_id, row.session_id): row.present
        for row in SessionAttendance.objects.filter(session__training=training)
    }
    return sessions, [(one, [marks.get((one.pk, session.pk)) for session in sessions]) for one in enrolled]


def waiting_list(training: Training) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(training=training, status=EnrolmentStatus.WAITING).select_related(
            "user", "institution"
        )
    )


# --- The training itself -----------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingData:
    title: str
    kind: str
    topic: str
    organiser: Institution
    capacity: int
    description: str = ""
    team: Any = None
    trainer: str = ""
    enrolment_closes_on: dt.date | None = None
    required_attendance: int = 100


def _checked(data: TrainingData) -> TrainingData:
    if not data.title.strip():
        raise ValidationError({"title": [_("Give the training a title.")]})
    if data.capacity is None or data.capacity < 1:
        raise ValidationError({"capacity": [_("A training needs at least one place.")]})
    if not 1 <= data.required_attendance <= 100:
        raise ValidationError({"required_attendance": [_("Give a share between 1 and 100%.")]})
    if data.team is not None and not training_policies.serves_team(data.organiser, data.team):
        raise ValidationError(
            {
                "team": [
                    _(
                        "%(organiser)s is not a member of this team and does not support its powiat or "
                        "voivodeship; choose a team the organiser works with."
                    )
                    % {"organiser": data.organiser.name}
                ]
            }
        )
    return data


def _closing_checked(closes_on: dt.date | None, training: Training | None) -> None:
    """Enrolment cannot close in the past (checked on a new training, and on a training whose
    closing date changes) nor after the first session has started."""
    if closes_on is None:
        return
    if closes_on < timezone.localdate() and (training is None or training.enrolment_closes_on != closes_on):
        raise ValidationError({"enrolment_closes_on": [_("Enrolment cannot close on a day in the past.")]})
    first = training.sessions.aggregate(first=Min("starts_at"))["first"] if training is not None else None
    if first is not None and closes_on > timezone.localdate(first):
        raise ValidationError(
            {
                "enrolment_closes_on": [
                    _("Enrolment must close by the day of the first session (%(date)s).")
                    % {"date": timezone.localdate(first).strftime("%d.%m.%Y")}
                ]
            }
        )


def create_training(actor: Any, data: TrainingData) -> Training:
    """Define a training; its sessions are added afterwards."""
    data = _checked(data)
    _closing_checked(data.enrolment_closes_on, None)
    with transaction.atomic():
        training = Training.objects.create(
            title=data.title.strip()[:300],
            kind=data.kind,
            topic=data.topic,
            description=data.description.strip(),
            organiser=data.organiser,
            team=data.team,
            trainer=data.trainer.strip()[:200],
            capacity=data.capacity,
            enrolment_closes_on=data.enrolment_closes_on,
            required_attendance=data.required_attendance,
            created_by=_by(actor),
        )
        _audit(AuditAction.CREATE, actor, training, training)
    return training


def update_training(actor: Any, training: Training, version: int | None, data: TrainingData) -> Training:
    """Change a training. Fewer places than people already enrolled is refused; more places
    give them to the first people on the waiting list."""
    data = _checked(data)
    with transaction.atomic():
        current = Training.objects.select_for_update().get(pk=training.pk)
        versioning.check_version(current, version, StaleTraining)
        if current.is_cancelled:
            raise ValidationError(_("The training is cancelled; it cannot be changed."))
        _closing_checked(data.enrolment_closes_on, current)
        enrolled = current.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
        if data.capacity < enrolled:
            raise ValidationError(
                {
                    "capacity": [
                        _("%(count)s people are already enrolled; the places cannot be fewer.") % {"count": enrolled}
                    ]
                }
            )
        current.title = data.title.strip()[:300]
        current.kind, current.topic, current.organiser, current.team = data.kind, data.topic, data.organiser, data.team
        current.description, current.trainer = data.description.strip(), data.trainer.strip()[:200]
        current.capacity, current.enrolment_closes_on = data.capacity, data.enrolment_closes_on
        current.required_attendance = data.required_attendance
        current.save(
            update_fields=[
                "title",
                "kind",
                "topic",
                "organiser",
                "team",
                "description",
                "trainer",
                "capacity",
                "enrolment_closes_on",
                "required_attendance",
                *versioning.bump(current),
            ]
        )
        promoted = _promote(current)
        _audit(AuditAction.UPDATE, actor, current, current, promoted=len(promoted))
    return current


def cancel_training(actor: Any, training: Training) -> Training:
    """Cancel a training that has not ended; everyone enrolled or waiting is told."""
    with transaction.atomic():
        current = Training.objects.select_for_update().get(pk=training.pk)
        if current.is_cancelled:
            raise ValidationError(_("The training is already cancelled."))
        last_end = current.sessions.aggregate(last=Max("ends_at"))["last"]
        if last_end is not None and last_end <= timezone.now():
            raise ValidationError(_("The training has already taken place; it cannot be cancelled."))
        current.is_cancelled = True
        current.save(update_fields=["is_cancelled", *versioning.bump(current)])
        told = current.enrolments.exclude(status=EnrolmentStatus.CANCELLED).select_related("user")
        title = _("A training you enrolled in was cancelled")
        for enrolment in told:
            notify(enrolment.user, kind=NOTIFICATION_KIND, title=title, url=training_url(current))
        _audit(AuditAction.UPDATE, actor, current, current, cancelled=True)
    return current


# --- Sessions ----------------------------------------------------------------------------------


def _session_checked(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    if starts_at is None:
        raise ValidationError({"starts_at": [_("Give the start of the session.")]})
    if ends_at is None:
        raise ValidationError({"ends_at": [_("Give the end of the session.")]})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("The session must end after it starts.")]})
    return starts_at, ends_at


def add_session(
    actor: Any,
    training: Training,
    *,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    title: str = "",
    place: str = "",
) -> TrainingSession:
    """Add a session (a day, or a part of one) to a training that is not cancelled."""
    starts, ends = _session_checked(starts_at, ends_at)
    if training.is_cancelled:
        raise ValidationError(_("The training is cancelled; it cannot get sessions."))
    with transaction.atomic():
        session = TrainingSession.objects.create(
            training=training,
            title=title.strip()[:300],
            starts_at=starts,
            ends_at=ends,
            place=place.strip()[:300],
        )
        _audit(AuditAction.CREATE, actor, training, session)
    return session


def update_session(
    actor: Any,
    session: TrainingSession,
    *,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    title: str = "",
    place: str = "",
) -> TrainingSession:
    """Change a session's time or place. A session with attendance recorded keeps its times."""
    starts, ends = _session_checked(starts_at, ends_at)
    training = session.training
    if training.is_cancelled:
        raise ValidationError(_("The training is cancelled; its sessions cannot be changed."))
    with transaction.atomic():
        current = TrainingSession.objects.select_for_update().get(pk=session.pk)
        moved = current.starts_at != starts or current.ends_at != ends
        if moved and current.attendance.exists():
            raise ValidationError(
                {"starts_at": [_("Attendance is already recorded for this session; its times cannot change.")]}
            )
        current.title, current.place = title.strip()[:300], place.strip()[:300]
        current.starts_at, current.ends_at = starts, ends
        current.save(update_fields=["title", "place", "starts_at", "ends_at"])
        _audit(AuditAction.UPDATE, actor, training, current)
    return current


# --- Enrolment ---------------------------------------------------------------------------------


def institutions_of(user: Any) -> list[Institution]:
    """The institutions of the user's active memberships, each once, in their order."""
    seen: dict[int, Institution] = {}
    for membership in memberships(user):
        seen.setdefault(membership.institution_id, membership.institution)
    return list(seen.values())


def _enrolment_open(training: Training, today: dt.date, now: dt.datetime) -> None:
    if training.is_cancelled:
        raise ValidationError(_("The training is cancelled; enrolment is closed."))
    if training.enrolment_closes_on is not None and training.enrolment_closes_on < today:
        raise ValidationError(
            _("Enrolment closed on %(date)s.") % {"date": training.enrolment_closes_on.strftime("%d.%m.%Y")}
        )
    first = training.sessions.aggregate(first=Min("starts_at"))["first"]
    if first is not None and first <= now:
        raise ValidationError(_("The training has already started; enrolment is closed."))


def enrol(actor: Any, training: Training, institution: Institution | None = None) -> Enrolment:
    """Enrol the actor: a place while there is one, else the end of the waiting list. The
    enrolment records the actor's institution (the first of their memberships unless they chose
    one of the others). Refused: no active membership, twice, after enrolment closed, after the
    first session started, on a cancelled training."""
    own = institutions_of(actor)
    if not own:
        raise ValidationError(_("Only staff of an institution on the platform can enrol."))
    if institution is None:
        institution = own[0]
    elif institution.pk not in {one.pk for one in own}:
        raise ValidationError({"institution": [_("Choose one of your institutions.")]})
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = Training.objects.select_for_update().get(pk=training.pk)
            _enrolment_open(locked, timezone.localdate(), now)
            existing = Enrolment.objects.select_for_update().filter(training=locked, user=actor).first()
            if existing is not None and existing.status == EnrolmentStatus.ENROLLED:
                raise ValidationError(_("You are already enrolled in this training."))
            if existing is not None and existing.status == EnrolmentStatus.WAITING:
                raise ValidationError(_("You are already on the waiting list of this training."))
            taken = locked.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
            waiting = locked.enrolments.filter(status=EnrolmentStatus.WAITING).exists()
            status = EnrolmentStatus.ENROLLED if taken < locked.capacity and not waiting else EnrolmentStatus.WAITING
            if existing is None:
                enrolment = Enrolment.objects.create(
                    training=locked, user=actor, institution=institution, status=status, asked_at=now, changed_at=now
                )
            else:
                # Coming back after cancelling: at the end of the queue, as a new request.
                enrolment = existing
                enrolment.institution, enrolment.status = institution, status
                enrolment.asked_at = enrolment.changed_at = now
                enrolment.save(
                    update_fields=["institution", "status", "asked_at", "changed_at", *versioning.bump(enrolment)]
                )
            _audit(AuditAction.CREATE, actor, locked, enrolment, status=status)
    except IntegrityError:  # the same person's second click, saved at the same moment
        raise ValidationError(_("You are already enrolled in this training.")) from None
    return enrolment


def _promote(training: Training) -> list[Enrolment]:
    """Give free places to the first people on the waiting list (training row locked by the
    caller) and tell each of them."""
    taken = training.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    free = training.capacity - taken
    if free <= 0 or training.is_cancelled:
        return []
    promoted = list(training.enrolments.filter(status=EnrolmentStatus.WAITING).select_related("user")[:free])
    now = timezone.now()
    for enrolment in promoted:
        enrolment.status, enrolment.changed_at = EnrolmentStatus.ENROLLED, now
        enrolment.save(update_fields=["status", "changed_at", *versioning.bump(enrolment)])
        notify(
            enrolment.user,
            kind=NOTIFICATION_KIND,
            title=_("A place on a training became free: you are enrolled"),
            url=training_url(training),
        )
    return promoted


def cancel_enrolment(actor: Any, enrolment: Enrolment) -> Enrolment:
    """The person gives up their place (or their place on the waiting list); a freed place goes
    to the first person waiting. A place is kept once the training has started."""
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=enrolment.training_id)
        current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if current.status == EnrolmentStatus.CANCELLED:
            raise ValidationError(_("This enrolment is already cancelled."))
        first = training.sessions.aggregate(first=Min("starts_at"))["first"]
        if current.status == EnrolmentStatus.ENROLLED and first is not None and first <= timezone.now():
            raise ValidationError(_("The training has already started; ask the organiser to take you off the list."))
        was = current.status
        current.status, current.changed_at = EnrolmentStatus.CANCELLED, timezone.now()
        current.save(update_fields=["status", "changed_at", *versioning.bump(current)])
        promoted = _promote(training) if was == EnrolmentStatus.ENROLLED else []
        _audit(AuditAction.UPDATE, actor, training, current, status=current.status, promoted=len(promoted))
    return current


# --- Attendance --------------------------------------------------------------------------------


@dataclass
class AttendanceSaved:
    """What saving a session's attendance did: how many were present, and the certificates
    revoked because the correction left their holders below the required share."""

    present: int
    revoked: list[Certificate] = field(default_factory=list)


def record_attendance(actor: Any, session: TrainingSession, present: set[int]) -> int:
    """Keep who was present at a session (see `save_attendance`); returns how many were present."""
    return save_attendance(actor, session, present).present


def save_attendance(actor: Any, session: TrainingSession, present: set[int]) -> AttendanceSaved:
    """Keep who of the enrolled people was present at a session that has started (`present`:
    enrolment ids). An issued certificate whose holder no longer reaches the training's required
    share is revoked in the same transaction, and its holder is told. (The hours of a certificate
    that still qualifies are not recomputed.)

    The session and its training are locked and read again first, so two organisers saving at
    once take turns (the later save wins, neither fails) and a training cancelled or a session
    moved since the page was read is refused on what holds now."""
    with transaction.atomic():
        current = TrainingSession.objects.select_for_update().select_related("training").get(pk=session.pk)
        training = current.training
        if training.is_cancelled:
            raise ValidationError(_("The training is cancelled; attendance is not kept."))
        now = timezone.now()
        if current.starts_at > now:
            raise ValidationError(_("The session has not started yet; attendance can be kept once it starts."))
        enrolled = set(
            Enrolment.objects.filter(training=training, status=EnrolmentStatus.ENROLLED).values_list("pk", flat=True)
        )
        if not present <= enrolled:
            raise ValidationError({"present": [_("Only people enrolled in the training can be marked present.")]})
        marked = dict(SessionAttendance.objects.filter(session=current).values_list("enrolment_id", "present"))
        for enrolment_id in enrolled:
            mark = enrolment_id in present
            if marked.get(enrolment_id) != mark:
                SessionAttendance.objects.update_or_create(
                    session=current,
                    enrolment_id=enrolment_id,
                    defaults={"present": mark, "recorded_by": _by(actor), "recorded_at": now},
                )
        revoked = _revoke_below_share(actor, training)
        _audit(AuditAction.UPDATE, actor, training, current, present=len(present), revoked=len(revoked))
    return AttendanceSaved(len(present), revoked)


def _revoke_below_share(actor: Any, training: Training) -> list[Certificate]:
    """Revoke (inside the caller's transaction) each valid certificate of the training whose
    holder's attendance is now below the required share, and tell the holder."""
    if not Certificate.objects.filter(training=training, revoked_at__isnull=True).exists():
        return []
    revoked = []
    reason = _("Attendance was corrected: below the required share.")
    for outcome in outcomes(training):
        certificate = outcome.certificate
        if certificate is None or certificate.revoked_at is not None or outcome.qualifies:
            continue
        revoked.append(revoke_certificate(actor, certificate, reason))
        notify(
            outcome.enrolment.user,
            kind=NOTIFICATION_KIND,
            title=_("Your training certificate was revoked after attendance was corrected"),
            url=reverse("learning:my_certificates"),
        )
    return revoked


# --- Certificates ------------------------------------------------------------------------------


def hours_of(sessions: list[TrainingSession]) -> Decimal:
    """The summed length of the sessions in hours, to one decimal."""
    seconds = sum((session.ends_at - session.starts_at).total_seconds() for session in sessions)
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Outcome:
    """One enrolled person at the end of a training: sessions attended and whether that earns a
    certificate."""

    enrolment: Enrolment
    attended: int
    sessions: int
    share: int
    qualifies: bool
    hours: Decimal
    certificate: Certificate | None = None


@dataclass
class IssueReport:
    issued: list[Outcome] = field(default_factory=list)
    already: list[Outcome] = field(default_factory=list)
    not_qualified: list[Outcome] = field(default_factory=list)


def _certificates_possible(training: Training, sessions: list[TrainingSession]) -> None:
    if training.is_cancelled:
        raise ValidationError(_("The training is cancelled; it gives no certificates."))
    if not sessions:
        raise ValidationError(_("The training has no sessions; there is nothing to certify."))
    if max(session.ends_at for session in sessions) > timezone.now():
        raise ValidationError(_("Certificates are issued after the last session has ended."))


def outcomes(training: Training) -> list[Outcome]:
    """Each enrolled person's attendance and whether it reaches the share the training requires."""
    sessions = list(training.sessions.all())
    by_id = {session.pk: session for session in sessions}
    present: dict[int, list[TrainingSession]] = {}
    for row in SessionAttendance.objects.filter(session__training=training, present=True):
        present.setdefault(row.enrolment_id, []).append(by_id[row.session_id])
    found = {one.user_id: one for one in Certificate.objects.filter(training=training, user__isnull=False)}
    result = []
    for enrolment in Enrolment.objects.filter(training=training, status=EnrolmentStatus.ENROLLED).select_related(
        "user", "institution"
    ):
        attended = present.get(enrolment.pk, [])
        share = round(100 * len(attended) / len(sessions)) if sessions else 0
        qualifies = bool(sessions) and len(attended) * 100 >= training.required_attendance * len(sessions)
        result.append(
            Outcome(
                enrolment,
                len(attended),
                len(sessions),
                share,
                qualifies,
                hours_of(attended),
                found.get(enrolment.user_id),
            )
        )
    return result


def issue_certificates(actor: Any, training: Training) -> IssueReport:
    """After the last session ended: a certificate for each enrolled person who attended at
    least the required share of sessions (hours: the sessions they attended), issued by the
    organiser. Issuing again gives nobody a second one."""
    _certificates_possible(training, list(training.sessions.all()))
    report = IssueReport()
    with transaction.atomic():
        for outcome in outcomes(training):
            if not outcome.qualifies:
                report.not_qualified.append(outcome)
            elif outcome.certificate is not None:
                report.already.append(outcome)
            else:
                outcome.certificate = certificates.issue(
                    outcome.enrolment.user, training=training, hours=outcome.hours, issued_by=training.organiser.name
                )
                report.issued.append(outcome)
        _audit(AuditAction.CREATE, actor, training, training, certificates=len(report.issued))
    return report


def revoke_certificate(actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate with the reason; the verification page says it was revoked, and when."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the certificate is revoked.")]})
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if current.revoked_at is not None:
            raise ValidationError(_("This certificate is already revoked."))
        current.revoked_at, current.revoked_reason = timezone.now(), reason[:500]
        current.save(update_fields=["revoked_at", "revoked_reason"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            obj=current,
            institution_id=current.training.organiser_id if current.training else None,
            details={"revoked": "yes"},
        )
    return current
