"""The diagnosis of a case in a real browser, as the social worker of GOPS Mirzec: the case's
diagnoses with their chart and table at 360 px and on a desktop, and a new diagnosis recorded
with the keyboard alone (Tab, Space and the arrow keys on each domain's levels)."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kooperacja.assessment.models import Assessment
from kooperacja.cases.demo import demo_uuid
from tests.personas import GOPS_MIRZEC

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)

CASE = demo_uuid("case", "mirzec-1")


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _width(viewport: str) -> str:
    return "360" if viewport == "mobile" else "1280"


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    # A missing element fails in seconds rather than after Playwright's 30.
    page.set_default_timeout(8000)


@BOTH_VIEWPORTS
def test_it_shows_the_diagnoses_of_a_case_as_a_chart_and_a_table(sign_in, visit, screenshot, viewport):
    sign_in(GOPS_MIRZEC)
    page = visit(f"/cases/{CASE}/")
    page.get_by_role("link", name=polish("Diagnosis"), exact=True).click()
    page.wait_for_load_state()

    assert page.url.endswith(f"/assessment/cases/{CASE}/")
    chart = page.locator("main figure.chart svg[role='img']").first
    expect(chart).to_be_visible()
    # Its labels (14 units high) stay readable on a phone: the chart scrolls in its region instead.
    scale = chart.evaluate("svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width")
    assert 14 * scale >= 11, f"the chart's labels are {14 * scale:.1f}px high"
    # Every dot is on screen without scrolling (at 360 px the names once pushed them out of sight).
    hidden = chart.evaluate(
        """svg => { const region = svg.closest('.chart-scroll').getBoundingClientRect();
        return [...svg.querySelectorAll('circle')].filter(dot => { const r = dot.getBoundingClientRect();
        return r.width === 0 || r.left < region.left || r.right > region.right || r.right > innerWidth; }).length; }"""
    )
    assert chart.locator("circle").count() > 5 and hidden == 0, f"{hidden} dots of the chart are out of sight"
    table = page.locator("main table").first
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() > 5, "a row for every domain"
    assert _overflow(page) <= 0, f"the diagnosis page is {_overflow(page)}px wider than the screen"
    cut = page.evaluate("(w => w.scrollWidth - w.clientWidth)(document.querySelector('main .table-wrap'))")
    assert cut <= 0, f"the table is {cut}px wider than its region"
    screenshot(f"assessment-case-{_width(viewport)}")

    page.locator("main ul a[href^='/assessment/']").first.click()
    page.wait_for_load_state()
    expect(page.locator("main table tbody tr").first).to_be_visible()
    assert _overflow(page) <= 0, f"a diagnosis is {_overflow(page)}px wider than the screen"
    screenshot(f"assessment-detail-{_width(viewport)}")


def test_it_records_a_diagnosis_with_the_keyboard_alone(sign_in, visit, page, screenshot):
    sign_in(GOPS_MIRZEC)
    before = Assessment.objects.filter(case__public_id=CASE).count()
    page = visit(f"/assessment/cases/{CASE}/new/")
    groups = page.locator("main fieldset.domain")
    domains = groups.count()
    assert domains > 5

    page.locator("#id_assessed_on").focus()
    chosen: dict[str, str] = {}
    for _ in range(domains * 6):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.type === 'radio' ? document.activeElement.name : ''")
        if name and name not in chosen:
            # Space picks the first level, each arrow key the next one: levels 2, 3 and 4 in turn.
            page.keyboard.press("Space")
            for _ in range(1 + len(chosen) % 3):
                page.keyboard.press("ArrowDown")
            chosen[name] = page.evaluate("document.activeElement.value")
            outline = page.evaluate("(s => [s.outlineStyle, s.boxShadow])(getComputedStyle(document.activeElement))")
            assert outline[0] != "none" or outline[1] != "none", f"{name}: no visible focus"
            if len(chosen) == 2:
                screenshot("assessment-form-keyboard-1280")
        if len(chosen) == domains:
            break
    assert len(chosen) == domains, f"reached by Tab: {len(chosen)} of {domains} domains"
    assert set(chosen.values()) == {"2", "3", "4"}

    # On to the save button by Tab, and Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator(".message-success")).to_be_visible()
    assert Assessment.objects.filter(case__public_id=CASE).count() == before + 1
    latest = Assessment.objects.filter(case__public_id=CASE).order_by("-id").first()
    assert latest is not None
    levels = {f"level_{score.domain.code}": str(score.level) for score in latest.scores.select_related("domain")}
    assert levels == chosen
    screenshot("assessment-saved-1280")
