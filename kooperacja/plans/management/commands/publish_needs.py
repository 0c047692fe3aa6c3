"""Replace the needs and the directory categories answering them with a JSON file's (the shape
of kooperacja/plans/data/needs.json); needs left out are retired, cases keep theirs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kooperacja.plans.needs import publish_needs, read_needs_file


class Command(BaseCommand):
    help = "Replace the needs and their category weights (the matching engine's mapping) from a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON file with a list of needs, each with code, name and categories")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            published = publish_needs(None, read_needs_file(options["file"]))
        except ValidationError as refusal:
            raise CommandError("; ".join(refusal.messages)) from None
        self.stdout.write(f"Published {len(published)} needs; the others are retired.")
