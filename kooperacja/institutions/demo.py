"""Demo institutions and the demo personas (DESIGN.md §4).

The 9 partners of G-PZK Mirzec (seed text on the agreement of 24 August 2018), a GOPS for
each of the 8 gminas of the first milestone and a PCPR for each of their 6 powiats, the two
ROPS that appear in the seeds (Kielce, Rzeszów — the project leader) and the platform
operator. Addresses are plausible, phones and e-mails fictional (example domains); REGON
numbers are left blank. People are fictional.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, InstitutionKind, Membership, Sector
from kooperacja.territory.models import County, Municipality, Voivodeship

SWIETOKRZYSKIE = "26"
PODKARPACKIE = "18"


@dataclass(frozen=True)
class DemoInstitution:
    key: str
    name: str
    short_name: str
    kind: str
    sector: str
    voivodeship: str
    county: str = ""
    gmina: str = ""
    street: str = ""
    postal_code: str = ""
    locality: str = ""
    email: str = ""
    phone: str = ""
    # Gminas served; a gmina institution serves its own gmina when this is empty.
    serves: tuple[str, ...] = ()


def _gops(
    key: str, name: str, short: str, gmina: str, street: str, postal: str, locality: str, n: int
) -> DemoInstitution:
    return DemoInstitution(
        key=key,
        name=name,
        short_name=short,
        kind=InstitutionKind.GOPS,
        sector=Sector.SOCIAL_ASSISTANCE,
        voivodeship=SWIETOKRZYSKIE,
        county=gmina[:4],
        gmina=gmina,
        street=street,
        postal_code=postal,
        locality=locality,
        email=f"sekretariat@{key.replace('_', '.')}.example",
        phone=f"41 000 10 {n:02d}",
    )


def _pcpr(
    key: str, town: str, short: str, county: str, street: str, postal: str, locality: str, n: int
) -> DemoInstitution:
    return DemoInstitution(
        key=key,
        name=f"Powiatowe Centrum Pomocy Rodzinie w {town}",
        short_name=short,
        kind=InstitutionKind.PCPR,
        sector=Sector.FAMILY_SUPPORT,
        voivodeship=SWIETOKRZYSKIE,
        county=county,
        street=street,
        postal_code=postal,
        locality=locality,
        email=f"sekretariat@{key.replace('_', '.')}.example",
        phone=f"41 000 20 {n:02d}",
    )


MIRZEC = "2611032"
INSTITUTIONS: list[DemoInstitution] = [
    # The 9 partners of G-PZK Mirzec, in the order of the agreement of 24 August 2018.
    _pcpr(
        "pcpr_starachowice",
        "Starachowicach",
        "PCPR Starachowice",
        "2611",
        "ul. Południowa 3",
        "27-200",
        "Starachowice",
        1,
    ),
    _gops(
        "gops_mirzec",
        "Gminny Ośrodek Pomocy Społecznej w Mircu",
        "GOPS Mirzec",
        MIRZEC,
        "Mirzec-Majorat 1",
        "27-220",
        "Mirzec",
        1,
    ),
    DemoInstitution(
        key="pup_starachowice",
        name="Powiatowy Urząd Pracy w Starachowicach",
        short_name="PUP Starachowice",
        kind=InstitutionKind.PUP,
        sector=Sector.EMPLOYMENT,
        voivodeship=SWIETOKRZYSKIE,
        county="2611",
        street="ul. Kolejowa 12",
        postal_code="27-200",
        locality="Starachowice",
        email="sekretariat@pup.starachowice.example",
        phone="41 000 30 01",
    ),
    DemoInstitution(
        key="ug_mirzec",
        name="Urząd Gminy w Mircu",
        short_name="UG Mirzec",
        kind=InstitutionKind.LOCAL_GOVERNMENT,
        sector=Sector.LOCAL_GOVERNMENT,
        voivodeship=SWIETOKRZYSKIE,
        county="2611",
        gmina=MIRZEC,
        street="Mirzec-Majorat 1",
        postal_code="27-220",
        locality="Mirzec",
        email="sekretariat@ug.mirzec.example",
        phone="41 000 40 01",
    ),
    DemoInstitution(
        key="zoz_mirzec",
        name="Samodzielny Publiczny Zakład Opieki Zdrowotnej w Mircu",
        short_name="SP ZOZ Mirzec",
        kind=InstitutionKind.HEALTH_CENTRE,
        sector=Sector.HEALTH,
        voivodeship=SWIETOKRZYSKIE,
        county="2611",
        gmina=MIRZEC,
        street="Mirzec-Majorat 4",
        postal_code="27-220",
        locality="Mirzec",
        email="rejestracja@spzoz.mirzec.example",
        phone="41 000 40 02",
    ),
    DemoInstitution(
        key="biok_mirzec",
        name="Biblioteka i Ośrodek Kultury Gminy Mirzec",
        short_name="BiOK Mirzec",
        kind=InstitutionKind.LIBRARY_CULTURE,
        sector=Sector.CULTURE,
        voivodeship=SWIETOKRZYSKIE,
        county="2611",
        gmina=MIRZEC,
        street="Mirzec-Majorat 2",
        postal_code="27-220",
        locality="Mirzec",
        email="biblioteka@biok.mirzec.example",
        phone="41 000 40 03",
    ),
    DemoInstitution(
        key="policja_mirzec",
        name="Posterunek Policji w Mircu",
        short_name="Posterunek Policji Mirzec",
        kind=InstitutionKind.POLICE_POST,
        sector=Sector.POLICE,
        voivodeship=SWIETOKRZYSKIE,
        county="2611",
        gmina=MIRZEC,
        street="Mirzec-Majorat 3",
        postal_code="27-220",
        locality="Mirzec",
        email="posterunek@policja.mirzec.example",
        phone="41 000 40 04",
    ),
    DemoInstitution(
        key="przedszkole_mirzec",
        name="Publiczne Przedszkole w Mircu",
        short_name="Przedszkole Mirzec",
        kind=InstitutionKind.KINDERGARTEN,
        sector=Sector.EDUCATION,
        voivodeship=SWIETOKRZYSKIE,
        county="2611",
        gmina=MIRZEC,
        street="Mirzec-Majorat 6",
        postal_code="27-220",
        locality="Mirzec",
        email="sekretariat@przedszkole.mirzec.example",
        phone="41 000 40 05",
    ),
    DemoInstitution(
        key="szkola_mirzec",
        name="Publiczna Szkoła Podstawowa w Mircu",
        short_name="PSP Mirzec",
        kind=InstitutionKind.SCHOOL,
        sector=Sector.EDUCATION,
        voivodeship=SWIETOKRZYSKIE,
        county="2611",
        gmina=MIRZEC,
        street="Mirzec-Majorat 5",
        postal_code="27-220",
        locality="Mirzec",
        email="sekretariat@psp.mirzec.example",
        phone="41 000 40 06",
    ),
    # A GOPS for each gmina of the first milestone (Mirzec's is above).
    _gops(
        "gops_oksa",
        "Gminny Ośrodek Pomocy Społecznej w Oksie",
        "GOPS Oksa",
        "2602052",
        "ul. Włoszczowska 22",
        "28-363",
        "Oksa",
        2,
    ),
    _gops(
        "gops_wodzislaw",
        "Miejsko-Gminny Ośrodek Pomocy Społecznej w Wodzisławiu",
        "MGOPS Wodzisław",
        "2602093",
        "ul. Rynek 8",
        "28-330",
        "Wodzisław",
        3,
    ),
    _gops(
        "gops_bieliny",
        "Gminny Ośrodek Pomocy Społecznej w Bielinach",
        "GOPS Bieliny",
        "2604012",
        "ul. Partyzantów 17",
        "26-004",
        "Bieliny",
        4,
    ),
    _gops(
        "gops_lopuszno",
        "Miejsko-Gminny Ośrodek Pomocy Społecznej w Łopusznie",
        "MGOPS Łopuszno",
        "2604083",
        "ul. Strażacka 3",
        "26-070",
        "Łopuszno",
        5,
    ),
    _gops(
        "gops_bodzechow",
        "Gminny Ośrodek Pomocy Społecznej w Bodzechowie",
        "GOPS Bodzechów",
        "2607032",
        "ul. Wiejska 7",
        "27-400",
        "Ostrowiec Świętokrzyski",
        6,
    ),
    _gops(
        "gops_loniow",
        "Gminny Ośrodek Pomocy Społecznej w Łoniowie",
        "GOPS Łoniów",
        "2609052",
        "Łoniów 115",
        "27-670",
        "Łoniów",
        7,
    ),
    _gops(
        "gops_bogoria",
        "Miejsko-Gminny Ośrodek Pomocy Społecznej w Bogorii",
        "MGOPS Bogoria",
        "2612013",
        "ul. Rynek 9",
        "28-210",
        "Bogoria",
        8,
    ),
    # A PCPR for each of their powiats (Starachowice's is above).
    _pcpr("pcpr_jedrzejow", "Jędrzejowie", "PCPR Jędrzejów", "2602", "ul. Armii Krajowej 9", "28-300", "Jędrzejów", 2),
    _pcpr("pcpr_kielce", "Kielcach", "PCPR Kielce", "2604", "ul. Wrzosowa 44", "25-211", "Kielce", 3),
    _pcpr(
        "pcpr_ostrowiec",
        "Ostrowcu Świętokrzyskim",
        "PCPR Ostrowiec Świętokrzyski",
        "2607",
        "ul. Iłżecka 37",
        "27-400",
        "Ostrowiec Świętokrzyski",
        4,
    ),
    _pcpr("pcpr_sandomierz", "Sandomierzu", "PCPR Sandomierz", "2609", "ul. Mickiewicza 34", "27-600", "Sandomierz", 5),
    _pcpr("pcpr_staszow", "Staszowie", "PCPR Staszów", "2612", "ul. Mickiewicza 20", "28-200", "Staszów", 6),
    # The regional centres: Kielce (świętokrzyskie) and Rzeszów, the project's leader.
    DemoInstitution(
        key="rops_kielce",
        name=("Regionalny Ośrodek Polityki Społecznej Urzędu Marszałkowskiego Województwa Świętokrzyskiego w Kielcach"),
        short_name="ROPS Kielce",
        kind=InstitutionKind.ROPS,
        sector=Sector.SOCIAL_ASSISTANCE,
        voivodeship=SWIETOKRZYSKIE,
        street="ul. Witosa 86",
        postal_code="25-561",
        locality="Kielce",
        email="sekretariat@rops.kielce.example",
        phone="41 000 50 01",
    ),
    DemoInstitution(
        key="rops_rzeszow",
        name="Regionalny Ośrodek Polityki Społecznej w Rzeszowie",
        short_name="ROPS Rzeszów",
        kind=InstitutionKind.ROPS,
        sector=Sector.SOCIAL_ASSISTANCE,
        voivodeship=PODKARPACKIE,
        street="ul. Hetmańska 9",
        postal_code="35-045",
        locality="Rzeszów",
        email="sekretariat@rops.rzeszow.example",
        phone="17 000 50 02",
    ),
    DemoInstitution(
        key="operator",
        name="Operator platformy Kooperacja",
        short_name="Operator platformy",
        kind=InstitutionKind.OTHER,
        sector=Sector.OTHER,
        voivodeship=SWIETOKRZYSKIE,
        locality="Kielce",
        email="pomoc@kooperacja.example",
    ),
]


@dataclass(frozen=True)
class DemoPersona:
    username: str
    first_name: str
    last_name: str
    email: str
    institution: str  # key of a DemoInstitution
    role: str
    description: str | Promise


PERSONA_LIST: list[DemoPersona] = [
    DemoPersona(
        "admin", "Marek", "Wójcik", "marek.wojcik@kooperacja.example", "operator", Role.ADMIN,
        _("platform administrator (not a superuser)"),
    ),
    DemoPersona(
        "gops.mirzec", "Anna", "Kowalczyk", "anna.kowalczyk@gops.mirzec.example", "gops_mirzec", Role.SOCIAL_WORKER,
        _("social worker, GOPS Mirzec: lead worker and coordinator of the demo cases"),
    ),
    DemoPersona(
        "kolega.mirzec", "Piotr", "Nowakowski", "piotr.nowakowski@gops.mirzec.example", "gops_mirzec",
        Role.SOCIAL_WORKER, _("social worker, GOPS Mirzec: a colleague who reads all, edits only own cases"),
    ),
    DemoPersona(
        "asystent.mirzec", "Katarzyna", "Lis", "katarzyna.lis@gops.mirzec.example", "gops_mirzec",
        Role.FAMILY_ASSISTANT, _("family assistant, GOPS Mirzec: assigned to two cases only"),
    ),
    DemoPersona(
        "lider.mirzec", "Barbara", "Sowa", "barbara.sowa@gops.mirzec.example", "gops_mirzec", Role.MANAGER,
        _("manager of GOPS Mirzec and leader of G-PZK Mirzec"),
    ),
    DemoPersona(
        "pcpr.starachowice", "Joanna", "Wrona", "joanna.wrona@pcpr.starachowice.example", "pcpr_starachowice",
        Role.SOCIAL_WORKER, _("social worker, PCPR Starachowice, and animator of G-PZK Mirzec"),
    ),
    DemoPersona(
        "szkola.mirzec", "Ewa", "Michalska", "ewa.michalska@psp.mirzec.example", "szkola_mirzec",
        Role.PARTNER_STAFF, _("school counsellor, Publiczna Szkoła Podstawowa w Mircu: takes part in demo cases"),
    ),
    DemoPersona(
        "policja.mirzec", "Krzysztof", "Dziedzic", "krzysztof.dziedzic@policja.mirzec.example", "policja_mirzec",
        Role.PARTNER_STAFF, _("community police officer, Posterunek Policji w Mircu: in G-PZK, in no case"),
    ),
    DemoPersona(
        "gops.oksa", "Magdalena", "Kwiatek", "magdalena.kwiatek@gops.oksa.example", "gops_oksa", Role.SOCIAL_WORKER,
        _("social worker, GOPS Oksa: another gmina, never sees Mirzec's cases"),
    ),
    DemoPersona(
        "rops.kielce", "Agnieszka", "Bednarz", "agnieszka.bednarz@rops.kielce.example", "rops_kielce",
        Role.REGIONAL_ANALYST, _("regional analyst, ROPS Kielce: świętokrzyskie aggregates"),
    ),
    DemoPersona(
        "rops.rzeszow", "Paweł", "Kaczmarski", "pawel.kaczmarski@rops.rzeszow.example", "rops_rzeszow",
        Role.REGIONAL_ANALYST, _("regional analyst, ROPS Rzeszów (project leader): macroregion aggregates"),
    ),
]  # fmt: skip

PERSONAS: list[tuple[str, str | Promise]] = [(p.username, p.description) for p in PERSONA_LIST]


def _served_codes(spec: DemoInstitution, gmina_codes: set[str]) -> list[str]:
    """A gmina institution serves its gmina; a powiat one the gminas of its powiat in the data."""
    if spec.serves:
        return list(spec.serves)
    if spec.gmina:
        return [spec.gmina]
    if spec.county:
        return sorted(code for code in gmina_codes if code.startswith(spec.county))
    return []


def load(log: Callable[[str], None]) -> None:
    """Create or update the demo institutions, then the personas and their memberships (idempotent)."""
    voivodeships = {v.code: v for v in Voivodeship.objects.all()}
    counties = {c.code: c for c in County.objects.all()}
    gminas = {g.code: g for g in Municipality.objects.all()}
    institutions: dict[str, Institution] = {}
    for spec in INSTITUTIONS:
        institution, _created = Institution.objects.update_or_create(
            name=spec.name,
            defaults={
                "short_name": spec.short_name,
                "kind": spec.kind,
                "sector": spec.sector,
                "voivodeship": voivodeships[spec.voivodeship],
                "county": counties[spec.county] if spec.county else None,
                "municipality": gminas[spec.gmina] if spec.gmina else None,
                "street": spec.street,
                "postal_code": spec.postal_code,
                "locality": spec.locality,
                "email": spec.email,
                "phone": spec.phone,
                "is_active": True,
            },
        )
        institution.serves.set([gminas[code] for code in _served_codes(spec, set(gminas))])
        institutions[spec.key] = institution
    log(f"Institutions: {len(institutions)} demo institutions.")

    user_model = get_user_model()
    for persona in PERSONA_LIST:
        user, created = user_model.objects.update_or_create(
            username=persona.username,
            defaults={
                "first_name": persona.first_name,
                "last_name": persona.last_name,
                "email": persona.email,
                "is_staff": False,
                "is_superuser": False,
                "is_active": True,
            },
        )
        if created or not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, institution=institutions[persona.institution], role=persona.role, revoked_at=None
        )
    log(f"Personas: {len(PERSONA_LIST)} demo logins (password from DEMO_PASSWORD).")
