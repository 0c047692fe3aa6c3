"""Keeping directory entries in a real browser: the list and the service form at 360 px and on a
desktop, adding a service without JavaScript help, confirming it, and the history."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.personas import LEADER, SCHOOL

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _width(viewport: str) -> str:
    return "360" if viewport == "mobile" else "1280"


@BOTH_VIEWPORTS
def test_it_shows_the_list_and_the_form_of_an_entry(sign_in, visit, screenshot, viewport):
    sign_in(LEADER)

    page = visit("/directory/manage/")
    expect(page.locator("main h1")).to_have_count(1)
    rows = page.locator("main table tbody tr")
    assert rows.count() > 0, "the demo's GOPS Mirzec services are listed"
    assert _overflow(page) <= 0, f"the list is {_overflow(page)}px wider than the screen"
    screenshot(f"directory-manage-list-{_width(viewport)}")

    rows.first.locator("a").first.click()
    page.wait_for_load_state()
    expect(page.locator("form[action$='/verify/'] button")).to_be_visible()
    expect(page.locator("#id_name")).not_to_be_empty()
    assert _overflow(page) <= 0, f"the form is {_overflow(page)}px wider than the screen"
    screenshot(f"directory-manage-edit-{_width(viewport)}")


@pytest.mark.mobile
def test_it_adds_a_service_confirms_it_and_shows_its_history(sign_in, visit, page, screenshot):
    sign_in(SCHOOL)
    visit("/directory/manage/")

    page.locator("main a[href$='/services/add/']").first.click()
    page.wait_for_load_state()
    page.locator("#id_name").fill("Zajęcia wyrównawcze z matematyki")
    page.get_by_label("Świetlica i zajęcia pozalekcyjne").check()
    page.get_by_label("Dzieci", exact=True).check()
    page.locator("#id_place-address_1").fill("Mirzec-Majorat 5")
    page.locator("#id_place-postal_code").fill("27-220")
    page.locator("#id_place-city").fill("Mirzec")
    page.locator("#id_place-opens_TU").fill("13:00")
    page.locator("#id_place-closes_TU").fill("15:00")
    screenshot("directory-manage-add-360")
    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").last.click()

    expect(page.locator("main h1")).to_have_text("Zajęcia wyrównawcze z matematyki")
    expect(page.locator(".message-success")).to_be_visible()

    with page.expect_navigation():
        page.locator("form[action$='/verify/'] button").click()
    expect(page.locator(".message-success")).to_be_visible()

    page.locator("main a[href$='/history/']").click()
    page.wait_for_load_state()
    expect(page.locator("main h2")).to_have_count(2)
    assert _overflow(page) <= 0
    screenshot("directory-manage-history-360")


def test_it_shows_a_polish_error_for_bad_input(sign_in, visit, page):
    sign_in(SCHOOL)
    page = visit("/directory/manage/")
    page.locator("main a[href$='/services/add/']").first.click()
    page.wait_for_load_state()
    page.locator("#id_place-postal_code").fill("27220")
    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").last.click()

    expect(page.locator("#form-errors")).to_be_visible()
    with translation.override("pl"):
        message = translation.gettext("Write the postal code as NN-NNN, for example 27-220.")
    # The place's errors have their own summary, each linked to its field.
    expect(page.locator("#place-errors a[href='#id_place-postal_code']")).to_contain_text(message)
    expect(page.locator("#id_place-postal_code")).to_have_attribute("aria-invalid", "true")
