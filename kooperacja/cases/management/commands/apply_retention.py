"""Anonymise the persons whose cases were all closed more than CASE_RETENTION_YEARS years ago
(the daily retention job, run by hand): `manage.py apply_retention [--dry-run]`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from kooperacja.cases.gdpr import apply_retention


class Command(BaseCommand):
    help = "Anonymise persons whose cases were all closed more than CASE_RETENTION_YEARS years ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count the persons, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        years = settings.CASE_RETENTION_YEARS
        if options["dry_run"]:
            count = apply_retention(dry_run=True)
            self.stdout.write(f"{count} person(s) would be anonymised (cases closed over {years} years ago).")
            return
        count = apply_retention()
        self.stdout.write(f"{count} person(s) anonymised (cases closed over {years} years ago).")
