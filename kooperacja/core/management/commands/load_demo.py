"""`manage.py load_demo`: the demo data of every app, with the demo personas."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kooperacja.core.demo import load_all


class Command(BaseCommand):
    help = "Loads the demo data (idempotent). Refuses when DEBUG is off unless --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="load even when DEBUG is off")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the database already has users")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like production. The demo adds known logins with a known "
                "password; run with --force if you really want it here."
            )
        from django.contrib.auth import get_user_model

        if options["if_empty"] and get_user_model().objects.exists():
            self.stdout.write("The database already has users: demo data not loaded.")
            return
        with transaction.atomic():
            load_all(lambda line: self.stdout.write(line))
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
