"""The diagnosis instrument as versioned data: shipped, synchronised, published anew."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from kooperacja.assessment.models import Assessment, Instrument, LevelDescription
from kooperacja.assessment.services import (
    DEFAULT_INSTRUMENT_CODE,
    DEFAULT_INSTRUMENT_FILE,
    current_instrument,
    sync_instrument,
)
from kooperacja.assessment.tests.helpers import assess
from kooperacja.cases.tests.factories import person_case

pytestmark = pytest.mark.django_db

DOMAINS = [
    "Dochody i zadłużenie",
    "Praca",
    "Mieszkanie",
    "Zdrowie fizyczne",
    "Zdrowie psychiczne",
    "Niepełnosprawność i codzienne funkcjonowanie",
    "Uzależnienia",
    "Relacje rodzinne i rodzicielstwo",
    "Edukacja i opieka nad dziećmi",
    "Bezpieczeństwo i przemoc",
    "Udział w życiu społecznym i samotność",
    "Sprawy prawne",
    "Mobilność i transport",
    "Dostęp do usług",
]


def _new_version_file(tmp_path, **changes):
    data = json.loads(DEFAULT_INSTRUMENT_FILE.read_text(encoding="utf-8"))
    data["domains"][0]["name"] = "Finanse domowe"
    data["domains"].append(
        {
            "code": "digital",
            "name": "Kompetencje cyfrowe",
            "levels": {str(level): f"Opis poziomu {level}." for level in range(1, 6)},
        }
    )
    data.update(changes)
    path = tmp_path / "instrument.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_it_ships_the_default_instrument_with_every_domain_and_level():
    instrument = current_instrument()
    assert instrument.name == "Diagnoza wielowymiarowa"
    assert instrument.version == 1
    assert instrument.is_published
    assert list(instrument.domains.values_list("name", flat=True)) == DOMAINS
    assert LevelDescription.objects.filter(domain__instrument=instrument).count() == 14 * 5


def test_it_synchronises_idempotently_and_never_changes_a_published_version():
    instrument = current_instrument()
    instrument.domains.filter(code="work").update(name="Praca (zmieniona przez administratora)")
    assert sync_instrument() is None
    assert sync_instrument() is None
    assert Instrument.objects.filter(code=DEFAULT_INSTRUMENT_CODE).count() == 1
    assert instrument.domains.get(code="work").name == "Praca (zmieniona przez administratora)"


def test_it_creates_the_instrument_when_missing():
    Assessment.objects.all().delete()  # the demo diagnoses keep the shipped instrument
    Instrument.objects.all().delete()
    created = sync_instrument()
    assert created is not None and created.is_current and created.domains.count() == 14


def test_it_publishes_a_new_version_and_old_assessments_keep_theirs(persona, tmp_path, capsys):
    lead = persona("gops.mirzec")
    case = person_case(lead=lead)
    old = assess(lead, case, case.person)

    call_command("publish_instrument", str(_new_version_file(tmp_path)))

    new = current_instrument()
    assert new.version == 2 and new.domains.count() == 15
    assert Instrument.objects.filter(code=DEFAULT_INSTRUMENT_CODE, is_current=True).count() == 1
    old.refresh_from_db()
    assert old.instrument.version == 1
    assert old.instrument.domains.get(code="income").name == "Dochody i zadłużenie"
    assert old.scores.count() == 14
    assert "version 2" in capsys.readouterr().out
    later = assess(lead, case, case.person)
    assert later.instrument == new and later.scores.count() == 15


def test_it_refuses_a_file_with_a_level_missing_and_publishes_nothing(tmp_path):
    data = json.loads(DEFAULT_INSTRUMENT_FILE.read_text(encoding="utf-8"))
    del data["domains"][2]["levels"]["4"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="housing"):
        call_command("publish_instrument", str(path))
    assert current_instrument().version == 1


def test_it_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("publish_instrument", str(path))
    assert Instrument.objects.filter(code=DEFAULT_INSTRUMENT_CODE).count() == 1
