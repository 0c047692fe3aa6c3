"""Publish a new version of a diagnosis instrument from a JSON file (the shape of
kooperacja/assessment/data/instrument.json); it becomes current, old assessments keep theirs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kooperacja.assessment.services import publish_instrument, read_instrument_file


class Command(BaseCommand):
    help = "Publish a new version of a diagnosis instrument from a JSON file and make it current."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON file with code, name, description and domains")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            instrument = publish_instrument(None, read_instrument_file(options["file"]))
        except ValidationError as refusal:
            raise CommandError("; ".join(refusal.messages)) from None
        self.stdout.write(
            f"Published {instrument.name} version {instrument.version} "
            f"with {instrument.domains.count()} domains; it is now current."
        )
