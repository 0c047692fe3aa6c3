"""The Księga Rekomendacji's content and its PDF: sections for the three variants of the
model, the table of contents with page numbers, the appendices with the rejected proposals,
the remarks behind each recommendation and the consultations.

The PDF's text is read from the laid-out pages (as the Informator's tests do); the book is
printed in Polish, so the expected words are asked of the Polish catalogue."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from kooperacja.learning import book
from kooperacja.learning.models import RecommendationKind, RecommendationStatus
from kooperacja.learning.tests.book_factories import (
    make_book_data,
    make_consultation,
    make_programme,
    make_recommendation,
    make_remark,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 28)


def pl(text: str, context: str | None = None) -> str:
    with translation.override("pl"):
        return translation.pgettext(context, text) if context else translation.gettext(text)


def _words(box: object, words: list[str]) -> list[str]:
    text = getattr(box, "text", None)
    if isinstance(text, str):
        words.append(text)
    for child in getattr(box, "children", []) or []:
        _words(child, words)
    return words


def pages_text(content: book.BookContent) -> list[str]:
    """The text of each laid-out page (its running header and page number last)."""
    document = book.book_document(content)
    return [" ".join(" ".join(_words(page._page_box, [])).split()) for page in document.pages]


def test_it_prints_the_title_page_contents_sections_and_appendices_with_page_numbers():
    programme = make_programme()
    make_book_data(programme, 6)

    pages = pages_text(book.build_content(programme, number=3, day=DAY))

    cover, contents = pages[0], pages[1]
    assert pl("Księga Rekomendacji") in cover
    assert programme.name in cover
    assert "28.11.2026" in cover
    assert "Regionalny Ośrodek Polityki Społecznej w Rzeszowie" in cover  # a region that contributed
    titles = [
        pl("Introduction"),
        pl("Model for rural gminas"),
        pl("Model for urban-rural gminas"),
        pl("Model for cities"),
        pl("Appendix A. Rejected proposals"),
        pl("Appendix B. The remarks behind each recommendation"),
        pl("Appendix C. Consultations and their participants"),
    ]
    for title in titles:
        # Each entry of the contents ends with the page its chapter starts on.
        found = re.search(re.escape(title) + r"[ .]*?(\d+)(?: |$)", contents)
        assert found, f"{title!r} is not in the contents: {contents}"
        page = int(found[1])
        assert pages[page - 1].startswith(title), f"{title!r} does not start page {page}"


def test_it_lists_each_recommendation_in_the_sections_of_its_variants_only():
    programme = make_programme()
    make_recommendation(programme, "Rekomendacja dla wsi i miast", for_rural=True, for_city=True)
    make_recommendation(
        programme,
        "Rekomendacja miejsko-wiejska",
        for_rural=False,
        for_urban_rural=True,
        kind=RecommendationKind.TRAINING,
    )

    content = book.build_content(programme, number=1, day=DAY)

    rural, urban_rural, city = ([e.recommendation.title for g in s.groups for e in g.entries] for s in content.sections)
    assert rural == ["Rekomendacja dla wsi i miast"]
    assert urban_rural == ["Rekomendacja miejsko-wiejska"]
    assert city == ["Rekomendacja dla wsi i miast"]
    training = str(book.KIND_HEADINGS[RecommendationKind.TRAINING])
    assert [group.label for group in content.sections[1].groups] == [training]


def test_it_prints_only_decided_recommendations_and_codes_that_keep_their_place():
    programme = make_programme()
    make_recommendation(programme, "Pierwsza", status=RecommendationStatus.PROPOSED)
    make_recommendation(programme, "Druga", status=RecommendationStatus.ACCEPTED)
    make_recommendation(programme, "Trzecia", status=RecommendationStatus.REJECTED, reason="Wykracza poza model.")

    content = book.build_content(programme, number=1, day=DAY)

    assert [(e.code, e.recommendation.title) for e in content.evidence] == [("R-02", "Druga"), ("R-03", "Trzecia")]
    assert [e.recommendation.title for e in content.rejected] == ["Trzecia"]
    assert content.adopted_count == 1
    assert content.proposed_count == 1
    assert content.count_totals[-1] == 3


def test_it_says_plainly_when_a_section_has_no_recommendation_and_prints_the_evidence():
    programme = make_programme()
    consultation = make_consultation(programme, title="Konsultacja w Kielcach", place="Kielce")
    remark = make_remark(consultation, "Gminy miejskie potrzebują innego lidera kooperacji.", raised_by="GOPS Oksa")
    make_recommendation(programme, "Lider kooperacji w gminie", remarks=(remark,), for_rural=True)

    text = " ".join(pages_text(book.build_content(programme, number=1, day=DAY)))

    assert text.count(pl("No recommendation for this variant of the model has been accepted yet.")) == 2
    assert "Gminy miejskie potrzebują innego lidera kooperacji." in text
    assert "Konsultacja w Kielcach, 25.01.2019, Kielce" in text
    assert "pracownicy GOPS-ów" in text  # a participant, in Appendix C
    assert pl("No proposal has been rejected.") in text


def test_it_reads_the_book_in_the_same_few_queries_however_many_recommendations(django_assert_max_num_queries):
    small, large = make_programme(), make_programme()
    make_book_data(small, 2)
    make_book_data(large, 20)

    for programme in (small, large):
        with django_assert_max_num_queries(5):
            content = book.build_content(programme, number=1, day=DAY)
            [entry.recommendation.region.name for entry in content.evidence]
            [row.consultation.organiser.name for row in content.consultations]
    assert len(content.evidence) == 16
