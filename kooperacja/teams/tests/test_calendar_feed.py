"""The personal iCalendar feed: making, showing, replacing and revoking the secret address,
and what the address serves (nothing after revocation)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kooperacja.teams import feeds
from kooperacja.teams.models import CalendarFeed, MeetingKind
from kooperacja.teams.tests.factories import make_meeting, make_team, user

pytestmark = pytest.mark.django_db


def _feed_url(feed: CalendarFeed) -> str:
    return f"/teams/calendar/feed/{feed.token}.ics"


def test_a_user_makes_an_address_and_sees_it_to_copy(client, login_as):
    member = login_as("szkola.mirzec")
    response = client.post("/teams/calendar/feed/", {"action": "create"})
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=member, revoked_at__isnull=True)
    body = client.get("/teams/calendar/feed/").content.decode()
    assert f"http://testserver/teams/calendar/feed/{feed.token}.ics" in body
    assert "readonly" in body


def test_making_an_address_twice_keeps_the_one_address(client, login_as):
    member = login_as("szkola.mirzec")
    client.post("/teams/calendar/feed/", {"action": "create"})
    client.post("/teams/calendar/feed/", {"action": "create"})
    assert CalendarFeed.objects.filter(user=member).count() == 1


def test_an_unknown_action_changes_nothing_and_says_so(client, login_as):
    member = login_as("szkola.mirzec")
    response = client.post("/teams/calendar/feed/", {"action": "delete-everything"})
    assert response.status_code == 400
    assert not CalendarFeed.objects.filter(user=member).exists()


def test_the_feed_serves_the_meetings_without_sign_in_and_records_its_use(client):
    team = make_team()
    meeting = make_meeting(team, title="Spotkanie zespołu w GOPS")
    feed = feeds.create_feed(user("szkola.mirzec"))
    response = client.get(_feed_url(feed))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and f"{meeting.public_id}@kooperacja" in body
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_the_feed_leaves_out_meetings_older_than_ninety_days_and_other_teams(client):
    team, other = make_team(), make_team(members=())
    old = make_meeting(team, starts_at=timezone.now() - dt.timedelta(days=120))
    foreign = make_meeting(other)
    body = client.get(_feed_url(feeds.create_feed(user("szkola.mirzec")))).content.decode()
    assert str(old.public_id) not in body and str(foreign.public_id) not in body


def test_a_case_conference_appears_without_any_case_detail(client):
    team = make_team()
    make_meeting(team, kind=MeetingKind.CASE_CONFERENCE, title="Rodzina Nowaków", agenda="Sprawa Nowaków")
    body = client.get(_feed_url(feeds.create_feed(user("szkola.mirzec")))).content.decode()
    assert "Nowak" not in body


def test_a_revoked_address_answers_404_at_once(client, login_as):
    member = login_as("szkola.mirzec")
    feed = feeds.create_feed(member)
    assert client.post("/teams/calendar/feed/", {"action": "revoke"}).status_code == 302
    client.logout()
    assert client.get(_feed_url(feed)).status_code == 404


def test_a_replaced_address_stops_working_and_the_new_one_works(client, login_as):
    member = login_as("szkola.mirzec")
    old = feeds.create_feed(member)
    client.post("/teams/calendar/feed/", {"action": "replace"})
    new = CalendarFeed.objects.get(user=member, revoked_at__isnull=True)
    assert new.token != old.token
    assert client.get(_feed_url(old)).status_code == 404
    assert client.get(_feed_url(new)).status_code == 200


def test_an_unknown_address_answers_404(client):
    assert client.get("/teams/calendar/feed/not-a-real-token.ics").status_code == 404


def test_the_feed_of_a_user_who_was_switched_off_answers_404(client):
    feed = feeds.create_feed(user("szkola.mirzec"))
    type(feed.user).objects.filter(pk=feed.user_id).update(is_active=False)
    assert client.get(_feed_url(feed)).status_code == 404


def test_a_regional_analyst_has_no_feed_settings(client, login_as):
    login_as("rops.kielce")
    assert client.get("/teams/calendar/feed/").status_code == 403
