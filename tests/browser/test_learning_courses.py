"""E-learning in a real browser, as a learner: from the course list into a course, a lesson read,
a quiz sent with an answer missing (refused, nothing saved), then answered and passed, and the
certificate on the course page — at desktop and at 360 px, every page checked with axe."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kooperacja.learning import courses as service
from kooperacja.learning.models import Certificate, QuizAttempt
from kooperacja.learning.tests.course_factories import author, make_course, make_lesson, png_upload, user
from tests.personas import GOPS_OKSA

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)


def polish(msgid: str, context: str | None = None) -> str:
    with translation.override("pl"):
        return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _click(page: Page, role: str, name: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role(role, name=name, exact=True).first.click()  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


@BOTH_VIEWPORTS
def test_a_learner_reads_a_lesson_passes_the_quiz_and_gets_the_certificate(sign_in, visit, screenshot, viewport):
    course = make_course(title="Kurs przeglądarkowy", lessons=1)
    reading = course.lessons.get()
    service.add_attachment(
        author(), reading, kind="image", title="Schemat", alt_text="Trzy prostokąty", upload=png_upload()
    )
    quiz = make_lesson(course, "Lekcja z quizem", questions=2)
    service.set_published(author(), course, True)
    sign_in(GOPS_OKSA)
    page = visit("/learning/courses/")
    _click(page, "link", "Kurs przeglądarkowy")
    assert _overflow(page) <= 0
    _click(page, "link", polish("Start the course"))
    expect(page.locator("main img")).to_have_attribute("alt", "Trzy prostokąty")
    screenshot(f"learning-lesson-{viewport}")
    _click(page, "button", polish("Mark as read"))

    page = visit(f"/learning/courses/lessons/{quiz.public_id}/")
    page.locator("main").get_by_label("Dobra odpowiedź 1").check()
    _click(page, "button", polish("Send the answers"))
    expect(page.locator(".error-summary")).to_be_visible()
    assert not QuizAttempt.objects.filter(user=user(GOPS_OKSA)).exists()
    screenshot(f"learning-quiz-missing-{viewport}")

    page.locator("main").get_by_label("Dobra odpowiedź 1").check()
    page.locator("main").get_by_label("Dobra odpowiedź 2").check()
    _click(page, "button", polish("Send the answers"))
    expect(page.locator("#result")).to_contain_text("100%")
    assert _overflow(page) <= 0
    screenshot(f"learning-quiz-result-{viewport}")

    _click(page, "link", polish("All lessons of the course"))
    expect(page.locator("#certificate")).to_be_visible()
    assert Certificate.objects.filter(user=user(GOPS_OKSA), course=course).exists()
