"""A regional analyst's dashboards in a real browser: from the start page to the voivodeship,
another period, down to a powiat — at desktop and at 360 px, every page checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.personas import ROPS_KIELCE


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(15000)


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_an_analyst_goes_from_the_voivodeship_to_a_powiat(sign_in, visit, screenshot, viewport):
    sign_in(ROPS_KIELCE)
    page = visit("/evaluation/")
    page.get_by_role("link", name="Województwo świętokrzyskie").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Województwo świętokrzyskie")

    page.get_by_label("Okres").select_option("2019")
    page.get_by_role("button", name="Pokaż").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2019 r.")
    expect(page.get_by_role("columnheader", name="2018 r.").first).to_be_visible()
    assert int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")) <= 0
    screenshot(f"evaluation-voivodeship-{viewport}")

    page.get_by_role("link", name="starachowicki").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Powiat starachowicki")
    assert "period=2019" in page.url
