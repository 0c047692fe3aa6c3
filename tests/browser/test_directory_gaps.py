"""The resource map and gap analysis, and the taxonomy administration, in a real browser: the
matrix is usable at 360 px (it scrolls in its own region, the gmina column stays in view),
territory and columns are chosen without JavaScript, gaps are marked in words, and an
administrator adds a term through the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import Page, expect

from kooperacja.directory.models import TaxonomyTerm
from kooperacja.directory.tests.test_gaps import Land, make_land, make_service
from tests.personas import ADMIN, GOPS_MIRZEC

GAPS = "/directory/gaps/"


@pytest.fixture
def land(db: None) -> Land:
    found = make_land()
    make_service("Poradnia prawna", ["legal-counselling"], gminas=[found.alfa, found.beta])
    make_service("Punkt interwencji kryzysowej", ["crisis-intervention"], county=found.county)
    make_service("Przychodnia", ["primary-care", "medical-rehabilitation"], gminas=[found.alfa])
    make_service("Klub seniora", ["club", "day-support"], gminas=[found.beta, found.lake])
    make_service("Świetlica", ["after-school"], gminas=[found.alfa])
    make_service("Pośrednictwo pracy", ["job-placement"], county=found.county)
    return found


def translation_of(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


def polish(msgid: str) -> str:
    """The text the page shows for a msgid (Polish once translated, the msgid until then)."""
    with translation.override("pl"):
        return capfirst(translation.gettext(msgid))


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def test_it_shows_the_matrix_and_marks_gaps_in_words(
    land: Land, sign_in: Callable[[str], Page], visit: Callable[[str], Page], screenshot: Callable[[str], Any]
) -> None:
    sign_in(GOPS_MIRZEC)
    page = visit(f"{GAPS}?voivodeship=98&county=9801")

    table = page.locator("table.gap-matrix")
    expect(table).to_be_visible()
    lake = table.locator("tbody tr").filter(has=page.get_by_role("rowheader", name="Łąka"))
    # Łąka has the powiat's crisis and job services and a club: four main categories lack any.
    expect(lake.locator("td.gap")).to_have_count(4)
    expect(lake.locator("td.gap").first).to_contain_text(translation_of("none"))
    alfa = table.locator("tbody tr").filter(has=page.get_by_role("rowheader", name="Alfa"))
    link = alfa.get_by_role("link", name="2").first
    query = parse_qs(urlsplit(link.get_attribute("href") or "").query)
    assert query["gmina"] == ["9801012"]
    screenshot("directory-gaps-1280")


def test_it_chooses_the_territory_and_columns_without_javascript(
    land: Land, sign_in: Callable[[str], Page], visit: Callable[[str], Page], screenshot: Callable[[str], Any]
) -> None:
    sign_in(GOPS_MIRZEC)
    page = visit(GAPS)
    expect(page.get_by_role("rowheader", name="Mirzec")).to_be_visible()
    screenshot("directory-gaps-demo-1280")

    page.locator("#id_voivodeship").select_option("98")
    with page.expect_navigation():
        page.locator("form.filters button[type='submit']").click()
    # The voivodeship changed: its first powiat is shown, and its powiats are offered.
    expect(page.get_by_role("rowheader", name="Alfa")).to_be_visible()
    page.locator("#id_county").select_option("all")
    page.locator("#id_level").select_option("sub")
    with page.expect_navigation():
        page.locator("form.filters button[type='submit']").click()

    expect(page.get_by_role("rowheader", name="Gamma")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Poradnictwo prawne")).to_be_visible()
    social = page.locator("th[scope='colgroup']").filter(has_text="Pomoc społeczna")
    with page.expect_navigation():
        social.locator("a.column-toggle").click()
    expect(page.get_by_role("columnheader", name="Poradnictwo prawne")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Terapia uzależnień")).to_be_visible()


@pytest.mark.mobile
def test_it_keeps_the_matrix_usable_on_a_phone(
    land: Land, sign_in: Callable[[str], Page], visit: Callable[[str], Page], screenshot: Callable[[str], Any]
) -> None:
    sign_in(GOPS_MIRZEC)
    page = visit(f"{GAPS}?voivodeship=98&county=9801&expand=social-assistance")

    assert _overflow(page) <= 0, f"the page is {_overflow(page)}px wider than a 360 px screen"
    region = page.locator(".table-wrap")
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    gmina = page.get_by_role("rowheader", name="Alfa")
    before = gmina.bounding_box()
    # Keyboard users scroll the focusable region with the arrow keys.
    region.focus()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)  # keyboard scrolling is animated
    assert region.evaluate("element => element.scrollLeft") > 0
    region.evaluate("element => { element.scrollLeft = 600; }")
    after = gmina.bounding_box()
    assert before and after and abs(before["x"] - after["x"]) < 1, "the gmina column scrolled out of view"
    region.evaluate("element => { element.scrollLeft = 0; element.blur(); }")
    page.wait_for_timeout(100)
    screenshot("directory-gaps-360")


def test_it_lets_the_administrator_add_a_term_that_then_shows_in_the_matrix(
    land: Land, sign_in: Callable[[str], Page], visit: Callable[[str], Page], screenshot: Callable[[str], Any]
) -> None:
    health = TaxonomyTerm.objects.categories().get(code="health")
    sign_in(ADMIN)
    page = visit("/directory/taxonomy/")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=health.taxonomy.name).click()
    with page.expect_navigation():
        page.locator("#term-health > a[href*='parent=']").click()

    page.get_by_label(polish("code")).fill("Teleporady")
    page.get_by_label(polish("name"), exact=False).first.fill("Teleporady")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.get_by_label(polish("code")).fill("telemedicine")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()

    expect(page.locator("#term-telemedicine")).to_be_visible()
    added = TaxonomyTerm.objects.categories().get(code="telemedicine")
    assert added.parent == health
    screenshot("directory-taxonomy-1280")
    page = visit(f"{GAPS}?voivodeship=98&county=9801&expand=health")
    expect(page.get_by_role("columnheader", name="Teleporady")).to_be_visible()
