"""A social project's budget chart in a real browser: on a 360 px screen its labels stay
readable (each line's name stands above its bar) and nothing pushes the page sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kooperacja.community.tests.project_factories import make_project
from tests.personas import GOPS_MIRZEC

LINES = (
    ("club", "9000"),
    ("counselling", "5000"),
    ("rehabilitation", "6000"),
    ("community_education", "5000"),
)


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_the_budget_chart_labels_are_readable_at_any_width(sign_in, visit, screenshot, viewport):
    project = make_project(lines=LINES)
    sign_in(GOPS_MIRZEC)
    page = visit(f"/community/projects/{project.public_id}/budget/")

    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    label = chart.locator("text").first
    box = label.bounding_box()
    assert box is not None and box["height"] >= 11, f"the label is {box} on screen: too small to read"
    assert int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")) <= 0
    screenshot(f"community-budget-{viewport}")
