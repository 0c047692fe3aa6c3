"""Training pages: the list with its filters, one training (sessions, free places, the waiting
list, my status; for organisers the enrolled people and their attendance), defining and editing
a training, its sessions, enrolling and giving up a place, attendance per session, issuing
certificates and cancelling the training.

Every signed-in user reads and enrols; organising follows `learning.training_policies` (403
otherwise, 404 for what does not exist)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing
from kooperacja.learning import training_policies as policies
from kooperacja.learning import trainings as service
from kooperacja.learning.forms.trainings import (
    READERS,
    AttendanceForm,
    EnrolForm,
    FilterForm,
    SessionForm,
    TrainingForm,
)
from kooperacja.learning.models import Enrolment, EnrolmentStatus, Training, TrainingSession
from kooperacja.learning.training_policies import TrainingAccess
from kooperacja.learning.views import form_page
from kooperacja.teams.models import Team

# --- The list and defining a training ----------------------------------------------------------


@require_safe
@login_required
def training_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filter_form = FilterForm(request.GET or None)
    chosen = filter_form.filters() if request.GET else {}
    trainings = list(service.for_list(**chosen)[:200])
    mine = dict(
        Enrolment.objects.filter(user=request.user, training__in=[one.pk for one in trainings])
        .exclude(status=EnrolmentStatus.CANCELLED)
        .values_list("training_id", "status")
    )
    for training in trainings:
        training.free = service.free_places(training)  # type: ignore[attr-defined]
        training.my_status = mine.get(training.pk)  # type: ignore[attr-defined]
    context = {
        "trainings": trainings,
        "filter_form": filter_form if request.GET else FilterForm(),
        "may_create": policies.may_create(request.user),
        "now": timezone.now(),
    }
    return render(request, "learning/trainings/list.html", context)


@require_http_methods(GET_POST)
@login_required
def training_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policies.may_create(request.user):
        raise PermissionDenied
    organisers = policies.organiser_choices(request.user)
    teams = policies.team_choices(request.user)
    heading, back = _("New training"), reverse("learning:trainings")
    if request.method != "POST":
        initial = {"organiser": organisers.first().public_id} if organisers.count() == 1 else {}  # type: ignore[union-attr]
        return form_page(request, TrainingForm(organisers=organisers, teams=teams, initial=initial), heading, back)
    form = TrainingForm(request.POST, organisers=organisers, teams=teams)
    if form.is_valid():
        try:
            training = service.create_training(request.user, form.training_data())
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The training was created. Add its sessions."))
            return landing("learning:training", "sessions", public_id=training.public_id)
    return form_page(request, form, heading, back, status=400)


@require_http_methods(GET_POST)
@login_required
def training_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    training, access = policies.get_training_for_user(request.user, public_id)
    policies.require_organises(access)
    # The current organiser stays a choice, even for an administrator's training of another.
    organisers = policies.organiser_choices(request.user) | type(training.organiser).objects.filter(
        pk=training.organiser_id
    )
    # Likewise the current team, which the service refuses only if its organiser no longer serves it.
    teams = policies.team_choices(request.user) | Team.objects.filter(
        pk__in=[training.team_id] if training.team_id else []
    )
    heading, back = _("Edit the training"), reverse("learning:training", args=[training.public_id])
    if request.method != "POST":
        form = TrainingForm(organisers=organisers, teams=teams, initial=TrainingForm.initial_for(training))
        return form_page(request, form, heading, back)
    form = TrainingForm(request.POST, organisers=organisers, teams=teams)
    if form.is_valid():
        try:
            service.update_training(request.user, training, form.cleaned_data["version"], form.training_data())
        except service.StaleTraining:
            training.refresh_from_db()
            conflict = differences(form, TrainingForm.initial_for(training), readers=READERS)
            again = rebound(TrainingForm, request.POST, training.version, organisers=organisers, teams=teams)
            return form_page(request, again, heading, back, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return landing("learning:training", "main", public_id=training.public_id)
    return form_page(request, form, heading, back, status=400)


# --- One training ------------------------------------------------------------------------------


def _training_page(
    request: AuthenticatedHttpRequest,
    training: Training,
    access: TrainingAccess,
    *,
    status: int = 200,
    session_form: SessionForm | None = None,
    enrol_form: EnrolForm | None = None,
) -> HttpResponse:
    shown = service.with_figures(Training.objects.filter(pk=training.pk)).get()
    mine = service.enrolment_of(request.user, shown)
    institutions = service.institutions_of(request.user)
    now = timezone.now()
    context: dict[str, Any] = {
        "training": shown,
        "access": access,
        "sessions": list(shown.sessions.all()),
        "free": service.free_places(shown),
        "mine": mine,
        "my_place": service.waiting_place(mine) if mine else None,
        "enrol_form": enrol_form or EnrolForm(institutions=institutions),
        "may_enrol": bool(institutions) and (mine is None or mine.status == EnrolmentStatus.CANCELLED),
        "started": shown.first_start is not None and shown.first_start <= now,  # type: ignore[attr-defined]
        "ended": shown.last_end is not None and shown.last_end <= now,  # type: ignore[attr-defined]
        "now": now,
    }
    if access.organises:
        context["sessions"], rows = service.attendance_table(shown)
        context |= {
            "attendance_rows": rows,
            "waiting_list": service.waiting_list(shown),
            "session_form": session_form or SessionForm(),
        }
    return render(request, "learning/trainings/detail.html", context, status=status)


@require_safe
@login_required
def training_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    training, access = policies.get_training_for_user(request.user, public_id)
    return _training_page(request, training, access)


def _organised(request: AuthenticatedHttpRequest, public_id: UUID) -> tuple[Training, TrainingAccess]:
    training, access = policies.get_training_for_user(request.user, public_id)
    policies.require_organises(access)
    return training, access


@require_POST
@login_required
def training_cancel(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    training, _access = _organised(request, public_id)
    try:
        service.cancel_training(request.user, training)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The training was cancelled; everyone enrolled was told."))
    return landing("learning:training", "main", public_id=training.public_id)


@require_POST
@login_required
def session_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    training, access = _organised(request, public_id)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            service.add_session(request.user, training, **form.session_data())
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The session was added."))
            return landing("learning:training", "sessions", public_id=training.public_id)
    return _training_page(request, training, access, session_form=form, status=400)


@require_http_methods(GET_POST)
@login_required
def session_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    session, access = policies.get_session_for_user(request.user, public_id)
    policies.require_organises(access)
    training = session.training
    heading, back = _("Change the session"), reverse("learning:training", args=[training.public_id])
    if request.method != "POST":
        return form_page(request, SessionForm(initial=SessionForm.initial_for(session)), heading, back)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            service.update_session(request.user, session, **form.session_data())
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The session was changed."))
            return landing("learning:training", "sessions", public_id=training.public_id)
    return form_page(request, form, heading, back, status=400)


# --- Enrolment ---------------------------------------------------------------------------------


@require_POST
@login_required
def enrol(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    training, access = policies.get_training_for_user(request.user, public_id)
    form = EnrolForm(request.POST, institutions=service.institutions_of(request.user))
    if form.is_valid():
        try:
            enrolment = service.enrol(request.user, training, form.cleaned_data["institution"])
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            if enrolment.status == EnrolmentStatus.ENROLLED:
                messages.success(request, _("You are enrolled in the training."))
            else:
                place = service.waiting_place(enrolment)
                messages.success(
                    request,
                    _("All places are taken: you are number %(place)s on the waiting list.") % {"place": place},
                )
            return landing("learning:training", "my-status", public_id=training.public_id)
    return _training_page(request, training, access, enrol_form=form, status=400)


@require_http_methods(GET_POST)
@login_required
def enrolment_cancel(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """GET: what giving up the place does (it goes to the next person waiting; enrolling again
    puts one at the end of the queue); POST: give it up. Leaving the waiting list is one click
    (a POST straight from the training's page) but answers the same GET too."""
    training, _access = policies.get_training_for_user(request.user, public_id)
    mine = service.enrolment_of(request.user, training)
    if mine is None or mine.status == EnrolmentStatus.CANCELLED:
        messages.error(request, _("You are not enrolled in this training."))
        return landing("learning:training", "my-status", public_id=training.public_id)
    if request.method != "POST":
        context = {
            "training": training,
            "mine": mine,
            "someone_waiting": training.enrolments.filter(status=EnrolmentStatus.WAITING).exists(),
            "next": "my" if request.GET.get("next") == "my" else "",
        }
        return render(request, "learning/trainings/leave.html", context)
    try:
        service.cancel_enrolment(request.user, mine)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("Your enrolment was cancelled."))
    back = request.POST.get("next", "")
    if back == "my":
        return landing("learning:my_certificates", "enrolments")
    return landing("learning:training", "my-status", public_id=training.public_id)


# --- Attendance ----------------------------------------------------------------------------------


def _enrolled(training: Training) -> list[Enrolment]:
    """The enrolled people with what the attendance choices name (person, institution)."""
    return list(
        Enrolment.objects.filter(training=training, status=EnrolmentStatus.ENROLLED).select_related(
            "user", "institution"
        )
    )


def _attendance_page(
    request: AuthenticatedHttpRequest, session: TrainingSession, form: AttendanceForm | None, *, status: int = 200
) -> HttpResponse:
    training = session.training
    enrolled = _enrolled(training)
    if form is None:
        present = session.attendance.filter(present=True).values_list("enrolment__public_id", flat=True)
        form = AttendanceForm(enrolled=enrolled, initial={"present": [str(key) for key in present]})
    context = {
        "session": session,
        "training": training,
        "form": form,
        "enrolled": enrolled,
        "not_started": session.starts_at > timezone.now(),
    }
    return render(request, "learning/trainings/attendance.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def attendance(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    session, access = policies.get_session_for_user(request.user, public_id)
    policies.require_organises(access)
    if request.method != "POST":
        return _attendance_page(request, session, None)
    form = AttendanceForm(request.POST, enrolled=_enrolled(session.training))
    if form.is_valid():
        try:
            saved = service.save_attendance(request.user, session, form.present_ids())
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            count, revoked = saved.present, len(saved.revoked)
            message = ngettext(
                "Attendance was saved: %(count)s person present.",
                "Attendance was saved: %(count)s people present.",
                count,
            ) % {"count": count}
            if revoked:
                message += " " + ngettext(
                    "%(count)s certificate was revoked: its holder's attendance is now below the required share.",
                    "%(count)s certificates were revoked: their holders' attendance is now below the required share.",
                    revoked,
                ) % {"count": revoked}
            messages.success(request, message)
            return landing("learning:training", "attendance", public_id=session.training.public_id)
    return _attendance_page(request, session, form, status=400)


# --- Certificates ------------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def certificates_issue(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """GET: who would get a certificate; POST: issue them and report who got one and who not."""
    training, _access = _organised(request, public_id)
    report: service.IssueReport | None = None
    refusal: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            report = service.issue_certificates(request.user, training)
        except ValidationError as error:
            refusal, status = error.messages, 400
    preview = service.outcomes(training)
    sessions = list(training.sessions.all())
    ended = bool(sessions) and max(one.ends_at for one in sessions) <= timezone.now()
    context = {
        "training": training,
        "report": report,
        "preview": preview,
        "refusal": refusal,
        "ended": ended and not training.is_cancelled,
        "session_count": len(sessions),
    }
    return render(request, "learning/trainings/certificates.html", context, status=status)


urls: list[URLPattern] = [
    path("trainings/", training_list, name="trainings"),
    path("trainings/new/", training_create, name="training_create"),
    path("trainings/<uuid:public_id>/", training_detail, name="training"),
    path("trainings/<uuid:public_id>/edit/", training_edit, name="training_edit"),
    path("trainings/<uuid:public_id>/cancel/", training_cancel, name="training_cancel"),
    path("trainings/<uuid:public_id>/sessions/", session_add, name="training_session_add"),
    path("trainings/<uuid:public_id>/enrol/", enrol, name="training_enrol"),
    path("trainings/<uuid:public_id>/leave/", enrolment_cancel, name="training_leave"),
    path("trainings/<uuid:public_id>/certificates/", certificates_issue, name="training_certificates"),
    path("training-sessions/<uuid:public_id>/edit/", session_edit, name="training_session_edit"),
    path("training-sessions/<uuid:public_id>/attendance/", attendance, name="training_attendance"),
]
