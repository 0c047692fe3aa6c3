"""The import service itself: who may call it, and its messages in Polish."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from kooperacja.core.models import AuditEvent
from kooperacja.territory.services import TercFileRejected, import_terc, parse_terc
from kooperacja.territory.tests.conftest import TEST_VOIVODESHIP, terc, territory_snapshot

pytestmark = pytest.mark.django_db


def imports() -> int:
    return AuditEvent.objects.filter(object_type="territory.terc").count()


@pytest.mark.parametrize("username", ["lider.mirzec", "rops.kielce"])
def test_it_lets_no_one_but_an_administrator_import(persona, username):
    before, events = territory_snapshot(), imports()

    with pytest.raises(PermissionDenied):
        import_terc(persona(username), terc(*TEST_VOIVODESHIP))

    assert territory_snapshot() == before
    assert imports() == events


def test_it_records_the_administrator_as_the_actor(persona):
    admin = persona("admin")

    import_terc(admin, terc(*TEST_VOIVODESHIP))

    assert AuditEvent.objects.filter(object_type="territory.terc").latest("id").actor == admin


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("90;01;04;22;Rodzaj;gmina wiejska;2024-01-01", "RODZ musi mieć 1 cyfrę, jest „22”"),
        ("9;01;04;2;Krótki;gmina wiejska;2024-01-01", "WOJ musi mieć 2 cyfry, jest „9”"),
        ("90;01;04;2;Za mało kolumn", "oczekiwano 7 kolumn rozdzielonych „;”, jest 5"),
    ],
)
def test_it_counts_in_polish(row, message):
    with translation.override("pl"), pytest.raises(TercFileRejected) as rejected:
        parse_terc(terc(row))

    assert [problem.message for problem in rejected.value.problems] == [message]
