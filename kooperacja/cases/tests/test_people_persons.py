"""Registering and editing a person: the PESEL rules, duplicates, the person's page and the
concurrent edit (issue #6, point 1 and "Bad input")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from kooperacja.cases import pesel
from kooperacja.cases.models import CaseKind, Person
from kooperacja.cases.people import PESEL_TAKEN
from kooperacja.cases.tests.factories import gops, join_team, make_case, make_person
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.directory.models import TaxonomyTerm

pytestmark = pytest.mark.django_db

NEW = reverse("cases:person_new")


def _form(**changes):
    data = {
        "first_name": "Zofia",
        "last_name": "Próbna",
        "pesel": "",
        "birth_date": "1975-03-08",
        "sex": "F",
        "municipality": str(gops().municipality_id),
        "locality": "Mirzec",
        "street": "Leśna 1",
        "postal_code": "27-220",
        "phone": "",
        "email": "",
        "disability_degree": "moderate",
        "income_per_person": "812,50",
        "notes": "",
    }
    data.update(changes)
    return data


def test_it_registers_a_person_with_a_pesel_and_audits_it(client, login_as):
    login_as("gops.mirzec")
    number = pesel.make(dt.date(1975, 3, 8), 4711, "F")
    terms = list(TaxonomyTerm.objects.accessibility_features()[:1])
    response = client.post(NEW, _form(pesel=number, accessibility_needs=[t.pk for t in terms]))
    assert response.status_code == 302
    person = Person.objects.with_pesel(number).get()
    assert response.url == reverse("cases:person", kwargs={"public_id": person.public_id})
    assert (person.first_name, person.institution, person.disability_degree) == ("Zofia", gops(), "moderate")
    assert str(person.income_per_person) == "812.50"
    assert list(person.accessibility_needs.all()) == terms
    assert person.pesel_sealed and number not in person.pesel_sealed
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, persons=[person.pk]).exists()


def test_it_fills_birth_date_and_sex_from_the_pesel(client, login_as):
    login_as("gops.mirzec")
    number = pesel.make(dt.date(2003, 11, 30), 15, "M")
    response = client.post(NEW, _form(pesel=number, birth_date="", sex=""))
    assert response.status_code == 302
    person = Person.objects.with_pesel(number).get()
    assert (person.birth_date, person.sex) == (dt.date(2003, 11, 30), "M")


def _shown(response, msgid: str) -> bool:
    """Whether the page shows the message, as the Polish interface words it."""
    with translation.override("pl"):
        return escape(gettext(msgid)) in response.content.decode()


def _bad_check_digit() -> str:
    number = pesel.make(dt.date(1975, 3, 8), 1, "F")
    return number[:10] + str((int(number[10]) + 1) % 10)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pesel": _bad_check_digit()}, "The PESEL's check digit does not match: check the number."),
        ({"pesel": "7503081234"}, "A PESEL has 11 digits."),
        ({"pesel": pesel.make(dt.date(1975, 3, 9), 1, "F")}, "The PESEL does not agree with the birth date given."),
        ({"pesel": pesel.make(dt.date(1975, 3, 8), 1, "M")}, "The PESEL does not agree with the sex given."),
        ({"birth_date": "2999-01-01"}, "The birth date cannot be in the future."),
        ({"first_name": ""}, "This field is required."),
        ({"postal_code": "27220"}, "Enter the postal code as 00-000."),
        ({"email": "nie-mail"}, "Enter a valid email address."),
    ],
)
def test_it_refuses_bad_input_with_a_polish_message_and_saves_nothing(client, login_as, changes, message):
    login_as("gops.mirzec")
    before = Person.objects.count()
    response = client.post(NEW, _form(**changes))
    assert response.status_code == 400
    assert _shown(response, message)
    assert Person.objects.count() == before


def test_it_refuses_a_negative_income(client, login_as):
    login_as("gops.mirzec")
    response = client.post(NEW, _form(income_per_person="-5"))
    assert response.status_code == 400
    assert "income_per_person" in response.context["form"].errors


def test_it_refuses_a_pesel_registered_already_even_by_another_gmina(client, login_as):
    other = make_person("Ktoś", "Inny", institution=gops("Oksa"), with_pesel=True)
    login_as("gops.mirzec")
    response = client.post(NEW, _form(pesel=other.pesel, birth_date="", sex=""))
    assert response.status_code == 400
    assert _shown(response, str(PESEL_TAKEN))
    assert "Inny" not in response.content.decode()
    assert Person.objects.with_pesel(other.pesel).count() == 1


def test_it_warns_of_the_same_name_and_birth_date_and_registers_after_confirming(client, login_as):
    twin = make_person("Zofia", "Próbna", birth_date=dt.date(1975, 3, 8), sex="F")
    login_as("gops.mirzec")
    response = client.post(NEW, _form())
    assert response.status_code == 400
    assert response.context["duplicates"] == [twin]
    assert reverse("cases:person", kwargs={"public_id": twin.public_id}) in response.content.decode()
    assert Person.objects.filter(last_name="Próbna").count() == 1
    response = client.post(NEW, _form(confirm_duplicate="on"))
    assert response.status_code == 302
    assert Person.objects.filter(last_name="Próbna").count() == 2


def test_it_refuses_registering_to_those_who_do_not_register_people(client, login_as):
    for who in ("lider.mirzec", "szkola.mirzec", "rops.kielce"):
        login_as(who)
        assert client.post(NEW, _form()).status_code == 403
    assert not Person.objects.filter(last_name="Próbna").exists()


def test_it_offers_only_the_institutions_gminas(client, login_as):
    login_as("gops.mirzec")
    response = client.get(NEW)
    field = response.context["form"].fields["municipality"]
    assert set(field.queryset.values_list("name", flat=True)) <= {"Mirzec"} | set(
        gops().serves.values_list("name", flat=True)
    )
    oksa = gops("Oksa").municipality_id
    assert client.post(NEW, _form(municipality=str(oksa))).status_code == 400


def test_the_person_page_shows_the_full_pesel_cases_and_audits_the_read(client, login_as):
    user = login_as("gops.mirzec")
    person = make_person("Adam", "Widoczny", with_pesel=True)
    case = make_case(person=person, lead=user, kind=CaseKind.PERSON)
    response = client.get(reverse("cases:person", kwargs={"public_id": person.public_id}))
    assert response.status_code == 200
    body = response.content.decode()
    assert person.pesel in body
    assert response.context["cases"] == [case]
    assert response.context["can_edit"]
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(person.public_id)).get()
    assert event.persons == [person.pk]


def test_the_person_page_is_404_for_another_gmina_and_405_for_post(client, login_as):
    person = make_person("Adam", "Ukryty")
    url = reverse("cases:person", kwargs={"public_id": person.public_id})
    login_as("gops.oksa")
    assert client.get(url).status_code == 404
    login_as("gops.mirzec")
    assert client.post(url).status_code == 405


def test_the_manager_reads_but_may_not_edit(client, login_as):
    person = make_person("Adam", "Czytany")
    login_as("lider.mirzec")
    assert client.get(reverse("cases:person", kwargs={"public_id": person.public_id})).status_code == 200
    edit = reverse("cases:person_edit", kwargs={"public_id": person.public_id})
    assert client.get(edit).status_code == 403
    assert client.post(edit, _form(version="1")).status_code == 403


def test_it_saves_an_edit_and_raises_the_version(client, login_as):
    person = make_person("Adam", "Edytowany", birth_date=dt.date(1975, 3, 8), sex="M")
    login_as("kolega.mirzec")
    url = reverse("cases:person_edit", kwargs={"public_id": person.public_id})
    assert client.get(url).status_code == 200
    response = client.post(url, _form(first_name="Adam", last_name="Poprawiony", sex="M", version="1"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.last_name, person.version) == ("Poprawiony", 2)
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, persons=[person.pk]).exists()


def test_a_stale_edit_shows_both_versions_and_saves_nothing(client, login_as):
    person = make_person("Adam", "Sporny", birth_date=dt.date(1975, 3, 8), sex="M")
    Person.objects.filter(pk=person.pk).update(last_name="Zapisany", version=2)
    login_as("gops.mirzec")
    url = reverse("cases:person_edit", kwargs={"public_id": person.public_id})
    response = client.post(url, _form(first_name="Adam", last_name="Mój", sex="M", version="1"))
    assert response.status_code == 409
    assert _shown(response, "Someone else saved this record while you were editing it")
    body = response.content.decode()
    assert "Mój" in body and "Zapisany" in body
    person.refresh_from_db()
    assert (person.last_name, person.version) == ("Zapisany", 2)
    # The form now carries the stored version: saving again is the editor's confirmation.
    assert response.context["form"]["version"].value() == "2"


def test_a_colleague_may_not_edit_a_person_of_a_case_he_does_not_work_on(client, login_as, persona):
    """As with cases (DESIGN §1): a colleague reads, those who work on the case edit."""
    person = make_person("Karolina", "Cudza", birth_date=dt.date(1975, 3, 8), sex="F")
    case = make_case(person=person, lead=persona("gops.mirzec"))
    url = reverse("cases:person_edit", kwargs={"public_id": person.public_id})

    login_as("kolega.mirzec")
    refused = client.post(url, _form(first_name="Karolina", last_name="Zmieniona", sex="F", version="1"))
    join_team(case, persona("kolega.mirzec"), case.institution)
    allowed = client.get(url)

    person.refresh_from_db()
    assert refused.status_code == 403
    assert person.last_name == "Cudza"
    assert allowed.status_code == 200
