"""The cooperation network in a real browser: an animator of the powiat opens it from the start
page of the evaluation, reads the picture (an image with its legend, scrolling sideways on a
phone instead of widening the page) and the tables, and looks at another year — at desktop and
at 360 px, every page checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.personas import PCPR


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(15000)


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_an_animator_reads_the_network_of_the_powiat(sign_in, visit, screenshot, viewport):
    sign_in(PCPR)
    page = visit("/evaluation/")
    page.locator("a[href='/evaluation/powiat/2611/network/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Powiat starachowicki")

    # The G-PZK Mirzec met seven times in 2018: its institutions form the network of that year.
    page.get_by_label("Okres").select_option("2018")
    page.get_by_role("button", name="Pokaż").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2018")
    picture = page.locator("svg.network[role='img']")
    expect(picture).to_be_visible()
    expect(picture.locator("text").filter(has_text="GOPS Mirzec")).to_have_count(1)
    expect(page.locator(".network-legend li").first).to_be_visible()
    expect(page.locator("#table-network-central")).to_be_visible()
    # The pairs and the years are tables like the others: each can be downloaded.
    for key in ("network-pairs", "network-years"):
        expect(page.locator(f"a[href='/evaluation/powiat/2611/tables/{key}.csv?period=2018']")).to_be_visible()
    assert int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")) <= 0
    screenshot(f"evaluation-network-{viewport}")

    # The picture's region takes the keyboard's focus, so it can be scrolled without a mouse.
    region = page.locator("[role='region']:has(svg.network)")
    region.focus()
    expect(region).to_be_focused()
    # Back to all figures of the powiat, for the same year.
    expect(page.locator("a[href='/evaluation/powiat/2611/?period=2018']")).to_be_visible()
