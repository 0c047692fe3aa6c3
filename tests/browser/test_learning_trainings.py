"""Trainings in a real browser, at 1280 px and at 360 px: a social worker finds a full training,
joins its waiting list and sees the place in the queue on the training and in „My learning”;
then anyone checks a certificate on the public verification page. Every page is checked with
axe."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kooperacja.learning import trainings as service
from kooperacja.learning.tests.training_factories import enrolled, fill, make_training, mark
from kooperacja.teams.tests.factories import user
from tests.personas import GOPS_MIRZEC

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


@BOTH_VIEWPORTS
def test_a_worker_joins_the_waiting_list_and_sees_the_place(sign_in, visit, screenshot, viewport):
    training = make_training(capacity=1, title="Superwizja grupowa – edycja testowa", days=(20, 21))
    fill(training, 1)
    sign_in(GOPS_MIRZEC)
    page = visit("/learning/trainings/?when=upcoming")
    page.locator("main").get_by_role("link", name="Superwizja grupowa – edycja testowa").click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=polish("Join the waiting list"), exact=True).click()
    expect(page.locator("#my-status")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"\b1\b"))
    assert _overflow(page) <= 0
    screenshot(f"learning-training-waiting-{viewport}")

    page = visit("/learning/my/")
    expect(page.locator("main")).to_contain_text("Superwizja grupowa – edycja testowa")
    assert _overflow(page) <= 0
    screenshot(f"learning-my-{viewport}")


@BOTH_VIEWPORTS
def test_anyone_verifies_a_certificate_by_its_code(visit, screenshot, viewport):
    training = make_training(days=(-2,), title="Komunikacja interpersonalna – test")
    mark(training, enrolled(training, user(GOPS_MIRZEC)), 0)
    certificate = service.issue_certificates(None, training).issued[0].certificate
    assert certificate is not None
    page = visit("/learning/verify/")
    page.locator("main").get_by_label(re.compile(polish("Verification code"))).fill(certificate.code.lower())
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=polish("Check"), exact=True).click()
    expect(page.locator("#result")).to_contain_text(certificate.holder_name)
    expect(page.locator("#result")).to_contain_text("Komunikacja interpersonalna – test")
    assert _overflow(page) <= 0
    screenshot(f"learning-verify-{viewport}")

    page = visit("/learning/verify/?code=KOOP-2222-2222")
    expect(page.locator("#result")).to_contain_text(polish("No certificate with this code was found."))
