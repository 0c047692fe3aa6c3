"""The plan pages: a case's plans, the plan page, its steps, goals, reviews, the PDF; who may
see and do what; query counts; the conflict page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.plans.models import CooperationPlan, PlanStatus
from tests.helpers_plans import add_goal, add_item, make_plan, plan_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def lead(persona):
    return persona("gops.mirzec")


@pytest.fixture
def case(lead, persona):
    """A case led by gops.mirzec; the school takes part with consent for identity and the plan."""
    return plan_case(lead, partner=persona("szkola.mirzec"), categories=("plan",))


def _plan_form(**overrides):
    data = {"title": "IPW", "starts_on": TODAY().isoformat(), "ends_on": "", "review_every_weeks": "12", "summary": ""}
    data.update(overrides)
    return data


# --- A case's plans ---------------------------------------------------------------------------------


def test_it_offers_to_start_a_plan_and_starts_it(client, login_as, case):
    login_as("gops.mirzec")
    url = reverse("plans:case_plan", args=[case.public_id])
    page = client.get(url).content.decode()
    assert "Rozpocznij plan" in page
    response = client.post(url, _plan_form())
    plan = CooperationPlan.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan", args=[plan.public_id])
    assert plan.status == PlanStatus.DRAFT
    assert plan.next_review_on == TODAY() + dt.timedelta(weeks=12)


def test_it_refuses_a_plan_ending_before_it_starts(client, login_as, case):
    login_as("gops.mirzec")
    yesterday = (TODAY() - dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("plans:case_plan", args=[case.public_id]), _plan_form(ends_on=yesterday))
    assert response.status_code == 400
    assert "Planowany koniec nie może być przed początkiem planu." in response.content.decode()
    assert not CooperationPlan.objects.filter(case=case).exists()


def test_it_lists_earlier_plans_and_links_the_open_one(client, login_as, lead, case):
    earlier = make_plan(lead, case, status="completed")
    current = make_plan(lead, case)
    login_as("gops.mirzec")
    page = client.get(reverse("plans:case_plan", args=[case.public_id])).content.decode()
    assert reverse("plans:plan", args=[current.public_id]) in page
    assert reverse("plans:plan", args=[earlier.public_id]) in page
    assert "zrealizowany" in page
    assert "Rozpocznij plan" not in page


# --- The plan page ------------------------------------------------------------------------------------


def test_it_shows_goals_progress_reviews_and_the_basket_grouped_by_goal(client, login_as, lead, case):
    plan = make_plan(lead, case, status="in_progress")
    goal = add_goal(lead, plan, title="Regularne chodzenie do szkoły")
    add_item(lead, plan, goal=goal, action="Zajęcia z pedagogiem")
    add_item(lead, plan, action="Wizyta asystenta")
    login_as("gops.mirzec")
    response = client.get(reverse("plans:plan", args=[plan.public_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Regularne chodzenie do szkoły" in page
    assert "Koszyk usług dla tego celu" in page and "Zajęcia z pedagogiem" in page
    assert "Niepowiązane z celem" in page and "Wizyta asystenta" in page
    assert "w realizacji" in page
    assert "Zakończ bez realizacji" in page


def test_it_writes_one_audit_event_naming_the_person(client, login_as, lead, case):
    plan = make_plan(lead, case)
    login_as("kolega.mirzec")
    client.get(reverse("plans:plan", args=[plan.public_id]))
    event = AuditEvent.objects.filter(object_id=str(plan.public_id), action=AuditAction.VIEW).get()
    assert event.persons == [case.person_id]


def test_it_shows_a_partner_with_consent_the_plan_read_only(client, login_as, lead, case):
    plan = make_plan(lead, case)
    add_goal(lead, plan, title="Poprawa frekwencji")
    login_as("szkola.mirzec")
    response = client.get(reverse("plans:plan", args=[plan.public_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Poprawa frekwencji" in page
    assert "Edytuj plan" not in page and "Dodaj cel" not in page
    assert client.post(reverse("plans:goal_new", args=[plan.public_id]), {}).status_code == 403


def test_it_hides_the_plan_from_a_partner_without_consent_for_it(client, login_as, lead, persona):
    case = plan_case(lead, partner=persona("szkola.mirzec"))  # identity only
    plan = make_plan(lead, case)
    login_as("szkola.mirzec")
    assert client.get(reverse("plans:plan", args=[plan.public_id])).status_code == 404
    assert client.get(reverse("plans:case_plan", args=[case.public_id])).status_code == 404


@pytest.mark.parametrize("username", ["gops.oksa", "policja.mirzec", "rops.kielce"])
def test_it_answers_not_found_to_strangers(client, login_as, lead, case, username):
    plan = make_plan(lead, case)
    login_as(username)
    assert client.get(reverse("plans:plan", args=[plan.public_id])).status_code == 404
    assert client.get(reverse("plans:plan_pdf", args=[plan.public_id])).status_code == 404


def test_it_refuses_changes_by_a_reader(client, login_as, lead, case):
    plan = make_plan(lead, case)
    login_as("kolega.mirzec")
    response = client.post(reverse("plans:plan_edit", args=[plan.public_id]), _plan_form(version=plan.version))
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.title == "IPW 2026"


@pytest.mark.parametrize("count", [1, 10])
def test_it_shows_the_plan_in_a_fixed_number_of_queries(
    client, login_as, lead, case, count, django_assert_max_num_queries
):
    plan = make_plan(lead, case, status="in_progress")
    for number in range(count):
        goal = add_goal(lead, plan, title=f"Cel {number}")
        add_item(lead, plan, goal=goal, action=f"Działanie {number}")
        add_item(lead, plan, action=f"Inne {number}")
    login_as("gops.mirzec")
    with django_assert_max_num_queries(17):
        response = client.get(reverse("plans:plan", args=[plan.public_id]))
    assert response.status_code == 200


# --- Steps --------------------------------------------------------------------------------------------


def test_it_records_the_agreement_then_starts_the_plan(client, login_as, lead, case):
    plan = make_plan(lead, case)
    add_goal(lead, plan)
    login_as("gops.mirzec")
    data = {
        "agreed_on": TODAY().isoformat(),
        "agreement_method": "signed",
        "agreement_note": "",
        "version": plan.version,
    }
    assert client.post(reverse("plans:plan_agree", args=[plan.public_id]), data).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.agreement_method) == (PlanStatus.AGREED, "signed")
    response = client.post(reverse("plans:plan_start", args=[plan.public_id]), {"version": plan.version})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_PROGRESS


def test_it_refuses_to_start_a_draft(client, login_as, lead, case):
    plan = make_plan(lead, case)
    login_as("gops.mirzec")
    response = client.post(reverse("plans:plan_start", args=[plan.public_id]), {"version": plan.version})
    assert response.status_code == 400
    assert "Ten krok nie jest teraz dozwolony: status to „projekt”." in response.content.decode()


def test_it_refuses_ending_without_a_reason(client, login_as, lead, case):
    plan = make_plan(lead, case, status="in_progress")
    login_as("gops.mirzec")
    data = {"ended_on": TODAY().isoformat(), "reason": "", "version": plan.version}
    response = client.post(reverse("plans:plan_end", args=[plan.public_id]), data)
    assert response.status_code == 400
    assert "Powód zakończenia bez realizacji" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_PROGRESS


def test_it_answers_a_stale_edit_with_the_conflict_page(client, login_as, lead, case):
    plan = make_plan(lead, case)
    login_as("gops.mirzec")
    url = reverse("plans:plan_edit", args=[plan.public_id])
    first = _plan_form(title="Pierwsza", starts_on=plan.starts_on.isoformat(), version=plan.version)
    second = _plan_form(title="Druga", starts_on=plan.starts_on.isoformat(), version=plan.version)
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Pierwsza" in page and "Druga" in page
    plan.refresh_from_db()
    assert plan.title == "Pierwsza"


# --- Goals and reviews ---------------------------------------------------------------------------------


def _goal_form(plan, **overrides):
    data = {
        "title": "Podjęcie pracy",
        "indicator": "umowa",
        "baseline": "",
        "target": "zatrudnienie",
        "due_on": (plan.starts_on + dt.timedelta(days=60)).isoformat(),
        "domain_code": "income",
        "responsible_institution": str(plan.case.institution.public_id),
        "responsible_user": "",
        "version": str(plan.version),
    }
    data.update(overrides)
    return data


def test_it_adds_a_goal_from_the_form(client, login_as, lead, case):
    plan = make_plan(lead, case)
    login_as("gops.mirzec")
    response = client.post(reverse("plans:goal_new", args=[plan.public_id]), _goal_form(plan))
    assert response.status_code == 302
    goal = plan.goals.get()
    assert (goal.title, goal.domain_code) == ("Podjęcie pracy", "income")


def test_it_refuses_a_goal_due_before_the_plan_starts(client, login_as, lead, case):
    plan = make_plan(lead, case)
    login_as("gops.mirzec")
    early = (plan.starts_on - dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("plans:goal_new", args=[plan.public_id]), _goal_form(plan, due_on=early))
    assert response.status_code == 400
    assert "Cel nie może mieć terminu przed początkiem planu" in response.content.decode()
    assert not plan.goals.exists()


def test_it_records_progress_and_a_review(client, login_as, lead, case):
    plan = make_plan(lead, case, status="in_progress")
    goal = add_goal(lead, plan)
    login_as("gops.mirzec")
    data = {
        "value": "CV wysłane",
        "recorded_on": TODAY().isoformat(),
        "note": "",
        "status": "",
        "version": goal.version,
    }
    assert client.post(reverse("plans:goal_progress", args=[goal.public_id]), data).status_code == 302
    review = {"held_on": TODAY().isoformat(), "summary": "Cele aktualne.", "version": plan.version}
    assert client.post(reverse("plans:plan_review", args=[plan.public_id]), review).status_code == 302
    page = client.get(reverse("plans:plan", args=[plan.public_id])).content.decode()
    assert "CV wysłane" in page and "Cele aktualne." in page


CHANGED_SINCE_OPENED = "Plan zmienił się od otwarcia tego formularza (być może formularz został już wysłany)"


def test_it_adds_a_goal_once_when_the_form_is_sent_twice(client, login_as, lead, case):
    plan = make_plan(lead, case)
    login_as("gops.mirzec")
    url = reverse("plans:goal_new", args=[plan.public_id])
    assert client.post(url, _goal_form(plan)).status_code == 302
    again = client.post(url, _goal_form(plan), HTTP_ACCEPT_LANGUAGE="pl")
    assert again.status_code == 409
    assert CHANGED_SINCE_OPENED in again.content.decode()
    assert plan.goals.count() == 1


def test_it_records_progress_once_when_the_form_is_sent_twice(client, login_as, lead, case):
    plan = make_plan(lead, case, status="in_progress")
    goal = add_goal(lead, plan)
    login_as("gops.mirzec")
    url = reverse("plans:goal_progress", args=[goal.public_id])
    data = {
        "value": "CV wysłane",
        "recorded_on": TODAY().isoformat(),
        "note": "",
        "status": "",
        "version": goal.version,
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, HTTP_ACCEPT_LANGUAGE="pl")
    assert again.status_code == 409
    assert "Cel zmienił się od otwarcia tego formularza" in again.content.decode()
    assert goal.progress.count() == 1


def test_it_records_a_review_once_and_keeps_the_next_one_pending(client, login_as, lead, case):
    plan = make_plan(lead, case, status="in_progress")
    login_as("gops.mirzec")
    url = reverse("plans:plan_review", args=[plan.public_id])
    review = {"held_on": TODAY().isoformat(), "summary": "Cele aktualne.", "version": plan.version}
    assert client.post(url, review).status_code == 302
    plan.refresh_from_db()
    next_review_on = plan.next_review_on
    assert next_review_on is not None
    again = client.post(url, review, HTTP_ACCEPT_LANGUAGE="pl")
    assert again.status_code == 409
    assert CHANGED_SINCE_OPENED in again.content.decode()
    plan.refresh_from_db()
    assert plan.reviews.filter(held_on__isnull=False).count() == 1
    assert plan.reviews.filter(held_on__isnull=True, due_on=next_review_on).exists()
    assert plan.next_review_on == next_review_on


# --- The diagnosis domain of a goal -----------------------------------------------------------------------


def _domain_shown(client, login_as, plan, monkeypatch):
    """Whether the goal's domain ("Dochody i zadłużenie") is on the plan page and in its PDF."""
    printed: list[str] = []

    def render_pdf(html: str, **_options: object) -> bytes:
        printed.append(html)
        return b"%PDF"

    monkeypatch.setattr("kooperacja.plans.views.plans.render_pdf", render_pdf)
    login_as("szkola.mirzec")
    page = client.get(reverse("plans:plan", args=[plan.public_id]), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    client.get(reverse("plans:plan_pdf", args=[plan.public_id]), HTTP_ACCEPT_LANGUAGE="pl")
    return "Dochody i zadłużenie" in page, "Dochody i zadłużenie" in printed[0]


def test_it_hides_a_goals_diagnosis_domain_from_a_partner_with_consent_for_the_plan_only(
    client, login_as, lead, case, monkeypatch
):
    plan = make_plan(lead, case)
    add_goal(lead, plan, title="Spłata zadłużenia", domain_code="income")
    assert _domain_shown(client, login_as, plan, monkeypatch) == (False, False)


def test_it_shows_a_goals_diagnosis_domain_to_a_partner_with_consent_for_that_domain(
    client, login_as, lead, persona, monkeypatch
):
    case = plan_case(lead, partner=persona("szkola.mirzec"), categories=("plan", "diagnosis:income"))
    plan = make_plan(lead, case)
    add_goal(lead, plan, title="Spłata zadłużenia", domain_code="income")
    assert _domain_shown(client, login_as, plan, monkeypatch) == (True, True)


def test_it_shows_a_goals_diagnosis_domain_to_the_case_team(client, login_as, lead, case):
    plan = make_plan(lead, case)
    add_goal(lead, plan, title="Spłata zadłużenia", domain_code="income")
    login_as("gops.mirzec")
    assert "Dochody i zadłużenie" in client.get(reverse("plans:plan", args=[plan.public_id])).content.decode()


# --- The PDF ------------------------------------------------------------------------------------------


def test_it_prints_the_plan_as_a_pdf_and_audits_the_print(client, login_as, lead, case):
    plan = make_plan(lead, case, status="agreed")
    add_goal(lead, plan, title="Podjęcie pracy")
    login_as("gops.mirzec")
    response = client.get(reverse("plans:plan_pdf", args=[plan.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(object_id=str(plan.public_id), action=AuditAction.PRINT)
    assert event.persons == [case.person_id]
