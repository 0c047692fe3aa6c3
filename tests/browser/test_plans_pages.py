"""The cooperation plan (IPW) in a real browser, as the social worker of GOPS Mirzec: start a
plan from the case page, add a goal, put an action in the basket, record the person's
agreement — at 360 px and on a desktop, every page checked with axe."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Locator, Page, expect

from kooperacja.plans.models import BasketItem, CooperationPlan, PlanStatus
from tests.helpers_plans import plan_case
from tests.personas import GOPS_MIRZEC

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)


def polish(msgid: str, context: str = "") -> str:
    with translation.override("pl"):
        return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=name, exact=True).click()


def _field(page: Page, label: str) -> Locator:
    """The form field of this label (Django ends labels with a colon)."""
    return page.locator("main").get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


@BOTH_VIEWPORTS
def test_it_creates_a_plan_with_a_goal_and_a_basket_item_and_records_the_agreement(
    sign_in, visit, screenshot, persona, viewport
):
    case = plan_case(persona(GOPS_MIRZEC))
    width = "360" if viewport == "mobile" else "1280"
    sign_in(GOPS_MIRZEC)
    page = visit(f"/cases/{case.public_id}/")
    page.locator("main").get_by_role("link", name=polish("Plan (IPW)"), exact=True).click()
    page.wait_for_load_state()

    page.get_by_label(polish("Title")).fill("IPW rodziny")
    _submit(page, polish("Start a plan"))
    plan = CooperationPlan.objects.get(case=case)
    assert page.url.endswith(f"/plans/{plan.public_id}/")

    page.locator("main").get_by_role("link", name=polish("Add a goal"), exact=True).click()
    page.wait_for_load_state()
    _field(page, polish("Goal")).fill("Regularna nauka syna")
    _field(page, polish("Indicator")).fill("frekwencja w szkole")
    _field(page, polish("Target")).fill("90%")
    due_on = timezone.localdate() + dt.timedelta(days=180)
    _field(page, polish("Due on")).fill(due_on.isoformat())
    _submit(page, polish("Save"))
    expect(page.locator("main")).to_contain_text("Regularna nauka syna")

    page.locator("main").get_by_role("link", name=polish("Add to the basket"), exact=True).click()
    page.wait_for_load_state()
    _field(page, polish("Action")).fill("Konsultacje z pedagogiem")
    _field(page, polish("Goal")).select_option(label="Regularna nauka syna")
    _submit(page, polish("Add to the basket"))
    assert BasketItem.objects.get(plan=plan).goal is not None
    screenshot(f"plans-basket-item-{width}")

    page.locator("main").get_by_role("link", name=polish("Back to the plan"), exact=True).click()
    page.wait_for_load_state()
    page.locator("main").get_by_role("link", name=polish("Record the person's agreement"), exact=True).click()
    page.wait_for_load_state()
    page.get_by_label(polish("signed on paper")).check()
    _submit(page, polish("Save"))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    main = page.locator("main")
    expect(main).to_contain_text(polish("agreed", "plan"))
    expect(main).to_contain_text("Konsultacje z pedagogiem")
    assert _overflow(page) <= 0, f"the plan page is {_overflow(page)}px wider than the screen"
    screenshot(f"plans-plan-{width}")
