"""The export of everything about a person (RODO art. 15/20): JSON and PDF, for the social
workers and manager of the registering institution; audited."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from kooperacja.cases import gdpr
from kooperacja.cases.models import CaseReason, Note, TimelineEntry, TimelineKind
from kooperacja.cases.tests.factories import make_case, make_household, make_person
from kooperacja.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _family(worker):
    household = make_household("Rodzina Eksportowa", street="Polna 1")
    person = make_person("Anna", "Eksportowa", with_pesel=True, household=household, phone="600100200")
    make_person("Piotr", "Eksportowy", with_pesel=True, household=household, notes="Tajemnica Piotra")
    case = make_case(household=household, lead=worker, summary="Trudna sytuacja mieszkaniowa")
    CaseReason.objects.create(case=case, reason="poverty")
    Note.objects.create(
        case=case, municipality=case.municipality, institution=case.institution, author=worker, text="Wizyta domowa"
    )
    TimelineEntry.objects.create(
        case=case, municipality=case.municipality, kind=TimelineKind.NOTE, title="Notatka z wizyty"
    )
    stranger = make_person("Zofia", "Obca", with_pesel=True)
    make_case(person=stranger, summary="Sprawa Zofii")
    return person, case, stranger


def test_it_exports_the_persons_data_as_json_and_audits_it(client, login_as, persona):
    person, case, stranger = _family(persona("gops.mirzec"))
    login_as("gops.mirzec")
    response = client.get(reverse("cases:person_export_json", kwargs={"public_id": person.public_id}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["pesel"] == person.pesel
    assert data["person"]["phone"] == "600100200"
    assert [m["name"] for m in data["household"]["members"]] == ["Piotr Eksportowy"]
    [exported] = data["cases"]
    assert exported["id"] == str(case.public_id)
    assert exported["summary"] == "Trudna sytuacja mieszkaniowa"
    assert exported["reasons"] == ["ubóstwo"]
    assert [n["text"] for n in exported["notes"]] == ["Wizyta domowa"]
    assert "Notatka z wizyty" in [e["title"] for e in exported["timeline"]]
    text = response.content.decode()
    # Nothing of another person, nor more than the names of household members.
    assert "Obca" not in text and "Sprawa Zofii" not in text and stranger.pesel not in text
    assert "Tajemnica Piotra" not in text
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert event.persons == [person.pk] and event.details == {"gdpr_export": "json"}


def test_it_lists_who_saw_the_data(client, login_as, persona):
    person, _case, _stranger = _family(persona("gops.mirzec"))
    login_as("kolega.mirzec")
    client.get(reverse("cases:person", kwargs={"public_id": person.public_id}))
    data = client.get(reverse("cases:person_export_json", kwargs={"public_id": person.public_id})).json()
    assert any(row["who"] and row["institution"].endswith("w Mircu") for row in data["access_log"])


def test_it_exports_a_pdf(client, login_as, persona):
    person, _case, _stranger = _family(persona("gops.mirzec"))
    login_as("lider.mirzec")
    response = client.get(reverse("cases:person_export_pdf", kwargs={"public_id": person.public_id}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, details={"gdpr_export": "pdf"}).exists()


def test_it_refuses_the_family_assistant_who_sees_the_person(client, login_as, persona):
    person = make_person("Ewa", "Asystowana")
    make_case(person=person, lead=persona("gops.mirzec"), team=(persona("asystent.mirzec"),))
    login_as("asystent.mirzec")
    assert client.get(reverse("cases:person", kwargs={"public_id": person.public_id})).status_code == 200
    assert client.get(reverse("cases:person_export_json", kwargs={"public_id": person.public_id})).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("who", ["gops.oksa", "szkola.mirzec", "admin"])
def test_it_hides_the_person_from_others(client, login_as, who):
    person = make_person("Ewa", "Ukryta", with_pesel=True)
    login_as(who)
    for name in ("cases:person_export_json", "cases:person_export_pdf"):
        assert client.get(reverse(name, kwargs={"public_id": person.public_id})).status_code == 404


def test_it_answers_405_to_a_post(client, login_as):
    person = make_person("Ewa", "Pocztowa")
    login_as("gops.mirzec")
    assert client.post(reverse("cases:person_export_json", kwargs={"public_id": person.public_id})).status_code == 405


def reading_lines(document: Any) -> list[str]:
    """The text of the laid-out pages line by line, as a reader sees it: words at the same
    height form a line, left to right, whatever the order of the HTML."""
    found: list[tuple[int, float, float, str]] = []

    def walk(box: Any, page: int) -> None:
        if isinstance(getattr(box, "text", None), str) and box.text.strip():
            found.append((page, round(box.position_y), box.position_x, box.text))
        for child in getattr(box, "children", []) or []:
            walk(child, page)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number)
    lines: dict[tuple[int, float], list[tuple[float, str]]] = {}
    for page, y, x, text in found:
        lines.setdefault((page, y), []).append((x, text))
    return [" ".join(" ".join(t for _x, t in sorted(words)).split()) for _key, words in sorted(lines.items())]


def test_the_pdf_keeps_each_label_beside_its_own_value(persona):
    person, _case, _stranger = _family(persona("gops.mirzec"))
    # Labels that wrap ("Stopień niepełnosprawności") put a floated <dl> out of step with its values.
    person.disability_degree = "moderate"
    person.save()

    lines = reading_lines(gdpr.export_document(person))

    registered = next(line for line in lines if line.startswith("Zarejestrowana"))
    assert registered.endswith(person.institution.name) or person.institution.name.startswith(
        registered.removeprefix("Zarejestrowana przez ").strip()
    ), lines
    assert next(line for line in lines if line.startswith("Telefon")) == "Telefon 600100200", lines
