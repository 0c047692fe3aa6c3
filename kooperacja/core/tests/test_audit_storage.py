"""The audit log is append-only and kept by month (partitions on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kooperacja.core import audit, audit_storage
from kooperacja.core.models import AuditAction, AuditEvent

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions exist on PostgreSQL")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL drops whole partitions instead")


@pytest.mark.django_db
def test_it_refuses_to_change_a_saved_event_through_the_model():
    event = audit.record(AuditAction.LOGIN, object_type="test")
    event.reason = "rewritten"
    with pytest.raises(RuntimeError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@on_sqlite
@pytest.mark.django_db
def test_it_removes_only_events_older_than_the_retention_period(settings):
    settings.AUDIT_RETENTION_MONTHS = 12
    now = timezone.now()
    old = audit.record(AuditAction.LOGIN, object_type="old")
    AuditEvent.objects.filter(pk=old.pk).update(at=now - dt.timedelta(days=800))
    recent = audit.record(AuditAction.LOGIN, object_type="recent")
    audit_storage.apply_retention(now=now)
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


@on_postgres
@pytest.mark.django_db
def test_it_refuses_update_and_delete_in_the_database():
    event = audit.record(AuditAction.LOGIN, object_type="test")
    for statement in (
        "UPDATE core_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, reason="").exists()


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_it_moves_events_into_a_new_monthly_partition_and_drops_expired_months(settings):
    settings.AUDIT_RETENTION_MONTHS = 12
    long_ago = timezone.now() - dt.timedelta(days=800)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (at, actor_label, action, object_type, object_id, persons, municipality_code, "
            "request_id, reason, details) VALUES (%s, '', 'login', 'old', '', '[]', '', '', '', '{}')",
            [long_ago],
        )
    recent = audit.record(AuditAction.LOGIN, object_type="recent")

    created = audit_storage.ensure_partitions(since=long_ago.date())

    assert audit_storage.partition_name(long_ago.date().replace(day=1)) in created
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_auditevent_default")
        assert cursor.fetchone()[0] == 0  # everything found its month
    assert audit_storage.apply_retention() >= 1
    assert not AuditEvent.objects.filter(object_type="old").exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
