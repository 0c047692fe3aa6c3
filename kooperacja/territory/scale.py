"""Scale data: synthetic gminas, with their powiats, up to the 2 477 gminas of Poland.

The 16 voivodeships are the real ones (code and name); powiats and gminas beyond the units
already in the database are synthetic: codes no unit of the database uses, names composed
from common Polish place-name parts, gmina kinds in the national proportions (about 12 %
urban, 61 % rural, 27 % urban-rural) and 4–9 gminas per powiat (Poland: 2 477 in 380).
"""

from __future__ import annotations

import random

from kooperacja.core.scale import ScaleError, ScaleRun, next_id
from kooperacja.territory.models import County, Municipality, Voivodeship

FIGURES = {"gminas": 40}
NATIONAL_GMINAS = 2477

VOIVODESHIPS = {
    "02": "dolnośląskie",
    "04": "kujawsko-pomorskie",
    "06": "lubelskie",
    "08": "lubuskie",
    "10": "łódzkie",
    "12": "małopolskie",
    "14": "mazowieckie",
    "16": "opolskie",
    "18": "podkarpackie",
    "20": "podlaskie",
    "22": "pomorskie",
    "24": "śląskie",
    "26": "świętokrzyskie",
    "28": "warmińsko-mazurskie",
    "30": "wielkopolskie",
    "32": "zachodniopomorskie",
}

# Place-name roots by grammatical gender, so that the adjective added agrees with them.
FEMININE = (
    "Wola",
    "Dąbrowa",
    "Zawada",
    "Łąka",
    "Kamionka",
    "Jasienica",
    "Lipnica",
    "Brzezinka",
    "Góra",
    "Olszanka",
    "Wólka",
    "Słupia",
    "Kępa",
    "Huta",
    "Rudka",
    "Sucha",
    "Łęczna",
    "Bystrzyca",
    "Pilica",
    "Radomyśl",
)
MASCULINE = (
    "Brzozów",
    "Lipnik",
    "Grabowiec",
    "Borek",
    "Dębnik",
    "Jasień",
    "Kamień",
    "Modrzew",
    "Sosnowiec",
    "Janów",
    "Michałów",
    "Tarnów",
    "Gródek",
    "Chełm",
    "Radków",
    "Klonów",
    "Wierzbnik",
    "Łazów",
    "Bolesław",
    "Zagórz",
)
PLURAL = ("Osiny", "Olszyny", "Zawady", "Łęki", "Chełmy", "Bieliny", "Jeziory", "Budy", "Stawy", "Podgórze")
TOWNS = ("Łódź", "Łomża", "Żagań", "Świdnik", "Ożarów", "Końskie", "Włoszczowa", "Pińczów", "Kazimierz", "Opatów")
ADJECTIVES = {
    "f": ("Nowa", "Stara", "Wielka", "Mała", "Górna", "Dolna", "Leśna", "Polna"),
    "m": ("Nowy", "Stary", "Wielki", "Mały", "Górny", "Dolny", "Leśny", "Polny"),
    "p": ("Nowe", "Stare", "Wielkie", "Małe", "Górne", "Dolne", "Leśne", "Polne"),
}
COUNTY_ROOTS = (
    "brzozow", "dębick", "lipnow", "grabow", "zawadzk", "kamień", "boreck", "olszyń", "jasiel", "łęck",
    "osiń", "chełm", "bielsk", "radom", "janow", "tarnow", "gródeck", "sokołow", "wierzbick", "mieleck",
    "kolbuszow", "strzyżow", "łańcuck", "przysusk", "szydłow", "garwolin", "łosick", "krasnystaw", "włodaw", "parczew",
)  # fmt: skip
# Gmina kinds in the national proportions: 302 urban, 1523 rural, 652 urban-rural of 2 477.
KINDS = ("1", "2", "3")
KIND_WEIGHTS = (12, 61, 27)


def place_name(rng: random.Random) -> str:
    """A plausible Polish place name: a root, often with an adjective ("Wola Górna", "Nowy Borek")."""
    choice = rng.random()
    if choice < 0.08:
        return rng.choice(TOWNS)
    gender, roots = rng.choice((("f", FEMININE), ("m", MASCULINE), ("p", PLURAL)))
    root = rng.choice(roots)
    if choice < 0.45:
        return root
    adjective = rng.choice(ADJECTIVES[gender])
    return f"{adjective} {root}" if rng.random() < 0.5 else f"{root} {adjective}"


def county_name(rng: random.Random) -> str:
    root = rng.choice(COUNTY_ROOTS)
    return f"{root}ski" if not root.endswith(("ck", "sk", "dzk")) else f"{root}i"


def generate(run: ScaleRun) -> None:
    """Add synthetic gminas, in new powiats, until the database holds `gminas` of them."""
    target = run.figures["gminas"]
    if target > NATIONAL_GMINAS:
        raise ScaleError(f"--gminas {target}: Poland has {NATIONAL_GMINAS} gminas; ask for at most that many.")
    existing = Municipality.objects.count()
    if existing >= target:
        run.log(f"  gminas: {existing} already (asked {target}), none added")
        return
    rng = run.random("territory")
    with run.step(f"territory: {target - existing} gminas"):
        _add_gminas(run, rng, target - existing)


def _add_gminas(run: ScaleRun, rng: random.Random, count: int) -> None:
    have = set(Voivodeship.objects.values_list("code", flat=True))
    missing = [(code, name) for code, name in VOIVODESHIPS.items() if code not in have]
    voivodeship_id = next_id(Voivodeship)
    run.insert(
        Voivodeship,
        ["id", "code", "name"],
        [(voivodeship_id + i, code, name) for i, (code, name) in enumerate(missing)],
    )
    voivodeships = dict(Voivodeship.objects.filter(code__in=VOIVODESHIPS).values_list("code", "id"))
    used_counties = set(County.objects.values_list("code", flat=True))
    used_gminas = set(Municipality.objects.values_list("code", flat=True))
    # Powiats are spread over the voivodeships in turn; each takes the lowest free number.
    order = sorted(voivodeships)
    county_rows, gmina_rows = [], []
    county_id, gmina_id = next_id(County), next_id(Municipality)
    turn = 0
    full = 0
    while count > 0:
        code = order[turn % len(order)]
        turn += 1
        number = next((n for n in range(1, 100) if f"{code}{n:02d}" not in used_counties), None)
        if number is None:
            full += 1
            if full > len(order):
                raise ScaleError("Every powiat code is taken: no room for more synthetic gminas.")
            continue
        full = 0
        county_code = f"{code}{number:02d}"
        used_counties.add(county_code)
        county_rows.append((county_id, county_code, county_name(rng), voivodeships[code]))
        size = min(count, rng.randint(4, 9))
        for gmi in range(1, size + 1):
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
            gmina_code = f"{county_code}{gmi:02d}{kind}"
            if gmina_code in used_gminas:
                continue
            used_gminas.add(gmina_code)
            gmina_rows.append((gmina_id, gmina_code, place_name(rng), kind, county_id))
            gmina_id += 1
            count -= 1
        county_id += 1
    run.insert(County, ["id", "code", "name", "voivodeship_id"], county_rows)
    run.insert(Municipality, ["id", "code", "name", "kind", "county_id"], gmina_rows)
