"""/api/v1/teams, /meetings, /tasks: teams, their meetings and tasks with the access of the
HTML pages; a case conference's text only for those who may read it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from kooperacja.api.tests.conftest import bearer
from kooperacja.cases.tests.factories import make_case, make_person
from kooperacja.institutions import tokens
from kooperacja.institutions.models import TokenScope
from kooperacja.teams.models import Attendance, Decision, MeetingCase, MeetingKind, TaskStatus
from kooperacja.teams.tests.factories import institution_of, make_meeting, make_task, make_team, user

pytestmark = pytest.mark.django_db

API = "/api/v1"
MIRZEC = "2611032"


def token(username: str, scope: str = TokenScope.READ_WRITE) -> dict[str, str]:
    return bearer(tokens.issue_personal_token(user(username), name="t", scope=scope)[1])


def get(client: Any, path: str, username: str) -> Any:
    return client.get(f"{API}{path}", **token(username))


def ids(answer: Any) -> set[str]:
    return {item["id"] for item in answer.json()["items"]}


# --- Teams --------------------------------------------------------------------------------------


def test_it_lists_the_teams_the_holder_sees_and_filters_by_gmina(client: Any) -> None:
    team = make_team(name="Zespół API Mirzec")
    answer = get(client, "/teams?page_size=200", "szkola.mirzec")
    assert answer.status_code == 200
    assert str(team.public_id) in ids(answer)
    item = next(item for item in answer.json()["items"] if item["id"] == str(team.public_id))
    assert item["gmina"] == {"code": MIRZEC, "name": "Mirzec"}
    assert item["member_count"] == 4
    assert str(team.public_id) not in ids(get(client, "/teams?page_size=200", "gops.oksa"))
    in_mirzec = get(client, f"/teams?gmina={MIRZEC}&page_size=200", "lider.mirzec").json()
    assert str(team.public_id) in {item["id"] for item in in_mirzec["items"]}
    assert {item["gmina"]["code"] for item in in_mirzec["items"]} == {MIRZEC}


@pytest.mark.parametrize(("gmina", "message"), [("26110", "7-digit"), ("2699999", "TERYT")])
def test_it_refuses_a_gmina_that_is_not_a_known_teryt_code(client: Any, gmina: str, message: str) -> None:
    answer = client.get(f"{API}/teams?gmina={gmina}", HTTP_ACCEPT_LANGUAGE="en", **token("lider.mirzec"))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "gmina"
    assert message in answer.json()["errors"][0]["message"]


def test_it_refuses_the_list_of_teams_to_a_regional_analyst(client: Any) -> None:
    assert get(client, "/teams", "rops.kielce").status_code == 403


def test_it_gives_a_team_with_its_current_members_and_whether_the_holder_runs_it(client: Any) -> None:
    team = make_team()
    answer = get(client, f"/teams/{team.public_id}", "lider.mirzec")
    assert answer.status_code == 200
    body = answer.json()
    assert body["runs"] is True
    assert {member["institution"]["name"] for member in body["members"]} == {
        institution_of(name).name for name in ("lider.mirzec", "pcpr.starachowice", "policja.mirzec", "szkola.mirzec")
    }
    assert get(client, f"/teams/{team.public_id}", "szkola.mirzec").json()["runs"] is False
    assert get(client, f"/teams/{team.public_id}", "gops.oksa").status_code == 404


# --- Meetings -----------------------------------------------------------------------------------


def test_it_pages_a_teams_meetings_newest_first_and_filters_them(client: Any) -> None:
    team = make_team()
    now = timezone.now()
    oldest = make_meeting(team, starts_at=now - dt.timedelta(days=30), kind=MeetingKind.WORKSHOP)
    middle = make_meeting(team, starts_at=now - dt.timedelta(days=10))
    newest = make_meeting(team, starts_at=now + dt.timedelta(days=10))
    Attendance.objects.create(
        meeting=middle, institution=institution_of("szkola.mirzec"), user=user("szkola.mirzec"), attended=True
    )
    first = get(client, f"/teams/{team.public_id}/meetings?page_size=2", "szkola.mirzec").json()
    assert first["count"] == 3
    assert [item["id"] for item in first["items"]] == [str(newest.public_id), str(middle.public_id)]
    assert first["items"][1]["attended"] == 1
    second = get(client, f"/teams/{team.public_id}/meetings?page_size=2&page=2", "szkola.mirzec").json()
    assert [item["id"] for item in second["items"]] == [str(oldest.public_id)]
    workshops = get(client, f"/teams/{team.public_id}/meetings?kind=workshop", "szkola.mirzec").json()
    assert ids_of(workshops) == {str(oldest.public_id)}
    since = (now - dt.timedelta(days=15)).date().isoformat()
    recent = get(client, f"/teams/{team.public_id}/meetings?starts_from={since}", "szkola.mirzec").json()
    assert ids_of(recent) == {str(middle.public_id), str(newest.public_id)}
    assert get(client, f"/teams/{team.public_id}/meetings?kind=party", "szkola.mirzec").status_code == 422


def ids_of(body: dict[str, Any]) -> set[str]:
    return {item["id"] for item in body["items"]}


@pytest.fixture
def conference() -> Any:
    """A case conference of a Mirzec team, held an hour ago, about a case led by gops.mirzec,
    whose title, agenda, minutes and decision name the family."""
    team = make_team()
    case = make_case(lead=user("gops.mirzec"), person=make_person("Jan", "Zawadzki"))
    meeting = make_meeting(
        team,
        kind=MeetingKind.CASE_CONFERENCE,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        title="Konferencja: rodzina Zawadzkich",
        agenda="Sytuacja Zawadzkich",
        minutes="Plan pomocy dla Zawadzkich.",
    )
    MeetingCase.objects.create(meeting=meeting, case=case, municipality_id=case.municipality_id)
    Decision.objects.create(meeting=meeting, number=1, text="Wizyta u Zawadzkich w piątek.")
    return meeting


def test_it_never_names_the_family_of_a_case_conference_to_whom_may_not_read_it(client: Any, conference: Any) -> None:
    listed = get(client, f"/teams/{conference.team.public_id}/meetings", "policja.mirzec")
    assert listed.status_code == 200
    assert "Zawadzk" not in listed.content.decode()
    shown = get(client, f"/meetings/{conference.public_id}", "policja.mirzec")
    assert shown.status_code == 200
    body = shown.json()
    assert body["text_hidden"] is True
    assert body["minutes"] is None and body["agenda"] is None and body["decisions"] == []
    assert "Zawadzk" not in shown.content.decode()


def test_it_gives_the_minutes_and_decisions_to_the_caseworker(client: Any, conference: Any) -> None:
    body = get(client, f"/meetings/{conference.public_id}", "gops.mirzec").json()
    assert body["text_hidden"] is False
    assert body["title"] == "Konferencja: rodzina Zawadzkich"
    assert body["minutes"] == "Plan pomocy dla Zawadzkich."
    assert [decision["text"] for decision in body["decisions"]] == ["Wizyta u Zawadzkich w piątek."]


def test_it_does_not_show_a_meeting_outside_the_holders_teams(client: Any) -> None:
    meeting = make_meeting(make_team())
    assert get(client, f"/meetings/{meeting.public_id}", "gops.oksa").status_code == 404
    assert get(client, f"/meetings/{meeting.public_id}", "rops.kielce").status_code == 404


# --- Tasks --------------------------------------------------------------------------------------


def test_it_lists_a_teams_tasks_overdue_first_with_filters(client: Any) -> None:
    team = make_team()
    today = timezone.localdate()
    later = make_task(team, owner="policja.mirzec", due_on=today + dt.timedelta(days=20))
    overdue = make_task(team, owner="szkola.mirzec", due_on=today - dt.timedelta(days=2))
    done = make_task(team, owner="policja.mirzec", status=TaskStatus.DONE, due_on=today - dt.timedelta(days=5))
    every = get(client, f"/teams/{team.public_id}/tasks", "lider.mirzec").json()
    assert [item["id"] for item in every["items"]] == [
        str(overdue.public_id),
        str(done.public_id),
        str(later.public_id),
    ]
    assert every["items"][0]["overdue"] is True
    assert every["items"][1]["overdue"] is False
    path = f"/teams/{team.public_id}/tasks"
    assert ids_of(get(client, f"{path}?overdue=true", "lider.mirzec").json()) == {str(overdue.public_id)}
    assert ids_of(get(client, f"{path}?status=done", "lider.mirzec").json()) == {str(done.public_id)}
    unfinished = get(client, f"{path}?unfinished=true", "lider.mirzec").json()
    assert ids_of(unfinished) == {str(overdue.public_id), str(later.public_id)}
    police = institution_of("policja.mirzec").public_id
    assert ids_of(get(client, f"{path}?owner={police}", "lider.mirzec").json()) == {
        str(later.public_id),
        str(done.public_id),
    }
    assert get(client, f"{path}?status=finished", "lider.mirzec").status_code == 422


def post_status(client: Any, task: Any, username: str, body: dict[str, Any]) -> Any:
    return client.post(
        f"{API}/tasks/{task.public_id}/status", json.dumps(body), content_type="application/json", **token(username)
    )


def test_the_responsible_person_marks_a_task_done(client: Any) -> None:
    task = make_task(make_team(), owner="policja.mirzec")
    answer = post_status(client, task, "policja.mirzec", {"status": "done", "version": task.version})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "done"
    assert answer.json()["done_on"] == timezone.localdate().isoformat()
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_a_member_who_is_not_responsible_may_not_change_the_status(client: Any) -> None:
    task = make_task(make_team(), owner="policja.mirzec")
    assert post_status(client, task, "szkola.mirzec", {"status": "done", "version": 1}).status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_stale_version_changes_nothing(client: Any) -> None:
    task = make_task(make_team(), owner="policja.mirzec")
    assert post_status(client, task, "lider.mirzec", {"status": "in_progress", "version": 1}).status_code == 200
    stale = post_status(client, task, "policja.mirzec", {"status": "done", "version": 1})
    assert stale.status_code == 409
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS


def test_a_read_token_may_not_change_a_status(client: Any) -> None:
    task = make_task(make_team(), owner="policja.mirzec")
    answer = client.post(
        f"{API}/tasks/{task.public_id}/status",
        json.dumps({"status": "done", "version": 1}),
        content_type="application/json",
        **token("policja.mirzec", TokenScope.READ),
    )
    assert answer.status_code == 403


# --- Queries do not grow with the data ----------------------------------------------------------

TEAM_LIST_QUERIES = 6
MEETING_LIST_QUERIES = 8
TASK_LIST_QUERIES = 8


def test_it_lists_few_and_many_teams_with_the_same_queries(client: Any, django_assert_max_num_queries: Any) -> None:
    auth = token("lider.mirzec")
    make_team()
    with django_assert_max_num_queries(TEAM_LIST_QUERIES):
        assert client.get(f"{API}/teams", **auth).status_code == 200
    for _ in range(8):
        make_team()
    with django_assert_max_num_queries(TEAM_LIST_QUERIES):
        assert len(client.get(f"{API}/teams", **auth).json()["items"]) >= 9


def test_it_lists_few_and_many_meetings_with_the_same_queries(client: Any, django_assert_max_num_queries: Any) -> None:
    auth = token("szkola.mirzec")
    team = make_team()
    make_meeting(team)
    path = f"{API}/teams/{team.public_id}/meetings"
    with django_assert_max_num_queries(MEETING_LIST_QUERIES):
        assert client.get(path, **auth).status_code == 200
    for day in range(1, 11):
        meeting = make_meeting(team, starts_at=timezone.now() - dt.timedelta(days=day))
        Attendance.objects.create(meeting=meeting, institution=institution_of("szkola.mirzec"), attended=True)
    with django_assert_max_num_queries(MEETING_LIST_QUERIES):
        assert client.get(path, **auth).json()["count"] == 11


def test_it_lists_few_and_many_tasks_with_the_same_queries(client: Any, django_assert_max_num_queries: Any) -> None:
    auth = token("lider.mirzec")
    team = make_team()
    make_task(team)
    path = f"{API}/teams/{team.public_id}/tasks"
    with django_assert_max_num_queries(TASK_LIST_QUERIES):
        assert client.get(path, **auth).status_code == 200
    meeting = make_meeting(team, starts_at=timezone.now() - dt.timedelta(days=1))
    for number in range(1, 11):
        decision = Decision.objects.create(meeting=meeting, number=number, text=f"Decyzja {number}")
        make_task(team, owner="szkola.mirzec" if number % 2 else None, decision=decision)
    with django_assert_max_num_queries(TASK_LIST_QUERIES):
        assert client.get(path, **auth).json()["count"] == 11


def client_token(username: str, role: str) -> dict[str, str]:
    """A read-write token of an API client of the persona's institution, acting in `role`."""
    admin = user("admin")
    api_client = tokens.create_api_client(admin, institution_of(username), name="System", role=role)
    return bearer(tokens.issue_client_token(admin, api_client, name="t", scope=TokenScope.READ_WRITE)[1])


def test_an_institutions_api_client_lists_the_teams_its_institution_belongs_to(client: Any) -> None:
    team = make_team()
    answer = client.get(f"{API}/teams?page_size=200", **client_token("lider.mirzec", "manager"))
    assert answer.status_code == 200, answer.content
    assert str(team.public_id) in ids(answer)


def test_an_institutions_api_client_changes_only_its_tasks_that_name_nobody(client: Any) -> None:
    team = make_team()
    auth = client_token("policja.mirzec", "partner_staff")
    unnamed = make_task(team, owner=None, owner_institution=institution_of("policja.mirzec"))
    named = make_task(team, owner="policja.mirzec")
    path = f"{API}/tasks/{{}}/status"
    body = json.dumps({"status": "done", "version": 1})
    answer = client.post(path.format(unnamed.public_id), body, content_type="application/json", **auth)
    assert answer.status_code == 200, answer.content
    refused = client.post(path.format(named.public_id), body, content_type="application/json", **auth)
    assert refused.status_code == 403
    named.refresh_from_db()
    assert named.status == TaskStatus.OPEN


def test_an_institutions_api_client_may_not_change_another_institutions_task_that_names_nobody(client: Any) -> None:
    team = make_team()
    police_task = make_task(team, owner=None, owner_institution=institution_of("policja.mirzec"))
    answer = client.post(
        f"{API}/tasks/{police_task.public_id}/status",
        json.dumps({"status": "done", "version": 1}),
        content_type="application/json",
        **client_token("szkola.mirzec", "partner_staff"),
    )
    assert answer.status_code == 403
    police_task.refresh_from_db()
    assert police_task.status == TaskStatus.OPEN


def test_an_animators_api_client_changes_any_task_of_the_team_its_role_runs(client: Any) -> None:
    team = make_team()
    auth = client_token("pcpr.starachowice", "animator")
    named = make_task(team, owner="policja.mirzec")
    answer = client.post(
        f"{API}/tasks/{named.public_id}/status",
        json.dumps({"status": "in_progress", "version": 1}),
        content_type="application/json",
        **auth,
    )
    assert answer.status_code == 200, answer.content
    named.refresh_from_db()
    assert named.status == TaskStatus.IN_PROGRESS


# --- A case conference's tasks ------------------------------------------------------------------


@pytest.fixture
def conference_task(conference: Any) -> Any:
    """A task the conference's decision gave, whose title and details name the family."""
    return make_task(
        conference.team,
        owner="szkola.mirzec",
        decision=conference.decisions.get(),
        title="Rozmowa z Zawadzkimi o szkole",
        description="Ustalić z Zawadzkimi plan zajęć.",
    )


def test_it_lists_a_conferences_task_without_its_text_to_whom_may_not_read_the_conference(
    client: Any, conference_task: Any
) -> None:
    answer = client.get(
        f"{API}/teams/{conference_task.team.public_id}/tasks", HTTP_ACCEPT_LANGUAGE="en", **token("policja.mirzec")
    )
    assert answer.status_code == 200
    assert "Zawadzk" not in answer.content.decode()
    (item,) = answer.json()["items"]
    assert (item["title"], item["description"], item["text_hidden"]) == ("Task of a case conference", "", True)
    # Who does it, by when and how far it got stay visible.
    assert item["owner_institution"]["name"] == institution_of("szkola.mirzec").name
    assert item["status"] == "open"


def test_it_gives_a_conferences_task_whole_to_the_caseworker(client: Any, conference_task: Any) -> None:
    body = get(client, f"/teams/{conference_task.team.public_id}/tasks", "gops.mirzec").json()
    (item,) = body["items"]
    assert item["text_hidden"] is False
    assert (item["title"], item["description"]) == ("Rozmowa z Zawadzkimi o szkole", "Ustalić z Zawadzkimi plan zajęć.")


def test_it_answers_a_status_change_of_a_conferences_task_without_its_text(client: Any, conference_task: Any) -> None:
    # The school is responsible for the task but cannot read the conference: it may do the
    # work and report it, and still the answer does not name the family.
    answer = post_status(client, conference_task, "szkola.mirzec", {"status": "done", "version": 1})
    assert answer.status_code == 200, answer.content
    assert answer.json()["text_hidden"] is True
    assert "Zawadzk" not in answer.content.decode()


def test_it_counts_as_invited_whoever_the_teams_dashboard_counts(client: Any) -> None:
    team = make_team()
    meeting = make_meeting(team, starts_at=timezone.now() - dt.timedelta(days=3))
    Attendance.objects.create(
        meeting=meeting, institution=institution_of("policja.mirzec"), invited_at=timezone.now(), attended=True
    )
    Attendance.objects.create(meeting=meeting, institution=institution_of("szkola.mirzec"), invited_at=timezone.now())
    # Came without an invitation: the dashboard counts the row among the invited, and so does the API.
    Attendance.objects.create(meeting=meeting, institution=institution_of("lider.mirzec"), attended=True)
    (item,) = get(client, f"/teams/{team.public_id}/meetings", "lider.mirzec").json()["items"]
    assert (item["invited"], item["attended"]) == (3, 2)
    shown = get(client, f"/meetings/{meeting.public_id}", "lider.mirzec").json()
    assert (shown["invited"], shown["attended"]) == (3, 2)


CONFERENCE_TASK_LIST_QUERIES = 10


@pytest.mark.parametrize("username", ["policja.mirzec", "gops.mirzec"])
def test_it_lists_the_tasks_of_few_and_many_conferences_with_the_same_queries(
    client: Any, django_assert_max_num_queries: Any, username: str
) -> None:
    auth = token(username)
    team = make_team()
    case = make_case(lead=user("gops.mirzec"), person=make_person("Jan", "Zawadzki"))

    def conference_with_a_task(day: int) -> None:
        meeting = make_meeting(
            team, kind=MeetingKind.CASE_CONFERENCE, starts_at=timezone.now() - dt.timedelta(days=day)
        )
        MeetingCase.objects.create(meeting=meeting, case=case, municipality_id=case.municipality_id)
        make_task(team, decision=Decision.objects.create(meeting=meeting, number=1, text="Ustalono"))

    conference_with_a_task(1)
    path = f"{API}/teams/{team.public_id}/tasks"
    with django_assert_max_num_queries(CONFERENCE_TASK_LIST_QUERIES):
        assert client.get(path, **auth).status_code == 200
    for day in range(2, 12):
        conference_with_a_task(day)
    with django_assert_max_num_queries(CONFERENCE_TASK_LIST_QUERIES):
        body = client.get(path, **auth).json()
    assert body["count"] == 11
    assert {item["text_hidden"] for item in body["items"]} == {username == "policja.mirzec"}
