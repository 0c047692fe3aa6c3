"""The audit log pages: who reads which events, filters, and the CSV export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kooperacja.core import audit
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.institutions.models import Institution

pytestmark = pytest.mark.django_db


def _institution(name_part: str) -> Institution:
    return Institution.objects.get(kind="gops", municipality__name=name_part)


@pytest.fixture
def events(persona):
    mirzec, oksa = _institution("Mirzec"), _institution("Oksa")
    return {
        "mirzec": audit.record(
            AuditAction.VIEW, actor=persona("gops.mirzec"), object_type="test.mirzec", institution_id=mirzec.pk
        ),
        "oksa": audit.record(
            AuditAction.VIEW, actor=persona("gops.oksa"), object_type="test.oksa", institution_id=oksa.pk
        ),
    }


def _shown(response) -> set[str]:
    return {event.object_type for event in response.context["page"].object_list}


def test_it_shows_a_manager_only_the_events_of_their_institution(client, login_as, events):
    login_as("lider.mirzec")
    response = client.get("/audit/", {"object_type": "test.mirzec"})
    assert response.status_code == 200
    assert _shown(response) == {"test.mirzec"}
    assert "<td>test.mirzec" in response.content.decode()
    assert _shown(client.get("/audit/", {"object_type": "test.oksa"})) == set()


def test_it_keeps_what_a_managers_staff_did_in_another_institution_from_the_manager(client, login_as, persona):
    # gops.mirzec works for GOPS Mirzec; an event recorded for GOPS Oksa belongs to Oksa.
    audit.record(
        AuditAction.VIEW,
        actor=persona("gops.mirzec"),
        object_type="test.elsewhere",
        institution_id=_institution("Oksa").pk,
    )
    audit.record(AuditAction.LOGIN, actor=persona("gops.mirzec"), object_type="test.login")
    login_as("lider.mirzec")
    shown = _shown(client.get("/audit/"))
    assert "test.elsewhere" not in shown
    assert "test.login" in shown


def test_it_shows_an_admin_every_institution(client, login_as, events):
    login_as("admin")
    assert {"test.mirzec", "test.oksa"} <= _shown(client.get("/audit/"))


def test_it_shows_a_polish_message_when_the_dates_are_reversed(client, login_as, events):
    login_as("admin")
    today = timezone.localdate()
    response = client.get(
        "/audit/", {"date_from": today.isoformat(), "date_to": (today - dt.timedelta(days=3)).isoformat()}
    )
    assert response.status_code == 400
    assert "Data początkowa jest późniejsza niż końcowa." in response.content.decode()
    assert not response.context["page"].object_list  # nothing rather than everything


def test_it_filters_by_action_and_user(client, login_as, events):
    login_as("admin")
    shown = _shown(client.get("/audit/", {"actor": "gops.oksa", "action": "view"}))
    assert "test.oksa" in shown and "test.mirzec" not in shown


def test_it_exports_the_visible_events_as_csv_and_records_the_export(client, login_as, events):
    manager = login_as("lider.mirzec")
    response = client.get("/audit/export.csv", {"object_type": "test.mirzec"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets need the BOM to read Polish letters
    lines = text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("at;actor_label;action")
    assert len(lines) == 2 and "gops.mirzec" in lines[1]
    assert str(_institution("Mirzec").public_id) in lines[1]
    assert AuditEvent.objects.filter(actor=manager, action=AuditAction.EXPORT).exists()


def test_it_explains_bad_filters_instead_of_exporting(client, login_as):
    login_as("admin")
    response = client.get("/audit/export.csv", {"date_from": "2026-05-10", "date_to": "2026-05-01"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Data początkowa jest późniejsza niż końcowa." in response.content.decode()


def test_it_refuses_a_file_that_would_be_cut_short(client, login_as, persona, monkeypatch):
    from kooperacja.core.views import audit as audit_views

    monkeypatch.setattr(audit_views, "EXPORT_LIMIT", 3)
    worker = persona("gops.mirzec")
    for _ in range(4):
        audit.record(AuditAction.VIEW, actor=worker, object_type="test.many")
    login_as("admin")
    response = client.get("/audit/export.csv", {"object_type": "test.many"})
    assert response.status_code == 400
    assert "Pasuje więcej niż 3 zdarzeń" in response.content.decode()
    assert client.get("/audit/export.csv", {"object_type": "test.many", "actor": "nobody"}).status_code == 200


def test_it_never_exports_another_institutions_events(client, login_as, events):
    login_as("lider.mirzec")
    text = client.get("/audit/export.csv").content.decode()
    assert "test.oksa" not in text


def test_it_keeps_the_query_count_of_the_list_flat(client, login_as, persona, django_assert_max_num_queries):
    login_as("admin")
    worker = persona("gops.mirzec")
    for _ in range(60):
        audit.record(AuditAction.VIEW, actor=worker, object_type="test.many")
    with django_assert_max_num_queries(12):
        assert client.get("/audit/", {"object_type": "test.many"}).status_code == 200
