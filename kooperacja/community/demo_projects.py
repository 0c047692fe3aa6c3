"""Demo social projects: the social package (pakiet socjalny) of the six pilot gminas of 2019.

Seed 002 names the gminas that signed the pilot agreements (Oksa, Wodzisław, Bieliny,
Łopuszno, Łoniów, Bogoria), the 56 000 zł each received and what the package pays for
(counselling, diagnostics, therapy, rehabilitation, workshops, a club, a volunteering centre,
community education, staff training). The GOPS of each gmina carries its project from
September 2019 to March 2021 (the 18 months of testing); the projects are completed. How the
money was split, the expenses (with no document files), activities, participant counts and
indicators are synthetic but plausible; the gmina's cooperation team and the programme
„Liderzy kooperacji” are linked when they exist.

Loading is idempotent: a project has a public id derived from its gmina, and a project found
by it is left as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from kooperacja.cases.demo import demo_uuid
from kooperacja.community.models import (
    Activity,
    BudgetCategory,
    BudgetLine,
    Expense,
    IndicatorKind,
    Programme,
    ProjectIndicator,
    ProjectStatus,
    SocialProject,
)
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.teams.models import Team
from kooperacja.territory.models import Municipality

PROGRAMME_NAME = "Liderzy kooperacji"
STARTS_ON = dt.date(2019, 9, 1)
ENDS_ON = dt.date(2021, 3, 31)
PACKAGE = Decimal("56000.00")

# Gmina code -> its name in the titles (locative).
PILOT_GMINAS = {
    "2602052": "Oksie",
    "2602093": "Wodzisławiu",
    "2604012": "Bielinach",
    "2604083": "Łopusznie",
    "2609052": "Łoniowie",
    "2612013": "Bogorii",
}

# The package's split over its categories, in złoty (sums to 56 000).
SPLIT: list[tuple[str, str, int]] = [
    (BudgetCategory.COUNSELLING, "Poradnictwo psychologiczne i prawne", 6000),
    (BudgetCategory.DIAGNOSTICS, "Diagnoza potrzeb rodzin", 4000),
    (BudgetCategory.THERAPY, "Terapia rodzinna i uzależnień", 8000),
    (BudgetCategory.REHABILITATION, "Rehabilitacja osób starszych i z niepełnosprawnością", 6000),
    (BudgetCategory.WORKSHOPS, "Warsztaty umiejętności rodzicielskich", 8000),
    (BudgetCategory.CLUB, "Klub integracji społecznej", 9000),
    (BudgetCategory.VOLUNTEERING, "Centrum wolontariatu", 5000),
    (BudgetCategory.COMMUNITY_EDUCATION, "Edukacja społeczności lokalnej", 5000),
    (BudgetCategory.STAFF_TRAINING, "Szkolenia kompetencyjne kadr", 5000),
]


@dataclass(frozen=True)
class DemoActivity:
    title: str
    starts_on: dt.date
    ends_on: dt.date | None
    adults: int
    children: int
    seniors: int
    disabled: int


ACTIVITIES = [
    DemoActivity("Diagnoza potrzeb rodzin w gminie", dt.date(2019, 9, 16), dt.date(2019, 11, 29), 40, 0, 8, 5),
    DemoActivity(
        "Warsztaty dla rodziców „Szkoła dla rodziców”", dt.date(2019, 10, 7), dt.date(2020, 2, 24), 18, 0, 0, 1
    ),
    DemoActivity("Zajęcia klubu integracji społecznej", dt.date(2019, 11, 4), dt.date(2021, 3, 26), 22, 26, 9, 4),
    DemoActivity("Dyżury psychologa i prawnika", dt.date(2019, 10, 1), dt.date(2021, 3, 31), 35, 4, 11, 6),
    DemoActivity("Rehabilitacja domowa seniorów", dt.date(2020, 6, 1), dt.date(2020, 12, 18), 0, 0, 14, 9),
    DemoActivity("Piknik rodzinny z wolontariuszami", dt.date(2020, 8, 29), None, 60, 45, 12, 5),
    DemoActivity("Szkolenie kadr: praca z rodziną", dt.date(2020, 10, 15), dt.date(2020, 10, 16), 16, 0, 0, 0),
]

INDICATORS = [
    (IndicatorKind.OUTPUT, "Osoby objęte poradnictwem", "osoby", 45),
    (IndicatorKind.OUTPUT, "Godziny zajęć klubu", "godz.", 240),
    (IndicatorKind.RESULT, "Rodziny, które ukończyły warsztaty", "rodziny", 15),
    (IndicatorKind.RESULT, "Wolontariusze działający po projekcie", "osoby", 10),
]


def _budget_split(index: int) -> list[tuple[str, str, Decimal]]:
    """The package's split for the gmina: each gmina moves 1 000 zł between two categories,
    so the projects differ a little while each sums to 56 000 zł."""
    amounts = [amount for _category, _name, amount in SPLIT]
    giver, taker = index % len(SPLIT), (index * 4 + 2) % len(SPLIT)
    if giver != taker:
        amounts[giver] -= 1000
        amounts[taker] += 1000
    return [(category, name, Decimal(amount)) for (category, name, _amount), amount in zip(SPLIT, amounts, strict=True)]


def _expenses(project: SocialProject, code: str, line: BudgetLine, number: int, index: int) -> None:
    """Three payments on the line, summing to 92–100% of its plan."""
    share = Decimal(100 - (index * 3 + number) % 9) / 100
    total = (line.planned * share).quantize(Decimal("0.01"))
    parts = [(total * Decimal("0.4")).quantize(Decimal("0.01")), (total * Decimal("0.35")).quantize(Decimal("0.01"))]
    parts.append(total - sum(parts))
    days = [dt.date(2019, 11, 15), dt.date(2020, 6, 30), dt.date(2021, 2, 26)]
    for step, (amount, day) in enumerate(zip(parts, days, strict=True), start=1):
        Expense.objects.create(
            public_id=demo_uuid("project", code, "expense", str(number), str(step)),
            project=project,
            line=line,
            spent_on=day + dt.timedelta(days=number),
            amount=amount,
            description=f"{line.name}: faktura {step}/{number + 1}",
        )


def _project(code: str, locative: str, gmina: Municipality, index: int, programme: Programme | None) -> bool:
    institution = Institution.objects.filter(kind=InstitutionKind.GOPS, municipality=gmina).order_by("id").first()
    if institution is None:
        return False
    project = SocialProject.objects.create(
        public_id=demo_uuid("project", code),
        municipality=gmina,
        institution=institution,
        team=Team.objects.filter(municipality=gmina).order_by("id").first(),
        programme=programme,
        title=f"Pakiet socjalny w {locative} — kooperacja dla rodzin",
        goal=(
            "Zapobieganie wykluczeniu społecznemu dorosłych, dzieci i społeczności lokalnej przez wspólne "
            "działania instytucji gminy i powiatu w ramach pilotażu Modelu Kooperacji."
        ),
        target_group="Rodziny z wieloma problemami, osoby starsze i z niepełnosprawnością, dzieci i młodzież.",
        starts_on=STARTS_ON,
        ends_on=ENDS_ON,
        status=ProjectStatus.COMPLETED,
    )
    for number, (category, name, planned) in enumerate(_budget_split(index)):
        line = BudgetLine.objects.create(project=project, category=category, name=name, planned=planned)
        _expenses(project, code, line, number, index)
    for number, spec in enumerate(ACTIVITIES):
        extra = (index + number) % 4
        Activity.objects.create(
            public_id=demo_uuid("project", code, "activity", str(number)),
            project=project,
            title=spec.title,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            adults=spec.adults + extra if spec.adults else 0,
            children=spec.children + extra if spec.children else 0,
            seniors=spec.seniors,
            disabled=spec.disabled,
        )
    for number, (kind, name, unit, target) in enumerate(INDICATORS):
        achieved = Decimal(target + (index + number) % 5 - 2)
        ProjectIndicator.objects.create(
            project=project, kind=kind, name=name, unit=unit, target=Decimal(target), achieved=achieved
        )
    return True


def load(log: Callable[[str], None]) -> None:
    """Create the pilot gminas' projects not there yet (idempotent)."""
    with transaction.atomic():
        gminas = {g.code: g for g in Municipality.objects.filter(code__in=PILOT_GMINAS)}
        existing = set(
            SocialProject.objects.filter(
                public_id__in=[demo_uuid("project", code) for code in PILOT_GMINAS]
            ).values_list("public_id", flat=True)
        )
        programme = Programme.objects.filter(name=PROGRAMME_NAME).order_by("id").first()
        made = 0
        for index, (code, locative) in enumerate(PILOT_GMINAS.items()):
            if code in gminas and demo_uuid("project", code) not in existing:
                made += _project(code, locative, gminas[code], index, programme)
    log(f"Social projects: {len(existing) + made} demo projects ({made} new).")
