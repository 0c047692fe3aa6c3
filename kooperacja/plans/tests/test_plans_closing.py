"""Closing a plan (IPW): no impossible end dates, no plan without goals, the result of every goal,
what happens to open goals and unfinished basket items; a finished plan's pages and its PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from kooperacja.plans import services
from kooperacja.plans.models import BasketItemStatus, GoalStatus, PlanStatus
from tests.helpers_plans import add_goal, add_item, make_plan, plan_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def lead(persona):
    return persona("gops.mirzec")


@pytest.fixture
def case(lead):
    return plan_case(lead)


def _refused(call) -> str:
    with override("pl"), pytest.raises(ValidationError) as refused:
        call()
    return " ".join(refused.value.messages)


def _achieve(lead, plan):
    for goal in plan.goals.all():
        services.record_progress(lead, goal, institution=plan.case.institution, value="tak", status=GoalStatus.ACHIEVED)


@pytest.mark.parametrize("action", ["complete", "end"])
def test_it_refuses_an_end_date_in_the_future(lead, case, action):
    plan = make_plan(lead, case, status="in_progress")
    _achieve(lead, plan)
    tomorrow = TODAY() + dt.timedelta(days=1)
    if action == "complete":
        message = _refused(lambda: services.complete_plan(lead, plan, version=plan.version, ended_on=tomorrow))
    else:
        message = _refused(
            lambda: services.end_plan(lead, plan, version=plan.version, ended_on=tomorrow, reason="Przeprowadzka")
        )
    assert "Data zakończenia planu nie może być w przyszłości." in message
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_PROGRESS


def test_it_refuses_a_future_end_on_the_page(client, login_as, lead, case):
    plan = make_plan(lead, case, status="in_progress")
    login_as("gops.mirzec")
    data = {"ended_on": "2099-01-01", "reason": "Przeprowadzka", "version": plan.version}
    response = client.post(reverse("plans:plan_end", args=[plan.public_id]), data)
    assert response.status_code == 400
    assert "Data zakończenia planu nie może być w przyszłości." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_PROGRESS


def test_it_refuses_to_agree_a_plan_without_goals(client, login_as, lead, case):
    plan = make_plan(lead, case)
    login_as("gops.mirzec")
    data = {
        "agreed_on": TODAY().isoformat(),
        "agreement_method": "signed",
        "agreement_note": "",
        "version": plan.version,
    }
    response = client.post(reverse("plans:plan_agree", args=[plan.public_id]), data)
    assert response.status_code == 400
    assert "Dodaj co najmniej jeden cel do planu" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_it_refuses_to_start_or_complete_a_plan_without_goals(lead, case):
    plan = make_plan(lead, case, status="agreed")
    plan.goals.all().delete()  # as a plan agreed before goals were required
    assert "Dodaj co najmniej jeden cel" in _refused(lambda: services.start_plan(lead, plan, version=plan.version))
    plan.status = PlanStatus.IN_PROGRESS
    plan.save(update_fields=["status"])
    assert "Dodaj co najmniej jeden cel" in _refused(lambda: services.complete_plan(lead, plan, version=plan.version))


def test_it_refuses_to_complete_a_plan_while_goals_have_no_result(client, login_as, lead, case):
    plan = make_plan(lead, case, status="in_progress")
    add_goal(lead, plan, "Terapia")
    login_as("gops.mirzec")
    data = {"ended_on": TODAY().isoformat(), "summary": "", "version": plan.version}
    response = client.post(reverse("plans:plan_complete", args=[plan.public_id]), data)
    assert response.status_code == 400
    assert "Zapisz wynik każdego celu: 2 cele nie mają jeszcze wyniku." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_PROGRESS


def test_it_marks_open_goals_not_achieved_and_unfinished_items_not_delivered_when_the_plan_ends(lead, case):
    plan = make_plan(lead, case, status="in_progress")
    delivered = add_item(lead, plan, action="Pomoc prawna")
    for step in ("agree", "start", "deliver"):
        services.move_basket_item(lead, delivered, step, version=delivered.version)
    open_item = add_item(lead, plan)
    services.end_plan(lead, plan, version=plan.version, reason="Rodzina wyprowadziła się.")
    assert set(plan.goals.values_list("status", flat=True)) == {GoalStatus.NOT_ACHIEVED}
    open_item.refresh_from_db()
    delivered.refresh_from_db()
    assert (open_item.status, open_item.not_delivered_reason) == (
        BasketItemStatus.NOT_DELIVERED,
        "Rodzina wyprowadziła się.",
    )
    assert open_item.ends_on == TODAY()
    assert delivered.status == BasketItemStatus.DELIVERED


def test_it_finishes_unfinished_items_as_not_delivered_when_the_plan_is_completed(client, login_as, lead, case):
    plan = make_plan(lead, case, status="in_progress")
    _achieve(lead, plan)
    item = add_item(lead, plan)
    login_as("gops.mirzec")
    page = client.get(reverse("plans:plan_complete", args=[plan.public_id])).content.decode()
    assert "z powodem „Plan zakończony”" in page
    data = {"ended_on": TODAY().isoformat(), "summary": "", "version": plan.version}
    assert client.post(reverse("plans:plan_complete", args=[plan.public_id]), data).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.not_delivered_reason) == (BasketItemStatus.NOT_DELIVERED, "Plan zakończony")


@pytest.mark.parametrize("page", ["plan_edit", "plan_agree", "plan_complete", "plan_end", "plan_review", "goal_new"])
def test_it_sends_the_form_pages_of_a_finished_plan_back_to_the_plan(client, login_as, lead, case, page):
    plan = make_plan(lead, case, status="completed")
    login_as("gops.mirzec")
    response = client.get(reverse(f"plans:{page}", args=[plan.public_id]), follow=True)
    assert response.redirect_chain == [(reverse("plans:plan", args=[plan.public_id]), 302)]
    text = response.content.decode()
    assert "Plan jest zakończony: nie można go już zmieniać." in text
    assert reverse("plans:plan_edit", args=[plan.public_id]) not in text
    assert reverse("plans:goal_new", args=[plan.public_id]) not in text


def test_it_says_a_finished_plan_had_no_goals(client, login_as, lead, case):
    plan = make_plan(lead, case)
    services.end_plan(lead, plan, version=plan.version, reason="Rezygnacja")
    login_as("gops.mirzec")
    page = client.get(reverse("plans:plan", args=[plan.public_id])).content.decode()
    assert "Plan nie miał celów." in page
    assert "Plan nie ma jeszcze celów" not in page


def test_it_prints_progress_and_reviews_without_empty_bullets(client, login_as, lead, case, monkeypatch):
    printed: list[str] = []

    def render_pdf(html: str, **_options: object) -> bytes:
        printed.append(html)
        return b"%PDF"

    monkeypatch.setattr("kooperacja.plans.views.plans.render_pdf", render_pdf)
    plan = make_plan(lead, case, status="in_progress")
    goal = plan.goals.get()
    services.record_progress(lead, goal, institution=case.institution, value="spłacono 2 raty", note="terminowo")
    services.record_review(lead, plan, held_on=TODAY(), summary="Rodzina realizuje ustalenia.")
    add_item(lead, plan)
    login_as("gops.mirzec")
    client.get(reverse("plans:plan_pdf", args=[plan.public_id]), HTTP_ACCEPT_LANGUAGE="pl")
    html = printed[0]
    assert "spłacono 2 raty — terminowo" in html
    assert "Rodzina realizuje ustalenia." in html
    assert f"Odbył się {TODAY():%d.%m.%Y}" in html
    assert f"Zaplanowany na {TODAY() + dt.timedelta(weeks=plan.review_every_weeks):%d.%m.%Y}" in html
    assert "Przeglądy" in html
    assert "<li" not in html  # no list items: nothing prints as a stray bullet
