"""'Moja praca': each role's home page says what waits for it."""

from __future__ import annotations

import pytest

from kooperacja.core.notifications import notify

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "sections"),
    [
        ("gops.mirzec", ["home-cases", "home-referrals", "home-tasks"]),
        ("asystent.mirzec", ["home-assigned", "home-tasks"]),
        ("lider.mirzec", ["home-institution", "home-cases"]),
        ("szkola.mirzec", ["home-referrals", "home-directory"]),
        ("rops.kielce", ["home-aggregates"]),
        ("admin", ["home-platform"]),
    ],
)
def test_it_shows_each_role_its_own_sections(client, login_as, username, sections):
    login_as(username)
    body = client.get("/home/").content.decode()
    for section in sections:
        assert f'id="{section}"' in body, section


def test_it_keeps_a_regional_analyst_away_from_case_work(client, login_as):
    login_as("rops.kielce")
    body = client.get("/home/").content.decode()
    assert 'id="home-cases"' not in body and 'id="home-referrals"' not in body


def test_it_links_a_manager_to_the_staff_of_their_institution(client, login_as):
    manager = login_as("lider.mirzec")
    institution = manager.memberships.get(role="manager").institution
    body = client.get("/home/").content.decode()
    assert f"/institutions/{institution.public_id}/staff/" in body


def test_it_lists_the_newest_unread_notifications(client, login_as):
    worker = login_as("gops.mirzec")
    notify(worker, kind="test", title="Nowe skierowanie do Twojej instytucji", url="/home/")
    body = client.get("/home/").content.decode()
    assert "Nowe skierowanie do Twojej instytucji" in body


def test_it_tells_a_user_without_membership_what_to_do(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nowy", password="x"))
    response = client.get("/home/")
    assert response.status_code == 200
    assert 'class="empty-state"' in response.content.decode()


def test_it_keeps_its_query_count_flat(client, login_as, django_assert_max_num_queries):
    worker = login_as("gops.mirzec")
    for number in range(30):
        notify(worker, kind="test", title=f"Powiadomienie {number}", url="/home/")
    # One query each for the open team tasks and the teams with their next meeting.
    with django_assert_max_num_queries(12):
        assert client.get("/home/").status_code == 200


def test_it_takes_every_right_away_when_the_institution_stops_working(client, login_as):
    officer = login_as("policja.mirzec")
    institution = officer.memberships.get().institution
    institution.is_active = False
    institution.save()
    body = client.get("/home/").content.decode()
    assert 'id="home-referrals"' not in body
    assert "Nie należysz teraz do żadnej działającej instytucji" in body
    assert client.get(f"/institutions/{institution.public_id}/").status_code == 404


@pytest.mark.parametrize("username", ["gops.mirzec", "asystent.mirzec"])
def test_it_leads_case_workers_to_the_cases_they_work_on(client, login_as, username):
    login_as(username)

    body = client.get("/home/").content.decode()
    mine = client.get("/cases/?mine=1")

    assert 'href="/cases/?mine=1"' in body
    assert mine.status_code == 200 and mine.context["rows"]
