"""Irreversible anonymisation of a person: the manager of the registering institution, after
typing the person's name; identity and free text go, aggregates stay; audited; idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kooperacja.assessment.models import Assessment, DomainScore, Instrument
from kooperacja.cases import gdpr
from kooperacja.cases.models import CaseReason, CaseStatus, Note, Person, TimelineEntry, TimelineKind
from kooperacja.cases.tests.factories import make_case, make_household, make_person
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.directory.models import ACCESSIBILITY, TaxonomyTerm

pytestmark = pytest.mark.django_db


def _closed_case_of(worker, **person_fields):
    household = make_household("Rodzina Zapominana", street="Leśna 7", locality="Mirzec")
    person = make_person(
        "Halina",
        "Zapominana",
        with_pesel=True,
        household=household,
        birth_date=dt.date(1975, 8, 30),
        sex="F",
        street="Leśna 7",
        locality="Mirzec",
        phone="600200300",
        email="halina@example.org",
        notes="Zna sąsiadów",
        **person_fields,
    )
    case = make_case(person=person, lead=worker, summary="Halina prosi o pomoc", status=CaseStatus.CLOSED)
    CaseReason.objects.create(case=case, reason="poverty")
    Note.objects.create(
        case=case, municipality=case.municipality, institution=case.institution, author=worker, text="Halina w domu"
    )
    TimelineEntry.objects.create(
        case=case, municipality=case.municipality, kind=TimelineKind.NOTE, title="Rozmowa z Haliną"
    )
    instrument = Instrument.objects.filter(is_current=True).first()
    assert instrument is not None
    assessment = Assessment.objects.create(
        case=case,
        person=person,
        municipality=case.municipality,
        institution=case.institution,
        instrument=instrument,
        assessed_by=worker,
        notes="Halina pracuje dorywczo",
    )
    domain = instrument.domains.first()
    assert domain is not None
    DomainScore.objects.create(assessment=assessment, domain=domain, level=2, strengths="Wsparcie siostry Haliny")
    return person, case


def _url(person):
    return reverse("cases:person_anonymise", kwargs={"public_id": person.public_id})


def test_it_anonymises_after_the_name_is_typed(client, login_as, persona):
    person, case = _closed_case_of(persona("gops.mirzec"))
    number = person.pesel
    login_as("lider.mirzec")
    assert client.get(_url(person)).status_code == 200
    response = client.post(_url(person), {"confirmation": " halina  zapominana "})
    assert response.status_code == 302
    person.refresh_from_db()
    with translation.override("pl"):
        assert person.full_name == gdpr.anonymised_full_name()
    assert person.pesel == "" and person.pesel_hash == "" and person.pesel_last_digits == ""
    assert person.birth_date == dt.date(1975, 1, 1) and person.sex == "F" and person.locality == "Mirzec"
    assert (person.street, person.phone, person.email, person.notes) == ("", "", "", "")
    assert person.anonymised_at is not None
    # Not findable by name or PESEL any more.
    assert not Person.objects.named("Halina Zapominana").exists()
    for typed in ("Zapominana", number):
        assert person not in client.get(reverse("cases:people"), {"q": typed}).context["page"].object_list
    assert not Person.objects.with_pesel(number).exists()
    # Free text of the case goes; the case, its reasons and the diagnosis levels stay.
    case.refresh_from_db()
    assert case.summary == "" and case.status == CaseStatus.CLOSED
    assert list(case.reasons.values_list("reason", flat=True)) == ["poverty"]
    assert "Halina" not in case.notes.get().text
    assert not TimelineEntry.objects.filter(case=case, title__contains="Halin").exists()
    score = DomainScore.objects.get(assessment__case=case)
    assert score.level == 2 and score.strengths == "" and score.assessment.notes == ""
    with translation.override("pl"):
        assert person.household is not None and person.household.name == gdpr.anonymised_household_name()
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(person.public_id)).latest("id")
    assert event.details["anonymised"] is True and event.persons == [person.pk]


def test_a_wrong_confirmation_changes_nothing(client, login_as, persona):
    person, case = _closed_case_of(persona("gops.mirzec"))
    login_as("lider.mirzec")
    for typed in ("", "Halina Inna"):
        response = client.post(_url(person), {"confirmation": typed})
        assert response.status_code == 400
        assert "form-errors" in response.content.decode()
    person.refresh_from_db()
    assert person.full_name == "Halina Zapominana" and person.anonymised_at is None and person.pesel
    assert case.notes.get().text == "Halina w domu"
    assert not AuditEvent.objects.filter(details__anonymised=True).exists()


def test_it_refuses_while_a_case_is_open(client, login_as, persona):
    person = make_person("Otylia", "Otwarta")
    make_case(person=person, lead=persona("gops.mirzec"))
    login_as("lider.mirzec")
    response = client.post(_url(person), {"confirmation": "Otylia Otwarta"})
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.anonymised_at is None and person.first_name == "Otylia"


def test_it_is_idempotent(persona):
    person, _case = _closed_case_of(persona("gops.mirzec"))
    manager = persona("lider.mirzec")
    assert gdpr.anonymise_person(manager, person) is not None
    assert gdpr.anonymise_person(manager, person) is None
    assert AuditEvent.objects.filter(details__anonymised=True).count() == 1


def test_it_keeps_the_household_name_while_other_members_are_identifiable(persona):
    person, _case = _closed_case_of(persona("gops.mirzec"))
    assert person.household is not None
    make_person("Jerzy", "Zapominany", household=person.household)
    gdpr.anonymise_person(persona("lider.mirzec"), person)
    person.household.refresh_from_db()
    assert person.household.name == "Rodzina Zapominana"


@pytest.mark.parametrize("who", ["gops.mirzec", "kolega.mirzec"])
def test_it_refuses_social_workers(client, login_as, persona, who):
    person, _case = _closed_case_of(persona("gops.mirzec"))
    login_as(who)
    assert client.get(_url(person)).status_code == 403
    assert client.post(_url(person), {"confirmation": "Halina Zapominana"}).status_code == 403
    person.refresh_from_db()
    assert person.anonymised_at is None


@pytest.mark.parametrize("who", ["gops.oksa", "szkola.mirzec", "admin"])
def test_it_hides_the_person_from_others(client, login_as, persona, who):
    person, _case = _closed_case_of(persona("gops.mirzec"))
    login_as(who)
    assert client.post(_url(person), {"confirmation": "Halina Zapominana"}).status_code == 404


def test_it_answers_405_to_a_delete(client, login_as, persona):
    person, _case = _closed_case_of(persona("gops.mirzec"))
    login_as("lider.mirzec")
    assert client.delete(_url(person)).status_code == 405


def test_it_deletes_the_documents_of_a_case_nobody_identifiable_is_left_in(persona, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from kooperacja.cases.models import Document

    worker = persona("gops.mirzec")
    person, case = _closed_case_of(worker)
    document = Document(
        case=case,
        municipality=case.municipality,
        institution=case.institution,
        uploaded_by=worker,
        title="Skan zgody Haliny",
        original_name="zgoda.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    document.file.save("zgoda.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    storage, name = document.file.storage, str(document.file.name)
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        gdpr.anonymise_person(persona("lider.mirzec"), person)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not storage.exists(name)


@pytest.mark.parametrize(
    ("username", "exports", "anonymises"),
    [("gops.mirzec", True, False), ("lider.mirzec", True, True), ("asystent.mirzec", False, False)],
)
def test_it_offers_the_export_and_anonymisation_on_the_person_page_to_whom_may(
    client, login_as, persona, username, exports, anonymises
):
    person = make_person("Irena", "Eksportowa")
    make_case(person=person, lead=persona("gops.mirzec"), team=(persona("asystent.mirzec"),))
    login_as(username)

    page = client.get(reverse("cases:person", args=[person.public_id])).content.decode()

    assert (reverse("cases:person_export_pdf", args=[person.public_id]) in page) is exports
    assert (reverse("cases:person_export_json", args=[person.public_id]) in page) is exports
    assert (reverse("cases:person_anonymise", args=[person.public_id]) in page) is anonymises


def test_what_the_page_says_stays_is_all_that_stays_on_the_person_page(client, login_as, persona):
    need = TaxonomyTerm.objects.of(ACCESSIBILITY).first() or TaxonomyTerm.objects.first()
    assert need is not None
    person, _case = _closed_case_of(persona("gops.mirzec"), disability_degree="moderate", income_per_person=812.37)
    person.accessibility_needs.add(need)
    login_as("lider.mirzec")
    promised = client.get(_url(person)).content.decode()
    assert "stopień niepełnosprawności, dochód na osobę i potrzeby w zakresie dostępności zostaną usunięte" in promised

    client.post(_url(person), {"confirmation": "Halina Zapominana"})

    person.refresh_from_db()
    assert (person.disability_degree, person.income_per_person) == ("", None)
    assert not person.accessibility_needs.exists()
    page = client.get(reverse("cases:person", args=[person.public_id])).content.decode()
    assert "812,37" not in page and "812.37" not in page and "umiarkowany" not in page and need.name not in page
    assert "30 sierpnia 1975" not in page and "1 stycznia 1975" not in page
    assert ">1975 r.</dd>" in page
    # Nothing left to anonymise: no button, and its page says it is done.
    assert reverse("cases:person_anonymise", args=[person.public_id]) not in page
    assert not gdpr.may_anonymise(persona("lider.mirzec"), person)
    again = client.get(_url(person))
    assert again.status_code == 200 and 'name="confirmation"' not in again.content.decode()
