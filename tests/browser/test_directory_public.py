"""The public service directory in a real browser: search, filters and a service's page at
360 px and on a desktop, without JavaScript, axe-clean (the `page` fixture checks every load)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

from kooperacja.directory.models import ServiceStatus
from kooperacja.directory.tests.test_public_factories import MIRZEC, make_service

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
WIDTHS = {"desktop": 1280, "mobile": 360}


@pytest.fixture
def services():
    """A handful of services as a resident meets them, one of each kind of badge."""
    found = [
        make_service(
            "Poradnia rodzinna Jaskier",
            categories=["family-counselling", "psychological-counselling"],
            groups=["families"],
            access=["step-free"],
            free_of_charge=True,
            free_places=2,
            places=10,
            description="Rozmowy z psychologiem i terapeutą rodzinnym dla rodzin przeżywających trudności.",
            application_process="Zadzwoń do sekretariatu i umów pierwszą rozmowę.",
            assured_date="2026-03-12",
        ),
        make_service("Klub Seniora Jaskier", categories=["club"], groups=["seniors"], waiting_list=4),
        make_service(
            "Świetlica Jaskier",
            categories=["after-school"],
            status=ServiceStatus.TEMPORARILY_CLOSED,
            alert="Remont do 30 czerwca.",
            referral_required=True,
        ),
    ]
    return found


def no_horizontal_scroll(page: Page, viewport: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS[viewport], f"the page is {width} px wide at {WIDTHS[viewport]} px"


@BOTH_VIEWPORTS
def test_it_shows_the_search_with_results(visit, services, viewport, screenshot):
    page = visit(f"/directory/?q=jaskier&gmina={MIRZEC}")

    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator(".result")).to_have_count(3)
    expect(page.get_by_role("link", name="Poradnia rodzinna Jaskier")).to_be_visible()
    expect(page.locator(f"a[href='/directory/gminas/{MIRZEC}/informator.pdf']")).to_be_visible()
    no_horizontal_scroll(page, viewport)
    screenshot(f"directory-search-{WIDTHS[viewport]}")


@BOTH_VIEWPORTS
def test_it_shows_a_service_page(visit, services, viewport, screenshot):
    page = visit(f"/directory/services/{services[0].public_id}/")

    expect(page.locator("main h1")).to_have_text("Poradnia rodzinna Jaskier")
    expect(page.locator("main")).to_contain_text("Zadzwoń do sekretariatu i umów pierwszą rozmowę.")
    expect(page.locator("main")).to_contain_text("8:00–16:00")
    no_horizontal_scroll(page, viewport)
    screenshot(f"directory-service-{WIDTHS[viewport]}")


@BOTH_VIEWPORTS
def test_it_shows_a_temporarily_closed_service_with_its_alert(visit, services, viewport):
    page = visit(f"/directory/services/{services[2].public_id}/")

    expect(page.locator(".alert-closed")).to_contain_text("Remont do 30 czerwca.")
    no_horizontal_scroll(page, viewport)


@pytest.mark.mobile
def test_it_searches_with_the_keyboard_and_without_javascript_at_360_px(page: Page, watch, services):
    page.route("**/static/js/*.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
    page.goto("/directory/")
    watch.settle(page)

    page.get_by_label("Gmina", exact=False).first.select_option(MIRZEC)
    page.locator("select[name='category']").select_option("club")
    search = page.locator("input[name='q']")
    search.fill("jaskier")
    with page.expect_navigation():
        search.press("Enter")
    watch.settle(page)

    expect(page.locator(".result")).to_have_count(1)
    expect(page.locator(".result h3")).to_have_text("Klub Seniora Jaskier")
    page.locator(".result h3 a").click()
    expect(page.locator("main h1")).to_have_text("Klub Seniora Jaskier")


@BOTH_VIEWPORTS
def test_it_explains_an_unknown_filter_accessibly(visit, viewport):
    page = visit("/directory/?category=astrology")

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href='#id_category']")).to_contain_text("astrology")
    no_horizontal_scroll(page, viewport)


def test_it_shows_a_service_named_like_a_script_as_text(visit, page):
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    service = make_service("<script>alert(1)</script>")

    visit("/directory/?q=alert")
    expect(page.locator(".result h3")).to_have_text("<script>alert(1)</script>")
    visit(f"/directory/services/{service.public_id}/")
    expect(page.locator("main h1")).to_have_text("<script>alert(1)</script>")

    assert dialogs == []
