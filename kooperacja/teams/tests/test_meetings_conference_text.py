"""What a case conference says may name a family: its title, agenda, minutes, decisions and
attachments are read only by the one who planned it and by those who know who one of its
cases is about. Everyone else who sees the team sees when and where it is held."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kooperacja.cases.policies import case_access
from kooperacja.cases.tests.factories import consent, make_case, make_person, take_part
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.teams import services
from kooperacja.teams.models import Decision, MeetingCase, MeetingKind
from kooperacja.teams.policies import sees_conference_text
from kooperacja.teams.tests.factories import institution_of, make_meeting, make_team, user

pytestmark = pytest.mark.django_db

FAMILY = "Zawadzk"
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def case():
    return make_case(lead=user("gops.mirzec"), person=make_person("Jan", "Zawadzki"))


def conference_of(team, case, **fields):
    """A conference about the case, held an hour ago, with minutes, a decision and an attachment
    that all name the family."""
    conference = make_meeting(
        team,
        kind=MeetingKind.CASE_CONFERENCE,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        title="Konferencja: rodzina Zawadzkich",
        agenda="1. Sytuacja rodziny Zawadzkich",
        minutes="Ustalono plan pomocy dla Zawadzkich.",
        **fields,
    )
    MeetingCase.objects.create(meeting=conference, case=case, municipality_id=case.municipality_id)
    Decision.objects.create(meeting=conference, number=1, text="Wizyta u Zawadzkich w piątek.")
    upload = SimpleUploadedFile("notatka.pdf", PDF_BYTES, content_type="application/pdf")
    services.add_document(user("lider.mirzec"), team, upload, title="Notatka o Zawadzkich", meeting=conference)
    return conference


@pytest.fixture
def conference(team, case):
    return conference_of(team, case)


def url(name, obj):
    return reverse(name, args=[obj.public_id])


# --- Who reads the text ------------------------------------------------------------------------


def test_the_case_worker_and_the_manager_of_the_case_read_the_text(conference):
    assert sees_conference_text(user("gops.mirzec"), conference)
    assert sees_conference_text(user("lider.mirzec"), conference)


def test_a_partner_without_consent_and_the_animator_do_not(conference, case):
    take_part(case, institution_of("policja.mirzec"))

    assert case_access(user("policja.mirzec"), case) is not None  # takes part, without consent
    assert not sees_conference_text(user("policja.mirzec"), conference)
    assert not sees_conference_text(user("pcpr.starachowice"), conference)


def test_a_partner_with_consent_to_share_identity_reads_it(conference, case):
    police = institution_of("policja.mirzec")
    take_part(case, police)
    for person in case.persons():
        consent(person, police, recorded_by=user("gops.mirzec"))

    assert sees_conference_text(user("policja.mirzec"), conference)


def test_the_one_who_planned_the_conference_reads_it(team, case):
    conference = conference_of(team, case, created_by=user("pcpr.starachowice"))

    assert sees_conference_text(user("pcpr.starachowice"), conference)


def test_every_other_meeting_is_read_by_all_who_see_the_team(team):
    assert sees_conference_text(user("szkola.mirzec"), make_meeting(team, title="Warsztat"))


# --- Pages ---------------------------------------------------------------------------------


def test_a_partner_without_consent_sees_only_when_and_where(client, login_as, conference, case):
    take_part(case, institution_of("policja.mirzec"))
    login_as("policja.mirzec")

    response = client.get(url("teams:meeting", conference))

    page = response.content.decode()
    assert response.status_code == 200
    assert FAMILY not in page
    assert conference.place in page
    assert response.context["meeting_title"] == conference.listed_title
    assert "shown only to those who work on its cases" in page or "tylko osobom" in page
    assert reverse("teams:meeting_pdf", args=[conference.public_id]) not in page


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("teams:meeting_edit", "get"),
        ("teams:meeting_minutes", "get"),
        ("teams:meeting_minutes", "post"),
        ("teams:decision_add", "post"),
        ("teams:attachment_add", "post"),
        ("teams:meeting_pdf", "get"),
    ],
)
def test_the_animator_without_access_to_the_cases_is_forbidden_the_text(client, login_as, conference, name, method):
    login_as("pcpr.starachowice")

    response = getattr(client, method)(url(name, conference))

    assert response.status_code == 403


def test_the_animator_still_runs_the_conference_without_reading_it(client, login_as, conference):
    login_as("pcpr.starachowice")

    page = client.get(url("teams:meeting", conference))
    attendance = client.get(url("teams:meeting_attendance", conference))

    assert page.status_code == attendance.status_code == 200
    assert FAMILY not in page.content.decode()
    assert FAMILY not in attendance.content.decode()
    assert reverse("teams:meeting_edit", args=[conference.public_id]) not in page.content.decode()


def test_an_attachment_of_the_conference_is_not_downloaded_without_access(client, login_as, conference):
    document = conference.attachments.get()
    login_as("pcpr.starachowice")

    response = client.get(reverse("teams:document", args=[document.public_id]))

    assert response.status_code == 403


def test_the_creator_reads_the_conference_and_prints_its_minutes(client, login_as, team, case):
    conference = conference_of(team, case, created_by=user("pcpr.starachowice"))
    login_as("pcpr.starachowice")

    page = client.get(url("teams:meeting", conference))
    pdf = client.get(url("teams:meeting_pdf", conference))

    assert "Konferencja: rodzina Zawadzkich" in page.content.decode()
    assert pdf.status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.PRINT, object_id=str(conference.public_id), actor=user("pcpr.starachowice")
    ).exists()


def test_the_case_worker_reads_everything_the_team_wrote(client, login_as, conference):
    login_as("gops.mirzec")

    page = client.get(url("teams:meeting", conference)).content.decode()

    for text in (
        "rodzina Zawadzkich",
        "Sytuacja rodziny",
        "plan pomocy",
        "Wizyta u Zawadzkich",
        "Notatka o Zawadzkich",
    ):
        assert text in page


def test_the_list_of_meetings_never_shows_a_conferences_title(client, login_as, team, conference):
    login_as("lider.mirzec")

    response = client.get(reverse("teams:meetings", args=[team.public_id]))

    assert FAMILY not in response.content.decode()
    assert reverse("teams:meeting", args=[conference.public_id]) in response.content.decode()
