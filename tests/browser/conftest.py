"""Browser tests: Debian's chromium driven by Playwright, with axe-core on every page a test sees.

Every test in this folder is marked `browser` (`-m "not browser"` leaves them out). What the
fixtures give:

- `page`: pytest-playwright's page in a watched context. Every page load is checked with
  axe-core right away (the `load` event), and the page a test ends on is checked once more in
  its final state. Any violation of impact serious or critical, any console error, and any
  request to a host other than 127.0.0.1/localhost fails the test with a readable list. A
  failing test leaves a full-page screenshot in var/test-artifacts/.
- `visit(path)`: opens a path of the live server and checks that page at once.
- `sign_in(username)`: signs in through the real login form (demo password by default).
- `viewport`: "desktop" (1280×800) by default; `@pytest.mark.mobile` or
  `@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)` for 360×740.
- `live_site`: the live server. It is pytest-django's LiveServer, but each test runs inside the
  ordinary rolled-back transaction instead of pytest-django's `live_server`, whose flush after
  every test would erase the demo data the whole session shares. On SQLite (the test database
  lives in memory) the server thread uses the test's own connection, so it sees what the test
  created; on another database it sees committed data (the demo) only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page, Request, Response
from pytest_django.live_server_helper import LiveServer

BROWSER_TESTS = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "mobile": {"width": 360, "height": 740}}
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

_AXE = Axe()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mobile: run this browser test at 360×740 instead of 1280×800")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    # The watch's findings fail the test itself (not its teardown), after the test body passed.
    result = yield
    watch: PageWatch | None = getattr(item, "_kooperacja_watch", None)
    if watch is not None:
        watch.finish()
    return result


class PageWatch:
    """Collects, for one test, what every watched page did wrong."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.problems: list[str] = []
        self.reported = 0
        self.pending = 0
        self.unchecked: list[tuple[Page, str]] = []
        self.failed_documents: set[str] = set()

    # --- wiring -----------------------------------------------------------------
    def attach(self, page: Page) -> None:
        self.pages.append(page)
        page.on("load", self._on_load)
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: JavaScript error: {error}"))

    def on_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS:
            return
        self.problems.append(f"request to another host: {request.method} {request.url}")

    def on_response(self, response: Response) -> None:
        # A page answered with an error status (a 404 page, say) logs that status to the console;
        # it is what the test asked for. Missing CSS, JS or images still count as errors.
        if response.request.resource_type == "document" and response.status >= 400:
            self.failed_documents.add(response.url)

    def _on_console(self, page: Page, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        if source in self.failed_documents and "the server responded with a status of" in message.text:
            return
        self.problems.append(f"{page.url}: console error: {message.text}")

    def _on_load(self, page: Page) -> None:
        url = page.url
        if not url.startswith("http"):
            return
        self.pending += 1
        try:
            self.problems += axe_violations(page)
        except Error:
            # The test navigated on before the check ended; check that address again at the end.
            self.unchecked.append((page, url))
        finally:
            self.pending -= 1

    # --- checks ---------------------------------------------------------------
    def settle(self, page: Page) -> None:
        """Waits until the checks started by page loads have finished."""
        for _ in range(3000):
            if not self.pending:
                return
            page.wait_for_timeout(10)
        raise AssertionError("accessibility checks did not finish within 30 s")

    def take_problems(self) -> list[str]:
        """The problems found since the last report, marked as reported (for tests of the harness)."""
        new = self.problems[self.reported :]
        self.reported = len(self.problems)
        return new

    def assert_clean(self) -> None:
        new = list(dict.fromkeys(self.problems[self.reported :]))
        self.reported = len(self.problems)
        if new:
            raise AssertionError("Problems found in the browser:\n" + "\n".join(new))

    def finish(self) -> None:
        open_pages = [page for page in self.pages if not page.is_closed()]
        for page in open_pages:
            page.wait_for_load_state()  # a click at the very end may still be navigating
            self.settle(page)
            if page.url.startswith("http"):
                # The page as the test left it (menus opened, forms filled) is checked too.
                try:
                    self.problems += axe_violations(page)
                except Error:
                    page.wait_for_load_state()
                    self.settle(page)
                    self.problems += axe_violations(page)
        for page, url in list(self.unchecked):
            if page.is_closed():
                continue
            again = page.context.new_page()
            try:
                again.goto(url)
                self.settle(again)
            finally:
                again.close()
        self.assert_clean()


def axe_violations(page: Page) -> list[str]:
    """Readable lines for each serious or critical axe-core violation on the page."""
    results = _AXE.run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        lines.append(
            f"{page.url}: axe {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node.get("target", []))
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {node.get('html', '')[:160]}\n      {summary}")
    return lines


def artifact_path(nodeid: str, suffix: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", nodeid).strip("-")[:180]
    return ARTIFACTS / f"{name}{suffix}"


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any], live_site: LiveServer) -> dict[str, Any]:
    # Asking for live_site here starts the server before the browser, so the browser (and its
    # open connections) is gone before the server stops at the end of the session.
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def live_site(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any, playwright: Any
) -> Generator[LiveServer, None, None]:
    # Started after Playwright: from then on the test thread has an event loop, so Django hands
    # it a different connection object than before, and that later one must be the one the
    # server thread shares with the tests.
    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "127.0.0.1"
    with django_db_blocker.unblock():
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture
def viewport(request: pytest.FixtureRequest) -> str:
    if hasattr(request, "param"):
        return str(request.param)
    return "mobile" if request.node.get_closest_marker("mobile") else "desktop"


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any], viewport: str, live_site: LiveServer) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": VIEWPORTS[viewport],
        "base_url": live_site.url,
        "locale": "pl-PL",
        "timezone_id": "Europe/Warsaw",
    }


@pytest.fixture
def watch(request: pytest.FixtureRequest) -> PageWatch:
    found = PageWatch()
    request.node._kooperacja_watch = found
    return found


@pytest.fixture
def context(
    new_context: Callable[..., BrowserContext], live_site: LiveServer, db: None, watch: PageWatch
) -> Generator[BrowserContext, None, None]:
    from django.db import connections

    for alias, shared in (live_site.thread.connections_override or {}).items():
        if connections[alias] is not shared:
            raise RuntimeError(
                f"the live server does not share the test's {alias!r} database connection; "
                "was live_site started before Playwright?"
            )
    live_site._live_server_modified_settings.enable()
    browser_context = new_context()
    browser_context.on("page", watch.attach)
    browser_context.on("request", watch.on_request)
    browser_context.on("response", watch.on_response)
    yield browser_context
    live_site._live_server_modified_settings.disable()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Generator[Page, None, None]:
    browser_page = context.new_page()
    yield browser_page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not browser_page.is_closed():
        browser_page.screenshot(path=artifact_path(request.node.nodeid, ".png"), full_page=True)


@pytest.fixture
def visit(page: Page, watch: PageWatch) -> Callable[[str], Page]:
    """visit("/help/") opens the page and fails at once on accessibility problems or errors."""

    def go(path: str) -> Page:
        page.goto(path)
        watch.settle(page)
        watch.assert_clean()
        return page

    return go


@pytest.fixture
def sign_in(visit: Callable[[str], Page], watch: PageWatch) -> Callable[..., Page]:
    """sign_in("gops.mirzec") signs in through the login form and returns the page after it."""

    def go(username: str, password: str | None = None) -> Page:
        page = visit("/accounts/login/")
        form = page.locator("form").filter(has=page.locator("input[name='password']"))
        form.locator("input[name='username']").fill(username)
        form.locator("input[name='password']").fill(password or settings.DEMO_PASSWORD)
        with page.expect_navigation():
            form.locator("button[type='submit'], input[type='submit']").first.click()
        if urlsplit(page.url).path == "/accounts/login/":
            errors = page.locator("main").inner_text()
            raise AssertionError(f"signing in as {username} failed:\n{errors}")
        watch.settle(page)
        watch.assert_clean()
        return page

    return go


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """screenshot("start-360") saves a full-page PNG in var/test-artifacts/ and returns its path."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
