"""Trainings as evidence of a team's obligations: a training for the team that took place is a
candidate and can be linked; one that has not taken place, is cancelled, or is for another team
is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kooperacja.core import evidence
from kooperacja.learning.tests.training_factories import make_training
from kooperacja.teams import agreements
from kooperacja.teams.models import Agreement, AgreementParty, Obligation, PartyKind
from kooperacja.teams.tests.factories import institution_of, make_team

pytestmark = pytest.mark.django_db


def _obligation(team) -> Obligation:
    agreement = Agreement.objects.create(team=team, title="Porozumienie", signed_on=timezone.localdate())
    party = AgreementParty.objects.create(
        agreement=agreement, kind=PartyKind.INSTITUTION, institution=institution_of("policja.mirzec")
    )
    return Obligation.objects.create(agreement=agreement, party=party, text="Udział w szkoleniach")


def test_a_training_of_the_team_that_took_place_is_offered_and_linked():
    team = make_team()
    held = make_training(team=team, days=(-10,), title="Szkolenie zespołu")
    make_training(team=team, days=(10,), title="Szkolenie przyszłe")
    make_training(days=(-10,), title="Szkolenie dla innych")
    keys = dict(agreements.evidence_candidates(team))
    assert f"training:{held.public_id}" in keys
    assert all("przyszłe" not in label and "dla innych" not in label for label in keys.values())
    found = agreements.find_evidence(team, f"training:{held.public_id}")
    assert found == held
    obligation = _obligation(team)
    agreements.add_evidence(None, obligation, found)
    shown = evidence.links_of(obligation)
    assert [one.url for one in shown] == [f"/learning/trainings/{held.public_id}/"]


def test_a_future_cancelled_or_foreign_training_is_refused():
    team = make_team()
    obligation = _obligation(team)
    future = make_training(team=team, days=(10,))
    foreign = make_training(days=(-10,))
    cancelled = make_training(team=team, days=(-10,))
    cancelled.is_cancelled = True
    cancelled.save()
    for training in (future, foreign, cancelled):
        assert agreements.find_evidence(team, f"training:{training.public_id}") is None
        with pytest.raises(ValidationError):
            agreements.add_evidence(None, obligation, training)
    assert agreements.find_evidence(team, "training:not-a-uuid") is None
    assert not evidence.links_of(obligation)


def test_it_offers_the_trainings_as_evidence_in_the_same_number_of_queries_for_2_and_12(
    django_assert_max_num_queries,
):
    team = make_team()

    def add(count: int) -> None:
        for _ in range(count):
            make_training(team=team, days=(-10, -9))

    add(2)
    with django_assert_max_num_queries(6):
        assert len(agreements.evidence_candidates(team)) >= 2
    add(10)
    with django_assert_max_num_queries(6):
        assert len(agreements.evidence_candidates(team)) >= 12
