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
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.cases.models import (
    Case,
    CaseKind,
    CaseTeamMember,
    Consent,
    ConsentCategory,
    Participation,
    ParticipationKind,
    Person,
    TimelineEntry,
    TimelineKind,
)
from kooperacja.cases.policies import (
    CASE_WORKERS,
    OWNER_READERS,
    CaseAccess,
    case_access,
    consented_categories,
    knows_identity,
    may_add_partner,
)
from kooperacja.cases.services import audit_case, record_timeline
from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import institution_ids_with_role, memberships
from kooperacja.core.roles import Role
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


def _works_on(actor: Any, case: Case) -> bool:
    access = case_access(actor, case)
    return access is not None and access.can_edit


@transaction.atomic
def add_case(actor: Any, meeting: Meeting, case: Case) -> MeetingCase:
    """Put a case on a conference's agenda. Only someone who edits the case may (checked here
    too, since it releases the case to the conference's institutions), and only a case of the
    team's gmina."""
    _require_conference(meeting)
    if not _works_on(actor, case):
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
    conference stop taking part, and its part of the minutes leaves the case's timeline. Only
    someone who edits the case may (it ends partners' access to it)."""
    meeting, case = meeting_case.meeting, meeting_case.case
    _require_conference(meeting)
    if not _works_on(actor, case):
        raise ValidationError(_("Only someone who works on the case may take it off the conference."))
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
def record_case_minutes(actor: Any, meeting_case: MeetingCase, text: str, *, seen: str) -> MeetingCase:
    """Save the part of the minutes about one case. It goes on the case's timeline (kind
    meeting, shared as "plan and referrals", so partners read it under the same consent as
    plans); editing it changes that one entry, emptying it removes the entry. Only someone
    who edits the case may. `seen` is the `minutes_digest` of the minutes the editor opened."""
    saved = MeetingCase.objects.select_for_update().select_related("meeting", "case").get(pk=meeting_case.pk)
    _require_conference(saved.meeting)
    if not _works_on(actor, saved.case):
        raise ValidationError(_("Only someone who works on the case may write its part of the minutes."))
    if minutes_digest(saved.minutes) != seen:
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


@dataclass(frozen=True)
class GapRow:
    """A consent gap as the page lists it, with the people whose consent is still needed."""

    case: Case
    institution: Institution
    persons: list[Person]


@dataclass(frozen=True)
class ConferenceCases:
    """Everything the conference's cases page shows, read with a fixed number of queries."""

    rows: list[CaseRow]
    present: list[Institution]
    # Only of the cases the user sees whole: those users may ask the people for consent (a
    # partner is not told who else was left out).
    gaps: list[GapRow]


def _page_links(meeting: Meeting) -> list[MeetingCase]:
    members = Prefetch("case__household__members", queryset=Person.objects.order_by("id"))
    return list(
        MeetingCase.objects.filter(meeting=meeting)
        .select_related("case__person", "case__household", "case__institution", "case__municipality")
        .prefetch_related(members)
    )


def _persons_of(case: Case) -> list[Person]:
    """`case.persons()` from the members prefetched by `_page_links`."""
    if case.kind == CaseKind.PERSON and case.person is not None:
        return [case.person]
    if case.kind == CaseKind.HOUSEHOLD and case.household is not None:
        return list(case.household.members.all())
    return []


Consented = dict[tuple[int, int], set[str]]


def _consented(person_ids: set[int], institutions: dict[int, Institution]) -> Consented:
    """(person, institution) -> the categories consents in force let the institution (or its
    sector) see, for every pair at once (`cases.policies.consented_categories`, batched)."""
    found: Consented = defaultdict(set)
    if not person_ids or not institutions:
        return found
    sectors = {institution.sector for institution in institutions.values()}
    consents = (
        Consent.objects.in_force()
        .filter(person_id__in=person_ids)
        .filter(Q(institution_id__in=institutions) | Q(institution__isnull=True, sector__in=sectors))
        .only("person_id", "institution_id", "sector", "categories")
    )
    for consent in consents:
        for institution in institutions.values():
            if consent.institution_id == institution.pk or (
                consent.institution_id is None and consent.sector == institution.sector
            ):
                found[(consent.person_id, institution.pk)].update(consent.categories)
    return found


def _seen_as(user: Any, cases: list[Case]) -> dict[int, Institution]:
    """For each case the user may see only shared: the institution of theirs taking part in it
    now that its shared view is seen as (the earliest, as `case_access` picks)."""
    partner_ids = institution_ids_with_role(user, *CASE_WORKERS)
    if not cases or not partner_ids:
        return {}
    taking_part = (
        Participation.objects.active()
        .filter(case__in=cases, institution_id__in=partner_ids)
        .select_related("institution")
        .order_by("started_at", "id")
    )
    owners = {case.pk: case.institution_id for case in cases}
    found: dict[int, Institution] = {}
    for participation in taking_part:
        if participation.institution_id != owners[participation.case_id]:
            found.setdefault(participation.case_id, participation.institution)
    return found


def _whole_accesses(user: Any, cases: list[Case]) -> dict[int, CaseAccess]:
    """The cases the user sees whole, with what they may do (`case_access`'s first branch)."""
    roles: dict[int, set[str]] = defaultdict(set)
    for membership in memberships(user):
        roles[membership.institution_id].add(membership.role)
    mine = [case for case in cases if roles.get(case.institution_id)]
    in_team = (
        set(CaseTeamMember.objects.current().filter(case__in=mine, user=user).values_list("case_id", flat=True))
        if mine
        else set()
    )
    found = {}
    for case in mine:
        here = roles[case.institution_id]
        if not (here & OWNER_READERS or (Role.FAMILY_ASSISTANT in here and case.pk in in_team)):
            continue
        works_on = case.pk in in_team or case.lead_worker_id == getattr(user, "pk", None)
        found[case.pk] = CaseAccess(
            whole=True,
            can_edit=works_on and bool(here & {Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT}),
            can_reassign=Role.MANAGER in here,
        )
    return found


def conference_cases(user: Any, meeting: Meeting, *, request: Any = None) -> ConferenceCases:
    """The conference's cases, each shown only as far as the cases app lets the user see it
    (the same answers as `cases.policies.case_access`, for every case at once), the
    institutions at the conference, and the consent gaps of the cases the user sees whole.
    The read is audited as one event naming every person of the cases it names."""
    links = _page_links(meeting)
    cases = [link.case for link in links]
    persons = {case.pk: _persons_of(case) for case in cases}
    whole = _whole_accesses(user, cases)
    seen_as = _seen_as(user, [case for case in cases if case.pk not in whole])
    present = present_institutions(meeting)
    gap_cases = [case for case in cases if case.pk in whole]
    institutions = {i.pk: i for i in [*seen_as.values(), *(present if gap_cases else [])]}
    wanted = {p.pk for case in [*gap_cases, *(c for c in cases if c.pk in seen_as)] for p in persons[case.pk]}
    consented = _consented(wanted, institutions)
    rows = [_row(link, whole, seen_as, persons[link.case_id], consented) for link in links]
    gaps = [
        GapRow(case, institution, missing)
        for case in gap_cases
        for institution in present
        if institution.pk != case.institution_id
        and (missing := _without_identity(persons[case.pk], institution, consented)) is not None
    ]
    _audit_page(user, meeting, rows, persons, request)
    return ConferenceCases(rows=rows, present=present, gaps=gaps)


def _row(
    link: MeetingCase,
    whole: dict[int, CaseAccess],
    seen_as: dict[int, Institution],
    persons: list[Person],
    consented: Consented,
) -> CaseRow:
    access: CaseAccess | None = whole.get(link.case_id)
    institution = seen_as.get(link.case_id)
    if access is None and institution is not None:
        shared = {person.pk: set(consented.get((person.pk, institution.pk), set())) for person in persons}
        access = CaseAccess(whole=False, as_institution=institution, shared=shared)
    named = access is not None and knows_identity(access)
    sees_minutes = named and access is not None and access.sees_all(ConsentCategory.PLAN)
    return CaseRow(link=link, access=access, named=named, sees_minutes=sees_minutes)


def _without_identity(persons: list[Person], institution: Institution, consented: Consented) -> list[Person] | None:
    """The people whose consent for identity the institution still needs to take part in the
    case (`may_add_partner`), or None when it may take part. A case without people: all of
    nobody, an empty list, still a gap."""
    missing = [p for p in persons if ConsentCategory.IDENTITY not in consented.get((p.pk, institution.pk), set())]
    return missing if missing or not persons else None


def _audit_page(
    user: Any, meeting: Meeting, rows: list[CaseRow], persons: dict[int, list[Person]], request: Any
) -> None:
    named = [row for row in rows if row.named]
    if not named:
        return
    audit.record(
        AuditAction.LIST,
        request=request,
        actor=user,
        obj=meeting,
        persons=[person.pk for row in named for person in persons[row.link.case_id]],
        municipality_code=meeting.team.municipality.code,
        details={"cases": ", ".join(str(row.link.case.public_id) for row in named)},
    )


def case_rows(user: Any, meeting: Meeting, *, request: Any = None) -> list[CaseRow]:
    """Every case of the conference, each shown only as far as the cases app lets the user see
    it (the rows of `conference_cases`)."""
    return conference_cases(user, meeting, request=request).rows


def visible_case_links(user: Any, meeting: Meeting, *, request: Any = None) -> list[tuple[MeetingCase, CaseAccess]]:
    """The conference's cases the user may see (named), with the user's access to each."""
    return [(row.link, row.access) for row in case_rows(user, meeting, request=request) if row.named and row.access]
