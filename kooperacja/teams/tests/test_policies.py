"""Who sees and runs a team (teams/policies.py), persona by persona, for a Mirzec team led by
lider.mirzec, animated by pcpr.starachowice, with policja.mirzec and szkola.mirzec as members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from kooperacja.core.roles import Role
from kooperacja.institutions.models import Membership
from kooperacja.teams import policies
from kooperacja.teams.models import Agreement, AgreementParty, Obligation, PartyKind, TeamMember, TeamRole
from kooperacja.teams.tests.factories import add_member, institution_of, make_task, make_team, user

pytestmark = pytest.mark.django_db

OKSA = "2602052"  # a gmina of another powiat (jędrzejowski)

# persona -> (sees the team, runs it, is a named member, sees workload)
EXPECTED = {
    "admin": (True, True, False, True),
    "gops.mirzec": (True, False, False, False),
    "kolega.mirzec": (True, False, False, False),
    "asystent.mirzec": (True, False, False, False),
    "lider.mirzec": (True, True, True, True),
    "pcpr.starachowice": (True, True, True, True),
    "szkola.mirzec": (True, False, True, False),
    "policja.mirzec": (True, False, True, False),
    "gops.oksa": (False, False, False, False),
    "rops.kielce": (False, False, False, False),
    "rops.rzeszow": (False, False, False, False),
}


@pytest.fixture
def team():
    return make_team()


@pytest.mark.parametrize(("username", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_each_persona_sees_and_runs_the_team_as_the_design_says(team, username, expected):
    sees, runs, named, workload = expected
    person = user(username)
    assert policies.visible_teams(person).filter(pk=team.pk).exists() is sees
    access = policies.team_access(person, team)
    if not sees:
        assert access is None
        return
    assert access is not None
    assert (access.runs, access.is_named_member, access.sees_workload) == (runs, named, workload)


def test_anonymous_sees_no_team(team):
    assert not policies.visible_teams(AnonymousUser()).exists()
    assert policies.team_access(AnonymousUser(), team) is None


def test_regional_analysts_do_not_use_teams_while_staff_do():
    assert not policies.uses_teams(user("rops.kielce"))
    assert policies.uses_teams(user("szkola.mirzec"))
    assert policies.uses_teams(user("admin"))


def test_staff_of_a_member_institution_see_it_only_while_the_institution_is_a_member(team):
    worker = user("gops.mirzec")
    leader = TeamMember.objects.get(team=team, user=user("lider.mirzec"))
    leader.left_on = timezone.localdate()
    leader.save()
    assert not policies.visible_teams(worker).filter(pk=team.pk).exists()
    assert policies.team_access(worker, team) is None


def test_a_member_who_left_no_longer_sees_the_team(team):
    member = TeamMember.objects.get(team=team, user=user("policja.mirzec"))
    member.left_on = timezone.localdate()
    member.save()
    assert policies.team_access(user("policja.mirzec"), team) is None


def test_a_member_joining_later_does_not_see_the_team_yet():
    team = make_team(members=())
    add_member(team, "policja.mirzec", joined_on=timezone.localdate() + dt.timedelta(days=5))
    assert policies.team_access(user("policja.mirzec"), team) is None


def test_an_animator_runs_every_team_of_their_powiat_without_joining():
    team = make_team(leader=None, animator=None, members=())
    oksa_team = make_team(OKSA, leader=None, animator=None)
    Membership.objects.create(
        user=user("pcpr.starachowice"), institution=institution_of("pcpr.starachowice"), role=Role.ANIMATOR
    )
    animator = user("pcpr.starachowice")
    access = policies.team_access(animator, team)
    assert access is not None and access.runs and not access.is_named_member
    assert policies.team_access(animator, oksa_team) is None


def test_a_leader_becomes_a_member_who_does_not_run_the_team_when_their_role_changes(team):
    member = TeamMember.objects.get(team=team, user=user("lider.mirzec"))
    member.role = TeamRole.MEMBER
    member.save()
    access = policies.team_access(user("lider.mirzec"), team)
    assert access is not None and not access.runs
    # A manager of a member institution still sees the workload.
    assert access.sees_workload


def test_it_answers_404_for_a_team_outside_the_users_scope(team):
    with pytest.raises(Http404):
        policies.get_team_for_user(user("gops.oksa"), team.public_id)
    with pytest.raises(Http404):
        policies.get_team_for_user(user("lider.mirzec"), "not-a-uuid")


def test_staff_of_the_responsible_institution_may_update_an_unnamed_task(team):
    task = make_task(team, owner=None, owner_institution=institution_of("szkola.mirzec"))
    school = user("szkola.mirzec")
    access = policies.team_access(school, team)
    assert access is not None and policies.may_update_task(school, task, access)
    police = user("policja.mirzec")
    police_access = policies.team_access(police, team)
    assert police_access is not None and not policies.may_update_task(police, task, police_access)


def test_a_member_is_found_by_its_public_id_only_within_its_own_team(team):
    member = TeamMember.objects.get(team=team, user=user("szkola.mirzec"))

    found, access = policies.get_member_for_user(user("lider.mirzec"), team.public_id, member.public_id)

    assert found == member and found.team == team and access.runs
    other = make_team()
    for who, team_id, member_id in [
        ("lider.mirzec", other.public_id, member.public_id),  # another team's address
        ("gops.oksa", team.public_id, member.public_id),  # a team outside the user's scope
        ("lider.mirzec", team.public_id, "not-a-uuid"),
        ("lider.mirzec", team.public_id, member.pk),
    ]:
        with pytest.raises(Http404):
            policies.get_member_for_user(user(who), team_id, member_id)


def test_an_obligation_is_found_through_its_agreements_team(team):
    agreement = Agreement.objects.create(team=team, title="Porozumienie", signed_on=dt.date(2020, 1, 1))
    party = AgreementParty.objects.create(
        agreement=agreement, kind=PartyKind.INSTITUTION, institution=institution_of("szkola.mirzec")
    )
    obligation = Obligation.objects.create(agreement=agreement, party=party, number=1, text="Udostępnić salę")

    found, access = policies.get_obligation_for_user(user("szkola.mirzec"), obligation.public_id)

    assert found == obligation and found.agreement.team == team and not access.runs
    with pytest.raises(Http404):
        policies.get_obligation_for_user(user("gops.oksa"), obligation.public_id)
