"""`manage.py import_teryt FILE`: the official TERC register (GUS TERYT) into the territory tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kooperacja.territory.services import TercFileRejected, decode_terc, import_terc


class Command(BaseCommand):
    help = (
        "Imports the TERC register (CSV: WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA, UTF-8). "
        "All or nothing: any bad row refuses the whole file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the TERC CSV file published by GUS")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}) from None
        try:
            # No signed-in person: the audit event names no actor.
            report = import_terc(None, decode_terc(data))
        except TercFileRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                ngettext(
                    "Nothing imported: %(count)d line of the file is wrong (listed above).",
                    "Nothing imported: %(count)d lines of the file are wrong (listed above).",
                    rejected.bad_lines,
                )
                % {"count": rejected.bad_lines}
            ) from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(_("TERC register imported from %(path)s.") % {"path": path}))
