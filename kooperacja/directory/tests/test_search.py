"""The search rule of DESIGN.md §4: folded, lemmatised Polish words, matched by prefix."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from kooperacja.directory import models, search
from kooperacja.directory.models import SearchTerm, Service, ServiceArea
from kooperacja.directory.services import refresh_index
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import Municipality

POLISH_LETTERS = "aąbcćdeęfghijklłmnńoóprsśtuwyzźżAĄBCĆDEĘFGHIJKLŁMNŃOÓPRSŚTUWYZŹŻ"


def test_it_folds_polish_letters_to_ascii():
    assert search.fold("Łódź") == "lodz"
    assert search.fold("ZAŻÓŁĆ GĘŚLĄ JAŹŃ") == "zazolc gesla jazn"


@given(st.text(alphabet=POLISH_LETTERS + " -,.", max_size=60))
def test_it_folds_any_polish_text_to_lowercase_ascii(text):
    folded = search.fold(text)
    assert folded == folded.lower()
    assert all(ord(char) < 128 for char in folded)
    assert search.fold(folded) == folded


def test_it_finds_inflected_forms_under_one_lemma():
    indexed = search.index_terms("Poradnia psychologiczno-pedagogiczna")
    for query in ("poradni", "poradnia", "poradnię", "PORADNIE"):
        (alternatives,) = search.query_terms(query)
        assert alternatives & indexed, query


@given(st.text(max_size=200))
def test_it_never_makes_more_than_the_word_limit_of_query_terms(query):
    found = search.query_terms(query)
    assert len(found) <= search.MAX_QUERY_WORDS
    assert all(
        alternatives and all(0 < len(term) <= search.MAX_TERM_LENGTH for term in alternatives) for alternatives in found
    )


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10))
def test_it_bounds_every_extension_of_a_prefix(prefix):
    upper = search.prefix_upper_bound(prefix)
    assert prefix < upper
    assert prefix + "zzzz" < upper


@pytest.fixture
def institution(db):
    return Institution.objects.get(kind="gops", municipality__name="Mirzec")


def _service(institution, **fields):
    service = Service.objects.create(institution=institution, **fields)
    refresh_index([service])
    return service


def test_it_finds_a_service_by_any_inflected_or_unaccented_word(institution):
    service = _service(institution, name="Punkt konsultacyjny dla osób doznających przemocy w Łodzi")
    for query in ("punkt", "konsultacyjnego przemoc", "lodz", "Łódź", "osoby"):
        assert service in Service.objects.matching(query), query
    assert service not in Service.objects.matching("rehabilitacja")


def test_it_needs_every_word_of_the_query(institution):
    service = _service(institution, name="Klub seniora")
    assert service in Service.objects.matching("klub seniora")
    assert service not in Service.objects.matching("klub młodzieżowy")


def test_it_matches_words_of_two_letters_only_whole(institution):
    service = _service(institution, name="Pomoc w domu")
    assert service in Service.objects.matching("pomoc w")
    assert service not in Service.objects.matching("po")


def test_it_reindexes_a_renamed_service(institution):
    service = _service(institution, name="Świetlica")
    service.name = "Biblioteka"
    service.save()
    refresh_index([service])
    assert service not in Service.objects.matching("świetlica")
    assert service in Service.objects.matching("biblioteka")
    assert SearchTerm.objects.filter(service=service, term="swietlica").count() == 0


def test_it_serves_the_gminas_of_a_county_wide_area(institution):
    service = _service(institution, name="Poradnictwo rodzinne")
    ServiceArea.objects.create(service=service, name="powiat", county=institution.county)
    refresh_index([service])
    county_gminas = Municipality.objects.filter(county=institution.county)
    assert county_gminas.count() > 1
    for gmina in county_gminas:
        assert service in Service.objects.serving(gmina)


def test_it_serves_the_institutions_gmina_when_no_area_or_location_is_given(institution):
    service = _service(institution, name="Praca socjalna")
    assert list(Service.objects.filter(pk=service.pk).serving(institution.municipality)) == [service]
    other = Municipality.objects.exclude(pk=institution.municipality_id).first()
    assert other is not None
    assert not Service.objects.filter(pk=service.pk).serving(other).exists()


def test_it_finds_words_typed_without_polish_letters_in_any_form(institution):
    service = _service(
        institution,
        name="Usługi opiekuńcze dla osób starszych",
        description="Pomoc społeczna w domu dla rodzin i seniorów, terapia uzależnień.",
    )
    for query in ("pomoc spoleczna", "rodzine", "opieke", "opieka", "uzaleznienia", "seniorem", "osoby starsze"):
        assert service in Service.objects.matching(query), query


def test_it_leaves_prepositions_out_of_a_query(institution):
    service = _service(institution, name="Opieka nad seniorem w domu")
    assert service in Service.objects.matching("opieka dla seniora")
    assert search.query_terms("nad") == [{"nad"}]


@given(st.text(alphabet="abcdefghijklmnoprstuwyz", min_size=1, max_size=20))
def test_it_stems_a_word_to_a_prefix_of_itself(word):
    stemmed = search.stem(word)
    assert word.startswith(stemmed)
    assert len(stemmed) >= min(len(word), 4)


@pytest.mark.parametrize("driver", [0, 1, 2])
def test_it_finds_the_same_services_whichever_set_drives_the_search(db, monkeypatch, driver):
    """The search starts from its smallest set (the gmina's services or the rarest word's); the
    demo's services found must not depend on which one that is."""
    mirzec = Municipality.objects.get(name="Mirzec")
    expected = set(Service.objects.matching("pomoc")) & set(Service.objects.matching("rodzin"))
    expected &= set(Service.objects.serving(mirzec))

    def sized_with_driver(sets):
        return [0 if index == driver else 1 for index in range(len(sets))]

    monkeypatch.setattr(models, "_sized", sized_with_driver)
    found = set(Service.objects.matching("pomoc rodzin", gmina=mirzec))

    assert expected
    assert found == expected


def test_it_drives_the_search_from_the_smallest_set(db, django_assert_max_num_queries):
    mirzec = Municipality.objects.get(name="Mirzec")
    sets = [
        models.ServedMunicipality.objects.filter(municipality=mirzec),
        models.SearchTerm.objects.filter(term__gte="zzz"),
        models.SearchTerm.objects.filter(term__gte="a"),
    ]

    if connection.vendor == "postgresql":  # the planner estimates from statistics, as autovacuum keeps them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_searchterm, directory_servedmunicipality")

    with django_assert_max_num_queries(3):
        sizes = models._sized(sets)

    assert min(range(len(sets)), key=sizes.__getitem__) == 1
    if connection.vendor != "postgresql":  # PostgreSQL gives the planner's estimates instead
        assert sizes[2] == 1  # counted no further than the smallest set so far, plus one
