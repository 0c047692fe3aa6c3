"""The pages of a case conference: its cases as each user may see them, bringing a case, and a
case's part of the minutes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kooperacja.cases.models import ConsentCategory, TimelineEntry, TimelineKind
from kooperacja.cases.tests.factories import consent, make_case, make_person
from kooperacja.teams import conferences
from kooperacja.teams.models import Attendance, MeetingKind
from kooperacja.teams.tests.factories import institution_of, make_meeting, make_team, user

pytestmark = pytest.mark.django_db


def polish(msgid):
    """The page's words as a Polish user reads them (the English msgid until translated)."""
    with translation.override("pl"):
        return translation.gettext(msgid)


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
    conferences.record_case_minutes(lead, link, "Ustalono wizytę u pedagoga.", seen=conferences.minutes_digest(""))
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


def test_minutes_sent_without_what_the_editor_opened_are_refused(client, login_as, link):
    login_as("gops.mirzec")

    response = client.post(case_url(link), {"action": "save", "minutes": "Bez podstawy."})

    assert response.status_code == 400
    assert polish("The form is incomplete: open this page again and repeat the change.") in response.content.decode()
    link.refresh_from_db()
    assert link.minutes == "Ustalono wizytę u pedagoga."


def test_the_page_lists_a_case_conference_without_its_own_title(client, login_as, link):
    link.meeting.title = "Narada o rodzinie Naradowych"
    link.meeting.save()
    login_as("policja.mirzec")

    page = client.get(cases_url(link.meeting)).content.decode()

    assert "Naradowych" not in page


def _more_cases(conference, lead, count):
    for number in range(count):
        person = make_person("Jan", f"Naradowy{number}")
        case = make_case(lead=lead, person=person)
        consent(person, institution_of("szkola.mirzec"), (ConsentCategory.IDENTITY,), recorded_by=lead)
        conferences.add_case(lead, conference, case)


@pytest.mark.parametrize("username", ["gops.mirzec", "szkola.mirzec", "policja.mirzec"])
def test_the_page_reads_the_same_number_of_times_for_one_case_or_three(
    client, login_as, django_assert_num_queries, conference, lead, username
):
    small = conference
    big = make_meeting(conference.team, kind=MeetingKind.CASE_CONFERENCE)
    for username_invited in ("szkola.mirzec", "policja.mirzec"):
        Attendance.objects.create(
            meeting=big,
            institution=institution_of(username_invited),
            user=user(username_invited),
            invited_at=timezone.now(),
        )
    _more_cases(small, lead, 1)
    _more_cases(big, lead, 3)
    login_as(username)
    client.get(cases_url(small))  # warm caches (sessions, memberships)

    with django_assert_num_queries(QUERIES_CASES_PAGE[username]) as small_queries:
        client.get(cases_url(small))
    with django_assert_num_queries(len(small_queries)):
        page = client.get(cases_url(big)).content.decode()

    assert ("Naradowy2" in page) == (username != "policja.mirzec")


QUERIES_CASES_PAGE = {"gops.mirzec": 18, "szkola.mirzec": 16, "policja.mirzec": 14}
