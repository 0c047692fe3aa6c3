"""Accepting an invitation: once, before it expires, for the address it was sent to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Invitation, Membership
from kooperacja.institutions.services import cancel_invitation, invite_staff

pytestmark = pytest.mark.django_db

NEW_ACCOUNT = {
    "username": "nowa.osoba",
    "first_name": "Zofia",
    "last_name": "Nowicka",
    "password1": "Dluga-i-trudna-fraza-42",
    "password2": "Dluga-i-trudna-fraza-42",
}


@pytest.fixture
def invited(persona, gops_mirzec, mailoutbox):
    """invited(email, role) -> (invitation, accept URL), sent by the manager of GOPS Mirzec."""

    def send(email: str = "zofia.nowicka@test.example", role: str = Role.SOCIAL_WORKER):
        invitation, token = invite_staff(persona("lider.mirzec"), gops_mirzec, email, role)
        return invitation, reverse("institutions:accept_invitation", args=[token])

    return send


def users() -> int:
    return get_user_model().objects.count()


def test_it_offers_a_new_person_an_account_form_with_a_suggested_username(client, invited):
    _invitation, url = invited()

    response = client.get(url)

    assert response.status_code == 200
    assert response.context["form"].initial["username"] == "zofia.nowicka"


def test_it_suggests_a_free_username_when_the_obvious_one_is_taken(client, invited, make_member, gops_oksa):
    make_member(gops_oksa, username="zofia.nowicka", email="inna@test.example")
    _invitation, url = invited()

    assert client.get(url).context["form"].initial["username"] == "zofia.nowicka2"


def test_it_creates_the_account_and_the_membership_and_signs_the_person_in(client, invited, gops_mirzec):
    invitation, url = invited()

    response = client.post(url, NEW_ACCOUNT)

    assert response.status_code == 302
    user = get_user_model().objects.get(username="nowa.osoba")
    assert (user.email, user.get_full_name(), user.is_staff) == ("zofia.nowicka@test.example", "Zofia Nowicka", False)
    assert user.check_password(NEW_ACCOUNT["password1"])
    assert Membership.objects.active().get(user=user).institution == gops_mirzec
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (user, True)
    assert client.get(reverse("institutions:detail", args=[gops_mirzec.public_id])).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_CHANGE, actor=user, details__event="accept").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password1": "krotkie", "password2": "krotkie"}, "password1"),
        ({"password1": "1234567890123", "password2": "1234567890123"}, "password1"),
        ({"password2": "Inna-fraza-calkiem-42"}, "password2"),
        ({"username": "gops.mirzec"}, "username"),
        ({"username": "GOPS.MIRZEC"}, "username"),
        ({"username": "z spacją"}, "username"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_it_refuses_a_bad_account_form_and_creates_nothing(client, invited, changes, field):
    invitation, url = invited()
    before = users()

    response = client.post(url, {**NEW_ACCOUNT, **changes})

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert users() == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_it_refuses_a_password_too_like_the_persons_name(client, invited):
    _invitation, url = invited()

    response = client.post(url, {**NEW_ACCOUNT, "password1": "zofia.nowicka", "password2": "zofia.nowicka"})

    assert response.status_code == 400
    assert response.context["form"].errors["password1"]


def test_it_works_only_once(client, invited):
    _invitation, url = invited()
    client.post(url, NEW_ACCOUNT)
    client.logout()
    before = users()

    response = client.post(url, {**NEW_ACCOUNT, "username": "ktos.inny"})

    assert response.status_code == 410
    assert response.context["status"] == "accepted"
    assert users() == before


def test_it_refuses_an_expired_invitation(client, invited):
    invitation, url = invited()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    before = users()

    assert client.get(url).status_code == 410
    response = client.post(url, NEW_ACCOUNT)

    assert response.status_code == 410
    assert response.context["status"] == "expired"
    assert users() == before


def test_it_refuses_a_cancelled_invitation(client, invited, persona):
    invitation, url = invited()
    cancel_invitation(persona("lider.mirzec"), invitation)
    before = users()

    response = client.post(url, NEW_ACCOUNT)

    assert response.status_code == 410
    assert response.context["status"] == "cancelled"
    assert users() == before


def test_it_answers_not_found_for_an_unknown_link(client, invited):
    invited()
    before = users()

    response = client.post(reverse("institutions:accept_invitation", args=["nie-ma-takiego"]), NEW_ACCOUNT)

    assert response.status_code == 404
    assert users() == before


def test_it_refuses_other_methods(client, invited):
    _invitation, url = invited()

    assert client.delete(url).status_code == 405


def test_it_asks_a_person_with_an_account_to_sign_in_first(client, invited, persona):
    colleague = persona("kolega.mirzec")
    _invitation, url = invited(email=colleague.email, role=Role.FAMILY_ASSISTANT)
    before = users()

    response = client.get(url)
    posted = client.post(url, {**NEW_ACCOUNT, "username": "drugie.konto"})

    assert response.context["has_account"]
    assert response.context["sign_in_url"].startswith(reverse("login"))
    assert posted.status_code == 200
    assert users() == before


def test_it_lets_a_signed_in_person_confirm_and_adds_the_membership(client, invited, login_as, gops_mirzec):
    invitation, url = invited(email="barbara.sowa@gops.mirzec.example", role=Role.SOCIAL_WORKER)
    leader = login_as("lider.mirzec")

    assert client.get(url).context["confirm"]
    response = client.post(url)

    assert response.status_code == 302
    assert Membership.objects.active().filter(user=leader, institution=gops_mirzec, role=Role.SOCIAL_WORKER).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == leader


def test_it_refuses_a_signed_in_person_whose_address_differs(client, invited, login_as):
    invitation, url = invited()
    login_as("gops.oksa")

    response = client.post(url)

    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Membership.objects.filter(user__username="gops.oksa", institution=invitation.institution).exists()


def test_it_refuses_a_duplicate_membership_and_keeps_the_invitation(client, invited, login_as, persona, gops_mirzec):
    colleague = persona("kolega.mirzec")
    invitation, url = invited(email=colleague.email, role=Role.FAMILY_ASSISTANT)
    # Meanwhile the manager gave the colleague that role directly.
    Membership.objects.create(user=colleague, institution=gops_mirzec, role=Role.FAMILY_ASSISTANT)
    login_as("kolega.mirzec")
    before = Membership.objects.count()

    response = client.post(url)

    assert response.status_code == 409
    assert Membership.objects.count() == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_it_records_every_membership_change_in_the_audit_log(client, invited, persona):
    before = AuditEvent.objects.filter(action=AuditAction.PERMISSION_CHANGE).count()
    _invitation, url = invited()
    client.post(url, NEW_ACCOUNT)

    events = AuditEvent.objects.filter(action=AuditAction.PERMISSION_CHANGE).order_by("id")
    assert [e.details["event"] for e in events[before:]] == ["invite", "accept"]
