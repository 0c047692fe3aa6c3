"""The basket of services: its steps (a transition table), participation of the item's
institution, the pages adding an item and changing its status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from kooperacja.cases.models import Participation, ParticipationKind, TimelineEntry, TimelineKind
from kooperacja.cases.policies import get_case_for_user
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.directory.models import ServiceStatus
from kooperacja.plans import services
from kooperacja.plans.models import BasketItem, BasketItemStatus, Referral
from kooperacja.plans.tests.factories import make_service
from tests.helpers_plans import add_goal, add_item, make_plan, plan_case, school_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def lead(persona):
    return persona("gops.mirzec")


@pytest.fixture
def case(lead):
    return plan_case(lead)


@pytest.fixture
def plan(lead, case):
    return make_plan(lead, case, status="in_progress")


@pytest.fixture
def school(persona):
    return school_of(persona("szkola.mirzec"))


def _basket_participations(case, institution):
    return Participation.objects.filter(case=case, institution=institution, kind=ParticipationKind.BASKET_ITEM)


ALLOWED = {
    ("proposed", "agree"): "agreed",
    ("proposed", "refer"): "referred",
    ("proposed", "not_deliver"): "not_delivered",
    ("agreed", "refer"): "referred",
    ("agreed", "start"): "in_progress",
    ("agreed", "not_deliver"): "not_delivered",
    ("referred", "start"): "in_progress",
    ("referred", "not_deliver"): "not_delivered",
    ("in_progress", "deliver"): "delivered",
    ("in_progress", "not_deliver"): "not_delivered",
}
PATHS = {
    "proposed": [],
    "agreed": ["agree"],
    "referred": ["agree", "refer"],
    "in_progress": ["agree", "start"],
    "delivered": ["agree", "start", "deliver"],
    "not_delivered": ["not_deliver"],
}


@pytest.mark.parametrize("status", BasketItemStatus.values)
@pytest.mark.parametrize("action", list(services.BASKET_STEPS))
def test_it_allows_only_the_steps_of_the_transition_table(lead, plan, status, action):
    item = add_item(lead, plan)
    for step in PATHS[status]:
        services.move_basket_item(lead, item, step, version=item.version, reason="brak miejsc")
    assert item.status == status
    before = item.version
    if (status, action) in ALLOWED:
        services.move_basket_item(lead, item, action, version=item.version, reason="brak miejsc")
        item.refresh_from_db()
        assert item.status == ALLOWED[(status, action)]
        return
    with override("pl"), pytest.raises(ValidationError, match="Ten krok nie jest teraz dozwolony"):
        services.move_basket_item(lead, item, action, version=item.version, reason="brak miejsc")
    item.refresh_from_db()
    assert (item.status, item.version) == (status, before)


def test_it_refuses_not_delivered_without_a_reason(lead, plan):
    item = add_item(lead, plan)
    with override("pl"), pytest.raises(ValidationError) as refused:
        services.move_basket_item(lead, item, "not_deliver", version=item.version)
    assert refused.value.message_dict["reason"] == ["Podaj, dlaczego nie zrealizowano."]
    item.refresh_from_db()
    assert item.status == BasketItemStatus.PROPOSED


def test_it_refuses_a_stale_step(lead, plan):
    item = add_item(lead, plan)
    opened = item.version
    services.move_basket_item(lead, item, "agree", version=opened)
    with pytest.raises(services.StaleBasketItem):
        services.move_basket_item(lead, item, "not_deliver", version=opened, reason="x")


def test_it_refuses_an_inactive_service(lead, plan, school):
    service = make_service(school)
    service.status = ServiceStatus.INACTIVE
    service.save()
    with override("pl"), pytest.raises(ValidationError) as refused:
        services.add_basket_item(lead, plan, service=service)
    assert refused.value.message_dict["service"] == ["Ta usługa nie jest obecnie świadczona."]
    assert not BasketItem.objects.filter(plan=plan).exists()


def test_it_makes_the_item_institution_take_part_in_the_case_once(lead, case, plan, school):
    first = services.add_basket_item(lead, plan, service=make_service(school))
    services.add_basket_item(lead, plan, institution=school, action="Konsultacje z pedagogiem")
    taking_part = _basket_participations(case, school).get()
    assert (taking_part.source_type, taking_part.source_id) == ("plans.basketitem", str(first.public_id))
    assert taking_part.ended_at is None


def test_it_ends_the_participation_when_the_institutions_last_item_is_finished(lead, case, plan, school):
    first = services.add_basket_item(lead, plan, service=make_service(school))
    second = add_item(lead, plan, school)
    services.move_basket_item(lead, first, "not_deliver", version=first.version, reason="Brak miejsc.")
    assert _basket_participations(case, school).active().exists()
    for step in ("agree", "start", "deliver"):
        services.move_basket_item(lead, second, step, version=second.version)
    assert not _basket_participations(case, school).active().exists()
    titles = list(TimelineEntry.objects.filter(case=case, kind=TimelineKind.PLAN).values_list("title", flat=True))
    assert any("Zrealizowano usługę" in title or "Service delivered" in title for title in titles)


def test_it_lets_the_partner_in_without_releasing_any_category(lead, case, plan, school, persona):
    services.add_basket_item(lead, plan, institution=school, action="Konsultacje z pedagogiem")
    _case, access = get_case_for_user(persona("szkola.mirzec"), case.public_id)
    assert not access.whole
    assert not access.sees("identity") and not access.sees("plan")


def test_it_marks_an_item_referred_once(lead, plan):
    item = add_item(lead, plan)
    services.mark_basket_referred(item)
    services.mark_basket_referred(item)
    item.refresh_from_db()
    assert (item.status, item.version) == (BasketItemStatus.REFERRED, 2)


def test_it_refuses_a_goal_of_another_plan(lead, plan, persona):
    other = make_plan(lead, plan_case(lead))
    goal = add_goal(lead, other)
    with pytest.raises(ValidationError) as refused:
        add_item(lead, plan, goal=goal)
    assert "goal" in refused.value.message_dict


# --- The pages ------------------------------------------------------------------------------------------


def test_it_adds_a_service_chosen_on_the_matching_page(client, login_as, lead, case, plan, school):
    service = make_service(school, "Świetlica szkolna")
    goal = add_goal(lead, plan)
    login_as("gops.mirzec")
    url = reverse("plans:basket_new", args=[case.public_id])
    page = client.get(url, {"service": service.public_id}).content.decode()
    assert "Świetlica szkolna" in page
    plan.refresh_from_db()
    data = {"service": str(service.public_id), "goal": str(goal.public_id), "version": plan.version}
    response = client.post(url, data)
    item = BasketItem.objects.get(plan=plan)
    assert response.status_code == 302
    assert (item.service, item.institution, item.goal) == (service, school, goal)


def test_it_refuses_an_item_without_service_or_action(client, login_as, case, plan):
    login_as("gops.mirzec")
    response = client.post(reverse("plans:basket_new", args=[case.public_id]), {"action": "", "version": plan.version})
    assert response.status_code == 400
    assert "Wybierz usługę albo opisz działanie instytucji." in response.content.decode()
    assert not BasketItem.objects.filter(plan=plan).exists()


def test_it_adds_an_item_once_when_the_form_is_sent_twice(client, login_as, case, plan):
    login_as("gops.mirzec")
    url = reverse("plans:basket_new", args=[case.public_id])
    data = {"action": "Wizyta asystenta", "institution": str(case.institution.public_id), "version": plan.version}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, HTTP_ACCEPT_LANGUAGE="pl")
    assert again.status_code == 409
    assert "Plan zmienił się od otwarcia tego formularza" in again.content.decode()
    assert BasketItem.objects.filter(plan=plan).count() == 1


def test_it_audits_opening_the_form_that_names_the_case(client, login_as, case, plan):
    login_as("gops.mirzec")
    response = client.get(reverse("plans:basket_new", args=[case.public_id]), HTTP_ACCEPT_LANGUAGE="pl")
    assert "Anna Planowa" in response.content.decode()
    event = AuditEvent.objects.get(object_id=str(case.public_id), action=AuditAction.VIEW)
    assert event.persons == [case.person_id]


def test_it_says_a_case_without_an_open_plan_has_no_basket(client, login_as, lead):
    case = plan_case(lead)
    login_as("gops.mirzec")
    page = client.get(reverse("plans:basket_new", args=[case.public_id])).content.decode()
    assert "Sprawa nie ma otwartego planu" in page


def test_it_changes_an_items_status_from_its_page(client, login_as, lead, plan):
    item = add_item(lead, plan)
    login_as("gops.mirzec")
    url = reverse("plans:basket_item", args=[item.public_id])
    data = {"action": "agree", "on": TODAY().isoformat(), "reason": "", "version": item.version}
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.agreed_on) == (BasketItemStatus.AGREED, TODAY())
    stale = client.post(url, data | {"action": "start"})
    assert stale.status_code == 409
    assert "Ktoś inny zmienił w międzyczasie tę pozycję koszyka." in stale.content.decode()


def test_it_refuses_not_delivered_without_a_reason_on_the_page(client, login_as, lead, plan):
    item = add_item(lead, plan)
    login_as("gops.mirzec")
    data = {"action": "not_deliver", "on": TODAY().isoformat(), "reason": "", "version": item.version}
    response = client.post(reverse("plans:basket_item", args=[item.public_id]), data)
    assert response.status_code == 400
    assert "Podaj, dlaczego nie zrealizowano." in response.content.decode()


def test_it_lets_readers_see_an_item_but_not_change_it(client, login_as, lead, plan):
    item = add_item(lead, plan)
    login_as("kolega.mirzec")
    url = reverse("plans:basket_item", args=[item.public_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "agree", "version": item.version}).status_code == 403
    login_as("gops.oksa")
    assert client.get(url).status_code == 404


def test_it_links_an_open_item_to_the_referral_form(client, login_as, lead, case, plan):
    item = add_item(lead, plan)
    login_as("gops.mirzec")
    page = client.get(reverse("plans:basket_item", args=[item.public_id])).content.decode()
    referral_form = reverse("plans:referral_new", kwargs={"public_id": case.public_id})
    assert f"{referral_form}?item={item.public_id}" in page
    assert "Skieruj" in page


@pytest.mark.parametrize(
    ("outcome", "finished_as"),
    [("got_help", "delivered"), ("partly", "delivered"), ("no_help", "not_delivered")],
)
def test_it_finishes_the_item_when_its_referral_closes_with_an_outcome(lead, case, plan, school, outcome, finished_as):
    from kooperacja.plans import referrals
    from kooperacja.plans.tests.factories import allow, receiver_of

    service = make_service(school)
    item = add_item(lead, plan, service=service)
    allow(case, school, by=lead)
    referral = referrals.create_referral(
        lead,
        case,
        to_institution=school,
        service=service,
        basket_item=item,
        reason="Wsparcie w nauce",
        shared_categories=["identity"],
    )
    item.refresh_from_db()
    assert item.status == BasketItemStatus.REFERRED

    receiver = receiver_of(school)
    referral = referrals.act(receiver, referral, "accept", version=referral.version)
    referral = referrals.act(
        receiver, referral, "complete", version=referral.version, outcome=outcome, note="Zajęcia zakończone"
    )

    item.refresh_from_db()
    assert item.status == finished_as
    assert item.ends_on == TODAY()
    if finished_as == "not_delivered":
        assert item.not_delivered_reason == "Zajęcia zakończone"


# --- Dates in order, both errors, a withdrawn referral -------------------------------------------------


def test_it_refuses_a_step_dated_before_the_items_previous_step(client, login_as, lead, plan):
    item = add_item(lead, plan)  # proposed today
    login_as("gops.mirzec")
    earlier = TODAY() - dt.timedelta(days=10)
    data = {"action": "agree", "on": earlier.isoformat(), "reason": "", "version": item.version}
    response = client.post(reverse("plans:basket_item", args=[item.public_id]), data)
    assert response.status_code == 400
    assert f"Data nie może być wcześniejsza niż poprzedni krok pozycji ({TODAY():%d.%m.%Y})." in (
        response.content.decode()
    )
    item.refresh_from_db()
    assert (item.status, item.agreed_on) == (BasketItemStatus.PROPOSED, None)


def test_it_refuses_a_start_before_the_agreement(lead, plan):
    item = add_item(lead, plan, proposed_on=TODAY() - dt.timedelta(days=20))
    services.move_basket_item(lead, item, "agree", version=item.version, on=TODAY() - dt.timedelta(days=5))
    with override("pl"), pytest.raises(ValidationError) as refused:
        services.move_basket_item(lead, item, "start", version=item.version, on=TODAY() - dt.timedelta(days=6))
    assert "poprzedni krok pozycji" in " ".join(refused.value.messages)


def test_it_shows_both_errors_of_a_not_delivered_step(client, login_as, lead, plan):
    item = add_item(lead, plan)
    login_as("gops.mirzec")
    future = TODAY() + dt.timedelta(days=3)
    data = {"action": "not_deliver", "on": future.isoformat(), "reason": "", "version": item.version}
    page = client.post(reverse("plans:basket_item", args=[item.public_id]), data).content.decode()
    assert "Data nie może być w przyszłości." in page
    assert "Podaj, dlaczego nie zrealizowano." in page


def test_it_puts_a_referred_item_back_to_agreed_when_its_referral_is_withdrawn(
    client, login_as, lead, case, plan, school
):
    from kooperacja.plans import referrals
    from kooperacja.plans.tests.factories import allow

    service = make_service(school)
    item = add_item(lead, plan, service=service)
    allow(case, school, by=lead)
    referral = referrals.create_referral(
        lead,
        case,
        to_institution=school,
        service=service,
        basket_item=item,
        reason="Wsparcie w nauce",
        shared_categories=["identity"],
    )
    item.refresh_from_db()
    assert item.status == BasketItemStatus.REFERRED

    services.basket_item_referral_withdrawn(item, referral, actor=lead)

    item.refresh_from_db()
    assert item.status == BasketItemStatus.AGREED
    assert "refer" in services.basket_steps_allowed(item)
    with override("pl"):
        titles = " ".join(
            TimelineEntry.objects.filter(case=case, kind=TimelineKind.PLAN).values_list("title", flat=True)
        )
    assert "pozycję można skierować ponownie" in titles
    login_as("gops.mirzec")
    page = client.get(reverse("plans:basket_item", args=[item.public_id]), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Skierowania z tej pozycji" in page
    assert reverse("plans:referral", args=[referral.public_id]) in page


def test_it_leaves_an_item_already_in_progress_when_its_referral_is_withdrawn(lead, plan, school):
    item = add_item(lead, plan)
    services.move_basket_item(lead, item, "agree", version=item.version)
    services.move_basket_item(lead, item, "start", version=item.version)
    services.basket_item_referral_withdrawn(item, Referral(), actor=lead)
    item.refresh_from_db()
    assert item.status == BasketItemStatus.IN_PROGRESS


def test_it_lets_the_item_be_referred_again_after_its_referral_is_cancelled(lead, case, plan, school):
    from kooperacja.plans import referrals
    from kooperacja.plans.tests.factories import allow

    service = make_service(school)
    item = add_item(lead, plan, service=service)
    allow(case, school, by=lead)
    referral = referrals.create_referral(
        lead,
        case,
        to_institution=school,
        service=service,
        basket_item=item,
        reason="Wsparcie",
        shared_categories=["identity"],
    )

    referrals.act(lead, referral, "cancel", version=referral.version, reason="Rodzina zrezygnowała")

    item.refresh_from_db()
    assert item.status == BasketItemStatus.AGREED
