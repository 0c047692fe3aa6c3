"""Matching services in a real browser, as the social worker of GOPS Mirzec: a demo case's needs
with their suggestions at 360 px and on a desktop, a need added by hand, and "why not" for a
service found by the search box."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kooperacja.assessment.tests.helpers import assess
from kooperacja.cases.demo import demo_uuid
from kooperacja.cases.models import Case
from kooperacja.plans.models import CaseNeed
from tests.personas import GOPS_MIRZEC

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)

CASE = demo_uuid("case", "mirzec-1")


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


@pytest.fixture
def case(persona) -> Case:
    """The demo case, diagnosed today with legal matters in crisis: a need with suggestions."""
    case = Case.objects.get(public_id=CASE)
    assess(persona(GOPS_MIRZEC), case, None, levels={"legal": 1, "participation": 2})
    return case


@BOTH_VIEWPORTS
def test_it_shows_the_needs_of_a_case_with_suggested_services(sign_in, visit, screenshot, viewport, case):
    sign_in(GOPS_MIRZEC)
    page = visit(f"/plans/cases/{CASE}/matching/")

    expect(page.get_by_role("heading", level=1)).to_contain_text(polish("Matching services"))
    expect(page.locator("main section.need").first).to_be_visible()
    expect(page.locator("main ol.suggestions li").first).to_be_visible()
    expect(page.get_by_role("link", name=polish("Refer")).first).to_be_visible()
    assert _overflow(page) <= 0, f"the matching page is {_overflow(page)}px wider than the screen"
    screenshot(f"plans-matching-{'360' if viewport == 'mobile' else '1280'}")


def test_it_adds_a_need_by_hand(sign_in, visit, case):
    sign_in(GOPS_MIRZEC)
    page = visit(f"/plans/cases/{CASE}/matching/")

    page.locator("#id_need").select_option("food")
    page.get_by_label(polish("Note")).fill("Do końca miesiąca")
    page.get_by_role("button", name=polish("Add the need")).click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", name="Żywność i posiłki")).to_be_visible()
    assert CaseNeed.objects.filter(case=case, need__code="food", resolved_at__isnull=True).exists()


def test_it_explains_why_a_service_found_by_search_is_not_suggested(sign_in, visit, case):
    sign_in(GOPS_MIRZEC)
    page = visit(f"/plans/cases/{CASE}/matching/why-not/")

    page.get_by_label(polish("Find a service in the directory")).fill("poradnictwo")
    page.get_by_role("button", name=polish("Search")).click()
    page.wait_for_load_state()
    page.locator("main ul a[href^='?service=']").first.click()
    page.wait_for_load_state()

    expect(page.locator("main table").first).to_be_visible()
    expect(page.get_by_role("columnheader", name=polish("Rule")).first).to_be_visible()
