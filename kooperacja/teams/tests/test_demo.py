"""The teams demo (kooperacja.teams.demo): what a visitor finds in G-PZK Mirzec and in the
other gminas. The test database holds the whole demo (conftest), so these read it."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils import timezone

from kooperacja.cases.demo import GMINAS, MIRZEC, demo_uuid
from kooperacja.cases.models import Participation, ParticipationKind, TimelineEntry, TimelineKind
from kooperacja.cases.policies import may_add_partner
from kooperacja.core import evidence
from kooperacja.core.models import EvidenceLink
from kooperacja.institutions.models import InstitutionKind, Membership
from kooperacja.teams import demo
from kooperacja.teams.models import (
    Agreement,
    AgreementParty,
    Attendance,
    Decision,
    InvitationResponse,
    Meeting,
    MeetingCase,
    MeetingKind,
    MeetingStatus,
    Obligation,
    ObligationStatus,
    PartyKind,
    Survey,
    SurveyReceipt,
    SurveyResponse,
    Task,
    TaskComment,
    TaskStatus,
    Team,
    TeamDocument,
    TeamMember,
    TeamRole,
)
from kooperacja.territory.models import Voivodeship

pytestmark = pytest.mark.django_db

# The gminas whose powiats signed the agreements of 1 August 2018 (seed 000).
SIGNED_ON_1_AUGUST = {"2602052", "2604012", "2604083", "2609052", "2612013"}


@pytest.fixture
def mirzec() -> Team:
    return Team.objects.get(public_id=demo_uuid("team", MIRZEC))


def current_roles(team: Team) -> dict[str, str]:
    named = TeamMember.objects.current().filter(team=team, user__isnull=False)
    return dict(named.values_list("user__username", "role"))


def test_it_has_the_nine_partners_of_the_agreement_as_current_members(mirzec):
    current = TeamMember.objects.current().filter(team=mirzec)

    assert mirzec.name == "Gminno-Powiatowy Zespół Kooperacji w Mircu"
    assert "osób starszych i niepełnosprawnych" in mirzec.purpose
    assert {m.institution.name for m in current} == set(demo.PARTNERS_OF_2018)
    assert len(demo.PARTNERS_OF_2018) == 9
    assert current.filter(user__isnull=True).count() == 0


def test_it_gives_the_leader_and_the_animator_personas_their_roles(mirzec):
    roles = current_roles(mirzec)

    assert roles["lider.mirzec"] == TeamRole.LEADER
    assert roles["pcpr.starachowice"] == TeamRole.ANIMATOR
    assert {roles[name] for name in ("policja.mirzec", "szkola.mirzec", "gops.mirzec")} == {TeamRole.MEMBER}


def test_it_keeps_a_member_who_left_in_the_history(mirzec):
    left = TeamMember.objects.filter(team=mirzec, left_on__isnull=False)

    assert [m.institution.name for m in left] == [demo.NGO]
    assert not TeamMember.objects.current().filter(team=mirzec, institution__name=demo.NGO).exists()


def test_it_represents_partners_without_a_persona_by_staff_who_cannot_sign_in(mirzec):
    staff = get_user_model().objects.filter(username__in=[s.username for s in demo.DEMO_STAFF])

    assert staff.count() == len(demo.DEMO_STAFF)
    assert not any(user.has_usable_password() for user in staff)
    assert set(current_roles(mirzec)) >= {user.username for user in staff}
    for one in demo.DEMO_STAFF:
        assert Membership.objects.active().filter(user__username=one.username, institution__name=one.institution)


def test_it_has_the_agreements_of_20_and_24_august_2018(mirzec):
    agreements = {a.signed_on: a for a in Agreement.objects.filter(team=mirzec)}

    assert set(agreements) == {dt.date(2018, 8, 20), dt.date(2018, 8, 24)}
    august_20 = {p.kind: p for p in AgreementParty.objects.filter(agreement=agreements[dt.date(2018, 8, 20)])}
    assert set(august_20) == {PartyKind.VOIVODESHIP, PartyKind.MUNICIPALITY, PartyKind.COUNTY}
    assert august_20[PartyKind.VOIVODESHIP].voivodeship == Voivodeship.objects.get(code="26")
    assert august_20[PartyKind.MUNICIPALITY].municipality == mirzec.municipality
    assert august_20[PartyKind.COUNTY].county == mirzec.county
    august_24 = agreements[dt.date(2018, 8, 24)].parties.order_by("id")
    assert list(august_24.values_list("institution__name", flat=True)) == list(demo.PARTNERS_OF_2018)


def test_it_has_the_agreements_of_1_august_2018_with_the_gminas_that_signed_them():
    signed = Agreement.objects.filter(signed_on=dt.date(2018, 8, 1), team__public_id__in=team_ids())

    assert {a.team.municipality.code for a in signed} == SIGNED_ON_1_AUGUST
    for agreement in signed:
        kinds = sorted(agreement.parties.values_list("kind", flat=True))
        assert kinds == sorted([PartyKind.VOIVODESHIP, PartyKind.COUNTY, PartyKind.MUNICIPALITY])
        assert agreement.parties.get(kind=PartyKind.MUNICIPALITY).municipality == agreement.team.municipality


def test_it_gives_the_powiat_its_eight_duties_with_evidence_on_the_fulfilled_ones(mirzec):
    agreement = Agreement.objects.get(team=mirzec, signed_on=dt.date(2018, 8, 20))
    obligations = list(Obligation.objects.filter(agreement=agreement).order_by("number"))

    assert [o.number for o in obligations] == list(range(1, 9))
    assert {o.party.kind for o in obligations} == {PartyKind.COUNTY}
    in_progress = [o.number for o in obligations if o.status == ObligationStatus.IN_PROGRESS]
    assert 1 <= len(in_progress) <= 2
    for obligation in obligations:
        shown = evidence.links_of(obligation)
        if obligation.status == ObligationStatus.FULFILLED:
            assert shown, f"obligation {obligation.number} has no evidence"
            assert {getattr(link.link.evidence, "team_id", None) for link in shown} == {mirzec.pk}
        else:
            assert obligation.status_note


def test_it_links_the_information_for_the_council_as_a_pdf_document(mirzec):
    document = TeamDocument.objects.get(team=mirzec)
    content = document.file.read()

    assert content.startswith(b"%PDF-")
    assert len(content) == document.size
    assert document.content_type == "application/pdf"
    assert EvidenceLink.objects.filter(evidence_id=document.pk, evidence_type__model="teamdocument").exists()


def test_its_pdf_points_its_cross_reference_at_its_objects():
    content = demo.simple_pdf(["Zażółć gęślą jaźń – „cytat” (nawias)"])
    start = int(re.search(rb"startxref\n(\d+)", content).group(1))  # type: ignore[union-attr]
    offsets = [int(line[:10]) for line in content[start:].split(b"\n")[3:8]]

    assert content[start:].startswith(b"xref")
    assert [content[offset:].split(b" ", 1)[0] for offset in offsets] == [b"1", b"2", b"3", b"4", b"5"]
    assert b"(Za\x87\xf3\x83\x81 g\x82\x85l\x80 ja\x86\x84 \x92 \x90cytat\x91 \\(nawias\\)) Tj" in content


def test_it_has_seven_held_workshops_in_2018_with_attendance_and_minutes(mirzec):
    workshops = Meeting.objects.filter(team=mirzec, kind=MeetingKind.WORKSHOP, starts_at__year=2018)

    assert workshops.count() == 7
    assert set(workshops.values_list("status", flat=True)) == {MeetingStatus.HELD}
    assert all(meeting.minutes for meeting in workshops)
    for meeting in workshops:
        came = Attendance.objects.filter(meeting=meeting, attended=True)
        assert came.count() >= 7
        assert {a.hours for a in came} == {4}
    assert Decision.objects.filter(meeting__in=workshops).count() >= 3


def test_it_turns_last_months_decisions_into_tasks_in_every_state(mirzec):
    today = timezone.localdate()
    tasks = Task.objects.filter(team=mirzec).select_related("owner_user")

    overdue = Task.objects.overdue().filter(team=mirzec)
    assert list(overdue.values_list("owner_user__username", flat=True)) == ["policja.mirzec"]
    done = tasks.get(status=TaskStatus.DONE)
    assert done.done_on is not None and done.due_on is not None
    assert done.done_on <= done.due_on
    assert tasks.filter(status=TaskStatus.IN_PROGRESS).exists()
    soon = tasks.get(owner_user__username="szkola.mirzec")
    assert soon.due_on is not None
    assert today <= soon.due_on <= today + dt.timedelta(days=3)
    assert all(task.decision is not None and task.decision.meeting.team_id == mirzec.pk for task in tasks)
    assert TaskComment.objects.filter(task__in=overdue).count() >= 1


def test_it_invites_to_next_weeks_meeting_with_every_kind_of_answer(mirzec):
    today = timezone.localdate()
    planned = Meeting.objects.get(team=mirzec, status=MeetingStatus.PLANNED)

    assert today < timezone.localdate(planned.starts_at) <= today + dt.timedelta(days=10)
    answers = set(Attendance.objects.filter(meeting=planned).values_list("response", flat=True))
    assert answers == {InvitationResponse.ACCEPTED, InvitationResponse.DECLINED, InvitationResponse.PENDING}


def test_it_shares_the_case_conference_only_where_the_family_consented(mirzec):
    conference = Meeting.objects.get(team=mirzec, kind=MeetingKind.CASE_CONFERENCE)
    day = timezone.localdate(conference.starts_at)
    came = {a.institution for a in Attendance.objects.filter(meeting=conference, attended=True)}
    links = list(MeetingCase.objects.filter(meeting=conference).select_related("case"))

    assert len(links) == 2
    assert "Posterunek Policji w Mircu" in {institution.name for institution in came}
    for link in links:
        shared = set(
            Participation.objects.filter(
                case=link.case,
                kind=ParticipationKind.CASE_CONFERENCE,
                source_type="teams.meeting",
                source_id=str(conference.public_id),
            ).values_list("institution__name", flat=True)
        )
        allowed = {
            institution.name
            for institution in came
            if institution.pk != link.case.institution_id and may_add_partner(link.case, institution, day)
        }
        assert shared == allowed
        assert "Publiczna Szkoła Podstawowa w Mircu" in shared
        assert "Posterunek Policji w Mircu" not in shared


def test_it_puts_the_case_part_of_the_minutes_on_the_case_timeline(mirzec):
    for link in MeetingCase.objects.filter(meeting__team=mirzec):
        entry = TimelineEntry.objects.get(case=link.case, source_type="teams.meetingcase", source_id=str(link.pk))
        assert entry.kind == TimelineKind.MEETING
        assert entry.category == "plan"
        assert link.minutes in entry.title


def test_it_has_a_closed_survey_with_enough_answers_and_an_open_one(mirzec):
    today = timezone.localdate()
    closed = Survey.objects.filter(team=mirzec, closes_on__lt=today).order_by("-closes_on").first()
    open_now = Survey.objects.get(team=mirzec, opens_on__lte=today, closes_on__gte=today)

    assert closed is not None
    assert closed.responses.count() == closed.receipts.count() == 6
    assert closed.closes_on >= demo._quarter_start(today) - dt.timedelta(days=92)
    assert open_now.responses.count() == open_now.receipts.count() == 2
    answered = set(SurveyReceipt.objects.filter(survey__team=mirzec).values_list("user__username", flat=True))
    assert answered <= set(current_roles(mirzec))


def test_its_survey_answers_name_nobody():
    user_model = get_user_model()

    assert not [f for f in SurveyResponse._meta.get_fields() if f.related_model is user_model]


def team_ids() -> list[uuid.UUID]:
    return [demo_uuid("team", code) for code in GMINAS]


def test_it_has_a_team_in_each_of_the_eight_gminas_with_current_meetings():
    today = timezone.localdate()
    teams = Team.objects.filter(public_id__in=team_ids()).select_related("municipality")

    assert {team.municipality.code for team in teams} == set(GMINAS)
    for team in teams:
        roles = {m.role: m.institution for m in TeamMember.objects.current().filter(team=team)}
        assert roles[TeamRole.LEADER].kind == InstitutionKind.GOPS
        assert roles[TeamRole.LEADER].municipality_id == team.municipality_id
        assert roles[TeamRole.ANIMATOR].kind == InstitutionKind.PCPR
        assert roles[TeamRole.ANIMATOR].county_id == team.county_id
        meetings = Meeting.objects.filter(team=team, starts_at__gte=timezone.now() - dt.timedelta(days=45))
        assert meetings.filter(status=MeetingStatus.HELD).exists()
        assert meetings.filter(status=MeetingStatus.PLANNED, starts_at__date__gt=today).exists()
        assert Task.objects.filter(team=team, decision__isnull=False).exists()


def test_it_makes_gops_oksa_the_named_leader_in_oksa():
    oksa = Team.objects.get(public_id=demo_uuid("team", "2602052"))

    assert current_roles(oksa) == {"gops.oksa": TeamRole.LEADER}


MODELS: list[type[Model]] = [
    Team,
    TeamMember,
    Agreement,
    AgreementParty,
    Obligation,
    Meeting,
    Attendance,
    Decision,
    Task,
    TaskComment,
    TeamDocument,
    MeetingCase,
    Survey,
    SurveyReceipt,
    SurveyResponse,
    EvidenceLink,
    Participation,
    TimelineEntry,
    Membership,
]


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in [*MODELS, get_user_model()]}


def test_it_adds_nothing_when_loaded_again():
    before = counts()
    said: list[str] = []

    demo.load(said.append)

    assert counts() == before
    assert said == ["Teams: 8 demo cooperation teams (0 new)."]
