"""The harness itself: it must notice what it promises to notice, or every other test means less."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, Route

BROKEN_PAGE = """<!doctype html><html lang="pl"><head><title>Zepsuta strona</title></head>
<body><main><h1>Zepsuta</h1><img src="/static/img/favicon.svg">
<img src="https://cdn.example.org/logo.png" alt="Logo">
<script>console.error("boom")</script></main></body></html>"""


def _serve(html: str) -> Callable[[Route], None]:
    def fulfil(route: Route) -> None:
        route.fulfill(body=html, content_type="text/html; charset=utf-8")

    return fulfil


def test_it_finds_axe_violations_console_errors_and_other_hosts_on_a_page_reached_by_a_click(page: Page, visit, watch):
    page.route("**/harness/broken/", _serve(BROKEN_PAGE))
    page.route("https://cdn.example.org/**", lambda route: route.fulfill(body=b"", content_type="image/png"))
    start = visit("/")
    start.evaluate(
        """() => {
            const link = document.createElement("a");
            link.href = "/harness/broken/";
            link.id = "go";
            link.textContent = "go";
            document.querySelector("main").append(link);
        }"""
    )

    with page.expect_navigation():
        page.click("#go")
    watch.settle(page)

    found = "\n".join(watch.take_problems())
    assert "axe image-alt (critical)" in found
    assert "console error: boom" in found
    assert "request to another host: GET https://cdn.example.org/logo.png" in found
    visit("/")


def test_it_reports_problems_of_a_visited_page_at_once(page: Page, visit, watch):
    page.route("**/harness/broken/", _serve(BROKEN_PAGE))

    try:
        visit("/harness/broken/")
    except AssertionError as error:
        assert "image-alt" in str(error)
    else:
        raise AssertionError("visit() did not fail on a page with an image without alt text")
    watch.take_problems()
    visit("/")  # the page a test ends on is checked again: end on a clean one
