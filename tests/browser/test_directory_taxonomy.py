"""Retiring a taxonomy term in a real browser, at 1280 and 360 px: the administrator unticks
"in use", the tree marks the term retired, a parent with terms in use below it is refused with
the summary focused, and the public filters no longer offer the retired term."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import Page, expect

from kooperacja.directory.models import TaxonomyTerm
from tests.personas import ADMIN

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return capfirst(translation.gettext(msgid))


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@BOTH_VIEWPORTS
def test_it_retires_a_term_and_refuses_a_parent_with_terms_in_use(
    sign_in: Callable[[str], Page],
    visit: Callable[[str], Page],
    screenshot: Callable[[str], Any],
    viewport: str,
) -> None:
    mediation = TaxonomyTerm.objects.categories().get(code="mediation")
    width = "360" if viewport == "mobile" else "1280"
    sign_in(ADMIN)

    page = visit(f"/directory/taxonomy/terms/{mediation.public_id}/edit/")
    page.get_by_label(polish("in use")).uncheck()
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()

    item = page.locator("#term-mediation")
    expect(item.locator(".badge")).to_have_text(polish("retired").lower())
    expect(item.locator("a[href*='parent=']")).to_have_count(0)
    assert not TaxonomyTerm.objects.get(pk=mediation.pk).is_active
    item.scroll_into_view_if_needed()
    assert _overflow(page) <= 0
    screenshot(f"directory-taxonomy-retired-{width}")

    safety = TaxonomyTerm.objects.categories().get(code="safety")
    page = visit(f"/directory/taxonomy/terms/{safety.public_id}/edit/")
    page.get_by_label(polish("in use")).uncheck()
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary a[href='#id_is_active']")).to_be_visible()
    assert TaxonomyTerm.objects.get(pk=safety.pk).is_active
    screenshot(f"directory-taxonomy-retire-refused-{width}")

    page = visit("/directory/")
    expect(page.locator("select[name='category'] option[value='mediation']")).to_have_count(0)
    expect(page.locator("select[name='category'] option[value='therapy']")).to_have_count(1)
