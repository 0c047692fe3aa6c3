"""The pages of a case conference: its cases as each user may see them, bringing a case, and a
case's part of the minutes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.cases.models import ConsentCategory, TimelineEntry, TimelineKind
from kooperacja.cases.tests.factories import consent, make_case, make_person
from kooperacja.teams import conferences
from kooperacja.teams.models import Attendance, MeetingKind
from kooperacja.teams.tests.factories import institution_of, make_meeting, make_team, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    return user("gops.mirzec")


@pytest.fixture
def conference():
    meeting = make_meeting(make_team(), kind=MeetingKind.CASE_CONFERENCE)
    for username in ("szkola.mirzec", "policja.mirzec"):
        Attendance.objects.create(
            meeting=meeting, institution=institution_of(username), user=user(username), invited_at=timezone.now()
        )
    return meeting


@pytest.fixture
def case(lead):
    person = make_person("Zofia", "Naradowa")
    case = make_case(lead=lead, person=person)
    consent(person, institution_of("szkola.mirzec"), (ConsentCategory.IDENTITY, ConsentCategory.PLAN), recorded_by=lead)
    return case


@pytest.fixture
def link(conference, case, lead):
    link = conferences.add_case(lead, conference, case)
    conferences.record_case_minutes(lead, link, "Ustalono wizytę u pedagoga.")
    return link


def cases_url(meeting):
    return reverse("teams:conference_cases", args=[meeting.public_id])


def case_url(link):
    return reverse("teams:conference_case", args=[link.meeting.public_id, link.case.public_id])


def test_the_worker_sees_the_case_and_who_is_left_out(client, login_as, link):
    login_as("gops.mirzec")

    page = client.get(cases_url(link.meeting)).content.decode()

    assert "Zofia Naradowa" in page and "Ustalono wizytę u pedagoga." in page
    assert institution_of("policja.mirzec").name in page
    assert reverse("cases:consents", args=[link.case.person.public_id]) in page


def test_a_partner_with_consent_reads_the_case_but_not_who_else_is_left_out(client, login_as, link):
    login_as("szkola.mirzec")

    page = client.get(cases_url(link.meeting)).content.decode()

    assert "Zofia Naradowa" in page and "Ustalono wizytę u pedagoga." in page
    assert reverse("cases:consents", args=[link.case.person.public_id]) not in page


@pytest.mark.parametrize("username", ["policja.mirzec", "pcpr.starachowice"])
def test_a_member_without_consent_sees_only_that_there_is_a_case(client, login_as, link, username):
    login_as(username)

    response = client.get(cases_url(link.meeting))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Naradowa" not in page and "pedagoga" not in page
    assert client.get(case_url(link)).status_code == 404


def test_a_meeting_that_is_not_a_conference_has_no_cases_page(client, login_as):
    login_as("gops.mirzec")
    meeting = make_meeting(make_team(), kind=MeetingKind.WORKSHOP)

    assert client.get(cases_url(meeting)).status_code == 404


def test_the_worker_adds_a_case(client, login_as, conference, case):
    login_as("gops.mirzec")

    response = client.post(cases_url(conference), {"case": str(case.public_id)})

    assert response.status_code == 302
    assert conference.case_links.get().case == case


@pytest.mark.parametrize("data", [{}, {"case": "not-a-case"}], ids=["empty", "garbage"])
def test_bad_input_adds_nothing(client, login_as, conference, data):
    login_as("gops.mirzec")

    response = client.post(cases_url(conference), data)

    assert response.status_code == 400
    assert not conference.case_links.exists()


def test_a_colleague_cannot_add_a_case_they_do_not_work_on(client, login_as, conference, case):
    login_as("kolega.mirzec")

    response = client.post(cases_url(conference), {"case": str(case.public_id)})

    assert response.status_code == 400
    assert not conference.case_links.exists()


def test_a_partner_is_not_offered_to_add_cases(client, login_as, conference, case):
    login_as("szkola.mirzec")

    assert client.post(cases_url(conference), {"case": str(case.public_id)}).status_code == 403


def test_the_worker_edits_the_minutes_once_on_the_timeline(client, login_as, link):
    login_as("gops.mirzec")
    seen = conferences.minutes_digest(link.minutes)

    response = client.post(case_url(link), {"action": "save", "minutes": "Nowe ustalenia.", "seen": seen})

    assert response.status_code == 302
    (entry,) = TimelineEntry.objects.filter(case=link.case, kind=TimelineKind.MEETING)
    assert "Nowe ustalenia." in entry.title


def test_stale_minutes_answer_409_and_keep_what_was_saved(client, login_as, link):
    login_as("gops.mirzec")

    response = client.post(
        case_url(link), {"action": "save", "minutes": "Moje.", "seen": conferences.minutes_digest("")}
    )

    assert response.status_code == 409
    assert 'id="conflict"' in response.content.decode()
    link.refresh_from_db()
    assert link.minutes == "Ustalono wizytę u pedagoga."


def test_a_post_without_an_action_changes_nothing(client, login_as, link):
    login_as("gops.mirzec")

    assert client.post(case_url(link), {"minutes": "Coś."}).status_code == 400
    link.refresh_from_db()
    assert link.minutes == "Ustalono wizytę u pedagoga."


@pytest.mark.parametrize("username", ["kolega.mirzec", "lider.mirzec", "szkola.mirzec"])
def test_readers_of_the_case_may_not_change_its_minutes(client, login_as, link, username):
    login_as(username)

    assert client.get(case_url(link)).status_code == 200
    assert client.post(case_url(link), {"action": "remove"}).status_code == 403
    assert link.meeting.case_links.exists()


def test_the_worker_takes_the_case_off(client, login_as, link):
    login_as("gops.mirzec")

    response = client.post(case_url(link), {"action": "remove"})

    assert response.status_code == 302
    assert not link.meeting.case_links.exists()
