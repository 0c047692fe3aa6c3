"""Good practices as users meet them: the public list with Polish search and filters, drafts
seen only by those who may write them, writing a practice with new and existing tags, bad
input refused with nothing saved, concurrent edits, and publishing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kooperacja.learning import practices as service
from kooperacja.learning.models import GoodPractice, PracticeTag
from kooperacja.learning.tests.practice_factories import make_practice, practice_data
from kooperacja.territory.models import Municipality

pytestmark = pytest.mark.django_db

LIST = reverse("learning:practices")
CREATE = reverse("learning:practice_create")
OKSA = "2602052"


def _text(response) -> str:
    return response.content.decode()


def _in_english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _url(name: str, practice: GoodPractice) -> str:
    return reverse(f"learning:{name}", args=[practice.public_id])


def _gmina(code: str) -> Municipality:
    return Municipality.objects.select_related("county").get(code=code)


# --- The list and search ------------------------------------------------------------------------


def test_anonymous_visitors_read_published_practices_as_cards(client):
    tag = PracticeTag.objects.create(slug="seniorzy-test", name="seniorzy test")
    practice = make_practice(title="Klub seniora w Mircu", summary="Spotkania co tydzień.", tags=[tag])
    make_practice(title="Szkic bez publikacji", published=False)
    page = _text(client.get(LIST))
    assert "Klub seniora w Mircu" in page and "Spotkania co tydzień." in page
    assert "seniorzy test" in page and "Mirzec" in page and str(practice.year) in page
    assert "Szkic bez publikacji" not in page


def test_it_finds_a_practice_by_an_inflected_word(client):
    make_practice(title="Poradnia rodzinna na miejscu")
    make_practice(title="Klub seniora")
    page = _text(client.get(LIST, {"q": "poradni"}))
    assert "Poradnia rodzinna" in page and "Klub seniora" not in page
    assert "Poradnia rodzinna" in _text(client.get(LIST, {"q": "poradnię"}))


def test_it_folds_polish_letters_in_the_search(client):
    make_practice(title="Współpraca ze szkołą", municipality=_gmina(OKSA))
    assert "Współpraca ze szkołą" in _text(client.get(LIST, {"q": "wspolpraca szkola"}))
    assert "Współpraca ze szkołą" in _text(client.get(LIST, {"q": "Oksa"}))


def test_it_filters_by_gmina_code_tag_and_year(client):
    tag = PracticeTag.objects.create(slug="wolontariat-t", name="wolontariat t")
    year = timezone.localdate().year
    make_practice(title="Praktyka Oksy", municipality=_gmina(OKSA), tags=[tag], year=year - 1)
    make_practice(title="Praktyka Mirca")
    page = _text(client.get(LIST, {"gmina": OKSA}))
    assert "Praktyka Oksy" in page and "Praktyka Mirca" not in page
    page = _text(client.get(LIST, {"tag": "wolontariat-t"}))
    assert "Praktyka Oksy" in page and "Praktyka Mirca" not in page
    page = _text(client.get(LIST, {"year": str(year - 1)}))
    assert "Praktyka Oksy" in page and "Praktyka Mirca" not in page


def test_a_bad_gmina_code_is_named_and_left_out(client):
    make_practice(title="Praktyka Mirca")
    _in_english(client)
    response = client.get(LIST, {"gmina": "12ab"})
    assert response.status_code == 400
    assert "Type the gmina&#x27;s TERYT code: 7 digits." in _text(response)
    assert "Praktyka Mirca" in _text(response)
    assert "No gmina has the code 9999999." in _text(client.get(LIST, {"gmina": "9999999"}))


def test_writers_see_their_gminas_drafts_in_the_list(client, login_as):
    make_practice(title="Szkic Mirca", published=False)
    login_as("gops.mirzec")
    assert "Szkic Mirca" in _text(client.get(LIST))
    login_as("gops.oksa")
    assert "Szkic Mirca" not in _text(client.get(LIST))


def test_the_list_asks_the_same_queries_for_few_or_many_practices(client, django_assert_max_num_queries):
    tag = PracticeTag.objects.create(slug="q-tag", name="q tag")
    make_practice(tags=[tag])
    client.get(LIST)
    with django_assert_max_num_queries(9):
        assert client.get(LIST).status_code == 200
    for index in range(15):
        make_practice(title=f"Praktyka {index}", tags=[tag], municipality=_gmina(OKSA if index % 2 else "2611032"))
    with django_assert_max_num_queries(9):
        assert client.get(LIST).status_code == 200


def test_the_public_list_stays_light(client):
    for index in range(20):
        make_practice(title=f"Praktyka numer {index}", summary="Zdanie " * 60)
    assert len(client.get(LIST).content) < 50_000


# --- One practice -------------------------------------------------------------------------------


def test_the_detail_page_shows_the_whole_practice(client):
    practice = make_practice(title="Dyżury PUP w GOPS", description="Raz w miesiącu.", results="Lepsze plany.")
    page = _text(client.get(_url("practice", practice)))
    assert "Dyżury PUP w GOPS" in page and "Raz w miesiącu." in page and "Lepsze plany." in page
    assert _url("practice_edit", practice) not in page


def test_a_draft_is_not_found_by_those_who_may_not_write_it(client, login_as):
    draft = make_practice(published=False)
    assert client.get(_url("practice", draft)).status_code == 404
    login_as("gops.oksa")
    assert client.get(_url("practice", draft)).status_code == 404
    login_as("pcpr.starachowice")
    assert client.get(_url("practice", draft)).status_code == 200


# --- Writing ------------------------------------------------------------------------------------


def _post(**changes):
    data = {
        "municipality": "2611032",
        "title": "Nowa praktyka",
        "summary": "W jednym zdaniu.",
        "description": "Co zrobiono.",
        "results": "",
        "year": str(timezone.localdate().year),
        "new_tags": "",
    }
    return data | changes


def test_a_social_worker_writes_a_draft_with_new_and_existing_tags(client, login_as):
    PracticeTag.objects.get_or_create(slug="seniorzy", defaults={"name": "seniorzy"})  # the demo may hold it
    user = login_as("gops.mirzec")
    response = client.post(CREATE, _post(tags=["seniorzy"], new_tags="Współpraca ze szkołą, wolontariat, seniorzy"))
    practice = GoodPractice.objects.get(title="Nowa praktyka")
    assert response.status_code == 302
    assert not practice.is_published
    assert practice.created_by == user
    assert practice.institution is not None and practice.institution.short_name == "GOPS Mirzec"
    assert sorted(practice.tags.values_list("slug", flat=True)) == ["seniorzy", "wolontariat", "wspolpraca-ze-szkola"]
    assert " wspolpraca" in practice.search_text


def test_a_writer_may_not_choose_a_gmina_outside_their_scope(client, login_as):
    login_as("gops.mirzec")
    _in_english(client)
    response = client.post(CREATE, _post(municipality=OKSA))
    assert response.status_code == 400
    assert "Select a valid choice" in _text(response)
    assert not GoodPractice.objects.filter(title="Nowa praktyka").exists()


def test_a_year_in_the_future_is_refused(client, login_as):
    login_as("gops.mirzec")
    _in_english(client)
    response = client.post(CREATE, _post(year=str(timezone.localdate().year + 1)))
    assert response.status_code == 400
    assert "The year must be between 2000 and" in _text(response)
    assert not GoodPractice.objects.filter(title="Nowa praktyka").exists()


def test_a_tag_without_letters_is_refused(client, login_as):
    login_as("gops.mirzec")
    _in_english(client)
    response = client.post(CREATE, _post(new_tags="dobry, ---"))
    assert response.status_code == 400
    assert "A tag must contain letters or digits" in _text(response)
    assert not PracticeTag.objects.filter(slug="dobry").exists()


def test_a_family_assistant_may_not_write_practices(client, login_as):
    login_as("asystent.mirzec")
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _post()).status_code == 403


def test_an_animator_of_the_powiat_and_the_regional_analyst_may_write_for_the_gmina(client, login_as):
    for who in ("pcpr.starachowice", "rops.kielce"):
        login_as(who)
        assert client.post(CREATE, _post(title=f"Od {who}")).status_code == 302
    assert GoodPractice.objects.filter(title__startswith="Od ").count() == 2


# --- Editing and concurrent edits -------------------------------------------------------------


def test_an_edit_saved_on_an_older_version_is_refused_with_the_conflict_box(client, login_as):
    practice = make_practice(published=False)
    login_as("gops.mirzec")
    opened = practice.version
    service.update_practice(None, practice, opened, practice_data(title="Zmienione przez kogoś"))
    _in_english(client)
    response = client.post(_url("practice_edit", practice), _post(title="Moja wersja", version=str(opened)))
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing it" in _text(response)
    assert "Zmienione przez kogoś" in _text(response)
    practice.refresh_from_db()
    assert practice.title == "Zmienione przez kogoś"
    again = client.post(_url("practice_edit", practice), _post(title="Moja wersja", version=str(practice.version)))
    assert again.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Moja wersja"


def test_a_reader_of_a_published_practice_may_not_edit_it(client, login_as):
    practice = make_practice()
    login_as("gops.oksa")
    assert client.get(_url("practice_edit", practice)).status_code == 403


def test_editing_keeps_the_search_text_current(client, login_as):
    practice = make_practice(title="Stary tytuł")
    login_as("gops.mirzec")
    client.post(_url("practice_edit", practice), _post(title="Centrum wolontariatu", version=str(practice.version)))
    assert "Centrum wolontariatu" in _text(client.get(LIST, {"q": "wolontariat"}))
    assert "Centrum wolontariatu" not in _text(client.get(LIST, {"q": "stary"}))


# --- Publishing ---------------------------------------------------------------------------------


def test_the_manager_publishes_and_takes_back_a_practice(client, login_as):
    draft = make_practice(published=False, title="Do publikacji")
    login_as("lider.mirzec")
    response = client.post(_url("practice_publish", draft), {"publish": "1", "version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    client.post(_url("practice_publish", draft), {"publish": "0", "version": draft.version})
    draft.refresh_from_db()
    assert not draft.is_published


def test_a_social_worker_may_write_but_not_publish(client, login_as):
    draft = make_practice(published=False)
    login_as("gops.mirzec")
    assert client.post(_url("practice_publish", draft), {"publish": "1", "version": draft.version}).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_published


def test_publishing_an_older_version_changes_nothing(client, login_as):
    draft = make_practice(published=False)
    login_as("rops.kielce")
    response = client.post(_url("practice_publish", draft), {"publish": "1", "version": draft.version - 1})
    assert response.status_code == 409
    draft.refresh_from_db()
    assert not draft.is_published


def test_an_incomplete_publish_form_changes_nothing(client, login_as):
    draft = make_practice(published=False)
    login_as("admin")
    assert client.post(_url("practice_publish", draft), {"publish": "yes"}).status_code == 400
    draft.refresh_from_db()
    assert not draft.is_published
