"""Scale data: services of every institution, with their attributes, places, areas and search index.

Services are drawn from templates of what each kind of institution offers in a rural gmina
(the demo's services, generalised), so names, descriptions and search terms look like the real
directory: a search for "poradnia", "klub seniora" or "terapia uzależnień" meets the share of
services it would meet in practice. Each service gets categories, target groups and
accessibility features from the shipped taxonomy, a place (the institution's seat or a village
hall of its gmina), a service area (its gmina, or its powiat for a powiat institution), the
gminas it serves and its search terms.

The derived rows are computed by the same rules as `refresh_index` — search terms through
`search.index_terms`, served gminas from the service areas — but per distinct piece of text,
cached, rather than per service: the words of a text are the union of the words of its pieces.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from django.db.models import Model
from django.utils import timezone

from kooperacja.core.scale import ScaleRun, next_id, random_uuid, rebuilt_indexes
from kooperacja.directory import search
from kooperacja.directory.models import (
    ACCESSIBILITY,
    CATEGORIES,
    LINK_TYPES,
    TARGET_GROUPS,
    Address,
    Location,
    SearchTerm,
    ServedMunicipality,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceStatus,
    TaxonomyTerm,
)
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.territory.models import Municipality
from kooperacja.territory.scale import place_name

FIGURES = {"services": 500}
# Services written per round of bulk inserts: bounds the memory a large run takes.
CHUNK = 5_000
# The psychological-pedagogical counselling centres are institutions of kind "other" in education.
PPP = "ppp"
# How many services each kind of institution offers, relatively.
KIND_WEIGHTS = {
    InstitutionKind.GOPS: 8,
    InstitutionKind.PCPR: 6,
    InstitutionKind.PUP: 4,
    PPP: 3,
    InstitutionKind.COURT: 1,
    InstitutionKind.LOCAL_GOVERNMENT: 2,
    InstitutionKind.SCHOOL: 2,
    InstitutionKind.KINDERGARTEN: 1,
    InstitutionKind.HEALTH_CENTRE: 3,
    InstitutionKind.LIBRARY_CULTURE: 2,
    InstitutionKind.POLICE_POST: 2,
    InstitutionKind.NGO: 2,
}
ACCESSIBILITY_CHOICES = ("step-free", "accessible-toilet", "parking", "hearing-loop", "sign-language", "remote")


@dataclass(frozen=True)
class Template:
    kind: str
    # Name variants; "{place}" is the locality the service is delivered in.
    names: tuple[str, ...]
    # The description: one sentence from each group.
    sentences: tuple[tuple[str, ...], ...]
    categories: tuple[str, ...]
    groups: tuple[str, ...]
    applications: tuple[str, ...]
    eligibility: tuple[str, ...] = ("",)
    accessibility: tuple[str, ...] = ()
    village: bool = False
    minimum_age: int | None = None
    maximum_age: int | None = None
    paid: float = 0.0
    fees: str = ""
    income: int | None = None
    referral: bool = False
    certificate: bool = False
    places: tuple[int, int] | None = None


RESIDENTS = ("Mieszkańcy gminy {gmina}.", "Mieszkańcy gminy {gmina} w trudnej sytuacji życiowej.", "")
G = InstitutionKind
TEMPLATES: list[Template] = [
    # --- Social assistance centres (GOPS/MOPS) -----------------------------------------------
    Template(
        G.GOPS,
        ("Praca socjalna", "Praca socjalna i pomoc w trudnej sytuacji życiowej", "Pomoc społeczna – praca socjalna"),
        (
            (
                "Pracownik socjalny rozmawia z osobą lub rodziną i wspólnie z nią ustala plan działania.",
                "Pracownik socjalny pomaga rozpoznać trudności i znaleźć sposób ich rozwiązania.",
            ),
            (
                "Pomoc w sprawach urzędowych, świadczeniach i skierowaniu do innych instytucji.",
                "Wizyty także w domu, kontrakt socjalny, kontakt ze szkołą i ośrodkiem zdrowia.",
            ),
        ),
        ("social-work",),
        ("everyone", "families", "low-income"),
        ("Przyjdź do ośrodka w godzinach pracy albo zadzwoń.", "Zgłoś się osobiście lub telefonicznie."),
        RESIDENTS,
        ("home-visit",),
    ),
    Template(
        G.GOPS,
        ("Usługi opiekuńcze w miejscu zamieszkania", "Usługi opiekuńcze dla osób starszych i chorych"),
        (
            (
                "Opiekunka pomaga w codziennych czynnościach: zakupy, posiłek, higiena, sprzątanie.",
                "Pomoc w domu osobom, które z powodu wieku lub choroby potrzebują pomocy innych osób.",
            ),
            ("Kontakt z lekarzem i załatwianie spraw.", "Usługi przyznaje ośrodek decyzją po wywiadzie."),
        ),
        ("care-services",),
        ("seniors", "disability"),
        ("Złóż wniosek w ośrodku; pracownik socjalny przeprowadzi wywiad w domu.",),
        ("Osoby samotne wymagające pomocy innych osób.",),
        ("home-visit",),
        paid=0.7,
        fees="Bezpłatne przy dochodzie do kryterium; powyżej odpłatność według uchwały rady gminy.",
        places=(5, 30),
    ),
    Template(
        G.GOPS,
        ("Specjalistyczne usługi opiekuńcze dla osób z zaburzeniami psychicznymi",),
        (
            ("Trening umiejętności codziennych i rehabilitacja społeczna w domu.",),
            ("Usługi prowadzą terapeuci z przygotowaniem zawodowym.",),
        ),
        ("care-services", "mental-health"),
        ("disability", "caregivers"),
        ("Złóż wniosek z zaświadczeniem lekarza psychiatry.",),
        accessibility=("home-visit",),
        paid=0.6,
        fees="Odpłatność zależna od dochodu.",
        places=(2, 10),
    ),
    Template(
        G.GOPS,
        ("Asystent rodziny",),
        (
            (
                "Asystent rodziny pracuje z rodziną w jej domu.",
                "Wsparcie rodziny w opiece nad dziećmi i prowadzeniu gospodarstwa domowego.",
            ),
            (
                "Pomoc w kontaktach ze szkołą i urzędami, plan wyjścia z kryzysu.",
                "Asystent pracuje według planu ustalonego razem z rodziną.",
            ),
        ),
        ("family-assistant",),
        ("families", "children"),
        ("Asystenta przydziela ośrodek po rozmowie z pracownikiem socjalnym, za zgodą rodziny.",),
        accessibility=("home-visit",),
        referral=True,
        places=(4, 20),
    ),
    Template(
        G.GOPS,
        ("Klub Seniora – {place}", "Klub seniora „Pogodna Jesień” – {place}", "Klub Seniora „Złoty Wiek” – {place}"),
        (
            ("Spotkania seniorów dwa razy w tygodniu.", "Cotygodniowe spotkania dla osób starszych."),
            (
                "Gimnastyka, rękodzieło, śpiew, wycieczki i wspólne wyjścia.",
                "Zajęcia ruchowe, rozmowy przy kawie, spotkania z pielęgniarką i dzielnicowym.",
            ),
        ),
        ("club", "day-support"),
        ("seniors",),
        ("Przyjdź na spotkanie albo zapisz się telefonicznie.",),
        village=True,
        minimum_age=60,
        places=(15, 40),
    ),
    Template(
        G.GOPS,
        ("Posiłek dla dzieci w szkole i dla dorosłych", "Pomoc w formie posiłku – dożywianie"),
        (
            ("Gorący posiłek dla dzieci w szkole i przedszkolu.",),
            ("Zasiłek celowy na zakup żywności w programie „Posiłek w szkole i w domu”.",),
        ),
        ("meals",),
        ("children", "low-income", "seniors"),
        ("Złóż wniosek w ośrodku; posiłek dla ucznia może zgłosić także dyrektor szkoły.",),
        ("Osoby o dochodzie do 200% kryterium z ustawy o pomocy społecznej.",),
        income=200,
    ),
    Template(
        G.GOPS,
        ("Pomoc żywnościowa – paczki z programu FEPŻ",),
        (("Paczki żywnościowe i warsztaty kulinarne dla odbiorców programu.",),),
        ("material-support", "meals"),
        ("low-income", "families"),
        ("Poproś w ośrodku o skierowanie do programu.",),
        income=220,
        referral=True,
    ),
    Template(
        G.GOPS,
        ("Dzienny Dom Senior+ – {place}",),
        (
            ("Dzienny pobyt dla seniorów od poniedziałku do piątku: obiad, zajęcia ruchowe, terapia zajęciowa.",),
            ("Dowóz z sołectw gminy.", "Spotkania z psychologiem i fizjoterapeutą."),
        ),
        ("day-support", "club", "meals"),
        ("seniors",),
        ("Złóż wniosek w ośrodku pomocy społecznej.",),
        village=True,
        minimum_age=60,
        paid=0.8,
        fees="Odpłatność za wyżywienie według dochodu.",
        places=(15, 30),
    ),
    Template(
        G.GOPS,
        ("Warsztaty umiejętności wychowawczych dla rodziców", "Szkoła dla rodziców"),
        (
            ("Cykl spotkań: jak rozmawiać z dzieckiem i stawiać granice bez przemocy.",),
            ("Opieka nad dziećmi w czasie zajęć.", "Zajęcia prowadzi psycholog."),
        ),
        ("workshops", "family-counselling"),
        ("families",),
        ("Zapisz się w ośrodku lub u pedagoga szkolnego.",),
        places=(8, 16),
    ),
    Template(
        G.GOPS,
        ("Centrum Wolontariatu", "Gminne Centrum Wolontariatu"),
        (
            ("Łączy wolontariuszy z osobami, które potrzebują pomocy.",),
            ("Korepetycje dla dzieci, pomoc seniorom, akcje sąsiedzkie.",),
        ),
        ("volunteering-centre", "volunteering"),
        ("youth", "seniors", "everyone"),
        ("Przyjdź do centrum albo napisz e-mail.",),
        minimum_age=13,
    ),
    Template(
        G.GOPS,
        ("Poradnictwo rodzinne i pomoc psychologiczna", "Punkt poradnictwa rodzinnego"),
        (
            ("Rozmowa z psychologiem i pedagogiem rodzinnym.",),
            ("Kryzys w rodzinie, kłopoty wychowawcze, żałoba, opieka nad chorym.",),
        ),
        ("counselling", "family-counselling", "psychological-counselling"),
        ("families", "caregivers"),
        ("Umów się telefonicznie.",),
        accessibility=("remote",),
    ),
    Template(
        G.GOPS,
        ("Diagnoza i terapia logopedyczna dzieci", "Terapia logopedyczna"),
        (("Badanie mowy i terapia wad wymowy.",), ("Ćwiczenia do domu dla rodziców.",)),
        ("diagnostics", "therapy"),
        ("children",),
        ("Zapisz dziecko w ośrodku lub u pedagoga szkolnego.",),
        minimum_age=3,
        maximum_age=12,
        places=(10, 30),
    ),
    Template(
        G.GOPS,
        ("Rehabilitacja ruchowa dla seniorów – {place}",),
        (("Ćwiczenia w grupie z fizjoterapeutą, zapobieganie upadkom.",),),
        ("rehabilitation",),
        ("seniors", "disability"),
        ("Zapisz się w ośrodku pomocy społecznej.",),
        village=True,
        places=(10, 20),
    ),
    Template(
        G.GOPS,
        ("Spotkania edukacyjne dla mieszkańców – {place}",),
        (("Jak reagować na przemoc, gdzie szukać pomocy w uzależnieniu, prawa osób starszych.",),),
        ("community-education",),
        ("everyone",),
        ("Udział wolny.",),
        village=True,
    ),
    Template(
        G.GOPS,
        ("Szkolenia kompetencyjne i superwizja dla kadr",),
        (("Szkolenia dla pracowników instytucji: praca z rodziną, komunikacja, budowanie kooperacji.",),),
        ("staff-training",),
        ("professionals",),
        ("Instytucja zgłasza pracowników mailem.",),
        accessibility=("remote",),
    ),
    # --- Gmina offices -----------------------------------------------------------------------
    Template(
        G.LOCAL_GOVERNMENT,
        ("Punkt konsultacyjny ds. uzależnień i przemocy domowej",),
        (
            ("Konsultacje z terapeutą uzależnień i psychologiem.",),
            ("Pomoc osobom z problemem alkoholowym, ich bliskim i osobom doznającym przemocy.",),
        ),
        ("psychological-counselling", "crisis-intervention", "addiction-therapy"),
        ("addiction", "violence", "families"),
        ("Bez skierowania i bez zapisów.",),
        RESIDENTS,
    ),
    Template(
        G.LOCAL_GOVERNMENT,
        ("Dowóz seniorów i osób z niepełnosprawnością do przychodni", "Dowóz do lekarza – bus gminny"),
        (("Bus gminny dowozi do ośrodka zdrowia i do lekarzy specjalistów.",), ("Kierowca pomaga wsiąść.",)),
        ("transport",),
        ("seniors", "disability"),
        ("Zgłoś przejazd telefonicznie dzień wcześniej.",),
        RESIDENTS,
        places=(4, 12),
    ),
    Template(
        G.LOCAL_GOVERNMENT,
        ("Nieodpłatna pomoc prawna i poradnictwo obywatelskie",),
        (("Porady prawnika i doradcy obywatelskiego.",), ("Pomoc w sprawach długów, mieszkania, rodziny.",)),
        ("legal-counselling",),
        ("everyone", "low-income"),
        ("Umów się telefonicznie.",),
        accessibility=("remote",),
    ),
    # --- Schools -----------------------------------------------------------------------------
    Template(
        G.SCHOOL,
        ("Świetlica szkolna i zajęcia pozalekcyjne",),
        (("Opieka przed lekcjami i po nich, odrabianie lekcji, koła zainteresowań.",),),
        ("after-school",),
        ("children",),
        ("Złóż kartę zgłoszenia w sekretariacie szkoły.",),
        minimum_age=6,
        maximum_age=15,
        places=(25, 80),
    ),
    Template(
        G.SCHOOL,
        ("Pedagog i psycholog szkolny – konsultacje dla uczniów i rodziców",),
        (("Rozmowy z uczniem w trudnościach, konsultacje wychowawcze, pomoc psychologiczna w kryzysie.",),),
        ("psychological-counselling", "family-counselling"),
        ("children", "youth", "families"),
        ("Umów się przez dziennik elektroniczny lub w sekretariacie.",),
    ),
    Template(
        G.SCHOOL,
        ("Zajęcia wyrównawcze i korepetycje dla uczniów",),
        (("Pomoc w nauce matematyki i języka polskiego w małych grupach.",),),
        ("after-school", "adult-education"),
        ("children", "youth"),
        ("Zgłoś ucznia u wychowawcy.",),
        minimum_age=7,
        maximum_age=15,
    ),
    # --- Health centres ----------------------------------------------------------------------
    Template(
        G.HEALTH_CENTRE,
        ("Poradnia lekarza podstawowej opieki zdrowotnej", "Przychodnia lekarza rodzinnego"),
        (("Porady lekarskie w ramach NFZ, wizyty domowe, szczepienia, bilanse dzieci.",),),
        ("primary-care", "health-prevention"),
        ("everyone",),
        ("Zapisz się telefonicznie lub w rejestracji.",),
    ),
    Template(
        G.HEALTH_CENTRE,
        ("Poradnia terapii uzależnień i współuzależnienia",),
        (("Terapia indywidualna i grupowa dla osób uzależnionych i członków ich rodzin.",),),
        ("addiction-therapy", "therapy"),
        ("addiction", "families"),
        ("Zapisz się telefonicznie; skierowanie nie jest potrzebne.",),
        minimum_age=18,
    ),
    Template(
        G.HEALTH_CENTRE,
        ("Gabinet fizjoterapii – rehabilitacja lecznicza",),
        (("Zabiegi fizjoterapii po urazach i w chorobach przewlekłych, w ramach NFZ.",),),
        ("medical-rehabilitation",),
        ("seniors", "disability"),
        ("Zarejestruj skierowanie w rejestracji.",),
        referral=True,
        places=(10, 30),
    ),
    Template(
        G.HEALTH_CENTRE,
        ("Poradnia zdrowia psychicznego",),
        (("Konsultacje psychiatry i psychologa, psychoterapia.",),),
        ("mental-health", "psychological-counselling"),
        ("everyone",),
        ("Zapisz się w rejestracji; skierowanie nie jest wymagane.",),
    ),
    # --- Libraries and culture centres --------------------------------------------------------
    Template(
        G.LIBRARY_CULTURE,
        ("Warsztaty komputerowe „Senior w sieci”", "Warsztaty cyfrowe dla seniorów"),
        (("Nauka obsługi telefonu i komputera: rozmowy wideo, e-recepta, bezpieczna bankowość.",),),
        ("workshops", "adult-education", "culture"),
        ("seniors",),
        ("Zapisz się w bibliotece.",),
        minimum_age=60,
        places=(6, 12),
    ),
    Template(
        G.LIBRARY_CULTURE,
        ("Zajęcia sportowe i taneczne dla dzieci", "Zespół tańca ludowego"),
        (("Tenis stołowy, zumba i taniec; zajęcia prowadzą instruktorzy.",),),
        ("sport-recreation", "culture"),
        ("children", "youth"),
        ("Zapisy w ośrodku kultury.",),
        minimum_age=7,
        maximum_age=18,
    ),
    Template(
        G.LIBRARY_CULTURE,
        ("Biblioteka – wypożyczalnia i książka na telefon",),
        (("Wypożyczalnia, czytelnia, dowóz książek do osób, które nie wychodzą z domu.",),),
        ("culture",),
        ("everyone", "seniors"),
        ("Przyjdź do biblioteki z dowodem osobistym.",),
        accessibility=("home-visit",),
    ),
    # --- Police ------------------------------------------------------------------------------
    Template(
        G.POLICE_POST,
        ("Dzielnicowy – dyżur i spotkania z mieszkańcami",),
        (("Dzielnicowy przyjmuje zgłoszenia o zagrożeniach i prowadzi procedurę Niebieskiej Karty.",),),
        ("community-officer",),
        ("everyone", "violence"),
        ("Przyjdź na dyżur lub zadzwoń; w nagłej sytuacji dzwoń pod 112.",),
    ),
    Template(
        G.POLICE_POST,
        ("Profilaktyka: „Bezpieczny senior” i „Bezpieczna droga do szkoły”",),
        (("Spotkania z uczniami i seniorami: bezpieczeństwo na drodze, oszustwa, cyberprzemoc, dopalacze.",),),
        ("police-prevention", "community-education"),
        ("children", "youth", "seniors"),
        ("Szkoła lub klub uzgadnia termin spotkania z komendantem.",),
    ),
    # --- NGOs --------------------------------------------------------------------------------
    Template(
        G.NGO,
        ("Wolontariat sąsiedzki – pomoc seniorom",),
        (("Wolontariusze robią zakupy, odbierają recepty, towarzyszą w wizycie u lekarza.",),),
        ("volunteering",),
        ("seniors", "disability"),
        ("Zadzwoń do koordynatora wolontariatu.",),
        accessibility=("home-visit",),
    ),
    Template(
        G.NGO,
        ("Mediacje rodzinne i rówieśnicze",),
        (("Mediator pomaga porozumieć się w sporze rodzinnym i w konfliktach szkolnych.",),),
        ("mediation", "family-counselling"),
        ("families", "youth"),
        ("Zadzwoń lub napisz e-mail.",),
    ),
    Template(
        G.NGO,
        ("Treningi piłki nożnej dla dzieci – {place}",),
        (("Treningi dwa razy w tygodniu, wyjazdy na zawody, obozy latem.",),),
        ("sport-recreation",),
        ("children", "youth"),
        ("Przyjdź na trening z rodzicem.",),
        village=True,
        minimum_age=6,
        maximum_age=16,
        paid=0.7,
        fees="Składka członkowska.",
    ),
    Template(
        G.NGO,
        ("Klub Rodzica i świetlica środowiskowa – {place}",),
        (("Popołudniowe zajęcia dla dzieci i spotkania rodziców z pedagogiem.",),),
        ("club", "day-support", "after-school"),
        ("families", "children"),
        ("Zapisz dziecko w świetlicy.",),
        village=True,
        maximum_age=15,
        places=(10, 30),
    ),
    # --- Powiat family support centres (PCPR) -------------------------------------------------
    Template(
        G.PCPR,
        ("Poradnia specjalistyczna: psycholog, prawnik, terapeuta rodzinny", "Poradnictwo specjalistyczne"),
        (("Porady prawne w sprawach rodzinnych, pomoc psychologiczna, konsultacje z terapeutą rodzinnym.",),),
        ("specialist-counselling", "legal-counselling", "psychological-counselling", "family-counselling"),
        ("families", "everyone"),
        ("Umów się telefonicznie.",),
        accessibility=("remote",),
    ),
    Template(
        G.PCPR,
        ("Punkt Interwencji Kryzysowej", "Ośrodek Interwencji Kryzysowej ze schronieniem"),
        (("Natychmiastowa pomoc w kryzysie i przemocy domowej, plan bezpieczeństwa, schronienie.",),),
        ("crisis-intervention", "shelter"),
        ("violence", "families", "homeless"),
        ("Przyjdź bez zapisów lub zadzwoń.",),
        places=(4, 16),
    ),
    Template(
        G.PCPR,
        ("Rodzinna piecza zastępcza – nabór i wsparcie rodzin zastępczych",),
        (("Szkolenie kandydatów na rodziny zastępcze, koordynator, grupy wsparcia.",),),
        ("foster-care",),
        ("families", "children"),
        ("Zgłoś się na rozmowę kwalifikacyjną.",),
    ),
    Template(
        G.PCPR,
        ("Dofinansowanie turnusów rehabilitacyjnych (PFRON)", "Dofinansowanie sprzętu rehabilitacyjnego (PFRON)"),
        (("Dofinansowanie ze środków PFRON dla osób z orzeczeniem o niepełnosprawności.",),),
        ("rehabilitation",),
        ("disability", "caregivers"),
        ("Złóż wniosek w PCPR lub przez system SOW.",),
        certificate=True,
        paid=0.5,
        fees="Dofinansowanie pokrywa część kosztu.",
    ),
    Template(
        G.PCPR,
        ("Mieszkanie chronione treningowe",),
        (("Mieszkanie z opieką trenera samodzielności dla osób usamodzielniających się.",),),
        ("sheltered-housing",),
        ("youth", "disability"),
        ("Złóż wniosek w PCPR.",),
        minimum_age=18,
        places=(2, 6),
    ),
    # --- Employment offices (PUP) -------------------------------------------------------------
    Template(
        G.PUP,
        ("Pośrednictwo pracy i poradnictwo zawodowe",),
        (("Oferty pracy, pomoc w napisaniu CV, rozmowa z doradcą zawodowym, staże.",),),
        ("job-placement",),
        ("unemployed",),
        ("Zarejestruj się w urzędzie pracy.",),
        minimum_age=18,
    ),
    Template(
        G.PUP,
        ("Szkolenia zawodowe dla osób bezrobotnych",),
        (("Kursy zawodowe finansowane przez urząd, stypendium w czasie kursu.",),),
        ("vocational-training",),
        ("unemployed",),
        ("Złóż wniosek u doradcy klienta.",),
        referral=True,
        places=(20, 80),
    ),
    Template(
        G.PUP,
        ("Klub Integracji Społecznej",),
        (("Zajęcia reintegracji społecznej i zawodowej, prace społecznie użyteczne.",),),
        ("social-integration",),
        ("unemployed", "low-income"),
        ("Skierowanie z ośrodka pomocy społecznej lub urzędu pracy.",),
        referral=True,
    ),
    # --- Psychological-pedagogical counselling centres, probation -----------------------------
    Template(
        PPP,
        ("Diagnoza i terapia dzieci w poradni psychologiczno-pedagogicznej",),
        (("Badania psychologiczne, pedagogiczne i logopedyczne, opinie i orzeczenia, terapia.",),),
        ("psych-ped-counselling", "diagnostics", "therapy"),
        ("children", "youth", "families"),
        ("Rodzic składa wniosek w poradni.",),
        maximum_age=24,
    ),
    Template(
        PPP,
        ("Wczesne wspomaganie rozwoju dziecka",),
        (("Zajęcia z logopedą, psychologiem i fizjoterapeutą dla małych dzieci.",),),
        ("early-support", "therapy"),
        ("children", "disability"),
        ("Złóż wniosek w poradni.",),
        maximum_age=7,
        places=(5, 15),
    ),
    Template(
        G.COURT,
        ("Dyżur kuratora rodzinnego",),
        (("Informacja dla rodzin o nadzorze kuratora i wykonywaniu kontaktów z dzieckiem.",),),
        ("probation",),
        ("families", "youth"),
        ("Przyjdź na dyżur.",),
    ),
]


@cache
def terms_of(text: str) -> frozenset[str]:
    """The search terms of one piece of text ("{…}" placeholders are left out)."""
    return frozenset(search.index_terms(text.replace("{place}", " ").replace("{gmina}", " ")))


@dataclass
class _Institution:
    id: int
    kind: str
    gmina_id: int | None
    county_id: int | None
    terms: frozenset[str]
    email: str
    seat: int = 0  # location id


@dataclass
class _Place:
    id: int
    gmina_id: int
    city: str
    terms: frozenset[str]


def generate(run: ScaleRun) -> None:
    """Add services until the database holds `services` of them."""
    target = run.figures["services"]
    existing = Service.objects.count()
    if existing >= target:
        run.log(f"  services: {existing} already (asked {target}), none added")
        return
    with run.step("directory: places"):
        world = _World(run)
    tables = [Service, ServiceAttribute, ServiceAtLocation, ServiceArea, ServedMunicipality, SearchTerm]
    label = f"directory: {target - existing} services with attributes, areas and search terms"
    with rebuilt_indexes(run, tables), run.step(label):
        world.add_services(target - existing)


class _World:
    """What the services are drawn from: institutions, their places, the taxonomy."""

    def __init__(self, run: ScaleRun) -> None:
        self.run = run
        self.rng = run.random("directory")
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.terms = {
            (taxonomy, code): (term_id, terms_of(name))
            for term_id, taxonomy, code, name in TaxonomyTerm.objects.filter(
                taxonomy__code__in=(CATEGORIES, TARGET_GROUPS, ACCESSIBILITY)
            ).values_list("id", "taxonomy__code", "code", "name")
        }
        self.templates: dict[str, list[Template]] = defaultdict(list)
        for template in TEMPLATES:
            self.templates[template.kind].append(template)
        gminas = list(Municipality.objects.values_list("id", "name", "county_id", "kind").order_by("code"))
        self.gmina_names = {gmina_id: name for gmina_id, name, _county, _kind in gminas}
        self.county_gminas: dict[int, list[int]] = defaultdict(list)
        for gmina_id, _name, county_id, _kind in gminas:
            self.county_gminas[county_id].append(gmina_id)
        # A powiat institution's seat lies in the powiat's first town, else its first gmina.
        self.county_seat: dict[int, int] = {}
        for gmina_id, _name, county_id, kind in gminas:
            if kind in ("1", "3") and county_id not in self.county_seat:
                self.county_seat[county_id] = gmina_id
        for county_id, gmina_ids in self.county_gminas.items():
            self.county_seat.setdefault(county_id, gmina_ids[0])
        self.institutions = self._institutions()
        self.villages = self._places()

    def _institutions(self) -> list[_Institution]:
        found = []
        rows = (
            Institution.objects.filter(is_active=True)
            .exclude(kind=InstitutionKind.ROPS)
            .values_list("id", "kind", "sector", "municipality_id", "county_id", "name", "short_name", "email")
            .order_by("id")
        )
        for pk, kind, sector, gmina_id, county_id, name, short_name, email in rows:
            if kind == InstitutionKind.OTHER:
                if sector != Sector.EDUCATION or county_id is None:
                    continue
                kind = PPP
            if kind not in self.templates or (gmina_id is None and county_id is None):
                continue
            found.append(_Institution(pk, kind, gmina_id, county_id, terms_of(name) | terms_of(short_name), email))
        return found

    def _places(self) -> dict[int, list[_Place]]:
        """A seat for each institution and two village halls in each gmina with a GOPS."""
        rng = self.run.random("directory-places")
        location_id, address_id = next_id(Location), next_id(Address)
        locations: list[tuple[object, ...]] = []
        addresses: list[tuple[object, ...]] = []
        villages: dict[int, list[_Place]] = defaultdict(list)
        seat_ids: dict[int, int] = {}
        institution_rows = Institution.objects.in_bulk([i.id for i in self.institutions])

        def place(institution_id: int, name: str, gmina_id: int, city: str, street: str, postal: str) -> int:
            nonlocal location_id, address_id
            locations.append((location_id, random_uuid(rng), institution_id, name, gmina_id))
            addresses.append((address_id, random_uuid(rng), location_id, street, city, postal))
            location_id += 1
            address_id += 1
            return location_id - 1

        existing_seats = dict(
            Location.objects.filter(institution_id__in=[i.id for i in self.institutions], name__startswith="Siedziba")
            .order_by("-id")
            .values_list("institution_id", "id")
        )
        for institution in self.institutions:
            row = institution_rows[institution.id]
            if institution.id in existing_seats:
                institution.seat = existing_seats[institution.id]
                continue
            gmina_id = institution.gmina_id or self.county_seat.get(institution.county_id or 0)
            if gmina_id is None:
                continue
            institution.seat = place(
                institution.id,
                f"Siedziba: {row.short_name or row.name}"[:250],
                gmina_id,
                row.locality or self.gmina_names[gmina_id],
                row.street or "ul. Główna 1",
                row.postal_code or "00-000",
            )
            seat_ids[institution.id] = institution.seat
            if institution.kind == InstitutionKind.GOPS and institution.gmina_id:
                for _hall in range(2):
                    village = place_name(rng)
                    hall = place(
                        institution.id,
                        f"Świetlica wiejska – {village}",
                        institution.gmina_id,
                        village,
                        f"{village} {rng.randint(1, 120)}",
                        row.postal_code or "00-000",
                    )
                    villages[institution.gmina_id].append(
                        _Place(hall, institution.gmina_id, village, terms_of(village) | self._gmina_terms(gmina_id))
                    )
        self.run.insert(Location, ["id", "public_id", "institution_id", "name", "municipality_id"], locations)
        self.run.insert(
            Address,
            ["id", "public_id", "location_id", "address_1", "city", "postal_code"],
            addresses,
        )
        # The terms of each seat: its city and its gmina.
        self.seat_terms: dict[int, frozenset[str]] = {}
        for location, city, gmina_name in Location.objects.filter(
            id__in=[i.seat for i in self.institutions if i.seat]
        ).values_list("id", "addresses__city", "municipality__name"):
            self.seat_terms[location] = (
                self.seat_terms.get(location, frozenset()) | terms_of(city or "") | terms_of(gmina_name or "")
            )
        self.institutions = [i for i in self.institutions if i.seat]
        return villages

    def _gmina_terms(self, gmina_id: int) -> frozenset[str]:
        return terms_of(self.gmina_names[gmina_id])

    def add_services(self, count: int) -> None:
        rng = self.rng
        weights = [KIND_WEIGHTS.get(i.kind, 1) for i in self.institutions]
        if not self.institutions:
            self.run.log("  services: no institution to offer them (generate gminas first)")
            return
        ids: dict[type[Model], int] = {
            model: next_id(model)
            for model in (Service, ServiceAttribute, ServiceAtLocation, ServiceArea, ServedMunicipality, SearchTerm)
        }
        done = 0
        while done < count:
            size = min(CHUNK, count - done)
            owners = rng.choices(self.institutions, weights, k=size)
            rows: dict[type[Model], list[tuple[object, ...]]] = defaultdict(list)
            for owner in owners:
                self._service(owner, ids, rows)
            self.run.insert(Service, SERVICE_COLUMNS, rows[Service])
            self.run.insert(
                ServiceAttribute,
                ["id", "public_id", "service_id", "taxonomy_term_id", "link_type"],
                rows[ServiceAttribute],
            )
            self.run.insert(
                ServiceAtLocation, ["id", "public_id", "service_id", "location_id"], rows[ServiceAtLocation]
            )
            self.run.insert(
                ServiceArea,
                ["id", "public_id", "service_id", "name", "municipality_id", "county_id"],
                rows[ServiceArea],
            )
            self.run.insert(ServedMunicipality, ["id", "service_id", "municipality_id"], rows[ServedMunicipality])
            self.run.insert(SearchTerm, ["id", "service_id", "term"], rows[SearchTerm])
            done += size

    def _service(
        self, owner: _Institution, ids: dict[type[Model], int], rows: dict[type[Model], list[tuple[object, ...]]]
    ) -> None:
        rng = self.rng
        template = rng.choice(self.templates[owner.kind])
        service_id = ids[Service]
        ids[Service] += 1
        gmina_id = owner.gmina_id or self.county_seat[owner.county_id or 0]
        place_terms = self.seat_terms.get(owner.seat, frozenset())
        location_id, city = owner.seat, self.gmina_names[gmina_id]
        if template.village and self.villages.get(gmina_id):
            village = rng.choice(self.villages[gmina_id])
            location_id, city, place_terms = village.id, village.city, village.terms
        name_pattern = rng.choice(template.names)
        name = name_pattern.replace("{place}", city)[:250]
        sentences = [rng.choice(group) for group in template.sentences]
        eligibility_pattern = rng.choice(template.eligibility)
        eligibility = eligibility_pattern.replace("{gmina}", self.gmina_names[gmina_id])
        found = set(owner.terms | place_terms | terms_of(name_pattern) | terms_of(eligibility_pattern))
        if "{place}" in name_pattern:
            found |= terms_of(city)
        if "{gmina}" in eligibility_pattern:
            found |= self._gmina_terms(gmina_id)
        for sentence in sentences:
            found |= terms_of(sentence)
        attributes = [(CATEGORIES, code) for code in template.categories]
        attributes += [(TARGET_GROUPS, code) for code in template.groups]
        features = set(template.accessibility) | set(rng.sample(ACCESSIBILITY_CHOICES, rng.randint(1, 3)))
        attributes += [(ACCESSIBILITY, code) for code in sorted(features)]
        for key in attributes:
            term_id, term_words = self.terms[key]
            found |= term_words
            rows[ServiceAttribute].append(
                (ids[ServiceAttribute], random_uuid(rng), service_id, term_id, LINK_TYPES[key[0]])
            )
            ids[ServiceAttribute] += 1
        rows[ServiceAtLocation].append((ids[ServiceAtLocation], random_uuid(rng), service_id, location_id))
        ids[ServiceAtLocation] += 1
        area: tuple[object, ...]
        if owner.gmina_id is not None:
            area = (ids[ServiceArea], random_uuid(rng), service_id, "", owner.gmina_id, None)
            served = [owner.gmina_id]
        else:
            area = (ids[ServiceArea], random_uuid(rng), service_id, "", None, owner.county_id)
            served = self.county_gminas.get(owner.county_id or 0, [])
        rows[ServiceArea].append(area)
        ids[ServiceArea] += 1
        for served_id in served:
            rows[ServedMunicipality].append((ids[ServedMunicipality], service_id, served_id))
            ids[ServedMunicipality] += 1
        for term in sorted(found):
            rows[SearchTerm].append((ids[SearchTerm], service_id, term))
            ids[SearchTerm] += 1
        rows[Service].append(self._service_row(service_id, owner, template, name, sentences, eligibility))

    def _service_row(
        self,
        service_id: int,
        owner: _Institution,
        template: Template,
        name: str,
        sentences: list[str],
        eligibility: str,
    ) -> tuple[object, ...]:
        rng = self.rng
        verified = self.today - dt.timedelta(days=rng.randint(0, 420))
        created = self.now - dt.timedelta(days=(self.today - verified).days + rng.randint(0, 400))
        roll = rng.random()
        status = (
            ServiceStatus.TEMPORARILY_CLOSED
            if roll < 0.02
            else ServiceStatus.INACTIVE
            if roll < 0.03
            else ServiceStatus.ACTIVE
        )
        paid = rng.random() < template.paid
        places = free = waiting = None
        if template.places:
            places = rng.randint(*template.places)
            free = rng.randint(0, places // 3)
            waiting = rng.randint(1, 10) if free == 0 else None
        return (
            service_id,
            random_uuid(rng),
            owner.id,
            name,
            " ".join(sentences),
            owner.email,
            status,
            rng.choice(template.applications),
            template.fees if paid else "",
            eligibility,
            template.minimum_age,
            template.maximum_age,
            verified,
            "Usługa czasowo nieczynna." if status == ServiceStatus.TEMPORARILY_CLOSED else "",
            not paid,
            template.income,
            template.certificate,
            template.referral,
            places,
            free,
            waiting,
            created,
            created,
        )


SERVICE_COLUMNS = [
    "id",
    "public_id",
    "institution_id",
    "name",
    "description",
    "email",
    "status",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "alert",
    "free_of_charge",
    "income_criterion_percent",
    "disability_certificate_required",
    "referral_required",
    "places",
    "free_places",
    "waiting_list",
    "created_at",
    "updated_at",
]
