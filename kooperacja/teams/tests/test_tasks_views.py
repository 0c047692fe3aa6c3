"""Task pages: my tasks, a team's tasks with filters, a new task (from a decision), editing
with the conflict box, status and comments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from kooperacja.teams.models import Decision, MeetingKind, Task, TaskComment, TaskStatus
from kooperacja.teams.tests.factories import institution_of, make_meeting, make_task, make_team, user

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def polish(msgid: str, context: str = "") -> str:
    """The page's words as a Polish user reads them (the English msgid until translated)."""
    with translation.override("pl"):
        return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def _new_task_data(**fields):
    data = {
        "title": "Przekazać listę seniorów",
        "description": "",
        "owner_institution": institution_of("policja.mirzec").pk,
        "owner_user": user("policja.mirzec").pk,
        "due_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "decision": "",
    }
    return data | fields


# --- My tasks ---------------------------------------------------------------------------------


def test_my_tasks_show_overdue_first_and_filter_them(client, login_as):
    team = make_team()
    later = make_task(team, owner="policja.mirzec", title="Później")
    overdue = make_task(team, owner="policja.mirzec", title="Zaległe", due_on=YESTERDAY)
    login_as("policja.mirzec")

    body = client.get("/teams/tasks/").content.decode()
    assert body.index(overdue.title) < body.index(later.title)
    assert polish("overdue", context="task") in body

    only_overdue = client.get("/teams/tasks/?overdue=on").content.decode()
    assert overdue.title in only_overdue and later.title not in only_overdue


def test_my_tasks_are_refused_to_a_regional_analyst(client, login_as):
    login_as("rops.kielce")
    assert client.get("/teams/tasks/").status_code == 403


def test_my_tasks_answer_a_bad_filter_with_400(client, login_as):
    login_as("policja.mirzec")
    response = client.get("/teams/tasks/?status=lost")
    assert response.status_code == 400
    assert polish("The filter was not understood: choose from the lists below.") in response.content.decode()


def test_my_tasks_keep_their_query_count_flat(client, login_as, django_assert_num_queries):
    team = make_team()
    make_task(team, owner="policja.mirzec")
    login_as("policja.mirzec")
    small = _count(client, "/teams/tasks/")
    for _ in range(10):
        make_task(team, owner="policja.mirzec")
    with django_assert_num_queries(small):
        client.get("/teams/tasks/")


def _count(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- A team's tasks ---------------------------------------------------------------------------


def test_team_tasks_filter_by_status_overdue_and_owner(client, login_as):
    team = make_team()
    police = make_task(team, owner="policja.mirzec", title="Zadanie policji", due_on=YESTERDAY)
    school = make_task(team, owner="szkola.mirzec", title="Zadanie szkoły")
    done = make_task(team, owner="szkola.mirzec", title="Zrobione", status=TaskStatus.DONE)
    login_as("gops.mirzec")
    url = f"/teams/{team.public_id}/tasks/"

    body = client.get(url).content.decode()
    assert police.title in body and school.title in body and done.title not in body
    assert done.title in client.get(url + "?status=done").content.decode()
    overdue = client.get(url + "?overdue=on").content.decode()
    assert police.title in overdue and school.title not in overdue
    owner = institution_of("szkola.mirzec").public_id
    by_owner = client.get(f"{url}?owner={owner}").content.decode()
    assert school.title in by_owner and police.title not in by_owner


def test_team_tasks_keep_their_query_count_at_two_sizes(client, login_as, django_assert_num_queries):
    team = make_team()
    make_task(team)
    login_as("lider.mirzec")
    url = f"/teams/{team.public_id}/tasks/"
    small = _count(client, url)
    for _ in range(15):
        make_task(team, owner=None, owner_institution=institution_of("szkola.mirzec"))
    with django_assert_num_queries(small):
        client.get(url)


def test_team_tasks_are_not_found_outside_the_team(client, login_as):
    team = make_team()
    login_as("gops.oksa")
    assert client.get(f"/teams/{team.public_id}/tasks/").status_code == 404


# --- A new task -------------------------------------------------------------------------------


def test_the_leader_adds_a_task_and_its_owner_is_told(client, login_as):
    team = make_team()
    login_as("lider.mirzec")
    response = client.post(f"/teams/{team.public_id}/tasks/new/", _new_task_data())
    task = Task.objects.get(team=team)
    assert response.status_code == 302 and response.url == f"/teams/tasks/{task.public_id}/"
    assert user("policja.mirzec").notifications.filter(kind="team_task_assigned", url=response.url).exists()


def test_a_task_without_an_owner_is_refused_in_polish_and_nothing_saved(client, login_as):
    team = make_team()
    login_as("lider.mirzec")
    response = client.post(f"/teams/{team.public_id}/tasks/new/", _new_task_data(owner_institution="", owner_user=""))
    assert response.status_code == 400
    assert polish("Choose the institution responsible for the task.") in response.content.decode()
    assert not Task.objects.filter(team=team).exists()


def test_a_person_of_another_institution_is_refused(client, login_as):
    team = make_team()
    login_as("lider.mirzec")
    response = client.post(f"/teams/{team.public_id}/tasks/new/", _new_task_data(owner_user=user("szkola.mirzec").pk))
    assert response.status_code == 400
    assert polish("The responsible person must work in the responsible institution.") in response.content.decode()
    assert not Task.objects.filter(team=team).exists()


def test_the_form_is_filled_from_a_decision(client, login_as):
    team = make_team()
    decision = Decision.objects.create(meeting=make_meeting(team), number=2, text="Zorganizować dzień seniora.")
    login_as("lider.mirzec")
    response = client.get(f"/teams/{team.public_id}/tasks/new/?decision={decision.public_id}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "Zorganizować dzień seniora." and form.initial["decision"] == decision.public_id
    assert f'value="{decision.public_id}" selected' in response.content.decode()


def test_a_task_made_from_a_decision_keeps_it(client, login_as):
    team = make_team()
    decision = Decision.objects.create(meeting=make_meeting(team), number=1, text="Plakat o dyżurach.")
    login_as("lider.mirzec")
    response = client.post(f"/teams/{team.public_id}/tasks/new/", _new_task_data(decision=str(decision.public_id)))
    assert response.status_code == 302
    assert Task.objects.get(team=team).decision_id == decision.pk


@pytest.mark.parametrize("raw", ["nie-uuid", "", "12", "00000000-0000-0000-0000-000000000000", "x" * 2000])
def test_a_decision_address_naming_no_decision_leaves_the_form_empty(client, login_as, raw):
    team = make_team()
    login_as("lider.mirzec")
    response = client.get(f"/teams/{team.public_id}/tasks/new/", {"decision": raw})
    assert response.status_code == 200
    assert response.context["form"].initial == {}


def test_a_decision_of_another_team_is_neither_shown_nor_taken(client, login_as):
    team, other = make_team(), make_team(members=())
    foreign = Decision.objects.create(meeting=make_meeting(other), text="Cudza decyzja")
    login_as("lider.mirzec")
    response = client.get(f"/teams/{team.public_id}/tasks/new/", {"decision": str(foreign.public_id)})
    assert response.status_code == 200
    assert response.context["form"].initial == {} and "Cudza decyzja" not in response.content.decode()
    posted = client.post(f"/teams/{team.public_id}/tasks/new/", _new_task_data(decision=str(foreign.public_id)))
    assert posted.status_code == 400
    assert not Task.objects.filter(team=team).exists()


def test_a_case_conference_s_decision_is_offered_without_the_conference_s_own_title(client, login_as):
    team = make_team()
    meeting = make_meeting(team, kind=MeetingKind.CASE_CONFERENCE, title="Rodzina Kowalskich")
    Decision.objects.create(meeting=meeting, text="Wizyta w szkole.")
    login_as("lider.mirzec")
    body = client.get(f"/teams/{team.public_id}/tasks/new/").content.decode()
    assert "Wizyta w szkole." in body and "Kowalskich" not in body


def test_a_member_who_does_not_run_the_team_may_not_add_tasks(client, login_as):
    team = make_team()
    login_as("szkola.mirzec")
    assert client.get(f"/teams/{team.public_id}/tasks/new/").status_code == 403
    assert client.post(f"/teams/{team.public_id}/tasks/new/", _new_task_data()).status_code == 403


# --- Editing ----------------------------------------------------------------------------------


def _edit_data(task, **fields):
    data = {
        "title": task.title,
        "description": task.description,
        "owner_institution": task.owner_institution_id,
        "owner_user": task.owner_user_id or "",
        "due_on": task.due_on.isoformat() if task.due_on else "",
        "version": task.version,
    }
    return data | fields


def test_an_edit_on_a_stale_version_answers_409_with_the_conflict_box(client, login_as):
    task = make_task(make_team())
    opened = _edit_data(task, title="Moja wersja")
    Task.objects.filter(pk=task.pk).update(title="Zapisane przez kogoś", version=task.version + 1)
    login_as("lider.mirzec")
    response = client.post(f"/teams/tasks/{task.public_id}/edit/", opened)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="conflict"' in body and "Zapisane przez kogoś" in body
    task.refresh_from_db()
    assert task.title == "Zapisane przez kogoś"


def test_an_edit_saves_and_leads_back_to_the_task(client, login_as):
    task = make_task(make_team())
    login_as("lider.mirzec")
    response = client.post(f"/teams/tasks/{task.public_id}/edit/", _edit_data(task, title="Poprawione"))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "Poprawione"


# --- Status and comments ----------------------------------------------------------------------


def test_the_owner_changes_the_status(client, login_as):
    task = make_task(make_team(), owner="policja.mirzec")
    login_as("policja.mirzec")
    response = client.post(f"/teams/tasks/{task.public_id}/status/", {"status": "done", "version": task.version})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_someone_else_s_task_status_is_forbidden_to_a_member(client, login_as):
    task = make_task(make_team(), owner="policja.mirzec")
    login_as("szkola.mirzec")
    response = client.post(f"/teams/tasks/{task.public_id}/status/", {"status": "done", "version": task.version})
    assert response.status_code == 403
    assert client.get(f"/teams/tasks/{task.public_id}/").context["status_form"] is None


def test_a_stale_status_change_answers_409(client, login_as):
    task = make_task(make_team(), owner="policja.mirzec")
    login_as("policja.mirzec")
    response = client.post(f"/teams/tasks/{task.public_id}/status/", {"status": "done", "version": task.version + 3})
    assert response.status_code == 409
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_an_empty_comment_is_refused_with_a_message(client, login_as):
    task = make_task(make_team())
    login_as("szkola.mirzec")
    response = client.post(f"/teams/tasks/{task.public_id}/comments/", {"text": ""})
    assert response.status_code == 400
    assert polish("Write the comment first.") in response.content.decode()
    assert not TaskComment.objects.filter(task=task).exists()
    assert client.post(f"/teams/tasks/{task.public_id}/comments/", {"text": "Zrobię."}).status_code == 302
    assert "Zrobię." in client.get(f"/teams/tasks/{task.public_id}/").content.decode()


def test_a_task_from_a_case_conference_names_the_conference_only_by_its_kind(client, login_as):
    team = make_team()
    meeting = make_meeting(team, kind=MeetingKind.CASE_CONFERENCE, title="Rodzina Kowalskich")
    decision = Decision.objects.create(meeting=meeting, text="Wizyta w szkole.")
    task = make_task(team, owner="policja.mirzec", decision=decision)
    login_as("policja.mirzec")
    body = client.get(f"/teams/tasks/{task.public_id}/").content.decode()
    assert "Wizyta w szkole." in body and "Kowalskich" not in body
    assert polish("Case conference") in body


# --- Round 2: due dates, one overdue filter, breadcrumbs, where a change lands -----------------


def test_a_due_date_in_the_past_is_refused_in_polish_and_nothing_saved(client, login_as):
    team = make_team()
    login_as("lider.mirzec")
    response = client.post(f"/teams/{team.public_id}/tasks/new/", _new_task_data(due_on="2020-01-01"))
    assert response.status_code == 400
    assert polish("The due date cannot be in the past: choose today or a later day.") in response.content.decode()
    assert not Task.objects.filter(team=team).exists()


def test_an_edit_may_not_move_the_due_date_into_the_past(client, login_as):
    task = make_task(make_team())
    login_as("lider.mirzec")
    response = client.post(f"/teams/tasks/{task.public_id}/edit/", _edit_data(task, due_on=YESTERDAY.isoformat()))
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.due_on != YESTERDAY


def test_the_due_date_hint_gives_an_example_that_is_not_past(client, login_as):
    team = make_team()
    login_as("lider.mirzec")
    form = client.get(f"/teams/{team.public_id}/tasks/new/").context["form"]
    hint = str(form.fields["due_on"].help_text)
    day, month, year = (int(part) for part in hint.rstrip(".").split()[-1].split("."))
    example = dt.date(year, month, day)
    assert example > timezone.localdate()
    assert "31.12.2025" not in hint


@pytest.mark.parametrize(
    ("today", "example"),
    [
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2026, 11, 27), dt.date(2026, 12, 31)),
        (dt.date(2026, 12, 1), dt.date(2027, 1, 31)),
        (dt.date(2028, 1, 15), dt.date(2028, 2, 29)),
    ],
)
def test_the_example_due_date_is_the_last_day_of_next_month(today, example):
    from kooperacja.teams.forms.tasks import example_due_date

    assert example_due_date(today) == example


def test_my_tasks_offer_the_overdue_filter_once(client, login_as):
    login_as("policja.mirzec")
    body = client.get("/teams/tasks/").content.decode()
    assert body.count(polish("Only overdue")) == 1


def test_the_breadcrumb_leads_to_my_tasks_only_from_my_own_task(client, login_as):
    team = make_team()
    mine = make_task(team, owner="policja.mirzec")
    school_s = make_task(team, owner="szkola.mirzec")
    login_as("policja.mirzec")
    crumbs = _breadcrumbs(client.get(f"/teams/tasks/{mine.public_id}/").content.decode())
    assert 'href="/teams/tasks/"' in crumbs
    crumbs = _breadcrumbs(client.get(f"/teams/tasks/{school_s.public_id}/").content.decode())
    assert 'href="/teams/tasks/"' not in crumbs
    assert f'href="/teams/{team.public_id}/tasks/"' in crumbs


def _breadcrumbs(body: str) -> str:
    start = body.index('class="breadcrumbs"')
    return body[start : body.index("</nav>", start)]


def test_a_comment_added_opens_the_page_at_the_comment_not_at_the_error_box(client, login_as):
    task = make_task(make_team())
    login_as("szkola.mirzec")
    client.post(f"/teams/tasks/{task.public_id}/comments/", {"text": "Pierwszy."})
    response = client.post(f"/teams/tasks/{task.public_id}/comments/", {"text": "Drugi."})
    assert response["Location"] == f"/teams/tasks/{task.public_id}/#comment-2"
    body = client.get(response["Location"]).content.decode()
    assert 'id="comment-2"' in body and body.index('id="comment-2"') < body.index("Drugi.")


def test_a_status_changed_opens_the_page_at_its_message(client, login_as):
    task = make_task(make_team(), owner="policja.mirzec")
    login_as("policja.mirzec")
    response = client.post(f"/teams/tasks/{task.public_id}/status/", {"status": "done", "version": task.version})
    assert response["Location"] == f"/teams/tasks/{task.public_id}/#main"
