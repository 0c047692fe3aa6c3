"""Apps above core fill 'Moja praca' and the menu through core's registries, so core imports
none of them (DESIGN.md §3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kooperacja.core import home, navigation
from kooperacja.core.home import Link, register_section_content, sections_for
from kooperacja.core.navigation import nav_items, register_entry

pytestmark = pytest.mark.django_db

CORE = Path(home.__file__).parent


@pytest.fixture
def clean_registries(monkeypatch):
    monkeypatch.setattr(home, "_CONTENT", {})
    monkeypatch.setattr(navigation, "_REGISTERED", {})


def _section(sections, key):
    return next((section for section in sections if section.key == key), None)


def test_an_app_fills_a_section_the_user_s_roles_pick(persona, clean_registries):
    register_section_content("aggregates", lambda user: [Link("core:help", "Pomoc dla analityka")])
    section = _section(sections_for(persona("rops.kielce")), "aggregates")
    assert section is not None and [link.label for link in section.links] == ["Pomoc dla analityka"]


def test_a_section_shown_when_filled_appears_only_to_those_it_has_links_for(persona, clean_registries):
    register_section_content(
        "teams",
        lambda user: [Link("core:help", "Mój zespół")] if user.username == "szkola.mirzec" else [],
        shown_when_filled=True,
    )
    assert _section(sections_for(persona("szkola.mirzec")), "teams") is not None
    assert _section(sections_for(persona("rops.kielce")), "teams") is None


def test_a_section_not_shown_when_filled_stays_with_the_roles_that_pick_it(persona, clean_registries):
    register_section_content("tasks", lambda user: [Link("core:help", "Zadanie")])
    assert _section(sections_for(persona("rops.kielce")), "tasks") is None
    assert _section(sections_for(persona("gops.mirzec")), "tasks") is not None


def test_an_unknown_section_cannot_be_filled(clean_registries):
    with pytest.raises(ValueError):
        register_section_content("nowhere", lambda user: [])


def test_an_app_s_menu_entry_comes_right_after_the_one_it_names(persona, clean_registries):
    register_entry("core:help", "Pomoc", lambda user: True, after="core:home")
    names = [item.url_name for item in nav_items(persona("gops.mirzec"))]
    assert names[names.index("core:home") + 1] == "core:help"
    assert names.count("core:help") == 1


def test_an_entry_after_an_unknown_one_goes_last_and_its_predicate_decides(persona, clean_registries):
    register_entry("core:audit", "Dziennik", lambda user: user.username == "gops.mirzec", after="nowhere:list")
    assert [item.url_name for item in nav_items(persona("gops.mirzec"))][-1] == "core:audit"
    assert "core:audit" not in [item.url_name for item in nav_items(persona("rops.kielce"))]


def test_core_imports_no_app_above_it():
    # (core already reads institutions' memberships in core/policies.py: a known exception.)
    above = [f"kooperacja.{app}" for app in ("directory", "cases", "assessment", "plans", "teams", "api")]
    sources = [path for path in CORE.rglob("*.py") if "tests" not in path.parts and "migrations" not in path.parts]
    offending = [str(path) for path in sources if any(name in path.read_text() for name in above)]
    assert offending == []
