"""The public search of the service directory: GET /directory/ (DESIGN.md §4)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kooperacja.directory import forms
from kooperacja.directory.models import Service, ServiceStatus
from kooperacja.directory.tests.test_public_factories import MIRZEC, OKSA, gops, make_service
from kooperacja.institutions.tests.conftest import polish
from kooperacja.territory.models import County, Municipality

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:search")


def names(response) -> list[str]:
    return [result.service.name for result in response.context["results"]]


def text_of(response) -> str:
    """The page's visible text with tags removed and white space folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def polish_plural(singular: str, plural: str, count: int, name: str = "count") -> str:
    with translation.override("pl"):
        return translation.ngettext(singular, plural, count) % {name: count}


# --- the page -------------------------------------------------------------------------------


def test_it_shows_the_search_to_anonymous_visitors(client):
    response = client.get(SEARCH)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'role="search"' in html
    for name in ("q", "gmina", "category", "group", "access", "free"):
        assert f'name="{name}"' in html


def test_it_refuses_to_change_anything(client):
    assert client.post(SEARCH).status_code == 405


def test_it_finds_a_service_by_an_inflected_unaccented_word(client):
    make_service("Poradnia rodzinna „Kwiatuszek”")
    make_service("Klub seniora „Kwiatuszek”", categories=["club"])

    response = client.get(SEARCH, {"q": "poradni rodzinnej kwiatuszka"})

    assert names(response) == ["Poradnia rodzinna „Kwiatuszek”"]


def test_it_shows_what_a_resident_needs_in_each_result(client):
    make_service(
        "Świetlica środowiskowa „Promyk”",
        categories=["after-school", "club"],
        city="Osiny",
        free_of_charge=True,
        free_places=3,
        places=20,
        waiting_list=2,
        referral_required=True,
    )

    text = text_of(client.get(SEARCH, {"q": "promyk"}))

    assert "Świetlica środowiskowa „Promyk”" in text
    assert "Gminny Ośrodek Pomocy Społecznej w Mircu" in text
    assert "Osiny, " + unescape(polish("gmina %(name)s", name="Mirzec")) in text
    assert "Klub · Świetlica i zajęcia pozalekcyjne" in text
    assert unescape(polish("Free of charge")) in text
    assert unescape(polish("Referral required")) in text
    assert polish_plural("%(counter)s free place", "%(counter)s free places", 3, "counter") in text
    assert polish_plural("%(counter)s person waiting", "%(counter)s people waiting", 2, "counter") in text


def test_it_says_a_listed_service_is_temporarily_closed(client):
    make_service("Klub Jaskier", categories=["club"], status=ServiceStatus.TEMPORARILY_CLOSED)

    response = client.get(SEARCH, {"q": "jaskier"})

    assert names(response) == ["Klub Jaskier"]
    text = text_of(response)
    assert unescape(polish("Temporarily closed")) in text


@pytest.mark.parametrize("status", [ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT])
def test_it_leaves_out_services_that_no_longer_run(client, status):
    make_service("Punkt Jaskier", categories=["legal-counselling"], status=status)

    assert names(client.get(SEARCH, {"q": "jaskier"})) == []


def test_it_leaves_out_services_of_an_inactive_institution(client):
    service = make_service("Punkt Jaskier", categories=["legal-counselling"])
    service.institution.is_active = False
    service.institution.save()

    assert names(client.get(SEARCH, {"q": "jaskier"})) == []


def test_it_escapes_a_service_name_with_markup(client):
    make_service("<script>alert(1)</script>")

    html = client.get(SEARCH, {"q": "alert"}).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- filters --------------------------------------------------------------------------------


def test_it_shows_only_services_open_to_the_residents_of_the_chosen_gmina(client):
    make_service("Opieka Jaskier Mirzec", categories=["care-services"], gmina=MIRZEC)
    make_service("Opieka Jaskier Oksa", categories=["care-services"], gmina=OKSA, institution=gops(OKSA))

    assert names(client.get(SEARCH, {"q": "jaskier", "gmina": MIRZEC})) == ["Opieka Jaskier Mirzec"]
    assert names(client.get(SEARCH, {"q": "jaskier", "gmina": OKSA})) == ["Opieka Jaskier Oksa"]


def test_it_finds_a_category_and_everything_below_a_top_level_category(client):
    make_service("Porady Jaskier w rodzinie", categories=["family-counselling"])
    make_service("Porady Jaskier dla seniorów", categories=["club"])

    assert names(client.get(SEARCH, {"q": "jaskier", "category": "family-counselling"})) == [
        "Porady Jaskier w rodzinie"
    ]
    # family-counselling < specialist-counselling < social-assistance
    assert names(client.get(SEARCH, {"q": "jaskier", "category": "social-assistance"})) == ["Porady Jaskier w rodzinie"]
    assert names(client.get(SEARCH, {"q": "jaskier", "category": "social-package"})) == ["Porady Jaskier dla seniorów"]


def test_it_filters_by_target_group_accessibility_and_cost(client):
    make_service("Zajęcia Jaskier A", groups=["seniors"], access=["step-free"], free_of_charge=True)
    make_service("Zajęcia Jaskier B", groups=["seniors"], access=["hearing-loop"])
    make_service("Zajęcia Jaskier C", groups=["youth"], access=["step-free"], free_of_charge=True)

    assert names(client.get(SEARCH, {"q": "jaskier", "group": "seniors"})) == ["Zajęcia Jaskier A", "Zajęcia Jaskier B"]
    assert names(client.get(SEARCH, {"q": "jaskier", "access": "step-free"})) == [
        "Zajęcia Jaskier A",
        "Zajęcia Jaskier C",
    ]
    assert names(client.get(SEARCH, {"q": "jaskier", "free": "1"})) == ["Zajęcia Jaskier A", "Zajęcia Jaskier C"]
    assert names(client.get(SEARCH, {"q": "jaskier", "group": "seniors", "access": "step-free", "free": "1"})) == [
        "Zajęcia Jaskier A"
    ]


def test_it_keeps_the_chosen_filters_in_the_form(client):
    html = client.get(SEARCH, {"q": "klub", "gmina": MIRZEC, "category": "club", "free": "1"}).content.decode()

    assert f'<option value="{MIRZEC}" selected>Mirzec</option>' in html
    assert '<option value="club" selected>' in html
    assert re.search(r'<input type="checkbox" name="free" value="1"[^>]* checked', html)


def test_it_groups_the_gminas_by_powiat_and_the_categories_by_their_parent(client):
    html = client.get(SEARCH).content.decode()

    powiat = html[html.index('<optgroup label="Powiat starachowicki">') :]
    assert powiat.index(f'value="{MIRZEC}"') < powiat.index("</optgroup>")
    health = html[html.index('<optgroup label="Zdrowie">') :]
    assert health.index('value="addiction-therapy"') < health.index("</optgroup>")


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"gmina": "9999999"}, "gmina", "There is no gmina with the code %(value)s: choose one from the list."),
        ({"gmina": "Mirzec"}, "gmina", "There is no gmina with the code %(value)s: choose one from the list."),
        ({"category": "astrology"}, "category", "There is no kind of service “%(value)s”: choose one from the list."),
        ({"group": "martians"}, "group", "There is no group “%(value)s”: choose one from the list."),
        ({"access": "teleport"}, "access", "There is no accessibility feature “%(value)s”: choose one from the list."),
        ({"free": "maybe"}, "free", "“%(value)s” is not a value of “free of charge only”: tick the box or leave it."),
        ({"free": "2"}, "free", "“%(value)s” is not a value of “free of charge only”: tick the box or leave it."),
    ],
)
def test_it_answers_an_unknown_filter_with_a_message_not_an_error_page(client, params, field, message):
    response = client.get(SEARCH, params)

    assert response.status_code == 400
    value = next(iter(params.values()))
    assert polish(message, value=value) in response.content.decode()
    assert f'href="#id_{field}"' in response.content.decode()
    assert response.context["results"] == []


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5"])
def test_it_answers_a_bad_page_number_with_a_message(client, page):
    response = client.get(SEARCH, {"page": page})

    assert response.status_code == 400
    assert polish("The page number must be a whole number from 1.") in response.content.decode()


def test_it_asks_to_narrow_the_search_past_the_last_page_it_offers(client):
    response = client.get(SEARCH, {"page": forms.MAX_PAGE + 1})

    assert response.status_code == 400
    message = "Only the first %(limit_value)s pages of results are shown: add words or filters to narrow the search."
    assert polish(message, limit_value=forms.MAX_PAGE) in response.content.decode()


def test_it_refuses_a_query_longer_than_200_characters(client):
    assert client.get(SEARCH, {"q": "a" * 201}).status_code == 400


# --- counts and paging ----------------------------------------------------------------------


@pytest.mark.parametrize(("count", "expected_word"), [(1, 1), (3, 3), (5, 5)])
def test_it_counts_the_results_in_polish_grammar(client, count, expected_word):
    for number in range(count):
        make_service(f"Warsztaty Jaskier {number}", categories=["workshops"])

    response = client.get(SEARCH, {"q": "jaskier"})

    expected = polish_plural("%(count)s service was found.", "%(count)s services were found.", count)
    assert expected in text_of(response)


def test_it_pages_without_counting_beyond_what_it_shows(client):
    for number in range(forms.PAGE_SIZE + 5):
        make_service(f"Terapia Jaskier {number:02d}", categories=["therapy"], weekly=None)

    first = client.get(SEARCH, {"q": "jaskier", "category": "therapy"})
    second = client.get(SEARCH, {"q": "jaskier", "category": "therapy", "page": "2"})
    past = client.get(SEARCH, {"q": "jaskier", "category": "therapy", "page": "3"})

    assert names(first) == [f"Terapia Jaskier {number:02d}" for number in range(forms.PAGE_SIZE)]
    assert names(second) == [f"Terapia Jaskier {number:02d}" for number in range(forms.PAGE_SIZE, forms.PAGE_SIZE + 5)]
    assert 'rel="next" href' not in first.content.decode()
    assert 'href="?q=jaskier&amp;category=therapy&amp;page=2" rel="next"' in first.content.decode()
    assert 'href="?q=jaskier&amp;category=therapy&amp;page=1" rel="prev"' in second.content.decode()
    assert 'rel="next"' not in second.content.decode()
    assert second.context["page"].count == forms.PAGE_SIZE + 5
    assert past.status_code == 200
    assert names(past) == []
    assert unescape(polish("There are no more results on this page.")) in text_of(past)


def _bulk_services(count: int, name: str = "Usługa masowa") -> None:
    institution = gops()
    Service.objects.bulk_create(Service(institution=institution, name=f"{name} {i:05d}") for i in range(count))


def test_it_caps_the_count_at_more_than_1000(client):
    _bulk_services(forms.COUNT_CAP + 5)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"page": "2"})

    assert response.context["page"].count_capped
    expected = polish_plural(
        "More than %(count)s service was found.", "More than %(count)s services were found.", forms.COUNT_CAP
    )
    assert expected in text_of(response)
    assert "1000" in expected
    # The matches are read up to the cap, never counted in full.
    assert any(f"LIMIT {forms.COUNT_CAP + 1}" in query["sql"] for query in queries.captured_queries)
    assert not [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]


def test_it_says_ponad_1000_in_polish(client):
    # Needs the directory's Polish catalogue (the lead merges the translations).
    _bulk_services(forms.COUNT_CAP + 1)

    assert "Znaleziono ponad 1000 usług." in text_of(client.get(SEARCH))


def test_it_offers_no_page_past_the_cap(client):
    _bulk_services(forms.COUNT_CAP + 5)

    html = client.get(SEARCH, {"page": str(forms.MAX_PAGE)}).content.decode()

    assert 'rel="next"' not in html
    assert 'rel="prev"' in html


def _services_with_everything(count: int) -> None:
    for number in range(count):
        make_service(
            f"Usługa Jaskier {number}",
            categories=["therapy", "club"],
            groups=["seniors"],
            access=["step-free"],
            free_of_charge=True,
        )


@pytest.mark.parametrize("count", [2, 30])
def test_it_reads_a_page_of_results_in_a_fixed_number_of_queries(client, count, django_assert_max_num_queries):
    _services_with_everything(count)

    # Two of them size the gmina's services and the word's, to start from the smaller.
    with django_assert_max_num_queries(10):
        response = client.get(SEARCH, {"q": "jaskier", "gmina": MIRZEC, "category": "therapy", "page": "1"})

    assert len(names(response)) == min(count, forms.PAGE_SIZE)


# --- gmina by name, where there are too many gminas for a list ------------------------------


@pytest.fixture
def gmina_as_text(monkeypatch):
    monkeypatch.setattr(forms, "GMINA_SELECT_LIMIT", 3)


def test_it_asks_for_the_gmina_by_name_or_code_when_there_are_too_many_to_list(client, gmina_as_text):
    make_service("Opieka Jaskier", categories=["care-services"], gmina=MIRZEC)

    by_name = client.get(SEARCH, {"q": "jaskier", "gmina": "mirzec"})
    by_code = client.get(SEARCH, {"q": "jaskier", "gmina": MIRZEC})
    elsewhere = client.get(SEARCH, {"q": "jaskier", "gmina": "Oksa"})

    assert '<input type="text" name="gmina"' in by_name.content.decode()
    assert names(by_name) == names(by_code) == ["Opieka Jaskier"]
    assert names(elsewhere) == []
    # The links to other pages carry the code, whatever was typed.
    assert by_name.context["query"] == f"q=jaskier&gmina={MIRZEC}"


def test_it_folds_diacritics_in_a_typed_gmina_name(client, gmina_as_text):
    assert client.get(SEARCH, {"gmina": "lopuszno"}).context["gmina"].code == "2604083"


def test_it_explains_an_unknown_or_ambiguous_typed_gmina(client, gmina_as_text):
    county = County.objects.get(code="2602")
    Municipality.objects.create(code="2602999", name="Mirzec", kind="2", county=county)

    unknown = client.get(SEARCH, {"gmina": "Atlantyda"})
    ambiguous = client.get(SEARCH, {"gmina": "Mirzec"})
    unknown_code = client.get(SEARCH, {"gmina": "9999999"})

    assert unknown.status_code == ambiguous.status_code == unknown_code.status_code == 400
    assert "Atlantyda" in unknown.content.decode()
    assert "2602999" in ambiguous.content.decode() and MIRZEC in ambiguous.content.decode()
    assert "9999999" in unknown_code.content.decode()


# --- informator link, weight ----------------------------------------------------------------


def test_it_links_the_gminas_informator_once_a_gmina_is_chosen(client):
    link = reverse("directory:informator", kwargs={"teryt": MIRZEC})

    assert link not in client.get(SEARCH).content.decode()
    assert f'href="{link}"' in client.get(SEARCH, {"gmina": MIRZEC}).content.decode()


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in {"script", "img"} and found.get("src"):
            self.urls.append(str(found["src"]))
        if tag == "link" and found.get("href"):
            self.urls.append(str(found["href"]))


def page_weight(response) -> dict[str, int]:
    """The page's HTML and every file it loads (CSS, JS, icon), in bytes."""
    parser = _Assets()
    parser.feed(response.content.decode())
    sizes = {"page": len(response.content)}
    for url in parser.urls:
        assert url.startswith(settings.STATIC_URL), f"{url} is not a static file of ours"
        found = finders.find(url.removeprefix(settings.STATIC_URL))
        assert found, url
        sizes[url] = Path(str(found)).stat().st_size
    return sizes


def test_it_keeps_a_full_page_of_results_with_its_css_and_js_under_50_kb(client):
    for number in range(forms.PAGE_SIZE + 1):
        make_service(
            f"Specjalistyczne poradnictwo psychologiczne i rodzinne Jaskier dla mieszkańców, punkt {number}",
            categories=["psychological-counselling", "family-counselling", "crisis-intervention"],
            free_of_charge=True,
            free_places=2,
            waiting_list=4,
            referral_required=True,
        )

    response = client.get(SEARCH, {"q": "jaskier", "gmina": MIRZEC})

    assert len(names(response)) == forms.PAGE_SIZE
    sizes = page_weight(response)
    assert sum(sizes.values()) <= 50 * 1024, sizes


@pytest.mark.parametrize(("value", "only_free"), [("1", True), ("true", True), ("on", True), ("0", False), ("", False)])
def test_it_reads_the_free_box_as_ticked_only_for_a_ticked_value(client, value, only_free):
    make_service("Usługa Jaskier bezpłatna", free_of_charge=True)
    make_service("Usługa Jaskier płatna", free_of_charge=False)

    response = client.get(SEARCH, {"q": "jaskier", "free": value})

    assert response.status_code == 200
    expected = ["Usługa Jaskier bezpłatna"] if only_free else ["Usługa Jaskier bezpłatna", "Usługa Jaskier płatna"]
    assert sorted(names(response)) == expected


# --- retired terms ---------------------------------------------------------------------------


def _retire(*codes: str) -> None:
    from kooperacja.directory.models import TaxonomyTerm

    TaxonomyTerm.objects.filter(code__in=codes).update(is_active=False)


def _options(response, name: str) -> set[str]:
    select = response.content.decode().split(f'name="{name}"')[1].split("</select>")[0]
    return set(re.findall(r'<option value="([^"]*)"', select))


def test_it_offers_no_retired_term_in_the_filters(client):
    _retire("mediation", "seniors", "sign-language")

    response = client.get(SEARCH)

    assert "mediation" not in _options(response, "category")
    assert "therapy" in _options(response, "category")
    assert "seniors" not in _options(response, "group")
    assert "sign-language" not in _options(response, "access")


def test_it_still_follows_a_link_that_names_a_retired_term(client):
    make_service("Usługa Jaskier", categories=["mediation"])
    _retire("mediation")

    response = client.get(SEARCH, {"q": "jaskier", "category": "mediation"})

    assert response.status_code == 200
    assert names(response) == ["Usługa Jaskier"]
    # The chosen term is on the list, marked, so the form shows what the search is.
    assert "mediation" in _options(response, "category")
    assert polish("%(name)s (term withdrawn)", name="Mediacja") in response.content.decode()


def test_it_gathers_a_categorys_subtree_even_when_an_import_left_a_cycle(db):
    """Walking down from a term caught in a cycle ends, with each term once."""
    from kooperacja.directory.models import CATEGORIES, TaxonomyTerm

    counselling = TaxonomyTerm.objects.categories().get(code="counselling")
    therapy = TaxonomyTerm.objects.categories().get(code="therapy")
    TaxonomyTerm.objects.filter(pk=counselling.pk).update(parent=therapy)
    TaxonomyTerm.objects.filter(pk=therapy.pk).update(parent=counselling)
    choices = forms.FilterChoices.load(gmina_list=False)

    term = choices.term(CATEGORIES, "counselling")
    assert term is not None
    found = choices.subtree(term)

    assert sorted(term.code for term in found) == ["counselling", "therapy"]
