"""The staff page: a manager (or the administrator) invites, changes roles, ends memberships."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, InstitutionKind, Invitation, Membership
from kooperacja.institutions.services import change_role, invite_staff, revoke_membership
from kooperacja.institutions.tests.conftest import polish

pytestmark = pytest.mark.django_db


def staff_url(institution, name="institutions:staff", *extra) -> str:
    return reverse(name, args=[institution.public_id, *extra])


def membership_of(persona, username: str, role: str) -> Membership:
    return Membership.objects.active().get(user=persona(username), role=role)


def permission_events() -> int:
    return AuditEvent.objects.filter(action=AuditAction.PERMISSION_CHANGE).count()


# --- who may open it --------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["lider.mirzec", "admin"])
def test_it_shows_the_staff_to_the_manager_and_the_administrator(client, login_as, gops_mirzec, username):
    login_as(username)

    response = client.get(staff_url(gops_mirzec))

    assert response.status_code == 200
    assert {m.user.username for m, _may_change in response.context["staff"]} >= {
        "gops.mirzec",
        "kolega.mirzec",
        "lider.mirzec",
    }


@pytest.mark.parametrize("username", ["gops.mirzec", "asystent.mirzec"])
def test_it_forbids_the_staff_page_to_members_who_are_not_managers(client, login_as, gops_mirzec, username):
    login_as(username)

    assert client.get(staff_url(gops_mirzec)).status_code == 403


@pytest.mark.parametrize("username", ["gops.oksa", "szkola.mirzec", "rops.kielce"])
def test_it_hides_the_staff_page_from_other_institutions(client, login_as, gops_mirzec, username):
    login_as(username)

    assert client.get(staff_url(gops_mirzec)).status_code == 404


def test_it_hides_another_institutions_staff_from_a_manager(client, login_as, gops_oksa):
    login_as("lider.mirzec")

    assert client.get(staff_url(gops_oksa)).status_code == 404


def test_it_sends_an_anonymous_visitor_to_sign_in(client, gops_mirzec):
    response = client.get(staff_url(gops_mirzec))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_answers_wrong_method_on_each_staff_url(client, login_as, gops_mirzec, persona):
    login_as("lider.mirzec")
    membership = membership_of(persona, "kolega.mirzec", Role.SOCIAL_WORKER)

    assert client.post(staff_url(gops_mirzec)).status_code == 405
    assert client.get(staff_url(gops_mirzec, "institutions:invite")).status_code == 405
    assert client.get(staff_url(gops_mirzec, "institutions:change_role", membership.public_id)).status_code == 405
    assert client.get(staff_url(gops_mirzec, "institutions:revoke", membership.public_id)).status_code == 405
    assert client.get(staff_url(gops_mirzec, "institutions:cancel_invitation", uuid.uuid4())).status_code == 405


@pytest.mark.parametrize("extra", [0, 40])
def test_it_needs_as_many_queries_for_a_large_staff_as_for_a_small_one(
    client, login_as, persona, gops_mirzec, make_member, django_assert_max_num_queries, extra
):
    leader = persona("lider.mirzec")
    for n in range(extra):
        make_member(gops_mirzec, Role.SOCIAL_WORKER)
        Invitation.objects.create(
            token_hash=f"{n:064d}",
            email=f"osoba{n}@test.example",
            institution=gops_mirzec,
            role=Role.SOCIAL_WORKER,
            invited_by=leader,
            expires_at="2099-01-01T00:00:00Z",
        )
    login_as("lider.mirzec")

    with django_assert_max_num_queries(16):
        response = client.get(staff_url(gops_mirzec))

    assert response.status_code == 200


# --- inviting ---------------------------------------------------------------------------------


def test_it_sends_an_invitation_storing_only_a_hash_of_the_link(client, login_as, gops_mirzec, mailoutbox):
    login_as("lider.mirzec")
    events = permission_events()

    response = client.post(
        staff_url(gops_mirzec, "institutions:invite"), {"email": "nowa.osoba@test.example", "role": Role.SOCIAL_WORKER}
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="nowa.osoba@test.example")
    assert (invitation.institution, invitation.role, invitation.invited_by.username) == (
        gops_mirzec,
        Role.SOCIAL_WORKER,
        "lider.mirzec",
    )
    [mail] = mailoutbox
    assert mail.to == ["nowa.osoba@test.example"]
    link = next(word for word in mail.body.split() if "/institutions/invitations/" in word)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert gops_mirzec.name in mail.subject
    assert link in mail.alternatives[0][0]
    assert permission_events() == events + 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "to nie jest adres", "role": Role.SOCIAL_WORKER}, "email"),
        ({"email": "nowa@test.example", "role": "wizard"}, "role"),
        ({"email": "nowa@test.example", "role": Role.ADMIN}, "role"),
        ({"email": "nowa@test.example", "role": Role.REGIONAL_ANALYST}, "role"),
        ({"email": "", "role": Role.SOCIAL_WORKER}, "email"),
    ],
)
def test_it_refuses_a_bad_invitation_and_sends_nothing(client, login_as, gops_mirzec, mailoutbox, data, field):
    login_as("lider.mirzec")

    response = client.post(staff_url(gops_mirzec, "institutions:invite"), data)

    assert response.status_code == 400
    assert response.context["invite_form"].errors[field]
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_it_lets_the_administrator_invite_a_platform_administrator_to_the_operator(client, login_as, mailoutbox):
    operator = Institution.objects.get(kind=InstitutionKind.OTHER, short_name="Operator platformy")
    login_as("admin")

    response = client.post(
        staff_url(operator, "institutions:invite"), {"email": "nowy.admin@test.example", "role": Role.ADMIN}
    )

    assert response.status_code == 302
    assert Invitation.objects.get().role == Role.ADMIN


def test_it_refuses_the_administrator_role_in_a_gops_even_to_the_administrator(
    client, login_as, persona, gops_mirzec, mailoutbox
):
    login_as("admin")

    response = client.post(
        staff_url(gops_mirzec, "institutions:invite"), {"email": "nowy.admin@test.example", "role": Role.ADMIN}
    )

    assert response.status_code == 400
    assert polish("Choose one of the roles on the list.") in response.content.decode()
    with pytest.raises(ValidationError):
        invite_staff(persona("admin"), gops_mirzec, "nowy.admin@test.example", Role.ADMIN)
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_it_refuses_to_invite_someone_who_already_has_the_role(client, login_as, persona, gops_mirzec, mailoutbox):
    login_as("lider.mirzec")
    colleague = persona("kolega.mirzec")

    response = client.post(
        staff_url(gops_mirzec, "institutions:invite"), {"email": colleague.email.upper(), "role": Role.SOCIAL_WORKER}
    )

    assert response.status_code == 400
    assert polish("A person with this e-mail address already works here in this role.") in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_it_refuses_a_second_invitation_while_one_is_waiting(client, login_as, gops_mirzec, mailoutbox):
    login_as("lider.mirzec")
    data = {"email": "nowa@test.example", "role": Role.SOCIAL_WORKER}
    client.post(staff_url(gops_mirzec, "institutions:invite"), data)

    response = client.post(staff_url(gops_mirzec, "institutions:invite"), data)

    assert response.status_code == 400
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1


def test_it_keeps_a_manager_from_inviting_to_another_institution(client, login_as, persona, gops_oksa, mailoutbox):
    login_as("lider.mirzec")

    response = client.post(
        staff_url(gops_oksa, "institutions:invite"), {"email": "intruz@test.example", "role": Role.MANAGER}
    )

    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        invite_staff(persona("lider.mirzec"), gops_oksa, "intruz@test.example", Role.MANAGER)
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_it_forbids_a_member_who_is_not_a_manager_to_invite(client, login_as, gops_mirzec, mailoutbox):
    login_as("gops.mirzec")

    response = client.post(
        staff_url(gops_mirzec, "institutions:invite"), {"email": "nowa@test.example", "role": Role.SOCIAL_WORKER}
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


# --- changing roles ---------------------------------------------------------------------------


def test_it_changes_a_members_role_keeping_the_history(client, login_as, persona, gops_mirzec):
    login_as("lider.mirzec")
    old = membership_of(persona, "kolega.mirzec", Role.SOCIAL_WORKER)
    events = permission_events()

    response = client.post(
        staff_url(gops_mirzec, "institutions:change_role", old.public_id), {"role": Role.FAMILY_ASSISTANT}
    )

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert membership_of(persona, "kolega.mirzec", Role.FAMILY_ASSISTANT).institution == gops_mirzec
    event = AuditEvent.objects.filter(action=AuditAction.PERMISSION_CHANGE).order_by("-id")[0]
    assert permission_events() == events + 1
    assert event.details["from"] == Role.SOCIAL_WORKER
    assert event.details["to"] == Role.FAMILY_ASSISTANT
    assert event.institution_id == gops_mirzec.pk


def test_it_refuses_giving_the_role_a_member_already_has(client, login_as, persona, gops_mirzec):
    login_as("lider.mirzec")
    membership = membership_of(persona, "kolega.mirzec", Role.SOCIAL_WORKER)

    response = client.post(
        staff_url(gops_mirzec, "institutions:change_role", membership.public_id), {"role": Role.SOCIAL_WORKER}
    )

    assert response.status_code == 400
    assert polish("This person already has this role.") in response.content.decode()
    membership.refresh_from_db()
    assert membership.revoked_at is None


@pytest.mark.parametrize("role", ["wizard", Role.ADMIN, ""])
def test_it_refuses_a_role_the_manager_may_not_give(client, login_as, persona, gops_mirzec, role):
    login_as("lider.mirzec")
    membership = membership_of(persona, "kolega.mirzec", Role.SOCIAL_WORKER)

    response = client.post(staff_url(gops_mirzec, "institutions:change_role", membership.public_id), {"role": role})

    assert response.status_code == 400
    assert membership_of(persona, "kolega.mirzec", Role.SOCIAL_WORKER) == membership


def test_it_hides_memberships_of_other_institutions_behind_this_ones_url(client, login_as, persona, gops_mirzec):
    login_as("lider.mirzec")
    oksa = membership_of(persona, "gops.oksa", Role.SOCIAL_WORKER)

    response = client.post(staff_url(gops_mirzec, "institutions:change_role", oksa.public_id), {"role": Role.MANAGER})

    assert response.status_code == 404
    assert membership_of(persona, "gops.oksa", Role.SOCIAL_WORKER) == oksa


def test_it_keeps_a_manager_from_changing_another_institutions_staff(persona):
    oksa = membership_of(persona, "gops.oksa", Role.SOCIAL_WORKER)

    with pytest.raises(PermissionDenied):
        change_role(persona("lider.mirzec"), oksa, Role.MANAGER)
    with pytest.raises(PermissionDenied):
        revoke_membership(persona("lider.mirzec"), oksa)

    assert membership_of(persona, "gops.oksa", Role.SOCIAL_WORKER) == oksa


def test_it_refuses_a_manager_stepping_down_when_no_other_manager_remains(client, login_as, persona, gops_mirzec):
    login_as("lider.mirzec")
    own = membership_of(persona, "lider.mirzec", Role.MANAGER)

    response = client.post(
        staff_url(gops_mirzec, "institutions:change_role", own.public_id), {"role": Role.SOCIAL_WORKER}
    )

    assert response.status_code == 400
    assert (
        polish(
            "You are the only manager of this institution. If you gave up this role, no one could invite staff or "
            "change their roles here. Make someone else a manager first."
        )
        in response.content.decode()
    )
    assert membership_of(persona, "lider.mirzec", Role.MANAGER) == own


# --- ending memberships -----------------------------------------------------------------------


def test_it_ends_a_membership_at_once(client, login_as, persona, gops_mirzec):
    login_as("lider.mirzec")
    membership = membership_of(persona, "kolega.mirzec", Role.SOCIAL_WORKER)
    events = permission_events()

    response = client.post(staff_url(gops_mirzec, "institutions:revoke", membership.public_id))

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.revoked_at is not None
    assert not persona("kolega.mirzec").memberships.active().exists()
    assert permission_events() == events + 1


def test_it_refuses_a_manager_revoking_their_own_last_manager_membership(client, login_as, persona, gops_mirzec):
    login_as("lider.mirzec")
    own = membership_of(persona, "lider.mirzec", Role.MANAGER)
    events = permission_events()

    response = client.post(staff_url(gops_mirzec, "institutions:revoke", own.public_id))

    assert response.status_code == 400
    assert (
        polish(
            "You are the only manager of this institution. If you gave up this role, no one could invite staff or "
            "change their roles here. Make someone else a manager first."
        )
        in response.content.decode()
    )
    own.refresh_from_db()
    assert own.revoked_at is None
    assert permission_events() == events


def test_it_lets_a_manager_step_down_once_another_manager_is_there(client, login_as, persona, gops_mirzec, make_member):
    make_member(gops_mirzec, Role.MANAGER)
    login_as("lider.mirzec")
    own = membership_of(persona, "lider.mirzec", Role.MANAGER)

    response = client.post(staff_url(gops_mirzec, "institutions:revoke", own.public_id))

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    own.refresh_from_db()
    assert own.revoked_at is not None


def test_it_lets_the_administrator_end_the_managers_membership(client, login_as, persona, gops_mirzec):
    login_as("admin")
    leader = membership_of(persona, "lider.mirzec", Role.MANAGER)

    response = client.post(staff_url(gops_mirzec, "institutions:revoke", leader.public_id))

    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.revoked_at is not None


def test_it_forbids_a_member_who_is_not_a_manager_to_end_memberships(client, login_as, persona, gops_mirzec):
    login_as("gops.mirzec")
    membership = membership_of(persona, "kolega.mirzec", Role.SOCIAL_WORKER)

    response = client.post(staff_url(gops_mirzec, "institutions:revoke", membership.public_id))

    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.revoked_at is None


def test_it_answers_not_found_for_an_ended_or_unknown_membership(client, login_as, persona, gops_mirzec):
    login_as("lider.mirzec")
    membership = membership_of(persona, "kolega.mirzec", Role.SOCIAL_WORKER)
    client.post(staff_url(gops_mirzec, "institutions:revoke", membership.public_id))

    assert client.post(staff_url(gops_mirzec, "institutions:revoke", membership.public_id)).status_code == 404
    assert client.post(staff_url(gops_mirzec, "institutions:revoke", uuid.uuid4())).status_code == 404


# --- cancelling invitations -------------------------------------------------------------------


def test_it_cancels_a_waiting_invitation_once(client, login_as, persona, gops_mirzec, mailoutbox):
    invitation, _token = invite_staff(persona("lider.mirzec"), gops_mirzec, "nowa@test.example", Role.SOCIAL_WORKER)
    login_as("lider.mirzec")
    url = staff_url(gops_mirzec, "institutions:cancel_invitation", invitation.public_id)

    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None

    response = client.post(url)
    assert response.status_code == 400
    assert polish("This invitation was already accepted or cancelled.") in response.content.decode()


def test_it_keeps_a_manager_from_cancelling_another_institutions_invitation(
    client, login_as, persona, gops_oksa, make_member, mailoutbox
):
    oksa_manager = make_member(gops_oksa, Role.MANAGER).user
    invitation, _token = invite_staff(oksa_manager, gops_oksa, "nowa@test.example", Role.SOCIAL_WORKER)
    login_as("lider.mirzec")

    response = client.post(staff_url(gops_oksa, "institutions:cancel_invitation", invitation.public_id))

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None


def test_it_leaves_platform_wide_roles_to_the_administrator(client, login_as, persona, gops_mirzec, make_member):
    analyst = make_member(gops_mirzec, Role.REGIONAL_ANALYST)
    login_as("lider.mirzec")

    revoked = client.post(staff_url(gops_mirzec, "institutions:revoke", analyst.public_id))
    changed = client.post(
        staff_url(gops_mirzec, "institutions:change_role", analyst.public_id), {"role": Role.SOCIAL_WORKER}
    )

    assert (revoked.status_code, changed.status_code) == (403, 403)
    assert polish("Only the platform administrator can change or end this role.") in revoked.content.decode()
    with pytest.raises(PermissionDenied):
        revoke_membership(persona("lider.mirzec"), analyst)
    with pytest.raises(PermissionDenied):
        change_role(persona("lider.mirzec"), analyst, Role.SOCIAL_WORKER)
    analyst.refresh_from_db()
    assert analyst.revoked_at is None


@pytest.mark.parametrize(("days", "said"), [(1, "1 dzień"), (3, "3 dni")])
def test_it_says_in_polish_how_many_days_the_link_works(
    client, login_as, gops_mirzec, mailoutbox, settings, days, said
):
    settings.INVITATION_DAYS = days
    login_as("lider.mirzec")

    response = client.post(
        staff_url(gops_mirzec, "institutions:invite"),
        {"email": "nowa.osoba@test.example", "role": Role.SOCIAL_WORKER},
        follow=True,
        headers={"accept-language": "pl"},
    )

    assert f"Link jest ważny przez {said}." in response.content.decode()


# --- how the page reads -----------------------------------------------------------------------


def test_it_lists_each_person_in_one_row_with_small_links_to_change_or_end(client, login_as, persona, gops_mirzec):
    login_as("lider.mirzec")
    membership = membership_of(persona, "kolega.mirzec", Role.SOCIAL_WORKER)

    page = client.get(staff_url(gops_mirzec)).content.decode()

    assert "table-wrapper" not in page
    assert "button-danger" not in page
    assert "<select" not in page.split('id="staff-invite"')[0]
    assert f'href="{staff_url(gops_mirzec, "institutions:choose_role", membership.public_id)}"' in page
    assert f'href="{staff_url(gops_mirzec, "institutions:confirm_revoke", membership.public_id)}"' in page
    assert page.count("Piotr Nowakowski") == 3  # the row, and each link names the person to screen readers


def test_it_offers_no_change_of_a_platform_wide_role_to_a_manager(client, login_as, gops_mirzec, make_member):
    analyst = make_member(gops_mirzec, Role.REGIONAL_ANALYST)
    login_as("lider.mirzec")

    page = client.get(staff_url(gops_mirzec)).content.decode()

    assert str(analyst.public_id) not in page
    assert polish("Only the platform administrator changes this role.") in page


def test_it_shows_a_refused_invitation_in_an_error_summary_at_the_top_of_the_form(
    client, login_as, persona, gops_mirzec, mailoutbox
):
    login_as("lider.mirzec")
    colleague = persona("kolega.mirzec")

    response = client.post(
        staff_url(gops_mirzec, "institutions:invite"), {"email": colleague.email, "role": Role.SOCIAL_WORKER}
    )

    assert response.status_code == 400
    page = response.content.decode()
    summary = page.index('class="error-summary"')
    assert page.index('id="staff-invite"') < summary < page.index('name="email"')
    assert 'role="alert"' in page[summary - 200 : summary + 200]
    assert polish("The invitation was not sent") in page
    assert polish("A person with this e-mail address already works here in this role.") in page[summary:]
    # The answer opens at the summary, not at the top of the long page.
    assert f'action="{staff_url(gops_mirzec, "institutions:invite")}#invite-errors"' in page
    assert 'id="invite-errors"' in page
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_it_links_each_field_error_in_the_summary_to_its_field(client, login_as, gops_mirzec, mailoutbox):
    login_as("lider.mirzec")

    response = client.post(staff_url(gops_mirzec, "institutions:invite"), {"email": "zły adres", "role": ""})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_email"' in page
    assert 'href="#id_role"' in page


def test_it_lets_a_long_e_mail_address_wrap_on_a_narrow_screen(client, login_as, gops_mirzec, make_member):
    make_member(gops_mirzec, Role.SOCIAL_WORKER, email="aleksandra.konstantynopolitanczykiewicz@gops.mirzec.example")
    login_as("lider.mirzec")

    page = client.get(staff_url(gops_mirzec)).content.decode()

    assert "aleksandra.<wbr>konstantynopolitanczykiewicz@<wbr>gops.mirzec.example" in page
