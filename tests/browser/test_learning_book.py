"""The Księga Rekomendacji in a real browser, at desktop and at 360 px: the leader's analyst
opens the versions page, is told what a version needs, publishes one and finds it in the list
with its PDF; a social worker reads the list. Every page is checked with axe. The PDF itself is
not rendered here (WeasyPrint takes seconds; test_book_content reads real ones)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kooperacja.learning import book
from kooperacja.learning.tests.book_factories import make_programme, make_recommendation
from tests.personas import GOPS_MIRZEC, ROPS_RZESZOW


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.fixture(autouse=True)
def _quick(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    page.set_default_timeout(8000)
    monkeypatch.setattr(book, "render_book", lambda content: b"%PDF-1.7 browser test")


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_the_leaders_analyst_publishes_a_version_and_finds_it_in_the_list(sign_in, visit, screenshot, viewport):
    programme = make_programme()
    make_recommendation(programme, "Wspólny rejestr rodzin")
    sign_in(ROPS_RZESZOW)

    page = visit("/learning/book/")
    section = page.locator("section").filter(has=page.get_by_role("heading", name=programme.name))
    section.get_by_role("link", name="Publish a new version").or_(
        section.get_by_role("link", name="Opublikuj nową wersję")
    ).first.click()
    page.wait_for_load_state()

    page.locator("main form button[type='submit']").click()  # nothing said about what changed
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()

    page.locator("textarea[name='note']").fill("Pierwsza wersja z rekomendacją o wspólnym rejestrze.")
    page.locator("main form button[type='submit']").click()
    page.wait_for_load_state()

    row = page.locator("tr[id^='book-']").filter(has_text="Pierwsza wersja z rekomendacją o wspólnym rejestrze.")
    expect(row).to_be_visible()
    expect(row.locator("a[href$='/pdf/']")).to_be_visible()
    assert _overflow(page) <= 0
    screenshot(f"learning-book-{viewport}")


@pytest.mark.mobile
def test_a_social_worker_reads_the_versions_at_360_px(sign_in, visit):
    sign_in(GOPS_MIRZEC)

    page = visit("/learning/book/")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.locator("a[href$='/publish/']").count() == 0
    assert _overflow(page) <= 0
