"""'Moja praca' shows my open team tasks with their due dates and my teams with their next
meeting; the menu leads to the teams of those who use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kooperacja.teams.models import TaskStatus
from kooperacja.teams.tests.factories import make_meeting, make_task, make_team

pytestmark = pytest.mark.django_db


def test_home_lists_my_open_tasks_with_their_due_dates(client, login_as):
    team = make_team()
    due = timezone.localdate() - dt.timedelta(days=2)
    task = make_task(team, owner="policja.mirzec", title="Zaległy plakat", due_on=due)
    done = make_task(team, owner="policja.mirzec", title="Skończone zadanie", status=TaskStatus.DONE)
    login_as("policja.mirzec")
    body = client.get("/home/").content.decode()
    assert f'href="/teams/tasks/{task.public_id}/"' in body and due.strftime("%d.%m.%Y") in body
    assert done.title not in body
    assert 'href="/teams/tasks/"' in body


def test_home_lists_my_teams_with_their_next_meeting(client, login_as):
    team = make_team(name="Zespół z kalendarzem")
    start = (timezone.now() + dt.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    make_meeting(team, starts_at=start)
    login_as("szkola.mirzec")
    body = client.get("/home/").content.decode()
    assert 'id="home-teams"' in body and f'href="/teams/{team.public_id}/"' in body
    assert timezone.localtime(start).strftime("%d.%m.%Y %H:%M") in body


def test_home_shows_no_teams_to_a_regional_analyst(client, login_as):
    login_as("rops.kielce")
    assert 'id="home-teams"' not in client.get("/home/").content.decode()


@pytest.mark.parametrize(("username", "shown"), [("szkola.mirzec", True), ("admin", True), ("rops.kielce", False)])
def test_the_menu_leads_to_the_teams_of_those_who_use_them(client, login_as, username, shown):
    login_as(username)
    assert ('href="/teams/"' in client.get("/home/").content.decode()) is shown


def test_the_teams_app_fills_the_home_page_and_the_menu_through_core_s_registries():
    from kooperacja.core import home, navigation

    assert "teams:list" in navigation._REGISTERED
    assert {"tasks", "teams"} <= set(home._CONTENT)
