"""The API documentation page (/api/v1/docs) in a real browser: Swagger UI under the strict
Content-Security-Policy, served from this site only, accessible on a desktop and at 360 px.

The harness fails a test on any console error (a blocked script or style is one), any request
to another host and any serious or critical axe-core violation, on each page load and on the
state the test ends in; so each test below ends in a different state of Swagger UI.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)


def _open_docs(visit: Callable[[str], Page]) -> Page:
    page = visit("/api/v1/docs")
    # Swagger UI renders from the OpenAPI document it fetches, after the load event.
    expect(page.locator(".opblock").first).to_be_visible(timeout=15000)
    return page


def _operation(page: Page, path: str) -> Locator:
    return page.locator(".opblock").filter(has=page.locator(f".opblock-summary-path[data-path='{path}']"))


@BOTH_VIEWPORTS
def test_it_shows_the_api_operations(visit: Callable[[str], Page]) -> None:
    page = _open_docs(visit)

    expect(page.locator("h1").first).to_contain_text("Kooperacja API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/me").first).to_be_visible()
    expect(_operation(page, "/api/v1/me/notification-preference")).to_be_visible()
    assert page.locator(".opblock").count() >= 3


@BOTH_VIEWPORTS
def test_it_lets_a_keyboard_user_open_an_operation_and_try_it_out(visit: Callable[[str], Page]) -> None:
    page = _open_docs(visit)
    operation = _operation(page, "/api/v1/me/notification-preference")
    summary = operation.locator(".opblock-summary-control")

    summary.focus()
    page.keyboard.press("Enter")
    expect(summary).to_have_attribute("aria-expanded", "true")
    operation.get_by_role("button", name="Try it out").click()

    editor = operation.locator("textarea.body-param__text")
    expect(editor).to_be_visible()
    expect(editor).to_have_accessible_name("Request body required")
    expect(operation.get_by_role("button", name="Execute")).to_be_visible()


@BOTH_VIEWPORTS
def test_it_shows_an_accessible_authorization_dialog(visit: Callable[[str], Page]) -> None:
    page = _open_docs(visit)

    page.locator("button.authorize").first.click()

    dialog = page.locator(".dialog-ux .modal-ux")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".close-modal")).not_to_have_accessible_name("")
