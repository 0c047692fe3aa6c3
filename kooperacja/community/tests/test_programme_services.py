"""The programme's services: what they refuse (with a Polish-translatable message, saving
nothing) and the figures of its page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kooperacja.community import programme as service
from kooperacja.community.models import MilestoneStatus, ProgrammePartner, ProgrammeUnit, Spending
from kooperacja.community.tests.programme_factories import (
    add_partners,
    make_full_programme,
    make_milestone,
    make_programme,
    rops,
)
from kooperacja.territory.models import County, Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


MIRZEC = "2611032"


def _messages(refusal: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(refusal.value.messages)


def test_it_refuses_a_programme_that_ends_before_it_starts():
    with pytest.raises(ValidationError) as refusal:
        service.create_programme(
            None,
            service.ProgrammeData("X", "", "", dt.date(2021, 1, 1), dt.date(2020, 1, 1), Decimal(1)),
        )
    assert "before the start" in _messages(refusal)


def test_it_refuses_a_negative_total_budget():
    with pytest.raises(ValidationError, match="negative"):
        make_programme(total="-1.00")


def test_it_refuses_a_second_leader():
    programme = make_full_programme()
    with pytest.raises(ValidationError) as refusal:
        service.add_partner(
            None,
            programme,
            institution=_other(),
            role="leader",
            voivodeship=None,
            budget=None,
        )
    assert "already has a leader" in _messages(refusal)
    assert programme.partners.count() == 2


def _other():
    from kooperacja.institutions.models import Institution

    return Institution.objects.exclude(short_name__in=["ROPS Kielce", "ROPS Rzeszów"]).order_by("id").first()


def test_it_refuses_an_institution_twice_and_a_negative_budget():
    programme = make_full_programme()
    with pytest.raises(ValidationError, match="already a partner"):
        service.add_partner(
            None, programme, institution=rops("ROPS Kielce"), role="partner", voivodeship=None, budget=None
        )
    with pytest.raises(ValidationError, match="negative"):
        service.add_partner(
            None, programme, institution=_other(), role="partner", voivodeship=None, budget=Decimal("-5")
        )
    assert programme.partners.count() == 2


def test_it_refuses_partner_budgets_over_the_programme_total_saying_by_how_much():
    programme = make_full_programme()  # 5 000 000 total, 3 000 000 given to partners
    with translation.override("pl"), pytest.raises(ValidationError) as refusal:
        service.add_partner(
            None, programme, institution=_other(), role="partner", voivodeship=None, budget=Decimal("2000000.01")
        )
    assert "0,01\xa0zł" in _messages(refusal)


def test_it_numbers_phases_in_order_and_refuses_dates_out_of_order_or_outside_the_programme():
    programme = make_programme()
    first = service.add_phase(None, programme, name="Pierwszy")
    second = service.add_phase(None, programme, name="Drugi")
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ValidationError, match="before the start"):
        service.add_phase(None, programme, name="Zły", starts_on=dt.date(2019, 5, 1), ends_on=dt.date(2019, 4, 1))
    with pytest.raises(ValidationError, match="within the programme"):
        service.add_phase(None, programme, name="Zły", starts_on=dt.date(2017, 5, 1))
    assert programme.phases.count() == 2


def test_it_refuses_a_milestone_due_outside_the_programme():
    programme = make_programme()
    phase = service.add_phase(None, programme, name="Etap")
    with pytest.raises(ValidationError, match="within the programme"):
        service.add_milestone(None, phase, name="Po końcu", due_on=dt.date(2022, 1, 1))
    assert not phase.milestones.exists()


def test_a_planned_milestone_past_its_due_date_shows_as_late():
    programme = make_programme()
    milestone = make_milestone(programme, due_on=dt.date(2019, 6, 30))
    assert service.milestone_state(milestone, dt.date(2019, 6, 30)) == "planned"
    assert service.milestone_state(milestone, dt.date(2019, 7, 1)) == "late"
    data = service.overview(programme, today=dt.date(2019, 7, 1))
    assert (data.progress.reached, data.progress.late, data.progress.reached_share) == (0, 1, 0)


def test_marking_reached_counts_towards_progress():
    programme = make_programme()
    milestone = make_milestone(programme)
    make_milestone(programme, due_on=dt.date(2021, 3, 1))
    service.mark_reached(None, milestone, milestone.version, reached_on=dt.date(2019, 6, 20), note="Podpisane")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.REACHED
    assert milestone.version == 2
    data = service.overview(programme, today=dt.date(2020, 1, 1))
    assert data.progress.reached == 1
    assert data.progress.reached_share == 50


def test_marking_reached_refuses_a_stale_version_a_future_date_and_a_date_before_the_programme():
    programme = make_programme()
    milestone = make_milestone(programme)
    with pytest.raises(service.StaleMilestone):
        service.mark_reached(None, milestone, milestone.version + 1, reached_on=dt.date(2019, 6, 1), note="")
    with pytest.raises(ValidationError, match="future"):
        service.mark_reached(None, milestone, milestone.version, reached_on=dt.date(2999, 1, 1), note="")
    with pytest.raises(ValidationError, match="before the programme began"):
        service.mark_reached(None, milestone, milestone.version, reached_on=dt.date(2017, 1, 1), note="")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PLANNED


def test_a_unit_takes_part_once_per_stage_but_may_be_at_two_stages():
    programme = make_programme()
    mirzec = Municipality.objects.get(code=MIRZEC)
    service.add_unit(None, programme, municipality=mirzec, county=None, stage="milestone_1")
    service.add_unit(None, programme, municipality=mirzec, county=None, stage="pilot")
    with pytest.raises(ValidationError) as refusal:
        service.add_unit(None, programme, municipality=mirzec, county=None, stage="pilot")
    assert "Mirzec" in _messages(refusal)
    assert ProgrammeUnit.objects.filter(programme=programme).count() == 2


def test_a_unit_is_a_gmina_or_a_powiat_never_both_or_neither():
    programme = make_programme()
    mirzec = Municipality.objects.get(code=MIRZEC)
    powiat = County.objects.get(code="2611")
    with pytest.raises(ValidationError, match="either a gmina or a powiat"):
        service.add_unit(None, programme, municipality=mirzec, county=powiat, stage="pilot")
    with pytest.raises(ValidationError, match="either a gmina or a powiat"):
        service.add_unit(None, programme, municipality=None, county=None, stage="pilot")


def test_spending_over_the_partners_budget_is_refused_saying_by_how_much():
    programme = make_programme()
    _leader, kielce = add_partners(programme)  # Kielce: 1 000 000 zł
    service.record_spending(None, programme, partner=kielce, year=2019, amount=Decimal("600000.00"))
    with translation.override("pl"), pytest.raises(ValidationError) as refusal:
        service.record_spending(None, programme, partner=kielce, year=2020, amount=Decimal("400000.50"))
    assert "0,50\xa0zł" in _messages(refusal)
    assert "1\xa0000\xa0000,00\xa0zł" in _messages(refusal)
    assert Spending.objects.filter(partner=kielce).count() == 1


def test_spending_is_refused_when_negative_twice_in_a_year_outside_the_years_or_of_another_programme():
    programme = make_programme()
    _leader, kielce = add_partners(programme)
    service.record_spending(None, programme, partner=kielce, year=2019, amount=Decimal("10.00"))
    with pytest.raises(ValidationError, match="negative"):
        service.record_spending(None, programme, partner=kielce, year=2020, amount=Decimal("-1"))
    with pytest.raises(ValidationError, match="already recorded"):
        service.record_spending(None, programme, partner=kielce, year=2019, amount=Decimal("1"))
    with pytest.raises(ValidationError, match="2018–2021"):
        service.record_spending(None, programme, partner=kielce, year=2022, amount=Decimal("1"))
    other = make_full_programme()
    with pytest.raises(ValidationError, match="partner of this programme"):
        service.record_spending(None, other, partner=kielce, year=2020, amount=Decimal("1"))
    assert Spending.objects.filter(partner=kielce).count() == 1


def test_the_overview_adds_spending_per_partner_and_year_and_the_execution_share():
    programme = make_programme()  # 5 000 000 zł
    leader, kielce = add_partners(programme)
    service.record_spending(None, programme, partner=kielce, year=2019, amount=Decimal("250000.00"))
    service.record_spending(None, programme, partner=kielce, year=2020, amount=Decimal("250000.00"))
    service.record_spending(None, programme, partner=leader, year=2020, amount=Decimal("500000.00"))
    data = service.overview(programme)
    assert data.years == [2018, 2019, 2020, 2021]
    assert data.spent_by_year == [0, Decimal("250000.00"), Decimal("750000.00"), 0]
    assert data.spent == Decimal("1000000.00")
    assert data.execution == 20
    rows = {row.partner.pk: row for row in data.partners}
    assert rows[kielce.pk].execution == 50
    assert rows[leader.pk].execution == 25
    assert [(bar.label, bar.value) for bar in data.chart] == [("ROPS Rzeszów", 25), ("ROPS Kielce", 50)]


def test_editing_the_programme_is_version_checked_and_keeps_the_partners_budgets_within_the_total():
    programme = make_full_programme()
    data = service.ProgrammeData("Nowa nazwa", "", "", programme.starts_on, programme.ends_on, Decimal("5000000"))
    with pytest.raises(service.StaleProgramme):
        service.update_programme(None, programme, programme.version + 1, data)
    smaller = service.ProgrammeData("Nowa nazwa", "", "", programme.starts_on, programme.ends_on, Decimal("100"))
    with pytest.raises(ValidationError, match="more than this total"):
        service.update_programme(None, programme, programme.version, smaller)
    saved = service.update_programme(None, programme, programme.version, data)
    assert (saved.name, saved.version) == ("Nowa nazwa", 2)
    assert ProgrammePartner.objects.filter(programme=programme).count() == 2
