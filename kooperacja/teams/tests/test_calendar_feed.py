"""The personal iCalendar feed: making, showing, replacing and revoking the secret address,
and what the address serves (nothing after revocation)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone, translation

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.teams import feeds
from kooperacja.teams.models import CalendarFeed, MeetingKind
from kooperacja.teams.tests.factories import make_meeting, make_team, user

pytestmark = pytest.mark.django_db


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


def _feed_url(token: str) -> str:
    return f"/teams/calendar/feed/{token}.ics"


def _shown_token(body: str) -> str:
    """The token of the address a settings page shows to copy."""
    return body.split('value="http://testserver/teams/calendar/feed/')[1].split(".ics")[0]


def _new_token(username: str = "szkola.mirzec") -> str:
    return feeds.create_feed(user(username))[1]


def test_a_user_makes_an_address_and_sees_it_once_to_copy(client, login_as):
    member = login_as("szkola.mirzec")
    response = client.post("/teams/calendar/feed/", {"action": "create"}, follow=True)
    assert response.redirect_chain == [("/teams/calendar/feed/", 302)]
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode()
    assert "readonly" in body and polish("Copy it now: it is shown only once.") in body
    token = _shown_token(body)
    assert client.get(_feed_url(token)).status_code == 200
    later = client.get("/teams/calendar/feed/").content.decode()  # a reload: made nothing, shows nothing
    assert token not in later
    assert 'id="feed-address"' not in later
    assert polish("Revoke the address") in later
    assert CalendarFeed.objects.filter(user=member, revoked_at__isnull=True).count() == 1


def test_only_the_hash_of_the_token_is_stored(client):
    feed, token = feeds.create_feed(user("szkola.mirzec"))
    feed.refresh_from_db()
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    assert not [field.name for field in CalendarFeed._meta.concrete_fields if field.name == "token"]


def test_making_and_revoking_are_audited_on_the_feed(client, login_as):
    member = login_as("szkola.mirzec")
    client.post("/teams/calendar/feed/", {"action": "create"})
    feed = CalendarFeed.objects.get(user=member)
    client.post("/teams/calendar/feed/", {"action": "revoke"})
    events = AuditEvent.objects.filter(object_type="teams.calendarfeed", object_id=str(feed.pk), actor=member)
    assert set(events.values_list("action", flat=True)) == {AuditAction.CREATE, AuditAction.DELETE}


def test_making_an_address_twice_keeps_one_live_address(client, login_as):
    member = login_as("szkola.mirzec")
    first = client.post("/teams/calendar/feed/", {"action": "create"}, follow=True).content.decode()
    client.post("/teams/calendar/feed/", {"action": "create"})
    assert CalendarFeed.objects.filter(user=member, revoked_at__isnull=True).count() == 1
    old_token = _shown_token(first)
    assert client.get(_feed_url(old_token)).status_code == 404


def test_an_unknown_action_changes_nothing_and_says_so(client, login_as):
    member = login_as("szkola.mirzec")
    response = client.post("/teams/calendar/feed/", {"action": "delete-everything"})
    assert response.status_code == 400
    assert not CalendarFeed.objects.filter(user=member).exists()


def test_the_feed_serves_the_meetings_without_sign_in_and_records_its_use(client):
    team = make_team()
    meeting = make_meeting(team, title="Spotkanie zespołu w GOPS")
    feed, token = feeds.create_feed(user("szkola.mirzec"))
    response = client.get(_feed_url(token))
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
    body = client.get(_feed_url(_new_token())).content.decode()
    assert str(old.public_id) not in body and str(foreign.public_id) not in body


def test_a_case_conference_appears_without_any_case_detail(client):
    team = make_team()
    make_meeting(team, kind=MeetingKind.CASE_CONFERENCE, title="Rodzina Nowaków", agenda="Sprawa Nowaków")
    body = client.get(_feed_url(_new_token())).content.decode()
    assert "Nowak" not in body


def test_a_revoked_address_answers_404_at_once(client, login_as):
    member = login_as("szkola.mirzec")
    _feed, token = feeds.create_feed(member)
    assert client.post("/teams/calendar/feed/", {"action": "revoke"}).status_code == 302
    assert polish("You have no calendar address now.") in client.get("/teams/calendar/feed/").content.decode()
    client.logout()
    assert client.get(_feed_url(token)).status_code == 404


def test_a_replaced_address_stops_working_and_the_new_one_works(client, login_as):
    member = login_as("szkola.mirzec")
    _old, old_token = feeds.create_feed(member)
    body = client.post("/teams/calendar/feed/", {"action": "replace"}, follow=True).content.decode()
    new_token = _shown_token(body)
    assert new_token != old_token
    assert client.get(_feed_url(old_token)).status_code == 404
    assert client.get(_feed_url(new_token)).status_code == 200


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 500])
def test_an_unknown_address_answers_404(client, token):
    assert client.get(_feed_url(token)).status_code == 404


def test_the_hash_itself_is_no_address(client):
    feed, _token = feeds.create_feed(user("szkola.mirzec"))
    assert client.get(_feed_url(feed.token_hash)).status_code == 404


def test_the_feed_of_a_user_who_was_switched_off_answers_404(client):
    feed, token = feeds.create_feed(user("szkola.mirzec"))
    type(feed.user).objects.filter(pk=feed.user_id).update(is_active=False)
    assert client.get(_feed_url(token)).status_code == 404


def test_a_regional_analyst_has_no_feed_settings(client, login_as):
    login_as("rops.kielce")
    assert client.get("/teams/calendar/feed/").status_code == 403
