"""`manage.py export_hsds DIR`: the service directory as an HSDS 3.0 package (docs/hsds.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kooperacja.directory.hsds.exporter import export_package


class Command(BaseCommand):
    help = (
        "Writes DIR/datapackage.json with one CSV per HSDS 3.0 table, and DIR/json/services.json and "
        "DIR/json/organizations.json (arrays of compiled objects). Existing files of the same names are replaced."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="the folder to write (created if missing)")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        started = time.monotonic()
        try:
            counts = export_package(directory)
        except OSError as error:
            raise CommandError(f"Cannot write {directory}: {error}") from None
        rows = ", ".join(f"{table} {count}" for table, count in sorted(counts.items()) if count)
        self.stdout.write(f"rows: {rows}")
        self.stdout.write(
            self.style.SUCCESS(f"HSDS package written to {directory} in {time.monotonic() - started:.1f} s.")
        )
