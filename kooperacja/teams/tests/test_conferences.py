"""Case conferences: which institutions take part in the conference's cases (only with
consent), the case part of the minutes on the case's timeline, and who may bring a case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kooperacja.cases.models import ConsentCategory, Participation, ParticipationKind, TimelineEntry, TimelineKind
from kooperacja.cases.policies import case_access
from kooperacja.cases.tests.factories import consent, make_case, make_household, make_person
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.teams import conferences
from kooperacja.teams.models import Attendance, InvitationResponse, MeetingKind, MeetingStatus, TeamMember
from kooperacja.teams.tests.factories import institution_of, make_meeting, make_team, user

pytestmark = pytest.mark.django_db


def invite(meeting, username, **fields):
    fields.setdefault("invited_at", timezone.now())
    return Attendance.objects.create(
        meeting=meeting, institution=institution_of(username), user=user(username), **fields
    )


@pytest.fixture
def lead():
    return user("gops.mirzec")


@pytest.fixture
def conference():
    return make_meeting(make_team(), kind=MeetingKind.CASE_CONFERENCE)


@pytest.fixture
def case(lead):
    return make_case(lead=lead, person=make_person("Zofia", "Konferencyjna"))


def conference_participations(meeting, case=None):
    found = Participation.objects.filter(
        kind=ParticipationKind.CASE_CONFERENCE, source_type="teams.meeting", source_id=str(meeting.public_id)
    )
    return found.filter(case=case) if case is not None else found


def reads_of(meeting):
    """The audit events of reading the conference's cases page (one per read, naming its persons)."""
    return AuditEvent.objects.filter(
        action=AuditAction.LIST, object_type="teams.meeting", object_id=str(meeting.public_id)
    )


def write_minutes(actor, link, text):
    """Save the minutes as an editor who opened what is saved now."""
    link.refresh_from_db()
    return conferences.record_case_minutes(actor, link, text, seen=conferences.minutes_digest(link.minutes))


def active_institutions(meeting, case):
    return {p.institution_id for p in conference_participations(meeting, case).active()}


# --- Bringing a case --------------------------------------------------------------------------


def test_it_links_a_case_its_worker_brings(conference, case, lead):
    link = conferences.add_case(lead, conference, case)

    assert link.case == case and link.municipality_id == case.municipality_id and link.added_by == lead
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="teams.meetingcase").exists()


def test_it_refuses_a_meeting_that_is_not_a_conference(case, lead):
    meeting = make_meeting(make_team(), kind=MeetingKind.WORKSHOP)

    with pytest.raises(ValidationError):
        conferences.add_case(lead, meeting, case)
    assert not meeting.case_links.exists()


def test_it_refuses_a_cancelled_conference(conference, case, lead):
    conference.status = MeetingStatus.CANCELLED
    conference.save()

    with pytest.raises(ValidationError):
        conferences.add_case(lead, conference, case)


@pytest.mark.parametrize("username", ["kolega.mirzec", "lider.mirzec", "szkola.mirzec", "pcpr.starachowice"])
def test_it_refuses_someone_who_does_not_edit_the_case(conference, case, username):
    with pytest.raises(ValidationError) as refusal:
        conferences.add_case(user(username), conference, case)

    assert "case" in refusal.value.message_dict
    assert not conference.case_links.exists()


def test_it_refuses_a_case_of_another_gmina(case, lead):
    oksa_team = make_team("2602052", leader=None, animator=None, members=("gops.oksa",))
    meeting = make_meeting(oksa_team, kind=MeetingKind.CASE_CONFERENCE)

    with pytest.raises(ValidationError) as refusal:
        conferences.add_case(lead, meeting, case)

    assert "case" in refusal.value.message_dict


def test_it_refuses_the_same_case_twice(conference, case, lead):
    conferences.add_case(lead, conference, case)

    with pytest.raises(ValidationError):
        conferences.add_case(lead, conference, case)
    assert conference.case_links.count() == 1


# --- Participation only with consent --------------------------------------------------------------


def test_an_invited_institution_with_consent_takes_part_in_the_case(conference, case, lead):
    school = institution_of("szkola.mirzec")
    consent(case.person, school, recorded_by=lead)
    invite(conference, "szkola.mirzec")

    conferences.add_case(lead, conference, case)

    (taking_part,) = conference_participations(conference, case)
    assert taking_part.institution == school and taking_part.ended_at is None
    assert case_access(user("szkola.mirzec"), case) is not None


def test_an_institution_without_consent_is_left_out_and_listed(conference, case, lead):
    invite(conference, "policja.mirzec")

    conferences.add_case(lead, conference, case)

    assert not conference_participations(conference, case).exists()
    assert case_access(user("policja.mirzec"), case) is None
    assert conferences.consent_gaps(conference) == [(case, institution_of("policja.mirzec"))]
    assert conferences.persons_without_consent(case, institution_of("policja.mirzec")) == [case.person]


def test_consent_for_other_categories_only_is_not_enough(conference, case, lead):
    police = institution_of("policja.mirzec")
    consent(case.person, police, (ConsentCategory.PLAN,), recorded_by=lead)
    invite(conference, "policja.mirzec")

    conferences.add_case(lead, conference, case)

    assert not conference_participations(conference, case).exists()


def test_every_member_of_a_household_must_consent(conference, lead):
    household = make_household("Rodzina Naradowa")
    first = make_person("Jan", "Naradowy", household=household)
    make_person("Ewa", "Naradowa", household=household)
    case = make_case(lead=lead, household=household)
    school = institution_of("szkola.mirzec")
    consent(first, school, recorded_by=lead)
    invite(conference, "szkola.mirzec")

    conferences.add_case(lead, conference, case)

    assert not conference_participations(conference, case).exists()
    assert [p.last_name for p in conferences.persons_without_consent(case, school)] == ["Naradowa"]


def test_consent_recorded_later_lets_the_institution_in_on_the_next_sync(conference, case, lead):
    invite(conference, "policja.mirzec")
    conferences.add_case(lead, conference, case)
    consent(case.person, institution_of("policja.mirzec"), recorded_by=lead)

    gaps = conferences.sync_participations(conference, lead)

    assert gaps == []
    assert active_institutions(conference, case) == {institution_of("policja.mirzec").pk}


def test_a_withdrawn_consent_ends_the_participation(conference, case, lead):
    school = institution_of("szkola.mirzec")
    given = consent(case.person, school, recorded_by=lead)
    invite(conference, "szkola.mirzec")
    conferences.add_case(lead, conference, case)
    given.withdrawn_at = timezone.now()
    given.save()

    conferences.resync_conferences()

    assert active_institutions(conference, case) == set()
    assert conference_participations(conference, case).get().ended_at is not None
    assert case_access(user("szkola.mirzec"), case) is None
    assert conferences.consent_gaps(conference) == [(case, school)]


def test_an_institution_that_leaves_the_team_stops_taking_part(conference, case, lead):
    school = institution_of("szkola.mirzec")
    consent(case.person, school, recorded_by=lead)
    invite(conference, "szkola.mirzec")
    conferences.add_case(lead, conference, case)
    TeamMember.objects.filter(team=conference.team, institution=school).update(left_on=timezone.localdate())

    conferences.sync_participations(conference)

    assert active_institutions(conference, case) == set()


@pytest.mark.parametrize(
    "change", [{"response": InvitationResponse.DECLINED}, {"attended": False}], ids=["declined", "absent"]
)
def test_an_institution_that_leaves_the_meeting_stops_taking_part(conference, case, lead, change):
    school = institution_of("szkola.mirzec")
    consent(case.person, school, recorded_by=lead)
    row = invite(conference, "szkola.mirzec")
    conferences.add_case(lead, conference, case)
    Attendance.objects.filter(pk=row.pk).update(**change)

    conferences.sync_participations(conference)

    assert active_institutions(conference, case) == set()


def test_a_cancelled_conference_ends_every_participation(conference, case, lead):
    consent(case.person, institution_of("szkola.mirzec"), recorded_by=lead)
    invite(conference, "szkola.mirzec")
    conferences.add_case(lead, conference, case)
    conference.status = MeetingStatus.CANCELLED
    conference.save()

    conferences.sync_participations(conference)

    assert active_institutions(conference, case) == set()


def test_the_owning_institution_gets_no_participation_of_its_own(conference, case, lead):
    invite(conference, "lider.mirzec")

    conferences.add_case(lead, conference, case)

    assert not conference_participations(conference, case).exists()
    assert conferences.consent_gaps(conference) == []


def test_an_uninvited_member_does_not_take_part(conference, case, lead):
    consent(case.person, institution_of("szkola.mirzec"), recorded_by=lead)
    invite(conference, "szkola.mirzec", invited_at=None)

    conferences.add_case(lead, conference, case)

    assert not conference_participations(conference, case).exists()


def test_syncing_twice_keeps_one_participation(conference, case, lead):
    consent(case.person, institution_of("szkola.mirzec"), recorded_by=lead)
    invite(conference, "szkola.mirzec")
    conferences.add_case(lead, conference, case)

    conferences.sync_participations(conference)
    conferences.sync_participations(conference)

    assert conference_participations(conference, case).count() == 1


def test_taking_a_case_off_ends_its_participations_and_minutes(conference, case, lead):
    consent(case.person, institution_of("szkola.mirzec"), recorded_by=lead)
    invite(conference, "szkola.mirzec")
    link = conferences.add_case(lead, conference, case)
    write_minutes(lead, link, "Ustalono wsparcie pedagoga.")

    conferences.remove_case(lead, link)

    assert active_institutions(conference, case) == set()
    assert not conference.case_links.exists()
    assert not TimelineEntry.objects.filter(case=case, kind=TimelineKind.MEETING).exists()


# --- The case part of the minutes ----------------------------------------------------------------


def test_the_case_minutes_go_on_the_timeline_shared_as_plan(conference, case, lead):
    link = conferences.add_case(lead, conference, case)

    write_minutes(lead, link, "  Ustalono konsultację u pedagoga.  ")

    entry = TimelineEntry.objects.get(case=case, kind=TimelineKind.MEETING)
    assert entry.category == ConsentCategory.PLAN
    assert "Ustalono konsultację u pedagoga." in entry.title
    assert conference.starts_at.astimezone(timezone.get_current_timezone()).strftime("%d.%m.%Y") in entry.title
    assert (entry.source_type, entry.source_id) == ("teams.meetingcase", str(link.pk))
    link.refresh_from_db()
    assert link.minutes == "Ustalono konsultację u pedagoga."


def test_editing_the_minutes_updates_the_same_entry(conference, case, lead):
    link = conferences.add_case(lead, conference, case)
    write_minutes(lead, link, "Pierwsza wersja.")

    conferences.record_case_minutes(lead, link, "Druga wersja.", seen=conferences.minutes_digest("Pierwsza wersja."))

    (entry,) = TimelineEntry.objects.filter(case=case, kind=TimelineKind.MEETING)
    assert "Druga wersja." in entry.title and "Pierwsza" not in entry.title


def test_emptied_minutes_leave_the_timeline(conference, case, lead):
    link = conferences.add_case(lead, conference, case)
    write_minutes(lead, link, "Coś ustalono.")

    write_minutes(lead, link, "   ")

    assert not TimelineEntry.objects.filter(case=case, kind=TimelineKind.MEETING).exists()


def test_long_minutes_are_shortened_on_the_timeline(conference, case, lead):
    link = conferences.add_case(lead, conference, case)

    write_minutes(lead, link, "słowo " * 200)

    entry = TimelineEntry.objects.get(case=case, kind=TimelineKind.MEETING)
    assert len(entry.title) == 300 and entry.title.endswith("…")


def test_minutes_saved_meanwhile_are_not_overwritten(conference, case, lead):
    link = conferences.add_case(lead, conference, case)
    opened = conferences.minutes_digest("")
    write_minutes(lead, link, "Zapis kolegi.")

    with pytest.raises(conferences.StaleCaseMinutes):
        conferences.record_case_minutes(lead, link, "Mój zapis.", seen=opened)

    link.refresh_from_db()
    assert link.minutes == "Zapis kolegi."


def test_minutes_of_a_workshop_are_refused(case, lead, conference):
    link = conferences.add_case(lead, conference, case)
    conference.kind = MeetingKind.WORKSHOP
    conference.save()

    with pytest.raises(ValidationError):
        write_minutes(lead, link, "Tekst.")


# --- What each user sees --------------------------------------------------------------------------


def test_a_partner_with_consent_sees_the_case_and_the_read_is_audited(conference, case, lead):
    school = institution_of("szkola.mirzec")
    consent(case.person, school, (ConsentCategory.IDENTITY, ConsentCategory.PLAN), recorded_by=lead)
    invite(conference, "szkola.mirzec")
    conferences.add_case(lead, conference, case)

    (row,) = conferences.case_rows(user("szkola.mirzec"), conference)

    assert row.named and row.sees_minutes
    (read,) = reads_of(conference)
    assert read.persons == [case.person_id] and read.actor == user("szkola.mirzec")
    assert read.details == {"cases": str(case.public_id)}
    assert [link for link, _access in conferences.visible_case_links(user("szkola.mirzec"), conference)] == [row.link]


def test_a_partner_with_consent_for_identity_only_does_not_read_the_minutes(conference, case, lead):
    consent(case.person, institution_of("szkola.mirzec"), recorded_by=lead)
    invite(conference, "szkola.mirzec")
    conferences.add_case(lead, conference, case)

    (row,) = conferences.case_rows(user("szkola.mirzec"), conference)

    assert row.named and not row.sees_minutes


@pytest.mark.parametrize("username", ["policja.mirzec", "pcpr.starachowice", "admin"])
def test_others_see_only_that_there_is_a_case_and_nothing_is_audited(conference, case, lead, username):
    invite(conference, "policja.mirzec")
    link = conferences.add_case(lead, conference, case)

    (row,) = conferences.case_rows(user(username), conference)

    assert row.hidden and not row.sees_minutes
    assert conferences.visible_case_links(user(username), conference) == []
    assert not reads_of(link.meeting).exists()


def test_a_participation_started_earlier_stays_when_the_conference_ends_its_own(conference, case, lead):
    """A partner already in the case (a referral, the case team) keeps that participation."""
    school = institution_of("szkola.mirzec")
    Participation.objects.create(
        case=case,
        institution=school,
        municipality=case.municipality,
        kind=ParticipationKind.REFERRAL,
        started_at=timezone.now() - dt.timedelta(days=1),
    )
    consent(case.person, school, recorded_by=lead)
    invite(conference, "szkola.mirzec")
    conferences.add_case(lead, conference, case)
    conference.status = MeetingStatus.CANCELLED
    conference.save()

    conferences.sync_participations(conference)

    assert Participation.objects.active().filter(case=case, institution=school).count() == 1


# --- Only those who work on the case change it -----------------------------------------------------


@pytest.mark.parametrize("username", ["kolega.mirzec", "lider.mirzec", "szkola.mirzec"])
def test_a_reader_of_the_case_may_not_take_it_off_or_write_its_minutes(conference, case, lead, username):
    consent(
        case.person, institution_of("szkola.mirzec"), (ConsentCategory.IDENTITY, ConsentCategory.PLAN), recorded_by=lead
    )
    invite(conference, "szkola.mirzec")
    link = write_minutes(lead, conferences.add_case(lead, conference, case), "Ustalenia zespołu.")

    with pytest.raises(ValidationError):
        conferences.remove_case(user(username), link)
    with pytest.raises(ValidationError):
        write_minutes(user(username), link, "Cudzy zapis.")

    link.refresh_from_db()
    assert link.minutes == "Ustalenia zespołu."
    assert active_institutions(conference, case) == {institution_of("szkola.mirzec").pk}


# --- The page computed for every case at once ---------------------------------------------------------


def test_the_page_answers_as_the_cases_app_does_for_each_case(conference, lead):
    """`conference_cases` reads every case at once; each answer must be `case_access`'s own."""
    school, police = institution_of("szkola.mirzec"), institution_of("policja.mirzec")
    for username in ("szkola.mirzec", "policja.mirzec"):
        invite(conference, username)
    anna = make_person("Anna", "Zgodna")
    named = make_case(lead=lead, person=anna)
    consent(anna, school, (ConsentCategory.IDENTITY, ConsentCategory.PLAN), recorded_by=lead)
    family = make_household("Rodzina Narad")
    first, second = make_person("Jan", "Narad", household=family), make_person("Ewa", "Narad", household=family)
    household = make_case(lead=lead, household=family)
    consent(first, school, recorded_by=lead)
    consent(first, police, recorded_by=lead)
    for case in (named, household):
        conferences.add_case(lead, conference, case)

    for username in ("gops.mirzec", "kolega.mirzec", "szkola.mirzec", "policja.mirzec", "lider.mirzec", "admin"):
        shown = conferences.conference_cases(user(username), conference)
        for row in shown.rows:
            expected = case_access(user(username), row.link.case)
            assert row.access == expected, (username, row.link.case)
    gaps = conferences.conference_cases(lead, conference).gaps
    assert {(gap.case, gap.institution, tuple(gap.persons)) for gap in gaps} == {
        (named, police, (anna,)),
        (household, school, (second,)),
        (household, police, (second,)),
    }
