"""Signing in with the keyboard alone, including the second step of a two-factor sign-in.

The harness (conftest.py) runs axe-core on every page these tests load and on the page each
test ends on, so landing on a page also checks that page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page

from kooperacja.core.tests.accounts_support import PASSWORD, enable_two_factor, make_user, totp_code


def _focused_matches(page: Page, selector: str) -> bool:
    return bool(page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector))


def _tab_to(page: Page, selector: str, presses: int = 40) -> None:
    """Move the focus with Tab alone until it reaches the field (the field may have it already)."""
    for _ in range(presses):
        if _focused_matches(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key within {presses} presses")


def _type_credentials(page: Page, username: str) -> None:
    _tab_to(page, "input[name='username']")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert _focused_matches(page, "input[name='password']"), "Tab from the user name does not lead to the password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_it_signs_in_with_the_keyboard_alone_and_lands_on_my_work(page: Page, visit):
    user = make_user("klawiatura.test")
    visit("/accounts/login/")
    _type_credentials(page, user.username)
    assert urlsplit(page.url).path == "/home/"


def test_it_reaches_every_field_of_the_sign_in_form_from_the_top_of_the_page(page: Page, visit):
    visit("/accounts/login/")
    # Start from the skip link, as a keyboard user arriving at the page does.
    page.keyboard.press("Shift+Tab")
    _tab_to(page, "a.skip-link, a[href='#main']")
    _tab_to(page, "input[name='username']")
    _tab_to(page, "input[name='password']")
    _tab_to(page, "form button[type='submit']")


def test_it_takes_the_second_step_code_by_keyboard(page: Page, visit):
    user = make_user("dwa.etapy")
    device, _codes = enable_two_factor(user)
    visit("/accounts/login/")
    _type_credentials(page, user.username)
    assert urlsplit(page.url).path == "/accounts/two-factor/verify/"
    _tab_to(page, "input[name='code']")
    page.keyboard.type(totp_code(device))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/home/"


def test_it_shows_the_two_factor_pages_accessibly(page: Page, sign_in, visit):
    user = make_user("ustawienia.test")
    sign_in(user.username, PASSWORD)
    visit("/accounts/two-factor/")
    visit("/accounts/two-factor/setup/")
    assert page.locator("svg[role='img'] title").count() == 1
    _tab_to(page, "input[name='code']")


def test_it_shows_a_locked_sign_in_accessibly(page: Page, visit):
    from django.conf import settings

    user = make_user("zablokowany.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        visit("/accounts/login/")
        page.fill("input[name='username']", user.username)
        page.fill("input[name='password']", "Zgadywane-haslo-1")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() != ""
    assert "poproś administratora platformy o zdjęcie blokady" in page.locator("main").inner_text()
