"""Publishing a version of the Księga Rekomendacji (learning.book.publish): numbers 1, 2, 3…
per programme without gaps, the PDF stored with its SHA-256, refusals that store nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kooperacja.core.models import AuditEvent
from kooperacja.learning import book
from kooperacja.learning.models import RecommendationBook, RecommendationStatus
from kooperacja.learning.tests.book_factories import make_programme, make_recommendation, make_stored_book
from tests.personas import ROPS_RZESZOW

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 a rendered book"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Refusals are checked by their English msgids (the Polish comes with the merged catalogue)."""
    with translation.override("en"):
        yield


@pytest.fixture
def quick_pdf(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[book.BookContent]]:
    """Renders no real PDF (WeasyPrint takes seconds); collects what would have been printed."""
    printed: list[book.BookContent] = []

    def render(content: book.BookContent) -> bytes:
        printed.append(content)
        return FAKE_PDF

    monkeypatch.setattr(book, "render_book", render)
    yield printed


def test_it_publishes_version_1_and_then_2_with_the_stored_pdf_and_its_sha256(persona, quick_pdf):
    programme = make_programme()
    make_recommendation(programme)
    publisher = persona(ROPS_RZESZOW)

    first = book.publish(publisher, programme, "Pierwsza wersja.", publisher_institution="ROPS Rzeszów")
    second = book.publish(publisher, programme, "  Dodano rekomendacje z Kielc.  ")

    assert (first.number, second.number) == (1, 2)
    assert second.note == "Dodano rekomendacje z Kielc."
    assert [content.number for content in quick_pdf] == [1, 2]
    assert second.recommendation_count == 1
    assert second.size == len(FAKE_PDF)
    assert second.sha256 == hashlib.sha256(FAKE_PDF).hexdigest()
    with second.file.open("rb") as stored:
        assert stored.read() == FAKE_PDF
    event = AuditEvent.objects.filter(object_id=str(first.public_id)).get()
    assert event.details["institution"] == "ROPS Rzeszów"


def test_it_numbers_each_programmes_versions_on_their_own(persona, quick_pdf):
    one, other = make_programme(), make_programme()
    make_recommendation(one)
    make_recommendation(other)
    make_stored_book(one, number=1)
    make_stored_book(one, number=2)

    assert book.publish(None, other, "Pierwsza.").number == 1
    assert book.publish(None, one, "Trzecia.").number == 3


def test_it_takes_the_next_number_when_another_publisher_took_it_at_the_same_moment(monkeypatch, quick_pdf):
    programme = make_programme()
    make_recommendation(programme)
    taken = make_stored_book(programme, number=1)
    answers = iter([1])  # the first attempt still sees no version (as a racing publisher would)
    real_next = book._next_number
    monkeypatch.setattr(book, "_next_number", lambda prog: next(answers, None) or real_next(prog))

    published = book.publish(None, programme, "Równoległa publikacja.")

    assert published.number == 2
    # The version rendered as number 1 is laid out again as number 2: the printed number is right.
    assert [content.number for content in quick_pdf] == [1, 2]
    assert list(RecommendationBook.objects.filter(programme=programme).values_list("number", flat=True)) == [2, 1]
    assert taken.file.storage.exists(str(published.file.name))


def test_it_refuses_an_empty_or_too_long_note_and_stores_nothing(quick_pdf):
    programme = make_programme()
    make_recommendation(programme)

    for note in ("   ", "x" * (book.NOTE_MAX_LENGTH + 1)):
        with pytest.raises(ValidationError) as refusal:
            book.publish(None, programme, note)
        assert "note" in refusal.value.message_dict

    assert not RecommendationBook.objects.filter(programme=programme).exists()
    assert quick_pdf == []


def test_it_refuses_a_book_without_an_accepted_recommendation(quick_pdf):
    programme = make_programme()
    make_recommendation(programme, status=RecommendationStatus.PROPOSED)
    make_recommendation(programme, status=RecommendationStatus.REJECTED)

    with pytest.raises(ValidationError, match="no accepted recommendation"):
        book.publish(None, programme, "Pierwsza wersja.")

    assert not RecommendationBook.objects.filter(programme=programme).exists()


def test_it_stores_no_file_when_the_version_cannot_be_saved(monkeypatch, quick_pdf):
    programme = make_programme()
    make_recommendation(programme)
    monkeypatch.setattr(book, "PUBLISH_ATTEMPTS", 1)
    monkeypatch.setattr(book, "_next_number", lambda prog: 1)
    make_stored_book(programme, number=1)
    storage = RecommendationBook._meta.get_field("file").storage
    before = set(storage.listdir("learning/recommendationbook")[1])

    with pytest.raises(ValidationError, match="same moment"):
        book.publish(None, programme, "Druga wersja.")

    assert set(storage.listdir("learning/recommendationbook")[1]) == before
