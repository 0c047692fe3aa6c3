"""Switching the interface between Polish and English, remembered across pages by a cookie."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect


def test_it_switches_to_english_and_back_to_polish(visit):
    page = visit("/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.locator("a.skip-link")).to_have_text("Przejdź do treści")

    with page.expect_navigation():
        page.locator("form.language-switch button[value='en']").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("a.skip-link")).to_have_text("Skip to main content")
    expect(page.locator("form.language-switch [aria-current='true']")).to_have_text("English")

    page = visit("/help/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Help")

    with page.expect_navigation():
        page.locator("form.language-switch button[value='pl']").click()

    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.locator("main h1")).to_have_text("Pomoc")
    assert urlsplit(page.url).path == "/help/"
