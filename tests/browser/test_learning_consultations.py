"""Consultations and recommendations in a real browser: an analyst of ROPS Kielce records a
consultation and a remark, draws a recommendation from it and decides it (desktop), and the
summary with its charts fits a 360 px screen. Every page is checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kooperacja.learning.tests.consultation_factories import make_recommendation, make_remark
from tests.personas import ROPS_KIELCE, ROPS_RZESZOW


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


def test_an_analyst_records_a_consultation_a_remark_and_decides_a_recommendation(sign_in, visit):
    # Located by address and field ids: the words are Polish once the catalogues are merged.
    sign_in(ROPS_KIELCE)
    page = visit("/learning/consultations/")
    page.locator("a[href='/learning/consultations/new/']").click()
    page.locator("#id_title").fill("Konsultacje w Opatowie")
    page.locator("#id_held_on").fill("2019-02-10")
    page.locator("#id_place").fill("Opatów")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Konsultacje w Opatowie")

    page.locator("#id_topic").select_option("goals")
    page.locator("#id_text").fill("Trudno uzgodnić wzajemne oczekiwania.")
    page.locator("#id_raised_by").fill("GOPS")
    page.locator("form[action*='/remarks/'] button[type=submit]").click()
    expect(page.locator("li[id^=remark-] p", has_text="Trudno uzgodnić wzajemne oczekiwania.").first).to_be_visible()

    page = visit("/learning/recommendations/new/")
    page.locator("#id_title").fill("Szkolenia z uzgadniania oczekiwań")
    page.locator("#id_text").fill("Szkolić członków zespołów.")
    expect(page.locator("#id_region")).not_to_have_value("")  # its own centre, chosen
    page.locator("#id_kind").select_option("training")
    page.get_by_label("Trudno uzgodnić wzajemne oczekiwania.", exact=False).check()
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Szkolenia z uzgadniania oczekiwań")

    page.locator("#id_status").select_option("accepted")
    page.locator("#id_reason").fill("Włączone do Szkoły kooperacji.")
    page.locator("form[action*='/decision/'] button[type=submit]").click()
    expect(page.locator("dd", has_text="Włączone do Szkoły kooperacji.")).to_be_visible()
    expect(page.locator(".badge-success")).to_be_visible()


@pytest.mark.mobile
def test_the_summary_and_the_list_fit_a_360_px_screen(sign_in, visit):
    make_recommendation(remarks=(make_remark(topic="overload"),), kind="legal_change")
    sign_in(ROPS_RZESZOW)
    page = visit("/learning/recommendations/summary/")
    charts = page.locator("svg.chart")
    expect(charts.first).to_be_visible()
    assert _overflow(page) <= 0
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 360
    page = visit("/learning/recommendations/")
    expect(page.locator("a[href^='/learning/recommendations/']", has_text="Wspólna baza danych").first).to_be_visible()
    assert _overflow(page) <= 0
