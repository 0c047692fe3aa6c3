"""A training is for a team only when its organiser works with the team: a current member
institution, the ROPS of the team's voivodeship or the PCPR of its powiat. The form offers only
such teams, the service refuses any other (administrators too), and only such a training is
evidence of the team's obligations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution
from kooperacja.learning import trainings as service
from kooperacja.learning.models import Training
from kooperacja.learning.tests.training_factories import gops_oksa, make_staff, make_training
from kooperacja.learning.training_policies import team_choices
from kooperacja.teams import agreements
from kooperacja.teams.models import Agreement, AgreementParty, Obligation, PartyKind, Team, TeamMember
from kooperacja.teams.tests.factories import institution_of, make_team
from kooperacja.territory.models import Municipality
from tests.personas import ADMIN, PCPR, ROPS_KIELCE, ROPS_RZESZOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _oksa_manager():
    return make_staff(gops_oksa(), role=Role.MANAGER)


def _team_with_oksa() -> Team:
    """A team GOPS Oksa is a current member of."""
    team = make_team(members=())
    TeamMember.objects.create(team=team, institution=gops_oksa(), joined_on=timezone.localdate() - dt.timedelta(days=5))
    return team


def _team_of_oksa() -> Team:
    """A team of the gmina Oksa (powiat jędrzejowski), with no member institutions."""
    gmina = Municipality.objects.select_related("county").get(name="Oksa")
    return Team.objects.create(name="Zespół testowy Oksa", municipality=gmina, county=gmina.county)


def _data(organiser: Institution, team: Team) -> service.TrainingData:
    return service.TrainingData(
        title="Szkolenie dla zespołu",
        kind="training",
        topic="communication",
        organiser=organiser,
        capacity=5,
        team=team,
    )


def _form(organiser: Institution, team: Team) -> dict[str, str]:
    return {
        "title": "Szkolenie dla zespołu",
        "kind": "training",
        "topic": "communication",
        "organiser": str(organiser.public_id),
        "team": str(team.public_id),
        "capacity": "5",
        "required_attendance": "100",
    }


def test_it_offers_a_gops_only_the_teams_it_is_a_current_member_of(persona):
    mirzec, own = make_team(), _team_with_oksa()
    manager = _oksa_manager()
    offered = set(team_choices(manager))
    assert own in offered and mirzec not in offered
    assert set(team_choices(manager, gops_oksa())) == offered
    TeamMember.objects.filter(team=own, institution=gops_oksa()).update(left_on=timezone.localdate())
    assert own not in set(team_choices(manager))


def test_it_offers_a_rops_the_teams_of_its_voivodeship_and_a_pcpr_those_of_its_powiat(persona):
    mirzec, oksa = make_team(), _team_of_oksa()
    assert {mirzec, oksa} <= set(team_choices(persona(ROPS_KIELCE)))
    assert not {mirzec, oksa} & set(team_choices(persona(ROPS_RZESZOW)))
    pcpr = institution_of(PCPR)
    TeamMember.objects.filter(team=mirzec, institution=pcpr).delete()
    assert mirzec in set(team_choices(persona(PCPR), pcpr))
    assert oksa not in set(team_choices(persona(PCPR), pcpr))
    assert {mirzec, oksa} <= set(team_choices(persona(ADMIN)))


def test_it_refuses_a_gops_holding_a_training_for_another_gminas_team(client):
    mirzec, own = make_team(), _team_with_oksa()
    client.force_login(_oksa_manager())
    page = client.get(reverse("learning:training_create")).content.decode()
    assert own.name in page and mirzec.name not in page
    response = client.post(reverse("learning:training_create"), _form(gops_oksa(), mirzec))
    assert response.status_code == 400
    assert not Training.objects.filter(title="Szkolenie dla zespołu").exists()
    assert client.post(reverse("learning:training_create"), _form(gops_oksa(), own)).status_code == 302
    assert Training.objects.get(title="Szkolenie dla zespołu").team == own


def test_the_service_refuses_a_team_the_organiser_does_not_work_with_even_for_an_administrator(persona):
    mirzec = make_team()
    for actor in (_oksa_manager(), persona(ADMIN)):
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            service.create_training(actor, _data(gops_oksa(), mirzec))
        assert "does not support its powiat or voivodeship" in refusal.value.message_dict["team"][0]
    training = make_training(organiser=gops_oksa())
    with pytest.raises(ValidationError):
        service.update_training(persona(ADMIN), training, training.version, _data(gops_oksa(), mirzec))
    training.refresh_from_db()
    assert training.team is None


def test_an_administrator_editing_a_training_for_a_team_its_organiser_does_not_serve_gets_400(client, login_as):
    mirzec = make_team()
    training = make_training(organiser=gops_oksa())
    login_as(ADMIN)
    values = _form(gops_oksa(), mirzec) | {"version": str(training.version)}
    response = client.post(reverse("learning:training_edit", args=[training.public_id]), values)
    assert response.status_code == 400
    assert "does not support its powiat or voivodeship" in response.content.decode()
    training.refresh_from_db()
    assert training.team is None


def test_a_training_for_a_team_its_organiser_does_not_serve_is_no_evidence(persona):
    mirzec = make_team()
    foreign = make_training(organiser=gops_oksa(), team=mirzec, days=(-10,), title="Szkolenie GOPS Oksa")
    served = make_training(team=mirzec, days=(-10,), title="Szkolenie ROPS Kielce")
    keys = dict(agreements.evidence_candidates(mirzec))
    assert f"training:{served.public_id}" in keys
    assert f"training:{foreign.public_id}" not in keys
    assert agreements.find_evidence(mirzec, f"training:{foreign.public_id}") is None
    agreement = Agreement.objects.create(team=mirzec, title="Porozumienie", signed_on=timezone.localdate())
    party = AgreementParty.objects.create(agreement=agreement, kind=PartyKind.INSTITUTION, institution=gops_oksa())
    obligation = Obligation.objects.create(agreement=agreement, party=party, text="Udział w szkoleniach")
    with translation.override("en"), pytest.raises(ValidationError, match="a training of this team"):
        agreements.add_evidence(None, obligation, foreign)
