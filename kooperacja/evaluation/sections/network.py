"""Cooperation network: how densely the institutions of a territory work together, across
sectors, who holds the network together, who stays outside it and which sectors are missing;
the strongest pairs and the network year by year.

One build of the networks serves the headlines of the period and of the previous one and every
table (`dashboard.remember`): two queries a dashboard, however many years it shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.evaluation import dashboard, network
from kooperacja.evaluation.dashboard import Chart, Column, Headline, Row, Table
from kooperacja.evaluation.network import PERSONAL_TIES, TIE_LABELS, Network, Tie
from kooperacja.evaluation.periods import FIRST_YEAR, Period, Unit
from kooperacja.evaluation.privacy import Figure, Kind, amount_share, people, things
from kooperacja.evaluation.scope import Scope
from kooperacja.institutions.models import Sector

CENTRAL_ROWS = 10
# A voivodeship registers thousands of institutions: the table names the first ones by name
# and says how many there are in all (the headline counts them all).
ISOLATED_ROWS = 100
# A G-PZK of a dozen members alone makes dozens of pairs; the table keeps the strongest.
PAIR_ROWS = 30

Networks = dict[Period, Network]


def year_periods(today: dt.date) -> list[Period]:
    """Every whole year of the model, from the programme's start to the running one."""
    return [Period(year, Unit.YEAR, 1) for year in range(FIRST_YEAR, today.year + 1)]


def build_networks(scope: Scope, period: Period, today: dt.date) -> Networks:
    """The networks of the period, of the previous period and of every year, in one
    `network.build_many` (two queries)."""
    wanted = list(dict.fromkeys([period, period.previous(), *year_periods(today)]))
    return dict(zip(wanted, network.build_many(scope, wanted), strict=True))


def _no_networks() -> Networks:
    return {}


def networks(scope: Scope, period: Period) -> Networks:
    """The networks a dashboard build needs, built once for it: the headlines of the previous
    period find theirs among those the period's headlines built."""
    built = dashboard.remember(("network", scope.key()), _no_networks)
    if period not in built:
        for found, net in build_networks(scope, period, timezone.localdate()).items():
            built.setdefault(found, net)
    return built


def betweenness_figure(fraction: float | None) -> Figure:
    """Betweenness, a 0–1 share of shortest paths (things), as a published share; nothing where
    it was not measured."""
    if fraction is None:
        return Figure(Kind.SHARE, None)
    return amount_share(Decimal(str(fraction)), 1)


def tie_figure(tie: Tie, count: int) -> Figure:
    """Referrals and shared cases count people; meetings and teams do not."""
    return people(count) if tie in PERSONAL_TIES else things(count)


def headlines_of(net: Network) -> list[Headline]:
    edges = net.edge_count()
    return [
        Headline(
            "network-density",
            _("Density of the network"),
            amount_share(edges, net.possible_pairs()),
            _("Pairs of institutions that worked together, out of all possible pairs."),
        ),
        Headline(
            "network-cross-sector",
            _("Pairs working across sectors"),
            amount_share(net.cross_sector_count(), edges),
            _("Share of the pairs whose two institutions are of different sectors."),
        ),
        Headline("network-involved", _("Institutions involved"), things(len(net.involved()))),
        Headline(
            "network-isolated",
            _("Institutions without joint work"),
            things(len(net.isolated())),
            _("Registered in the territory, with no joint work in the period."),
        ),
    ]


def central_table(net: Network, limit: int = CENTRAL_ROWS) -> Table:
    note = _(
        "The institutions with the most joint work. A tie is one piece of joint work with one partner: a "
        "referral, a case both work on, a meeting both attended, a team both belong to. Betweenness is the "
        "share of the shortest paths between other institutions that pass through this one (stronger ties "
        "are shorter): a high figure marks an institution that links the others."
    )
    if not net.has_betweenness():
        note += " " + _(
            "Betweenness is measured in networks of up to %(limit)s institutions: read it on the dashboards "
            "of the units below."
        ) % {"limit": network.BETWEENNESS_UP_TO}
    rows = tuple(
        Row(
            found.node.label,
            (
                things(found.partners),
                people(found.case_ties),
                things(found.team_ties),
                betweenness_figure(found.betweenness),
            ),
        )
        for found in net.central(limit)
    )
    return Table(
        "network-central",
        _("Central institutions"),
        _("Institution"),
        (
            Column(_("partner institutions"), Kind.COUNT),
            Column(_("ties through cases and referrals"), Kind.PEOPLE),
            Column(_("ties through meetings and teams"), Kind.COUNT),
            Column(_("betweenness (%)"), Kind.SHARE),
        ),
        rows,
        note=note,
    )


def isolated_table(net: Network) -> Table:
    isolated = net.isolated()
    note = _("Active institutions located in the territory that had no joint work in the period.")
    if len(isolated) > ISOLATED_ROWS:
        note += " " + _("The first %(shown)s of %(all)s by name.") % {"shown": ISOLATED_ROWS, "all": len(isolated)}
    return Table(
        "network-isolated",
        _("Institutions without joint work"),
        _("Institution (sector)"),
        (),
        tuple(Row(node.label, ()) for node in isolated[:ISOLATED_ROWS]),
        note=note,
    )


def sectors_table(net: Network) -> Table:
    registered = net.registered_by_sector()
    rows = tuple(
        Row(str(Sector(sector).label), (things(registered.get(sector, 0)),)) for sector in net.sectors_not_involved()
    )
    return Table(
        "network-sectors",
        _("Sectors not yet involved"),
        _("Sector"),
        (Column(_("institutions registered in the territory"), Kind.COUNT),),
        rows,
        note=_(
            "Sectors with no institution in the network in the period; where the territory has institutions "
            "of the sector, they are partners still to invite."
        ),
    )


def ties_table(net: Network) -> Table:
    rows = [
        Row(
            str(TIE_LABELS[tie]),
            (things(net.edge_count(tie)), things(net.cross_sector_count(tie)), tie_figure(tie, net.tie_total(tie))),
        )
        for tie in Tie
    ]
    total = Row(
        _("Any joint work"),
        (things(net.edge_count()), things(net.cross_sector_count()), Figure(Kind.COUNT, None)),
    )
    return Table(
        "network-ties",
        _("Pairs of institutions by kind of joint work"),
        _("Kind of joint work"),
        (
            Column(_("pairs of institutions"), Kind.COUNT),
            Column(_("of them across sectors"), Kind.COUNT),
            Column(_("ties"), Kind.COUNT),
        ),
        tuple(rows),
        note=_(
            "A pair may work together in several ways, so the kinds add up to more than all pairs. Ties: each "
            "referral once; each case, meeting or team once for every pair of its institutions. Referrals and "
            "cases count people and are rounded to 5."
        ),
        total=total,
    )


def pairs_table(net: Network, limit: int = PAIR_ROWS) -> Table:
    """The pairs of institutions that worked together, strongest first: the strength is the
    published joint work (`Network` edge `weight`), so the order tells no hidden count."""
    edges = sorted(
        net.graph.edges(data=True),
        key=lambda edge: (-edge[2]["weight"], net.node(edge[0]).name.casefold(), net.node(edge[1]).name.casefold()),
    )
    rows = tuple(
        Row(f"{net.node(a).name} — {net.node(b).name}", tuple(tie_figure(tie, data.get(tie, 0)) for tie in Tie))
        for a, b, data in edges[:limit]
    )
    note = _(
        "Pairs of institutions that worked together, the most joint work first; referrals and cases count "
        "people (rounded to 5, „< 5” counted as 1 for the order)."
    )
    if len(edges) > limit:
        note += " " + _("The %(shown)s strongest of %(all)s pairs.") % {"shown": limit, "all": len(edges)}
    return Table(
        "network-pairs",
        _("Strongest pairs of institutions"),
        _("Pair of institutions"),
        (
            Column(_("referrals"), Kind.PEOPLE),
            Column(_("shared cases"), Kind.PEOPLE),
            Column(_("co-attended meetings"), Kind.COUNT),
            Column(_("shared G-PZK teams"), Kind.COUNT),
        ),
        rows,
        note=note,
    )


def years_table(nets: list[Network]) -> Table:
    rows = tuple(
        Row(
            str(net.period.year),
            (
                things(len(net.involved())),
                things(net.edge_count()),
                amount_share(net.edge_count(), net.possible_pairs()),
                amount_share(net.cross_sector_count(), net.edge_count()),
                things(len(net.isolated())),
            ),
        )
        for net in nets
    )
    return Table(
        "network-years",
        _("The network year by year"),
        _("Year"),
        (
            Column(_("institutions involved"), Kind.COUNT),
            Column(_("pairs of institutions"), Kind.COUNT),
            Column(_("density (%)"), Kind.SHARE),
            Column(_("pairs across sectors (%)"), Kind.SHARE),
            Column(_("institutions without joint work"), Kind.COUNT),
        ),
        rows,
        chart=Chart.BARS,
        chart_column=1,
        note=_("Institutions registered today; joint work of each whole year (the running year so far)."),
    )


def tables_of(built: Networks, period: Period, today: dt.date) -> list[Table]:
    """Every table of the section for the period, from the networks `build_networks` gives."""
    net = built[period]
    years = [built[year] for year in year_periods(today) if year in built]
    return [
        central_table(net),
        pairs_table(net),
        isolated_table(net),
        sectors_table(net),
        ties_table(net),
        years_table(years),
    ]


class NetworkSection:
    key = "network"
    title = gettext_lazy("Cooperation network")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        return headlines_of(networks(scope, period)[period])

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        return tables_of(networks(scope, period), period, timezone.localdate())


SECTIONS = [NetworkSection()]
