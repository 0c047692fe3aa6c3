"""Every demo persona signs in and lands on 'Moja praca'; the menus lead to working pages.

The harness checks each page with axe-core (no serious or critical violation), and fails on
console errors and on requests to other hosts.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.personas import ADMIN, GOPS_MIRZEC, LEADER, PERSONAS


@pytest.mark.parametrize("username", PERSONAS)
def test_it_brings_each_persona_to_its_home_page(username, sign_in):
    page = sign_in(username)
    assert urlsplit(page.url).path == "/home/"
    assert page.locator("h1").inner_text() == "Moja praca"


# Between them, the administrator and the manager see every entry the menu has.
@pytest.mark.parametrize("username", [ADMIN, LEADER])
def test_it_opens_every_page_of_the_menu(username, sign_in, visit):
    page = sign_in(username)
    links = page.locator("nav a[href^='/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for target in sorted(set(links)):
        assert visit(target).locator("h1").count() == 1, f"{target} has no single main heading"


def _overflow(page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.mark.mobile
@pytest.mark.parametrize("username", [GOPS_MIRZEC, LEADER, ADMIN])
def test_it_fits_every_menu_page_into_a_phone_screen(username, sign_in, visit):
    page = sign_in(username)
    assert _overflow(page) <= 0, f"the home page is {_overflow(page)}px wider than a 360 px screen"
    links = page.locator("nav a[href^='/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    wide = {target: _overflow(visit(target)) for target in sorted(set(links))}
    assert not {target: px for target, px in wide.items() if px > 0}, "pages wider than 360 px"
