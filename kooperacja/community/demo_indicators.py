"""Demo figures of the community diagnosis: the 8 gminas of the first milestone, 2018–2025.

The figures are synthetic but plausible for rural gminas of 7–10 thousand people (a slowly
ageing, shrinking population, unemployment falling until 2023, about 4% of households on
social assistance), and the same on every load: each gmina's numbers come from a random
generator seeded with its TERYT code. Existing figures are left as they are.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from kooperacja.cases.demo import GMINAS
from kooperacja.community.indicators import sync_definitions
from kooperacja.community.models import CommunityIndicator, IndicatorDefinition
from kooperacja.territory.models import Municipality

YEARS = range(2018, 2026)
SOURCE = "Dane przykładowe (demo)"
# Share of assisted households giving each statutory reason (a household may give several).
REASON_SHARES = {
    "poverty": 0.55,
    "orphanhood": 0.01,
    "homelessness": 0.02,
    "unemployment": 0.38,
    "disability": 0.33,
    "illness": 0.36,
    "violence": 0.03,
    "trafficking": 0.0,
    "maternity": 0.12,
    "helplessness": 0.16,
    "care_leavers": 0.01,
    "integration": 0.0,
    "after_prison": 0.01,
    "alcohol": 0.07,
    "drugs": 0.005,
    "crisis": 0.02,
    "disaster": 0.0,
}


def _year_figures(rng: random.Random, base: int, index: int) -> dict[str, int]:
    population = round(base * (1 - 0.004 * index))
    households = round(population * rng.uniform(0.035, 0.05) / 2.6)
    figures = {
        "population": population,
        "population_65_plus": round(population * (0.17 + 0.005 * index + rng.uniform(-0.003, 0.003))),
        "people_with_disabilities": round(population * rng.uniform(0.085, 0.1)),
        "registered_unemployed": round(population * max(0.025, 0.055 - 0.005 * min(index, 5)) * rng.uniform(0.9, 1.1)),
        "assisted_households": households,
        "assisted_persons": round(households * rng.uniform(2.3, 2.8)),
        "children_in_foster_care": rng.randint(8, 24),
        "blue_card_procedures": rng.randint(9, 30),
    }
    for reason, share in REASON_SHARES.items():
        figures[f"reason_{reason}"] = round(households * share * rng.uniform(0.8, 1.2))
    return figures


def load(log: Callable[[str], None] = print) -> None:
    sync_definitions()
    definitions = {d.code: d for d in IndicatorDefinition.objects.all()}
    gminas = {g.code: g for g in Municipality.objects.filter(code__in=GMINAS)}
    existing = set(
        CommunityIndicator.objects.filter(municipality__in=gminas.values(), year__in=YEARS).values_list(
            "municipality_id", "year", "indicator_id"
        )
    )
    new = []
    for code, gmina in sorted(gminas.items()):
        rng = random.Random(f"community-indicators-{code}")  # noqa: S311 - demo figures, not a secret
        base = rng.randint(7200, 9800)
        for index, year in enumerate(YEARS):
            for indicator_code, value in _year_figures(rng, base, index).items():
                definition = definitions.get(indicator_code)
                if definition is None or (gmina.pk, year, definition.pk) in existing:
                    continue
                new.append(
                    CommunityIndicator(
                        municipality=gmina, year=year, indicator=definition, value=Decimal(value), source=SOURCE
                    )
                )
    CommunityIndicator.objects.bulk_create(new)
    log(f"Community indicators: {len(new)} demo figures added for {len(gminas)} gminas.")
