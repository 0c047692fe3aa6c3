"""Which roles can be given where: the institution's kind fixes its roles (DESIGN.md §1)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from kooperacja.core.roles import Role
from kooperacja.institutions import tokens
from kooperacja.institutions.models import Institution, InstitutionKind, Invitation, Membership
from kooperacja.institutions.policies import grantable_roles
from kooperacja.institutions.services import change_role, invite_staff
from kooperacja.institutions.tests.conftest import institution, polish

pytestmark = pytest.mark.django_db

SOCIAL = {Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER}
PARTNER = {Role.PARTNER_STAFF, Role.MANAGER}
PARTNER_KINDS = [
    InstitutionKind.SCHOOL,
    InstitutionKind.KINDERGARTEN,
    InstitutionKind.HEALTH_CENTRE,
    InstitutionKind.POLICE_POST,
    InstitutionKind.PUP,
    InstitutionKind.COURT,
    InstitutionKind.LIBRARY_CULTURE,
    InstitutionKind.LOCAL_GOVERNMENT,
    InstitutionKind.NGO,
]


def offered(user, where: Institution) -> set[str]:
    return set(dict(grantable_roles(user, where)))


def manager_of(where: Institution, make_member) -> object:
    return make_member(where, Role.MANAGER).user


@pytest.mark.parametrize(
    ("kind", "by_manager", "by_admin"),
    [
        (InstitutionKind.GOPS, SOCIAL, SOCIAL),
        (InstitutionKind.PCPR, SOCIAL | {Role.ANIMATOR}, SOCIAL | {Role.ANIMATOR}),
        (InstitutionKind.ROPS, {Role.MANAGER}, {Role.MANAGER, Role.REGIONAL_ANALYST}),
        (InstitutionKind.OTHER, PARTNER, PARTNER | {Role.ADMIN}),
        *[(kind, PARTNER, PARTNER) for kind in PARTNER_KINDS],
    ],
)
def test_it_offers_the_roles_of_the_institutions_kind(
    persona, make_institution, make_member, kind, by_manager, by_admin
):
    where = make_institution(kind=kind, sector="")

    assert offered(manager_of(where, make_member), where) == by_manager
    assert offered(persona("admin"), where) == by_admin


def test_it_offers_only_the_roles_of_a_gops_on_its_staff_page(client, login_as, gops_mirzec):
    login_as("lider.mirzec")

    response = client.get(reverse("institutions:staff", args=[gops_mirzec.public_id]))

    choices = dict(response.context["invite_form"].fields["role"].choices)
    assert set(choices) == SOCIAL
    assert polish("partner institution staff") not in response.content.decode()


def test_it_offers_partner_roles_on_a_schools_staff_page(client, login_as, persona):
    login_as("admin")
    school = institution("PSP Mirzec")

    response = client.get(reverse("institutions:staff", args=[school.public_id]))

    assert set(dict(response.context["invite_form"].fields["role"].choices)) == PARTNER


def test_it_invites_an_animator_to_a_pcpr(persona, make_member, mailoutbox):
    pcpr = institution("PCPR Starachowice")
    manager = make_member(pcpr, Role.MANAGER).user

    invitation, _token = invite_staff(manager, pcpr, "animatorka@test.example", Role.ANIMATOR)

    assert invitation.role == Role.ANIMATOR


@pytest.mark.parametrize("role", [Role.PARTNER_STAFF, Role.ANIMATOR, "wizard"])
def test_it_refuses_inviting_to_a_gops_in_a_role_foreign_to_it(persona, gops_mirzec, mailoutbox, role):
    with pytest.raises(ValidationError) as error:
        invite_staff(persona("lider.mirzec"), gops_mirzec, "nowa@test.example", role)

    assert error.value.code == "role_not_of_kind"
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_it_names_the_kind_and_its_roles_in_polish_when_refusing(persona):
    school = institution("PSP Mirzec")
    colleague = Membership.objects.get(user=persona("szkola.mirzec"), role=Role.PARTNER_STAFF)

    with translation.override("pl"), pytest.raises(ValidationError) as error:
        change_role(persona("admin"), colleague, Role.SOCIAL_WORKER)

    message = error.value.messages[0]
    assert message.startswith("Pracownicy instytucji tego rodzaju (szkoła) nie mogą mieć tej roli.")
    assert "pracownik instytucji partnerskiej" in message
    assert Membership.objects.active().get(user=persona("szkola.mirzec")).role == Role.PARTNER_STAFF
    assert school.memberships.active().count() == 1


def test_it_refuses_changing_a_gops_workers_role_to_one_foreign_to_the_gops(client, login_as, persona, gops_mirzec):
    login_as("lider.mirzec")
    colleague = Membership.objects.active().get(user=persona("kolega.mirzec"))

    response = client.post(
        reverse("institutions:change_role", args=[gops_mirzec.public_id, colleague.public_id]),
        {"role": Role.PARTNER_STAFF},
    )

    assert response.status_code == 400
    assert polish("Choose one of the roles on the list.") in response.content.decode()
    assert Membership.objects.active().get(user=persona("kolega.mirzec")) == colleague


def test_it_leaves_the_regional_analyst_role_to_the_administrator(persona, make_member, mailoutbox):
    rops = institution("ROPS Kielce")
    manager = make_member(rops, Role.MANAGER).user

    with pytest.raises(PermissionDenied):
        invite_staff(manager, rops, "analityk@test.example", Role.REGIONAL_ANALYST)
    assert not Invitation.objects.exists()

    invitation, _token = invite_staff(persona("admin"), rops, "analityk@test.example", Role.REGIONAL_ANALYST)
    assert invitation.role == Role.REGIONAL_ANALYST


def test_it_lets_a_rops_manager_invite_another_manager(make_member, mailoutbox):
    rops = institution("ROPS Kielce")
    manager = make_member(rops, Role.MANAGER).user

    invitation, _token = invite_staff(manager, rops, "kierownik@test.example", Role.MANAGER)

    assert invitation.role == Role.MANAGER


def test_it_gives_the_administrator_role_only_in_the_platform_operator(persona, gops_mirzec, mailoutbox):
    admin = persona("admin")
    operator = Membership.objects.get(user=admin, role=Role.ADMIN).institution

    with pytest.raises(ValidationError):
        invite_staff(admin, gops_mirzec, "admin2@test.example", Role.ADMIN)
    invitation, _token = invite_staff(admin, operator, "admin2@test.example", Role.ADMIN)

    assert invitation.institution == operator


def test_it_never_lets_a_manager_give_the_administrator_role(make_institution, make_member, mailoutbox):
    operator_like = make_institution(kind=InstitutionKind.OTHER, sector="")
    manager = make_member(operator_like, Role.MANAGER).user

    with pytest.raises(PermissionDenied):
        invite_staff(manager, operator_like, "admin2@test.example", Role.ADMIN)
    assert not Invitation.objects.exists()


def test_it_offers_api_clients_the_roles_of_the_institutions_kind(persona, gops_mirzec):
    assert dict(tokens.client_roles(persona("lider.mirzec"), gops_mirzec)).keys() == SOCIAL
    assert Role.ADMIN not in dict(tokens.client_roles(persona("admin"), institution("Operator platformy")))
