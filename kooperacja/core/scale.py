"""Scale data for benchmarks (DESIGN.md §4 and §7): the apps' generators and the bulk writer they share.

Each app that can fill its tables at scale has a `scale.py` with

* `FIGURES`: the figures of `generate_scale_data` it generates, each with its small default
  (`{"services": 500}`); an app whose rows follow another's figure (institutions follow the
  gminas) has none;
* `generate(run)`: adds rows until the database holds the figures asked for.

Generators run in the order of INSTALLED_APPS, so an app finds the rows of the apps it builds
on. Figures are totals, not increments: a second run with the same figures adds nothing, and
a run on a fresh database with the same seed writes the same rows.

Rows are written in bulk: PostgreSQL through COPY (psycopg 3 `cursor.copy`), SQLite through
`executemany` in batches. Primary keys are assigned here rather than by the database, so a
generator can link rows to rows it has not written yet; sequences are moved past them at the end.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from itertools import islice
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models

# Every figure of the command, in the order of its options (DESIGN.md §4).
ALL_FIGURES = ("gminas", "services", "persons", "cases", "assessments", "referrals", "audit_events")
SQLITE_BATCH = 20_000
# Fields whose Python value the database driver cannot take as it is (SQLite stores UUIDs as
# hex, datetimes as text); their values go through the field's own preparation.
_PREPARED_FIELDS = (
    models.UUIDField,
    models.DateTimeField,
    models.DateField,
    models.TimeField,
    models.DecimalField,
    models.JSONField,
)


class ScaleError(Exception):
    """A figure the generators cannot satisfy; the command reports it and writes nothing."""


def scale_modules() -> list[ModuleType]:
    """The `scale` modules of our apps, in the order of INSTALLED_APPS (core's own is this module)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("kooperacja.") or config.name == "kooperacja.core":
            continue
        try:
            found.append(import_module(f"{config.name}.scale"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.scale":
                raise
    return found


def generated_figures(modules: Iterable[ModuleType] | None = None) -> dict[str, int]:
    """Each figure some app generates, with its default."""
    defaults: dict[str, int] = {}
    for module in scale_modules() if modules is None else modules:
        defaults.update(getattr(module, "FIGURES", {}))
    return defaults


@dataclass
class ScaleRun:
    """One run of the generators: the seed, the figures, and where progress is told."""

    seed: int
    figures: dict[str, int]
    log: Callable[[str], None] = print
    timings: list[tuple[str, float]] = field(default_factory=list)
    # Models a generator wrote to: their sequences are reset and their statistics refreshed.
    touched: list[type[models.Model]] = field(default_factory=list)

    def random(self, name: str) -> random.Random:
        """A generator of its own for each part, so adding rows to one part leaves the others as they were."""
        return random.Random(f"{self.seed}/{name}")  # noqa: S311 — synthetic data, nothing secret

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        took = time.perf_counter() - started
        self.timings.append((label, took))
        self.log(f"  {label}: {took:.1f} s")

    def insert(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        if model not in self.touched:
            self.touched.append(model)
        return insert_rows(model, columns, rows)


def random_uuid(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from the run's generator (uuid4() would differ on every run)."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def next_id(model: type[models.Model]) -> int:
    """The first primary key above every row of the table."""
    highest = model._default_manager.aggregate(highest=models.Max("pk"))["highest"]
    return (highest or 0) + 1


def _column_plan(
    model: type[models.Model], columns: Sequence[str]
) -> tuple[list[str], list[Any], list[tuple[int, models.Field[Any, Any]]]]:
    """The table's column names, constant values for the columns not given, and the given
    columns whose values need the field's preparation."""
    by_attname = {f.attname: f for f in model._meta.local_concrete_fields}
    unknown = [name for name in columns if name not in by_attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
    names = [str(by_attname[name].column) for name in columns]
    constants = []
    for attname, model_field in by_attname.items():
        if attname in columns:
            continue
        if model_field.primary_key or model_field.unique:
            raise ValueError(f"{model.__name__}.{attname} needs a value in every row")
        names.append(str(model_field.column))
        constants.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    prepared = [
        (index, by_attname[name])
        for index, name in enumerate(columns)
        if isinstance(by_attname[name], _PREPARED_FIELDS)
    ]
    return names, constants, prepared


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write rows (values in the order of `columns`, attnames) in bulk; columns not given get
    their field's default. Returns how many rows were written."""
    names, constants, prepared = _column_plan(model, columns)
    tail = tuple(constants)

    def complete(row: Sequence[Any]) -> tuple[Any, ...]:
        if prepared:
            values = list(row)
            for index, model_field in prepared:
                values[index] = model_field.get_db_prep_save(values[index], connection)
            return (*values, *tail)
        return (*row, *tail) if tail else tuple(row)

    table = connection.ops.quote_name(model._meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(name) for name in names)
    written = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(complete(row))
                written += 1
        return written
    placeholders = ", ".join("?" for _name in names)
    sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"  # noqa: S608 — names come from the model
    connection.ensure_connection()
    raw = connection.connection
    iterator = iter(rows)
    while batch := [complete(row) for row in islice(iterator, SQLITE_BATCH)]:
        raw.executemany(sql, batch)
        written += len(batch)
    return written


@contextmanager
def rebuilt_indexes(run: ScaleRun, tables: Sequence[type[models.Model]]) -> Iterator[None]:
    """Fill the tables without their secondary indexes (and, on PostgreSQL, their unique
    constraints and foreign keys), then build them again: an index built once over all rows
    costs a fraction of one updated row by row, and a foreign key is then checked by one join.

    Everything happens in the run's transaction, so a failure leaves the schema as it was. The
    tables are locked meanwhile: this is for a benchmark database, not a live one.
    """
    names = [model._meta.db_table for model in tables]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
                [names],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary "
                "AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE contype IN ('u', 'p', 'x')) "
                "ORDER BY 1",
                [names],
            )
            indexes = cursor.fetchall()
        else:
            constraints = []
            # SQLite keeps foreign keys in the table; its own indexes (sql IS NULL) stay too.
            placeholders = ", ".join("%s" for _name in names)
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
                f"AND tbl_name IN ({placeholders}) ORDER BY name",
                names,
            )
            indexes = [(connection.ops.quote_name(name), sql) for name, sql in cursor.fetchall()]
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with run.step(f"indexes and keys of {len(names)} tables rebuilt"), connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        # Unique constraints first ('u' sorts after 'f', hence DESC above), then the keys.
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def start() -> None:
    """PostgreSQL: check foreign keys as each statement ends rather than at commit (the deferred
    checks of millions of rows would queue up in memory and keep the tables from being altered)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        else:
            # A large page cache (512 MiB) for this connection: index builds stay in memory.
            cursor.execute("PRAGMA cache_size = -524288")


def finish(touched: Sequence[type[models.Model]]) -> None:
    """Move each sequence past the keys written and refresh the planner's statistics."""
    if not touched:
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(touched)):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            for model in touched:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")


def vacuum_possible() -> bool:
    """VACUUM runs on PostgreSQL outside any transaction (not in a test's)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def vacuum(touched: Sequence[type[models.Model]]) -> None:
    """PostgreSQL, after the run's transaction: VACUUM ANALYZE the tables written, as autovacuum
    would in time. Index-only scans need the visibility map it sets; without it a freshly loaded
    database is measured slower than a live one."""
    with connection.cursor() as cursor:
        for model in touched:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def table_sizes(tables: Iterable[type[models.Model]]) -> list[tuple[str, int, int | None]]:
    """(table, rows, bytes on disk with indexes) of each model's table; bytes only on PostgreSQL."""
    sizes = []
    with connection.cursor() as cursor:
        for model in tables:
            table = model._meta.db_table
            rows = model._default_manager.count()
            size = None
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                size = int(cursor.fetchone()[0])
            sizes.append((table, rows, size))
    return sizes


def run_generators(run: ScaleRun, modules: Sequence[ModuleType] | None = None) -> None:
    """Run every app's generator in order, then reset sequences and statistics."""
    start()
    for module in scale_modules() if modules is None else modules:
        module.generate(run)
    with run.step("sequences and statistics"):
        finish(run.touched)
