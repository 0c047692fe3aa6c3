"""The Polish catalogues: complete, compiled, and kept so by `manage.py update_translations`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from kooperacja.core.management.commands import update_translations

KOOPERACJA = Path(settings.BASE_DIR) / "kooperacja"
CATALOGUES = sorted(KOOPERACJA.glob("*/locale/*/LC_MESSAGES/*.po"))
needs_gettext = pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext")


def test_it_has_a_polish_catalogue_for_core():
    # THE ONE ASSERTION THAT WAITS FOR THE CATALOGUES: the lead creates kooperacja/<app>/locale
    # with `manage.py update_translations` and merges the translations of every task.
    assert (KOOPERACJA / "core" / "locale" / "pl" / "LC_MESSAGES" / "django.po").exists()


def test_every_catalogue_is_fully_translated():
    problems = []
    for path in CATALOGUES:
        problems += update_translations.catalogue_problems(path)

    assert not problems, "\n".join(problems)


def test_every_compiled_catalogue_matches_its_source():
    stale = [str(path) for path in CATALOGUES if not update_translations.mo_matches(path)]

    assert not stale, "run `manage.py update_translations` to compile:\n" + "\n".join(stale)


def test_every_plural_entry_has_every_form_its_catalogue_declares():
    # Django's own Polish catalogue declares 4 forms (the 4th for fractions); 3 are fine too,
    # as long as each entry has as many forms as its header says.
    problems = []
    for path in CATALOGUES:
        catalogue = polib.pofile(str(path))
        declared = re.search(r"nplurals=(\d+)", catalogue.metadata.get("Plural-Forms", ""))
        forms = int(declared.group(1)) if declared else 2
        problems += [
            f"{path}: {entry.msgid!r} has {len(entry.msgstr_plural)} of {forms} forms"
            for entry in catalogue
            if entry.msgid_plural and not entry.obsolete and len(entry.msgstr_plural) != forms
        ]

    assert not problems, "\n".join(problems)


@pytest.fixture
def sample_app(tmp_path, monkeypatch):
    """A tiny app directory with one template string, standing in for the installed apps."""
    app = tmp_path / "sample"
    (app / "templates").mkdir(parents=True)
    (app / "templates" / "page.html").write_text('{% load i18n %}<p>{% translate "Good morning" %}</p>\n')
    monkeypatch.setattr(update_translations, "app_directories", lambda: [app])
    return app


@needs_gettext
def test_it_refuses_in_check_mode_when_the_catalogue_lacks_msgids_and_changes_nothing(sample_app):
    with pytest.raises(CommandError, match="Good morning"):
        call_command("update_translations", "--check", verbosity=0)

    assert not (sample_app / "locale").exists()


@needs_gettext
def test_it_extracts_translates_compiles_and_then_passes_the_check(sample_app):
    call_command("update_translations", verbosity=0)
    po_path = sample_app / "locale" / "pl" / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    assert [entry.msgid for entry in catalogue] == ["Good morning"]

    with pytest.raises(CommandError, match="untranslated: 'Good morning'"):
        call_command("update_translations", "--check", verbosity=0)

    catalogue[0].msgstr = "Dzień dobry"
    catalogue.save()
    with pytest.raises(CommandError, match=r"does not match its \.po"):
        call_command("update_translations", "--check", verbosity=0)

    call_command("update_translations", verbosity=0)
    call_command("update_translations", "--check", verbosity=0)
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    assert [(entry.msgid, entry.msgstr) for entry in compiled] == [("Good morning", "Dzień dobry")]


@needs_gettext
def test_it_reports_a_fuzzy_entry_in_check_mode(sample_app):
    call_command("update_translations", verbosity=0)
    po_path = sample_app / "locale" / "pl" / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    catalogue[0].msgstr = "Dzień dobry"
    catalogue[0].flags.append("fuzzy")
    catalogue.save()
    call_command("update_translations", verbosity=0)

    with pytest.raises(CommandError, match="fuzzy: 'Good morning'"):
        call_command("update_translations", "--check", verbosity=0)


@needs_gettext
def test_it_merges_translations_from_json_with_plurals_and_contexts(sample_app, tmp_path):
    (sample_app / "templates" / "more.html").write_text(
        "{% load i18n %}"
        "{% blocktranslate count counter=n %}{{ counter }} day{% plural %}{{ counter }} days{% endblocktranslate %}"
        '{% translate "May" context "month" %}\n'
    )
    translations = tmp_path / "translations"
    translations.mkdir()
    (translations / "task.json").write_text(
        json.dumps(
            {
                "Good morning": "Dzień dobry",
                "%(counter)s day": {
                    "plural": "%(counter)s days",
                    "forms": ["%(counter)s dzień", "%(counter)s dni", "%(counter)s dni"],
                },
                "month\u0004May": "maj",
            }
        )
    )

    call_command("update_translations", "--merge", str(translations), verbosity=0)
    call_command("update_translations", "--check", verbosity=0)

    po_path = sample_app / "locale" / "pl" / "LC_MESSAGES" / "django.po"
    entries = {entry.msgid: entry for entry in polib.pofile(str(po_path))}
    assert entries["Good morning"].msgstr == "Dzień dobry"
    assert entries["May"].msgctxt == "month"
    assert entries["May"].msgstr == "maj"
    assert entries["%(counter)s day"].msgstr_plural[0] == "%(counter)s dzień"
    assert set(entries["%(counter)s day"].msgstr_plural.values()) == {"%(counter)s dzień", "%(counter)s dni"}
