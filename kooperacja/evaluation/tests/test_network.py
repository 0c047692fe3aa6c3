"""The cooperation network and its dashboard section: which joint work links which
institutions, in which period and territory, the measures a user reads (density, pairs across
sectors, central and isolated institutions, sectors not yet involved) and the protection of
the figures that count people.

The rows are written straight into the tables, in the test powiat the demo leaves empty.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from kooperacja.cases.models import Case, Participation, ParticipationKind
from kooperacja.cases.tests.factories import make_case
from kooperacja.evaluation import dashboard, network, periods
from kooperacja.evaluation.dashboard import Table
from kooperacja.evaluation.network import TIE_LABELS, Tie
from kooperacja.evaluation.privacy import Figure
from kooperacja.evaluation.scope import gmina_scope, powiat_scope
from kooperacja.evaluation.sections.network import NetworkSection
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.plans.models import Referral, ReferralStatus
from kooperacja.teams.models import Attendance, Meeting, MeetingStatus, Team, TeamMember

WARSAW = ZoneInfo("Europe/Warsaw")
MARCH = dt.datetime(2025, 3, 10, 10, 0, tzinfo=WARSAW)
Y2025 = periods.parse("2025")
SECTION = NetworkSection()


def _institution(
    land: Any, name: str, kind: str, sector: str, *, gmina: Any = None, active: bool = True
) -> Institution:
    """An institution of the test powiat: in a gmina (the northern by default), or the powiat's
    own when `gmina` is False."""
    where = land.north if gmina is None else gmina
    return Institution.objects.create(
        name=name,
        kind=kind,
        sector=sector,
        voivodeship=land.county.voivodeship,
        county=land.county,
        municipality=where or None,
        is_active=active,
    )


@pytest.fixture
def land(fresh_powiat):
    """The test powiat: in the north a GOPS, a school, a police post, a library and an NGO; the
    powiat's PCPR; a case of each gmina's GOPS."""
    land = fresh_powiat
    land.school = _institution(land, "Szkoła w Północy", InstitutionKind.SCHOOL, Sector.EDUCATION)
    land.police = _institution(land, "Posterunek w Północy", InstitutionKind.POLICE_POST, Sector.POLICE)
    land.library = _institution(land, "Biblioteka w Północy", InstitutionKind.LIBRARY_CULTURE, Sector.CULTURE)
    land.ngo = _institution(land, "Stowarzyszenie Razem", InstitutionKind.NGO, Sector.NGO)
    land.pcpr = _institution(land, "PCPR próbny", InstitutionKind.PCPR, Sector.FAMILY_SUPPORT, gmina=False)
    land.north_case = make_case(institution=land.gops_north)
    land.south_case = make_case(institution=land.gops_south)
    return land


def refer(
    case: Case,
    to: Institution,
    count: int = 1,
    *,
    sent: dt.datetime | None = MARCH,
    sender: Institution | None = None,
) -> None:
    """`count` referrals to the institution from the case's GOPS (or the sender), sent then (a
    draft when None)."""
    author = get_user_model().objects.get(username="gops.mirzec")
    Referral.objects.bulk_create(
        Referral(
            case=case,
            municipality=case.municipality,
            from_institution=sender or case.institution,
            to_institution=to,
            reason="Potrzebne wsparcie.",
            created_by=author,
            status=ReferralStatus.SENT if sent else ReferralStatus.DRAFT,
            sent_at=sent,
        )
        for _ in range(count)
    )


def share_case(
    case: Case,
    *institutions: Institution,
    kind: str = ParticipationKind.CASE_TEAM,
    since: dt.datetime = MARCH,
    until: dt.datetime | None = None,
) -> None:
    for institution in institutions:
        Participation.objects.create(
            case=case,
            institution=institution,
            municipality=case.municipality,
            kind=kind,
            started_at=since,
            ended_at=until,
        )


def shared_cases(land: Any, count: int, *institutions: Institution) -> None:
    """`count` new cases of the northern GOPS, each worked on by it and the institutions."""
    for _ in range(count):
        share_case(make_case(institution=land.gops_north), land.gops_north, *institutions)


def team_of(
    gmina: Any, *institutions: Institution, joined: dt.date = dt.date(2024, 1, 1), left: dt.date | None = None
) -> Team:
    team = Team.objects.create(
        name=f"G-PZK {gmina.name} {Team.objects.count()}", municipality=gmina, county=gmina.county
    )
    for institution in institutions:
        TeamMember.objects.create(team=team, institution=institution, joined_on=joined, left_on=left)
    return team


def meeting(team: Team, *attended: Institution, at: dt.datetime = MARCH, status: str = MeetingStatus.HELD) -> Meeting:
    held = Meeting.objects.create(
        team=team,
        municipality_id=team.municipality_id,
        title="Spotkanie",
        starts_at=at,
        ends_at=at + dt.timedelta(hours=2),
        status=status,
    )
    for institution in attended:
        Attendance.objects.create(meeting=held, institution=institution, attended=True)
    return held


def ties(net: network.Network, a: Institution, b: Institution) -> dict[str, int]:
    if not net.graph.has_edge(a.pk, b.pk):
        return {}
    data = net.graph.edges[a.pk, b.pk]
    return {str(tie): data[tie] for tie in Tie if tie in data}


def _headlines(where: Any, period: periods.Period = Y2025) -> dict[str, object]:
    return {h.key: _shown(h.figure) for h in SECTION.headlines(where, period)}


def _tables(where: Any, period: periods.Period = Y2025) -> dict[str, Table]:
    return {table.key: table for table in SECTION.tables(where, period)}


def _shown(figure: Figure) -> object:
    return "< 5" if figure.hidden else figure.value


def _rows(table: Table) -> dict[str, list[object]]:
    return {row.label: [_shown(figure) for figure in row.figures] for row in table.rows}


# --- The graph -------------------------------------------------------------------------------


def test_it_links_institutions_by_each_kind_of_joint_work(land):
    refer(land.north_case, land.school, 3)
    refer(land.north_case, land.pcpr)
    share_case(land.north_case, land.gops_north, land.police, land.school)
    share_case(land.north_case, land.library, kind=ParticipationKind.BASKET_ITEM)
    team = team_of(land.north, land.gops_north, land.ngo)
    meeting(team, land.school, land.ngo)

    net = network.build(gmina_scope(land.north), Y2025)

    assert ties(net, land.gops_north, land.school) == {"referral": 3, "shared_case": 1}
    assert ties(net, land.gops_north, land.pcpr) == {"referral": 1}
    assert ties(net, land.police, land.library) == {"shared_case": 1}
    assert ties(net, land.school, land.ngo) == {"meeting": 1}
    assert ties(net, land.gops_north, land.ngo) == {"team": 1}
    # The strength of a pair is its published joint work: 3 referred people and 1 case are
    # both „< 5”, and each hidden count weighs the same 1.
    assert net.graph.edges[land.gops_north.pk, land.school.pk]["weight"] == 2


def test_it_counts_a_referral_in_either_direction_as_one_pair(land):
    refer(land.north_case, land.school, 2)
    refer(land.north_case, land.gops_north, sender=land.school)

    net = network.build(gmina_scope(land.north), Y2025)

    assert ties(net, land.gops_north, land.school) == {"referral": 3}
    assert net.edge_count() == 1


def test_it_leaves_out_what_did_not_happen_together(land):
    refer(land.north_case, land.school, sent=None)  # a draft was never sent
    share_case(land.north_case, land.gops_north)
    share_case(land.north_case, land.police, kind=ParticipationKind.REFERRAL)  # counted as referrals
    team = team_of(land.north, land.gops_north)
    meeting(team, land.school, land.ngo, status=MeetingStatus.CANCELLED)
    Attendance.objects.create(meeting=meeting(team, land.library), institution=land.police, attended=False)

    net = network.build(gmina_scope(land.north), Y2025)

    assert net.edge_count() == 0
    assert net.involved() == []


def test_it_counts_only_joint_work_inside_the_period(land):
    refer(land.north_case, land.school, sent=dt.datetime(2024, 12, 31, 23, 30, tzinfo=WARSAW))
    refer(land.north_case, land.police, sent=dt.datetime(2025, 1, 1, 0, 15, tzinfo=WARSAW))
    share_case(
        land.north_case,
        land.gops_north,
        land.library,
        since=dt.datetime(2024, 3, 1, tzinfo=WARSAW),
        until=dt.datetime(2024, 12, 1, tzinfo=WARSAW),
    )
    team_of(land.north, land.gops_north, land.ngo, joined=dt.date(2023, 1, 1), left=dt.date(2025, 1, 1))
    team_of(land.north, land.school, land.pcpr, joined=dt.date(2025, 12, 31))

    net, before = network.build_many(gmina_scope(land.north), [Y2025, periods.parse("2024")])

    assert {(a, b) for a, b in net.graph.edges} == {
        tuple(sorted((land.gops_north.pk, land.police.pk))),
        tuple(sorted((land.school.pk, land.pcpr.pk))),
    }
    assert ties(before, land.gops_north, land.school) == {"referral": 1}
    assert ties(before, land.gops_north, land.library) == {"shared_case": 1}
    assert ties(before, land.gops_north, land.ngo) == {"team": 1}


def test_it_gives_the_same_networks_built_together_or_one_by_one(land):
    refer(land.north_case, land.school, sent=dt.datetime(2024, 6, 1, tzinfo=WARSAW))
    refer(land.north_case, land.police, 2)
    team_of(land.north, land.gops_north, land.ngo)
    where = gmina_scope(land.north)
    years = [periods.parse("2024"), Y2025]

    together = network.build_many(where, years)
    alone = [network.build(where, year) for year in years]

    for one, other in zip(together, alone, strict=True):
        assert sorted(one.graph.edges(data="weight")) == sorted(other.graph.edges(data="weight"))


def test_it_keeps_the_joint_work_of_other_territories_out(land):
    refer(land.north_case, land.school)
    refer(land.south_case, land.pcpr, 2)
    team_of(land.south, land.gops_south, land.pcpr)

    north = network.build(gmina_scope(land.north), Y2025)
    powiat = network.build(powiat_scope(land.county), Y2025)

    assert land.pcpr.pk not in north.graph  # the powiat's PCPR worked only with the south
    assert ties(powiat, land.gops_south, land.pcpr) == {"referral": 2, "team": 1}
    assert ties(powiat, land.gops_north, land.school) == {"referral": 1}


def test_it_finds_the_isolated_institutions_and_the_sectors_not_involved(land):
    _institution(land, "Dawna świetlica", InstitutionKind.OTHER, Sector.OTHER, active=False)
    refer(land.north_case, land.school)
    share_case(land.north_case, land.gops_north, land.police)
    north = gmina_scope(land.north)

    net = network.build(north, Y2025)

    assert [node.name for node in net.isolated()] == ["Biblioteka w Północy", "Stowarzyszenie Razem"]
    not_involved = net.sectors_not_involved()
    assert Sector.CULTURE in not_involved and Sector.NGO in not_involved
    assert Sector.EDUCATION not in not_involved and Sector.SOCIAL_ASSISTANCE not in not_involved
    # 2 pairs of the 5 institutions of the gmina: 2 of 10 possible.
    assert net.density() == pytest.approx(0.2)
    assert net.cross_sector_count() == 2


def test_it_ranks_the_institution_that_links_the_others_first(land):
    # The school, the police and the library know each other only through the GOPS.
    refer(land.north_case, land.school, 5)
    shared_cases(land, 2, land.police)
    shared_cases(land, 1, land.library)

    central = network.build(gmina_scope(land.north), Y2025).central(4)

    # The police (2 cases) and the library (1) both show „< 5”: they rank by name, so the
    # order does not tell which hidden count is larger.
    assert [found.node.name for found in central] == [
        "GOPS Północ",
        "Szkoła w Północy",
        "Biblioteka w Północy",
        "Posterunek w Północy",
    ]
    assert (central[0].partners, central[0].case_ties) == (3, 8)
    assert [found.betweenness for found in central] == [1.0, 0.0, 0.0, 0.0]


def test_it_ranks_and_measures_from_published_figures_only(land):
    # Two networks alike but for a hidden count: 1 or 4 people referred to the school.
    team = team_of(land.north, land.gops_north)
    for _ in range(2):
        meeting(team, land.gops_north, land.school)
    for _ in range(4):
        meeting(team, land.gops_north, land.police)
    where = gmina_scope(land.north)
    seen = []
    for referred in (1, 3):  # 1, then 4 in all
        refer(land.north_case, land.school, referred)
        net = network.build(where, Y2025)
        seen.append(
            (
                [found.node.name for found in net.central(5)],
                [found.betweenness for found in net.central(5)],
                sorted(net.graph.edges(data="weight")),
                [row.label for row in _tables(where)["network-pairs"].rows],
            )
        )

    assert seen[0] == seen[1]
    # Exact, the school (4 + 2) would pass the police (4 meetings); published, it weighs 1 + 2.
    assert seen[0][0][1:] == ["Posterunek w Północy", "Szkoła w Północy"]


# --- The dashboard section ---------------------------------------------------------------------


def test_it_shows_the_headlines_of_the_network(land):
    refer(land.north_case, land.school)
    share_case(land.north_case, land.gops_north, land.police)
    team_of(land.north, land.school, land.police)

    assert _headlines(gmina_scope(land.north)) == {
        "network-density": Decimal("30.0"),  # 3 pairs of 10 among the five institutions of the gmina
        "network-cross-sector": Decimal(100),
        "network-involved": 3,
        "network-isolated": 2,
    }


def test_it_protects_the_figures_that_count_people(land):
    refer(land.north_case, land.school, 3)
    shared_cases(land, 7, land.police)
    team_of(land.north, land.gops_north, land.school, land.police)

    tables = _tables(gmina_scope(land.north))

    assert _rows(tables["network-ties"]) == {
        str(TIE_LABELS[Tie.REFERRAL]): [1, 1, "< 5"],
        str(TIE_LABELS[Tie.SHARED_CASE]): [1, 1, 5],
        str(TIE_LABELS[Tie.MEETING]): [0, 0, 0],
        str(TIE_LABELS[Tie.TEAM]): [3, 3, 3],
    }
    central = _rows(tables["network-central"])
    assert central[f"GOPS Północ ({Sector.SOCIAL_ASSISTANCE.label})"][:3] == [2, 10, 2]
    assert central[f"Szkoła w Północy ({Sector.EDUCATION.label})"][:3] == [2, "< 5", 2]


def test_it_lists_isolated_institutions_and_sectors_still_to_invite(land):
    refer(land.north_case, land.school)

    tables = _tables(gmina_scope(land.north))

    assert list(_rows(tables["network-isolated"])) == [
        f"Biblioteka w Północy ({Sector.CULTURE.label})",
        f"Posterunek w Północy ({Sector.POLICE.label})",
        f"Stowarzyszenie Razem ({Sector.NGO.label})",
    ]
    sectors = _rows(tables["network-sectors"])
    assert sectors[str(Sector.POLICE.label)] == [1]  # a police post of the gmina is still to invite
    assert sectors[str(Sector.JUSTICE.label)] == [0]
    assert str(Sector.EDUCATION.label) not in sectors


@pytest.mark.parametrize("level", ["gmina", "powiat"])
def test_it_reads_the_section_in_a_fixed_number_of_queries(land, level, django_assert_max_num_queries):
    where = gmina_scope(land.north) if level == "gmina" else powiat_scope(land.county)

    def read() -> None:
        board = dashboard.build(where, Y2025, only=lambda builder: builder.key == SECTION.key)
        assert [table.key for table in board.sections[0].tables][-1] == "network-years"

    # The pairs and the institutions, once for the period, the previous one and every year.
    with django_assert_max_num_queries(2):
        read()
    refer(land.north_case, land.school, 30)
    refer(land.south_case, land.pcpr, 20)
    shared_cases(land, 15, land.police, land.library)
    team = team_of(land.north, land.gops_north, land.school, land.police, land.library, land.ngo, land.pcpr)
    for _ in range(10):
        meeting(team, land.gops_north, land.school, land.pcpr)
    with django_assert_max_num_queries(2):
        read()


def test_it_leaves_betweenness_out_of_a_network_too_large_to_measure(land, monkeypatch):
    refer(land.north_case, land.school, 5)
    shared_cases(land, 1, land.police)
    measured = _tables(gmina_scope(land.north))["network-central"]
    monkeypatch.setattr(network, "BETWEENNESS_UP_TO", 2)

    central = _tables(gmina_scope(land.north))["network-central"]

    assert [row.figures[3].value for row in measured.rows] == [Decimal("100.0"), Decimal(0), Decimal(0)]
    assert [row.figures[3].value for row in central.rows] == [None, None, None]
    assert central.note.startswith(measured.note) and central.note != measured.note


def test_it_lists_the_strongest_pairs_first_and_keeps_the_table_short(land):
    others = [_institution(land, f"Partner {number}", InstitutionKind.NGO, Sector.NGO) for number in range(1, 4)]
    # Nine members of one G-PZK: 36 pairs.
    team_of(land.north, land.gops_north, land.school, land.police, land.library, land.ngo, land.pcpr, *others)
    refer(land.north_case, land.school, 12)
    meeting(team_of(land.north), land.police, land.library)

    table = _tables(gmina_scope(land.north))["network-pairs"]

    assert len(table.rows) == 30
    assert "30" in table.note and "36" in table.note
    rows = _rows(table)
    assert list(rows)[:2] == ["GOPS Północ — Szkoła w Północy", "Posterunek w Północy — Biblioteka w Północy"]
    assert rows["GOPS Północ — Szkoła w Północy"] == [10, 0, 0, 1]  # 12 referred people, rounded
    assert rows["Posterunek w Północy — Biblioteka w Północy"] == [0, 0, 1, 1]


def test_it_shows_the_network_of_every_year_in_the_section(land):
    refer(land.north_case, land.school, sent=dt.datetime(2019, 5, 1, 12, tzinfo=WARSAW))
    refer(land.north_case, land.police, 2)
    share_case(land.north_case, land.gops_north, land.library)

    rows = _rows(_tables(gmina_scope(land.north))["network-years"])

    assert next(iter(rows)) == str(periods.FIRST_YEAR)
    # 2019: the GOPS and the school, 1 pair of the 10 the five institutions could form.
    assert rows["2019"] == [2, 1, 10, 100, 3]
    assert rows["2020"] == [0, 0, 0, None, 5]
    assert rows["2025"] == [3, 2, 20, 100, 2]


@pytest.mark.parametrize("key", ["network-pairs", "network-years", "network-central"])
def test_it_gives_each_table_alone_for_its_export(land, key, django_assert_max_num_queries):
    refer(land.north_case, land.school, 6)

    with django_assert_max_num_queries(2):
        table = dashboard.table(gmina_scope(land.north), Y2025, key)

    assert table.key == key and table.rows
