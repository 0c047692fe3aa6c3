"""`manage.py update_translations [--check] [--merge FILE_OR_DIR]`: every app's Polish catalogue.

For each Kooperacja app it runs makemessages (domains django and djangojs) from the app's own
directory, so each app keeps its strings in its own locale/pl, then compiles every .po into .mo
with polib, so no gettext tools are needed where the platform runs. With --check it changes
nothing and fails when a catalogue lacks msgids of the code, holds untranslated or fuzzy
entries, or has a .mo that does not match its .po (CI runs it). --merge fills untranslated and
fuzzy entries from JSON files of {"msgid": "tłumaczenie"} (plurals: {"plural": …, "forms": […]};
a msgctxt as "context\u0004msgid") before compiling.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import polib
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

DOMAINS = ("django", "djangojs")
_CREATION_DATE = re.compile(r'^"POT-Creation-Date: .*\\n"\n', re.MULTILINE)


def app_directories() -> list[Path]:
    """The directories of the installed Kooperacja apps, in INSTALLED_APPS order."""
    return [Path(config.path) for config in apps.get_app_configs() if config.name.startswith("kooperacja.")]


def entry_key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def translations(catalogue: polib.POFile | polib.MOFile) -> dict[tuple[str, str], Any]:
    """What a compiled catalogue serves: msgid -> msgstr (or the plural forms), translated entries only."""
    found: dict[tuple[str, str], Any] = {}
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
            if all(forms):
                found[entry_key(entry)] = forms
        elif entry.msgstr:
            found[entry_key(entry)] = entry.msgstr
    return found


def catalogue_problems(po_path: Path) -> list[str]:
    """Untranslated and fuzzy entries of one .po, each as a readable line."""
    catalogue = polib.pofile(str(po_path))
    problems = [f"{po_path}: untranslated: {entry.msgid!r}" for entry in catalogue.untranslated_entries()]
    problems += [f"{po_path}: fuzzy: {entry.msgid!r}" for entry in catalogue.fuzzy_entries()]
    return problems


def mo_matches(po_path: Path, po_text: str | None = None) -> bool:
    """Whether the .mo beside the .po serves exactly the .po's translations (po_text: the .po as it was)."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return False
    catalogue = polib.pofile(po_text if po_text is not None else str(po_path))
    return translations(catalogue) == translations(polib.mofile(str(mo_path)))


def compile_catalogue(po_path: Path) -> bool:
    """Writes the .mo beside the .po; returns whether it changed."""
    mo_path = po_path.with_suffix(".mo")
    compiled = polib.pofile(str(po_path)).to_binary()
    if mo_path.exists() and mo_path.read_bytes() == compiled:
        return False
    mo_path.write_bytes(compiled)
    return True


def load_translations(source: Path) -> dict[str, Any]:
    """The translations of one JSON file, or of every *.json in a folder (the first one wins)."""
    files = sorted(source.glob("*.json")) if source.is_dir() else [source]
    merged: dict[str, Any] = {}
    for path in files:
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            merged.setdefault(key, value)
    return merged


def merge_translations(po_path: Path, found: dict[str, Any]) -> int:
    """Fills the untranslated and fuzzy entries of a catalogue from `found`; returns how many."""
    catalogue = polib.pofile(str(po_path))
    declared = re.search(r"nplurals=(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    forms_wanted = int(declared.group(1)) if declared else 2
    filled = 0
    for entry in catalogue:
        if entry.obsolete or (entry.translated() and "fuzzy" not in entry.flags):
            continue
        key = f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid
        value = found.get(key)
        if value is None:
            continue
        if entry.msgid_plural:
            if not isinstance(value, dict) or not value.get("forms"):
                continue
            forms = list(value["forms"])
            # Django's Polish plural rule has a 4th form, for fractions: it reads like the 3rd.
            forms += [forms[-1]] * (forms_wanted - len(forms))
            entry.msgstr_plural = dict(enumerate(forms[:forms_wanted]))
        elif isinstance(value, str):
            entry.msgstr = value
        else:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        filled += 1
    if filled:
        catalogue.save()
    return filled


def _msgids(po_path: Path) -> set[tuple[str, str]]:
    if not po_path.exists():
        return set()
    return {entry_key(entry) for entry in polib.pofile(str(po_path)) if not entry.obsolete}


def _without_creation_date(text: str) -> str:
    return _CREATION_DATE.sub("", text)


class Command(BaseCommand):
    help = "Extracts the msgids of every app into locale/pl and compiles the catalogues (polib)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; fail when msgids are missing, entries untranslated or fuzzy, or a .mo is stale",
        )
        parser.add_argument("--locale", default="pl", help="the language of the catalogues (default: pl)")
        parser.add_argument(
            "--merge",
            type=Path,
            help="a JSON file of translations, or a folder of them, to fill untranslated and fuzzy entries",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        check: bool = options["check"]
        locale: str = options["locale"]
        if check and options["merge"]:
            raise CommandError("--merge changes the catalogues; it cannot go with --check")
        found = load_translations(options["merge"]) if options["merge"] else {}
        problems: list[str] = []
        for app_dir in app_directories():
            problems += self.update_app(app_dir, locale, check=check, found=found)
        if check:
            if problems:
                raise CommandError("Translations are not complete:\n" + "\n".join(problems))
            self.stdout.write(self.style.SUCCESS("Translations are complete."))
        elif problems:
            by_file: dict[str, int] = {}
            for problem in problems:
                path = problem.split(": ", 1)[0]
                by_file[path] = by_file.get(path, 0) + 1
            for path, count in by_file.items():
                self.stdout.write(self.style.WARNING(f"{path}: {count} entries to translate"))

    def update_app(self, app_dir: Path, locale: str, *, check: bool, found: dict[str, Any]) -> list[str]:
        locale_dir = app_dir / "locale"
        messages_dir = locale_dir / locale / "LC_MESSAGES"
        po_paths = [messages_dir / f"{domain}.po" for domain in DOMAINS]
        before = {path: path.read_bytes() for path in po_paths if path.exists()}
        known = {path: _msgids(path) for path in po_paths}
        created_locale_dir = not locale_dir.exists()
        locale_dir.mkdir(exist_ok=True)

        problems: list[str] = []
        try:
            with contextlib.chdir(app_dir):
                for domain in DOMAINS:
                    call_command(
                        "makemessages",
                        locale=[locale],
                        domain=domain,
                        add_location="file",
                        ignore_patterns=["tests/*", "migrations/*"],
                        verbosity=0,
                    )
            for path in po_paths:
                if not path.exists():
                    continue
                if found and (filled := merge_translations(path, found)):
                    self.stdout.write(f"Merged {filled} translations into {path}")
                added = sorted(_msgids(path) - known[path])
                if check:
                    problems += [f"{path}: not in the catalogue yet: {msgid!r}" for _, msgid in added]
                problems += catalogue_problems(path)
                if path in before and _without_creation_date(path.read_text()) == _without_creation_date(
                    before[path].decode()
                ):
                    # Only the extraction date changed: keep the file as it was, no churn in git.
                    path.write_bytes(before[path])
                if check:
                    if path in before and not mo_matches(path, before[path].decode()):
                        problems.append(f"{path.with_suffix('.mo')}: does not match its .po")
                elif compile_catalogue(path):
                    self.stdout.write(f"Compiled {path.with_suffix('.mo')}")
        finally:
            if check:
                self._restore(po_paths, before, locale_dir if created_locale_dir else None)
        return problems

    @staticmethod
    def _restore(po_paths: list[Path], before: dict[Path, bytes], created_dir: Path | None) -> None:
        for path in po_paths:
            if path in before:
                path.write_bytes(before[path])
            elif path.exists():
                path.unlink()
        if created_dir is not None:
            shutil.rmtree(created_dir, ignore_errors=True)
