"""Scale data: the institutions of every gmina and powiat that has none yet.

A gmina gets what the Model Kooperacji finds in a rural gmina: its social assistance centre,
its office, a school, a health centre, a library and culture centre, a police post and one or
two NGOs; a powiat its PCPR, employment office, psychological-pedagogical counselling centre and
court probation officers. A gmina counts as served once it has a GOPS, a powiat once it has a
PCPR, so a second run adds nothing. Addresses, phones and e-mails are fictional.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone

from kooperacja.core.scale import ScaleRun, next_id, random_uuid
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.territory.models import County, Municipality
from kooperacja.territory.scale import place_name

# No figure of its own: institutions follow the gminas.
FIGURES: dict[str, int] = {}

STREETS = (
    "ul. Szkolna", "ul. Kościelna", "ul. Ogrodowa", "ul. Lipowa", "ul. Polna", "ul. Leśna", "ul. Słoneczna",
    "ul. Kwiatowa", "ul. Długa", "ul. Krótka", "ul. Rynek", "ul. Mickiewicza", "ul. Kolejowa", "ul. Spacerowa",
    "ul. 3 Maja", "ul. Kopernika", "ul. Sienkiewicza", "ul. Partyzantów", "ul. Strażacka", "ul. Zielona",
)  # fmt: skip
PATRONS = (
    "Jana Pawła II", "Marii Konopnickiej", "Henryka Sienkiewicza", "Tadeusza Kościuszki", "Janusza Korczaka",
    "Adama Mickiewicza", "Stefana Żeromskiego", "Marii Skłodowskiej-Curie", "Kornela Makuszyńskiego",
    "Orła Białego",
)  # fmt: skip
NGO_NAMES = (
    "Stowarzyszenie na rzecz Rozwoju Gminy {gmina}",
    "Fundacja „Sąsiedzka Dłoń” – gmina {gmina}",
    "Koło Gospodyń Wiejskich „{village}”",
    "Uczniowski Klub Sportowy „Orlik” – gmina {gmina}",
    "Stowarzyszenie Seniorów „Złota Jesień” – gmina {gmina}",
    "Fundacja „Dobry Start” – gmina {gmina}",
)
NGO_SECTORS = (Sector.NGO, Sector.NGO, Sector.NGO, Sector.SPORT_RECREATION, Sector.NGO, Sector.NGO)

COLUMNS = [
    "id",
    "public_id",
    "name",
    "short_name",
    "description",
    "sector",
    "kind",
    "voivodeship_id",
    "county_id",
    "municipality_id",
    "street",
    "postal_code",
    "locality",
    "email",
    "phone",
    "is_active",
    "created_at",
]


def _gmina_institutions(gmina: Municipality, rng: random.Random) -> Iterator[tuple[str, str, str, str, str]]:
    """(kind, sector, name, short name, description) of each institution of a gmina."""
    name = gmina.name
    urban, rural = gmina.kind == "1", gmina.kind == "2"
    centre = "Miejski" if urban else "Gminny" if rural else "Miejsko-Gminny"
    short = "MOPS" if urban else "GOPS" if rural else "MGOPS"
    yield (
        InstitutionKind.GOPS,
        Sector.SOCIAL_ASSISTANCE,
        f"{centre} Ośrodek Pomocy Społecznej – gmina {name}",
        f"{short} {name}",
        "Praca socjalna, świadczenia, usługi opiekuńcze, asystent rodziny i wsparcie dzienne dla mieszkańców.",
    )
    office = "Urząd Miasta" if urban else "Urząd Gminy" if rural else "Urząd Miasta i Gminy"
    yield (
        InstitutionKind.LOCAL_GOVERNMENT,
        Sector.LOCAL_GOVERNMENT,
        f"{office} {name}",
        f"{'UM' if urban else 'UG' if rural else 'UMiG'} {name}",
        "Sprawy mieszkańców, profilaktyka uzależnień, dowóz osób starszych i z niepełnosprawnością.",
    )
    yield (
        InstitutionKind.SCHOOL,
        Sector.EDUCATION,
        f"Szkoła Podstawowa im. {rng.choice(PATRONS)} – gmina {name}",
        f"SP {name}",
        "Szkoła podstawowa ze świetlicą, zajęciami pozalekcyjnymi, pedagogiem i psychologiem szkolnym.",
    )
    yield (
        InstitutionKind.HEALTH_CENTRE,
        Sector.HEALTH,
        f"Gminny Ośrodek Zdrowia – gmina {name}",
        f"GOZ {name}",
        "Podstawowa opieka zdrowotna, rehabilitacja i profilaktyka w ramach NFZ.",
    )
    yield (
        InstitutionKind.LIBRARY_CULTURE,
        Sector.CULTURE,
        f"Gminna Biblioteka Publiczna i Centrum Kultury – gmina {name}",
        f"GBPiCK {name}",
        "Biblioteka, zajęcia artystyczne i sportowe, warsztaty dla dzieci i seniorów.",
    )
    yield (
        InstitutionKind.POLICE_POST,
        Sector.POLICE,
        f"{'Komisariat' if urban else 'Posterunek'} Policji – gmina {name}",
        f"Policja {name}",
        "Dzielnicowi, przyjmowanie zgłoszeń, profilaktyka bezpieczeństwa dzieci i seniorów.",
    )
    for index in rng.sample(range(len(NGO_NAMES)), rng.randint(1, 2)):
        village = name if rng.random() < 0.5 else place_name(rng)
        ngo = NGO_NAMES[index].format(gmina=name, village=village)
        yield (
            InstitutionKind.NGO,
            NGO_SECTORS[index],
            ngo,
            ngo[:80],
            "Organizacja mieszkańców: wolontariat, pomoc sąsiedzka, zajęcia dla dzieci i seniorów.",
        )


def _county_institutions(county: County) -> Iterator[tuple[str, str, str, str, str]]:
    # "brzozowski" -> "Powiatu Brzozowskiego"; a city with powiat rights keeps its name.
    if county.name.endswith("ki"):
        of_county = f"Powiatu {county.name[:1].upper()}{county.name[1:-1]}iego"
    else:
        of_county = f"– {county.name}"
    short = county.name
    yield (
        InstitutionKind.PCPR,
        Sector.FAMILY_SUPPORT,
        f"Powiatowe Centrum Pomocy Rodzinie {of_county}",
        f"PCPR {short}",
        "Poradnictwo specjalistyczne, interwencja kryzysowa, piecza zastępcza, rehabilitacja społeczna.",
    )
    yield (
        InstitutionKind.PUP,
        Sector.EMPLOYMENT,
        f"Powiatowy Urząd Pracy {of_county}",
        f"PUP {short}",
        "Pośrednictwo pracy, poradnictwo zawodowe, szkolenia i staże.",
    )
    yield (
        InstitutionKind.OTHER,
        Sector.EDUCATION,
        f"Poradnia Psychologiczno-Pedagogiczna {of_county}",
        f"PPP {short}",
        "Diagnoza, opinie i orzeczenia, terapia dzieci i młodzieży, wsparcie rodziców.",
    )
    yield (
        InstitutionKind.COURT,
        Sector.JUSTICE,
        f"Zespół Kuratorskiej Służby Sądowej {of_county}",
        f"Kuratorzy {short}",
        "Kuratorzy rodzinni i karni, dyżury informacyjne dla rodzin.",
    )


def generate(run: ScaleRun) -> None:
    """Add the institutions of every gmina without a GOPS and every powiat without a PCPR."""
    gminas = list(
        Municipality.objects.exclude(institutions__kind=InstitutionKind.GOPS).select_related("county").order_by("code")
    )
    counties = list(County.objects.exclude(institutions__kind=InstitutionKind.PCPR).order_by("code"))
    if not gminas and not counties:
        run.log("  institutions: every gmina has its GOPS and every powiat its PCPR, none added")
        return
    with run.step(f"institutions of {len(gminas)} gminas and {len(counties)} powiats"):
        _add(run, gminas, counties)


def _add(run: ScaleRun, gminas: list[Municipality], counties: list[County]) -> None:
    rng = run.random("institutions")
    now = timezone.now() - dt.timedelta(days=365)
    rows: list[tuple[object, ...]] = []
    serves: list[tuple[int, int]] = []
    first = next_id(Institution)

    def add(kind: str, sector: str, name: str, short: str, description: str, *, voivodeship: int, county: int,
            gmina: int | None, locality: str, postal_code: str) -> int:  # fmt: skip
        institution_id = first + len(rows)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 60)}"
        rows.append(
            (
                institution_id,
                random_uuid(rng),
                name,
                short,
                description,
                sector,
                kind,
                voivodeship,
                county,
                gmina,
                street,
                postal_code,
                locality,
                f"sekretariat@i{institution_id}.scale.example",
                f"41 000 {institution_id // 10000 % 100:02d} {institution_id % 10000:04d}",
                True,
                now,
            )
        )
        return institution_id

    for gmina in gminas:
        postal_code = f"{rng.randint(10, 99)}-{rng.randint(0, 999):03d}"
        for spec in _gmina_institutions(gmina, rng):
            institution_id = add(
                *spec,
                voivodeship=gmina.county.voivodeship_id,
                county=gmina.county_id,
                gmina=gmina.pk,
                locality=gmina.name,
                postal_code=postal_code,
            )
            serves.append((institution_id, gmina.pk))
    county_gminas: dict[int, list[int]] = defaultdict(list)
    for gmina_id, county_id in Municipality.objects.values_list("id", "county_id").order_by("code"):
        county_gminas[county_id].append(gmina_id)
    seats = dict(Municipality.objects.filter(kind__in=("1", "3")).order_by("-code").values_list("county_id", "name"))
    for county in counties:
        gmina_ids = county_gminas.get(county.pk, [])
        locality = seats.get(county.pk, county.name)
        postal_code = f"{rng.randint(10, 99)}-{rng.randint(0, 99) * 10:03d}"
        for spec in _county_institutions(county):
            institution_id = add(
                *spec,
                voivodeship=county.voivodeship_id,
                county=county.pk,
                gmina=None,
                locality=locality,
                postal_code=postal_code,
            )
            serves += [(institution_id, gmina_id) for gmina_id in gmina_ids]
    run.insert(Institution, COLUMNS, rows)
    through = Institution.serves.through
    first_link = next_id(through)
    run.insert(
        through,
        ["id", "institution_id", "municipality_id"],
        [(first_link + i, institution_id, gmina_id) for i, (institution_id, gmina_id) in enumerate(serves)],
    )
