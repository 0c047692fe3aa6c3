"""The API documentation page in a real browser, under the strict Content-Security-Policy."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_the_operations_without_breaking_the_policy(live_server):
    from playwright.sync_api import ConsoleMessage, Error, Request, sync_playwright

    problems: list[str] = []
    outside: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    def on_page_error(error: Error) -> None:
        problems.append(str(error))

    def on_request(request: Request) -> None:
        if not request.url.startswith((live_server.url, "data:")):
            outside.append(request.url)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            page = browser.new_page()
            page.on("console", on_console)
            page.on("pageerror", on_page_error)
            page.on("request", on_request)
            page.goto(f"{live_server.url}/api/v1/docs")
            page.wait_for_selector(".opblock", timeout=15000)
            assert page.locator(".opblock").count() >= 3
            assert page.get_by_text("/api/v1/me/notification-preference").count() >= 1
        finally:
            browser.close()
    assert not outside, f"requests to other origins: {outside}"
    assert not problems, f"errors in the browser (a Content-Security-Policy violation among them?): {problems}"
