"""The pages that ask before a staff change: choosing a new role, confirming the end of a role."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from kooperacja.core.roles import Role
from kooperacja.institutions.models import Membership
from kooperacja.institutions.tests.conftest import polish

pytestmark = pytest.mark.django_db

PAGES = ["institutions:choose_role", "institutions:confirm_revoke"]
OTHER_GOPS_MIRZEC_STAFF = ["gops.mirzec", "kolega.mirzec", "asystent.mirzec"]
OUTSIDERS = ["gops.oksa", "pcpr.starachowice", "szkola.mirzec", "policja.mirzec", "rops.kielce", "rops.rzeszow"]


def colleague(persona) -> Membership:
    return Membership.objects.active().get(user=persona("kolega.mirzec"))


def page_url(name: str, membership: Membership) -> str:
    return reverse(name, args=[membership.institution.public_id, membership.public_id])


# --- who may open them ------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("username", ["admin", "lider.mirzec"])
def test_it_shows_each_page_to_the_manager_and_the_administrator(client, login_as, persona, name, username):
    login_as(username)

    response = client.get(page_url(name, colleague(persona)))

    assert response.status_code == 200
    assert "Piotr Nowakowski" in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("username", OTHER_GOPS_MIRZEC_STAFF)
def test_it_forbids_each_page_to_the_other_staff_of_the_institution(client, login_as, persona, name, username):
    login_as(username)

    assert client.get(page_url(name, colleague(persona))).status_code == 403


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("username", OUTSIDERS)
def test_it_hides_each_page_from_everyone_outside_the_institution(client, login_as, persona, name, username):
    login_as(username)

    assert client.get(page_url(name, colleague(persona))).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_it_sends_an_anonymous_visitor_to_sign_in(client, persona, name):
    response = client.get(page_url(name, colleague(persona)))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_it_answers_wrong_method_and_changes_nothing(client, login_as, persona, name):
    login_as("lider.mirzec")
    membership = colleague(persona)

    assert client.post(page_url(name, membership)).status_code == 405
    assert colleague(persona) == membership


@pytest.mark.parametrize("name", PAGES)
def test_it_answers_not_found_for_an_unknown_or_ended_membership(client, login_as, persona, gops_mirzec, name):
    login_as("lider.mirzec")
    membership = colleague(persona)
    client.post(page_url("institutions:revoke", membership))

    assert client.get(page_url(name, membership)).status_code == 404
    assert client.get(reverse(name, args=[gops_mirzec.public_id, uuid.uuid4()])).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_it_tells_a_manager_that_a_platform_wide_role_is_the_administrators(
    client, login_as, gops_mirzec, make_member, name
):
    analyst = make_member(gops_mirzec, Role.REGIONAL_ANALYST)
    login_as("lider.mirzec")

    response = client.get(page_url(name, analyst))

    assert response.status_code == 403
    assert polish("Only the platform administrator can change or end this role.") in response.content.decode()
    assert "<form" not in response.content.decode().split("<main", 1)[1]


# --- ending a membership ----------------------------------------------------------------------


def test_it_asks_before_ending_a_membership_and_changes_nothing_yet(client, login_as, persona):
    login_as("lider.mirzec")
    membership = colleague(persona)

    response = client.get(page_url("institutions:confirm_revoke", membership))

    page = response.content.decode()
    assert f'action="{page_url("institutions:revoke", membership)}"' in page
    assert polish("social worker") in page
    assert "Gminny Ośrodek Pomocy Społecznej w Mircu" in page
    assert polish("Yes, end this role") in page
    assert f'href="{reverse("institutions:staff", args=[membership.institution.public_id])}"' in page
    membership.refresh_from_db()
    assert membership.revoked_at is None


def test_it_ends_the_membership_from_the_confirmation_page(client, login_as, persona):
    login_as("lider.mirzec")
    membership = colleague(persona)
    confirmation = client.get(page_url("institutions:confirm_revoke", membership))
    assert confirmation.status_code == 200

    response = client.post(page_url("institutions:revoke", membership), follow=True)

    assert response.redirect_chain[-1][0] == reverse("institutions:staff", args=[membership.institution.public_id])
    membership.refresh_from_db()
    assert membership.revoked_at is not None


def test_it_warns_a_manager_ending_their_own_role(client, login_as, persona, gops_mirzec, make_member):
    make_member(gops_mirzec, Role.MANAGER)
    login_as("lider.mirzec")
    own = Membership.objects.active().get(user=persona("lider.mirzec"))

    response = client.get(page_url("institutions:confirm_revoke", own))

    assert polish("This is your own role: you will lose it too.") in response.content.decode()
    assert (
        polish("This is your own role: you will lose it too.")
        not in client.get(page_url("institutions:confirm_revoke", colleague(persona))).content.decode()
    )


def test_it_explains_a_refusal_on_the_confirmation_page(client, login_as, persona):
    login_as("lider.mirzec")
    own = Membership.objects.active().get(user=persona("lider.mirzec"))

    response = client.post(page_url("institutions:revoke", own))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert polish("The membership was not ended") in page
    own.refresh_from_db()
    assert own.revoked_at is None


# --- choosing a new role ----------------------------------------------------------------------


def test_it_offers_the_roles_of_the_institution_with_the_current_one_chosen(client, login_as, persona):
    login_as("lider.mirzec")
    membership = colleague(persona)

    response = client.get(page_url("institutions:choose_role", membership))

    form = response.context["form"]
    assert set(dict(form.fields["role"].choices)) == {Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER}
    assert form["role"].value() == Role.SOCIAL_WORKER
    assert f'action="{page_url("institutions:change_role", membership)}"' in response.content.decode()


def test_it_changes_the_role_from_the_page(client, login_as, persona):
    login_as("lider.mirzec")
    membership = colleague(persona)

    response = client.post(page_url("institutions:change_role", membership), {"role": Role.FAMILY_ASSISTANT})

    assert response.status_code == 302
    assert Membership.objects.active().get(user=persona("kolega.mirzec")).role == Role.FAMILY_ASSISTANT


@pytest.mark.parametrize("role", ["", "wizard", Role.ADMIN, Role.PARTNER_STAFF])
def test_it_shows_a_refused_role_in_an_error_summary_and_changes_nothing(client, login_as, persona, role):
    login_as("lider.mirzec")
    membership = colleague(persona)

    response = client.post(page_url("institutions:change_role", membership), {"role": role})

    assert response.status_code == 400
    page = response.content.decode()
    assert page.index('class="error-summary"') < page.index('name="role"')
    assert polish("Choose one of the roles on the list.") in page
    assert colleague(persona) == membership
