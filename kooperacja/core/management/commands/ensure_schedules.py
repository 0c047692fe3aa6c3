"""`manage.py ensure_schedules`: write the registered periodic jobs to django-q's Schedule table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kooperacja.core.tasks import ensure_schedules


class Command(BaseCommand):
    help = (
        "Creates or updates the periodic jobs registered with kooperacja.core.tasks.register_schedule "
        "and removes those no longer registered. Safe to run on every start."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changes = ensure_schedules()
        for name in changes.created:
            self.stdout.write(f"created {name}")
        for name in changes.updated:
            self.stdout.write(f"updated {name}")
        for name in changes.removed:
            self.stdout.write(f"removed {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Schedules: {len(changes.created)} created, {len(changes.updated)} updated, "
                f"{len(changes.removed)} removed, {len(changes.unchanged)} unchanged."
            )
        )
