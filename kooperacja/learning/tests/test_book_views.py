"""The pages of the Księga Rekomendacji: /learning/book/ (every signed-in user: the published
versions and their PDFs), publishing a version and previewing it (administrators and the
regional analysts of the programme's leader)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.urls import reverse

from kooperacja.learning import book
from kooperacja.learning.models import RecommendationBook, RecommendationStatus
from kooperacja.learning.tests.book_factories import make_programme, make_recommendation, make_stored_book
from tests.personas import ADMIN, GOPS_MIRZEC, ROPS_KIELCE, ROPS_RZESZOW

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 a rendered book"
BOOKS = reverse("learning:books")


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No real PDF is rendered here (WeasyPrint takes seconds; test_book_content reads them)."""
    monkeypatch.setattr(book, "render_book", lambda content: FAKE_PDF)
    yield


@pytest.fixture(autouse=True)
def in_english(client) -> None:
    """Pages are checked by their English msgids (the Polish comes with the merged catalogue)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def publish_url(programme) -> str:
    return reverse("learning:book_publish", args=[programme.public_id])


def preview_url(programme) -> str:
    return reverse("learning:book_preview", args=[programme.public_id])


def download_url(version: RecommendationBook) -> str:
    return reverse("learning:book_download", args=[version.public_id])


# --- The versions page and downloads ---------------------------------------------------------


def test_it_shows_every_signed_in_user_the_published_versions(client, login_as, persona):
    programme = make_programme()
    make_stored_book(programme, persona(ROPS_RZESZOW), number=1)
    make_stored_book(programme, persona(ADMIN), number=2)
    login_as(GOPS_MIRZEC)

    response = client.get(BOOKS)

    assert response.status_code == 200
    page = response.content.decode()
    assert programme.name in page
    section = page.index(programme.name)  # the demo's own book is listed too
    assert page.index("Version 2", section) < page.index("Version 1", section)  # newest first
    assert "Regionalny Ośrodek Polityki Społecznej w Rzeszowie" in page  # who published version 1
    assert "platform administrator" in page  # who published version 2
    assert "Pierwsza wersja." in page
    assert publish_url(programme) not in page


def test_it_offers_publishing_and_the_preview_only_to_the_leaders_analysts(client, login_as):
    programme = make_programme()

    login_as(ROPS_RZESZOW)
    page = client.get(BOOKS).content.decode()
    assert publish_url(programme) in page and preview_url(programme) in page
    assert "No version of the book has been published for this programme yet." in page

    login_as(ROPS_KIELCE)
    assert publish_url(programme) not in client.get(BOOKS).content.decode()


def test_it_downloads_a_version_exactly_as_it_was_published(client, login_as):
    version = make_stored_book(make_programme(), number=4, content=b"%PDF-1.7 version four")
    login_as(GOPS_MIRZEC)

    response = client.get(download_url(version))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="ksiega-rekomendacji-v4.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7 version four"


def test_it_answers_404_for_an_unknown_version_and_405_for_a_post(client, login_as):
    version = make_stored_book(make_programme())
    login_as(GOPS_MIRZEC)

    assert client.get(reverse("learning:book_download", args=[uuid.uuid4()])).status_code == 404
    assert client.post(download_url(version)).status_code == 405
    assert client.post(BOOKS).status_code == 405


def test_it_sends_anonymous_users_to_sign_in(client):
    response = client.get(BOOKS)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("versions", [1, 12])
def test_it_lists_versions_in_the_same_few_queries(client, login_as, persona, versions, django_assert_max_num_queries):
    for _index in range(2):
        programme = make_programme()
        for number in range(1, versions + 1):
            make_stored_book(programme, persona(ROPS_RZESZOW), number=number)
    login_as(ROPS_RZESZOW)

    with django_assert_max_num_queries(10):
        response = client.get(BOOKS)

    assert response.status_code == 200


# --- Publishing --------------------------------------------------------------------------------


def test_it_publishes_the_next_version_and_opens_the_list_at_it(client, login_as):
    programme = make_programme()
    make_recommendation(programme)
    make_recommendation(programme, "Odrzucona", status=RecommendationStatus.REJECTED)
    make_stored_book(programme, number=1)
    login_as(ROPS_RZESZOW)

    form = client.get(publish_url(programme))
    assert form.status_code == 200
    assert "version 2" in form.content.decode()

    response = client.post(publish_url(programme), {"note": "Dodano rekomendacje z Kielc."}, follow=True)

    published = RecommendationBook.objects.get(programme=programme, number=2)
    assert response.redirect_chain[-1][0] == f"{BOOKS}#book-{published.public_id}"
    assert "Version 2 of the Księga Rekomendacji was published." in response.content.decode()
    assert published.note == "Dodano rekomendacje z Kielc."
    assert published.published_by.username == ROPS_RZESZOW


def test_it_lets_an_administrator_publish(client, login_as):
    programme = make_programme()
    make_recommendation(programme)
    login_as(ADMIN)

    response = client.post(publish_url(programme), {"note": "Pierwsza wersja."})

    assert response.status_code == 302
    assert RecommendationBook.objects.filter(programme=programme, number=1).exists()


def test_it_refuses_an_empty_note_and_publishes_nothing(client, login_as):
    programme = make_programme()
    make_recommendation(programme)
    login_as(ROPS_RZESZOW)

    response = client.post(publish_url(programme), {"note": "  "})

    assert response.status_code == 400
    assert "Nothing was published: correct the form." in response.content.decode()
    assert not RecommendationBook.objects.filter(programme=programme).exists()


def test_it_refuses_a_book_without_accepted_recommendations(client, login_as):
    programme = make_programme()
    make_recommendation(programme, status=RecommendationStatus.PROPOSED)
    login_as(ROPS_RZESZOW)

    response = client.post(publish_url(programme), {"note": "Pierwsza wersja."})

    assert response.status_code == 400
    assert "There is no accepted recommendation to publish yet" in response.content.decode()
    assert not RecommendationBook.objects.filter(programme=programme).exists()


@pytest.mark.parametrize("username", [ROPS_KIELCE, GOPS_MIRZEC])
def test_it_forbids_others_to_publish_or_preview(client, login_as, username):
    programme = make_programme()
    make_recommendation(programme)
    login_as(username)

    assert client.get(publish_url(programme)).status_code == 403
    assert client.post(publish_url(programme), {"note": "Pierwsza wersja."}).status_code == 403
    assert client.get(preview_url(programme)).status_code == 403
    assert not RecommendationBook.objects.filter(programme=programme).exists()


def test_it_answers_404_for_an_unknown_programme_and_405_for_a_wrong_method(client, login_as):
    programme = make_programme()
    login_as(ROPS_RZESZOW)

    unknown = uuid.uuid4()
    assert client.get(reverse("learning:book_publish", args=[unknown])).status_code == 404
    assert client.get(reverse("learning:book_preview", args=[unknown])).status_code == 404
    assert client.delete(publish_url(programme)).status_code == 405
    assert client.post(preview_url(programme)).status_code == 405


# --- The preview -------------------------------------------------------------------------------


def test_it_previews_the_book_from_the_current_data_without_storing_it(client, login_as):
    programme = make_programme()
    make_recommendation(programme, status=RecommendationStatus.PROPOSED)
    login_as(ROPS_RZESZOW)

    response = client.get(preview_url(programme))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == FAKE_PDF
    assert not RecommendationBook.objects.filter(programme=programme).exists()
