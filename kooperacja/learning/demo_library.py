"""Demo of the materials library and the good practices.

Six materials at every access level (their PDF files are written here by hand: one page with
the title, a few hundred bytes, no PDF engine needed) and eight good practices of the 8 gminas
of the first milestone, written for the demo in the spirit of the seed texts (a volunteering
centre, a seniors' club, case conferences, a school–GOPS early-warning routine…), tagged; one
of them is still a draft. Running it again creates nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from kooperacja.cases.demo import demo_uuid
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.learning.library import search_text_of as material_search_text
from kooperacja.learning.models import AccessLevel, GoodPractice, Material, MaterialKind, PracticeTag, Topic
from kooperacja.learning.practices import search_text_of, tag_slug
from kooperacja.territory.models import Municipality, Voivodeship

SWIETOKRZYSKIE = "26"


def tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF showing `title` (ASCII letters only: Polish ones are folded)."""
    from kooperacja.directory.search import fold

    text = "".join(char for char in fold(title) if char.isascii() and char not in "()\\")
    stream = f"BT /F1 16 Tf 60 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    start = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n".encode()
    return bytes(out)


@dataclass(frozen=True)
class DemoMaterial:
    key: str
    title: str
    description: str
    kind: str
    topic: str
    access_level: str
    filename: str
    days_ago: int
    voivodeship: str = ""


MATERIALS = [
    DemoMaterial(
        "model-zalozenia",
        "Model kooperacji — założenia",
        "Krótkie omówienie modelu kooperacji dla gmin wiejskich: kto współpracuje, po co i jak "
        "wygląda praca z rodziną w zespole zadaniowym.",
        MaterialKind.GUIDE,
        Topic.MODEL,
        AccessLevel.PUBLIC,
        "model-kooperacji-zalozenia.pdf",
        120,
    ),
    DemoMaterial(
        "poradnik-ipw",
        "Poradnik: Indywidualny Program Współpracy krok po kroku",
        "Jak razem z rodziną ustalić cele, wskaźniki i koszyk usług oraz kiedy zwołać konferencję przypadku.",
        MaterialKind.GUIDE,
        Topic.FAMILY_WORK,
        AccessLevel.PUBLIC,
        "poradnik-ipw.pdf",
        60,
    ),
    DemoMaterial(
        "wzor-porozumienia",
        "Wzór porozumienia o utworzeniu G-PZK",
        "Wzór porozumienia gminy i powiatu z partnerami zespołu, z listą zobowiązań stron.",
        MaterialKind.TEMPLATE,
        Topic.COOPERATION,
        AccessLevel.STAFF,
        "wzor-porozumienia-gpzk.pdf",
        90,
    ),
    DemoMaterial(
        "wzor-protokolu",
        "Wzór protokołu spotkania zespołu",
        "Protokół z listą obecności, ustaleniami i zadaniami z terminami.",
        MaterialKind.TEMPLATE,
        Topic.COOPERATION,
        AccessLevel.STAFF,
        "wzor-protokolu.pdf",
        30,
    ),
    DemoMaterial(
        "rops-kielce-prezentacja",
        "ROPS Kielce — prezentacja na spotkanie liderów kooperacji",
        "Prezentacja ze spotkania liderów G-PZK województwa świętokrzyskiego: wyniki diagnozy i plan szkoleń.",
        MaterialKind.PRESENTATION,
        Topic.MODEL,
        AccessLevel.REGION,
        "rops-kielce-prezentacja.pdf",
        14,
        SWIETOKRZYSKIE,
    ),
    DemoMaterial(
        "raport-diagnoza",
        "Raport z diagnozy kooperacji w gminach świętokrzyskich",
        "Zestawienie wyników diagnozy ośmiu gmin pierwszego kamienia milowego.",
        MaterialKind.REPORT,
        Topic.DIAGNOSIS,
        AccessLevel.REGION,
        "raport-diagnoza-swietokrzyskie.pdf",
        7,
        SWIETOKRZYSKIE,
    ),
]


@dataclass(frozen=True)
class DemoPractice:
    key: str
    gmina: str
    title: str
    summary: str
    description: str
    results: str
    years_ago: int
    tags: tuple[str, ...]
    published: bool = True


PRACTICES = [
    DemoPractice(
        "mirzec-konferencje",
        "2611032",
        "Stały rytm konferencji przypadku w Mircu",
        "Co miesiąc, w stały czwartek, zespół zadaniowy omawia rodziny, którym pomaga kilka instytucji naraz.",
        "GOPS w Mircu ustalił z partnerami G-PZK stały termin konferencji przypadku: drugi czwartek miesiąca. "
        "Koordynator przypadku przygotowuje krótką notę o postępach rodziny, a szkoła, przedszkole, "
        "ośrodek zdrowia i posterunek policji mówią, co widzą ze swojej strony.\n\n"
        "Rodzina jest zapraszana na część spotkania i sama mówi, co jej pomaga, a co nie.",
        "Spotkania przestały być zwoływane dopiero w kryzysie. Zadania mają właścicieli i terminy, "
        "a rodziny wiedzą, kto w czym im pomaga.",
        2,
        ("konferencja przypadku", "praca z rodziną"),
    ),
    DemoPractice(
        "oksa-wolontariat",
        "2602052",
        "Gminne centrum wolontariatu w Oksie",
        "Wolontariusze z gminy pomagają seniorom i dzieciom, a GOPS łączy ich z tymi, którzy potrzebują wsparcia.",
        "Z pakietu socjalnego gmina utworzyła centrum wolontariatu przy bibliotece. Koordynatorka prowadzi "
        "bazę wolontariuszy, organizuje szkolenia i dobiera pary: wolontariusz – osoba potrzebująca "
        "(zakupy, odrabianie lekcji, towarzyszenie w drodze do lekarza).",
        "W pierwszym roku zgłosiło się 28 wolontariuszy, w tym uczniowie szkoły średniej. "
        "Seniorzy rzadziej czują się samotni.",
        3,
        ("wolontariat", "seniorzy", "pakiet socjalny"),
    ),
    DemoPractice(
        "bieliny-klub-seniora",
        "2604012",
        "Klub seniora prowadzony razem z kołem gospodyń",
        "Cotygodniowe spotkania seniorów w świetlicy wiejskiej, prowadzone przez GOPS i koło gospodyń wiejskich.",
        "Klub działa w świetlicy w Makoszynie. Pracownik socjalny bywa na spotkaniach i słucha, z czym seniorzy "
        "sobie nie radzą; pielęgniarka środowiskowa raz w miesiącu mierzy ciśnienie i odpowiada na pytania.",
        "Pracownicy wcześniej dowiadują się o problemach seniorów mieszkających samotnie.",
        2,
        ("seniorzy", "integracja"),
    ),
    DemoPractice(
        "wodzislaw-szkola",
        "2602093",
        "Wczesne ostrzeganie: szkoła i MGOPS w Wodzisławiu",
        "Pedagog szkolny i pracownik socjalny spotykają się co dwa tygodnie, zanim kłopoty dziecka urosną.",
        "Szkoła i MGOPS uzgodniły proste sygnały ostrzegawcze: częste nieobecności, brak śniadania, nagła zmiana "
        "zachowania. Gdy pedagog je zauważy, za zgodą rodziców umawia rozmowę z pracownikiem socjalnym, "
        "a ten proponuje rodzinie wsparcie, zanim potrzebna będzie interwencja.",
        "Mniej spraw trafia do sądu rodzinnego; rodzice chętniej przychodzą do poradni.",
        1,
        ("szkoła", "dzieci", "wczesne ostrzeganie"),
    ),
    DemoPractice(
        "lopuszno-poradnia",
        "2604083",
        "Poradnia rodzinna na miejscu, raz w tygodniu",
        "Psycholog i terapeuta z powiatu przyjmują w Łopusznie, więc rodziny nie muszą jeździć do Kielc.",
        "PCPR w Kielcach i MGOPS w Łopusznie zorganizowały dyżury poradni rodzinnej w budynku ośrodka. "
        "Terminy zapisuje pracownik socjalny; dojazd zapewnia gmina.",
        "Na konsultacje zgłasza się więcej rodzin niż wcześniej, bo droga do poradni przestała być barierą.",
        2,
        ("poradnictwo", "praca z rodziną"),
    ),
    DemoPractice(
        "bodzechow-pup",
        "2607032",
        "Wspólne dyżury GOPS i urzędu pracy",
        "Doradca zawodowy PUP przyjmuje w GOPS w Bodzechowie, razem z pracownikiem socjalnym.",
        "Raz w miesiącu doradca zawodowy z Ostrowca Świętokrzyskiego prowadzi dyżur w ośrodku. Osoby długo "
        "bez pracy spotykają się z obojgiem naraz i wychodzą z jednym planem: szkolenie, staż "
        "albo prace społecznie użyteczne.",
        "Plany IPW mają cele zawodowe uzgodnione z urzędem pracy.",
        1,
        ("zatrudnienie", "praca z rodziną"),
    ),
    DemoPractice(
        "loniow-edukacja",
        "2609052",
        "Edukacja społeczności: dzień otwarty instytucji",
        "Raz w roku wszystkie instytucje gminy pokazują mieszkańcom, w czym mogą pomóc.",
        "Na placu przy szkole stoją stoiska GOPS, szkoły, ośrodka zdrowia, policji, biblioteki i PCPR. "
        "Mieszkańcy poznają ludzi, do których mogą się zwrócić, a instytucje — siebie nawzajem.",
        "Więcej osób samych zgłasza się po pomoc, zanim problem narośnie.",
        3,
        ("integracja", "pakiet socjalny"),
    ),
    DemoPractice(
        "bogoria-superwizja",
        "2612013",
        "Superwizja dla zespołu zadaniowego",
        "Raz na kwartał zespół zadaniowy w Bogorii omawia trudne sytuacje z superwizorem.",
        "Opis jest w przygotowaniu: zespół zbiera jeszcze doświadczenia z pierwszych spotkań.",
        "",
        0,
        ("superwizja",),
        published=False,
    ),
]


def _load_materials(log: Callable[[str], None]) -> None:
    voivodeships = {v.code: v for v in Voivodeship.objects.filter(code=SWIETOKRZYSKIE)}
    existing = set(
        Material.objects.filter(public_id__in=[demo_uuid("material", m.key) for m in MATERIALS]).values_list(
            "public_id", flat=True
        )
    )
    now = timezone.now()
    made = 0
    for item in MATERIALS:
        public_id = demo_uuid("material", item.key)
        if public_id in existing:
            continue
        voivodeship = voivodeships.get(item.voivodeship) if item.voivodeship else None
        if item.voivodeship and voivodeship is None:
            continue
        content = tiny_pdf(item.title)
        material = Material(
            public_id=public_id,
            title=item.title,
            description=item.description,
            search_text=material_search_text(item.title, item.description),
            kind=item.kind,
            topic=item.topic,
            access_level=item.access_level,
            voivodeship=voivodeship,
            filename=item.filename,
            content_type="application/pdf",
            size=len(content),
            uploaded_at=now - dt.timedelta(days=item.days_ago),
        )
        material.file.save(item.filename, ContentFile(content), save=False)
        material.save()
        made += 1
    log(f"Library: {made} materials added.")


def _load_practices(log: Callable[[str], None]) -> None:
    codes = {p.gmina for p in PRACTICES}
    gminas = {g.code: g for g in Municipality.objects.filter(code__in=codes)}
    gops = {
        i.municipality.code: i
        for i in Institution.objects.filter(kind=InstitutionKind.GOPS, municipality__code__in=codes).select_related(
            "municipality"
        )
        if i.municipality is not None
    }
    existing = set(
        GoodPractice.objects.filter(public_id__in=[demo_uuid("practice", p.key) for p in PRACTICES]).values_list(
            "public_id", flat=True
        )
    )
    tags = {tag.slug: tag for tag in PracticeTag.objects.all()}
    year = timezone.localdate().year
    made = 0
    for item in PRACTICES:
        public_id = demo_uuid("practice", item.key)
        gmina = gminas.get(item.gmina)
        if public_id in existing or gmina is None:
            continue
        chosen = []
        for name in item.tags:
            slug = tag_slug(name)
            if slug not in tags:
                tags[slug] = PracticeTag.objects.create(slug=slug, name=name)
            chosen.append(tags[slug])
        practice = GoodPractice(
            public_id=public_id,
            municipality=gmina,
            institution=gops.get(item.gmina),
            title=item.title,
            summary=item.summary,
            description=item.description,
            results=item.results,
            year=year - item.years_ago,
            is_published=item.published,
        )
        practice.search_text = search_text_of(practice, chosen)
        practice.save()
        practice.tags.set(chosen)
        made += 1
    log(f"Good practices: {made} added.")


def load(log: Callable[[str], None]) -> None:
    _load_materials(log)
    _load_practices(log)
