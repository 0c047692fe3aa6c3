"""The library and good practices in a real browser: a visitor searches practices with an
inflected Polish word (at 360 px and on a desktop) and downloads a public material; a
regional analyst uploads one. Every page is checked with axe."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kooperacja.learning.demo_library import tiny_pdf
from kooperacja.learning.models import Material
from kooperacja.learning.tests.library_factories import make_material
from kooperacja.learning.tests.practice_factories import make_practice
from tests.personas import ROPS_KIELCE


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    page.set_default_timeout(8000)


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_visitor_finds_a_practice_by_an_inflected_word(visit, viewport):
    make_practice(title="Poradnia rodzinna w remizie", summary="Psycholog przyjmuje raz w tygodniu.")
    make_practice(title="Klub seniora w świetlicy", summary="Spotkania co tydzień.")
    page = visit("/learning/practices/")
    # Fields by name: the Polish labels come with the catalogue the lead merges.
    search = page.locator("form[role=search]")
    search.locator("input[name=q]").fill("poradni")
    with page.expect_navigation():
        search.locator("button[type=submit]").click()
    cards = page.locator("ul.cards > li")
    # The demo's practices may match too: the one made here is found, the club is not.
    expect(cards.filter(has_text="Poradnia rodzinna w remizie")).to_have_count(1)
    expect(cards.filter(has_text="Klub seniora w świetlicy")).to_have_count(0)
    assert _overflow(page) <= 0
    with page.expect_navigation():
        cards.get_by_role("link", name="Poradnia rodzinna w remizie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Poradnia rodzinna w remizie")


@pytest.mark.mobile
def test_a_visitor_downloads_a_public_material_at_360_px(visit, persona):
    make_material(persona(ROPS_KIELCE), title="Karta zgłoszenia do klubu", access_level="public")
    page = visit("/learning/materials/")
    assert _overflow(page) <= 0
    with page.expect_download() as info:
        page.get_by_role("row", name="Karta zgłoszenia do klubu").locator("a[download]").click()
    download = info.value
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")


def test_an_analyst_uploads_a_material_and_finds_it_in_the_list(sign_in, visit, tmp_path):
    sign_in(ROPS_KIELCE)
    page = visit("/learning/materials/new/")
    file = tmp_path / "prezentacja.pdf"
    file.write_bytes(tiny_pdf("Prezentacja"))
    form = page.locator("main form[enctype]")
    form.locator("input[name=file]").set_input_files(str(file))
    form.locator("input[name=title]").fill("Prezentacja ze spotkania liderów")
    form.locator("select[name=kind]").select_option("presentation")
    form.locator("select[name=topic]").select_option("model")
    form.locator("select[name=access_level]").select_option("region")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("table")).to_contain_text("Prezentacja ze spotkania liderów")
    assert Material.objects.filter(title="Prezentacja ze spotkania liderów", voivodeship__code="26").exists()


@pytest.mark.mobile
def test_a_social_worker_writes_a_practice_with_tags_at_360_px(sign_in, visit):
    from kooperacja.learning.models import PracticeTag

    PracticeTag.objects.get_or_create(slug="seniorzy", defaults={"name": "seniorzy"})
    sign_in("gops.mirzec")
    page = visit("/learning/practices/new/")
    form = page.locator("main form[method=post]")
    form.locator("input[name=title]").fill("Klub seniora przy bibliotece")
    form.locator("input[name=summary]").fill("Cotygodniowe spotkania seniorów.")
    form.locator("textarea[name=description]").fill("Spotkania w bibliotece, z pracownikiem socjalnym.")
    form.locator("input[name=tags][value=seniorzy]").check()
    form.locator("input[name=new_tags]").fill("biblioteka, integracja")
    assert _overflow(page) <= 0
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Klub seniora przy bibliotece")
    expect(page.locator("main")).to_contain_text("integracja")
