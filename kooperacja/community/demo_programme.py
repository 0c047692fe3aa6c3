"""Demo programme: „Liderzy kooperacji” as the seed texts describe it (000–003).

PO WER 2014–2020, Oś Priorytetowa II, Działanie 2.5, 01.04.2018 – 31.03.2021, 12 893 583,46 zł in
total; leader ROPS Rzeszów, partners ROPS Białystok, Lublin, Kielce (2 280 818,72 zł) and MCPS
Warszawa. The three partners the institutions demo does not have are created here (regional
centres with no staff and no persona). The phases are the project's four stages; the
milestones are those the seeds name; the units are the 8 gminas of the first milestone with
their 6 powiats and the 6 gminas and 4 powiats of the pilot. Only ROPS Kielce's yearly spending
is shown, with made-up amounts marked as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from kooperacja.cases.demo import demo_uuid
from kooperacja.community.models import (
    Milestone,
    MilestoneStatus,
    ParticipationStage,
    PartnerRole,
    Phase,
    Programme,
    ProgrammePartner,
    ProgrammeUnit,
    Spending,
)
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.territory.models import County, Municipality, Voivodeship

PROGRAMME_ID = demo_uuid("programme", "liderzy-kooperacji")

ROPS_KIELCE = "Regionalny Ośrodek Polityki Społecznej Urzędu Marszałkowskiego Województwa Świętokrzyskiego w Kielcach"
ROPS_RZESZOW = "Regionalny Ośrodek Polityki Społecznej w Rzeszowie"

# (name, short name, voivodeship code, locality) of the partners the institutions demo lacks.
OTHER_PARTNERS = [
    ("Regionalny Ośrodek Polityki Społecznej w Białymstoku", "ROPS Białystok", "20", "Białystok"),
    ("Regionalny Ośrodek Polityki Społecznej w Lublinie", "ROPS Lublin", "06", "Lublin"),
    ("Mazowieckie Centrum Polityki Społecznej w Warszawie", "MCPS Warszawa", "14", "Warszawa"),
]

# The 8 gminas of the first milestone (seed 003) and the 6 gminas and 4 powiats of the pilot (seed 002).
MILESTONE_GMINAS = ["2602052", "2602093", "2604012", "2604083", "2607032", "2609052", "2611032", "2612013"]
MILESTONE_POWIATS = ["2602", "2604", "2607", "2609", "2611", "2612"]
PILOT_GMINAS = ["2602052", "2602093", "2604012", "2604083", "2609052", "2612013"]
PILOT_POWIATS = ["2602", "2604", "2609", "2612"]

KIELCE_BUDGET = Decimal("2280818.72")
# Made-up yearly amounts for ROPS Kielce (their sum stays below its budget).
KIELCE_SPENDING = {
    2018: Decimal("312450.00"),
    2019: Decimal("786230.50"),
    2020: Decimal("694120.80"),
    2021: Decimal("205300.00"),
}
DEMO_NOTE = "Kwoty przykładowe (demo)"

# (phase, starts on, ends on, [(milestone, due on, reached on or None, note)]).
PHASES: list[tuple[str, dt.date, dt.date, list[tuple[str, dt.date, dt.date | None, str]]]] = [
    (
        "Wypracowanie Modelu Kooperacji",
        dt.date(2018, 4, 1),
        dt.date(2019, 3, 31),
        [
            (
                "8 gmin wypracowało założenia Modelu Kooperacji na siedmiu spotkaniach warsztatowych G-PZK",
                dt.date(2018, 12, 31),
                dt.date(2018, 12, 31),
                "Oksa, Wodzisław, Bieliny, Łopuszno, Bodzechów, Łoniów, Mirzec i Bogoria.",
            ),
            (
                "Konsultacje założeń Modelu Kooperacji",
                dt.date(2019, 2, 28),
                dt.date(2019, 2, 6),
                "Sandomierz 25.01.2019, Skarżysko-Kamienna 29.01.2019, Kielce 6.02.2019.",
            ),
        ],
    ),
    (
        "Testowanie Modelu (18 miesięcy)",
        dt.date(2019, 4, 1),
        dt.date(2020, 9, 30),
        [
            (
                "Porozumienia pilotażowe z 4 powiatami i 6 gminami",
                dt.date(2019, 6, 30),
                dt.date(2019, 6, 30),
                "Powiaty jędrzejowski, kielecki, sandomierski, staszowski; gminy Oksa, Wodzisław, Bieliny, "
                "Łopuszno, Łoniów, Bogoria. Data przykładowa (demo).",
            ),
            ("Zakończenie testowania Modelu w gminach pilotażowych", dt.date(2020, 9, 30), None, ""),
        ],
    ),
    (
        "Stworzenie Księgi Rekomendacji",
        dt.date(2020, 10, 1),
        dt.date(2021, 1, 31),
        [("Księga Rekomendacji", dt.date(2021, 1, 31), None, "")],
    ),
    (
        "Działania edukacyjne nt. rozpowszechniania Modelu Kooperacji",
        dt.date(2020, 10, 1),
        dt.date(2021, 3, 31),
        [("Zakończenie projektu", dt.date(2021, 3, 31), None, "")],
    ),
]


def _institution(name: str, short: str, voivodeship: str, locality: str) -> Institution:
    institution, _created = Institution.objects.get_or_create(
        name=name,
        defaults={
            "short_name": short,
            "kind": InstitutionKind.ROPS,
            "sector": Sector.SOCIAL_ASSISTANCE,
            "voivodeship": Voivodeship.objects.get(code=voivodeship),
            "locality": locality,
        },
    )
    return institution


def _partners(programme: Programme) -> None:
    specs = [
        (Institution.objects.get(name=ROPS_RZESZOW), PartnerRole.LEADER, "18", None),
        *[(_institution(*spec), PartnerRole.PARTNER, spec[2], None) for spec in OTHER_PARTNERS[:2]],
        (Institution.objects.get(name=ROPS_KIELCE), PartnerRole.PARTNER, "26", KIELCE_BUDGET),
        (_institution(*OTHER_PARTNERS[2]), PartnerRole.PARTNER, "14", None),
    ]
    for institution, role, voivodeship, budget in specs:
        ProgrammePartner.objects.get_or_create(
            programme=programme,
            institution=institution,
            defaults={"role": role, "voivodeship": Voivodeship.objects.get(code=voivodeship), "budget": budget},
        )


def _phases(programme: Programme) -> None:
    for number, (name, starts_on, ends_on, milestones) in enumerate(PHASES, start=1):
        phase, _created = Phase.objects.get_or_create(
            programme=programme, number=number, defaults={"name": name, "starts_on": starts_on, "ends_on": ends_on}
        )
        for index, (title, due_on, reached_on, note) in enumerate(milestones):
            Milestone.objects.get_or_create(
                public_id=demo_uuid("milestone", str(number), str(index)),
                defaults={
                    "phase": phase,
                    "name": title,
                    "due_on": due_on,
                    "reached_on": reached_on,
                    "status": MilestoneStatus.REACHED if reached_on else MilestoneStatus.PLANNED,
                    "note": note,
                },
            )


def _units(programme: Programme) -> None:
    stages = [
        (ParticipationStage.MILESTONE_1, MILESTONE_GMINAS, MILESTONE_POWIATS, dt.date(2018, 8, 1)),
        (ParticipationStage.PILOT, PILOT_GMINAS, PILOT_POWIATS, None),
    ]
    for stage, gminas, powiats, joined_on in stages:
        for gmina in Municipality.objects.filter(code__in=gminas):
            ProgrammeUnit.objects.get_or_create(
                programme=programme, municipality=gmina, stage=stage, defaults={"joined_on": joined_on}
            )
        for powiat in County.objects.filter(code__in=powiats):
            ProgrammeUnit.objects.get_or_create(
                programme=programme, county=powiat, stage=stage, defaults={"joined_on": joined_on}
            )


def _spending(programme: Programme) -> None:
    kielce = ProgrammePartner.objects.get(programme=programme, institution__name=ROPS_KIELCE)
    for year, amount in KIELCE_SPENDING.items():
        Spending.objects.get_or_create(
            partner=kielce, year=year, defaults={"programme": programme, "amount": amount, "note": DEMO_NOTE}
        )


def load(log: Callable[[str], None]) -> None:
    """Create „Liderzy kooperacji” with its partners, phases, milestones, units and spending
    (idempotent: stable ids, nothing is created twice)."""
    programme, _created = Programme.objects.get_or_create(
        public_id=PROGRAMME_ID,
        defaults={
            "name": "Liderzy kooperacji",
            "funding": "Program Operacyjny Wiedza Edukacja Rozwój 2014–2020, Oś Priorytetowa II Efektywne polityki "
            "publiczne dla rynku pracy, gospodarki i edukacji, Działanie 2.5 „Skuteczna pomoc społeczna” (EFS)",
            "description": "Wypracowanie i wdrożenie modelu kooperacji pomiędzy instytucjami pomocy i integracji "
            "społecznej a podmiotami innych polityk sektorowych dla gmin wiejskich makroregionu I: województw "
            "lubelskiego, mazowieckiego, podkarpackiego, podlaskiego i świętokrzyskiego.",
            "starts_on": dt.date(2018, 4, 1),
            "ends_on": dt.date(2021, 3, 31),
            "total_budget": Decimal("12893583.46"),
        },
    )
    _partners(programme)
    _phases(programme)
    _units(programme)
    _spending(programme)
    log("Community: the programme „Liderzy kooperacji” with its partners, phases, milestones and units.")
