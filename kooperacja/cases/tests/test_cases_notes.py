"""Notes on a case (cases:note_new): internal to the author's institution unless shareable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kooperacja.cases.models import ConsentCategory, Note
from kooperacja.cases.tests.factories import consent, make_person, person_case, take_part
from kooperacja.institutions.models import Institution

pytestmark = pytest.mark.django_db


def school() -> Institution:
    return Institution.objects.get(short_name="PSP Mirzec")


def url(case) -> str:
    return reverse("cases:note_new", args=[case.public_id])


def test_it_saves_an_internal_note_of_the_owning_institution(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    response = client.post(url(case), {"text": "Wizyta w domu."})

    note = Note.objects.get(case=case)
    assert response.status_code == 302
    assert note.institution == case.institution and not note.shareable
    assert case.timeline.get(source_id=str(note.public_id)).category == ""


def test_it_lets_a_partner_taking_part_write_its_own_note(client, login_as, persona):
    person = make_person("Nina", "Notowana")
    case = person_case(lead=persona("gops.mirzec"), person=person)
    take_part(case, school())
    consent(person, school(), (ConsentCategory.IDENTITY,), recorded_by=persona("gops.mirzec"))
    login_as("szkola.mirzec")

    client.post(url(case), {"text": "Uczeń opuszcza lekcje."})

    note = Note.objects.get(case=case)
    assert note.institution == school() and not note.shareable
    assert "Uczeń opuszcza lekcje." in client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    # Internal to the school: the GOPS does not read it.
    login_as("gops.mirzec")
    assert "Uczeń opuszcza lekcje." not in client.get(reverse("cases:detail", args=[case.public_id])).content.decode()


def test_it_refuses_an_empty_note(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    response = client.post(url(case), {"text": ""})

    assert response.status_code == 400
    assert not Note.objects.filter(case=case).exists()


def test_it_is_403_for_a_reader_who_does_not_work_on_the_case(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("kolega.mirzec")

    assert client.post(url(case), {"text": "x"}).status_code == 403


def test_it_refuses_a_wrong_method(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    assert client.delete(url(case)).status_code == 405
