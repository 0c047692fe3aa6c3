"""Daily reminders of teams: tasks due within one working day, overdue tasks, obligations due
within 14 days; each once, however often the job runs."""

from __future__ import annotations

import datetime as dt

import pytest

from kooperacja.core.models import Notification
from kooperacja.teams.models import Agreement, AgreementParty, Obligation, ObligationStatus, PartyKind, TaskStatus
from kooperacja.teams.reminders import send_team_reminders
from kooperacja.teams.tests.factories import institution_of, make_task, make_team, user

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2031, 3, 14)
MONDAY = dt.date(2031, 3, 17)
TUESDAY = dt.date(2031, 3, 18)


def _notes(username: str, kind: str, about) -> int:
    """Notifications of the kind about our own task or obligation (the demo has its own)."""
    return Notification.objects.filter(recipient=user(username), kind=kind, url__contains=about.public_id).count()


def _obligation(team, due_on: dt.date, **fields) -> Obligation:
    agreement = Agreement.objects.create(team=team, title="Porozumienie o współpracy", signed_on=dt.date(2030, 8, 1))
    party = AgreementParty.objects.create(
        agreement=agreement, kind=PartyKind.INSTITUTION, institution=institution_of("szkola.mirzec")
    )
    return Obligation.objects.create(
        agreement=agreement, party=party, text="Zorganizować szkolenie", due_on=due_on, **fields
    )


def test_a_task_due_on_the_next_working_day_is_reminded_of_once():
    task = make_task(make_team(), owner="policja.mirzec", due_on=MONDAY)
    send_team_reminders(FRIDAY)  # Monday is the next working day after Friday
    send_team_reminders(FRIDAY)
    assert _notes("policja.mirzec", "team_task_due", task) == 1
    task.refresh_from_db()
    assert task.reminded_at is not None


def test_a_task_due_later_is_not_reminded_of_yet():
    task = make_task(make_team(), owner="policja.mirzec", due_on=TUESDAY)
    send_team_reminders(FRIDAY)
    assert _notes("policja.mirzec", "team_task_due", task) == 0


def test_a_public_holiday_is_not_a_working_day():
    # 11 November 2031 (Tuesday) is Independence Day: on Monday the next working day is Wednesday.
    task = make_task(make_team(), owner="policja.mirzec", due_on=dt.date(2031, 11, 12))
    send_team_reminders(dt.date(2031, 11, 10))
    assert _notes("policja.mirzec", "team_task_due", task) == 1


def test_an_overdue_task_reminds_its_owner_and_the_leader_once():
    task = make_task(make_team(), owner="policja.mirzec", due_on=FRIDAY)
    send_team_reminders(TUESDAY)
    send_team_reminders(TUESDAY + dt.timedelta(days=1))
    assert _notes("policja.mirzec", "team_task_overdue", task) == 1
    assert _notes("lider.mirzec", "team_task_overdue", task) == 1


def test_a_task_done_is_not_reminded_of():
    task = make_task(make_team(), owner="policja.mirzec", due_on=FRIDAY, status=TaskStatus.DONE)
    send_team_reminders(TUESDAY)
    assert _notes("policja.mirzec", "team_task_overdue", task) == 0


def test_a_task_of_an_institution_reminds_its_people_in_the_team():
    task = make_task(make_team(), owner=None, owner_institution=institution_of("szkola.mirzec"), due_on=MONDAY)
    send_team_reminders(FRIDAY)
    assert _notes("szkola.mirzec", "team_task_due", task) == 1


def test_an_obligation_due_within_14_days_reminds_the_leader_and_animator_once():
    obligation = _obligation(make_team(), FRIDAY + dt.timedelta(days=14))
    send_team_reminders(FRIDAY)
    send_team_reminders(FRIDAY)
    assert _notes("lider.mirzec", "team_obligation_due", obligation) == 1
    assert _notes("pcpr.starachowice", "team_obligation_due", obligation) == 1
    assert _notes("szkola.mirzec", "team_obligation_due", obligation) == 0
    obligation.refresh_from_db()
    assert obligation.reminded_at is not None


def test_an_obligation_due_later_or_fulfilled_is_not_reminded_of():
    team = make_team()
    later = _obligation(team, FRIDAY + dt.timedelta(days=15))
    fulfilled = _obligation(team, FRIDAY + dt.timedelta(days=3), status=ObligationStatus.FULFILLED)
    send_team_reminders(FRIDAY)
    assert _notes("lider.mirzec", "team_obligation_due", later) == 0
    assert _notes("lider.mirzec", "team_obligation_due", fulfilled) == 0


def test_the_job_says_what_it_did_and_does_nothing_twice():
    make_task(make_team(), owner="policja.mirzec", due_on=MONDAY)
    first = send_team_reminders(FRIDAY)
    assert first.startswith("tasks due: ") and first != "tasks due: 0, tasks overdue: 0, obligations due: 0"
    assert send_team_reminders(FRIDAY) == "tasks due: 0, tasks overdue: 0, obligations due: 0"
