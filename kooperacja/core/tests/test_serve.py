"""`manage.py serve_with_worker`: the server in front, the task worker beside it, stopped with it."""

from __future__ import annotations

import io
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django_q.models import Schedule

from kooperacja.core.management.commands import serve_with_worker


class FakeWorker:
    """Stands in for the `manage.py qcluster` child process."""

    started: list[FakeWorker] = []

    def __init__(self, args: list[str], **kwargs: object) -> None:
        self.args = args
        self.kwargs = kwargs
        self.pid = 4242
        self.running = True
        self.terminated = False
        self.killed = False
        self.wait_times_out = False
        FakeWorker.started.append(self)

    def poll(self) -> int | None:
        return None if self.running else 0

    def terminate(self) -> None:
        self.terminated = True
        if not self.wait_times_out:
            self.running = False

    def kill(self) -> None:
        self.killed = True
        self.running = False

    def wait(self, timeout: float | None = None) -> int:
        if self.running and timeout is not None:
            raise subprocess.TimeoutExpired(self.args, timeout)
        return 0


@pytest.fixture
def fake_processes(monkeypatch):
    """Record the worker started and the server run instead of starting real processes."""
    FakeWorker.started = []
    served: list[dict[str, object]] = []

    def run_server(command, addrport: str) -> None:
        worker = FakeWorker.started[-1]
        served.append(
            {
                "addrport": addrport,
                "worker_running": worker.running,
                "schedules": list(Schedule.objects.values_list("name", flat=True)),
                "sigterm": signal.getsignal(signal.SIGTERM),
            }
        )

    monkeypatch.setattr(serve_with_worker.subprocess, "Popen", FakeWorker)
    monkeypatch.setattr(serve_with_worker.Command, "run_server", run_server)
    return served


@pytest.mark.django_db
def test_it_ensures_schedules_then_serves_beside_a_worker_and_stops_it(fake_processes):
    call_command("serve_with_worker", stdout=io.StringIO())

    [worker] = FakeWorker.started
    assert worker.args == [sys.executable, str(settings.BASE_DIR / "manage.py"), "qcluster"]
    assert worker.kwargs == {"start_new_session": True}
    [served] = fake_processes
    assert served["addrport"] == "127.0.0.1:8000"
    assert served["worker_running"] is True
    assert "kooperacja:notification-digest" in served["schedules"]
    assert worker.terminated and not worker.running


@pytest.mark.django_db
def test_it_serves_on_the_address_asked_for(fake_processes):
    call_command("serve_with_worker", "--addrport", "0.0.0.0:9000", stdout=io.StringIO())

    assert fake_processes[0]["addrport"] == "0.0.0.0:9000"


@pytest.mark.django_db
def test_it_turns_sigterm_into_a_clean_stop_while_serving(fake_processes):
    before = signal.getsignal(signal.SIGTERM)

    call_command("serve_with_worker", stdout=io.StringIO())

    handler = fake_processes[0]["sigterm"]
    assert callable(handler)
    with pytest.raises(SystemExit):
        handler(signal.SIGTERM, None)
    assert signal.getsignal(signal.SIGTERM) == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.django_db
@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_it_stops_the_worker_when_the_server_stops_abruptly(monkeypatch, fake_processes, stop):
    def interrupted(command, addrport: str) -> None:
        raise stop

    monkeypatch.setattr(serve_with_worker.Command, "run_server", interrupted)

    with pytest.raises(stop):
        call_command("serve_with_worker", stdout=io.StringIO())

    [worker] = FakeWorker.started
    assert worker.terminated and not worker.running


@pytest.mark.django_db
def test_it_kills_a_worker_that_does_not_stop(monkeypatch, fake_processes):
    monkeypatch.setattr(serve_with_worker, "WORKER_STOP_SECONDS", 0)
    killed_groups = []

    def killpg(pgid: int, signum: int) -> None:
        killed_groups.append((pgid, signum))
        FakeWorker.started[-1].kill()

    monkeypatch.setattr(serve_with_worker.os, "killpg", killpg)
    original_init = FakeWorker.__init__

    def stubborn(self, args, **kwargs):
        original_init(self, args, **kwargs)
        self.wait_times_out = True

    monkeypatch.setattr(FakeWorker, "__init__", stubborn)

    call_command("serve_with_worker", stdout=io.StringIO())

    [worker] = FakeWorker.started
    assert worker.terminated and worker.killed
    assert killed_groups == [(worker.pid, signal.SIGKILL)]
