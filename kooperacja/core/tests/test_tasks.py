"""Background tasks: queueing, failures, the re-delivery of a killed worker's task, schedules,
and the task status pages of platform administrators."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import uuid
from collections.abc import Iterator
from multiprocessing import Value
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import OrmQ, Schedule, Task
from django_q.monitor import monitor
from django_q.queues import Queue
from django_q.signing import SignedPackage
from django_q.worker import worker

from kooperacja.core import tasks
from kooperacja.core.roles import Role
from kooperacja.core.tasks import PeriodicJob, enqueue, ensure_schedules, register_schedule

WARSAW = ZoneInfo("Europe/Warsaw")
# What every signed-in page costs before its own work: session, user, two 2FA device checks,
# memberships, the unread notification count, and saving the session (savepoint, update, release).
SHELL_QUERIES = 9


# --- Functions the tests run as tasks (found by their dotted path) -----------------------


def add(a: int, b: int) -> int:
    return a + b


def fail_on_purpose(case_number: str, *, reason: str) -> None:
    raise RuntimeError(f"cannot process {case_number}: {reason}")


# --- Helpers -------------------------------------------------------------------------------


@contextlib.contextmanager
def through_the_broker() -> Iterator[None]:
    """Queue tasks in the ORM broker as production does, instead of running them inline."""
    sync = Conf.SYNC
    Conf.SYNC = False
    try:
        yield
    finally:
        Conf.SYNC = sync


def run_worker_once() -> list[str]:
    """One turn of a running qcluster, in this process: take what the broker hands out
    (pusher), run it (worker), save the result and acknowledge it (monitor)."""
    broker = get_broker()
    handed_out = broker.dequeue() or []
    task_queue: Queue = Queue()
    result_queue: Queue = Queue()
    ids = []
    for ack_id, payload in handed_out:
        task = SignedPackage.loads(payload)
        task["ack_id"] = ack_id
        ids.append(task["id"])
        task_queue.put(task)
    task_queue.put("STOP")
    worker(task_queue, result_queue, Value("f", -1))
    result_queue.put("STOP")
    monitor(result_queue, broker)
    for queue in (task_queue, result_queue):
        queue.close()
        queue.join_thread()
    return ids


def make_user(username: str, *, role: str | None = None) -> object:
    user = get_user_model().objects.create_user(username, email=f"{username}@example.org", password="x")
    if role:
        voivodeship, _ = apps.get_model("territory", "Voivodeship").objects.get_or_create(
            code="26", defaults={"name": "świętokrzyskie"}
        )
        institution = apps.get_model("institutions", "Institution").objects.create(
            name="Regionalny Ośrodek Polityki Społecznej", sector="social_assistance", kind="rops",
            voivodeship=voivodeship,
        )  # fmt: skip
        user.memberships.create(institution=institution, role=role)
    return user


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_user("tasks.admin", role=Role.ADMIN))
    return client


@pytest.fixture
def quick_broker(monkeypatch):
    """A broker that hands a task out again one second after a worker took it, and does not
    sleep when the queue is empty."""
    monkeypatch.setattr(Conf, "RETRY", 1)
    monkeypatch.setattr(Conf, "POLL", 0)


# --- Queueing and running ------------------------------------------------------------------


@pytest.mark.django_db
def test_it_runs_a_task_and_records_its_result():
    task_id = enqueue("kooperacja.core.tests.test_tasks.add", 2, 3, task_name="adding")

    task = Task.objects.get(id=task_id)
    assert task.success
    assert task.result == 5
    assert task.name == "adding"
    assert task.func == "kooperacja.core.tests.test_tasks.add"


@pytest.mark.django_db
def test_it_refuses_what_the_worker_could_not_run():
    with pytest.raises(TypeError, match="dotted path"):
        enqueue(add)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="reserved"):
        enqueue("kooperacja.core.tests.test_tasks.add", 1, b=2, timeout=3)
    assert not Task.objects.exists()
    assert not OrmQ.objects.exists()


@pytest.mark.django_db
def test_it_retries_a_failed_task_then_records_it_with_its_input_and_error(quick_broker, monkeypatch):
    monkeypatch.setattr(Conf, "MAX_ATTEMPTS", 3)
    with through_the_broker():
        task_id = enqueue("kooperacja.core.tests.test_tasks.fail_on_purpose", "ZS.123", reason="no consent")
    assert OrmQ.objects.count() == 1

    for attempt in (1, 2, 3):
        assert run_worker_once() == [task_id]
        assert Task.objects.get(id=task_id).attempt_count == attempt
        # A failure is not acknowledged: the broker hands the task out again after "retry"
        # seconds, until max_attempts is reached.
        assert OrmQ.objects.exists() == (attempt < 3)
        time.sleep(Conf.RETRY + 0.1)

    task = Task.objects.get(id=task_id)
    assert not task.success
    assert task.args == ("ZS.123",)
    assert task.kwargs == {"reason": "no consent"}
    assert "RuntimeError" in task.result and "cannot process ZS.123: no consent" in task.result
    assert run_worker_once() == []


@pytest.mark.django_db
def test_it_hands_out_again_the_task_of_a_killed_worker(quick_broker):
    broker = get_broker()
    with through_the_broker():
        task_id = enqueue("kooperacja.core.tests.test_tasks.add", 20, 22)

    # A worker takes the task and is killed before it acknowledges it.
    taken = broker.dequeue()
    assert taken and SignedPackage.loads(taken[0][1])["id"] == task_id
    assert broker.lock_size() == 1
    # While the lock holds, no other worker gets it.
    assert broker.dequeue() is None
    assert not Task.objects.exists()

    time.sleep(Conf.RETRY + 0.1)

    assert broker.queue_size() == 1
    assert run_worker_once() == [task_id]
    task = Task.objects.get(id=task_id)
    assert task.success and task.result == 42
    assert not OrmQ.objects.exists()


# --- Schedules -----------------------------------------------------------------------------


@pytest.fixture
def registered(monkeypatch):
    """A private copy of the registered schedules, so a test may add its own."""
    monkeypatch.setattr(tasks, "SCHEDULES", list(tasks.SCHEDULES))
    return tasks.SCHEDULES


@pytest.mark.django_db
def test_it_schedules_the_daily_digest_at_seven_in_warsaw():
    now = dt.datetime(2025, 1, 15, 9, 30, tzinfo=WARSAW)

    changes = ensure_schedules(now=now)

    assert "kooperacja:notification-digest" in changes.created
    row = Schedule.objects.get(name="kooperacja:notification-digest")
    assert row.func == "kooperacja.core.notifications.send_daily_digests"
    assert row.schedule_type == Schedule.DAILY
    assert row.repeats == -1
    assert row.next_run.astimezone(WARSAW) == dt.datetime(2025, 1, 16, 7, 0, tzinfo=WARSAW)


def test_it_keeps_the_digest_at_seven_across_the_change_to_summer_time():
    row = Schedule(schedule_type=Schedule.DAILY, next_run=dt.datetime(2025, 3, 29, 7, 0, tzinfo=WARSAW))

    following = row.calculate_next_run()

    assert following.astimezone(WARSAW) == dt.datetime(2025, 3, 30, 7, 0, tzinfo=WARSAW)


@pytest.mark.django_db
def test_it_creates_updates_and_removes_only_its_own_schedules(registered):
    now = timezone.now()
    ensure_schedules(now=now)
    Schedule.objects.create(name="kooperacja:gone", func="kooperacja.old.job", schedule_type=Schedule.MINUTES)
    Schedule.objects.create(name="added by an administrator", func="some.job", schedule_type=Schedule.MINUTES)
    register_schedule("cleanup", "kooperacja.core.tests.test_tasks.add", minutes=15)

    first = ensure_schedules(now=now)
    again = ensure_schedules(now=now)

    assert first.created == ["kooperacja:cleanup"]
    assert first.removed == ["kooperacja:gone"]
    assert again.created == again.updated == again.removed == []
    assert Schedule.objects.filter(name="added by an administrator").exists()
    assert Schedule.objects.get(name="kooperacja:cleanup").minutes == 15

    registered[:] = [job for job in registered if job.name != "cleanup"]
    registered.append(PeriodicJob(name="cleanup", func="kooperacja.core.tests.test_tasks.add", minutes=30))
    changed = ensure_schedules(now=now)

    assert changed.updated == ["kooperacja:cleanup"]
    assert Schedule.objects.get(name="kooperacja:cleanup").minutes == 30
    assert Schedule.objects.filter(name="kooperacja:cleanup").count() == 1


def test_it_checks_a_schedule_when_it_is_registered(registered):
    with pytest.raises(ValueError, match="exactly one"):
        register_schedule("both", "kooperacja.x.job", minutes=5, daily_at="07:00")
    with pytest.raises(ValueError, match="exactly one"):
        register_schedule("neither", "kooperacja.x.job")
    first = register_schedule("twice", "kooperacja.x.job", daily_at="06:30")
    assert register_schedule("twice", "kooperacja.x.job", daily_at="06:30") is first
    with pytest.raises(ValueError, match="already registered"):
        register_schedule("twice", "kooperacja.x.other_job", daily_at="06:30")


@pytest.mark.django_db
def test_it_reports_what_ensure_schedules_did(capsys):
    call_command("ensure_schedules")
    call_command("ensure_schedules")

    output = capsys.readouterr().out
    assert "created kooperacja:notification-digest" in output
    assert "0 created, 0 updated, 0 removed" in output
    assert Schedule.objects.filter(name="kooperacja:notification-digest").count() == 1


# --- Task status pages ---------------------------------------------------------------------


def make_tasks(count: int, *, success: bool) -> list[Task]:
    now = timezone.now()
    return Task.objects.bulk_create(
        Task(
            id=uuid.uuid4().hex,
            name=f"task-{success}-{number}",
            func="kooperacja.core.tests.test_tasks.add",
            args=(number, 1),
            kwargs={},
            result=number + 1 if success else "RuntimeError : Traceback …",
            started=now - dt.timedelta(seconds=number + 1),
            stopped=now - dt.timedelta(seconds=number),
            success=success,
            attempt_count=1,
        )
        for number in range(count)
    )


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("core:tasks"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_it_forbids_task_status_to_anyone_but_a_platform_admin(client):
    client.force_login(make_user("tasks.worker", role=Role.SOCIAL_WORKER))
    task = make_tasks(1, success=False)[0]

    assert client.get(reverse("core:tasks")).status_code == 403
    assert client.get(reverse("core:task_detail", args=[task.id])).status_code == 403


@pytest.mark.django_db
def test_it_refuses_other_methods_than_get(admin_client):
    assert admin_client.post(reverse("core:tasks")).status_code == 405


@pytest.mark.django_db
def test_it_lists_failed_and_succeeded_tasks_with_counts(admin_client):
    make_tasks(2, success=True)
    make_tasks(1, success=False)

    everything = admin_client.get(reverse("core:tasks"))
    failed = admin_client.get(reverse("core:tasks"), {"state": "failed"})

    assert everything.status_code == 200
    page = everything.content.decode()
    assert "task-True-0" in page and "task-True-1" in page and "task-False-0" in page
    assert (everything.context["failed_count"], everything.context["succeeded_count"]) == (1, 2)
    assert [task.name for task in failed.context["page_obj"]] == ["task-False-0"]


@pytest.mark.django_db
def test_it_lists_queued_tasks(admin_client):
    with through_the_broker():
        task_id = enqueue("kooperacja.core.tests.test_tasks.add", 1, 2, task_name="waiting-task")

    response = admin_client.get(reverse("core:tasks"), {"state": "queued"})

    page = response.content.decode()
    assert "waiting-task" in page
    assert reverse("core:task_detail", args=[task_id]) in page
    assert response.context["queued_count"] == 1


@pytest.mark.django_db
def test_it_explains_an_unknown_state_and_shows_all_tasks(admin_client):
    make_tasks(1, success=True)

    response = admin_client.get(reverse("core:tasks"), {"state": "exploded"})

    assert response.status_code == 200
    assert response.context["form"].errors["state"]
    assert len(response.context["page_obj"].object_list) == 1


@pytest.mark.django_db
def test_it_pages_the_task_list(admin_client):
    make_tasks(55, success=True)

    first = admin_client.get(reverse("core:tasks"))
    second = admin_client.get(reverse("core:tasks"), {"page": 2})

    assert len(first.context["page_obj"].object_list) == 50
    assert len(second.context["page_obj"].object_list) == 5


@pytest.mark.django_db
def test_it_shows_the_input_and_error_of_a_failed_task(admin_client):
    with through_the_broker():
        task_id = enqueue("kooperacja.core.tests.test_tasks.fail_on_purpose", "ZS.123", reason="no consent")
    run_worker_once()

    response = admin_client.get(reverse("core:task_detail", args=[task_id]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "kooperacja.core.tests.test_tasks.fail_on_purpose" in page
    assert "ZS.123" in page
    assert "no consent" in page
    assert "RuntimeError" in page


@pytest.mark.django_db
def test_it_shows_the_result_of_a_succeeded_task(admin_client):
    task_id = enqueue("kooperacja.core.tests.test_tasks.add", 40, 2)

    response = admin_client.get(reverse("core:task_detail", args=[task_id]))

    assert response.status_code == 200
    assert response.context["task"].result == "42"
    assert "(40, 2)" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_a_queued_task_with_its_input(admin_client):
    with through_the_broker():
        task_id = enqueue("kooperacja.core.tests.test_tasks.add", 7, b=8)

    response = admin_client.get(reverse("core:task_detail", args=[task_id]))

    assert response.status_code == 200
    assert response.context["task"].state == "queued"
    assert response.context["task"].args == "(7,)"
    assert response.context["task"].kwargs == "{'b': 8}"


@pytest.mark.django_db
@pytest.mark.parametrize("task_id", ["5f026b2cf03740069fa082d3519a413c", "not-a-task-id"])
def test_it_answers_not_found_for_an_unknown_task(admin_client, task_id):
    assert admin_client.get(reverse("core:task_detail", args=[task_id])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 120])
@pytest.mark.parametrize("state", ["", "failed", "queued"])
def test_it_lists_tasks_with_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries, count, state):
    make_tasks(count, success=True)
    make_tasks(count, success=False)
    with through_the_broker():
        for number in range(min(count, 60)):
            enqueue("kooperacja.core.tests.test_tasks.add", number, 1)

    # The page itself: filtered count, one page of rows, task counts, queue count.
    with django_assert_max_num_queries(SHELL_QUERIES + 4):
        response = admin_client.get(reverse("core:tasks"), {"state": state} if state else {})
    assert response.status_code == 200
