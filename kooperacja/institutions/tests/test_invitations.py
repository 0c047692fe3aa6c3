"""Accepting an invitation: once, before it expires, for the address it was sent to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.core.roles import Role
from kooperacja.institutions import forms
from kooperacja.institutions.models import Invitation, Membership
from kooperacja.institutions.services import (
    AccountExists,
    accept_invitation_as_new_user,
    cancel_invitation,
    find_invitation,
    invite_staff,
)
from kooperacja.institutions.tests.conftest import polish

pytestmark = pytest.mark.django_db

NEW_ACCOUNT = {
    "username": "nowa.osoba",
    "first_name": "Zofia",
    "last_name": "Nowicka",
    "password1": "Dluga-i-trudna-fraza-42",
    "password2": "Dluga-i-trudna-fraza-42",
}


CURRENT = reverse("institutions:current_invitation")


@pytest.fixture
def invited(persona, gops_mirzec, mailoutbox):
    """invited(email, role) -> (invitation, the e-mailed link), sent by the manager of GOPS Mirzec."""

    def send(email: str = "zofia.nowicka@test.example", role: str = Role.SOCIAL_WORKER):
        invitation, token = invite_staff(persona("lider.mirzec"), gops_mirzec, email, role)
        return invitation, reverse("institutions:accept_invitation", args=[token])

    return send


def open_link(client, link: str) -> str:
    """Open the e-mailed link as a browser does; the address it is sent on to."""
    response = client.get(link)
    assert response.status_code == 302
    return response["Location"]


def users() -> int:
    return get_user_model().objects.count()


# --- the link's token stays out of addresses -------------------------------------------------


def test_it_moves_the_token_from_the_link_to_the_session_and_redirects_to_an_address_without_it(client, invited):
    _invitation, link = invited()
    token = link.rstrip("/").rsplit("/", 1)[1]

    page = open_link(client, link)
    response = client.get(page)

    assert page == CURRENT
    assert token not in page
    assert response.status_code == 200
    assert response.context["form"] is not None
    assert token not in response.content.decode()


def test_it_answers_not_found_without_an_opened_link(client, invited, login_as):
    invited()

    response = client.get(CURRENT)

    assert response.status_code == 404
    assert polish("To see the invitation, open the link from the e-mail again.") in response.content.decode()
    login_as("lider.mirzec")
    assert client.post(CURRENT).status_code == 404


def test_it_refuses_other_methods_on_the_page(client):
    assert client.delete(CURRENT).status_code == 405


def test_it_forgets_the_token_once_the_invitation_is_accepted(client, invited):
    _invitation, link = invited()
    client.post(open_link(client, link), NEW_ACCOUNT)

    assert "_invitation_token" not in client.session
    assert client.get(CURRENT).status_code == 404


def test_it_offers_a_new_person_an_account_form_with_a_suggested_username(client, invited):
    _invitation, link = invited()

    response = client.get(open_link(client, link))

    assert response.status_code == 200
    assert response.context["form"].initial["username"] == "zofia.nowicka"


def test_it_suggests_a_free_username_when_the_obvious_one_is_taken(client, invited, make_member, gops_oksa):
    make_member(gops_oksa, username="zofia.nowicka", email="inna@test.example")
    _invitation, link = invited()

    assert client.get(open_link(client, link)).context["form"].initial["username"] == "zofia.nowicka2"


def test_it_creates_the_account_and_the_membership_and_signs_the_person_in(client, invited, gops_mirzec):
    invitation, link = invited()

    response = client.post(open_link(client, link), NEW_ACCOUNT)

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
    invitation, link = invited()
    page = open_link(client, link)
    before = users()

    response = client.post(page, {**NEW_ACCOUNT, **changes})

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert users() == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_it_refuses_a_password_too_like_the_persons_name(client, invited):
    _invitation, link = invited()

    response = client.post(
        open_link(client, link), {**NEW_ACCOUNT, "password1": "zofia.nowicka", "password2": "zofia.nowicka"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["password1"]


def test_it_works_only_once(client, invited):
    _invitation, link = invited()
    page = open_link(client, link)
    client.post(page, NEW_ACCOUNT)
    client.logout()
    before = users()

    response = client.get(link)

    assert response.status_code == 410
    assert response.context["status"] == "accepted"
    assert users() == before


def test_it_refuses_an_expired_invitation(client, invited):
    invitation, link = invited()
    page = open_link(client, link)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    before = users()

    assert client.get(link).status_code == 410
    response = client.post(page, NEW_ACCOUNT)

    assert response.status_code == 410
    assert response.context["status"] == "expired"
    assert users() == before


def test_it_refuses_a_cancelled_invitation(client, invited, persona):
    invitation, link = invited()
    page = open_link(client, link)
    cancel_invitation(persona("lider.mirzec"), invitation)
    before = users()

    response = client.post(page, NEW_ACCOUNT)

    assert response.status_code == 410
    assert response.context["status"] == "cancelled"
    assert users() == before


def test_it_answers_not_found_for_an_unknown_link(client, invited):
    invited()

    response = client.get(reverse("institutions:accept_invitation", args=["nie-ma-takiego"]))

    assert response.status_code == 404
    assert "_invitation_token" not in client.session


def test_it_refuses_other_methods(client, invited):
    _invitation, link = invited()

    assert client.delete(link).status_code == 405
    # The link only opens the invitation; the forms post to the page without the token.
    assert client.post(link, NEW_ACCOUNT).status_code == 405


def test_it_asks_a_person_with_an_account_to_sign_in_first(client, invited, persona):
    colleague = persona("kolega.mirzec")
    _invitation, link = invited(email=colleague.email, role=Role.FAMILY_ASSISTANT)
    page = open_link(client, link)
    before = users()

    response = client.get(page)
    posted = client.post(page, {**NEW_ACCOUNT, "username": "drugie.konto"})

    assert response.context["has_account"]
    assert response.context["sign_in_url"].startswith(reverse("login"))
    assert "nie-ma" not in response.context["sign_in_url"]
    assert posted.status_code == 200
    assert users() == before


def test_it_brings_a_person_back_to_the_invitation_after_signing_in(client, invited, persona):
    colleague = persona("kolega.mirzec")
    _invitation, link = invited(email=colleague.email, role=Role.FAMILY_ASSISTANT)
    sign_in_url = client.get(open_link(client, link)).context["sign_in_url"]

    response = client.post(sign_in_url, {"username": "kolega.mirzec", "password": "kooperacja-demo"}, follow=True)

    assert response.status_code == 200
    assert response.context["confirm"]
    assert client.post(CURRENT).status_code == 302
    assert Membership.objects.active().filter(user=colleague, role=Role.FAMILY_ASSISTANT).exists()


def test_it_lets_a_signed_in_person_confirm_and_adds_the_membership(client, invited, login_as, gops_mirzec):
    invitation, link = invited(email="barbara.sowa@gops.mirzec.example", role=Role.SOCIAL_WORKER)
    leader = login_as("lider.mirzec")
    page = open_link(client, link)

    assert client.get(page).context["confirm"]
    response = client.post(page)

    assert response.status_code == 302
    assert Membership.objects.active().filter(user=leader, institution=gops_mirzec, role=Role.SOCIAL_WORKER).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == leader


def test_it_refuses_a_signed_in_person_whose_address_differs(client, invited, login_as):
    invitation, link = invited()
    login_as("gops.oksa")

    response = client.post(open_link(client, link))

    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Membership.objects.filter(user__username="gops.oksa", institution=invitation.institution).exists()


def test_it_refuses_a_duplicate_membership_and_keeps_the_invitation(client, invited, login_as, persona, gops_mirzec):
    colleague = persona("kolega.mirzec")
    invitation, link = invited(email=colleague.email, role=Role.FAMILY_ASSISTANT)
    # Meanwhile the manager gave the colleague that role directly.
    Membership.objects.create(user=colleague, institution=gops_mirzec, role=Role.FAMILY_ASSISTANT)
    login_as("kolega.mirzec")
    before = Membership.objects.count()

    response = client.post(open_link(client, link))

    assert response.status_code == 409
    assert Membership.objects.count() == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_it_records_every_membership_change_in_the_audit_log(client, invited, persona):
    before = AuditEvent.objects.filter(action=AuditAction.PERMISSION_CHANGE).count()
    _invitation, link = invited()
    client.post(open_link(client, link), NEW_ACCOUNT)

    events = AuditEvent.objects.filter(action=AuditAction.PERMISSION_CHANGE).order_by("id")
    assert [e.details["event"] for e in events[before:]] == ["invite", "accept"]


# --- the service keeps its own rules --------------------------------------------------------


def new_account(invitation: Invitation, **changes: str) -> dict[str, object]:
    values = {"username": "nowa.osoba", "first_name": "Zofia", "last_name": "Nowicka", "password": "Dluga-fraza-42"}
    return {"invitation": invitation, **values, **changes}


def test_it_never_makes_a_second_account_for_an_address_that_has_one(invited, persona):
    colleague = persona("kolega.mirzec")
    invitation, _link = invited(email=colleague.email.upper(), role=Role.FAMILY_ASSISTANT)
    before = users()

    with pytest.raises(AccountExists):
        accept_invitation_as_new_user(**new_account(invitation))  # type: ignore[arg-type]

    assert users() == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_it_turns_a_username_taken_meanwhile_into_a_message_not_a_server_error(invited, make_member, gops_oksa):
    invitation, _link = invited()
    make_member(gops_oksa, username="nowa.osoba", email="ktos@test.example")
    before = users()

    with pytest.raises(ValidationError) as error:
        accept_invitation_as_new_user(**new_account(invitation))  # type: ignore[arg-type]

    assert list(error.value.message_dict) == ["username"]
    assert users() == before
    assert find_invitation(_link.rstrip("/").rsplit("/", 1)[1]).accepted_at is None


def test_it_answers_a_username_race_with_the_form_again(client, invited, make_member, gops_oksa, monkeypatch):
    _invitation, link = invited()
    page = open_link(client, link)
    # The form's own check ran before the other person's account was saved.
    monkeypatch.setattr(forms.NewAccountForm, "clean_username", lambda form: form.cleaned_data["username"])
    make_member(gops_oksa, username=NEW_ACCOUNT["username"], email="ktos@test.example")

    response = client.post(page, NEW_ACCOUNT)

    assert response.status_code == 400
    assert polish("This username was taken a moment ago: choose another.") in response.content.decode()
