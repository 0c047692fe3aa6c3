"""Import community indicators from a CSV file, all or nothing (the same import as the page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kooperacja.community.indicators import IndicatorFileRejected, decode_file, import_indicators


class Command(BaseCommand):
    help = "Import community indicators from a CSV file (gmina;year;indicator;value;source), all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # No actor: the command line may import figures of any gmina.
            report = import_indicators(None, decode_file(options["file"].read_bytes()))
        except IndicatorFileRejected as rejected:
            raise CommandError("\n".join(str(problem) for problem in rejected.problems)) from None
        for result in report.results:
            self.stdout.write(str(result))
        self.stdout.write(report.summary)
