"""Founding teams, members and their history, and team documents (teams/services.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext, override

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.core.roles import Role
from kooperacja.institutions.models import InstitutionKind, Membership
from kooperacja.teams import services
from kooperacja.teams.models import Team, TeamDocument, TeamMember, TeamRole
from kooperacja.teams.tests.factories import MIRZEC, institution_of, make_meeting, make_team, user
from kooperacja.territory.models import Municipality

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TODAY = timezone.localdate


def polish(message: str) -> str:
    with override("pl"):
        return gettext(message)


def refusal_text(refusal: ValidationError) -> str:
    return " ".join(str(message) for message in refusal.messages)


def gmina(code: str = MIRZEC) -> Municipality:
    return Municipality.objects.select_related("county").get(code=code)


def oksa() -> Municipality:
    return Municipality.objects.get(institutions__kind=InstitutionKind.GOPS, name="Oksa")


def make_animator(username: str = "pcpr.starachowice") -> object:
    """Give the persona the `animator` membership role in its (powiat) institution."""
    person = user(username)
    Membership.objects.create(user=person, institution=institution_of(username), role=Role.ANIMATOR)
    return user(username)  # fresh, without cached memberships


# --- Founding a team ---------------------------------------------------------------------------


def test_it_lets_a_manager_found_the_team_of_their_gmina_and_makes_them_its_leader():
    leader = user("lider.mirzec")
    team = services.create_team(leader, municipality=gmina(), name="G-PZK Nowy", purpose="Seniorzy")
    assert team.county == gmina().county
    member = TeamMember.objects.get(team=team)
    assert (member.user, member.role, member.institution) == (leader, TeamRole.LEADER, institution_of("lider.mirzec"))
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(team.public_id)).exists()


def test_it_refuses_a_manager_founding_a_team_in_another_gmina():
    with pytest.raises(ValidationError) as refused:
        services.create_team(user("lider.mirzec"), municipality=oksa(), name="G-PZK Oksa 2", purpose="")
    assert "municipality" in refused.value.error_dict
    assert not Team.objects.filter(name="G-PZK Oksa 2").exists()


def test_it_lets_an_animator_found_teams_only_in_the_gminas_of_their_powiat():
    animator = make_animator()
    team = services.create_team(animator, municipality=gmina(), name="G-PZK animowany", purpose="")
    assert TeamMember.objects.get(team=team).role == TeamRole.ANIMATOR
    with pytest.raises(ValidationError):
        services.create_team(animator, municipality=oksa(), name="G-PZK obcy", purpose="")


def test_it_lets_a_platform_administrator_found_a_team_anywhere_without_joining_it():
    team = services.create_team(user("admin"), municipality=oksa(), name="G-PZK Oksa nowy", purpose="")
    assert not TeamMember.objects.filter(team=team).exists()


def test_it_refuses_workers_who_neither_manage_nor_animate():
    assert not services.may_create_teams(user("gops.mirzec"))
    with pytest.raises(ValidationError):
        services.create_team(user("gops.mirzec"), municipality=gmina(), name="G-PZK x", purpose="")


def test_it_refuses_a_second_team_of_the_same_name_in_a_gmina():
    make_team(name="G-PZK Mirzec testowy")
    with pytest.raises(ValidationError) as refused:
        services.create_team(user("admin"), municipality=gmina(), name="g-pzk mirzec testowy", purpose="")
    assert polish("This gmina already has a team of this name. Choose another name.") in refusal_text(refused.value)
    assert Team.objects.filter(municipality=gmina(), name__iexact="G-PZK Mirzec testowy").count() == 1


def test_it_updates_a_team_and_refuses_a_stale_version():
    team = make_team()
    services.update_team(user("lider.mirzec"), team, team.version, purpose="Nowy cel", is_active=False)
    team.refresh_from_db()
    assert (team.purpose, team.is_active, team.version) == ("Nowy cel", False, 2)
    with pytest.raises(services.StaleTeam):
        services.update_team(user("lider.mirzec"), team, 1, purpose="Stary")
    team.refresh_from_db()
    assert team.purpose == "Nowy cel"


# --- Members -----------------------------------------------------------------------------------


def test_it_adds_a_representative_of_an_institution_of_the_powiat():
    team = make_team(members=())
    member = services.add_member(
        user("lider.mirzec"), team, institution=institution_of("szkola.mirzec"), user=user("szkola.mirzec")
    )
    assert member.role == TeamRole.MEMBER
    assert member.joined_on == TODAY()
    assert services.is_member_on(team, user("szkola.mirzec"), TODAY())
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_CHANGE, object_id=str(member.public_id)).exists()


def test_it_refuses_a_person_who_is_not_staff_of_the_chosen_institution():
    team = make_team(members=())
    with pytest.raises(ValidationError) as refused:
        services.add_member(
            user("lider.mirzec"), team, institution=institution_of("szkola.mirzec"), user=user("policja.mirzec")
        )
    assert "user" in refused.value.error_dict
    assert not TeamMember.objects.filter(team=team, user=user("policja.mirzec")).exists()


def test_it_refuses_a_person_already_in_the_team():
    team = make_team()
    with pytest.raises(ValidationError) as refused:
        services.add_member(
            user("lider.mirzec"), team, institution=institution_of("szkola.mirzec"), user=user("szkola.mirzec")
        )
    assert polish("This person is already a member of the team.") in refusal_text(refused.value)
    assert TeamMember.objects.filter(team=team, user=user("szkola.mirzec")).count() == 1


def test_it_refuses_an_institution_already_a_member_without_a_representative():
    team = make_team(members=())
    school = institution_of("szkola.mirzec")
    services.add_member(user("lider.mirzec"), team, institution=school)
    with pytest.raises(ValidationError):
        services.add_member(user("lider.mirzec"), team, institution=school)
    assert TeamMember.objects.filter(team=team, institution=school).count() == 1


def test_it_refuses_an_institution_of_another_powiat():
    team = make_team()
    with pytest.raises(ValidationError) as refused:
        services.add_member(user("lider.mirzec"), team, institution=institution_of("gops.oksa"), user=user("gops.oksa"))
    assert "institution" in refused.value.error_dict
    assert not TeamMember.objects.filter(team=team, user=user("gops.oksa")).exists()


def test_it_lets_a_regional_institution_of_the_voivodeship_join():
    team = make_team()
    member = services.add_member(
        user("lider.mirzec"), team, institution=institution_of("rops.kielce"), user=user("rops.kielce")
    )
    assert member.pk


def test_it_refuses_a_joining_date_in_the_future():
    team = make_team(members=())
    with pytest.raises(ValidationError):
        services.add_member(
            user("lider.mirzec"), team, institution=institution_of("szkola.mirzec"), joined_on=TODAY() + dt.timedelta(1)
        )


def test_it_changes_a_members_team_role():
    team = make_team()
    member = TeamMember.objects.get(team=team, user=user("szkola.mirzec"))
    services.change_member_role(user("lider.mirzec"), member, TeamRole.ANIMATOR)
    member.refresh_from_db()
    assert member.role == TeamRole.ANIMATOR


def test_it_ends_a_membership_and_keeps_it_in_the_history():
    team = make_team()
    member = TeamMember.objects.get(team=team, user=user("szkola.mirzec"))
    yesterday = TODAY() - dt.timedelta(days=1)
    services.end_membership(user("lider.mirzec"), member, yesterday)
    member.refresh_from_db()
    assert member.left_on == yesterday
    assert not services.is_member_on(team, user("szkola.mirzec"), TODAY())
    assert services.is_member_on(team, user("szkola.mirzec"), yesterday - dt.timedelta(days=1))
    # Once left, the person may join again as a new membership.
    again = services.add_member(
        user("lider.mirzec"), team, institution=institution_of("szkola.mirzec"), user=user("szkola.mirzec")
    )
    assert again.pk != member.pk


def test_it_refuses_leaving_before_joining():
    team = make_team()
    member = TeamMember.objects.get(team=team, user=user("szkola.mirzec"))
    with pytest.raises(ValidationError) as refused:
        services.end_membership(user("lider.mirzec"), member, member.joined_on - dt.timedelta(days=1))
    assert "left_on" in refused.value.error_dict
    member.refresh_from_db()
    assert member.left_on is None


def test_it_refuses_ending_a_membership_twice():
    team = make_team()
    member = TeamMember.objects.get(team=team, user=user("szkola.mirzec"))
    services.end_membership(user("lider.mirzec"), member)
    with pytest.raises(ValidationError):
        services.end_membership(user("lider.mirzec"), member)


# --- Documents ---------------------------------------------------------------------------------


def test_it_keeps_a_document_of_the_team_with_its_checksum():
    team = make_team()
    document = services.add_document(
        user("lider.mirzec"), team, SimpleUploadedFile("protokol.pdf", PDF_BYTES), title=" Protokół "
    )
    assert (document.title, document.content_type, document.size) == ("Protokół", "application/pdf", len(PDF_BYTES))
    assert document.file.read() == PDF_BYTES


def test_it_attaches_a_document_to_a_meeting_of_the_team_only():
    team, other = make_team(), make_team()
    meeting = make_meeting(team)
    attached = services.add_document(
        user("lider.mirzec"), team, SimpleUploadedFile("lista.pdf", PDF_BYTES), title="Lista", meeting=meeting
    )
    assert attached.meeting == meeting
    with pytest.raises(ValidationError):
        services.add_document(
            user("lider.mirzec"), other, SimpleUploadedFile("lista.pdf", PDF_BYTES), title="Lista", meeting=meeting
        )


def test_it_refuses_a_disguised_file_and_a_missing_title():
    team = make_team()
    with pytest.raises(ValidationError):
        services.add_document(user("lider.mirzec"), team, SimpleUploadedFile("x.pdf", b"MZ not a pdf"), title="X")
    with pytest.raises(ValidationError):
        services.add_document(user("lider.mirzec"), team, SimpleUploadedFile("x.pdf", PDF_BYTES), title="  ")
    assert not TeamDocument.objects.filter(team=team).exists()
