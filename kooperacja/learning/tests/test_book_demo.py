"""The demo of the Księga Rekomendacji (learning.demo_book): version 1 of „Liderzy kooperacji”
by rops.rzeszow when there are accepted recommendations, nothing otherwise, nothing twice."""

from __future__ import annotations

import pytest

from kooperacja.community.demo_programme import PROGRAMME_ID
from kooperacja.community.models import Programme
from kooperacja.learning import book, demo_book
from kooperacja.learning.models import Recommendation, RecommendationBook, RecommendationStatus
from kooperacja.learning.tests.book_factories import make_consultation, make_recommendation, make_remark

pytestmark = pytest.mark.django_db


@pytest.fixture
def quick_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(book, "render_book", lambda content: b"%PDF-1.7 demo")


def test_it_publishes_version_1_once_when_there_are_accepted_recommendations(quick_pdf):
    # load_demo may run this module already (the lead wires it): start without a version.
    programme = Programme.objects.get(public_id=PROGRAMME_ID)
    RecommendationBook.objects.filter(programme=programme).delete()
    remark = make_remark(make_consultation(programme))
    make_recommendation(programme, remarks=(remark,))

    demo_book.load(print)
    demo_book.load(print)

    versions = RecommendationBook.objects.filter(programme=programme)
    assert [(version.number, version.published_by.username) for version in versions] == [(1, "rops.rzeszow")]


def test_it_does_nothing_without_an_accepted_recommendation(quick_pdf):
    programme = Programme.objects.get(public_id=PROGRAMME_ID)
    RecommendationBook.objects.filter(programme=programme).delete()
    Recommendation.objects.filter(programme=programme).update(status=RecommendationStatus.PROPOSED)
    make_recommendation(programme, status=RecommendationStatus.PROPOSED)

    demo_book.load(print)

    assert not RecommendationBook.objects.filter(programme=programme).exists()
