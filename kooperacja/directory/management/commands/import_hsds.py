"""`manage.py import_hsds DIR [--lenient] [--territory TERYT] [--dry-run]`: an HSDS 3.0 package
(CSV datapackage or JSON) into the service directory (docs/hsds.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kooperacja.directory.hsds.importer import import_package, territory_unit


class Command(BaseCommand):
    help = (
        "Imports an HSDS 3.0 package: DIR/datapackage.json with CSV files, or DIR/json/services.json and "
        "organizations.json. Strict by default: any invalid value or reference to a missing row refuses the "
        "whole import and nothing changes. Each problem is reported by file, row (1-based data row) and field."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="the folder of the package")
        parser.add_argument(
            "--lenient",
            action="store_true",
            help="clear invalid or dangling optional values and skip rows that cannot be kept, reporting each; "
            "import the rest",
        )
        parser.add_argument(
            "--territory",
            metavar="TERYT",
            help="the TERYT code (voivodeship 2 digits, powiat 4, gmina 7) of new organizations whose territory "
            "the package does not give",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        territory = None
        if options["territory"]:
            try:
                territory = territory_unit(options["territory"].strip())
            except LookupError:
                raise CommandError(
                    f"--territory {options['territory']}: no voivodeship, powiat or gmina has this TERYT code"
                ) from None
        report = import_package(
            options["directory"], lenient=options["lenient"], territory=territory, dry_run=options["dry_run"]
        )
        for line in report.lines()[:-1]:
            self.stdout.write(line)
        if report.refused:
            raise CommandError(report.lines()[-1])
        self.stdout.write(self.style.SUCCESS(report.lines()[-1]))
