"""The needs mapping shipped as data and replaced by publish_needs, and the needs of a case:
from its latest diagnosis and added by hand."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from kooperacja.assessment.models import Domain
from kooperacja.assessment.tests.helpers import assess
from kooperacja.cases.models import CaseStatus
from kooperacja.cases.tests.factories import make_case, make_household, make_person
from kooperacja.core.models import AuditEvent
from kooperacja.plans import needs
from kooperacja.plans.models import CaseNeed, Need, NeedCategory
from tests.personas import GOPS_MIRZEC

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def polish():
    with translation.override("pl"):
        yield


def shipped() -> dict:
    return json.loads(needs.DEFAULT_NEEDS_FILE.read_text(encoding="utf-8"))


def test_it_ships_a_need_for_every_diagnosis_domain_with_weighted_categories():
    domain_codes = set(Domain.objects.values_list("code", flat=True))
    diagnosed = set(Need.objects.exclude(domain_code="").values_list("domain_code", flat=True))

    assert domain_codes <= diagnosed
    assert Need.objects.filter(domain_code="").exists()  # needs only added by hand
    assert not Need.objects.filter(categories__isnull=True).exists()
    assert set(NeedCategory.objects.values_list("weight", flat=True)) <= {1, 2, 3}


def test_it_ships_the_needs_once_and_leaves_published_ones_alone():
    Need.objects.filter(code="food").update(name="Jedzenie")

    assert needs.sync_needs() == 0
    assert Need.objects.get(code="food").name == "Jedzenie"


def test_it_publishes_a_mapping_and_retires_needs_left_out(tmp_path: Path):
    data = shipped()
    data["needs"] = [item for item in data["needs"] if item["code"] != "food"]
    data["needs"][0]["categories"] = {"meals": 1}
    path = tmp_path / "needs.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = io.StringIO()

    call_command("publish_needs", str(path), stdout=out)

    assert "Published" in out.getvalue()
    assert not Need.objects.get(code="food").is_active
    first = Need.objects.get(code=data["needs"][0]["code"])
    assert list(first.categories.values_list("term__code", "weight")) == [("meals", 1)]
    assert AuditEvent.objects.filter(object_type="plans.need").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["needs"].append(dict(d["needs"][0])), "Kod potrzeby income się powtarza."),
        (lambda d: d["needs"][0]["categories"].update({"no-such": 2}), "nie jest kategorią katalogu"),
        (lambda d: d["needs"][0]["categories"].update({"meals": 4}), "wagę inną niż 1, 2 lub 3"),
        (lambda d: d["needs"][0].update({"name": ""}), "Potrzeba 1 nie ma kodu lub nazwy."),
        (lambda d: d.update({"needs": []}), "niepustą listą potrzeb"),
    ],
)
def test_it_refuses_a_bad_mapping_and_changes_nothing(tmp_path: Path, change, message):
    data = shipped()
    change(data)
    path = tmp_path / "needs.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = list(NeedCategory.objects.values_list("need__code", "term__code", "weight").order_by("id"))

    with pytest.raises(CommandError, match=message):
        call_command("publish_needs", str(path), stdout=io.StringIO())

    assert list(NeedCategory.objects.values_list("need__code", "term__code", "weight").order_by("id")) == before


def test_it_takes_needs_from_the_domains_scored_one_or_two_in_the_latest_diagnosis(persona):
    worker = persona(GOPS_MIRZEC)
    person = make_person()
    case = make_case(person=person)
    assess(worker, case, person, levels={"work": 1}, on=dt.date(2026, 1, 5))
    assess(worker, case, person, levels={"housing": 2, "income": 1, "family": 3}, on=dt.date(2026, 3, 5))

    found = needs.case_needs(case)

    assert [(item.need.code, item.level) for item in found] == [("income", 1), ("housing", 2)]
    assert all(item.from_diagnosis and item.person == person for item in found)


def test_it_adds_and_resolves_a_need_by_hand(persona):
    worker = persona(GOPS_MIRZEC)
    case = make_case(household=make_household())
    food = Need.objects.get(code="food")

    row = needs.add_case_need(worker, case, food, note="Brak środków do końca miesiąca")

    assert [(item.need.code, item.case_need) for item in needs.case_needs(case)] == [("food", row)]
    needs.resolve_case_need(worker, row)
    assert needs.case_needs(case) == []


def test_it_refuses_a_need_added_twice_a_retired_one_a_stranger_and_a_closed_case(persona):
    worker = persona(GOPS_MIRZEC)
    case = make_case(household=make_household())
    food = Need.objects.get(code="food")
    needs.add_case_need(worker, case, food)

    with pytest.raises(ValidationError, match="Sprawa ma już tę potrzebę"):
        needs.add_case_need(worker, case, food)
    with pytest.raises(ValidationError, match="nie jest już używana"):
        needs.add_case_need(worker, case, Need.objects.create(code="old", name="Stara", is_active=False))
    with pytest.raises(ValidationError, match="Ta osoba nie należy do sprawy"):
        needs.add_case_need(worker, case, Need.objects.get(code="housing"), person=make_person("Obcy"))
    case.status = CaseStatus.CLOSED
    with pytest.raises(ValidationError, match="Sprawa jest zamknięta"):
        needs.add_case_need(worker, case, Need.objects.get(code="housing"))
    assert CaseNeed.objects.filter(case=case).count() == 1


def test_it_keeps_a_need_added_for_a_member_apart_from_the_same_need_of_the_household(persona):
    worker = persona(GOPS_MIRZEC)
    household = make_household()
    father = make_person("Marek", household=household)
    son = make_person("Jakub", household=household)
    case = make_case(household=household)
    assess(worker, case, levels={"physical_health": 1})
    health = Need.objects.get(code="physical_health")

    for_son = needs.add_case_need(worker, case, health, person=son)
    for_household = needs.add_case_need(worker, case, health)

    found = [(item.need.code, item.person, item.level, item.case_need) for item in needs.case_needs(case)]
    assert found == [("physical_health", None, 1, for_household), ("physical_health", son, None, for_son)]
    assert len({item.key for item in needs.case_needs(case)}) == 2
    assert father not in [item.person for item in needs.case_needs(case)]


def test_it_lists_a_person_s_need_once_whether_diagnosed_or_added_for_them(persona):
    worker = persona(GOPS_MIRZEC)
    person = make_person()
    case = make_case(person=person)
    assess(worker, case, levels={"legal": 2})

    row = needs.add_case_need(worker, case, Need.objects.get(code="legal"), person=person)

    assert [(item.need.code, item.level, item.case_need) for item in needs.case_needs(case)] == [("legal", 2, row)]
