"""The programme's pages as users meet them: reading, defining, keeping it up to date, bad
input answered in Polish with nothing changed, concurrent edits, and the budget export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from kooperacja.community import programme as service
from kooperacja.community.models import Milestone, MilestoneStatus, Phase, Programme, ProgrammeUnit, Spending
from kooperacja.community.tests.programme_factories import (
    add_partners,
    make_full_programme,
    make_milestone,
    make_programme,
)

pytestmark = pytest.mark.django_db


def _url(name: str, programme: Programme) -> str:
    return reverse(f"community:{name}", args=[programme.public_id])


def _text(response) -> str:
    return response.content.decode()


def _in_english(client) -> None:
    """Messages are checked by their English msgids (the Polish comes with the merged catalogue)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- Reading ---------------------------------------------------------------------------------


def test_the_list_shows_each_programme_with_its_leader_and_milestones(client, login_as):
    programme = make_full_programme()
    make_milestone(programme, due_on=dt.date(2019, 6, 30))
    login_as("szkola.mirzec")
    page = _text(client.get(reverse("community:programmes")))
    assert programme.name in page
    assert "ROPS Rzeszów" in page
    assert "5\xa0000\xa0000,00\xa0zł" in page
    assert "badge-danger" in page  # its milestone is past its due date, not reached
    assert reverse("community:programme_create") not in page


def test_the_list_asks_the_same_number_of_queries_for_one_programme_or_many(
    client, login_as, django_assert_num_queries
):
    login_as("gops.mirzec")
    make_full_programme()
    client.get(reverse("community:programmes"))  # warm the session and membership caches
    with django_assert_num_queries(9):
        client.get(reverse("community:programmes"))
    for _index in range(3):
        programme = make_full_programme()
        make_milestone(programme)
    with django_assert_num_queries(9):
        client.get(reverse("community:programmes"))


def test_the_programme_page_shows_partners_progress_units_and_spending_with_a_chart_and_its_table(client, login_as):
    programme = make_programme()
    _leader, kielce = add_partners(programme)
    milestone = make_milestone(programme, due_on=dt.date(2019, 6, 30))
    service.add_phase(None, programme, name="Testowanie Modelu")
    from kooperacja.territory.models import Municipality

    service.add_unit(None, programme, municipality=Municipality.objects.get(code="2611032"), county=None, stage="pilot")
    service.record_spending(
        None, programme, partner=kielce, year=2019, amount=Decimal("250000.00"), note="Kwoty przykładowe"
    )
    login_as("policja.mirzec")
    response = client.get(_url("programme", programme))
    page = _text(response)
    assert response.status_code == 200
    assert "Regionalny Ośrodek Polityki Społecznej w Rzeszowie" in page
    assert milestone.name in page
    assert "opóźniony" in page or "late" in page  # due in 2019, not reached
    assert "Mirzec" in page
    assert "250\xa0000,00\xa0zł" in page
    assert "<svg" in page and "25%" in page  # Kielce spent a quarter of its budget
    assert "Kwoty przykładowe" in page
    assert "Dodaj partnera" not in page  # readers get no forms


def test_the_programme_page_offers_the_forms_to_analysts_of_its_partners_only(client, login_as):
    programme = make_full_programme()
    login_as("rops.kielce")
    assert 'action="' + _url("programme_partner_add", programme) in _text(client.get(_url("programme", programme)))
    outsider = make_programme()
    assert 'action="' + _url("programme_partner_add", outsider) not in _text(client.get(_url("programme", outsider)))
    assert client.post(_url("programme_phase_add", outsider), {"name": "Etap"}).status_code == 403
    assert not outsider.phases.exists()


def test_an_unknown_programme_is_not_found(client, login_as):
    login_as("admin")
    assert client.get(reverse("community:programme", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


# --- Defining and editing ----------------------------------------------------------------------


def _programme_post(**changes: str) -> dict[str, str]:
    data = {
        "name": "Liderzy kooperacji II",
        "funding": "FERS",
        "starts_on": "2024-01-01",
        "ends_on": "2026-12-31",
        "total_budget": "1 234 567,89",
        "description": "",
    }
    return data | changes


def test_an_administrator_defines_a_programme_with_a_polish_amount(client, login_as):
    login_as("admin")
    response = client.post(reverse("community:programme_create"), _programme_post(name="Program z testu widoku"))
    programme = Programme.objects.get(name="Program z testu widoku")
    assert response.status_code == 302
    assert programme.total_budget == Decimal("1234567.89")


def test_defining_a_programme_with_dates_out_of_order_is_refused_in_polish(client, login_as):
    login_as("admin")
    _in_english(client)
    post = _programme_post(name="Program odrzucony", starts_on="2026-01-01", ends_on="2025-01-01")
    response = client.post(reverse("community:programme_create"), post)
    assert response.status_code == 400
    assert "The end date cannot be before the start date." in _text(response)
    assert not Programme.objects.filter(name="Program odrzucony").exists()


def test_a_stale_edit_of_the_programme_is_answered_with_the_conflict_box(client, login_as):
    programme = make_programme()
    login_as("admin")
    post = _programme_post(name="Zmieniona", starts_on="2018-04-01", ends_on="2021-03-31", version="1")
    service.update_programme(
        None,
        programme,
        1,
        service.ProgrammeData("Ktoś inny", "", "", programme.starts_on, programme.ends_on, programme.total_budget),
    )
    response = client.post(_url("programme_edit", programme), post)
    assert response.status_code == 409
    assert 'id="conflict"' in _text(response)
    programme.refresh_from_db()
    assert programme.name == "Ktoś inny"
    again = client.post(_url("programme_edit", programme), post | {"version": str(programme.version)})
    assert again.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Zmieniona"


# --- Keeping it up to date ---------------------------------------------------------------------


def test_an_analyst_of_a_partner_adds_a_second_leader_and_is_refused_in_polish(client, login_as):
    programme = make_full_programme()
    login_as("rops.rzeszow")
    _in_english(client)
    from kooperacja.institutions.models import Institution

    other = Institution.objects.exclude(short_name__in=["ROPS Kielce", "ROPS Rzeszów"]).order_by("id").first()
    assert other is not None
    response = client.post(
        _url("programme_partner_add", programme), {"institution": str(other.public_id), "role": "leader"}
    )
    assert response.status_code == 400
    assert "The programme already has a leader" in _text(response)
    assert programme.partners.count() == 2


def test_spending_over_the_budget_is_refused_saying_by_how_much(client, login_as):
    programme = make_programme()
    _leader, kielce = add_partners(programme)
    login_as("rops.kielce")
    post = {"partner": str(kielce.pk), "year": "2019", "amount": "1 000 000,01", "note": ""}
    response = client.post(_url("programme_spending_add", programme), post)
    assert response.status_code == 400
    assert "0,01\xa0zł" in _text(response)
    assert not Spending.objects.filter(partner=kielce).exists()
    ok = client.post(_url("programme_spending_add", programme), post | {"amount": "1 000 000,00"})
    assert ok.status_code == 302
    assert Spending.objects.get(partner=kielce).amount == Decimal("1000000.00")


def test_a_negative_amount_is_refused(client, login_as):
    programme = make_programme()
    _leader, kielce = add_partners(programme)
    login_as("rops.kielce")
    _in_english(client)
    response = client.post(
        _url("programme_spending_add", programme), {"partner": str(kielce.pk), "year": "2019", "amount": "-5"}
    )
    assert response.status_code == 400
    assert "The amount cannot be negative." in _text(response)


def test_a_unit_twice_at_a_stage_is_refused(client, login_as):
    programme = make_full_programme()
    login_as("rops.kielce")
    post = {"stage": "pilot", "municipality": "2611032"}
    assert client.post(_url("programme_unit_add", programme), post).status_code == 302
    response = client.post(_url("programme_unit_add", programme), post)
    assert response.status_code == 400
    assert "Mirzec" in _text(response)
    assert ProgrammeUnit.objects.filter(programme=programme).count() == 1


def test_a_phase_and_a_milestone_are_added_and_a_phase_with_dates_out_of_order_is_refused(client, login_as):
    programme = make_full_programme()
    login_as("admin")
    bad = client.post(
        _url("programme_phase_add", programme), {"name": "Zły", "starts_on": "2020-01-01", "ends_on": "2019-01-01"}
    )
    assert bad.status_code == 400
    assert not programme.phases.exists()
    assert client.post(_url("programme_phase_add", programme), {"name": "Etap 1"}).status_code == 302
    phase = Phase.objects.get(programme=programme)
    added = client.post(
        _url("programme_milestone_add", programme),
        {"phase": str(phase.pk), "name": "Warsztaty", "due_on": "2018-12-31"},
    )
    assert added.status_code == 302
    assert Milestone.objects.filter(phase=phase, name="Warsztaty").exists()


def test_a_milestone_is_marked_reached_with_its_date_and_note(client, login_as):
    programme = make_full_programme()
    milestone = make_milestone(programme)
    login_as("rops.rzeszow")
    url = reverse("community:milestone_reached", args=[milestone.public_id])
    response = client.post(url, {"reached_on": "2019-06-20", "note": "Porozumienia podpisane", "version": "1"})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.reached_on, milestone.note) == (
        MilestoneStatus.REACHED,
        dt.date(2019, 6, 20),
        "Porozumienia podpisane",
    )
    page = _text(client.get(reverse("community:milestone", args=[milestone.public_id])))
    assert "20.06.2019" in page


def test_marking_a_milestone_reached_with_a_stale_version_or_a_future_date_changes_nothing(client, login_as):
    programme = make_full_programme()
    milestone = make_milestone(programme)
    login_as("admin")
    _in_english(client)
    url = reverse("community:milestone_reached", args=[milestone.public_id])
    stale = client.post(url, {"reached_on": "2019-06-20", "note": "", "version": "7"})
    assert stale.status_code == 409
    assert 'id="conflict"' in _text(stale)
    future = client.post(url, {"reached_on": "2999-01-01", "note": "", "version": "1"})
    assert future.status_code == 400
    assert "The date cannot be in the future." in _text(future)
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PLANNED


# --- The export ----------------------------------------------------------------------------------


def test_the_budget_exports_as_csv_and_xlsx(client, login_as):
    programme = make_programme()
    _leader, kielce = add_partners(programme)
    service.record_spending(None, programme, partner=kielce, year=2020, amount=Decimal("123.45"))
    login_as("gops.oksa")
    csv_text = client.get(
        reverse("community:programme_budget_export", args=[programme.public_id, "csv"])
    ).content.decode()
    assert "w Kielcach" in csv_text and "123,45" in csv_text  # a decimal comma for Polish spreadsheets
    xlsx = client.get(reverse("community:programme_budget_export", args=[programme.public_id, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    kielce_row = next(row for row in rows if "Kielcach" in str(row[0]))
    assert Decimal(str(kielce_row[6])) == Decimal("123.45")
    assert (
        client.get(reverse("community:programme_budget_export", args=[programme.public_id, "pdf"])).status_code == 404
    )
