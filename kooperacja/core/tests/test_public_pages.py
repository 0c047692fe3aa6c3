"""The shell every page shares and the public pages: start, accessibility, privacy, help, errors."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from kooperacja.core import policies
from kooperacja.core.context_processors import shell
from kooperacja.core.models import Notification
from kooperacja.core.navigation import nav_items
from kooperacja.core.roles import Role
from kooperacja.core.views import errors

PUBLIC_PAGES = [
    ("core:start", {}),
    ("core:accessibility", {}),
    ("core:privacy", {}),
    ("core:help", {}),
    ("core:help_role", {"role": "social_worker"}),
]
KOOPERACJA = Path(settings.BASE_DIR) / "kooperacja"


class _Collector(HTMLParser):
    """The tags of a page in order, with their attributes, and the text of each element id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def _tags(html: str) -> list[tuple[str, dict[str, str]]]:
    collector = _Collector()
    collector.feed(html)
    return collector.tags


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_PAGES)
def test_it_serves_every_public_page_to_anonymous_visitors(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="pl">' in html
    assert '<main id="main"' in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_PAGES)
def test_it_refuses_to_change_anything_on_public_pages(client, name, kwargs):
    response = client.post(reverse(name, kwargs=kwargs))

    assert response.status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_it_has_a_help_page_for_every_role(client, role):
    response = client.get(reverse("core:help_role", kwargs={"role": role}))

    assert response.status_code == 200
    assert capfirst(str(Role(role).label)) in response.content.decode()


@pytest.mark.django_db
def test_it_links_every_role_page_from_the_help_index(client):
    html = client.get(reverse("core:help")).content.decode()

    for role in Role.values:
        assert f'href="{reverse("core:help_role", kwargs={"role": role})}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["public", "superuser", "summary", "SOCIAL_WORKER"])
def test_it_answers_404_with_a_friendly_page_for_an_unknown_help_role(client, role):
    response = client.get(f"/help/{role}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="/"' in html
    assert '<main id="main"' in html


@pytest.mark.django_db
def test_it_puts_the_skip_link_first_and_points_it_at_main(client):
    tags = _tags(client.get("/").content.decode())

    body = [tag for tag, _ in tags].index("body")
    first_tag, first_attrs = tags[body + 1]
    assert (first_tag, first_attrs.get("class"), first_attrs.get("href")) == ("a", "skip-link", "#main")
    main = next(attrs for tag, attrs in tags if tag == "main")
    assert main["id"] == "main"
    assert main["tabindex"] == "-1"  # so that following the skip link moves the focus there


@pytest.mark.django_db
def test_it_says_skip_to_content_in_polish(client):
    # Needs the Polish catalogue of core (the lead merges the translations).
    assert "Przejdź do treści" in client.get("/").content.decode()


@pytest.mark.django_db
def test_it_links_the_accessibility_statement_privacy_clause_and_help_from_the_footer(client):
    html = client.get("/").content.decode()
    footer = html[html.index("<footer") :]

    for name in ("core:accessibility", "core:privacy", "core:help"):
        assert f'href="{reverse(name)}"' in footer


@pytest.mark.django_db
def test_it_gives_the_menu_button_a_disclosure_state_and_starts_it_hidden_for_no_script_browsers(client):
    tags = _tags(client.get("/").content.decode())

    button = next(attrs for tag, attrs in tags if tag == "button" and "menu-toggle" in attrs.get("class", ""))
    assert button["aria-expanded"] == "false"
    assert button["aria-controls"] == "site-menu"
    assert "hidden" in button
    assert any(attrs.get("id") == "site-menu" for _, attrs in tags)


@pytest.mark.django_db
def test_it_offers_both_languages_named_in_themselves(client):
    html = client.get("/").content.decode()

    assert f'action="{reverse("set_language")}"' in html
    assert '<button type="submit" name="language" value="en" lang="en" class="button-link">English</button>' in html
    assert '<span class="language-current" lang="pl" aria-current="true">Polski</span>' in html


@pytest.mark.django_db
def test_it_switches_the_language_with_a_cookie_and_names_it_in_html_lang(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/help/"})

    assert response.status_code == 302
    assert response["Location"] == "/help/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/help/").content.decode()


@pytest.mark.django_db
def test_it_shows_the_signed_in_user_the_unread_count_and_a_logout_form(client, persona):
    user = persona("gops.mirzec")
    Notification.objects.filter(recipient=user).delete()  # the demo's own notifications aside
    Notification.objects.bulk_create(Notification(recipient=user, kind="test", title=f"N{i}") for i in range(3))
    Notification.objects.create(recipient=user, kind="test", title="read", read_at="2026-01-01T10:00:00Z")
    client.force_login(user)

    html = client.get("/").content.decode()

    assert str(user) in html
    assert '<span aria-hidden="true">(3)</span>' in html
    assert f'<form class="inline-form" method="post" action="{reverse("logout")}">' in html
    assert 'href="/accounts/login/"' not in html.split("<main", 1)[0]


@pytest.mark.django_db
def test_it_renders_messages_in_a_live_region(client, persona):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = RequestFactory().get("/")
    request.user = persona("gops.mirzec")
    request.session = client.session
    storage = FallbackStorage(request)
    storage.add(constants.SUCCESS, "Zapisano zmiany.")
    request._messages = storage  # type: ignore[attr-defined]

    html = errors.page_not_found(request).content.decode()

    region = html[html.index('<div class="messages"') :]
    assert region.startswith('<div class="messages" role="status" aria-live="polite">')
    assert '<li class="message message-success">Zapisano zmiany.</li>' in region


@pytest.mark.django_db
def test_it_counts_unread_notifications_in_one_query(persona, django_assert_num_queries):
    user = persona("gops.mirzec")
    Notification.objects.filter(recipient=user).update(read_at=timezone.now())  # the demo's, read
    request = RequestFactory().get("/")
    request.user = user
    policies.memberships(user)  # the menu's memberships are read once per request, elsewhere

    with django_assert_num_queries(1):
        context = shell(request)

    assert context["unread_notifications"] == 0


@pytest.mark.django_db
def test_it_gives_anonymous_visitors_the_directory_and_help_and_no_count():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    context = shell(request)

    assert [item.url_name for item in context["nav_items"]] == ["directory:search", "core:help"]
    assert context["unread_notifications"] == 0


@pytest.mark.django_db
def test_it_shows_each_role_only_its_sections(persona):
    admin = [item.url_name for item in nav_items(persona("admin"))]
    manager = [item.url_name for item in nav_items(persona("lider.mirzec"))]
    worker = [item.url_name for item in nav_items(persona("gops.mirzec"))]

    assert {"core:home", "core:notifications", "core:audit", "core:tasks", "core:help"} <= set(admin)
    assert {"core:home", "core:audit"} <= set(manager)
    assert "core:tasks" not in manager
    assert "core:audit" not in worker
    assert "core:tasks" not in worker
    assert "territory:list" not in worker
    assert "directory:manage" not in worker
    assert {"directory:search", "directory:gaps"} <= set(worker)
    assert "directory:taxonomy" in admin and "directory:taxonomy" not in manager


@pytest.mark.django_db
def test_it_leaves_out_sections_whose_page_does_not_exist(persona, monkeypatch):
    from kooperacja.core import navigation

    monkeypatch.setattr(
        navigation, "_SECTIONS", [*navigation._SECTIONS, ("nowhere:list", "Nowhere", lambda user: True)]
    )

    assert "nowhere:list" not in [item.url_name for item in nav_items(persona("admin"))]


@pytest.mark.django_db
def test_it_marks_the_current_section_in_the_menu(client):
    html = client.get(reverse("core:help")).content.decode()

    assert f'<a href="{reverse("core:help")}" aria-current="page">' in html


@pytest.mark.django_db
def test_it_shows_a_friendly_403_page_with_a_way_back():
    request = RequestFactory().get("/anything/")
    request.user = AnonymousUser()

    response = errors.permission_denied(request)

    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="button" href="/"' in html
    assert '<main id="main"' in html


def test_it_renders_the_500_page_without_the_database_or_the_request():
    # No `db` fixture: any query here would fail the test.
    response = errors.server_error(RequestFactory().get("/broken/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert '<main id="main"' in html
    assert 'href="/"' in html
    assert "csrfmiddlewaretoken" not in html


@pytest.mark.django_db
def test_it_answers_a_failed_csrf_check_with_a_page_that_saves_nothing(client):
    response = errors.csrf_failure(_request_for(client), reason="CSRF cookie not set.")

    assert response.status_code == 403
    assert '<main id="main"' in response.content.decode()


def _request_for(client):
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    request.session = client.session
    return request


@pytest.mark.django_db
def test_it_gives_the_accessibility_statement_the_structure_the_law_expects(client):
    html = client.get(reverse("core:accessibility")).content.decode()

    for element_id in (
        "a11y-wstep",
        "a11y-podmiot",
        "a11y-url",
        "a11y-data-publikacja",
        "a11y-data-aktualizacja",
        "a11y-status",
        "a11y-data-sporzadzenie",
        "a11y-ocena",
        "a11y-kontakt",
        "a11y-procedura",
        "a11y-architektura",
        "a11y-aplikacje",
    ):
        assert f'id="{element_id}"' in html, element_id
    assert re.search(r'id="a11y-data-publikacja">\d{4}-\d{2}-\d{2}<', html)
    assert re.search(r'id="a11y-data-aktualizacja">\d{4}-\d{2}-\d{2}<', html)
    assert "bip.brpo.gov.pl" in html


@pytest.mark.django_db
def test_it_names_the_operator_and_its_contact_in_the_statement(client, settings):
    settings.OPERATOR_NAME = "Regionalny Ośrodek Polityki Społecznej w Testowie"
    settings.OPERATOR_EMAIL = "dostepnosc@rops.example"
    settings.OPERATOR_PHONE = "41 000 00 00"

    html = client.get(reverse("core:accessibility")).content.decode()

    assert '<span id="a11y-podmiot">Regionalny Ośrodek Polityki Społecznej w Testowie</span>' in html
    assert '<a id="a11y-email" href="mailto:dostepnosc@rops.example">' in html
    assert '<span id="a11y-telefon">41 000 00 00</span>' in html


@pytest.mark.django_db
def test_it_names_the_supervisory_authority_in_the_privacy_clause(client):
    html = client.get(reverse("core:privacy")).content.decode()

    assert "ul. Stawki 2, 00-193 Warszawa" in html
    assert 'href="https://uodo.gov.pl/"' in html


@pytest.mark.django_db
def test_it_sends_a_strict_content_security_policy(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy


def test_no_page_template_has_inline_script_or_style():
    # E-mail templates are exempt: mail clients need inline styles, and no CSP applies to mail.
    inline_script = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
    inline_style = re.compile(r"<[a-z][^>]*\sstyle\s*=|<style\b", re.IGNORECASE)
    offenders = []
    for path in sorted(KOOPERACJA.rglob("templates/**/*.html")):
        if "email" in path.name or "email" in path.parts:
            continue
        text = path.read_text()
        for pattern, what in ((inline_script, "inline <script>"), (inline_style, "inline style")):
            offenders += [f"{path.relative_to(KOOPERACJA)}: {what}: {match[:80]}" for match in pattern.findall(text)]

    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_it_loads_nothing_from_other_hosts_on_the_start_page(client):
    tags = _tags(client.get("/").content.decode())

    loaded = [attrs.get("src") or attrs.get("href", "") for tag, attrs in tags if tag in {"script", "link", "img"}]
    assert loaded
    assert all(url.startswith("/") and not url.startswith("//") for url in loaded), loaded


@pytest.mark.django_db
def test_it_keeps_the_start_page_with_its_css_and_js_under_50_kb(client):
    response = client.get("/")
    tags = _tags(response.content.decode())

    assets = [attrs.get("src") or attrs.get("href", "") for tag, attrs in tags if tag in {"script", "link", "img"}]
    sizes = {"/": len(response.content)}
    for url in assets:
        assert url.startswith(settings.STATIC_URL), url
        found = finders.find(url.removeprefix(settings.STATIC_URL))
        assert found, f"{url} is not a static file"
        sizes[url] = Path(str(found)).stat().st_size

    assert sum(sizes.values()) <= 50 * 1024, sizes


@pytest.mark.django_db
def test_it_stays_polish_for_a_browser_set_to_english_until_english_is_chosen(client):
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    assert '<html lang="pl">' in client.get("/", **english_browser).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/", **english_browser).content.decode()
