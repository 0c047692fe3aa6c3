"""Evidence links (core.evidence): what shows that an obligation was met."""

from __future__ import annotations

import datetime as dt

import pytest

from kooperacja.core import evidence
from kooperacja.teams.models import Agreement, AgreementParty, Obligation, PartyKind, Team
from kooperacja.teams.tests.factories import make_meeting, make_team, user

pytestmark = pytest.mark.django_db


def obligation_of(team: Team) -> Obligation:
    agreement = Agreement.objects.create(team=team, title="Porozumienie o współpracy", signed_on=dt.date(2018, 8, 20))
    party = AgreementParty.objects.create(agreement=agreement, kind=PartyKind.COUNTY, county=team.county)
    return Obligation.objects.create(agreement=agreement, party=party, text="Udział w spotkaniach zespołu")


def test_a_meeting_linked_as_evidence_is_shown_with_its_title_and_address():
    team = make_team()
    obligation = obligation_of(team)
    meeting = make_meeting(team, title="Warsztat: zasoby gminy")

    evidence.link(obligation, meeting, note="lista obecności", actor=user("lider.mirzec"))

    (shown,) = evidence.links_of(obligation)
    assert shown.title.startswith("Warsztat: zasoby gminy (")
    assert shown.url == f"/teams/meetings/{meeting.public_id}/"
    assert shown.link.note == "lista obecności"


def test_linking_the_same_evidence_twice_keeps_one_link():
    team = make_team()
    obligation = obligation_of(team)
    meeting = make_meeting(team)

    first = evidence.link(obligation, meeting)
    second = evidence.link(obligation, meeting)

    assert first.pk == second.pk
    assert len(evidence.links_of(obligation)) == 1


def test_an_object_of_an_unregistered_kind_cannot_be_evidence():
    team = make_team()
    obligation = obligation_of(team)

    with pytest.raises(evidence.NotEvidence):
        evidence.link(obligation, team)
    assert evidence.links_of(obligation) == []


def test_evidence_of_several_obligations_is_read_at_once_and_kept_apart(django_assert_max_num_queries):
    team = make_team()
    first, second = obligation_of(team), obligation_of(team)
    evidence.link(first, make_meeting(team))
    evidence.link(first, make_meeting(team))
    evidence.link(second, make_meeting(team))

    with django_assert_max_num_queries(3):
        found = evidence.links_of_many([first, second])

    assert [len(found[first.pk]), len(found[second.pk])] == [2, 1]


def test_a_deleted_meeting_leaves_no_broken_link_and_unlink_removes_only_its_own():
    team = make_team()
    obligation, other = obligation_of(team), obligation_of(team)
    gone, kept = make_meeting(team), make_meeting(team)
    evidence.link(obligation, gone)
    kept_link = evidence.link(obligation, kept)
    gone.delete()

    assert [shown.link.pk for shown in evidence.links_of(obligation)] == [kept_link.pk]
    assert evidence.unlink(other, kept_link.public_id) is False
    assert evidence.unlink(obligation, "not-a-uuid") is False
    assert evidence.unlink(obligation, kept_link.public_id) is True
    assert evidence.links_of(obligation) == []
