"""Demo services: the resource map of the 8 gminas of the first milestone (DESIGN.md §4).

About forty services offered by the demo institutions — the GOPS of each gmina, the PCPRs of
their powiats, the 9 partners of G-PZK Mirzec — and by a few more local partners that the seeds
name as sectors of the model (psychological-pedagogical counselling, court probation officers,
NGOs, a sports club). They cover the pilot's social package (poradnictwo, diagnostyka, terapia,
rehabilitacja, warsztaty, klub, centrum wolontariatu, edukacja społeczności, szkolenia kadr),
the statutory social-assistance services and the partner sectors.

Everything is fictional but plausible: addresses follow the real localities, phone numbers
use the unassigned 000 block, e-mails example domains. The data is set today: verification
dates count back from today, a few past six months so the reminder has work. Loading is
idempotent: every row has a public id derived from its key, so a second load finds and
restores the same rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kooperacja.directory.models import (
    ACCESSIBILITY,
    CATEGORIES,
    LINK_TYPES,
    TARGET_GROUPS,
    Accessibility,
    Address,
    CostOption,
    Language,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceChange,
    ServiceStatus,
    TaxonomyTerm,
)
from kooperacja.directory.services import refresh_index
from kooperacja.institutions import demo as institutions_demo
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.territory.models import County, Municipality, Voivodeship

# Every public id of the demo is derived from a key, so reloading restores the same rows.
DEMO_NAMESPACE = uuid.UUID("5f0b8a52-54a4-4f5c-9a43-7c1f0e6b2d11")


def demo_uuid(*parts: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "/".join(parts))


# TERYT codes of the gminas the demo uses.
OKSA = "2602052"
WODZISLAW = "2602093"
JEDRZEJOW = "2602023"
BIELINY = "2604012"
LOPUSZNO = "2604083"
OSTROWIEC = "2607011"
BODZECHOW = "2607032"
SANDOMIERZ = "2609011"
LONIOW = "2609052"
STARACHOWICE = "2611011"
MIRZEC = "2611032"
BOGORIA = "2612013"
STASZOW = "2612073"
KIELCE = "2661011"
MILESTONE_GMINAS = (OKSA, WODZISLAW, BIELINY, LOPUSZNO, BODZECHOW, LONIOW, MIRZEC, BOGORIA)

# Partners beyond the institutions demo: the sectors the seeds name (psychological-pedagogical
# counselling, probation, NGOs, sport) that the model draws into a family's basket of services.
EXTRA_INSTITUTIONS: list[institutions_demo.DemoInstitution] = [
    institutions_demo.DemoInstitution(
        key="ppp_starachowice",
        name="Poradnia Psychologiczno-Pedagogiczna w Starachowicach",
        short_name="PPP Starachowice",
        kind=InstitutionKind.OTHER,
        sector=Sector.EDUCATION,
        voivodeship="26",
        county="2611",
        street="ul. Szkolna 12",
        postal_code="27-200",
        locality="Starachowice",
        email="sekretariat@ppp.starachowice.example",
        phone="41 000 60 01",
    ),
    institutions_demo.DemoInstitution(
        key="kuratorzy_starachowice",
        name="Zespół Kuratorskiej Służby Sądowej Sądu Rejonowego w Starachowicach",
        short_name="Kuratorzy SR Starachowice",
        kind=InstitutionKind.COURT,
        sector=Sector.JUSTICE,
        voivodeship="26",
        county="2611",
        street="ul. Kolejowa 30",
        postal_code="27-200",
        locality="Starachowice",
        email="kuratorzy@sr.starachowice.example",
        phone="41 000 60 02",
    ),
    institutions_demo.DemoInstitution(
        key="stowarzyszenie_mirzec",
        name="Stowarzyszenie „Razem dla Gminy Mirzec”",
        short_name="Razem dla Gminy Mirzec",
        kind=InstitutionKind.NGO,
        sector=Sector.NGO,
        voivodeship="26",
        county="2611",
        gmina=MIRZEC,
        street="Tychów Stary 17",
        postal_code="27-220",
        locality="Tychów Stary",
        email="kontakt@razem.mirzec.example",
        phone="41 000 60 03",
    ),
    institutions_demo.DemoInstitution(
        key="uks_lopuszno",
        name="Uczniowski Klub Sportowy „Start” Łopuszno",
        short_name="UKS Start Łopuszno",
        kind=InstitutionKind.NGO,
        sector=Sector.SPORT_RECREATION,
        voivodeship="26",
        county="2604",
        gmina=LOPUSZNO,
        street="ul. Szkolna 5",
        postal_code="26-070",
        locality="Łopuszno",
        email="zarzad@uks-start.lopuszno.example",
        phone="41 000 60 04",
    ),
    institutions_demo.DemoInstitution(
        key="fundacja_bogoria",
        name="Fundacja „Most” – Centrum Mediacji i Wsparcia Rodziny",
        short_name="Fundacja Most",
        kind=InstitutionKind.NGO,
        sector=Sector.NGO,
        voivodeship="26",
        county="2612",
        gmina=BOGORIA,
        street="ul. Kielecka 14",
        postal_code="28-210",
        locality="Bogoria",
        email="biuro@fundacja-most.bogoria.example",
        phone="41 000 60 05",
    ),
]

# What each demo institution does, for the directory (the HSDS organization description).
DESCRIPTIONS: dict[str, str] = {
    "pcpr_starachowice": (
        "Powiatowa jednostka wsparcia rodziny: poradnictwo specjalistyczne, interwencja kryzysowa, piecza "
        "zastępcza i rehabilitacja społeczna osób z niepełnosprawnością w powiecie starachowickim. Animator "
        "Gminno-Powiatowego Zespołu Kooperacji w Gminie Mirzec."
    ),
    "gops_mirzec": (
        "Ośrodek pomocy społecznej Gminy Mirzec: praca socjalna, świadczenia, usługi opiekuńcze, asystent "
        "rodziny i klub seniora. Lider Gminno-Powiatowego Zespołu Kooperacji w Gminie Mirzec."
    ),
    "pup_starachowice": (
        "Urząd pracy powiatu starachowickiego: rejestracja osób bezrobotnych i poszukujących pracy, "
        "pośrednictwo pracy, poradnictwo zawodowe, szkolenia i staże."
    ),
    "ug_mirzec": (
        "Urząd Gminy w Mircu: sprawy mieszkańców gminy, gminny program profilaktyki i rozwiązywania problemów "
        "alkoholowych, dowóz osób starszych i z niepełnosprawnością."
    ),
    "zoz_mirzec": (
        "Gminny ośrodek zdrowia: podstawowa opieka zdrowotna w ramach NFZ, gabinet fizjoterapii, poradnia "
        "terapii uzależnień i profilaktyka dla mieszkańców Gminy Mirzec."
    ),
    "biok_mirzec": (
        "Gminna biblioteka i ośrodek kultury: wypożyczalnia, zajęcia artystyczne, warsztaty cyfrowe dla "
        "seniorów, sekcje sportowe i wydarzenia dla mieszkańców."
    ),
    "policja_mirzec": (
        "Posterunek Policji obsługujący Gminę Mirzec: dzielnicowi, przyjmowanie zgłoszeń, profilaktyka "
        "bezpieczeństwa dzieci i seniorów, procedura Niebieskiej Karty."
    ),
    "przedszkole_mirzec": (
        "Publiczne przedszkole gminne: wychowanie przedszkolne dzieci od 3 lat, wczesne wspomaganie rozwoju "
        "i zajęcia specjalistyczne."
    ),
    "szkola_mirzec": (
        "Publiczna szkoła podstawowa: świetlica szkolna, zajęcia pozalekcyjne, pedagog i psycholog szkolny, "
        "pomoc psychologiczno-pedagogiczna dla uczniów i rodziców."
    ),
    "gops_oksa": (
        "Ośrodek pomocy społecznej Gminy Oksa: praca socjalna, świadczenia, dożywianie; w pilotażu Modelu "
        "Kooperacji warsztaty dla rodziców i centrum wolontariatu."
    ),
    "gops_wodzislaw": (
        "Ośrodek pomocy społecznej Miasta i Gminy Wodzisław: praca socjalna, specjalistyczne usługi "
        "opiekuńcze, klub seniora i grupa wsparcia dla osób z problemem alkoholowym."
    ),
    "gops_bieliny": (
        "Ośrodek pomocy społecznej Gminy Bieliny: praca socjalna, asystent rodziny; w pilotażu Modelu "
        "Kooperacji diagnoza i terapia logopedyczna dzieci oraz spotkania edukacyjne dla mieszkańców."
    ),
    "gops_lopuszno": (
        "Ośrodek pomocy społecznej Miasta i Gminy Łopuszno: praca socjalna, poradnictwo rodzinne; w pilotażu "
        "Modelu Kooperacji rehabilitacja ruchowa seniorów."
    ),
    "gops_bodzechow": (
        "Ośrodek pomocy społecznej Gminy Bodzechów: praca socjalna, pomoc żywnościowa, Dzienny Dom Senior+ w Szewnie."
    ),
    "gops_loniow": (
        "Ośrodek pomocy społecznej Gminy Łoniów: praca socjalna, usługi opiekuńcze; w pilotażu Modelu "
        "Kooperacji Klub Rodzica ze świetlicą dla dzieci."
    ),
    "gops_bogoria": (
        "Ośrodek pomocy społecznej Miasta i Gminy Bogoria: praca socjalna, poradnictwo psychologiczne; w "
        "pilotażu Modelu Kooperacji szkolenia kadr instytucji współpracujących."
    ),
    "pcpr_jedrzejow": (
        "Powiatowa jednostka wsparcia rodziny w powiecie jędrzejowskim: rodzinna piecza zastępcza, "
        "poradnictwo, rehabilitacja społeczna osób z niepełnosprawnością."
    ),
    "pcpr_kielce": (
        "Powiatowa jednostka wsparcia rodziny w powiecie kieleckim: piecza zastępcza, interwencja kryzysowa, "
        "dofinansowania ze środków PFRON."
    ),
    "pcpr_ostrowiec": (
        "Powiatowa jednostka wsparcia rodziny w powiecie ostrowieckim: poradnictwo specjalistyczne i terapia "
        "rodzinna, piecza zastępcza."
    ),
    "pcpr_sandomierz": (
        "Powiatowa jednostka wsparcia rodziny w powiecie sandomierskim: Ośrodek Interwencji Kryzysowej z "
        "miejscami schronienia, piecza zastępcza."
    ),
    "pcpr_staszow": (
        "Powiatowa jednostka wsparcia rodziny w powiecie staszowskim: mieszkanie chronione, piecza zastępcza, "
        "rehabilitacja społeczna."
    ),
    "rops_kielce": (
        "Regionalny ośrodek polityki społecznej województwa świętokrzyskiego: koordynacja projektu „Liderzy "
        "kooperacji” w regionie, diagnozy i szkolenia dla kadr pomocy społecznej."
    ),
    "rops_rzeszow": (
        "Regionalny ośrodek polityki społecznej województwa podkarpackiego, lider projektu „Liderzy "
        "kooperacji” w makroregionie I."
    ),
    "operator": "Prowadzi platformę Kooperacja: konta, instytucje, pomoc dla użytkowników.",
    "ppp_starachowice": (
        "Publiczna poradnia dla dzieci, młodzieży, rodziców i nauczycieli powiatu starachowickiego: diagnoza, "
        "opinie i orzeczenia, terapia, wczesne wspomaganie rozwoju."
    ),
    "kuratorzy_starachowice": (
        "Kuratorzy rodzinni i karni Sądu Rejonowego w Starachowicach: nadzory i dozory orzeczone przez sąd, "
        "dyżury informacyjne dla rodzin."
    ),
    "stowarzyszenie_mirzec": (
        "Organizacja mieszkańców Gminy Mirzec: wolontariat sąsiedzki, pomoc seniorom i osobom z "
        "niepełnosprawnością, wydarzenia integracyjne."
    ),
    "uks_lopuszno": "Klub sportowy dzieci i młodzieży z Łopuszna: piłka nożna, lekkoatletyka, tenis stołowy.",
    "fundacja_bogoria": (
        "Fundacja wspierająca rodziny w konflikcie: mediacje rodzinne i rówieśnicze, konsultacje dla "
        "rodziców, warsztaty komunikacji."
    ),
}

# The gmina each powiat institution's seat lies in (a gmina institution's seat is its gmina).
SEAT_GMINAS: dict[str, str] = {
    "pcpr_starachowice": STARACHOWICE,
    "pup_starachowice": STARACHOWICE,
    "ppp_starachowice": STARACHOWICE,
    "kuratorzy_starachowice": STARACHOWICE,
    "pcpr_jedrzejow": JEDRZEJOW,
    "pcpr_kielce": KIELCE,
    "pcpr_ostrowiec": OSTROWIEC,
    "pcpr_sandomierz": SANDOMIERZ,
    "pcpr_staszow": STASZOW,
    # GOPS Bodzechów has its office in Ostrowiec, the gmina's seat outside its territory.
    "gops_bodzechow": OSTROWIEC,
}


@dataclass(frozen=True)
class DemoLocation:
    """A place where services are delivered, apart from an institution's own seat."""

    key: str
    institution: str
    name: str
    street: str
    postal_code: str
    locality: str
    gmina: str
    accessibility: str = ""
    transportation: str = ""


LOCATIONS: list[DemoLocation] = [
    DemoLocation(
        "klub_tychow",
        "gops_mirzec",
        "Świetlica wiejska w Tychowie Starym",
        "Tychów Stary 45",
        "27-220",
        "Tychów Stary",
        MIRZEC,
        "Wejście z poziomu chodnika, toaleta przystosowana dla osób na wózku.",
        "Przystanek autobusowy „Tychów Stary – kościół” 100 m.",
    ),
    DemoLocation(
        "pik_starachowice",
        "pcpr_starachowice",
        "Punkt Interwencji Kryzysowej",
        "ul. Południowa 3, pok. 12",
        "27-200",
        "Starachowice",
        STARACHOWICE,
        "Pokój na parterze, wejście z podjazdem.",
    ),
    DemoLocation(
        "klub_wodzislaw",
        "gops_wodzislaw",
        "Klub Seniora „Złoty Wiek”",
        "ul. Kielecka 2",
        "28-330",
        "Wodzisław",
        WODZISLAW,
        "Sala na parterze, jeden stopień przy wejściu.",
    ),
    DemoLocation(
        "senior_szewna",
        "gops_bodzechow",
        "Dzienny Dom Senior+ w Szewnie",
        "Szewna 90",
        "27-400",
        "Szewna",
        BODZECHOW,
        "Budynek parterowy bez progów, toaleta dostępna, miejsca parkingowe przy wejściu.",
        "Dowóz busem gminnym z sołectw gminy w dni zajęć.",
    ),
    DemoLocation(
        "swietlica_loniow",
        "gops_loniow",
        "Świetlica środowiskowa w Suchowoli",
        "Suchowola 22",
        "27-670",
        "Suchowola",
        LONIOW,
    ),
    DemoLocation(
        "oik_sandomierz",
        "pcpr_sandomierz",
        "Ośrodek Interwencji Kryzysowej",
        "ul. Portowa 24",
        "27-600",
        "Sandomierz",
        SANDOMIERZ,
        "Wejście bez schodów, winda, pokój z łazienką przystosowaną.",
    ),
    DemoLocation(
        "mieszkanie_staszow",
        "pcpr_staszow",
        "Mieszkanie chronione treningowe",
        "ul. Wschodnia 8/3",
        "28-200",
        "Staszów",
        STASZOW,
    ),
    DemoLocation(
        "rehab_lopuszno",
        "gops_lopuszno",
        "Sala gimnastyczna Gminnego Centrum Kultury",
        "ul. Strażacka 5",
        "26-070",
        "Łopuszno",
        LOPUSZNO,
        "Sala na parterze, wejście z podjazdem, toaleta dostępna.",
    ),
]


@dataclass(frozen=True)
class Hours:
    """Weekly opening hours (HSDS schedule: freq WEEKLY, byday, opens_at, closes_at)."""

    days: str
    opens: str
    closes: str
    note: str = ""


OFFICE = (Hours("MO", "07:30", "17:00"), Hours("TU,WE,TH", "07:30", "15:30"), Hours("FR", "07:30", "14:00"))
WEEKDAYS = (Hours("MO,TU,WE,TH,FR", "07:30", "15:30"),)


@dataclass(frozen=True)
class Cost:
    option: str
    amount: str | None = None
    amount_description: str = ""


@dataclass(frozen=True)
class DemoService:
    key: str
    institution: str
    name: str
    description: str
    categories: tuple[str, ...]
    groups: tuple[str, ...]
    application: str
    verified_days_ago: int
    accessibility: tuple[str, ...] = ("step-free",)
    # A DemoLocation key; empty: the institution's seat.
    location: str = ""
    hours: tuple[Hours, ...] = WEEKDAYS
    eligibility: str = ""
    documents: tuple[str, ...] = ()
    minimum_age: int | None = None
    maximum_age: int | None = None
    residence: tuple[str, ...] = ()
    income_criterion_percent: int | None = None
    disability_certificate_required: bool = False
    referral_required: bool = False
    free_of_charge: bool = True
    fees: str = ""
    costs: tuple[Cost, ...] = ()
    places: int | None = None
    free_places: int | None = None
    waiting_list: int | None = None
    # TERYT codes: 7 digits a gmina, 4 a powiat; empty: the institution's gmina, else its powiat.
    area: tuple[str, ...] = ()
    status: str = ServiceStatus.ACTIVE
    languages: tuple[tuple[str, str], ...] = (("pl", "polski"),)
    alternate_name: str = ""
    extra: dict[str, str] = field(default_factory=dict)


SERVICES: list[DemoService] = [
    # --- Mirzec: the 9 partners of G-PZK Mirzec and a local NGO -------------------------------
    DemoService(
        key="mirzec-praca-socjalna",
        institution="gops_mirzec",
        name="Praca socjalna i pomoc w trudnej sytuacji życiowej",
        description=(
            "Pracownik socjalny rozmawia z osobą lub rodziną, wspólnie z nią rozpoznaje trudności i ustala "
            "plan działania: pomoc w załatwieniu spraw urzędowych, świadczenia, skierowanie do innych instytucji. "
            "Wizyty także w domu."
        ),
        categories=("social-work",),
        groups=("everyone", "families", "low-income"),
        accessibility=("step-free", "home-visit", "parking"),
        hours=OFFICE,
        application="Przyjdź do ośrodka w godzinach pracy albo zadzwoń – pracownik socjalny umówi wizytę w domu.",
        eligibility="Mieszkańcy Gminy Mirzec w trudnej sytuacji życiowej.",
        verified_days_ago=12,
    ),
    DemoService(
        key="mirzec-uslugi-opiekuncze",
        institution="gops_mirzec",
        name="Usługi opiekuńcze w miejscu zamieszkania",
        description=(
            "Opiekunka pomaga w codziennych czynnościach: zakupy, przygotowanie posiłku, higiena, sprzątanie, "
            "kontakt z lekarzem. Dla osób samotnych, które z powodu wieku lub choroby potrzebują pomocy."
        ),
        categories=("care-services",),
        groups=("seniors", "disability"),
        accessibility=("home-visit",),
        hours=(Hours("MO,TU,WE,TH,FR", "07:00", "19:00"), Hours("SA", "08:00", "12:00", "tylko pilne przypadki")),
        application=(
            "Złóż wniosek w GOPS w Mircu lub zadzwoń; pracownik socjalny przeprowadzi wywiad środowiskowy w "
            "domu, a ośrodek wyda decyzję."
        ),
        eligibility="Osoby samotne lub samotnie gospodarujące z Gminy Mirzec, wymagające pomocy innych osób.",
        documents=(
            "Dowód osobisty",
            "Zaświadczenie lekarskie o stanie zdrowia",
            "Dokumenty o dochodach z miesiąca przed złożeniem wniosku",
        ),
        residence=(MIRZEC,),
        free_of_charge=False,
        fees="Bezpłatne przy dochodzie do kryterium ustawowego; powyżej odpłatność według uchwały Rady Gminy.",
        costs=(
            Cost("Dochód do 100% kryterium", "0.00", "bezpłatnie"),
            Cost("Dochód powyżej kryterium", "24.00", "za godzinę usług, odpłatność częściowa lub pełna"),
        ),
        places=14,
        free_places=0,
        waiting_list=3,
        verified_days_ago=30,
    ),
    DemoService(
        key="mirzec-asystent-rodziny",
        institution="gops_mirzec",
        name="Asystent rodziny",
        description=(
            "Asystent rodziny pracuje z rodziną w jej domu: pomaga w opiece nad dziećmi, prowadzeniu "
            "gospodarstwa, kontaktach ze szkołą i urzędami, wspiera w wychodzeniu z kryzysu."
        ),
        categories=("family-assistant",),
        groups=("families", "children"),
        accessibility=("home-visit",),
        hours=(Hours("MO,TU,WE,TH,FR", "08:00", "16:00", "godziny wizyt uzgadniane z rodziną"),),
        application="Asystenta przydziela GOPS po rozmowie z pracownikiem socjalnym, za zgodą rodziny.",
        eligibility="Rodziny z dziećmi przeżywające trudności w opiece i wychowaniu.",
        referral_required=True,
        places=15,
        free_places=2,
        verified_days_ago=45,
    ),
    DemoService(
        key="mirzec-klub-seniora",
        institution="gops_mirzec",
        name="Klub Seniora „Pogodna Jesień”",
        description=(
            "Spotkania seniorów dwa razy w tygodniu: gimnastyka, rękodzieło, rozmowy przy kawie, wycieczki "
            "i wspólne wyjścia do kina. Raz w miesiącu spotkanie z pielęgniarką lub dzielnicowym."
        ),
        categories=("club", "day-support"),
        groups=("seniors",),
        accessibility=("step-free", "accessible-toilet"),
        location="klub_tychow",
        hours=(Hours("TU,TH", "10:00", "14:00"),),
        application="Przyjdź na spotkanie albo zapisz się telefonicznie w GOPS.",
        eligibility="Mieszkańcy Gminy Mirzec po 60. roku życia.",
        minimum_age=60,
        residence=(MIRZEC,),
        places=25,
        free_places=4,
        verified_days_ago=20,
    ),
    DemoService(
        key="mirzec-punkt-konsultacyjny",
        institution="ug_mirzec",
        name="Punkt konsultacyjny ds. uzależnień i przemocy domowej",
        description=(
            "Konsultacje z terapeutą uzależnień i psychologiem dla osób z problemem alkoholowym, ich bliskich "
            "i osób doznających przemocy. Informacja o leczeniu, motywowanie do terapii, pomoc w sytuacji "
            "przemocy (Niebieska Karta)."
        ),
        categories=("psychological-counselling", "crisis-intervention", "addiction-therapy"),
        groups=("addiction", "violence", "families"),
        accessibility=("step-free",),
        hours=(Hours("WE", "15:00", "19:00", "terapeuta uzależnień"), Hours("FR", "14:00", "18:00", "psycholog")),
        application="Bez skierowania i bez zapisów; możesz przyjść anonimowo.",
        eligibility="Mieszkańcy Gminy Mirzec i ich rodziny.",
        verified_days_ago=60,
        extra={"funding": "Gminny Program Profilaktyki i Rozwiązywania Problemów Alkoholowych"},
    ),
    DemoService(
        key="mirzec-dowoz",
        institution="ug_mirzec",
        name="Dowóz seniorów i osób z niepełnosprawnością do przychodni",
        description=(
            "Bus gminny dowozi do ośrodka zdrowia w Mircu, na badania i do lekarzy specjalistów w "
            "Starachowicach oraz z powrotem. Kierowca pomaga wsiąść i wysiąść."
        ),
        categories=("transport", "primary-care"),
        groups=("seniors", "disability"),
        accessibility=("step-free",),
        hours=(Hours("MO,WE,FR", "07:00", "15:00", "kursy według zgłoszeń"),),
        application="Zgłoś przejazd telefonicznie najpóźniej dzień wcześniej do godz. 12:00.",
        eligibility="Mieszkańcy Gminy Mirzec po 65. roku życia lub z orzeczeniem o niepełnosprawności.",
        residence=(MIRZEC,),
        places=8,
        free_places=3,
        verified_days_ago=25,
    ),
    DemoService(
        key="mirzec-poz",
        institution="zoz_mirzec",
        name="Poradnia lekarza podstawowej opieki zdrowotnej",
        description=(
            "Przychodnia lekarza rodzinnego w ramach NFZ: porady lekarskie, wizyty domowe u osób obłożnie "
            "chorych, gabinet zabiegowy, szczepienia, bilanse dzieci."
        ),
        categories=("primary-care", "health-prevention"),
        groups=("everyone",),
        accessibility=("step-free", "accessible-toilet", "parking", "home-visit"),
        hours=(Hours("MO,TU,WE,TH,FR", "08:00", "18:00"),),
        application="Zapisz się telefonicznie lub w rejestracji; potrzebna deklaracja wyboru lekarza POZ.",
        documents=("Dokument tożsamości z numerem PESEL",),
        eligibility="Osoby ubezpieczone w NFZ, które złożyły deklarację wyboru lekarza w przychodni.",
        verified_days_ago=40,
    ),
    DemoService(
        key="mirzec-fizjoterapia",
        institution="zoz_mirzec",
        name="Gabinet fizjoterapii – rehabilitacja lecznicza",
        description=(
            "Zabiegi fizjoterapii i kinezyterapii po urazach, operacjach i w chorobach przewlekłych, w ramach "
            "NFZ. Dla osób leżących – fizjoterapia domowa."
        ),
        categories=("medical-rehabilitation",),
        groups=("seniors", "disability"),
        accessibility=("step-free", "accessible-toilet", "parking"),
        hours=(Hours("MO,TU,WE,TH", "08:00", "16:00"), Hours("FR", "08:00", "13:00")),
        application="Zarejestruj skierowanie w rejestracji ośrodka zdrowia; termin nadaje fizjoterapeuta.",
        documents=("Skierowanie na zabiegi fizjoterapeutyczne od lekarza",),
        referral_required=True,
        places=20,
        free_places=0,
        waiting_list=14,
        verified_days_ago=210,
    ),
    DemoService(
        key="mirzec-terapia-uzaleznien",
        institution="zoz_mirzec",
        name="Poradnia terapii uzależnień i współuzależnienia",
        description=(
            "Terapia indywidualna i grupowa dla osób uzależnionych od alkoholu i innych substancji oraz dla "
            "członków ich rodzin. Diagnoza, plan terapii, grupa wsparcia po leczeniu."
        ),
        categories=("addiction-therapy", "therapy"),
        groups=("addiction", "families"),
        accessibility=("step-free",),
        hours=(Hours("TU", "14:00", "20:00"), Hours("TH", "12:00", "18:00")),
        application="Zapisz się telefonicznie; skierowanie nie jest potrzebne.",
        minimum_age=18,
        verified_days_ago=75,
    ),
    DemoService(
        key="mirzec-warsztaty-cyfrowe",
        institution="biok_mirzec",
        name="Warsztaty komputerowe „Senior w sieci”",
        description=(
            "Nauka obsługi telefonu i komputera: rozmowy wideo z rodziną, e-recepta i Internetowe Konto "
            "Pacjenta, bezpieczne zakupy i bankowość. Małe grupy, sprzęt na miejscu."
        ),
        categories=("workshops", "adult-education", "culture"),
        groups=("seniors",),
        accessibility=("step-free", "accessible-toilet"),
        hours=(Hours("MO", "10:00", "12:00"), Hours("WE", "16:00", "18:00")),
        application="Zapisz się w bibliotece lub telefonicznie; zajęcia ruszają, gdy zbierze się grupa 8 osób.",
        minimum_age=60,
        places=10,
        free_places=6,
        verified_days_ago=15,
    ),
    DemoService(
        key="mirzec-sekcje-sportowe",
        institution="biok_mirzec",
        name="Zajęcia sportowe i taneczne dla dzieci i młodzieży",
        description="Tenis stołowy, zumba i zespół tańca ludowego; zajęcia prowadzą instruktorzy ośrodka kultury.",
        categories=("sport-recreation", "culture", "after-school"),
        groups=("children", "youth"),
        accessibility=("step-free",),
        hours=(Hours("TU,TH", "15:00", "19:00"), Hours("SA", "10:00", "13:00")),
        application="Zapisy w ośrodku kultury; dla niepełnoletnich zgoda rodzica.",
        minimum_age=7,
        maximum_age=18,
        verified_days_ago=50,
    ),
    DemoService(
        key="mirzec-dzielnicowy",
        institution="policja_mirzec",
        name="Dzielnicowy – dyżur i spotkania z mieszkańcami",
        description=(
            "Dzielnicowy przyjmuje zgłoszenia o zagrożeniach w sąsiedztwie, przemocy domowej i sprawach "
            "porządkowych, prowadzi procedurę Niebieskiej Karty i spotyka się z mieszkańcami sołectw."
        ),
        categories=("community-officer",),
        groups=("everyone", "violence"),
        accessibility=("step-free",),
        hours=(Hours("TU", "16:00", "18:00", "dyżur dzielnicowego"),),
        application="Przyjdź na dyżur lub zadzwoń. W nagłej sytuacji dzwoń pod numer alarmowy 112.",
        verified_days_ago=35,
    ),
    DemoService(
        key="mirzec-profilaktyka-policja",
        institution="policja_mirzec",
        name="Profilaktyka: „Bezpieczny senior” i „Bezpieczna droga do szkoły”",
        description=(
            "Spotkania policjantów z uczniami, rodzicami i seniorami: bezpieczeństwo na drodze, oszustwa "
            "„na wnuczka”, cyberprzemoc, dopalacze."
        ),
        categories=("police-prevention", "community-education"),
        groups=("children", "youth", "seniors"),
        accessibility=("step-free",),
        hours=(Hours("WE", "09:00", "13:00", "spotkania w szkołach i klubach według harmonogramu"),),
        application="Szkoła, klub seniora lub sołtys uzgadnia termin spotkania z komendantem posterunku.",
        verified_days_ago=90,
    ),
    DemoService(
        key="mirzec-wwr",
        institution="przedszkole_mirzec",
        name="Wczesne wspomaganie rozwoju dziecka",
        description=(
            "Zajęcia z logopedą, psychologiem, pedagogiem specjalnym i fizjoterapeutą dla dzieci od urodzenia do "
            "rozpoczęcia nauki w szkole, z konsultacjami dla rodziców."
        ),
        categories=("early-support", "therapy"),
        groups=("children", "disability", "families"),
        accessibility=("step-free", "accessible-toilet"),
        hours=(Hours("MO,TU,WE,TH,FR", "08:00", "15:00"),),
        application="Złóż w przedszkolu wniosek z opinią poradni psychologiczno-pedagogicznej.",
        documents=("Opinia o potrzebie wczesnego wspomagania rozwoju dziecka",),
        maximum_age=7,
        referral_required=True,
        places=8,
        free_places=1,
        verified_days_ago=55,
    ),
    DemoService(
        key="mirzec-swietlica-szkolna",
        institution="szkola_mirzec",
        name="Świetlica szkolna i zajęcia pozalekcyjne",
        description=(
            "Opieka przed lekcjami i po nich, odrabianie lekcji, koła zainteresowań, zajęcia wyrównawcze i "
            "obiad w stołówce."
        ),
        categories=("after-school",),
        groups=("children",),
        accessibility=("step-free", "accessible-toilet"),
        hours=(Hours("MO,TU,WE,TH,FR", "06:45", "16:00"),),
        application="Złóż kartę zgłoszenia dziecka do świetlicy w sekretariacie szkoły.",
        minimum_age=6,
        maximum_age=15,
        places=50,
        free_places=8,
        verified_days_ago=18,
    ),
    DemoService(
        key="mirzec-pedagog-szkolny",
        institution="szkola_mirzec",
        name="Pedagog i psycholog szkolny – konsultacje dla uczniów i rodziców",
        description=(
            "Rozmowy z uczniem w trudnościach, konsultacje wychowawcze dla rodziców, pomoc psychologiczna w "
            "kryzysie, kierowanie do poradni psychologiczno-pedagogicznej."
        ),
        categories=("psychological-counselling", "family-counselling"),
        groups=("children", "youth", "families"),
        accessibility=("step-free",),
        hours=(Hours("MO,WE", "08:00", "14:00"), Hours("TH", "12:00", "17:00")),
        application="Umów się przez dziennik elektroniczny, w sekretariacie albo przez wychowawcę.",
        verified_days_ago=22,
    ),
    DemoService(
        key="mirzec-wolontariat-sasiedzki",
        institution="stowarzyszenie_mirzec",
        name="Wolontariat sąsiedzki – pomoc seniorom",
        description=(
            "Wolontariusze robią zakupy, odbierają recepty, towarzyszą w spacerze lub wizycie u lekarza. "
            "Szukamy też nowych wolontariuszy – uczniów i dorosłych."
        ),
        categories=("volunteering", "volunteering-centre"),
        groups=("seniors", "disability", "youth"),
        accessibility=("home-visit",),
        hours=(Hours("MO,TU,WE,TH,FR", "09:00", "17:00", "telefon koordynatora"),),
        application="Zadzwoń do koordynatora wolontariatu i powiedz, jakiej pomocy potrzebujesz.",
        verified_days_ago=95,
    ),
    # --- Powiat starachowicki -------------------------------------------------------------------
    DemoService(
        key="starachowice-poradnictwo",
        institution="pcpr_starachowice",
        name="Poradnia specjalistyczna: psycholog, prawnik, terapeuta rodzinny",
        description=(
            "Poradnictwo specjalistyczne PCPR: porady prawne w sprawach rodzinnych i alimentacyjnych, pomoc "
            "psychologiczna, konsultacje z terapeutą rodzinnym. Dla mieszkańców całego powiatu."
        ),
        categories=("specialist-counselling", "legal-counselling", "psychological-counselling", "family-counselling"),
        groups=("families", "everyone"),
        accessibility=("step-free", "accessible-toilet", "remote"),
        hours=(Hours("MO", "12:00", "18:00", "prawnik"), Hours("TU,TH", "08:00", "15:00", "psycholog")),
        application="Umów się telefonicznie; porada może odbyć się także przez telefon lub wideo.",
        eligibility="Mieszkańcy powiatu starachowickiego, bez względu na dochód.",
        verified_days_ago=28,
    ),
    DemoService(
        key="starachowice-interwencja",
        institution="pcpr_starachowice",
        name="Punkt Interwencji Kryzysowej",
        description=(
            "Natychmiastowa pomoc w kryzysie: przemoc domowa, nagła utrata bliskiej osoby, próba samobójcza w "
            "rodzinie. Rozmowa z psychologiem, plan bezpieczeństwa, pomoc w znalezieniu schronienia."
        ),
        categories=("crisis-intervention", "psychological-counselling"),
        groups=("violence", "families", "everyone"),
        accessibility=("step-free", "remote"),
        location="pik_starachowice",
        hours=(Hours("MO,TU,WE,TH,FR", "07:30", "19:00"),),
        application="Przyjdź bez zapisów lub zadzwoń. Poza godzinami pracy dzwoń pod numer alarmowy 112.",
        verified_days_ago=8,
    ),
    DemoService(
        key="starachowice-posrednictwo",
        institution="pup_starachowice",
        name="Pośrednictwo pracy i poradnictwo zawodowe",
        description=(
            "Oferty pracy z powiatu, pomoc w napisaniu CV, rozmowa z doradcą zawodowym, skierowania na staże "
            "i prace interwencyjne."
        ),
        categories=("job-placement",),
        groups=("unemployed",),
        accessibility=("step-free", "accessible-toilet", "parking"),
        hours=(Hours("MO,TU,WE,TH,FR", "07:30", "15:30"),),
        application="Zarejestruj się jako osoba bezrobotna lub poszukująca pracy w urzędzie albo przez praca.gov.pl.",
        documents=("Dowód osobisty", "Świadectwa pracy", "Dokumenty potwierdzające wykształcenie"),
        minimum_age=18,
        verified_days_ago=33,
    ),
    DemoService(
        key="starachowice-szkolenia",
        institution="pup_starachowice",
        name="Szkolenia zawodowe dla osób bezrobotnych",
        description=(
            "Kursy zawodowe finansowane przez urząd: opiekun osoby starszej, operator wózka widłowego, "
            "kurs komputerowy, prawo jazdy kat. C. Stypendium szkoleniowe w czasie kursu."
        ),
        categories=("vocational-training",),
        groups=("unemployed",),
        accessibility=("step-free",),
        hours=(Hours("MO,TU,WE,TH,FR", "07:30", "15:30"),),
        application="Złóż wniosek o skierowanie na szkolenie u swojego doradcy klienta.",
        eligibility="Osoby zarejestrowane w PUP w Starachowicach.",
        referral_required=True,
        places=60,
        free_places=12,
        verified_days_ago=70,
    ),
    DemoService(
        key="starachowice-ppp",
        institution="ppp_starachowice",
        name="Diagnoza i terapia dzieci w poradni psychologiczno-pedagogicznej",
        description=(
            "Badania psychologiczne, pedagogiczne i logopedyczne, opinie i orzeczenia o potrzebie kształcenia "
            "specjalnego, terapia trudności w nauce, zajęcia dla dzieci z ADHD, wsparcie rodziców."
        ),
        categories=("psych-ped-counselling", "diagnostics", "therapy"),
        groups=("children", "youth", "families"),
        accessibility=("step-free", "accessible-toilet"),
        hours=(Hours("MO,TU,WE,TH", "08:00", "18:00"), Hours("FR", "08:00", "15:00")),
        application="Rodzic składa wniosek w poradni; na badanie zaprosimy telefonicznie.",
        documents=("Wniosek rodzica", "Opinia nauczyciela o uczniu (jeśli jest)"),
        maximum_age=24,
        waiting_list=21,
        verified_days_ago=64,
    ),
    DemoService(
        key="starachowice-kurator",
        institution="kuratorzy_starachowice",
        name="Dyżur kuratora rodzinnego",
        description=(
            "Informacja dla rodzin o nadzorze kuratora, ograniczeniu władzy rodzicielskiej, wykonywaniu "
            "kontaktów z dzieckiem; kontakt kuratora z GOPS i szkołą w sprawach rodzin objętych nadzorem."
        ),
        categories=("probation",),
        groups=("families", "youth"),
        accessibility=("step-free",),
        hours=(Hours("WE", "14:00", "17:00"),),
        application="Przyjdź na dyżur; nadzór kuratora orzeka sąd rodzinny.",
        verified_days_ago=120,
    ),
    # --- Oksa ------------------------------------------------------------------------------------
    DemoService(
        key="oksa-dozywianie",
        institution="gops_oksa",
        name="Posiłek dla dzieci w szkole i dla dorosłych",
        description=(
            "Gorący posiłek dla dzieci w szkole i przedszkolu oraz zasiłek celowy na zakup żywności dla dorosłych "
            "w ramach programu „Posiłek w szkole i w domu”."
        ),
        categories=("meals",),
        groups=("children", "low-income", "seniors"),
        accessibility=("step-free",),
        hours=OFFICE,
        application="Złóż wniosek w GOPS; posiłek dla ucznia może zgłosić także dyrektor szkoły.",
        documents=("Oświadczenie lub zaświadczenia o dochodach rodziny",),
        eligibility="Mieszkańcy Gminy Oksa o dochodzie do 200% kryterium z ustawy o pomocy społecznej.",
        residence=(OKSA,),
        income_criterion_percent=200,
        verified_days_ago=26,
    ),
    DemoService(
        key="oksa-warsztaty-rodzice",
        institution="gops_oksa",
        name="Warsztaty umiejętności wychowawczych dla rodziców",
        description=(
            "Cykl 8 spotkań „Szkoła dla rodziców”: jak rozmawiać z dzieckiem, stawiać granice bez przemocy, "
            "radzić sobie ze złością. Opieka nad dziećmi w czasie zajęć."
        ),
        categories=("workshops", "family-counselling"),
        groups=("families",),
        accessibility=("step-free",),
        hours=(Hours("TH", "16:30", "19:00"),),
        application="Zapisz się w GOPS lub u pedagoga szkolnego.",
        places=14,
        free_places=5,
        verified_days_ago=48,
        extra={"funding": "Pakiet socjalny pilotażu „Liderzy kooperacji”"},
    ),
    DemoService(
        key="oksa-centrum-wolontariatu",
        institution="gops_oksa",
        name="Gminne Centrum Wolontariatu",
        description=(
            "Łączy wolontariuszy z osobami, które potrzebują pomocy: korepetycje dla dzieci, pomoc seniorom, "
            "akcje sąsiedzkie. Szkolenia i zaświadczenia dla wolontariuszy."
        ),
        categories=("volunteering-centre", "volunteering"),
        groups=("youth", "seniors", "everyone"),
        accessibility=("step-free",),
        hours=(Hours("TU,TH", "12:00", "17:00"),),
        application="Przyjdź do centrum albo napisz e-mail – jako wolontariusz lub osoba szukająca pomocy.",
        minimum_age=13,
        verified_days_ago=80,
        extra={"funding": "Pakiet socjalny pilotażu „Liderzy kooperacji”"},
    ),
    # --- Wodzisław -------------------------------------------------------------------------------
    DemoService(
        key="wodzislaw-suo",
        institution="gops_wodzislaw",
        name="Specjalistyczne usługi opiekuńcze dla osób z zaburzeniami psychicznymi",
        description=(
            "Trening umiejętności codziennych, pomoc w kontaktach z lekarzem i urzędami, rehabilitacja "
            "społeczna w domu, prowadzone przez terapeutów i opiekunów z przygotowaniem zawodowym."
        ),
        categories=("care-services", "mental-health"),
        groups=("disability", "caregivers"),
        accessibility=("home-visit",),
        hours=(Hours("MO,TU,WE,TH,FR", "08:00", "18:00"),),
        application="Złóż wniosek w MGOPS wraz z zaświadczeniem lekarza psychiatry.",
        documents=("Zaświadczenie lekarza psychiatry o potrzebie usług", "Dokumenty o dochodach"),
        residence=(WODZISLAW,),
        free_of_charge=False,
        fees="Odpłatność zależna od dochodu, według rozporządzenia w sprawie specjalistycznych usług opiekuńczych.",
        costs=(Cost("Dochód powyżej 100% kryterium", "32.00", "za godzinę, zniżka według tabeli"),),
        places=6,
        free_places=1,
        verified_days_ago=250,
    ),
    DemoService(
        key="wodzislaw-grupa-wsparcia",
        institution="gops_wodzislaw",
        name="Terapia uzależnień – grupa wsparcia dla osób z problemem alkoholowym i ich rodzin",
        description=(
            "Cotygodniowe spotkania grupy wsparcia z terapeutą uzależnień, osobno dla osób uzależnionych i "
            "dla członków rodzin. Pomoc w utrzymaniu abstynencji po leczeniu."
        ),
        categories=("addiction-therapy", "therapy"),
        groups=("addiction", "families"),
        accessibility=("step-free",),
        hours=(Hours("MO", "17:00", "19:00"),),
        application="Przyjdź na spotkanie lub zadzwoń do terapeuty; nie trzeba skierowania.",
        minimum_age=18,
        verified_days_ago=42,
        extra={"funding": "Pakiet socjalny pilotażu „Liderzy kooperacji”"},
    ),
    DemoService(
        key="wodzislaw-klub-seniora",
        institution="gops_wodzislaw",
        name="Klub Seniora „Złoty Wiek”",
        description="Spotkania, zajęcia ruchowe, śpiew i rękodzieło dla seniorów z Wodzisławia i okolic.",
        categories=("club", "day-support"),
        groups=("seniors",),
        accessibility=("parking",),
        location="klub_wodzislaw",
        hours=(Hours("MO,WE,FR", "10:00", "13:00"),),
        application="Zapisz się w klubie lub w MGOPS.",
        minimum_age=60,
        places=30,
        free_places=0,
        status=ServiceStatus.TEMPORARILY_CLOSED,
        verified_days_ago=5,
    ),
    # --- Bieliny ---------------------------------------------------------------------------------
    DemoService(
        key="bieliny-asystent-rodziny",
        institution="gops_bieliny",
        name="Asystent rodziny",
        description=(
            "Wsparcie rodziny w domu: organizacja dnia, opieka nad dziećmi, budżet domowy, kontakty ze szkołą "
            "i poradnią. Asystent pracuje z rodziną według wspólnie ustalonego planu."
        ),
        categories=("family-assistant",),
        groups=("families", "children"),
        accessibility=("home-visit",),
        hours=(Hours("MO,TU,WE,TH,FR", "08:00", "16:00"),),
        application="Porozmawiaj z pracownikiem socjalnym GOPS; asystenta przydziela ośrodek za zgodą rodziny.",
        referral_required=True,
        places=10,
        free_places=0,
        waiting_list=2,
        verified_days_ago=38,
    ),
    DemoService(
        key="bieliny-logopeda",
        institution="gops_bieliny",
        name="Diagnoza i terapia logopedyczna dzieci",
        description=(
            "Badanie mowy, terapia wad wymowy i opóźnionego rozwoju mowy, ćwiczenia do domu dla rodziców. "
            "Zajęcia w szkołach gminy i w GOPS."
        ),
        categories=("diagnostics", "therapy"),
        groups=("children",),
        accessibility=("step-free",),
        hours=(Hours("TU,TH", "13:00", "18:00"),),
        application="Zapisz dziecko w GOPS lub u pedagoga szkolnego.",
        minimum_age=3,
        maximum_age=12,
        residence=(BIELINY,),
        places=24,
        free_places=2,
        verified_days_ago=19,
        extra={"funding": "Pakiet socjalny pilotażu „Liderzy kooperacji”"},
    ),
    DemoService(
        key="bieliny-edukacja",
        institution="gops_bieliny",
        name="Spotkania edukacyjne dla mieszkańców sołectw",
        description=(
            "Spotkania w świetlicach wiejskich: jak reagować na przemoc, gdzie szukać pomocy w uzależnieniu, "
            "prawa osób starszych, profilaktyka zdrowia. Z udziałem policji, ośrodka zdrowia i GOPS."
        ),
        categories=("community-education",),
        groups=("everyone",),
        accessibility=("step-free",),
        hours=(Hours("SA", "10:00", "12:00", "według harmonogramu sołectw"),),
        application="Udział wolny; harmonogram na tablicach ogłoszeń sołectw i u sołtysów.",
        verified_days_ago=400,
        extra={"funding": "Pakiet socjalny pilotażu „Liderzy kooperacji”"},
    ),
    # --- Łopuszno --------------------------------------------------------------------------------
    DemoService(
        key="lopuszno-poradnictwo-rodzinne",
        institution="gops_lopuszno",
        name="Punkt poradnictwa rodzinnego i pomocy psychologicznej",
        description=(
            "Rozmowa z psychologiem i pedagogiem rodzinnym: kryzys w małżeństwie, kłopoty wychowawcze, opieka "
            "nad chorym członkiem rodziny, żałoba."
        ),
        categories=("counselling", "family-counselling", "psychological-counselling"),
        groups=("families", "caregivers"),
        accessibility=("step-free", "remote"),
        hours=(Hours("WE", "14:00", "18:00"),),
        application="Umów się telefonicznie w MGOPS.",
        verified_days_ago=57,
        extra={"funding": "Pakiet socjalny pilotażu „Liderzy kooperacji”"},
    ),
    DemoService(
        key="lopuszno-rehabilitacja",
        institution="gops_lopuszno",
        name="Rehabilitacja ruchowa dla seniorów i osób z niepełnosprawnością",
        description=(
            "Ćwiczenia w grupie z fizjoterapeutą: gimnastyka usprawniająca, ćwiczenia równowagi i zapobieganie "
            "upadkom. Dla osób leżących – kilka wizyt fizjoterapeuty w domu."
        ),
        categories=("rehabilitation",),
        groups=("seniors", "disability"),
        accessibility=("step-free", "accessible-toilet", "home-visit"),
        location="rehab_lopuszno",
        hours=(Hours("TU,FR", "09:00", "12:00"),),
        application="Zapisz się w MGOPS; potrzebne zaświadczenie lekarza o braku przeciwwskazań.",
        documents=("Zaświadczenie lekarskie o braku przeciwwskazań do ćwiczeń",),
        residence=(LOPUSZNO,),
        places=16,
        free_places=3,
        verified_days_ago=24,
        extra={"funding": "Pakiet socjalny pilotażu „Liderzy kooperacji”"},
    ),
    DemoService(
        key="lopuszno-uks",
        institution="uks_lopuszno",
        name="Treningi piłki nożnej i lekkoatletyki dla dzieci",
        description="Treningi dwa razy w tygodniu na boisku Orlik i w hali, wyjazdy na zawody, obozy latem.",
        categories=("sport-recreation",),
        groups=("children", "youth"),
        accessibility=("step-free",),
        hours=(Hours("MO,WE", "16:00", "18:00"),),
        application="Przyjdź na trening z rodzicem i wypełnij deklarację członkowską.",
        minimum_age=6,
        maximum_age=16,
        free_of_charge=False,
        fees="Składka członkowska; dzieci z rodzin objętych pomocą GOPS są z niej zwolnione.",
        costs=(Cost("Składka członkowska", "30.00", "miesięcznie"),),
        verified_days_ago=110,
    ),
    # --- Bodzechów -------------------------------------------------------------------------------
    DemoService(
        key="bodzechow-pomoc-zywnosciowa",
        institution="gops_bodzechow",
        name="Pomoc żywnościowa – paczki z programu FEPŻ",
        description=(
            "Paczki żywnościowe z programu Fundusze Europejskie na Pomoc Żywnościową i warsztaty kulinarne "
            "oraz ekonomiczne dla odbiorców."
        ),
        categories=("material-support", "meals"),
        groups=("low-income", "families", "seniors"),
        accessibility=("step-free", "parking"),
        hours=(Hours("MO,TU,WE,TH,FR", "07:30", "15:30"),),
        application="Poproś w GOPS o skierowanie do programu; pracownik socjalny sprawdzi dochód.",
        documents=("Dokumenty o dochodach z miesiąca przed złożeniem wniosku",),
        residence=(BODZECHOW,),
        income_criterion_percent=220,
        referral_required=True,
        verified_days_ago=14,
    ),
    DemoService(
        key="bodzechow-senior-plus",
        institution="gops_bodzechow",
        name="Dzienny Dom Senior+ w Szewnie",
        description=(
            "Dzienny pobyt dla seniorów od poniedziałku do piątku: obiad, zajęcia ruchowe, terapia zajęciowa, "
            "spotkania z psychologiem, dowóz z sołectw gminy."
        ),
        categories=("day-support", "club", "meals"),
        groups=("seniors",),
        accessibility=("step-free", "accessible-toilet", "parking"),
        location="senior_szewna",
        hours=(Hours("MO,TU,WE,TH,FR", "08:00", "16:00"),),
        application="Złóż wniosek w GOPS Bodzechów; o przyjęciu decyduje ośrodek po wywiadzie środowiskowym.",
        documents=("Dowód osobisty", "Zaświadczenie lekarskie"),
        minimum_age=60,
        residence=(BODZECHOW,),
        free_of_charge=False,
        fees="Odpłatność za pobyt i wyżywienie według dochodu, zgodnie z uchwałą Rady Gminy.",
        costs=(Cost("Wyżywienie", "15.00", "za dzień pobytu"),),
        places=30,
        free_places=0,
        waiting_list=5,
        verified_days_ago=31,
    ),
    # --- Łoniów ----------------------------------------------------------------------------------
    DemoService(
        key="loniow-klub-rodzica",
        institution="gops_loniow",
        name="Klub Rodzica i świetlica środowiskowa",
        description=(
            "Popołudniowe zajęcia dla dzieci (odrabianie lekcji, gry, podwieczorek) i równolegle spotkania "
            "rodziców z pedagogiem. Wspólne wyjazdy rodzinne."
        ),
        categories=("club", "day-support", "after-school"),
        groups=("families", "children"),
        accessibility=("step-free",),
        location="swietlica_loniow",
        hours=(Hours("MO,TU,WE,TH", "13:00", "17:00"),),
        application="Zapisz dziecko w świetlicy lub w GOPS.",
        maximum_age=15,
        places=20,
        free_places=6,
        verified_days_ago=44,
        extra={"funding": "Pakiet socjalny pilotażu „Liderzy kooperacji”"},
    ),
    DemoService(
        key="loniow-uslugi-opiekuncze",
        institution="gops_loniow",
        name="Usługi opiekuńcze dla osób starszych i chorych",
        description="Pomoc opiekunki w domu: zakupy, posiłki, higiena, porządki, załatwianie spraw.",
        categories=("care-services",),
        groups=("seniors", "disability"),
        accessibility=("home-visit",),
        hours=(Hours("MO,TU,WE,TH,FR", "07:00", "17:00"),),
        application="Złóż wniosek w GOPS Łoniów; ośrodek przeprowadzi wywiad środowiskowy.",
        documents=("Zaświadczenie lekarskie o stanie zdrowia",),
        residence=(LONIOW,),
        free_of_charge=False,
        fees="Bezpłatne przy dochodzie do kryterium; powyżej odpłatność według uchwały Rady Gminy.",
        costs=(Cost("Dochód powyżej 100% kryterium", "22.00", "za godzinę usług"),),
        places=10,
        free_places=1,
        verified_days_ago=66,
    ),
    # --- Bogoria ---------------------------------------------------------------------------------
    DemoService(
        key="bogoria-szkolenia-kadr",
        institution="gops_bogoria",
        name="Szkolenia kompetencyjne i superwizja dla kadr instytucji",
        description=(
            "Szkolenia dla pracowników GOPS, szkół, ośrodka zdrowia i policji: praca z rodziną z wieloma "
            "problemami, komunikacja, budowanie kooperacji; superwizja grupowa zespołu."
        ),
        categories=("staff-training",),
        groups=("professionals",),
        accessibility=("step-free", "remote"),
        hours=(Hours("FR", "09:00", "15:00", "według harmonogramu szkoleń"),),
        application="Instytucja zgłasza pracowników mailem do koordynatora projektu w MGOPS.",
        eligibility="Pracownicy instytucji Gminno-Powiatowego Zespołu Kooperacji w Gminie Bogoria.",
        places=20,
        free_places=7,
        verified_days_ago=85,
        extra={"funding": "Pakiet socjalny pilotażu „Liderzy kooperacji”"},
    ),
    DemoService(
        key="bogoria-psycholog",
        institution="gops_bogoria",
        name="Pomoc psychologiczna dla mieszkańców",
        description=(
            "Konsultacje z psychologiem: stres, depresja, kryzys w rodzinie, opieka nad osobą chorą. Możliwa "
            "rozmowa przez telefon."
        ),
        categories=("psychological-counselling", "mental-health"),
        groups=("everyone", "caregivers"),
        accessibility=("step-free", "remote"),
        hours=(Hours("TU", "12:00", "18:00"),),
        application="Umów się telefonicznie w MGOPS.",
        residence=(BOGORIA,),
        verified_days_ago=11,
        languages=(("pl", "polski"), ("uk", "ukraiński")),
    ),
    DemoService(
        key="bogoria-mediacje",
        institution="fundacja_bogoria",
        name="Mediacje rodzinne i rówieśnicze",
        description=(
            "Mediator pomaga porozumieć się w sporze rodzinnym (kontakty z dziećmi, alimenty, opieka nad "
            "rodzicami) i w konfliktach szkolnych. Mediacje zlecone przez sąd i dobrowolne."
        ),
        categories=("mediation", "family-counselling"),
        groups=("families", "youth"),
        accessibility=("step-free",),
        hours=(Hours("TH", "15:00", "19:00"),),
        application="Zadzwoń lub napisz e-mail; na pierwszym spotkaniu mediator wyjaśni zasady.",
        verified_days_ago=73,
    ),
    # --- PCPRs of the other powiats ---------------------------------------------------------------
    DemoService(
        key="jedrzejow-piecza",
        institution="pcpr_jedrzejow",
        name="Rodzinna piecza zastępcza – nabór i wsparcie rodzin zastępczych",
        description=(
            "Szkolenie kandydatów na rodziny zastępcze, koordynator rodzinnej pieczy zastępczej, grupy wsparcia "
            "i pomoc psychologiczna dla rodzin zastępczych i dzieci."
        ),
        categories=("foster-care",),
        groups=("families", "children"),
        accessibility=("step-free",),
        hours=OFFICE,
        application="Zgłoś się do PCPR na rozmowę kwalifikacyjną dla kandydatów.",
        documents=("Zaświadczenie o niekaralności", "Zaświadczenie lekarskie o stanie zdrowia"),
        verified_days_ago=99,
    ),
    DemoService(
        key="kielce-turnusy",
        institution="pcpr_kielce",
        name="Dofinansowanie turnusów rehabilitacyjnych (PFRON)",
        description=(
            "Dofinansowanie ze środków PFRON do uczestnictwa w turnusie rehabilitacyjnym dla osób z "
            "orzeczeniem o niepełnosprawności i ich opiekunów."
        ),
        categories=("rehabilitation",),
        groups=("disability", "caregivers"),
        accessibility=("step-free", "parking"),
        hours=OFFICE,
        application="Złóż wniosek w PCPR Kielce lub przez system SOW PFRON.",
        documents=("Orzeczenie o niepełnosprawności", "Wniosek lekarza o skierowanie na turnus"),
        disability_certificate_required=True,
        free_of_charge=False,
        fees="Dofinansowanie pokrywa część kosztu turnusu; resztę pokrywa uczestnik.",
        costs=(Cost("Wkład własny uczestnika", None, "różnica między kosztem turnusu a dofinansowaniem"),),
        verified_days_ago=130,
    ),
    DemoService(
        key="ostrowiec-terapia-rodzinna",
        institution="pcpr_ostrowiec",
        name="Terapia rodzinna i poradnictwo specjalistyczne",
        description=(
            "Terapia rodzin w kryzysie, konsultacje psychologiczne dla rodziców i nastolatków, poradnictwo "
            "prawne. Dla rodzin z całego powiatu ostrowieckiego."
        ),
        categories=("therapy", "family-counselling", "specialist-counselling"),
        groups=("families", "youth"),
        accessibility=("step-free", "accessible-toilet"),
        hours=(Hours("MO,TU,WE,TH", "08:00", "18:00"),),
        application="Umów pierwsze spotkanie telefonicznie.",
        verified_days_ago=16,
    ),
    DemoService(
        key="sandomierz-oik",
        institution="pcpr_sandomierz",
        name="Ośrodek Interwencji Kryzysowej ze schronieniem",
        description=(
            "Całodobowa pomoc w kryzysie: miejsca schronienia dla osób doznających przemocy i ich dzieci do 3 "
            "miesięcy, pomoc psychologiczna i prawna, plan bezpieczeństwa."
        ),
        categories=("crisis-intervention", "shelter"),
        groups=("violence", "families", "homeless"),
        accessibility=("step-free", "accessible-toilet"),
        location="oik_sandomierz",
        hours=(Hours("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59", "całodobowo"),),
        application="Przyjdź lub zadzwoń o każdej porze; w zagrożeniu życia dzwoń pod numer 112.",
        places=12,
        free_places=4,
        verified_days_ago=9,
    ),
    DemoService(
        key="staszow-mieszkanie-chronione",
        institution="pcpr_staszow",
        name="Mieszkanie chronione treningowe",
        description=(
            "Mieszkanie dla osób usamodzielniających się po pieczy zastępczej i osób z niepełnosprawnością, "
            "z opieką trenera samodzielności; przygotowanie do samodzielnego życia."
        ),
        categories=("sheltered-housing",),
        groups=("youth", "disability"),
        accessibility=("parking",),
        location="mieszkanie_staszow",
        hours=(Hours("MO,TU,WE,TH,FR", "08:00", "16:00", "kontakt z trenerem"),),
        application="Złóż wniosek w PCPR Staszów; o przyznaniu decyduje dyrektor po rozmowie kwalifikacyjnej.",
        documents=("Indywidualny program usamodzielnienia albo orzeczenie o niepełnosprawności",),
        minimum_age=18,
        income_criterion_percent=300,
        free_of_charge=False,
        fees="Odpłatność dla osób o dochodzie powyżej 300% kryterium.",
        places=4,
        free_places=1,
        verified_days_ago=140,
    ),
]


_MONTHS_GENITIVE = (
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
)


def polish_date(day: dt.date) -> str:
    return f"{day.day} {_MONTHS_GENITIVE[day.month - 1]} {day.year}"


def closed_alert(today: dt.date) -> str:
    """The alert of the temporarily closed demo club: it reopens about six weeks from today."""
    reopens = today + dt.timedelta(days=45)
    return (
        f"Klub nieczynny do {polish_date(reopens)} z powodu remontu sali. W tym czasie seniorzy spotykają się "
        "we wtorki w bibliotece przy ul. Rynek 3."
    )


def _load_extra_institutions() -> dict[str, Institution]:
    voivodeships = {v.code: v for v in Voivodeship.objects.all()}
    counties = {c.code: c for c in County.objects.all()}
    found = {}
    for spec in EXTRA_INSTITUTIONS:
        gmina = Municipality.objects.get(code=spec.gmina) if spec.gmina else None
        institution, _created = Institution.objects.update_or_create(
            name=spec.name,
            defaults={
                "short_name": spec.short_name,
                "kind": spec.kind,
                "sector": spec.sector,
                "voivodeship": voivodeships[spec.voivodeship],
                "county": counties[spec.county],
                "municipality": gmina,
                "street": spec.street,
                "postal_code": spec.postal_code,
                "locality": spec.locality,
                "email": spec.email,
                "phone": spec.phone,
                "is_active": True,
            },
        )
        served = [gmina] if gmina else list(Municipality.objects.filter(county=counties[spec.county]))
        institution.serves.set(served)
        found[spec.key] = institution
    return found


def _institutions() -> dict[str, Institution]:
    """The demo institutions by key, with their directory descriptions."""
    by_name = {spec.name: spec.key for spec in institutions_demo.INSTITUTIONS}
    found = {by_name[i.name]: i for i in Institution.objects.filter(name__in=by_name)}
    found |= _load_extra_institutions()
    for key, institution in found.items():
        description = DESCRIPTIONS.get(key, "")
        if institution.description != description:
            institution.description = description
            institution.save(update_fields=["description"])
    return found


def _phone(number: int) -> str:
    """A fictional number of the unassigned 000 block of the 41 area."""
    return f"41 000 7{number // 100} {number % 100:02d}"


def _email(service: DemoService, institution: Institution) -> str:
    domain = institution.email.split("@", 1)[1] if "@" in institution.email else "kooperacja.example"
    return f"{service.key.split('-', 1)[1]}@{domain}"


def _location(
    key: str,
    institution: Institution,
    *,
    name: str,
    street: str,
    postal_code: str,
    locality: str,
    gmina: Municipality,
    accessibility: str = "",
    transportation: str = "",
) -> Location:
    location, _created = Location.objects.update_or_create(
        public_id=demo_uuid("location", key),
        defaults={
            "institution": institution,
            "name": name,
            "transportation": transportation,
            "municipality": gmina,
            "location_type": "physical",
        },
    )
    location.addresses.all().delete()
    Address.objects.create(
        public_id=demo_uuid("location", key, "address"),
        location=location,
        address_1=street,
        city=locality,
        region=gmina.county.name,
        state_province=gmina.county.voivodeship.name.lower(),
        postal_code=postal_code,
    )
    location.accessibility.all().delete()
    if accessibility:
        Accessibility.objects.create(
            public_id=demo_uuid("location", key, "accessibility"), location=location, description=accessibility
        )
    return location


def _locations(institutions: dict[str, Institution]) -> dict[str, Location]:
    """Each institution's seat (key "seat:<institution>") and the other demo places."""
    gminas = {g.code: g for g in Municipality.objects.with_parents()}
    locations: dict[str, Location] = {}
    for key, institution in institutions.items():
        gmina_code = SEAT_GMINAS.get(key) or (institution.municipality.code if institution.municipality else "")
        if not gmina_code or not institution.street:
            continue
        locations[f"seat:{key}"] = _location(
            f"seat:{key}",
            institution,
            name=f"Siedziba: {institution.short_name or institution.name}",
            street=institution.street,
            postal_code=institution.postal_code,
            locality=institution.locality,
            gmina=gminas[gmina_code],
        )
    for spec in LOCATIONS:
        locations[spec.key] = _location(
            spec.key,
            institutions[spec.institution],
            name=spec.name,
            street=spec.street,
            postal_code=spec.postal_code,
            locality=spec.locality,
            gmina=gminas[spec.gmina],
            accessibility=spec.accessibility,
            transportation=spec.transportation,
        )
    return locations


def _terms() -> dict[tuple[str, str], TaxonomyTerm]:
    taxonomies = (CATEGORIES, TARGET_GROUPS, ACCESSIBILITY)
    return {
        (term.taxonomy.code, term.code): term
        for term in TaxonomyTerm.objects.filter(taxonomy__code__in=taxonomies).select_related("taxonomy")
    }


def _clear_children(service: Service) -> None:
    """Remove what a reload recreates, so a second load leaves the same rows."""
    for related in (
        service.attributes,
        service.service_at_locations,
        service.schedules,
        service.phones,
        service.contacts,
        service.service_areas,
        service.required_documents,
        service.cost_options,
        service.languages,
        service.fundings,
    ):
        related.all().delete()


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def _load_service(
    number: int,
    spec: DemoService,
    institution: Institution,
    location: Location,
    terms: dict[tuple[str, str], TaxonomyTerm],
    today: dt.date,
    now: dt.datetime,
) -> tuple[Service, bool]:
    assured = today - dt.timedelta(days=spec.verified_days_ago)
    created_at = now - dt.timedelta(days=spec.verified_days_ago + 60 + number)
    service, created = Service.objects.update_or_create(
        public_id=demo_uuid("service", spec.key),
        defaults={
            "institution": institution,
            "name": spec.name,
            "alternate_name": spec.alternate_name,
            "description": spec.description,
            "email": _email(spec, institution),
            "status": spec.status,
            "application_process": spec.application,
            "fees_description": spec.fees,
            "eligibility_description": spec.eligibility,
            "minimum_age": spec.minimum_age,
            "maximum_age": spec.maximum_age,
            "assured_date": assured,
            "assurer_email": institution.email,
            "alert": closed_alert(today) if spec.status == ServiceStatus.TEMPORARILY_CLOSED else "",
            "free_of_charge": spec.free_of_charge,
            "income_criterion_percent": spec.income_criterion_percent,
            "disability_certificate_required": spec.disability_certificate_required,
            "referral_required": spec.referral_required,
            "places": spec.places,
            "free_places": spec.free_places,
            "waiting_list": spec.waiting_list,
            "created_at": created_at,
            "updated_at": created_at,
        },
    )
    _clear_children(service)

    def uid(*parts: str) -> uuid.UUID:
        return demo_uuid("service", spec.key, *parts)

    attributes = [(CATEGORIES, code) for code in spec.categories]
    attributes += [(TARGET_GROUPS, code) for code in spec.groups]
    attributes += [(ACCESSIBILITY, code) for code in spec.accessibility]
    ServiceAttribute.objects.bulk_create(
        ServiceAttribute(
            public_id=uid("attribute", taxonomy, code),
            service=service,
            taxonomy_term=terms[taxonomy, code],
            link_type=LINK_TYPES[taxonomy],
        )
        for taxonomy, code in attributes
    )
    ServiceAtLocation.objects.create(public_id=uid("at", "location"), service=service, location=location)
    Schedule.objects.bulk_create(
        Schedule(
            public_id=uid("schedule", str(index)),
            service=service,
            freq=Schedule.Freq.WEEKLY,
            wkst="MO",
            byday=hours.days,
            opens_at=_time(hours.opens),
            closes_at=_time(hours.closes),
            description=hours.note,
        )
        for index, hours in enumerate(spec.hours)
    )
    Phone.objects.create(public_id=uid("phone"), service=service, number=_phone(number), type="voice")
    for code in spec.area or _default_area(institution):
        area = ServiceArea(public_id=uid("area", code), service=service)
        if len(code) == 7:
            gmina = Municipality.objects.get(code=code)
            area.municipality, area.name = gmina, f"Gmina {gmina.name}"
        else:
            county = County.objects.get(code=code)
            area.county, area.name = county, f"Powiat {county.name}"
        area.save()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(public_id=uid("document", str(index)), service=service, document=document)
        for index, document in enumerate(spec.documents)
    )
    CostOption.objects.bulk_create(
        CostOption(
            public_id=uid("cost", str(index)),
            service=service,
            option=cost.option,
            amount=Decimal(cost.amount) if cost.amount is not None else None,
            amount_description=cost.amount_description,
        )
        for index, cost in enumerate(spec.costs)
    )
    Language.objects.bulk_create(
        Language(public_id=uid("language", code), service=service, code=code, name=name)
        for code, name in spec.languages
    )
    if spec.extra.get("funding"):
        service.fundings.create(public_id=uid("funding"), source=spec.extra["funding"])
    service.residence_municipalities.set(Municipality.objects.filter(code__in=spec.residence))
    return service, created


def _default_area(institution: Institution) -> tuple[str, ...]:
    """A gmina institution serves its gmina; a powiat one (PCPR, PUP, poradnia, court) its powiat."""
    if institution.municipality_id is not None and institution.municipality is not None:
        return (institution.municipality.code,)
    if institution.county is not None:
        return (institution.county.code,)
    return ()


def load(log: Callable[[str], None]) -> None:
    """Create or restore the demo services with everything they carry, then index them (idempotent)."""
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        institutions = _institutions()
        locations = _locations(institutions)
        terms = _terms()
        services = []
        for number, spec in enumerate(SERVICES, start=1):
            institution = institutions[spec.institution]
            location = locations[spec.location or f"seat:{spec.institution}"]
            service, created = _load_service(number, spec, institution, location, terms, today, now)
            if created or not service.changes.filter(action="created").exists():
                ServiceChange.objects.create(service=service, version=1, action="created", at=service.created_at)
            services.append(service)
        refresh_index(services)
    log(f"Directory: {len(services)} demo services of {len({s.institution for s in SERVICES})} institutions.")
