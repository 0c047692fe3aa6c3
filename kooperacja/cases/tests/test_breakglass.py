"""Break-glass (/cases/<id>/break-glass/): an administrator opens one case with a reason; it is
audited, the owning institution's managers are told, and the grant ends after a while."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from kooperacja.cases import breakglass
from kooperacja.cases.models import CaseKind
from kooperacja.cases.tests.factories import make_case, make_household, make_person
from kooperacja.core.models import AuditAction, AuditEvent, Notification

pytestmark = pytest.mark.django_db

REASON = "Skarga osoby do inspektora ochrony danych, sygnatura IOD/12/2026"


@pytest.fixture
def case(persona):
    household = make_household("Rodzina Zagubionych")
    make_person("Jan", "Zagubiony", household=household)
    make_person("Ola", "Zagubiona", household=household, sex="F", birth_date=dt.date(1984, 2, 3))
    return make_case(household=household, lead=persona("gops.mirzec"))


def _url(case) -> str:
    return reverse("cases:break_glass", args=[case.public_id])


def test_it_asks_the_administrator_for_a_reason(client, login_as, case):
    login_as("admin")
    response = client.get(_url(case))
    assert response.status_code == 200
    assert 'name="reason"' in response.text
    assert case.institution.name in response.text
    assert "Zagubion" not in response.text  # nothing of the people before the glass is broken
    assert not AuditEvent.objects.filter(action=AuditAction.BREAK_GLASS).exists()


def test_its_button_opens_the_existing_case_rather_than_founding_one(client, login_as, case):
    login_as("admin")
    page = client.get(_url(case)).text
    assert "Załóż sprawę" not in page  # "found a new case", the wrong message
    assert f'class="button-danger">{gettext("Open this case")}</button>' in page


def test_it_opens_the_case_records_why_and_tells_the_managers(client, login_as, persona, case):
    admin = login_as("admin")
    response = client.post(_url(case), {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == breakglass.case_url(case)
    event = AuditEvent.objects.get(action=AuditAction.BREAK_GLASS)
    assert event.actor == admin
    assert event.reason == REASON
    assert sorted(event.persons) == sorted(p.pk for p in case.persons())
    assert event.institution_id == case.institution_id
    assert event.object_id == str(case.public_id)
    notes = Notification.objects.filter(kind=breakglass.NOTIFICATION_KIND)
    assert [n.recipient.username for n in notes] == ["lider.mirzec"]
    assert "Zagubion" not in notes[0].title  # a notification never names a person
    until = breakglass.active_until(client.session, case)
    assert until is not None
    assert dt.timedelta(minutes=29) < until - timezone.now() <= dt.timedelta(minutes=30)


def test_it_shows_when_the_access_ends_after_opening(client, login_as, case):
    login_as("admin")
    client.post(_url(case), {"reason": REASON})
    response = client.get(_url(case))
    assert response.status_code == 200
    assert response.context["until"] is not None


@pytest.mark.parametrize("reason", ["", "   ", "bo tak", "krótko   a"], ids=["empty", "blank", "short", "padded"])
def test_it_refuses_without_a_real_reason_and_changes_nothing(client, login_as, case, reason):
    login_as("admin")
    response = client.post(_url(case), {"reason": reason})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert 'class="error-summary"' in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.BREAK_GLASS).exists()
    assert not Notification.objects.filter(kind=breakglass.NOTIFICATION_KIND).exists()
    assert breakglass.active_until(client.session, case) is None


@pytest.mark.parametrize("username", ["gops.mirzec", "kolega.mirzec", "lider.mirzec"])
def test_it_forbids_the_staff_who_read_the_case_anyway(client, login_as, case, username):
    login_as(username)
    assert client.get(_url(case)).status_code == 403
    assert client.post(_url(case), {"reason": REASON}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.BREAK_GLASS).exists()


@pytest.mark.parametrize(
    "username", ["asystent.mirzec", "szkola.mirzec", "policja.mirzec", "gops.oksa", "rops.kielce", "pcpr.starachowice"]
)
def test_it_does_not_reveal_the_case_to_strangers(client, login_as, case, username):
    login_as(username)
    assert client.get(_url(case)).status_code == 404
    assert client.post(_url(case), {"reason": REASON}).status_code == 404


def test_it_answers_not_found_for_an_unknown_case(client, login_as):
    login_as("admin")
    assert client.get(reverse("cases:break_glass", args=[uuid.uuid4()])).status_code == 404


def test_it_sends_anonymous_users_to_sign_in(client, case):
    response = client.get(_url(case))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_refuses_other_methods(client, login_as, case):
    login_as("admin")
    assert client.put(_url(case)).status_code == 405
    assert client.delete(_url(case)).status_code == 405


# --- The grant -----------------------------------------------------------------------------------


def _request(user, session):
    request = RequestFactory().get("/")
    request.user = user
    request.session = session
    return request


def _granted_session(case, minutes_left: float) -> SessionStore:
    session = SessionStore()
    until = timezone.now() + dt.timedelta(minutes=minutes_left)
    session[breakglass.SESSION_KEY] = {str(case.public_id): until.isoformat()}
    return session


def test_it_grants_that_one_case_only(persona, case):
    other = make_case(lead=persona("gops.mirzec"), kind=CaseKind.PERSON)
    session = _granted_session(case, 10)
    request = _request(persona("admin"), session)
    assert breakglass.break_glass_active(request, case)
    assert breakglass.break_glass_active(session, case)
    assert not breakglass.break_glass_active(request, other)


def test_it_ends_the_grant_when_its_time_is_up(persona, case):
    session = _granted_session(case, -1)
    assert not breakglass.break_glass_active(_request(persona("admin"), session), case)
    assert breakglass.active_until(session, case) is None


def test_it_grants_nothing_to_someone_who_is_no_administrator(persona, case):
    session = _granted_session(case, 10)
    assert not breakglass.break_glass_active(_request(persona("gops.oksa"), session), case)


def test_it_ignores_a_garbled_grant(persona, case):
    session = SessionStore()
    session[breakglass.SESSION_KEY] = {str(case.public_id): "soon"}
    assert not breakglass.break_glass_active(_request(persona("admin"), session), case)


def test_it_keeps_earlier_unexpired_grants_and_drops_expired_ones(client, login_as, persona, case):
    login_as("admin")
    other = make_case(lead=persona("gops.mirzec"), kind=CaseKind.PERSON)
    stale = make_case(lead=persona("gops.mirzec"), kind=CaseKind.PERSON)
    client.post(_url(other), {"reason": REASON})
    session = client.session
    grants = session[breakglass.SESSION_KEY]
    grants[str(stale.public_id)] = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    session[breakglass.SESSION_KEY] = grants
    session.save()
    client.post(_url(case), {"reason": REASON})
    kept = client.session[breakglass.SESSION_KEY]
    assert set(kept) == {str(case.public_id), str(other.public_id)}


def test_it_lets_the_administrator_read_the_case_page_only_after_giving_a_reason(client, login_as, case):
    login_as("admin")
    detail = reverse("cases:detail", args=[case.public_id])
    before = client.get(detail)

    client.post(_url(case), {"reason": REASON})
    after = client.get(detail)
    editing = client.get(reverse("cases:edit", args=[case.public_id]))

    assert before.status_code == 404
    assert after.status_code == 200
    assert "Zagubion" in after.text
    assert editing.status_code == 404  # the grant opens the case page only, to read
