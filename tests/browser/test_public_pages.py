"""The public pages in a real browser: accessible at 360 px and on a desktop, usable by keyboard, light."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

PUBLIC_PAGES = ["/", "/accessibility/", "/privacy/", "/help/", "/help/social_worker/"]
BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)


@BOTH_VIEWPORTS
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_it_shows_public_pages_without_accessibility_problems(visit, path):
    page = visit(path)

    expect(page.locator("main#main h1")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "pl")


@BOTH_VIEWPORTS
def test_it_shows_a_friendly_404_page(visit):
    page = visit("/no-such-page/")

    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main a[href='/']")).to_be_visible()


def test_it_makes_the_skip_link_the_first_tab_stop_and_moves_focus_to_main(visit):
    page = visit("/help/")

    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    expect(skip_link).to_have_attribute("href", "#main")

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


@pytest.mark.mobile
def test_it_opens_and_closes_the_menu_with_the_keyboard_at_360_px(visit):
    page = visit("/")
    button = page.locator("button.menu-toggle")
    menu = page.locator("#site-menu")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()

    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()

    page.keyboard.press("Tab")
    # The first entry of an anonymous visitor's menu is the service directory.
    expect(menu.get_by_role("link", name="Informator o usługach")).to_be_focused()

    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(menu).to_be_hidden()

    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Space")
    expect(menu).to_be_hidden()


@pytest.mark.mobile
def test_it_shows_the_whole_menu_at_360_px_without_javascript(page: Page, watch):
    # The site's script answers empty, as when it fails to load; axe itself still runs.
    page.route("**/static/js/*.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
    page.goto("/")
    watch.settle(page)

    expect(page.locator("button.menu-toggle")).to_be_hidden()
    expect(page.locator("#site-menu nav a").first).to_be_visible()
    expect(page.locator("#site-menu form.language-switch button")).to_be_visible()


def test_it_keeps_the_start_page_under_50_kb(page: Page, watch):
    bodies = []
    page.on("response", lambda response: bodies.append(response))
    page.goto("/")
    watch.settle(page)

    total = sum(len(response.body()) for response in bodies)
    assert total <= 50 * 1024, f"{total} bytes: " + ", ".join(f"{r.url} {len(r.body())}" for r in bodies)


@pytest.mark.parametrize("viewport", ["mobile", "desktop"], indirect=True)
def test_it_takes_screenshots_of_the_start_page(visit, screenshot, viewport):
    visit("/")

    path = screenshot(f"start-{'360' if viewport == 'mobile' else '1280'}")

    assert path.stat().st_size > 0


def test_it_signs_in_through_the_login_form_and_shows_the_signed_in_header(sign_in):
    page = sign_in("gops.mirzec")

    expect(page.locator("header form[action='/accounts/logout/'] button")).to_be_attached()
    expect(page.locator("header .account-name")).to_contain_text("Anna")
