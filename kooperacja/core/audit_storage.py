"""Keeping the audit log's storage: monthly partitions on PostgreSQL and retention.

Partitions are created ahead by a daily schedule; retention drops whole partitions older
than AUDIT_RETENTION_MONTHS, which is the only way audit events ever disappear. On SQLite
(development) the table is not partitioned and retention deletes the old rows.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from kooperacja.core.models import AuditEvent


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"core_auditevent_{month:%Y_%m}"


def existing_partitions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'core_auditevent' ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def ensure_partitions(*, since: dt.date | None = None, months_ahead: int = 3) -> list[str]:
    """Create the monthly partitions from `since` (default: this month) to months_ahead ahead.

    Rows already caught by the DEFAULT partition for a new month are moved into it in the
    same transaction (PostgreSQL refuses to create a partition that DEFAULT overlaps).
    Returns the names of the partitions created. Idempotent.
    """
    if connection.vendor != "postgresql":
        return []
    today = timezone.localdate()
    first = _month_start(since or today)
    last = _add_months(_month_start(today), months_ahead)
    have = set(existing_partitions())
    created = []
    month = first
    while month <= last:
        name = partition_name(month)
        if name not in have:
            _create_partition(month, name)
            created.append(name)
        month = _add_months(month, 1)
    return created


def _create_partition(month: dt.date, name: str) -> None:
    start, end = month.isoformat(), _add_months(month, 1).isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL kooperacja.audit_maintenance = 'on'")
        cursor.execute(
            "CREATE TEMP TABLE audit_moving ON COMMIT DROP AS SELECT * FROM core_auditevent_default "
            "WHERE at >= %s AND at < %s",
            [start, end],
        )
        cursor.execute("DELETE FROM core_auditevent_default WHERE at >= %s AND at < %s", [start, end])
        cursor.execute(
            f'CREATE TABLE "{name}" PARTITION OF core_auditevent FOR VALUES FROM (%s) TO (%s)',
            [start, end],
        )
        cursor.execute("INSERT INTO core_auditevent SELECT * FROM audit_moving")


def apply_retention(*, now: dt.datetime | None = None) -> int:
    """Remove audit events older than AUDIT_RETENTION_MONTHS; returns how many partitions
    (PostgreSQL) or rows (SQLite) went."""
    months = settings.AUDIT_RETENTION_MONTHS
    cutoff = _add_months(_month_start(timezone.localdate(now)), -months)
    if connection.vendor != "postgresql":
        old = AuditEvent.objects.filter(at__date__lt=cutoff)
        return old._raw_delete(old.db)
    dropped = 0
    for name in existing_partitions():
        if not name[-7:].replace("_", "").isdigit():
            continue  # the DEFAULT partition
        year, month = int(name[-7:-3]), int(name[-2:])
        if _add_months(dt.date(year, month, 1), 1) <= cutoff:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP TABLE "{name}"')
            dropped += 1
    return dropped


def maintain() -> dict[str, int]:
    """The daily schedule: partitions ahead, then retention."""
    created = ensure_partitions()
    return {"created": len(created), "dropped": apply_retention()}
