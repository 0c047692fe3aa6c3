"""Building programmes for tests: each call makes a new programme (never the demo's), led by
ROPS Rzeszów with ROPS Kielce as a partner, so tests filter by their own objects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kooperacja.community.models import Milestone, Phase, Programme, ProgrammePartner
from kooperacja.community.programme import ProgrammeData, add_milestone, add_partner, add_phase, create_programme
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import Voivodeship

START = dt.date(2018, 4, 1)
END = dt.date(2021, 3, 31)


def rops(short_name: str) -> Institution:
    return Institution.objects.get(short_name=short_name)


def make_programme(actor: Any = None, *, total: str = "5000000.00", name: str = "Program testowy") -> Programme:
    data = ProgrammeData(
        name=name, funding="PO WER", description="", starts_on=START, ends_on=END, total_budget=Decimal(total)
    )
    return create_programme(actor, data)


def add_partners(programme: Programme, actor: Any = None) -> tuple[ProgrammePartner, ProgrammePartner]:
    """ROPS Rzeszów leads (2 000 000 zł), ROPS Kielce is a partner (1 000 000 zł)."""
    leader = add_partner(
        actor,
        programme,
        institution=rops("ROPS Rzeszów"),
        role="leader",
        voivodeship=Voivodeship.objects.get(code="18"),
        budget=Decimal("2000000.00"),
    )
    kielce = add_partner(
        actor,
        programme,
        institution=rops("ROPS Kielce"),
        role="partner",
        voivodeship=Voivodeship.objects.get(code="26"),
        budget=Decimal("1000000.00"),
    )
    return leader, kielce


def make_full_programme(actor: Any = None) -> Programme:
    programme = make_programme(actor)
    add_partners(programme, actor)
    return programme


def make_milestone(programme: Programme, actor: Any = None, *, due_on: dt.date = dt.date(2019, 6, 30)) -> Milestone:
    phase = programme.phases.order_by("number").first() or add_phase(actor, programme, name="Wypracowanie modelu")
    assert isinstance(phase, Phase)
    return add_milestone(actor, phase, name="Porozumienia pilotażowe", due_on=due_on)
