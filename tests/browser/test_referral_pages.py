"""Referrals in a real browser: gops.mirzec refers a person of a demo household to the school
(two steps: whom, then why and what to share, with categories the consent does not cover shown
disabled); szkola.mirzec finds it in the inbox, accepts it and writes a message; at 360 px and on
a desktop, with axe-core on every page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kooperacja.cases.demo import demo_uuid
from tests.personas import GOPS_MIRZEC, SCHOOL

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)

# A demo household of Mirzec in which the school takes part, with consent.
SCHOOL_CASE = demo_uuid("case", "mirzec-1")
REASON = "Dziecko potrzebuje zajęć wyrównawczych z matematyki (test przeglądarkowy)."
MESSAGE = "Zapraszamy w poniedziałek o 8:00 do pedagoga szkolnego."


def polish(msgid: str, context: str = "") -> str:
    with translation.override("pl"):
        return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def _width(viewport: str) -> str:
    return "360" if viewport == "mobile" else "1280"


def _fits(page: Page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{what} is {overflow}px wider than the screen"
    cut = page.evaluate(
        "Math.max(0, ...[...document.querySelectorAll('main .table-wrap')].map(w => w.scrollWidth - w.clientWidth))"
    )
    assert cut <= 0, f"a table of {what} is {cut}px wider than its region"


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


def _click(page: Page, locator: str) -> None:
    with page.expect_navigation():
        page.locator(locator).first.click()


@BOTH_VIEWPORTS
def test_a_referral_goes_to_the_school_which_accepts_it_and_answers(sign_in, visit, page, screenshot, viewport):
    sign_in(GOPS_MIRZEC)
    page = visit(f"/plans/cases/{SCHOOL_CASE}/referrals/new/")
    expect(page.locator("main h1")).to_have_text(polish("New referral"))
    page.locator("#id_institution").select_option(label="Publiczna Szkoła Podstawowa w Mircu")
    page.locator("#id_person").select_option(index=1)
    _click(page, "main form button[type='submit']")

    # Step 2: identity is ticked; what the consent does not cover cannot be ticked.
    identity = page.locator("input[name='shared_categories'][value='identity']")
    expect(identity).to_be_checked()
    expect(identity).to_be_enabled()
    assert page.locator("input[name='shared_categories']:disabled").count() > 0
    no_consent = polish("%(category)s — no consent").split("—")[-1].strip()  # "brak zgody"
    expect(page.locator("main form[method='post']")).to_contain_text(no_consent)
    _fits(page, "the new referral")
    screenshot(f"referral-new-{_width(viewport)}")
    page.locator("#id_reason").fill(REASON)
    _click(page, "main form[method='post'] button[name='send']")

    expect(page.locator("main")).to_contain_text(REASON)
    expect(page.locator("main h1")).to_contain_text(polish("sent", "referral"))
    referral_url = urlsplit(page.url).path  # without the form's #form-errors the redirect kept

    page.context.clear_cookies()
    sign_in(SCHOOL)
    page = visit("/plans/referrals/inbox/")
    expect(page.locator(f"main table tbody a[href='{referral_url}']")).to_have_count(1)
    _fits(page, "the inbox")
    screenshot(f"referral-inbox-{_width(viewport)}")

    page = visit(referral_url)
    expect(page.locator("main")).to_contain_text(REASON)
    _click(page, "main form[action*='/accept/'] button[type='submit']")
    expect(page.locator("main h1")).to_contain_text(polish("accepted", "referral"))

    page.locator("#id_text").fill(MESSAGE)
    _click(page, "main form[action*='/messages/'] button[type='submit']")
    expect(page.locator("main article").filter(has_text=MESSAGE)).to_have_count(1)
    _fits(page, "the referral")
    screenshot(f"referral-detail-{_width(viewport)}")
