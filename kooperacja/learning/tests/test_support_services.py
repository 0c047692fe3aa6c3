"""Recording support for teams: who may record what, the refusals that save nothing, stale edits,
who reads which activity, and the totals of the list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kooperacja.core.models import AuditEvent
from kooperacja.core.policies import forget_memberships
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, InstitutionKind, Membership
from kooperacja.learning import support as service
from kooperacja.learning import support_policies as policies
from kooperacja.learning.models import SupportActivity, SupportKind
from kooperacja.learning.tests.support_factories import (
    MIRZEC,
    OKSA,
    data,
    make_activity,
    pcpr,
    rops_kielce,
    rops_rzeszow,
    team,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are checked by their English msgids (the Polish comes with the merged catalogue)."""
    with translation.override("en"):
        yield


def _refused(actor, field: str, **changes) -> str:
    before = SupportActivity.objects.count()
    with pytest.raises(ValidationError) as refusal:
        service.record_support(actor, data(**changes))
    assert SupportActivity.objects.count() == before
    return " ".join(refusal.value.message_dict[field])


# --- Recording ---------------------------------------------------------------------------------


def test_it_records_support_with_the_teams_voivodeship_its_participants_and_an_audit_event(persona):
    analyst = persona("rops.kielce")
    school = Institution.objects.filter(kind=InstitutionKind.SCHOOL, municipality__code=MIRZEC).first()
    assert school is not None
    activity = make_activity(analyst, participants=[school, pcpr()], hours=Decimal("2.5"))
    assert activity.voivodeship_id == team().county.voivodeship_id
    assert set(activity.participants.all()) == {school, pcpr()}
    assert activity.recorded_by == analyst
    assert AuditEvent.objects.filter(object_id=str(activity.public_id), action="create").exists()


def test_it_records_support_for_the_whole_voivodeship_without_a_team(persona):
    activity = make_activity(persona("rops.kielce"), team=None, kind=SupportKind.EXCHANGE)
    assert activity.team is None
    assert activity.voivodeship_id == rops_kielce().voivodeship_id


def test_it_refuses_an_end_before_the_start():
    message = _refused(None, "ends_on", starts_on=dt.date(2019, 4, 10), ends_on=dt.date(2019, 4, 9))
    assert message == "The end date cannot be before the start date."


def test_it_refuses_support_that_has_not_happened_yet():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert "once it has happened" in _refused(None, "ends_on", starts_on=tomorrow, ends_on=tomorrow)
    far = timezone.localdate() + dt.timedelta(days=400)
    assert "once it has happened" in _refused(None, "ends_on", kind=SupportKind.FOCUS, starts_on=far, ends_on=far)


def test_it_refuses_negative_hours():
    assert _refused(None, "hours", hours=Decimal("-1")) == "The hours cannot be negative."


def test_it_refuses_a_team_outside_the_providers_territory():
    # PCPR Jędrzejów animates the teams of its powiat, not Mirzec's (powiat starachowicki).
    message = _refused(None, "team", provided_by=pcpr("2602"), kind=SupportKind.ANIMATOR)
    assert message == "This team is outside the territory of the institution providing the support."


def test_it_refuses_participants_from_another_voivodeship():
    message = _refused(None, "participants", participants=[pcpr(), rops_rzeszow()])
    assert "ROPS Rzeszów" in message
    assert "PCPR Starachowice" not in message


def test_it_refuses_an_analyst_recording_another_regions_support(persona):
    message = _refused(persona("rops.rzeszow"), "provided_by")
    assert message == "You cannot record support of this institution for this team."


def test_the_team_animator_records_for_the_team_as_its_institution_only(persona):
    animator = persona("pcpr.starachowice")
    activity = make_activity(animator, provided_by=pcpr(), kind=SupportKind.ANIMATOR)
    assert activity.provided_by == pcpr()
    assert "You cannot record" in _refused(animator, "provided_by")  # as ROPS Kielce
    assert "You cannot record" in _refused(animator, "provided_by", provided_by=pcpr("2602"), team=team(OKSA))


def test_an_animator_by_membership_records_for_the_teams_of_the_powiat(persona):
    user = persona("kolega.mirzec")
    Membership.objects.create(user=user, institution=pcpr("2602"), role=Role.ANIMATOR)
    forget_memberships(user)
    assert make_activity(user, provided_by=pcpr("2602"), team=team(OKSA), kind=SupportKind.ANIMATOR)
    assert "You cannot record" in _refused(user, "provided_by", provided_by=pcpr("2602"), team=None)
    assert not policies.may_record_for(user, pcpr("2602"), team())


def test_a_stale_edit_is_refused_and_changes_nothing(persona):
    analyst = persona("rops.kielce")
    activity = make_activity(analyst)
    service.update_support(analyst, activity, 1, data(subject="Pierwsza zmiana"))
    with pytest.raises(service.StaleSupport):
        service.update_support(analyst, activity, 1, data(subject="Druga zmiana"))
    activity.refresh_from_db()
    assert (activity.subject, activity.version) == ("Pierwsza zmiana", 2)


def test_an_edit_refused_as_bad_input_changes_nothing(persona):
    analyst = persona("rops.kielce")
    activity = make_activity(analyst, participants=[pcpr()])
    with pytest.raises(ValidationError):
        service.update_support(analyst, activity, 1, data(subject="Zmiana", hours=Decimal("-2")))
    activity.refresh_from_db()
    assert (activity.subject, activity.version, list(activity.participants.all())) == ("Doradztwo z testu", 1, [pcpr()])


# --- Reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "reads"),
    [
        ("admin", True),
        ("rops.kielce", True),  # the voivodeship
        ("szkola.mirzec", True),  # sees the team
        ("asystent.mirzec", True),  # staff of a member institution
        ("pcpr.starachowice", True),  # the team's animator
        ("gops.oksa", False),
        ("rops.rzeszow", False),
    ],
)
def test_who_reads_a_teams_support(persona, username, reads):
    activity = make_activity()
    assert policies.visible_activities(persona(username)).filter(pk=activity.pk).exists() is reads


def test_support_without_a_team_is_read_by_the_region_and_the_providers_staff(persona):
    activity = make_activity(team=None, provided_by=pcpr())
    readers = {name for name in ("rops.kielce", "pcpr.starachowice", "gops.mirzec", "rops.rzeszow", "gops.oksa")
               if policies.visible_activities(persona(name)).filter(pk=activity.pk).exists()}  # fmt: skip
    assert readers == {"rops.kielce", "pcpr.starachowice"}


def test_who_may_edit(persona):
    activity = make_activity()
    assert policies.may_edit(persona("rops.kielce"), activity)
    assert policies.may_edit(persona("admin"), activity)
    assert not policies.may_edit(persona("pcpr.starachowice"), activity)  # given by ROPS Kielce
    assert not policies.may_edit(persona("lider.mirzec"), activity)


# --- Totals ------------------------------------------------------------------------------------


def test_the_totals_count_hours_and_people_per_kind_and_for_all():
    made = [
        make_activity(hours=Decimal("2.5"), participant_count=4),
        make_activity(hours=Decimal("3.0"), participant_count=6),
        make_activity(kind=SupportKind.FOCUS, hours=Decimal("4.0"), participant_count=12),
    ]
    totals = {t.kind: t for t in service.totals(SupportActivity.objects.filter(pk__in=[a.pk for a in made]))}
    assert (totals["advisory"].count, totals["advisory"].hours, totals["advisory"].people) == (2, Decimal("5.5"), 10)
    assert (totals["focus"].count, totals["exchange"].count) == (1, 0)
    assert (totals[""].count, totals[""].hours, totals[""].people) == (3, Decimal("9.5"), 22)


def test_the_filters_narrow_by_kind_team_and_year():
    mirzec = make_activity(starts_on=dt.date(2019, 4, 10), ends_on=dt.date(2019, 4, 10))
    oksa = make_activity(team=team(OKSA), starts_on=dt.date(2020, 3, 2), ends_on=dt.date(2020, 3, 2))
    both = SupportActivity.objects.filter(pk__in=[mirzec.pk, oksa.pk])
    assert list(service.filtered(both, service.Filters(team=team(OKSA)))) == [oksa]
    assert list(service.filtered(both, service.Filters(year=2019))) == [mirzec]
    assert not service.filtered(both, service.Filters(kind=SupportKind.FOCUS)).exists()
    assert service.years(both) == [2020, 2019]
