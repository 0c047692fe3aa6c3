"""Tasks of a team: who they may be given to, what the owner hears, edits on a stale version,
statuses and comments (teams/tasks.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kooperacja.core.models import Notification
from kooperacja.teams import tasks
from kooperacja.teams.models import Decision, Task, TaskComment, TaskStatus, TeamMember
from kooperacja.teams.tests.factories import institution_of, make_meeting, make_task, make_team, user

pytestmark = pytest.mark.django_db


def _notes(username: str, kind: str, team) -> list[Notification]:
    """Notifications of the kind about tasks of our own team (the demo's teams have their own)."""
    urls = [f"/teams/tasks/{task.public_id}/" for task in Task.objects.filter(team=team)]
    return list(Notification.objects.filter(recipient=user(username), kind=kind, url__in=urls))


def _decision(team, text: str = "Przygotować ulotkę o ofercie gminy.") -> Decision:
    return Decision.objects.create(meeting=make_meeting(team), number=1, text=text)


def test_it_gives_a_task_to_a_person_of_a_member_institution_and_tells_them():
    team = make_team()
    task = tasks.create_task(
        user("lider.mirzec"),
        team,
        title="  Przekazać   listę seniorów ",
        owner_institution=institution_of("policja.mirzec"),
        owner_user=user("policja.mirzec"),
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    assert task.title == "Przekazać listę seniorów"
    [note] = _notes("policja.mirzec", "team_task_assigned", team)
    assert team.name in note.title and note.url == f"/teams/tasks/{task.public_id}/"


def test_it_tells_the_institutions_people_in_the_team_when_no_person_is_named():
    team = make_team()
    tasks.create_task(user("lider.mirzec"), team, title="Plakat", owner_institution=institution_of("szkola.mirzec"))
    assert len(_notes("szkola.mirzec", "team_task_assigned", team)) == 1
    assert _notes("policja.mirzec", "team_task_assigned", team) == []


def test_it_refuses_a_task_without_an_owner_institution_saving_nothing():
    team = make_team()
    with pytest.raises(ValidationError) as refused:
        tasks.create_task(user("lider.mirzec"), team, title="Bez właściciela", owner_institution=None)
    assert "owner_institution" in refused.value.error_dict
    assert not Task.objects.filter(team=team).exists()


def test_it_refuses_an_institution_that_is_not_a_current_member():
    team = make_team()
    with pytest.raises(ValidationError) as refused:
        tasks.create_task(user("lider.mirzec"), team, title="Obce", owner_institution=institution_of("gops.oksa"))
    assert "owner_institution" in refused.value.error_dict
    assert not Task.objects.filter(team=team).exists()


def test_it_refuses_an_institution_that_left_the_team():
    team = make_team()
    TeamMember.objects.filter(team=team, user=user("szkola.mirzec")).update(left_on=timezone.localdate())
    with pytest.raises(ValidationError):
        tasks.create_task(
            user("lider.mirzec"), team, title="Po odejściu", owner_institution=institution_of("szkola.mirzec")
        )


def test_it_refuses_an_owner_person_who_does_not_work_in_the_institution():
    team = make_team()
    with pytest.raises(ValidationError) as refused:
        tasks.create_task(
            user("lider.mirzec"),
            team,
            title="Zła osoba",
            owner_institution=institution_of("policja.mirzec"),
            owner_user=user("szkola.mirzec"),
        )
    assert "owner_user" in refused.value.error_dict
    assert not Task.objects.filter(team=team).exists()
    assert _notes("szkola.mirzec", "team_task_assigned", team) == []


def test_it_refuses_a_task_without_a_title():
    team = make_team()
    with pytest.raises(ValidationError) as refused:
        tasks.create_task(user("lider.mirzec"), team, title="   ", owner_institution=institution_of("policja.mirzec"))
    assert "title" in refused.value.error_dict


def test_it_links_a_task_to_a_decision_of_the_same_team_only():
    team, other = make_team(), make_team()
    decision = _decision(team)
    task = tasks.create_task(
        user("lider.mirzec"),
        team,
        title="Z decyzji",
        owner_institution=institution_of("szkola.mirzec"),
        decision=decision,
    )
    assert task.decision == decision
    with pytest.raises(ValidationError) as refused:
        tasks.create_task(
            user("lider.mirzec"),
            other,
            title="Cudza decyzja",
            owner_institution=institution_of("szkola.mirzec"),
            decision=decision,
        )
    assert "decision" in refused.value.error_dict


def test_it_saves_an_edit_on_the_version_opened_and_refuses_a_stale_one():
    team = make_team()
    task = make_task(team)
    tasks.update_task(user("lider.mirzec"), task, task.version, title="Nowy tytuł")
    task.refresh_from_db()
    assert task.title == "Nowy tytuł" and task.version == 2
    with pytest.raises(tasks.StaleTask):
        tasks.update_task(user("lider.mirzec"), task, 1, title="Stara wersja")
    task.refresh_from_db()
    assert task.title == "Nowy tytuł"


def test_it_tells_a_new_owner_and_reminds_again_after_a_new_due_date():
    team = make_team()
    task = make_task(team, owner="policja.mirzec", reminded_at=timezone.now())
    tasks.update_task(
        user("lider.mirzec"),
        task,
        task.version,
        owner_institution=institution_of("szkola.mirzec"),
        owner_user=user("szkola.mirzec"),
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    task.refresh_from_db()
    assert task.owner_user == user("szkola.mirzec") and task.reminded_at is None
    assert len(_notes("szkola.mirzec", "team_task_assigned", team)) == 1


def test_it_records_the_day_a_task_was_done_and_clears_it_when_reopened():
    task = make_task(make_team())
    tasks.set_status(user("policja.mirzec"), task, TaskStatus.DONE, task.version)
    assert task.status == TaskStatus.DONE and task.done_on == timezone.localdate()
    tasks.set_status(user("policja.mirzec"), task, TaskStatus.IN_PROGRESS, task.version)
    task.refresh_from_db()
    assert task.done_on is None and task.status == TaskStatus.IN_PROGRESS


def test_it_refuses_an_unknown_status_and_a_stale_one():
    task = make_task(make_team())
    with pytest.raises(ValidationError):
        tasks.set_status(user("policja.mirzec"), task, "lost", task.version)
    with pytest.raises(tasks.StaleTask):
        tasks.set_status(user("policja.mirzec"), task, TaskStatus.DONE, task.version + 5)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_it_adds_a_comment_and_tells_the_owner_but_refuses_an_empty_one():
    team = make_team()
    task = make_task(team, owner="policja.mirzec")
    tasks.add_comment(user("lider.mirzec"), task, " Proszę o informację. ")
    assert TaskComment.objects.get(task=task).text == "Proszę o informację."
    assert len(_notes("policja.mirzec", "team_task_comment", team)) == 1
    with pytest.raises(ValidationError):
        tasks.add_comment(user("lider.mirzec"), task, "   ")
    assert TaskComment.objects.filter(task=task).count() == 1


def test_my_tasks_hold_tasks_naming_me_and_my_institutions_unnamed_ones():
    team = make_team()
    mine = make_task(team, owner="policja.mirzec")
    institutions = make_task(team, owner=None, owner_institution=institution_of("policja.mirzec"))
    colleagues = make_task(team, owner="szkola.mirzec")
    found = set(tasks.my_tasks(user("policja.mirzec")).filter(team=team))
    assert found == {mine, institutions}
    assert colleagues not in found


def test_lists_put_overdue_tasks_first():
    team = make_team()
    later = make_task(team, due_on=timezone.localdate() + dt.timedelta(days=3))
    undated = make_task(team, due_on=None)
    overdue = make_task(team, due_on=timezone.localdate() - dt.timedelta(days=3))
    assert list(tasks.for_list(Task.objects.filter(team=team))) == [overdue, later, undated]


# --- Due dates --------------------------------------------------------------------------------


def test_it_refuses_a_new_task_due_on_a_day_already_past_saving_nothing():
    team = make_team()
    with pytest.raises(ValidationError) as refusal:
        tasks.create_task(
            user("lider.mirzec"),
            team,
            title="Za późno",
            owner_institution=institution_of("policja.mirzec"),
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert "due_on" in refusal.value.message_dict
    assert not team.tasks.filter(title="Za późno").exists()


def test_it_accepts_a_task_due_today():
    team = make_team()
    task = tasks.create_task(
        user("lider.mirzec"),
        team,
        title="Dziś",
        owner_institution=institution_of("policja.mirzec"),
        due_on=timezone.localdate(),
    )
    assert task.due_on == timezone.localdate()


def test_it_refuses_moving_the_due_date_into_the_past_but_keeps_an_old_one_on_other_edits():
    team = make_team()
    long_ago = timezone.localdate() - dt.timedelta(days=30)
    task = make_task(team, due_on=long_ago)
    with pytest.raises(ValidationError):
        tasks.update_task(user("lider.mirzec"), task, task.version, due_on=long_ago - dt.timedelta(days=1))
    task.refresh_from_db()
    assert task.due_on == long_ago and task.version == 1
    tasks.update_task(user("lider.mirzec"), task, task.version, title="Zaległe, ale poprawione")
    task.refresh_from_db()
    assert task.title == "Zaległe, ale poprawione" and task.due_on == long_ago
