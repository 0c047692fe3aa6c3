"""Meetings of a cooperation team in a real browser, as its leader: plan a meeting through the
form (and see the error for one that ends before it starts), then record who came — every page
checked with axe."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Locator, Page, expect

from kooperacja.teams.models import Attendance, Meeting, MeetingKind
from kooperacja.teams.tests.factories import make_team, user
from tests.personas import LEADER, POLICE

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=name, exact=True).click()


def _field(page: Page, label: str) -> Locator:
    """The form field of this label (Django ends labels with a colon)."""
    return page.locator("main").get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _local(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


@BOTH_VIEWPORTS
def test_the_leader_plans_a_meeting_and_records_attendance(sign_in, visit, screenshot, viewport):
    team = make_team()
    # A workshop held yesterday, entered afterwards: its attendance can be recorded at once.
    start = (timezone.localtime() - dt.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    start = start.replace(tzinfo=None)
    sign_in(LEADER)
    page = visit(f"/teams/{team.public_id}/meetings/")
    page.locator("main").get_by_role("link", name=polish("Plan a meeting"), exact=True).click()
    page.wait_for_load_state()

    _field(page, polish("Kind of meeting")).select_option(MeetingKind.WORKSHOP)
    _field(page, polish("Title")).fill("Warsztat: mapa zasobów gminy")
    _field(page, polish("Starts")).fill(_local(start))
    _field(page, polish("Ends")).fill(_local(start - dt.timedelta(hours=2)))
    _field(page, polish("Place")).fill("GOPS Mirzec, sala 2")
    _submit(page, polish("Save"))

    error = polish("The meeting must end after it starts: check the date and time of its end.")
    expect(page.locator(".error-summary")).to_contain_text(error)
    assert not Meeting.objects.filter(team=team).exists()
    screenshot(f"teams-meeting-ends-before-start-{viewport}")

    _field(page, polish("Ends")).fill(_local(start + dt.timedelta(hours=2)))
    _submit(page, polish("Save"))
    meeting = Meeting.objects.get(team=team)
    assert page.url.endswith(f"/teams/meetings/{meeting.public_id}/")
    expect(page.locator("main")).to_contain_text("Warsztat: mapa zasobów gminy")

    page.locator("main").get_by_role("link", name=polish("Record attendance"), exact=True).click()
    page.wait_for_load_state()
    police = user(POLICE)
    page.locator(f"#id_attended_u{police.pk}").select_option("yes")
    page.locator(f"#id_attended_u{user(LEADER).pk}").select_option("yes")
    page.locator(f"#id_hours_u{user(LEADER).pk}").fill("3")
    screenshot(f"teams-meeting-attendance-{viewport}")
    _submit(page, polish("Save the attendance"))

    assert page.url.endswith(f"/teams/meetings/{meeting.public_id}/#attendance")
    hours = {a.user_id: float(a.hours or 0) for a in Attendance.objects.filter(meeting=meeting, attended=True)}
    assert hours == {police.pk: 2.0, user(LEADER).pk: 3.0}
    # Those who came are listed under their own heading, apart from the absent and the not recorded.
    expect(page.locator("#attendance + h4 + ul")).to_contain_text(str(police))
