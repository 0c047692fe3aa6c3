"""The calendar of meetings: the month grid and the list, the months before and after, the
team filter, bad input, and what a case conference shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kooperacja.teams.models import MeetingKind
from kooperacja.teams.tests.factories import make_meeting, make_team
from kooperacja.teams.views.calendar import month_in_sentence

pytestmark = pytest.mark.django_db


def _at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


def test_the_month_grid_is_a_table_with_a_caption_day_headers_and_the_meetings(client, login_as):
    team = make_team()
    meeting = make_meeting(team, starts_at=_at(2031, 3, 12), title="Warsztat kooperacji")
    login_as("szkola.mirzec")
    response = client.get("/teams/calendar/?month=2031-03")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<caption>" in body and body.count('<th scope="col">') == 7
    assert f"/teams/meetings/{meeting.public_id}/" in body and "Warsztat kooperacji" in body
    assert '<time datetime="2031-03-12">12</time>' in body


def test_it_links_the_months_before_and_after_keeping_the_view_and_the_team(client, login_as):
    team = make_team()
    login_as("lider.mirzec")
    body = client.get(f"/teams/calendar/?month=2031-01&view=list&team={team.public_id}").content.decode()
    assert f"view=list&amp;month=2030-12&amp;team={team.public_id}" in body
    assert f"view=list&amp;month=2031-02&amp;team={team.public_id}" in body


def test_the_list_shows_the_month_s_meetings_day_by_day(client, login_as):
    team = make_team()
    make_meeting(team, starts_at=_at(2031, 5, 6), title="Pierwsze", place="Szkoła")
    make_meeting(team, starts_at=_at(2031, 5, 20), title="Drugie")
    make_meeting(team, starts_at=_at(2031, 6, 2), title="Czerwcowe")
    login_as("policja.mirzec")
    body = client.get("/teams/calendar/?month=2031-05&view=list").content.decode()
    assert body.index("Pierwsze") < body.index("Drugie") and "Czerwcowe" not in body
    assert "Szkoła" in body


def test_the_team_filter_keeps_other_teams_out(client, login_as):
    mine, other = make_team(), make_team()
    make_meeting(mine, starts_at=_at(2031, 4, 7), title="Moje spotkanie")
    make_meeting(other, starts_at=_at(2031, 4, 8), title="Inne spotkanie")
    login_as("lider.mirzec")
    body = client.get(f"/teams/calendar/?month=2031-04&team={mine.public_id}").content.decode()
    assert "Moje spotkanie" in body and "Inne spotkanie" not in body


def test_it_shows_no_meeting_of_a_team_the_user_does_not_see(client, login_as):
    team = make_team()
    make_meeting(team, starts_at=_at(2031, 4, 9), title="Spotkanie Mirca")
    login_as("gops.oksa")
    body = client.get("/teams/calendar/?month=2031-04").content.decode()
    assert "Spotkanie Mirca" not in body


def test_a_case_conference_shows_no_title_that_could_name_a_family(client, login_as):
    team = make_team()
    make_meeting(team, starts_at=_at(2031, 4, 10), title="Rodzina Kowalskich", kind=MeetingKind.CASE_CONFERENCE)
    login_as("lider.mirzec")
    body = client.get("/teams/calendar/?month=2031-04").content.decode()
    assert "Kowalskich" not in body


@pytest.mark.parametrize(
    "query",
    [
        "month=marzec",
        "month=2031-13",
        "month=9999-12",
        "month=0001-01",
        "month=1899-12",
        "month=3000-01",
        "month=2031-03-05",
        "view=year",
        "team=nie-ma",
    ],
)
def test_bad_input_answers_400_saying_what_is_shown_instead(client, login_as, query):
    login_as("lider.mirzec")
    response = client.get(f"/teams/calendar/?{query}")
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()


def test_a_month_far_in_the_past_or_future_says_so_in_polish(client, login_as):
    login_as("lider.mirzec")
    response = client.get("/teams/calendar/?month=9999-12")
    assert response.status_code == 400
    with translation.override("pl"):
        expected = translation.gettext("The calendar shows the years %(first)s–%(last)s: the current month is shown.")
    assert expected % {"first": 1900, "last": 2999} in response.content.decode()


@pytest.mark.parametrize(("month", "gone"), [("2999-12", 'rel="next"'), ("1900-01", 'rel="prev"')])
def test_the_first_and_last_months_shown_have_no_link_beyond_them(client, login_as, month, gone):
    login_as("lider.mirzec")
    response = client.get(f"/teams/calendar/?month={month}")
    assert response.status_code == 200
    assert gone not in response.content.decode()


ANY_MONTH = st.one_of(
    st.text(max_size=30),
    st.builds("{}-{}".format, st.integers(-(10**6), 10**6), st.integers(-20, 20)),
    st.builds("{:04d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(month=ANY_MONTH, view=st.sampled_from(["month", "list"]))
def test_no_month_written_in_the_address_breaks_the_calendar(client, login_as, month, view):
    login_as("lider.mirzec")
    assert client.get("/teams/calendar/", {"month": month, "view": view}).status_code in (200, 400)


def test_a_team_of_another_gmina_is_not_offered_as_a_filter(client, login_as):
    team = make_team()
    login_as("gops.oksa")
    response = client.get(f"/teams/calendar/?team={team.public_id}")
    assert response.status_code == 400
    assert polish("That team is not one of your teams: the meetings of all your teams are shown.") in (
        response.content.decode()
    )


def test_a_regional_analyst_has_no_calendar(client, login_as):
    login_as("rops.kielce")
    assert client.get("/teams/calendar/").status_code == 403


def test_today_is_marked_for_assistive_technology(client, login_as):
    login_as("lider.mirzec")
    assert 'aria-current="date"' in client.get("/teams/calendar/").content.decode()


def test_the_calendar_keeps_its_query_count_at_two_sizes(client, login_as, django_assert_num_queries):
    team = make_team()
    make_meeting(team, starts_at=_at(2031, 7, 1))
    login_as("lider.mirzec")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/teams/calendar/?month=2031-07").status_code == 200
    for day in range(2, 20):
        make_meeting(team, starts_at=_at(2031, 7, day))
    with django_assert_num_queries(len(small)):
        client.get("/teams/calendar/?month=2031-07")


def test_month_names_inside_a_sentence_are_not_written_as_headings(client, login_as):
    login_as("lider.mirzec")
    body = client.get("/teams/calendar/?month=2026-11").content.decode()
    with translation.override("pl"):
        october, november = month_in_sentence(dt.date(2026, 10, 1)), month_in_sentence(dt.date(2026, 11, 1))
        previous = translation.gettext("Previous month: %(month)s") % {"month": october}
        caption = translation.gettext("Meetings in %(month)s, week by week from Monday") % {"month": november}
        heading = date_format(dt.date(2026, 11, 1), "F Y")
    assert previous in body and caption in body
    # Django's month names are for headings: capitalised, they stay out of the sentences.
    assert "Październik 2026" not in body
    assert f'<h2 id="month-title">{heading}' in body


@pytest.mark.parametrize(("number", "name"), [(1, "styczeń"), (10, "październik"), (12, "grudzień")])
def test_a_month_in_a_sentence_is_its_lower_case_polish_name(number, name):
    with translation.override("pl"):
        assert month_in_sentence(dt.date(2026, number, 1)) == f"{name} 2026"


def test_the_month_view_also_lists_its_days_for_narrow_screens(client, login_as):
    team = make_team()
    make_meeting(team, starts_at=_at(2031, 5, 31), title="Sobotnie spotkanie")
    login_as("lider.mirzec")
    body = client.get("/teams/calendar/?month=2031-05").content.decode()
    narrow = body[body.index('class="calendar-narrow"') :]
    assert 'id="day-2031-05-31"' in narrow and "Sobotnie spotkanie" in narrow
    assert body.count('id="day-2031-05-31"') == 1
