"""The lists of referrals: the receiving institution's inbox (tabs, overdue, due dates in Polish
format, unread messages, paging), what my institution sent (every state), and the referrals of a
case with their chains; one audit event per page; query counts pinned with few and many rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.cases.tests.factories import make_person
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.plans import referrals
from kooperacja.plans.models import Referral, ReferralStatus
from kooperacja.plans.tests.factories import allow, make_referral, police, referral_case

pytestmark = pytest.mark.django_db

INBOX = reverse("plans:inbox")
OUTBOX = reverse("plans:outbox")


def a_referral(persona, status: str = ReferralStatus.SENT, name: str = "Skierowany") -> Referral:
    case = referral_case(persona("gops.mirzec"), person=make_person("Kamil", name))
    return make_referral(case=case, status=status)


def subjects(response) -> list[str]:
    return [row["subject"] for row in response.context["rows"]]


def test_the_inbox_shows_what_waits_for_an_answer(client, login_as, persona):
    a_referral(persona, name="Czekający")
    a_referral(persona, ReferralStatus.ACCEPTED, name="Przyjęty")
    a_referral(persona, ReferralStatus.COMPLETED, name="Zamknięty")
    login_as("szkola.mirzec")

    waiting = client.get(INBOX)
    active = client.get(INBOX, {"tab": "active"})
    closed = client.get(INBOX, {"tab": "closed"})

    assert waiting.status_code == 200
    assert "Kamil Czekający" in subjects(waiting)
    assert "Kamil Przyjęty" not in subjects(waiting)
    assert "Kamil Przyjęty" in subjects(active)
    assert "Kamil Zamknięty" in subjects(closed)
    assert 'aria-current="page"' in waiting.content.decode()


def test_the_inbox_highlights_an_overdue_answer_with_its_date_in_polish_format(client, login_as, persona):
    referral = a_referral(persona, name="Spóźniony")
    Referral.objects.filter(pk=referral.pk).update(answer_due=dt.date(2024, 3, 5))
    login_as("szkola.mirzec")

    response = client.get(INBOX)

    row = next(row for row in response.context["rows"] if row["referral"].pk == referral.pk)
    assert row["overdue"]
    html = response.content.decode()
    assert "05.03.2024" in html
    assert 'class="overdue"' in html


def test_the_inbox_counts_unread_messages(client, login_as, persona):
    referral = a_referral(persona, name="Pisany")
    referrals.post_message(persona("gops.mirzec"), referral, text="Czy jest miejsce?")
    referrals.post_message(persona("gops.mirzec"), referral, text="Proszę o odpowiedź.")
    login_as("szkola.mirzec")

    response = client.get(INBOX)

    row = next(row for row in response.context["rows"] if row["referral"].pk == referral.pk)
    assert row["unread"] == 2
    client.get(reverse("plans:referral", kwargs={"public_id": referral.public_id}))
    again = client.get(INBOX)
    assert next(row for row in again.context["rows"] if row["referral"].pk == referral.pk)["unread"] == 0


def test_the_inbox_pages_twenty_at_a_time(client, login_as, persona):
    for number in range(21):
        a_referral(persona, name=f"Stronicowy{number}")
    login_as("szkola.mirzec")

    first = client.get(INBOX)
    second = client.get(INBOX, {"page": 2})

    assert len(first.context["rows"]) == 20
    assert len(second.context["rows"]) >= 1
    assert 'rel="next"' in first.content.decode()


def test_the_inbox_writes_one_audit_event_naming_the_persons(client, login_as, persona):
    referral = a_referral(persona, name="Audytowany")
    login_as("szkola.mirzec")

    client.get(INBOX)

    event = AuditEvent.objects.filter(action=AuditAction.LIST, object_type="plans.referral").latest("id")
    assert referral.person_id in event.persons


def test_the_inbox_is_for_receiving_roles_only(client, login_as, persona):
    a_referral(persona)

    login_as("gops.mirzec")  # GOPS receives referrals too, but none were sent to it
    assert client.get(INBOX).status_code == 200
    assert client.get(INBOX).context["rows"] == []
    for outsider in ("asystent.mirzec", "rops.kielce", "admin"):
        login_as(outsider)
        assert client.get(INBOX).status_code == 403, outsider
    assert client.post(INBOX).status_code == 405


@pytest.mark.parametrize("rows", [1, 12])
def test_the_inbox_takes_a_fixed_number_of_queries(client, login_as, persona, django_assert_max_num_queries, rows):
    for number in range(rows):
        referral = a_referral(persona, name=f"Liczony{number}")
        referrals.post_message(persona("gops.mirzec"), referral, text="Wiadomość")
    login_as("szkola.mirzec")

    with django_assert_max_num_queries(13):
        response = client.get(INBOX)
    assert len(response.context["rows"]) >= rows


def test_the_outbox_shows_every_state_and_filters_by_one(client, login_as, persona):
    for status in (ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.DECLINED, ReferralStatus.COMPLETED):
        a_referral(persona, status, name=f"Wysłany-{status}")
    login_as("gops.mirzec")

    everything = client.get(OUTBOX)
    declined = client.get(OUTBOX, {"status": "declined"})

    assert everything.status_code == 200
    assert {f"Kamil Wysłany-{s}" for s in ("draft", "sent", "declined", "completed")} <= set(subjects(everything))
    assert all(row["referral"].status == "declined" for row in declined.context["rows"])
    assert "Kamil Wysłany-declined" in subjects(declined)


@pytest.mark.parametrize("rows", [1, 12])
def test_the_outbox_takes_a_fixed_number_of_queries(client, login_as, persona, django_assert_max_num_queries, rows):
    for number in range(rows):
        a_referral(persona, name=f"Wysyłany{number}")
    login_as("gops.mirzec")

    with django_assert_max_num_queries(13):
        response = client.get(OUTBOX)
    assert len(response.context["rows"]) >= rows


def test_the_case_page_lists_its_referrals_with_their_chain(client, login_as, persona):
    declined = a_referral(persona, ReferralStatus.DECLINED, name="Łańcuchowy")
    allow(declined.case, police())
    forwarded = referrals.act(
        persona("gops.mirzec"), declined, "forward", version=declined.version, to_institution=police()
    )
    login_as("gops.mirzec")

    response = client.get(reverse("plans:case_referrals", kwargs={"public_id": declined.case.public_id}))

    assert response.status_code == 200
    html = response.content.decode()
    assert {row["referral"].pk for row in response.context["rows"]} == {declined.pk, forwarded.pk}
    assert reverse("plans:referral", kwargs={"public_id": forwarded.public_id}) in html
    assert police().name in html
    assert reverse("plans:referral_new", kwargs={"public_id": declined.case.public_id}) in html


def test_the_case_page_is_404_for_strangers(client, login_as, persona):
    referral = a_referral(persona)
    url = reverse("plans:case_referrals", kwargs={"public_id": referral.case.public_id})

    login_as("gops.oksa")
    assert client.get(url).status_code == 404
    login_as("kolega.mirzec")
    response = client.get(url)
    assert response.status_code == 200
    assert reverse("plans:referral_new", kwargs={"public_id": referral.case.public_id}) not in response.content.decode()


def test_timezone_is_used_for_overdue(client, login_as, persona):
    referral = a_referral(persona, name="Dzisiejszy")
    Referral.objects.filter(pk=referral.pk).update(answer_due=timezone.localdate())
    login_as("szkola.mirzec")

    response = client.get(INBOX)

    row = next(row for row in response.context["rows"] if row["referral"].pk == referral.pk)
    assert not row["overdue"], "due today is not overdue yet"
