"""The demo programme „Liderzy kooperacji”: the figures of the seed texts, loaded twice the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kooperacja.community import demo_programme
from kooperacja.community import programme as service
from kooperacja.community.models import Programme, ProgrammeUnit

pytestmark = pytest.mark.django_db


def _load_twice() -> Programme:
    demo_programme.load(lambda line: None)
    demo_programme.load(lambda line: None)
    return Programme.objects.get(public_id=demo_programme.PROGRAMME_ID)


def test_the_demo_programme_has_the_seeds_dates_budget_and_partners():
    programme = _load_twice()
    assert (programme.starts_on, programme.ends_on) == (dt.date(2018, 4, 1), dt.date(2021, 3, 31))
    assert programme.total_budget == Decimal("12893583.46")
    assert "Działanie 2.5" in programme.funding
    partners = {p.institution.short_name: p for p in programme.partners.select_related("institution")}
    assert set(partners) == {"ROPS Rzeszów", "ROPS Białystok", "ROPS Lublin", "ROPS Kielce", "MCPS Warszawa"}
    assert partners["ROPS Rzeszów"].role == "leader"
    assert partners["ROPS Kielce"].budget == Decimal("2280818.72")


def test_the_demo_units_are_the_eight_gminas_and_six_powiats_then_the_pilots_six_and_four():
    programme = _load_twice()
    units = ProgrammeUnit.objects.filter(programme=programme)
    assert units.filter(stage="milestone_1", municipality__isnull=False).count() == 8
    assert units.filter(stage="milestone_1", county__isnull=False).count() == 6
    assert units.filter(stage="pilot", municipality__isnull=False).count() == 6
    assert units.filter(stage="pilot", county__isnull=False).count() == 4


def test_the_demo_phases_milestones_and_spending_add_up():
    programme = _load_twice()
    data = service.overview(programme, today=dt.date(2025, 1, 1))
    assert [phase.number for phase, _milestones in data.phases] == [1, 2, 3, 4]
    assert data.progress.reached == 3
    assert data.progress.late == 3  # not marked reached though past their dates
    kielce = next(row for row in data.partners if row.partner.institution.short_name == "ROPS Kielce")
    assert 0 < kielce.spent < Decimal("2280818.72")
    assert all(spending.note == "Kwoty przykładowe (demo)" for spending in kielce.partner.spending.all())


def test_the_demo_programme_page_opens_for_a_social_worker(client, login_as):
    programme = _load_twice()
    login_as("gops.mirzec")
    page = client.get(reverse("community:programme", args=[programme.public_id])).content.decode()
    assert "Liderzy kooperacji" in page
    assert "12\xa0893\xa0583,46\xa0zł" in page
    assert "Bodzechów" in page
