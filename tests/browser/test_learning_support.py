"""Support for teams in a real browser: the regional analyst records a focus research session
for G-PZK Mirzec from the team's filtered list (and sees the error for one that ends before it
starts), then a member of the team reads its findings; the list fits a 360 px screen. Every
page is checked with axe."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from kooperacja.learning.models import SupportActivity, SupportKind
from kooperacja.learning.tests.support_factories import make_activity, rops_kielce, team
from tests.personas import ROPS_KIELCE, SCHOOL

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


def _field(page: Page, label: str) -> Locator:
    """The form field of this label (Django ends labels with a colon)."""
    return page.locator("main").get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=name, exact=True).click()


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


@BOTH_VIEWPORTS
def test_the_analyst_records_focus_research_and_a_member_reads_its_findings(sign_in, visit, screenshot, viewport):
    mirzec = team()
    page = sign_in(ROPS_KIELCE)
    page = visit(f"/learning/support/?team={mirzec.public_id}")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=polish("Record support"), exact=True).click()

    _field(page, polish("Kind of support")).select_option(SupportKind.FOCUS)
    _field(page, polish("Subject")).fill("Badanie fokusowe: zasoby instytucji")
    _field(page, polish("Provided by")).select_option(str(rops_kielce().public_id))
    expect(_field(page, polish("Team"))).to_have_value(str(mirzec.public_id))
    _field(page, polish("From")).fill("2019-03-12")
    _field(page, polish("Until")).fill("2019-03-11")
    _field(page, polish("Hours")).fill("3,5")
    _field(page, polish("People taking part")).fill("11")
    _field(page, polish("Findings and agreed next steps")).fill("Partnerzy nie znają wzajemnie swoich zasobów.")
    _submit(page, polish("Save"))

    expect(page.locator(".error-summary")).to_contain_text(polish("The end date cannot be before the start date."))
    assert not SupportActivity.objects.filter(subject="Badanie fokusowe: zasoby instytucji").exists()
    screenshot(f"learning-support-ends-before-start-{viewport}")

    _field(page, polish("Until")).fill("2019-03-12")
    _submit(page, polish("Save"))
    activity = SupportActivity.objects.get(subject="Badanie fokusowe: zasoby instytucji")
    assert page.url.endswith(f"/learning/support/{activity.public_id}/#main")
    expect(page.locator("main")).to_contain_text(polish("Findings of the focus research"))

    page.context.clear_cookies()
    sign_in(SCHOOL)
    page = visit(f"/learning/support/{activity.public_id}/")
    expect(page.locator("main")).to_contain_text("Partnerzy nie znają wzajemnie swoich zasobów.")
    expect(page.locator("main").get_by_role("link", name=polish("Edit the support activity"))).to_have_count(0)
    screenshot(f"learning-support-detail-{viewport}")


@pytest.mark.mobile
def test_the_list_with_its_totals_fits_a_360_px_screen(sign_in, visit, screenshot):
    make_activity(subject="Doradztwo: plan pracy zespołu na 2019 rok", participants=[rops_kielce()])
    make_activity(subject="Badanie fokusowe", kind=SupportKind.FOCUS, findings="Brak wspólnej bazy danych.")
    sign_in(SCHOOL)
    page = visit("/learning/support/")
    expect(page.locator("main")).to_contain_text("Doradztwo: plan pracy zespołu na 2019 rok")
    assert _overflow(page) <= 0
    screenshot("learning-support-list-360")
