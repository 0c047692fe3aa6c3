"""The team's dashboard in a real browser at 360 px: the obligations chart shrinks with the
screen instead of pushing the page sideways. Every page is checked with axe."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kooperacja.teams.models import Agreement, AgreementParty, Obligation, ObligationStatus, PartyKind
from kooperacja.teams.tests.factories import institution_of, make_team
from tests.personas import LEADER


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


@pytest.mark.mobile
def test_the_dashboard_fits_a_360_px_screen(sign_in, visit, screenshot):
    team = make_team()
    agreement = Agreement.objects.create(team=team, title="Porozumienie", signed_on=timezone.localdate())
    party = AgreementParty.objects.create(
        agreement=agreement, kind=PartyKind.INSTITUTION, institution=institution_of("policja.mirzec")
    )
    for status in (ObligationStatus.IN_PROGRESS, ObligationStatus.FULFILLED, ObligationStatus.FULFILLED):
        Obligation.objects.create(agreement=agreement, party=party, text="Zobowiązanie", status=status)
    sign_in(LEADER)
    page = visit(f"/teams/{team.public_id}/dashboard/")

    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    assert _overflow(page) <= 0
    box = chart.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    screenshot("teams-dashboard-360")
