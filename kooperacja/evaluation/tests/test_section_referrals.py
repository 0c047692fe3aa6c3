"""The referral loop on a dashboard: what counts in which period and territory, the medians of
days, the shares of referrals closed with an outcome and of people who got help, declines by
reason and the breakdowns — each figure protected as `privacy` says.

The referrals are written straight into the table with the moments the engine would record
(`plans.referrals` stamps them with the current time), in the test powiat the demo leaves empty.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from kooperacja.cases.models import Case
from kooperacja.cases.tests.factories import make_case
from kooperacja.evaluation import dashboard, periods, scope
from kooperacja.evaluation.dashboard import Table
from kooperacja.evaluation.privacy import Figure
from kooperacja.evaluation.sections.referrals import ReferralsSection
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.plans.models import Referral, ReferralOutcome, ReferralStatus

WARSAW = ZoneInfo("Europe/Warsaw")
FEBRUARY = dt.datetime(2025, 2, 3, 10, 0, tzinfo=WARSAW)
SECTION = ReferralsSection()


def _institution(gmina: Any, name: str, kind: str, sector: str) -> Institution:
    return Institution.objects.create(
        name=name,
        kind=kind,
        sector=sector,
        voivodeship=gmina.county.voivodeship,
        county=gmina.county,
        municipality=gmina,
    )


@pytest.fixture
def land(fresh_powiat):
    """The test powiat with a school and a health centre in its northern gmina, and a case of
    each gmina's GOPS."""
    fresh_powiat.school = _institution(fresh_powiat.north, "Szkoła w Północy", InstitutionKind.SCHOOL, Sector.EDUCATION)
    fresh_powiat.clinic = _institution(
        fresh_powiat.north, "Ośrodek zdrowia w Północy", InstitutionKind.HEALTH_CENTRE, Sector.HEALTH
    )
    fresh_powiat.north_case = make_case(institution=fresh_powiat.gops_north)
    fresh_powiat.south_case = make_case(institution=fresh_powiat.gops_south)
    return fresh_powiat


def _refer(
    case: Case,
    to: Institution,
    count: int = 1,
    *,
    sent: dt.datetime | None = FEBRUARY,
    answered_after: dt.timedelta | None = None,
    closed_after: dt.timedelta | None = None,
    status: str = ReferralStatus.SENT,
    outcome: str = "",
    decline_reason: str = "",
    one_family: bool = False,
) -> None:
    """`count` referrals of the case's GOPS to the institution, sent (or, when `sent` is None,
    left a draft until it is closed on FEBRUARY) and answered or closed that long after; the
    first of the case, each other of another family of the same GOPS unless `one_family`."""
    author = get_user_model().objects.get(username="gops.mirzec")
    start = sent or FEBRUARY
    for number in range(count):
        family = case if one_family or number == 0 else make_case(institution=case.institution)
        Referral.objects.create(
            case=family,
            municipality=family.municipality,
            from_institution=case.institution,
            to_institution=to,
            reason="Potrzebne wsparcie.",
            created_by=author,
            created_at=start,
            status=status,
            sent_at=sent,
            answered_at=start + answered_after if answered_after is not None else None,
            closed_at=start + closed_after if closed_after is not None else None,
            outcome=outcome,
            decline_reason=decline_reason,
        )


def _headlines(where: scope.Scope, period: str) -> dict[str, Figure]:
    return {headline.key: headline.figure for headline in SECTION.headlines(where, periods.parse(period))}


def _tables(where: scope.Scope, period: str) -> dict[str, Table]:
    return {table.key: table for table in SECTION.tables(where, periods.parse(period))}


def _shown(figures: dict[str, Figure]) -> dict[str, object]:
    return {key: "< 5" if figure.hidden else figure.value for key, figure in figures.items()}


def _the_loop_of_february(land: Any) -> None:
    """20 referrals sent: 10 accepted (5 answered in a day, 5 in three), all completed (5 got
    help after ten days, 5 got part of it after twenty); 5 declined in five days; 5 expired."""
    day = dt.timedelta(days=1)
    for answered, closed, outcome in (
        (day, 10 * day, ReferralOutcome.GOT_HELP),
        (3 * day, 20 * day, ReferralOutcome.PARTLY),
    ):
        _refer(
            land.north_case,
            land.school,
            5,
            answered_after=answered,
            closed_after=closed,
            status=ReferralStatus.COMPLETED,
            outcome=outcome,
        )
    _refer(
        land.north_case,
        land.clinic,
        5,
        answered_after=5 * day,
        closed_after=5 * day,
        status=ReferralStatus.DECLINED,
        decline_reason="Brak wolnych miejsc.",
    )
    _refer(land.north_case, land.clinic, 5, closed_after=14 * day, status=ReferralStatus.EXPIRED)
    # A draft thrown away never entered the loop: it is no closed referral.
    _refer(land.north_case, land.school, sent=None, closed_after=day, status=ReferralStatus.CANCELLED)


def test_it_follows_the_loop_from_sending_to_the_outcome(land):
    _the_loop_of_february(land)
    found = _shown(_headlines(scope.gmina_scope(land.north), "2025-Q1"))
    assert found == {
        "sent": 20,
        "accepted": 10,
        "declined": 5,
        "answer_days": Decimal("3.0"),
        "outcome_days": Decimal("15.0"),
        "closed_with_outcome": Decimal(50),  # 10 of 20 closed (the draft not among them)
        "got_help": Decimal(50),  # 5 of 10 completed; part of the help is not counted
    }


def test_it_counts_each_step_in_the_period_it_happened(land):
    # Sent late on the last evening of March, accepted just after midnight in April.
    evening = dt.datetime(2025, 3, 31, 23, 30, tzinfo=WARSAW)
    _refer(land.north_case, land.school, 5, sent=evening, answered_after=dt.timedelta(hours=1))
    gmina = scope.gmina_scope(land.north)
    march, april = _shown(_headlines(gmina, "2025-03")), _shown(_headlines(gmina, "2025-04"))
    assert (march["sent"], march["accepted"], march["answer_days"]) == (5, 0, None)
    assert (april["sent"], april["accepted"], april["answer_days"]) == (0, 5, Decimal("0.0"))


def test_it_hides_small_groups_and_figures_resting_on_them(land):
    _refer(
        land.north_case,
        land.school,
        3,
        answered_after=dt.timedelta(days=2),
        closed_after=dt.timedelta(days=4),
        status=ReferralStatus.COMPLETED,
        outcome=ReferralOutcome.GOT_HELP,
    )
    found = _shown(_headlines(scope.gmina_scope(land.north), "2025"))
    assert found.pop("declined") == 0
    assert set(found.values()) == {"< 5"}


def test_it_counts_a_referral_in_the_gmina_of_its_case_only(land):
    # The southern family referred to the northern school counts in the south.
    _refer(land.north_case, land.school, 6)
    _refer(land.south_case, land.school, 7)
    assert _shown(_headlines(scope.gmina_scope(land.north), "2025"))["sent"] == 5
    assert _shown(_headlines(scope.gmina_scope(land.south), "2025"))["sent"] == 5
    assert _shown(_headlines(scope.powiat_scope(land.county), "2025"))["sent"] == 15
    rows = _tables(scope.powiat_scope(land.county), "2025")["referrals-by-unit"].export_rows()
    assert [row[:2] for row in rows] == [["Południe", 5], ["Północ", 5]]


def test_it_names_a_decline_reason_only_when_five_families_give_it(land):
    # The same reason typed with stray spaces is the same reason; one family's story is never named.
    for to, count, reason in (
        (land.school, 4, "Brak wolnych miejsc."),
        (land.clinic, 2, "  Brak wolnych miejsc. "),
        (land.clinic, 3, "Pan Jan jest już pod opieką poradni."),
    ):
        _refer(
            land.north_case,
            to,
            count,
            answered_after=dt.timedelta(days=2),
            status=ReferralStatus.DECLINED,
            decline_reason=reason,
        )
    table = _tables(scope.gmina_scope(land.north), "2025")["referrals-declined-by-reason"]
    assert table.export_rows() == [["Brak wolnych miejsc.", 5], [_("Other reasons"), "< 5"]]
    assert table.chart is not None


def test_it_shows_the_loop_by_sector_of_the_receiving_institution(land):
    _the_loop_of_february(land)
    table = _tables(scope.gmina_scope(land.north), "2025")["referrals-by-sector"]
    rows = {row[0]: row[1:] for row in table.export_rows()}
    assert rows[Sector.EDUCATION.label] == [10, 10, 0, 10, 100]
    assert rows[Sector.HEALTH.label] == [10, 0, 5, 0, 0]
    assert rows[Sector.POLICE.label] == [0, 0, 0, 0, ""]
    assert table.export_rows()[-1] == [_("All sectors"), 20, 10, 5, 10, 50]


def test_it_hides_six_referrals_of_one_family_like_one_family(land):
    # Six referrals of one family, declined for the same reason a week after sending: six rows,
    # one family — no count, median, share or named reason may rest on it.
    _refer(
        land.north_case,
        land.clinic,
        6,
        answered_after=dt.timedelta(days=7),
        closed_after=dt.timedelta(days=7),
        status=ReferralStatus.DECLINED,
        decline_reason="Rodzina odmówiła współpracy.",
        one_family=True,
    )
    north = scope.gmina_scope(land.north)
    found = _shown(_headlines(north, "2025"))
    assert (found["sent"], found["declined"], found["answer_days"]) == ("< 5", "< 5", "< 5")
    assert found["closed_with_outcome"] == "< 5"
    tables = _tables(north, "2025")
    assert tables["referrals-declined-by-reason"].export_rows() == [[_("Other reasons"), "< 5"]]
    rows = {row[0]: row[1:] for row in tables["referrals-by-sector"].export_rows()}
    assert rows[Sector.HEALTH.label] == ["< 5", 0, "< 5", 0, "ukryte"]  # a hidden share
    assert rows[_("All sectors")] == ["< 5", 0, "< 5", 0, "ukryte"]


def test_it_shows_a_share_of_referrals_from_the_counts_as_shown(land):
    # 6 of 11 closed referrals completed: shown as 5 of 10, so the share is 50 %, not the 55 %
    # that only 6 of 11 fits.
    _refer(
        land.north_case,
        land.school,
        6,
        answered_after=dt.timedelta(days=1),
        closed_after=dt.timedelta(days=2),
        status=ReferralStatus.COMPLETED,
        outcome=ReferralOutcome.GOT_HELP,
    )
    _refer(
        make_case(institution=land.gops_north),
        land.school,
        5,
        closed_after=dt.timedelta(days=14),
        status=ReferralStatus.EXPIRED,
    )
    found = _shown(_headlines(scope.gmina_scope(land.north), "2025"))
    assert found["closed_with_outcome"] == Decimal(50)


def test_it_places_the_section_after_cases_and_before_services(land):
    keys = [builder.key for builder in dashboard.builders()]
    assert keys.index("cases") < keys.index("referrals") < keys.index("services")


@pytest.mark.parametrize("level", ["gmina", "powiat"])
def test_it_reads_as_many_queries_for_many_referrals_as_for_few(land, level, django_assert_max_num_queries):
    where = scope.gmina_scope(land.north) if level == "gmina" else scope.powiat_scope(land.county)
    period = periods.parse("2025")

    def read() -> None:
        SECTION.headlines(where, period)
        SECTION.tables(where, period)

    _refer(land.north_case, land.school, 2, answered_after=dt.timedelta(days=1))
    with django_assert_max_num_queries(6) as few:
        read()
    _the_loop_of_february(land)
    _refer(land.south_case, land.clinic, 30, answered_after=dt.timedelta(days=1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        read()
