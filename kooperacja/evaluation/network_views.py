"""The cooperation network of a territory: its picture, its tables and its course over the
years (see `network`; the tables and figures are the dashboard section's, with their exports).

The picture is laid out in plain Python — the institutions round a circle, grouped by sector:
networkx's layouts (spring, kamada-kawai…) need numpy, which the project does not install for
this alone, and a circle is deterministic and keeps every label readable."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.evaluation import dashboard, periods
from kooperacja.evaluation.dashboard import Dashboard, Section
from kooperacja.evaluation.network import Network, Node
from kooperacja.evaluation.policies import get_scope_for_user, may_read
from kooperacja.evaluation.scope import Level, ancestors
from kooperacja.evaluation.sections import network as section
from kooperacja.evaluation.views import period_from
from kooperacja.institutions.models import Sector

# How many institutions the picture draws: a gmina's whole network up to this many; above a
# gmina (or beyond this) only the most central ones — the tables list the rest.
PICTURE_GMINA = 20
PICTURE_ABOVE_GMINA = 15

WIDTH = 760
HEIGHT = 560
RADIUS = 190
NODE_SIZE = 11
LABEL_CHARACTERS = 28

# Each sector its own shape and colour (the legend names them in words too). Every shape has a
# dark outline, so it stands out from the white background whatever its fill.
SHAPES: dict[str, tuple[str, str]] = {
    Sector.SOCIAL_ASSISTANCE: ("circle", "#0072b2"),
    Sector.FAMILY_SUPPORT: ("square", "#e69f00"),
    Sector.EMPLOYMENT: ("diamond", "#009e73"),
    Sector.EDUCATION: ("triangle", "#f0e442"),
    Sector.HEALTH: ("cross", "#d55e00"),
    Sector.POLICE: ("hexagon", "#56b4e9"),
    Sector.JUSTICE: ("triangle-down", "#cc79a7"),
    Sector.CULTURE: ("pentagon", "#8c564b"),
    Sector.SPORT_RECREATION: ("star", "#bcbd22"),
    Sector.LOCAL_GOVERNMENT: ("triangle-right", "#7f7f7f"),
    Sector.NGO: ("triangle-left", "#17becf"),
    Sector.HOUSING: ("hourglass", "#9467bd"),
    Sector.OTHER: ("octagon", "#ffffff"),
}
# Line widths by the published joint work of a pair (the edge's `weight`: people rounded to 5,
# a hidden count as one stand-in), so that no width tells a hidden count; the bands start at 5.
WIDTH_BANDS = ((20, 6.0), (5, 3.5), (1, 1.5))


@dataclass(frozen=True)
class PictureNode:
    node: Node
    x: float
    y: float
    points: str  # the shape as an SVG polygon
    fill: str
    label: str
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class PictureEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass(frozen=True)
class LegendEntry:
    label: str
    points: str
    fill: str


@dataclass(frozen=True)
class Picture:
    nodes: tuple[PictureNode, ...]
    edges: tuple[PictureEdge, ...]
    legend: tuple[LegendEntry, ...]
    shown: int
    involved: int
    limited: bool


def shape_points(shape: str, x: float, y: float, size: float = NODE_SIZE) -> str:
    """An SVG polygon of the shape centred on (x, y)."""
    if shape == "cross":
        a, b = size, size / 3
        outline = [
            (-b, -a),
            (b, -a),
            (b, -b),
            (a, -b),
            (a, b),
            (b, b),
            (b, a),
            (-b, a),
            (-b, b),
            (-a, b),
            (-a, -b),
            (-b, -b),
        ]
    elif shape == "hourglass":
        outline = [(-size, -size), (size, -size), (0, 0), (size, size), (-size, size), (0, 0)]
    elif shape == "star":
        outline = [_polar((size if index % 2 == 0 else size * 0.45), -90 + index * 36) for index in range(10)]
    else:
        sides, turn, scale = {
            "circle": (24, 0, 1.0),
            "square": (4, 45, 1.25),
            "diamond": (4, 0, 1.25),
            "triangle": (3, -90, 1.25),
            "triangle-down": (3, 90, 1.25),
            "triangle-right": (3, 0, 1.25),
            "triangle-left": (3, 180, 1.25),
            "pentagon": (5, -90, 1.1),
            "hexagon": (6, 0, 1.1),
            "octagon": (8, 22.5, 1.05),
        }[shape]
        outline = [_polar(size * scale, turn + index * 360 / sides) for index in range(sides)]
    return " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in outline)


def _polar(radius: float, degrees: float) -> tuple[float, float]:
    angle = math.radians(degrees)
    return radius * math.cos(angle), radius * math.sin(angle)


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARACTERS else name[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _line_width(weight: int) -> float:
    return next(width for least, width in WIDTH_BANDS if weight >= least)


def drawn_nodes(net: Network) -> tuple[list[Node], bool]:
    """The institutions the picture draws and whether that is fewer than the network has: a
    gmina's network whole (isolated institutions too) when small enough, else the most central."""
    limit = PICTURE_GMINA if net.scope.level == Level.GMINA else PICTURE_ABOVE_GMINA
    everyone = net.involved() + (net.isolated() if net.scope.level == Level.GMINA else [])
    if len(everyone) <= limit:
        return everyone, False
    return [found.node for found in net.central(limit)], True


def picture(net: Network) -> Picture | None:
    """A circular layout: the institutions round a circle grouped by sector (so lines between
    sectors cross the middle), labelled outward; deterministic, the same on every load."""
    shown, limited = drawn_nodes(net)
    if not net.involved():
        return None
    order = list(Sector.values)
    shown.sort(key=lambda node: (order.index(node.sector) if node.sector in order else len(order), node.name))
    cx, cy = WIDTH / 2, HEIGHT / 2
    placed: dict[int, PictureNode] = {}
    for index, node in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * index / len(shown)
        x, y = cx + RADIUS * math.cos(angle), cy + RADIUS * math.sin(angle)
        lx, ly = cx + (RADIUS + 18) * math.cos(angle), cy + (RADIUS + 18) * math.sin(angle) + 5
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        if anchor == "middle":
            ly += 8 if math.sin(angle) > 0 else -6
        shape, fill = SHAPES.get(node.sector, SHAPES[Sector.OTHER])
        placed[node.id] = PictureNode(node, x, y, shape_points(shape, x, y), fill, _short(node.name), lx, ly, anchor)
    edges = []
    for a, b, data in net.graph.edges(data=True):
        if a in placed and b in placed:
            first, second = placed[a], placed[b]
            edges.append(PictureEdge(first.x, first.y, second.x, second.y, _line_width(data["weight"])))
    sectors = dict.fromkeys(node.sector for node in shown)
    legend = tuple(
        LegendEntry(str(Sector(sector).label), shape_points(SHAPES[sector][0], 12, 12), SHAPES[sector][1])
        for sector in order
        if sector in sectors
    )
    return Picture(
        tuple(placed[node.id] for node in shown),
        tuple(edges),
        legend,
        len(shown),
        len(net.involved()),
        limited,
    )


@require_safe
@login_required
def network_page(request: AuthenticatedHttpRequest, level: str, code: str) -> HttpResponse:
    scope = get_scope_for_user(request.user, level, code)
    period = period_from(request)
    today = timezone.localdate()
    # The same networks and tables as the dashboard's section, built once for the page.
    built = section.build_networks(scope, period, today)
    now, before = built[period], built[period.previous()]
    tables = {table.key: table for table in section.tables_of(built, period, today)}
    board = Dashboard(
        scope,
        period,
        period.previous(),
        (
            Section(
                section.NetworkSection.key,
                str(section.NetworkSection.title),
                dashboard.compare(section.headlines_of(now), section.headlines_of(before)),
                tuple(tables.values()),
            ),
        ),
    )
    context: dict[str, Any] = {
        "scope": scope,
        "ancestors": [unit for unit in ancestors(scope) if may_read(request.user, unit)],
        "board": board,
        "section": board.sections[0],
        "picture": picture(now),
        # The pairs stand under the picture and the years under "Over time"; the rest together.
        "pairs": tables.pop("network-pairs"),
        "trend": tables.pop("network-years"),
        "tables": tuple(tables.values()),
        "period_choices": periods.choices(today),
        "running": period.is_running(today),
        "here": _("Cooperation network"),
    }
    return render(request, "evaluation/network.html", context)


urls = [
    path("<str:level>/<str:code>/network/", network_page, name="network"),
]
