"""`manage.py generate_scale_data`: synthetic gminas, institutions and services for benchmarks.

The same tests run on SQLite and on PostgreSQL (DATABASE_URL): both go through the same
generators, which write with COPY on PostgreSQL and in batches on SQLite.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from kooperacja.core import scale
from kooperacja.directory.models import SearchTerm, ServedMunicipality, Service, ServiceAttribute, ServiceStatus
from kooperacja.directory.services import search_terms_of, served_municipality_ids
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.territory.models import County, Municipality, Voivodeship

pytestmark = pytest.mark.django_db

GMINAS = 24
SERVICES = 160


class Rollback(Exception):
    pass


def generate(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("generate_scale_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def generate_small(seed: int = 7) -> tuple[str, str]:
    return generate("--seed", str(seed), "--gminas", str(GMINAS), "--services", str(SERVICES))


def snapshot() -> list[tuple[object, ...]]:
    """What a seed decides: every generated service with its institution, gmina and search terms."""
    return [
        (
            service.public_id,
            service.name,
            service.description,
            service.institution.name,
            service.status,
            service.assured_date,
            tuple(sorted(service.search_terms.values_list("term", flat=True))),
            tuple(sorted(service.served_municipalities.values_list("municipality__code", flat=True))),
        )
        for service in Service.objects.filter(name__isnull=False).select_related("institution").order_by("id")
    ]


def generated_with(seed: int) -> list[tuple[object, ...]]:
    """The snapshot after a run with the seed, with the run undone afterwards."""
    try:
        with transaction.atomic():
            generate_small(seed)
            taken = snapshot()
            raise Rollback
    except Rollback:
        pass
    return taken


def test_it_fills_the_database_up_to_the_figures_asked_for():
    generate_small()

    assert Municipality.objects.count() == GMINAS
    assert Service.objects.count() == SERVICES
    assert Voivodeship.objects.count() == 16


def test_it_adds_nothing_when_run_again_with_the_same_figures():
    generate_small()
    counts = (Municipality.objects.count(), Institution.objects.count(), Service.objects.count())

    out, _err = generate_small()

    assert (Municipality.objects.count(), Institution.objects.count(), Service.objects.count()) == counts
    assert "none added" in out


def test_it_writes_the_same_rows_for_the_same_seed_and_others_for_another():
    first = generated_with(seed=11)
    again = generated_with(seed=11)
    other = generated_with(seed=12)

    assert first == again
    assert len(first) == SERVICES
    assert other != first


def test_it_indexes_every_generated_service_as_refresh_index_would():
    generate_small()

    generated = Service.objects.filter(institution__email__endswith=".scale.example")
    assert generated.count() > SERVICES / 2
    for service in generated:
        assert set(service.search_terms.values_list("term", flat=True)) == search_terms_of(service), service.name
        assert set(service.served_municipalities.values_list("municipality_id", flat=True)) == (
            served_municipality_ids(service)
        )


def test_it_finds_generated_services_by_the_polish_search_and_the_gmina_filter():
    generate_small()
    new_gmina = Municipality.objects.exclude(code__startswith="26").order_by("code")[0]

    assert Service.objects.listed().matching("poradni").exists()
    assert Service.objects.listed().matching("pomoc psychologiczna").exists()
    assert Service.objects.listed().serving(new_gmina).exists()


def test_it_gives_every_new_gmina_a_gops_and_every_new_powiat_a_pcpr():
    generate_small()

    new_gminas = Municipality.objects.exclude(code__startswith="26")
    new_counties = County.objects.exclude(code__startswith="26")
    assert new_gminas.count() == GMINAS - 14
    for gmina in new_gminas:
        assert Institution.objects.filter(municipality=gmina, kind=InstitutionKind.GOPS).count() == 1
    for county in new_counties:
        pcpr = Institution.objects.get(county=county, kind=InstitutionKind.PCPR)
        assert set(pcpr.serves.all()) == set(county.municipalities.all())


def test_it_writes_rows_the_forms_would_accept():
    generate_small()

    for institution in Institution.objects.filter(email__endswith=".scale.example")[:40]:
        institution.full_clean()
    for service in Service.objects.filter(institution__email__endswith=".scale.example")[:40]:
        service.full_clean()
    codes = list(Municipality.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert all(len(code) == 7 and code[-1] in "123" for code in codes)


def test_it_gives_services_categories_groups_and_some_closed_or_paid():
    generate("--seed", "5", "--gminas", "30", "--services", "600")

    generated = Service.objects.filter(institution__email__endswith=".scale.example")
    for link_type in ("category", "target_group", "accessibility"):
        without = generated.exclude(attributes__link_type=link_type)
        assert not without.exists(), link_type
    assert generated.filter(free_of_charge=False).exists()
    assert generated.filter(status=ServiceStatus.TEMPORARILY_CLOSED).exclude(alert="").exists()
    assert ServiceAttribute.objects.filter(service__in=generated).count() >= 3 * generated.count()


def test_it_keeps_the_indexes_and_keys_of_the_tables_it_fills():
    def index_names() -> set[str]:
        with connection.cursor() as cursor:
            tables = [model._meta.db_table for model in (Service, SearchTerm, ServedMunicipality)]
            return {
                name
                for table in tables
                for name, info in connection.introspection.get_constraints(cursor, table).items()
                if info["index"] or info["unique"] or info["foreign_key"]
            }

    before = index_names()

    generate_small()

    assert index_names() == before


def test_it_tells_how_long_each_step_took_and_how_big_the_tables_are():
    out, _err = generate_small()

    assert "directory: " in out and " s\n" in out
    assert "directory_searchterm" in out
    assert f"{SERVICES} rows" in out


def test_it_says_plainly_which_figures_are_not_generated_yet():
    _out, err = generate("--gminas", str(GMINAS), "--services", "60", "--audit-events", "5")

    assert "--audit-events 5: not generated yet" in err
    assert Service.objects.count() == 60


def test_it_refuses_more_gminas_than_poland_has_and_writes_nothing():
    before = Municipality.objects.count()

    with pytest.raises(CommandError, match="2477"):
        generate("--gminas", "2478")

    assert Municipality.objects.count() == before


def test_it_refuses_a_negative_figure():
    with pytest.raises(CommandError, match="0 or more"):
        generate("--services", "-1")


def test_it_finds_the_generators_of_the_apps_in_the_order_they_build_on_each_other():
    names = [module.__name__ for module in scale.scale_modules()]

    assert names == [
        "kooperacja.territory.scale",
        "kooperacja.institutions.scale",
        "kooperacja.directory.scale",
        "kooperacja.cases.scale",
        "kooperacja.assessment.scale",
        "kooperacja.plans.scale",
    ]
    assert scale.generated_figures() == {
        "gminas": 40, "services": 500, "persons": 0, "cases": 0, "assessments": 0, "referrals": 0,
    }  # fmt: skip
