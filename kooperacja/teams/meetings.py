"""Every change to a team's meetings: planning, changing and cancelling them, invitations and
the invitees' answers, attendance, minutes and decisions.

Each function takes the acting user first; who may call it is decided by `policies.py` before
the call (running the team: `TeamAccess.runs`; answering: the invitee). A refused change raises
`ValidationError` with a message for the user and saves nothing; a change made on a stale
version raises `StaleMeeting`. Invitees hear of an invitation, a new time or place and a
cancellation in the platform and by e-mail with the event as an `.ics` file. A case
conference's invitations and attendance decide which institutions take part in its cases:
after they change, `conferences.sync_participations` brings the cases up to date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.cases.models import CaseTeamMember
from kooperacja.core import audit, versioning
from kooperacja.core.email import absolute_url, send_templated_email
from kooperacja.core.models import AuditAction, NotificationMode, User
from kooperacja.core.notifications import notify
from kooperacja.institutions.models import Institution
from kooperacja.teams import conferences, ics
from kooperacja.teams.models import (
    Attendance,
    Decision,
    InvitationResponse,
    Meeting,
    MeetingCase,
    MeetingKind,
    MeetingStatus,
    Team,
    TeamMember,
)

NOTIFICATION_KIND = "teams.meeting"
EDITABLE_FIELDS = frozenset({"kind", "title", "starts_at", "ends_at", "place", "agenda"})
# Changes of these fields move the event in the invitees' calendars (a new SEQUENCE).
CALENDAR_FIELDS = frozenset({"starts_at", "ends_at", "place"})
MAX_HOURS = Decimal(24)


class StaleMeeting(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this meeting while you were editing it.")


@dataclass(frozen=True)
class Attendee:
    """Someone whose attendance may be recorded: a named person of an institution, or an
    institution that is a member without a named representative (`user` None)."""

    institution: Institution
    user: User | None
    from_case_team: bool = False

    @property
    def key(self) -> str:
        return f"u{self.user.pk}" if self.user is not None else f"i{self.institution.pk}"


@dataclass(frozen=True)
class AttendanceRow:
    """One line of the attendance form: came (True), did not come (False) or not recorded
    (None), and the hours given (the meeting's length when left empty)."""

    institution: Institution
    user: User | None
    attended: bool | None
    hours: Decimal | None = None


# --- Checks ---------------------------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("team__municipality").get(pk=meeting.pk)


def _check_kind(kind: str) -> None:
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Choose the kind of the meeting from the list.")})


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError(
            {"ends_at": _("The meeting must end after it starts: check the date and time of its end.")},
            code="ends_before_start",
        )


def _check_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Give the meeting a title.")})
    return title


def _require_not_cancelled(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled: it cannot be changed any more."), code="cancelled")


_NOT_STARTED = {
    "attendance": gettext_lazy("Attendance can be recorded once the meeting has started."),
    "minutes": gettext_lazy("The minutes can be written once the meeting has started."),
    "decisions": gettext_lazy("Decisions can be recorded once the meeting has started."),
}


def _require_started(meeting: Meeting, what: str) -> None:
    if meeting.starts_at > timezone.now():
        raise ValidationError(str(_NOT_STARTED[what]), code="not_started")


def _audit(actor: Any, meeting: Meeting, action: str = AuditAction.UPDATE, **details: Any) -> None:
    audit.record(
        action,
        actor=actor,
        obj=meeting,
        municipality_code=meeting.team.municipality.code,
        details=details,
    )


def _sync_cases(meeting: Meeting, actor: Any) -> None:
    if meeting.kind == MeetingKind.CASE_CONFERENCE:
        conferences.sync_participations(meeting, actor)


# --- Planning, changing, cancelling ---------------------------------------------------------


def create_meeting(
    actor: Any,
    team: Team,
    *,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    agenda: str = "",
) -> Meeting:
    """Plan a meeting of the team. A meeting must end after it starts."""
    _check_kind(kind)
    title = _check_title(title)
    _check_times(starts_at, ends_at)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            team=team,
            municipality_id=team.municipality_id,
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place.strip(),
            agenda=agenda.strip(),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _audit(actor, meeting, AuditAction.CREATE)
    return meeting


def update_meeting(actor: Any, meeting: Meeting, version: int | None, **fields: Any) -> Meeting:
    """Change a meeting that is not cancelled. When its time or place changes, the invitees'
    calendars get a new version of the event (SEQUENCE) and the invitees are told."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"update_meeting() cannot change {sorted(unknown)}")
    with transaction.atomic():
        saved = _lock(meeting)
        versioning.check_version(saved, version, StaleMeeting)
        _require_not_cancelled(saved)
        if "kind" in fields:
            _check_kind(fields["kind"])
            if fields["kind"] != MeetingKind.CASE_CONFERENCE and saved.case_links.exists():
                raise ValidationError(
                    {"kind": _("Cases are linked to this case conference: remove them before changing its kind.")}
                )
        if "title" in fields:
            fields["title"] = _check_title(fields["title"])
        for name in ("place", "agenda"):
            if name in fields:
                fields[name] = fields[name].strip()
        _check_times(fields.get("starts_at", saved.starts_at), fields.get("ends_at", saved.ends_at))
        moved = [name for name in CALENDAR_FIELDS & fields.keys() if getattr(saved, name) != fields[name]]
        for name, value in fields.items():
            setattr(saved, name, value)
        if moved:
            saved.ics_sequence += 1
        saved.save(update_fields=[*fields, "ics_sequence", *versioning.bump(saved)])
        _audit(actor, saved, changed=sorted(fields))
        invited = _invited(saved) if moved else []
    if invited:
        _tell_invitees(saved, invited, "changed")
    meeting.refresh_from_db()
    return saved


def cancel_meeting(actor: Any, meeting: Meeting, version: int | None) -> Meeting:
    """Cancel a meeting not yet held; the invitees' calendars mark the event cancelled."""
    with transaction.atomic():
        saved = _lock(meeting)
        versioning.check_version(saved, version, StaleMeeting)
        _require_not_cancelled(saved)
        if saved.status == MeetingStatus.HELD:
            raise ValidationError(_("The meeting was held: it can no longer be cancelled."), code="held")
        saved.status = MeetingStatus.CANCELLED
        saved.ics_sequence += 1
        saved.save(update_fields=["status", "ics_sequence", *versioning.bump(saved)])
        _audit(actor, saved, status=MeetingStatus.CANCELLED)
        invited = _invited(saved)
    _tell_invitees(saved, invited, "cancelled")
    _sync_cases(saved, actor)
    meeting.refresh_from_db()
    return saved


# --- Invitations ------------------------------------------------------------------------------


def _invited(meeting: Meeting) -> list[Attendance]:
    return list(meeting.attendances.filter(invited_at__isnull=False).select_related("user", "institution"))


def invite(actor: Any, meeting: Meeting, members: Iterable[TeamMember]) -> list[Attendance]:
    """Invite current members of the meeting's team to a planned meeting; returns the new
    invitations (someone invited already is not invited twice)."""
    chosen = list(members)
    if not chosen:
        raise ValidationError({"members": _("Choose at least one member to invite.")})
    today = timezone.localdate()
    current = set(TeamMember.objects.current(today).filter(team_id=meeting.team_id).values_list("pk", flat=True))
    if any(member.pk not in current for member in chosen):
        raise ValidationError({"members": _("Only current members of the team can be invited.")})
    now = timezone.now()
    with transaction.atomic():
        saved = _lock(meeting)
        _require_not_cancelled(saved)
        if saved.status != MeetingStatus.PLANNED:
            raise ValidationError(_("The meeting was held: invitations are no longer sent."), code="held")
        if saved.starts_at <= now:
            raise ValidationError(_("The meeting has already started: invitations are no longer sent."), code="started")
        invited = [row for member in chosen if (row := _invitation(saved, member, now)) is not None]
    _tell_invitees(saved, invited, "invited")
    _sync_cases(saved, actor)
    return invited


def _invitation(meeting: Meeting, member: TeamMember, now: dt.datetime) -> Attendance | None:
    row, _created = Attendance.objects.get_or_create(
        meeting=meeting,
        user=member.user,
        **({} if member.user_id else {"institution": member.institution}),
        defaults={"institution": member.institution},
    )
    if row.invited_at is not None:
        return None
    row.invited_at = now
    row.save(update_fields=["invited_at"])
    return row


def invitation_of(user: Any, meeting: Meeting) -> Attendance | None:
    """The user's own invitation to the meeting, if they were invited."""
    if not getattr(user, "pk", None):
        return None
    return meeting.attendances.filter(user=user, invited_at__isnull=False).first()


def takes_answers(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """An invitation is answered before the meeting: once it has started (or was held), an
    answer would only blur the attendance recorded for it."""
    return meeting.status == MeetingStatus.PLANNED and meeting.starts_at > (now or timezone.now())


def respond(user: Any, meeting: Meeting, answer: str) -> Attendance:
    """The invitee's answer to an invitation: will come or will not come, given while the
    meeting is planned and has not started."""
    if answer not in (InvitationResponse.ACCEPTED, InvitationResponse.DECLINED):
        raise ValidationError({"answer": _("Choose whether you will come.")})
    with transaction.atomic():
        saved = _lock(meeting)
        _require_not_cancelled(saved)
        if not takes_answers(saved):
            raise ValidationError(
                _("The meeting has already started: the answer to the invitation can no longer be changed."),
                code="started",
            )
        invitation = invitation_of(user, saved)
        if invitation is None:
            raise ValidationError(_("You were not invited to this meeting."), code="not_invited")
        invitation.response = answer
        invitation.save(update_fields=["response"])
    return invitation


# --- Telling invitees -------------------------------------------------------------------------

_NOTIFICATION_TITLES = {
    "invited": gettext_lazy("Invitation to a meeting of the team %(team)s"),
    "changed": gettext_lazy("New time or place of a meeting of the team %(team)s"),
    "cancelled": gettext_lazy("A meeting of the team %(team)s was cancelled"),
}


def _email_context(meeting: Meeting, reason: str) -> dict[str, Any]:
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    conference = meeting.kind == MeetingKind.CASE_CONFERENCE
    return {
        "reason": reason,
        "team": meeting.team.name,
        "summary": ics.public_summary(meeting),
        "kind": str(meeting.get_kind_display()),
        "day": date_format(starts.date(), "d.m.Y"),
        "starts": starts.strftime("%H:%M"),
        "ends": ends.strftime("%H:%M") if ends.date() == starts.date() else f"{ends:%d.%m.%Y %H:%M}",
        "place": meeting.place,
        # A case conference's agenda may name a family: it stays in the platform.
        "agenda": "" if conference else meeting.agenda,
        "link": absolute_url(reverse("teams:meeting", args=[meeting.public_id])),
    }


def _tell_invitees(meeting: Meeting, invitations: list[Attendance], reason: str) -> None:
    """Notify each invited person in the platform and e-mail the event as an `.ics` file (in
    Polish, the language of the platform's e-mails) to those with an address who did not turn
    e-mails off: they chose to read the platform's news in its inbox only."""
    people = [row.user for row in invitations if row.user is not None and row.user.is_active]
    if not people:
        return
    url = reverse("teams:meeting", args=[meeting.public_id])
    with translation.override("pl"):
        title = str(_NOTIFICATION_TITLES[reason]) % {"team": meeting.team.name}
        context = _email_context(meeting, reason)
    calendar = ics.event_ics(meeting).decode()
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    attachment = ("zaproszenie.ics", calendar, f"text/calendar; method={method}")
    for person in dict.fromkeys(people):
        if not _wants_invitation_email(person):
            notify(person, kind=NOTIFICATION_KIND, title=title[:200], url=url)
            continue
        # The invitation e-mail says it all: the inbox gets the notice without a second e-mail.
        notify(person, kind=NOTIFICATION_KIND, title=title[:200], url=url, email=False)
        send_templated_email([person.email], "teams_invitation", context, attachments=[attachment])


def _wants_invitation_email(person: User) -> bool:
    return bool(person.email) and person.notification_mode != NotificationMode.OFF


# --- Attendance -------------------------------------------------------------------------------


def attendees(meeting: Meeting) -> list[Attendee]:
    """Who may be recorded at the meeting: the team's members on the day of the meeting and,
    at a case conference, the current members of the case teams of its cases."""
    day = timezone.localtime(meeting.starts_at).date()
    members = TeamMember.objects.current(day).filter(team_id=meeting.team_id).select_related("institution", "user")
    found = {a.key: a for a in (Attendee(m.institution, m.user) for m in members)}
    if meeting.kind == MeetingKind.CASE_CONFERENCE:
        cases = MeetingCase.objects.filter(meeting=meeting).values("case_id")
        for member in CaseTeamMember.objects.current().filter(case_id__in=cases).select_related("institution", "user"):
            found.setdefault(f"u{member.user_id}", Attendee(member.institution, member.user, from_case_team=True))
    return sorted(found.values(), key=lambda a: (a.institution.name, str(a.user or "")))


def _attendee_name(row: AttendanceRow) -> str:
    return f"{row.user} ({row.institution})" if row.user is not None else str(row.institution)


def _checked_hours(meeting: Meeting, row: AttendanceRow) -> Decimal | None:
    if not row.attended:
        if row.hours is not None:
            # Dropping them would lose what the user typed without a word.
            raise ValidationError(
                _(
                    "%(who)s: hours are given only for someone who attended. "
                    "Choose “yes” or clear the hours; nothing was saved."
                )
                % {"who": _attendee_name(row)},
                code="hours_without_attendance",
            )
        return None
    if row.hours is None:
        return Decimal(str(meeting.hours))
    if row.hours < 0 or row.hours > MAX_HOURS:
        raise ValidationError(
            _("Hours given by %(who)s must be between 0 and 24.") % {"who": _attendee_name(row)}, code="hours"
        )
    return row.hours


def record_attendance(
    actor: Any, meeting: Meeting, rows: Iterable[AttendanceRow], version: int | None
) -> list[Attendance]:
    """Record who came and the hours they gave (the meeting's length unless told otherwise).
    Only members of the team on the day of the meeting may be recorded (see `attendees`); a
    row for anyone else refuses the whole form. Attendance counts towards the members' hours,
    so a form opened before someone else saved it is refused (`StaleMeeting`), not merged."""
    rows = list(rows)
    allowed = {a.key for a in attendees(meeting)}
    with transaction.atomic():
        saved = _lock(meeting)
        versioning.check_version(saved, version, StaleMeeting)
        _require_not_cancelled(saved)
        _require_started(saved, "attendance")
        recorded = []
        for row in rows:
            key = f"u{row.user.pk}" if row.user is not None else f"i{row.institution.pk}"
            if key not in allowed:
                raise ValidationError(
                    _("%(who)s was not a member of the team on the day of the meeting: nothing was saved.")
                    % {"who": _attendee_name(row)},
                    code="not_member",
                )
            if (one := _record_one(saved, row)) is not None:
                recorded.append(one)
        saved.save(update_fields=versioning.bump(saved))
        _audit(actor, saved, attendance=len(recorded))
    _sync_cases(saved, actor)
    meeting.refresh_from_db()
    return recorded


def _record_one(meeting: Meeting, row: AttendanceRow) -> Attendance | None:
    hours = _checked_hours(meeting, row)
    lookup: dict[str, Any] = (
        {"user": row.user} if row.user is not None else {"user": None, "institution": row.institution}
    )
    existing = Attendance.objects.filter(meeting=meeting, **lookup).first()
    if existing is None:
        if row.attended is None:
            return None
        return Attendance.objects.create(
            meeting=meeting, institution=row.institution, user=row.user, attended=row.attended, hours=hours
        )
    existing.attended, existing.hours = row.attended, hours
    existing.save(update_fields=["attended", "hours"])
    return existing


# --- Minutes and decisions --------------------------------------------------------------------


def record_minutes(actor: Any, meeting: Meeting, text: str, version: int | None) -> Meeting:
    """Write (or correct) the minutes; a meeting with minutes was held."""
    text = text.strip()
    if not text:
        raise ValidationError({"minutes": _("Write the minutes before saving.")})
    with transaction.atomic():
        saved = _lock(meeting)
        versioning.check_version(saved, version, StaleMeeting)
        _require_not_cancelled(saved)
        _require_started(saved, "minutes")
        saved.minutes = text
        saved.minutes_by = actor if getattr(actor, "pk", None) else None
        saved.minutes_at = timezone.now()
        saved.status = MeetingStatus.HELD
        saved.save(update_fields=["minutes", "minutes_by", "minutes_at", "status", *versioning.bump(saved)])
        _audit(actor, saved, minutes=True)
    meeting.refresh_from_db()
    return saved


def add_decision(actor: Any, meeting: Meeting, text: str) -> Decision:
    """Record a decision taken at the meeting, numbered in the order taken."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the decision before saving.")})
    with transaction.atomic():
        saved = _lock(meeting)
        _require_not_cancelled(saved)
        _require_started(saved, "decisions")
        last = saved.decisions.aggregate(last=Max("number"))["last"] or 0
        decision = Decision.objects.create(
            meeting=saved,
            number=last + 1,
            text=text,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _audit(actor, saved, decision=decision.number)
    return decision
