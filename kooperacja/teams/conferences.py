"""Case conferences: a meeting of kind "case conference" that discusses cases (`MeetingCase`).

The institutions invited to or attending a conference take part in its cases (`Participation`
of kind case conference, pointing at the meeting) only when the people of the case consented
to share at least identity with them (`cases.policies.may_add_partner`); the others are the
conference's consent gaps, shown on its page so that consent can be asked for. Everything a
page shows about a case goes through the cases app's own rules (`case_access`), and every read
of it is audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.cases.models import (
    Case,
    ConsentCategory,
    Participation,
    ParticipationKind,
    Person,
    TimelineEntry,
    TimelineKind,
)
from kooperacja.cases.policies import CaseAccess, case_access, consented_categories, knows_identity, may_add_partner
from kooperacja.cases.services import audit_case, record_timeline
from kooperacja.core import versioning
from kooperacja.core.models import AuditAction
from kooperacja.institutions.models import Institution
from kooperacja.teams.models import (
    Attendance,
    InvitationResponse,
    Meeting,
    MeetingCase,
    MeetingKind,
    MeetingStatus,
    TeamMember,
)

# What a conference's participations point at (`Participation.source_type`).
PARTICIPATION_SOURCE = "teams.meeting"
# A timeline entry's title holds at most this many characters of the case part of the minutes.
TIMELINE_TITLE_LENGTH = 300


class StaleCaseMinutes(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved the minutes about this case while you were editing them.")


class ConsentGap(NamedTuple):
    """An institution at the conference that does not take part in one of its cases for lack
    of consent."""

    case: Case
    institution: Institution


# --- Linking cases --------------------------------------------------------------------------


def _require_conference(meeting: Meeting) -> None:
    if meeting.kind != MeetingKind.CASE_CONFERENCE:
        raise ValidationError(_("Cases can be discussed only at a meeting of the kind “case conference”."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This conference was cancelled: its cases cannot be changed."))


@transaction.atomic
def add_case(actor: Any, meeting: Meeting, case: Case) -> MeetingCase:
    """Put a case on a conference's agenda. Only someone who edits the case may (checked here
    too, since it releases the case to the conference's institutions), and only a case of the
    team's gmina."""
    _require_conference(meeting)
    access = case_access(actor, case)
    if access is None or not access.can_edit:
        raise ValidationError({"case": _("Only someone who works on the case may bring it to a conference.")})
    if case.municipality_id != meeting.team.municipality_id:
        raise ValidationError({"case": _("The case is not of the team's gmina.")})
    if MeetingCase.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationError({"case": _("This case is already on the conference's agenda.")})
    link = MeetingCase.objects.create(meeting=meeting, case=case, municipality_id=case.municipality_id, added_by=actor)
    audit_case(AuditAction.CREATE, case, obj=link, actor=actor, meeting=meeting.public_id)
    sync_participations(meeting, actor)
    return link


@transaction.atomic
def remove_case(actor: Any, meeting_case: MeetingCase) -> None:
    """Take a case off the conference: the institutions that took part in it through the
    conference stop taking part, and its part of the minutes leaves the case's timeline."""
    meeting, case = meeting_case.meeting, meeting_case.case
    _require_conference(meeting)
    _timeline_entries(meeting_case).delete()
    audit_case(AuditAction.DELETE, case, obj=meeting_case, actor=actor, meeting=meeting.public_id)
    meeting_case.delete()
    sync_participations(meeting, actor)


# --- The case part of the minutes -----------------------------------------------------------


def minutes_digest(text: str) -> str:
    """What the minutes editor opened, carried by the form: MeetingCase has no version, so a
    save is refused when the minutes saved now are not the ones the editor started from."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _timeline_entries(meeting_case: MeetingCase) -> Any:
    return TimelineEntry.objects.filter(
        case_id=meeting_case.case_id, source_type=MeetingCase._meta.label_lower, source_id=str(meeting_case.pk)
    )


def _timeline_title(meeting_case: MeetingCase) -> str:
    title = _("Case conference on %(date)s: %(minutes)s") % {
        "date": timezone.localtime(meeting_case.meeting.starts_at).strftime("%d.%m.%Y"),
        "minutes": " ".join(meeting_case.minutes.split()),
    }
    if len(title) > TIMELINE_TITLE_LENGTH:
        title = title[: TIMELINE_TITLE_LENGTH - 1] + "…"
    return title


@transaction.atomic
def record_case_minutes(actor: Any, meeting_case: MeetingCase, text: str, *, seen: str | None = None) -> MeetingCase:
    """Save the part of the minutes about one case. It goes on the case's timeline (kind
    meeting, shared as "plan and referrals", so partners read it under the same consent as
    plans); editing it changes that one entry, emptying it removes the entry. `seen` is the
    `minutes_digest` of the minutes the editor opened."""
    saved = MeetingCase.objects.select_for_update().select_related("meeting", "case").get(pk=meeting_case.pk)
    _require_conference(saved.meeting)
    if seen is not None and minutes_digest(saved.minutes) != seen:
        meeting_case.minutes = saved.minutes
        raise StaleCaseMinutes()
    saved.minutes = text.strip()
    saved.save(update_fields=["minutes"])
    meeting_case.minutes = saved.minutes
    entries = _timeline_entries(saved)
    if not saved.minutes:
        entries.delete()
    elif not entries.update(title=_timeline_title(saved), actor=actor):
        record_timeline(
            saved.case,
            TimelineKind.MEETING,
            _timeline_title(saved),
            actor=actor,
            institution=saved.case.institution,
            category=ConsentCategory.PLAN,
            source=saved,
        )
    audit_case(AuditAction.UPDATE, saved.case, obj=saved, actor=actor, meeting=saved.meeting.public_id)
    return saved


# --- Who takes part in the cases -------------------------------------------------------------


def _at_conference(row: Attendance) -> bool:
    """Came, or invited and not (yet) known to stay away."""
    if row.attended is not None:
        return row.attended
    return row.invited_at is not None and row.response != InvitationResponse.DECLINED


def present_institutions(meeting: Meeting) -> list[Institution]:
    """The institutions at a conference that are members of its team now: one that left the
    team no longer takes part in the conference's cases."""
    if meeting.kind != MeetingKind.CASE_CONFERENCE or meeting.status == MeetingStatus.CANCELLED:
        return []
    members = set(TeamMember.objects.current().filter(team_id=meeting.team_id).values_list("institution_id", flat=True))
    found: dict[int, Institution] = {}
    for row in Attendance.objects.filter(meeting=meeting).select_related("institution").order_by("id"):
        if row.institution_id in members and _at_conference(row):
            found[row.institution_id] = row.institution
    return sorted(found.values(), key=lambda institution: institution.name)


def _links(meeting: Meeting) -> list[MeetingCase]:
    return list(
        MeetingCase.objects.filter(meeting=meeting).select_related(
            "case__person", "case__household", "case__institution", "case__municipality"
        )
    )


@transaction.atomic
def sync_participations(meeting: Meeting, actor: Any = None) -> list[ConsentGap]:
    """Bring the conference's participations in line with who is at it, its cases and the
    consents in force now: an institution takes part in a case when it is at the conference
    and `may_add_partner` holds; otherwise its participation from this conference ends.
    Called after invitations, attendance or the cases change. Returns the consent gaps."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk").get()
    institutions = present_institutions(meeting)
    wanted: set[tuple[int, int]] = set()
    gaps: list[ConsentGap] = []
    for link in _links(meeting):
        for institution in institutions:
            if institution.pk == link.case.institution_id:
                continue
            if may_add_partner(link.case, institution):
                wanted.add((link.case_id, institution.pk))
            else:
                gaps.append(ConsentGap(link.case, institution))
    active = {
        (p.case_id, p.institution_id): p
        for p in _conference_participations(meeting).select_related("case__municipality")
    }
    now = timezone.now()
    for key, participation in active.items():
        if key not in wanted:
            participation.ended_at = now
            participation.save(update_fields=["ended_at"])
            audit_case(AuditAction.UPDATE, participation.case, obj=participation, actor=actor, ended=True)
    cases = {link.case_id: link.case for link in _links(meeting)} if wanted - active.keys() else {}
    for case_id, institution_id in sorted(wanted - active.keys()):
        case = cases[case_id]
        participation = Participation.objects.create(
            case=case,
            institution_id=institution_id,
            municipality_id=case.municipality_id,
            kind=ParticipationKind.CASE_CONFERENCE,
            source_type=PARTICIPATION_SOURCE,
            source_id=str(meeting.public_id),
            started_at=now,
        )
        audit_case(AuditAction.CREATE, case, obj=participation, actor=actor, meeting=meeting.public_id)
    return gaps


def _conference_participations(meeting: Meeting) -> Any:
    return Participation.objects.active().filter(
        kind=ParticipationKind.CASE_CONFERENCE, source_type=PARTICIPATION_SOURCE, source_id=str(meeting.public_id)
    )


def consent_gaps(meeting: Meeting) -> list[ConsentGap]:
    """Who is at the conference but left out of one of its cases for lack of consent."""
    institutions = present_institutions(meeting)
    return [
        ConsentGap(link.case, institution)
        for link in _links(meeting)
        for institution in institutions
        if institution.pk != link.case.institution_id and not may_add_partner(link.case, institution)
    ]


def persons_without_consent(case: Case, institution: Institution) -> list[Person]:
    """The people of the case whose consent (for identity) the institution still needs."""
    persons = case.persons()
    found = consented_categories(persons, institution, timezone.localdate())
    return [person for person in persons if ConsentCategory.IDENTITY not in found[person.pk]]


def resync_conferences() -> str:
    """The daily check: participations from conferences whose consent was withdrawn or ended,
    or whose institution left the team, end (registered as a schedule of the teams app)."""
    source_ids = set(
        Participation.objects.active()
        .filter(kind=ParticipationKind.CASE_CONFERENCE, source_type=PARTICIPATION_SOURCE)
        .values_list("source_id", flat=True)
    )
    meetings = Meeting.objects.filter(public_id__in=source_ids).select_related("team")
    for meeting in meetings:
        sync_participations(meeting)
    return f"{len(source_ids)} conferences checked"


# --- What the conference page shows -----------------------------------------------------------


@dataclass
class CaseRow:
    """One case of a conference as the user may see it: `access` None when the case is outside
    the user's scope; `named` whether the row may say who the case is about; `sees_minutes`
    whether its part of the minutes may be read (as the case's timeline would show it)."""

    link: MeetingCase
    access: CaseAccess | None
    named: bool
    sees_minutes: bool

    @property
    def hidden(self) -> bool:
        return not self.named


def case_rows(user: Any, meeting: Meeting, *, request: Any = None) -> list[CaseRow]:
    """Every case of the conference, each shown only as far as the cases app lets the user see
    it. Each case whose data is shown is audited as read (one event naming its persons)."""
    rows = []
    for link in _links(meeting):
        access = case_access(user, link.case)
        named = access is not None and knows_identity(access)
        sees_minutes = named and access is not None and access.sees_all(ConsentCategory.PLAN)
        if named:
            audit_case(AuditAction.VIEW, link.case, obj=link, actor=user, request=request, meeting=meeting.public_id)
        rows.append(CaseRow(link=link, access=access, named=named, sees_minutes=sees_minutes))
    return rows


def visible_case_links(user: Any, meeting: Meeting, *, request: Any = None) -> list[tuple[MeetingCase, CaseAccess]]:
    """The conference's cases the user may see (named), with the user's access to each."""
    return [(row.link, row.access) for row in case_rows(user, meeting, request=request) if row.named and row.access]
