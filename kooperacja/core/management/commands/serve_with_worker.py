"""`manage.py serve_with_worker`: the development server and one task worker, started together.

The worker (`manage.py qcluster`) runs as a child process; the server runs in the
foreground. When the server stops (Ctrl-C, SIGTERM), the worker is stopped too. The server
does not reload on code changes: the worker would not, so restart both instead.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

# How long the worker may take to finish its current task before it is killed.
WORKER_STOP_SECONDS = 30


class Command(BaseCommand):
    help = "Runs the development server with a background task worker (make run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addrport", default="127.0.0.1:8000", help="address and port to serve on (127.0.0.1:8000)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("ensure_schedules", stdout=self.stdout)
        # In a session of its own, Ctrl-C in the terminal reaches only the server; the worker
        # gets exactly one signal, from us (qcluster can hang when two arrive together).
        worker = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "qcluster"], start_new_session=True
        )
        self.stdout.write(f"Task worker started (pid {worker.pid}).")
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            self.run_server(options["addrport"])
        finally:
            # A second Ctrl-C or SIGTERM must not cut the stop short and orphan the worker;
            # the stop is bounded by WORKER_STOP_SECONDS anyway.
            previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            try:
                self.stop_worker(worker)
            finally:
                if previous_int is not None:
                    signal.signal(signal.SIGINT, previous_int)
                if previous is not None:
                    signal.signal(signal.SIGTERM, previous)

    def run_server(self, addrport: str) -> None:
        call_command("runserver", addrport, use_reloader=False)

    def stop_worker(self, worker: subprocess.Popen[bytes]) -> None:
        if worker.poll() is None:
            # qcluster shuts down on SIGTERM; a task it had to cut short is handed
            # out again later, which every task allows (kooperacja.core.tasks).
            worker.terminate()
            try:
                worker.wait(timeout=WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                # The whole group: qcluster's own worker processes must not outlive it.
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        self.stdout.write("Task worker stopped.")


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Turn SIGTERM into an exception so the finally block stops the worker.
    sys.exit(0)
