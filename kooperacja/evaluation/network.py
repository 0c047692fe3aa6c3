"""The cooperation network of a territory (issue #10): institutions as nodes, joint work as
weighted edges — what the model is built to grow.

Four kinds of joint work make an edge between two institutions:

- a referral (skierowanie) sent from one to the other;
- a shared case: both take part in the same case through its case team, its basket of
  services or a case conference (`cases.Participation`);
- a co-attended meeting: people of both attended the same meeting of a team;
- team membership: both are members of the same G-PZK.

Each kind is one aggregate returning (institution a, institution b, count per period) with a
self-join (never a loop over cases); the four go to the database as one UNION ALL query, so
the cost in Python grows with the pairs of institutions, not with cases. networkx then
measures the graph. Referrals and shared cases count people: whatever is published of them
goes through `privacy.people`. Meetings and teams are not personal. Only institutions are
named, never a person.

Whatever is *derived* from the counts — an edge's `weight` (the width of its line, the order
of the pairs), its `distance` (betweenness) and the ranking of central institutions — rests on
the published figures, never the exact ones: a count of people as `privacy.people` shows it
(rounded to 5; a hidden count of 1–4 always as the same stand-in), meetings and teams as they
are. A line, a rank or a betweenness then cannot tell a hidden 1 from a hidden 4.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

import networkx as nx
from django.db.models import BooleanField, CharField, Count, ExpressionWrapper, F, Q, QuerySet, Value
from django.utils.translation import gettext_lazy

from kooperacja.cases.models import Participation, ParticipationKind
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import people
from kooperacja.evaluation.scope import Scope
from kooperacja.evaluation.sections.common import datetime_range
from kooperacja.institutions.models import Institution, Sector
from kooperacja.plans.models import Referral
from kooperacja.teams.models import Attendance, MeetingStatus, TeamMember

# Weighted betweenness costs a shortest-path search from every institution (about 0.4 s for
# 150 institutions, 6 s for 500, in pure Python); above this many involved institutions (a
# voivodeship, a large powiat) it is not computed, and the tables say so.
BETWEENNESS_UP_TO = 150


class Tie(StrEnum):
    """A kind of joint work that links two institutions."""

    REFERRAL = "referral"
    SHARED_CASE = "shared_case"
    MEETING = "meeting"
    TEAM = "team"


TIE_LABELS = {
    Tie.REFERRAL: gettext_lazy("Referrals"),
    Tie.SHARED_CASE: gettext_lazy("Shared cases (case teams, baskets of services, case conferences)"),
    Tie.MEETING: gettext_lazy("Co-attended meetings"),
    Tie.TEAM: gettext_lazy("Membership of the same G-PZK"),
}
# Weights of these kinds count people (referred persons, cases of families).
PERSONAL_TIES = frozenset({Tie.REFERRAL, Tie.SHARED_CASE})
# What a hidden count of people („< 5”) weighs in a line, a rank or a distance: one value for
# every hidden count, so none of them tells 1 from 4.
HIDDEN_STAND_IN = 1
# Taking part in a case through these counts as a shared case; a referral is its own kind.
SHARED_CASE_KINDS = (ParticipationKind.CASE_TEAM, ParticipationKind.BASKET_ITEM, ParticipationKind.CASE_CONFERENCE)


@dataclass(frozen=True)
class Node:
    """An institution of the network; `registered` when it is located in the territory (an
    institution from outside, such as the PCPR of a gmina's powiat, takes part through edges)."""

    id: int
    name: str
    sector: str
    registered: bool

    @property
    def sector_label(self) -> str:
        return str(Sector(self.sector).label) if self.sector in Sector.values else str(Sector.OTHER.label)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.sector_label})"


@dataclass(frozen=True)
class Centrality:
    node: Node
    partners: int  # degree: institutions it has joint work with
    case_ties: int  # referrals and shared cases, summed over partners (people)
    team_ties: int  # co-attended meetings and shared teams, summed over partners (not people)
    betweenness: float | None  # 0–1: the share of shortest paths between others through it


@dataclass
class Network:
    """The graph of one territory and period: nodes carry `Node`s, each edge the exact count
    per kind of joint work (`Tie` values as keys), their published sum as `weight` and its
    inverse as `distance`."""

    scope: Scope
    period: Period
    graph: nx.Graph = field(default_factory=nx.Graph)

    def node(self, institution_id: int) -> Node:
        found: Node = self.graph.nodes[institution_id]["node"]
        return found

    def nodes(self) -> list[Node]:
        return [data["node"] for _, data in self.graph.nodes(data=True)]

    def involved(self) -> list[Node]:
        """Institutions with at least one edge."""
        return sorted((self.node(pk) for pk, degree in self.graph.degree() if degree), key=_by_name)

    def isolated(self) -> list[Node]:
        """Institutions registered in the territory with no edge in the period."""
        return sorted(
            (self.node(pk) for pk, degree in self.graph.degree() if not degree and self.node(pk).registered),
            key=_by_name,
        )

    def possible_pairs(self) -> int:
        """Pairs the network's institutions (involved and isolated) could form."""
        count = self.graph.number_of_nodes()
        return count * (count - 1) // 2

    def density(self) -> float:
        """Edges present out of all possible pairs of the network's institutions (involved and
        isolated), 0–1."""
        return float(nx.density(self.graph)) if self.graph.number_of_nodes() > 1 else 0.0

    def edge_count(self, tie: Tie | None = None) -> int:
        return sum(1 for *_, data in self.graph.edges(data=True) if tie is None or data.get(tie))

    def cross_sector_count(self, tie: Tie | None = None) -> int:
        """Edges (of one kind, or of any) whose two institutions are of different sectors."""
        return sum(
            1
            for a, b, data in self.graph.edges(data=True)
            if (tie is None or data.get(tie)) and self.node(a).sector != self.node(b).sector
        )

    def tie_total(self, tie: Tie) -> int:
        """The weights of one kind summed over all edges (a referral counts once; a case, a
        meeting or a team once for each pair of its institutions)."""
        return sum(data.get(tie, 0) for *_, data in self.graph.edges(data=True))

    def sectors_not_involved(self) -> list[str]:
        """Sectors (in the order of `Sector`) with no institution that has an edge."""
        present = {node.sector for node in self.involved()}
        return [sector for sector in Sector.values if sector not in present]

    def registered_by_sector(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for node in self.nodes():
            if node.registered:
                counts[node.sector] += 1
        return counts

    def has_betweenness(self) -> bool:
        return len(self.involved()) <= BETWEENNESS_UP_TO

    @cached_property
    def _betweenness(self) -> dict[int, float]:
        """Weighted betweenness: a stronger tie (more published joint work) is a shorter
        distance; none for a network too large to measure on a page."""
        involved = self.graph.subgraph([pk for pk, degree in self.graph.degree() if degree])
        if involved.number_of_nodes() > BETWEENNESS_UP_TO:
            return {}
        if involved.number_of_nodes() < 3:
            return dict.fromkeys(involved.nodes, 0.0)
        found: dict[int, float] = nx.betweenness_centrality(involved, weight="distance")
        return found

    def central(self, limit: int) -> list[Centrality]:
        """The `limit` institutions with the most joint work as the table publishes it (ties
        through cases and referrals as `published_people`, plus meetings and teams), then the
        highest betweenness, then by name."""
        ranked = []
        for pk, degree in self.graph.degree():
            if not degree:
                continue
            edges = [data for *_, data in self.graph.edges(pk, data=True)]
            ranked.append(
                Centrality(
                    self.node(pk),
                    partners=degree,
                    case_ties=sum(data.get(tie, 0) for data in edges for tie in PERSONAL_TIES),
                    team_ties=sum(data.get(Tie.MEETING, 0) + data.get(Tie.TEAM, 0) for data in edges),
                    betweenness=self._betweenness.get(pk),
                )
            )
        ranked.sort(
            key=lambda c: (
                -(published_people(c.case_ties) + c.team_ties),
                -(c.betweenness or 0),
                c.node.name.casefold(),
            )
        )
        return ranked[:limit]


def _by_name(node: Node) -> tuple[str, int]:
    return (node.name.casefold(), node.id)


def published_people(count: int) -> int:
    """A count of people as it is published (`privacy.people`: rounded to 5), a hidden one as the
    fixed stand-in: the value a picture or a ranking may use."""
    figure = people(count)
    return HIDDEN_STAND_IN if figure.hidden else int(figure.value or 0)


def published_weight(tie: Tie, count: int) -> int:
    """A count of one kind of joint work as published: people through `published_people`,
    meetings and teams as they are."""
    return published_people(count) if tie in PERSONAL_TIES else count


# --- Building the graph from aggregated SQL ---------------------------------------------------


def build(scope: Scope, period: Period) -> Network:
    return build_many(scope, [period])[0]


def build_many(scope: Scope, periods: Sequence[Period]) -> list[Network]:
    """The networks of a territory for several periods at once, in two queries: the pairs of
    every kind of joint work (one aggregate per kind with a conditional count per period, joined
    by UNION ALL) and the institutions."""
    pairs: dict[tuple[int, int], dict[Tie, list[int]]] = defaultdict(dict)
    for a, b, tie, *counts in _edge_rows(scope, periods):
        if a == b or not any(counts):
            continue
        key = (a, b) if a < b else (b, a)
        found = pairs[key].setdefault(Tie(tie), [0] * len(periods))
        for index, count in enumerate(counts):
            found[index] += count
    endpoints = {pk for pair in pairs for pk in pair}
    nodes = _nodes(scope, endpoints)
    networks = []
    for index, period in enumerate(periods):
        graph = nx.Graph()
        # Sorted insertion keeps every networkx result (and the picture) the same on each run.
        for pk in sorted(nodes):
            graph.add_node(pk, node=nodes[pk])
        for (a, b), by_tie in sorted(pairs.items()):
            weights = {tie: counts[index] for tie, counts in by_tie.items() if counts[index]}
            if not weights or a not in nodes or b not in nodes:
                continue
            # The published sum: never 0, as a count of 1–4 people weighs the stand-in.
            total = sum(published_weight(tie, count) for tie, count in weights.items())
            graph.add_edge(a, b, weight=total, distance=1 / total, **weights)
        # An institution from outside the territory is part of a period's network only through
        # its edges in that period.
        graph.remove_nodes_from([pk for pk, degree in list(graph.degree()) if not degree and not nodes[pk].registered])
        networks.append(Network(scope, period, graph))
    return networks


def _edge_rows(scope: Scope, periods: Sequence[Period]) -> QuerySet[Any]:
    """(institution a, institution b, kind, count in each period) for every pair of every kind."""
    bounds = [datetime_range(period) for period in periods]
    first, last = min(start for start, _ in bounds), max(end for _, end in bounds)
    referrals, *others = (
        _referral_pairs(scope, bounds, first, last),
        _shared_case_pairs(scope, bounds, first, last),
        _meeting_pairs(scope, bounds, first, last),
        _team_pairs(scope, periods),
    )
    return referrals.union(*others, all=True)


def _pairs(queryset: QuerySet[Any], a: str, b: str, tie: Tie, counts: dict[str, Count]) -> QuerySet[Any]:
    return queryset.values_list(a, b).annotate(tie=Value(tie.value, output_field=CharField()), **counts).order_by()


Bounds = list[tuple[dt.datetime, dt.datetime]]


def _referral_pairs(scope: Scope, bounds: Bounds, first: dt.datetime, last: dt.datetime) -> QuerySet[Any]:
    """(sender, receiver, referrals sent in each period): a draft was never sent."""
    counts = {
        f"p{i}": Count("pk", filter=Q(sent_at__gte=start, sent_at__lt=end)) for i, (start, end) in enumerate(bounds)
    }
    queryset = Referral.objects.filter(scope.where(), sent_at__gte=first, sent_at__lt=last)
    return _pairs(queryset, "from_institution_id", "to_institution_id", Tie.REFERRAL, counts)


def _active(prefix: str, since: str, until: str, start: Any, end: Any) -> Q:
    """Rows (through `prefix`) that began before the end and had not ended by the start."""
    return Q(**{f"{prefix}{since}__lt": end}) & (
        Q(**{f"{prefix}{until}__isnull": True}) | Q(**{f"{prefix}{until}__gt": start})
    )


def _shared_case_pairs(scope: Scope, bounds: Bounds, first: dt.datetime, last: dt.datetime) -> QuerySet[Any]:
    """(institution, other institution, cases both took part in during each period): the
    participation joined to the other participations of its case (a self-join on the case)."""
    other = "case__participations__"
    counts = {
        f"p{i}": Count(
            "case_id",
            distinct=True,
            filter=_active("", "started_at", "ended_at", start, end)
            & _active(other, "started_at", "ended_at", start, end),
        )
        for i, (start, end) in enumerate(bounds)
    }
    queryset = Participation.objects.filter(
        scope.where(),
        _active("", "started_at", "ended_at", first, last),
        kind__in=SHARED_CASE_KINDS,
        case__participations__kind__in=SHARED_CASE_KINDS,
        case__participations__institution_id__gt=F("institution_id"),
    )
    return _pairs(queryset, "institution_id", f"{other}institution_id", Tie.SHARED_CASE, counts)


def _meeting_pairs(scope: Scope, bounds: Bounds, first: dt.datetime, last: dt.datetime) -> QuerySet[Any]:
    """(institution, other institution, meetings people of both attended in each period)."""
    counts = {
        f"p{i}": Count("meeting_id", distinct=True, filter=Q(meeting__starts_at__gte=start, meeting__starts_at__lt=end))
        for i, (start, end) in enumerate(bounds)
    }
    queryset = Attendance.objects.filter(
        scope.where("meeting__municipality"),
        attended=True,
        meeting__starts_at__gte=first,
        meeting__starts_at__lt=last,
        meeting__attendances__attended=True,
        meeting__attendances__institution_id__gt=F("institution_id"),
    ).exclude(meeting__status=MeetingStatus.CANCELLED)
    return _pairs(queryset, "institution_id", "meeting__attendances__institution_id", Tie.MEETING, counts)


def _team_pairs(scope: Scope, periods: Sequence[Period]) -> QuerySet[Any]:
    """(institution, other institution, G-PZK teams both were members of during each period)."""
    other = "team__members__"
    counts = {
        f"p{i}": Count(
            "team_id",
            distinct=True,
            filter=_active("", "joined_on", "left_on", period.start, period.end + dt.timedelta(days=1))
            & _active(other, "joined_on", "left_on", period.start, period.end + dt.timedelta(days=1)),
        )
        for i, period in enumerate(periods)
    }
    queryset = TeamMember.objects.filter(
        scope.where("team__municipality"), team__members__institution_id__gt=F("institution_id")
    )
    return _pairs(queryset, "institution_id", f"{other}institution_id", Tie.TEAM, counts)


def _nodes(scope: Scope, endpoints: set[int]) -> dict[int, Node]:
    """The active institutions of the territory and every institution at an end of an edge."""
    registered = scope.where_institution() & Q(is_active=True)
    rows = (
        Institution.objects.filter(registered | Q(pk__in=sorted(endpoints)))
        .annotate(registered=ExpressionWrapper(registered, output_field=BooleanField()))
        .values_list("pk", "name", "short_name", "sector", "registered")
    )
    return {pk: Node(pk, short or name, sector, bool(inside)) for pk, name, short, sector, inside in rows}
