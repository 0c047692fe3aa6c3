"""Cooperation network: how densely the institutions of a territory work together, across
sectors, who holds the network together, who stays outside it and which sectors are missing."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.evaluation import network
from kooperacja.evaluation.dashboard import Column, Headline, Row, Table
from kooperacja.evaluation.network import PERSONAL_TIES, TIE_LABELS, Network, Tie
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Figure, Kind, amount_share, people, things
from kooperacja.evaluation.scope import Scope
from kooperacja.institutions.models import Sector

CENTRAL_ROWS = 10
# A voivodeship registers thousands of institutions: the table names the first ones by name
# and says how many there are in all (the headline counts them all).
ISOLATED_ROWS = 100


def percent(fraction: float | None) -> Figure:
    """A 0–1 fraction of institutions or pairs (not people) as a percent with one decimal."""
    if fraction is None:
        return Figure(Kind.SHARE, None)
    return Figure(Kind.SHARE, Decimal(str(fraction * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def tie_figure(tie: Tie, count: int) -> Figure:
    """Referrals and shared cases count people; meetings and teams do not."""
    return people(count) if tie in PERSONAL_TIES else things(count)


def headlines_of(net: Network) -> list[Headline]:
    edges = net.edge_count()
    density = percent(net.density()) if net.graph.number_of_nodes() > 1 else Figure(Kind.SHARE, None)
    return [
        Headline(
            "network-density",
            _("Density of the network"),
            density,
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
                percent(found.betweenness),
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


def tables_of(net: Network) -> list[Table]:
    return [central_table(net), isolated_table(net), sectors_table(net), ties_table(net)]


class NetworkSection:
    key = "network"
    title = gettext_lazy("Cooperation network")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        return headlines_of(network.build(scope, period))

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        return tables_of(network.build(scope, period))


SECTIONS = [NetworkSection()]
