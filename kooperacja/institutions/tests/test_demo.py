"""The demo: institutions and personas of DESIGN.md §4, loaded any number of times with the same result."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model

from kooperacja.core.roles import Role
from kooperacja.institutions.demo import INSTITUTIONS, PERSONAS
from kooperacja.institutions.models import Institution, InstitutionKind, Membership, kind_roles
from kooperacja.territory.models import County, Municipality, MunicipalityPart, Voivodeship

pytestmark = pytest.mark.django_db

EXPECTED_MEMBERSHIPS = {
    ("admin", Role.ADMIN, "Operator platformy Kooperacja"),
    ("gops.mirzec", Role.SOCIAL_WORKER, "Gminny Ośrodek Pomocy Społecznej w Mircu"),
    ("kolega.mirzec", Role.SOCIAL_WORKER, "Gminny Ośrodek Pomocy Społecznej w Mircu"),
    ("asystent.mirzec", Role.FAMILY_ASSISTANT, "Gminny Ośrodek Pomocy Społecznej w Mircu"),
    ("lider.mirzec", Role.MANAGER, "Gminny Ośrodek Pomocy Społecznej w Mircu"),
    ("pcpr.starachowice", Role.SOCIAL_WORKER, "Powiatowe Centrum Pomocy Rodzinie w Starachowicach"),
    ("szkola.mirzec", Role.PARTNER_STAFF, "Publiczna Szkoła Podstawowa w Mircu"),
    ("policja.mirzec", Role.PARTNER_STAFF, "Posterunek Policji w Mircu"),
    ("gops.oksa", Role.SOCIAL_WORKER, "Gminny Ośrodek Pomocy Społecznej w Oksie"),
    (
        "rops.kielce",
        Role.REGIONAL_ANALYST,
        "Regionalny Ośrodek Polityki Społecznej Urzędu Marszałkowskiego Województwa Świętokrzyskiego w Kielcach",
    ),
    ("rops.rzeszow", Role.REGIONAL_ANALYST, "Regionalny Ośrodek Polityki Społecznej w Rzeszowie"),
}
MIRZEC_PARTNERS = {
    "Powiatowe Centrum Pomocy Rodzinie w Starachowicach",
    "Gminny Ośrodek Pomocy Społecznej w Mircu",
    "Powiatowy Urząd Pracy w Starachowicach",
    "Urząd Gminy w Mircu",
    "Samodzielny Publiczny Zakład Opieki Zdrowotnej w Mircu",
    "Biblioteka i Ośrodek Kultury Gminy Mirzec",
    "Posterunek Policji w Mircu",
    "Publiczne Przedszkole w Mircu",
    "Publiczna Szkoła Podstawowa w Mircu",
}
MILESTONE_GMINAS = {"2602052", "2602093", "2604012", "2604083", "2607032", "2609052", "2611032", "2612013"}


def counts() -> dict[str, int]:
    models: list[type[Model]] = [
        Voivodeship,
        County,
        Municipality,
        MunicipalityPart,
        Institution,
        Membership,
        get_user_model(),
    ]
    return {model.__name__: model._default_manager.count() for model in models} | {
        "serves": Institution.serves.through.objects.count()
    }


def test_it_gives_the_same_rows_when_loaded_again():
    before = counts()

    call_command("load_demo", "--force", stdout=StringIO())

    assert counts() == before


def test_it_refuses_to_load_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())


def test_it_creates_every_persona_with_its_membership():
    memberships = {
        (m.user.username, m.role, m.institution.name)
        for m in Membership.objects.active().select_related("user", "institution")
        if m.user.username in dict(PERSONAS)
    }

    assert memberships == EXPECTED_MEMBERSHIPS


def test_it_makes_no_persona_a_superuser_or_staff():
    personas = get_user_model().objects.filter(username__in=dict(PERSONAS))

    assert personas.count() == len(EXPECTED_MEMBERSHIPS)
    assert not personas.filter(is_superuser=True).exists()
    assert not personas.filter(is_staff=True).exists()
    assert all(user.email.endswith(".example") for user in personas)


def test_it_lets_each_persona_sign_in_with_the_demo_password(rf):
    request = rf.post("/accounts/login/")
    for username, _description in PERSONAS:
        assert authenticate(request, username=username, password=settings.DEMO_PASSWORD) is not None, username


def test_it_loads_the_nine_partners_of_g_pzk_mirzec():
    assert set(Institution.objects.values_list("name", flat=True)) >= MIRZEC_PARTNERS


def test_it_gives_every_milestone_gmina_a_gops_serving_it():
    gopses = Institution.objects.filter(kind=InstitutionKind.GOPS).select_related("municipality")

    codes = {gops.pk: getattr(gops.municipality, "code", None) for gops in gopses}
    assert set(codes.values()) == MILESTONE_GMINAS
    for gops in gopses:
        assert list(gops.serves.values_list("code", flat=True)) == [codes[gops.pk]]


def test_it_gives_every_milestone_powiat_a_pcpr_serving_its_gminas():
    pcprs = Institution.objects.filter(kind=InstitutionKind.PCPR).select_related("county")

    assert {getattr(p.county, "code", None) for p in pcprs} == {code[:4] for code in MILESTONE_GMINAS}
    for pcpr in pcprs:
        assert pcpr.municipality is None
        served = set(pcpr.serves.values_list("code", flat=True))
        assert served == set(Municipality.objects.filter(county=pcpr.county).values_list("code", flat=True))


def test_it_puts_the_regional_centres_in_their_voivodeships():
    assert Institution.objects.get(short_name="ROPS Kielce").voivodeship.code == "26"
    assert Institution.objects.get(short_name="ROPS Rzeszów").voivodeship.code == "18"


def test_it_keeps_every_demo_institution_consistent_with_its_territory():
    for spec in INSTITUTIONS:
        institution = Institution.objects.get(name=spec.name)
        if institution.municipality:
            assert institution.municipality.county == institution.county
        if institution.county:
            assert institution.county.voivodeship == institution.voivodeship


def test_it_keeps_every_demo_institution_valid_and_unique():
    for spec in INSTITUTIONS:
        Institution.objects.get(name=spec.name).full_clean()


def test_it_gives_every_persona_a_role_its_institution_may_have():
    for membership in Membership.objects.filter(revoked_at__isnull=True).select_related("institution"):
        assert membership.role in kind_roles(membership.institution.kind), membership


def test_it_keeps_the_administrator_in_the_platform_operator():
    membership = Membership.objects.get(user__username="admin", role=Role.ADMIN)

    assert membership.institution.kind == InstitutionKind.OTHER


def test_it_prints_the_address_the_password_and_the_personas():
    out = StringIO()

    call_command("demo_logins", stdout=out)

    text = out.getvalue()
    assert settings.SITE_URL in text
    assert settings.DEMO_PASSWORD in text
    for username, _description in PERSONAS:
        assert f"\n{username} " in text
