"""`manage.py generate_scale_data`: fill the database to a given size for benchmarks (DESIGN.md §4, §7)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from kooperacja.core.scale import (
    ALL_FIGURES,
    ScaleError,
    ScaleRun,
    generated_figures,
    run_generators,
    scale_modules,
    table_sizes,
    vacuum,
    vacuum_possible,
)


class Command(BaseCommand):
    help = (
        "Fills the database with synthetic data until it holds the figures asked for (totals, not increments; "
        "a second run with the same figures adds nothing). Each app generates its own figures; a figure no app "
        "generates yet (audit events arrive with a later issue) is "
        "reported as not generated and the rest is done. PostgreSQL is written through COPY, SQLite in batches."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed on an empty database gives the same rows"
        )
        for figure in ALL_FIGURES:
            parser.add_argument(
                f"--{figure.replace('_', '-')}",
                dest=figure,
                type=int,
                default=None,
                metavar="N",
                help=f"total {figure.replace('_', ' ')} wanted",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        modules = scale_modules()
        defaults = generated_figures(modules)
        figures = dict(defaults)
        for figure in ALL_FIGURES:
            value = options[figure]
            if value is None:
                continue
            if value < 0:
                raise CommandError(f"--{figure.replace('_', '-')} must be 0 or more, not {value}.")
            if figure not in defaults:
                self.stderr.write(
                    f"--{figure.replace('_', '-')} {value}: not generated yet — no app of this version generates "
                    f"{figure.replace('_', ' ')}; the other figures are generated."
                )
                continue
            figures[figure] = value
        wanted = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in figures.items())
        self.stdout.write(f"Generating on {connection.vendor} with seed {options['seed']}: {wanted}")
        run = ScaleRun(seed=options["seed"], figures=figures, log=lambda line: self.stdout.write(line))
        started = time.perf_counter()
        try:
            with transaction.atomic():
                run_generators(run, modules)
        except ScaleError as error:
            raise CommandError(str(error)) from None
        if vacuum_possible():
            with run.step("vacuum and statistics (outside the transaction)"):
                vacuum(run.touched)
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s. Tables:")
        for table, rows, size in table_sizes(run.touched):
            on_disk = f"  {size / 1_048_576:8.1f} MiB" if size is not None else ""
            self.stdout.write(f"  {table:<40} {rows:>12,} rows{on_disk}".replace(",", " "))
