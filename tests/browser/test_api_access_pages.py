"""The API access pages in a real browser: the tokens page fits a phone, and a token's secret
is shown once, after the form redirected, so reloading the page neither shows it again nor
issues a second token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from kooperacja.core.roles import Role
from kooperacja.institutions import tokens
from kooperacja.institutions.models import ApiToken, Institution, TokenScope
from tests.personas import GOPS_MIRZEC, LEADER

TOKENS = reverse("api_access:tokens")
SECRET = re.compile(r"kop_[A-Za-z0-9_-]{40}")


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _issue_from_form(page: Page, name: str) -> None:
    form = page.locator("form").filter(has=page.locator("input[name='days']"))
    form.get_by_label("Nazwa").fill(name)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()


def _shown_secret(page: Page) -> str:
    field = page.locator("#new-secret")
    expect(field).to_be_visible()
    secret = field.input_value()
    assert SECRET.fullmatch(secret), secret
    return secret


@pytest.mark.mobile
def test_it_fits_the_tokens_page_with_a_token_into_a_phone_screen(
    sign_in: Callable[[str], Page], visit: Callable[[str], Page], persona: Callable[[str], Any]
) -> None:
    tokens.issue_personal_token(
        persona(GOPS_MIRZEC), name="Arkusz kalkulacyjny z długą nazwą programu", scope=TokenScope.READ
    )
    sign_in(GOPS_MIRZEC)
    page = visit(TOKENS)

    expect(page.get_by_role("table")).to_contain_text("Arkusz kalkulacyjny")
    # The link names its token for a screen reader without hidden text that could widen the page.
    expect(page.get_by_role("link", name="Unieważnij „Arkusz kalkulacyjny z długą nazwą programu”")).to_be_visible()
    assert _overflow(page) <= 0, f"the page is {_overflow(page)}px wider than a 360 px screen"


@pytest.mark.mobile
def test_it_fits_the_tokens_page_with_a_new_secret_into_a_phone_screen(
    sign_in: Callable[[str], Page], visit: Callable[[str], Page]
) -> None:
    sign_in(GOPS_MIRZEC)
    page = visit(TOKENS)
    _issue_from_form(page, "Telefon")

    _shown_secret(page)
    assert _overflow(page) <= 0, f"the page is {_overflow(page)}px wider than a 360 px screen"


def test_it_shows_a_new_secret_once_and_a_reload_issues_nothing(
    sign_in: Callable[[str], Page], visit: Callable[[str], Page], persona: Callable[[str], Any]
) -> None:
    user = persona(GOPS_MIRZEC)
    sign_in(GOPS_MIRZEC)
    page = visit(TOKENS)

    _issue_from_form(page, "Arkusz")
    assert urlsplit(page.url).path == TOKENS
    secret = _shown_secret(page)
    expect(page.locator(".new-secret")).to_contain_text("tylko ten jeden raz")
    assert tokens.authenticate(secret) is not None

    page.reload()
    expect(page.get_by_role("heading", name="Moje tokeny API")).to_be_visible()
    expect(page.locator("#new-secret")).to_have_count(0)
    assert secret not in page.content()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_it_shows_a_client_token_once_and_a_reload_issues_nothing(
    sign_in: Callable[[str], Page], visit: Callable[[str], Page], persona: Callable[[str], Any]
) -> None:
    manager = persona(LEADER)
    institution = Institution.objects.get(memberships__user=manager, memberships__role=Role.MANAGER)
    api_client = tokens.create_api_client(manager, institution, name="Dziennik szkolny", role=Role.SOCIAL_WORKER)
    url = reverse("api_access:client", args=[institution.public_id, api_client.public_id])
    sign_in(LEADER)
    page = visit(url)

    _issue_from_form(page, "Produkcja")
    assert urlsplit(page.url).path == url
    secret = _shown_secret(page)

    page.reload()
    expect(page.locator("#new-secret")).to_have_count(0)
    assert secret not in page.content()
    assert api_client.tokens.count() == 1
