"""Keeping directory entries in a real browser: the list and the service form at 360 px and on a
desktop, adding a service without JavaScript help, confirming it, and the history."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kooperacja.directory import upkeep
from kooperacja.directory.tests.test_upkeep import institution
from kooperacja.directory.tests.test_upkeep import place as first_place
from tests.personas import ADMIN, LEADER, SCHOOL

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


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
    # No column is cut off: the table fits its region (on a phone each entry is a block).
    cut = page.evaluate("(w => w.scrollWidth - w.clientWidth)(document.querySelector('main .table-wrap'))")
    assert cut <= 0, f"the table is {cut}px wider than its region"
    expect(page.locator("main h1")).to_have_text(polish("Our services in the directory"))
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
    # ONE summary lists the errors of the service and of its place, each linked to its field,
    # and the page opens on it.
    expect(page.locator(".error-summary")).to_have_count(1)
    expect(page.locator("#form-errors a[href='#id_place-postal_code']")).to_contain_text(message)
    expect(page.locator("#form-errors a[href='#id_name']")).to_be_visible()
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator("#id_place-postal_code")).to_have_attribute("aria-invalid", "true")


@BOTH_VIEWPORTS
def test_it_says_first_that_someone_else_saved_and_saves_on_the_second_try(
    sign_in, visit, page, persona, screenshot, viewport
):
    leader = persona(LEADER)
    service = upkeep.create_service(
        leader, institution("GOPS Mirzec"), {"name": "Zajęcia dla rodziców (test)", "minimum_age": 16}, first_place()
    )
    sign_in(LEADER)
    page = visit(f"/directory/manage/services/{service.public_id}/")
    page.locator("#id_name").fill("Zajęcia dla rodziców — wersja kierownika")
    # Meanwhile an administrator saves another version of the entry.
    upkeep.update_service(persona(ADMIN), service, {"minimum_age": 18, "maximum_age": 99}, version=service.version)

    with page.expect_navigation():
        page.locator("main form.manage-form button[type='submit']").click()

    conflict = page.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_be_focused()
    # The first thing after the heading, and no "correct the marked fields" summary.
    assert page.evaluate("document.querySelector('main h1').nextElementSibling.id") == "conflict"
    expect(page.locator("#form-errors")).to_have_count(0)
    expect(conflict.locator("tbody tr")).to_have_count(2)
    expect(conflict.locator("tbody tr").first).to_contain_text("18")
    assert _overflow(page) <= 0, f"the page is {_overflow(page)}px wider than the screen"
    screenshot(f"directory-manage-conflict-{_width(viewport)}")

    with page.expect_navigation():
        page.locator("main form.manage-form button[type='submit']").click()
    expect(page.locator(".message-success")).to_be_visible()
    service.refresh_from_db()
    assert (service.name, service.minimum_age, service.maximum_age) == (
        "Zajęcia dla rodziców — wersja kierownika",
        16,
        None,
    )
