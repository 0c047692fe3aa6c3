"""The calendar of meetings in a real browser: the month grid navigated with the keyboard alone
(Tab to the next month's link, Enter), and the month and list views readable at 360 px (the
month view shows its days as a list there). Every page is checked with axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from kooperacja.teams.tests.factories import make_meeting, make_team
from tests.personas import LEADER

MAX_TABS = 80


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


def _at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 10, tzinfo=timezone.get_current_timezone())


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


def _tab_to(page: Page, href_part: str) -> None:
    """Press Tab until the focused element is the link whose address holds `href_part`."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.getAttribute('href')")
        if focused and href_part in focused:
            return
    raise AssertionError(f"no link to {href_part} reached with {MAX_TABS} presses of Tab")


def test_it_moves_to_the_next_month_with_the_keyboard(sign_in, visit):
    team = make_team()
    make_meeting(team, starts_at=_at(2031, 4, 15), title="Kwietniowy warsztat")
    sign_in(LEADER)
    page = visit("/teams/calendar/?month=2031-03")
    expect(page.locator("table.calendar-month caption")).to_be_visible()

    _tab_to(page, "month=2031-04")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "month=2031-04" in page.url
    grid = page.locator("table.calendar-month")
    expect(grid.get_by_role("link", name="Kwietniowy warsztat")).to_be_visible()
    expect(page.get_by_role("columnheader")).to_have_count(7)


@pytest.mark.mobile
def test_the_list_view_is_readable_at_360_px(sign_in, visit):
    team = make_team()
    make_meeting(team, starts_at=_at(2031, 5, 6), title="Majowe spotkanie zespołu", place="Urząd Gminy")
    sign_in(LEADER)
    page = visit("/teams/calendar/?month=2031-05")
    assert _overflow(page) <= 0  # the grid scrolls inside its own region, not the page

    page.locator("main").get_by_role("link", name=polish("List"), exact=True).click()
    page.wait_for_load_state()
    assert "view=list" in page.url
    expect(page.get_by_role("link", name="Majowe spotkanie zespołu")).to_be_visible()
    assert _overflow(page) <= 0


@pytest.mark.mobile
def test_the_month_view_shows_the_days_as_a_list_at_360_px(sign_in, visit, screenshot):
    team = make_team()
    make_meeting(team, starts_at=_at(2031, 5, 8), title="Czwartkowe spotkanie")
    make_meeting(team, starts_at=_at(2031, 5, 31), title="Sobotnie spotkanie")
    sign_in(LEADER)
    page = visit("/teams/calendar/?month=2031-05")

    assert _overflow(page) <= 0
    expect(page.locator("table.calendar-month")).to_be_hidden()
    days = page.locator(".calendar-narrow")
    # A day at the end of the week, which the grid pushed off a phone's screen, is on it now.
    expect(days.get_by_role("link", name="Sobotnie spotkanie")).to_be_visible()
    box = days.get_by_role("link", name="Sobotnie spotkanie").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    screenshot("teams-calendar-month-360")

    _tab_to(page, "/teams/meetings/")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Czwartkowe spotkanie" in focused
