"""Consent for diagnosis domains: the consent form offers one category per domain of the
instrument in force, and a partner with such consent sees that domain of the diagnosis."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.assessment.policies import diagnosis_categories
from kooperacja.assessment.services import current_instrument
from kooperacja.assessment.tests.helpers import assess
from kooperacja.cases.consent import consent_categories
from kooperacja.cases.models import CaseKind, Consent, ConsentBasis, ConsentCategory
from kooperacja.cases.tests.factories import make_case, make_person, take_part
from kooperacja.institutions.models import Institution

pytestmark = pytest.mark.django_db


def _school() -> Institution:
    return Institution.objects.get(name__icontains="Szkoła Podstawowa", municipality__name="Mirzec")


def test_it_offers_every_domain_of_the_instrument_in_force_as_a_consent_category():
    offered = dict(consent_categories())
    for domain in current_instrument().domains.all():
        assert offered[f"diagnosis:{domain.code}"].endswith(domain.name)


def test_it_reads_the_domains_when_asked_not_at_start_up(django_assert_num_queries):
    with django_assert_num_queries(1):
        categories = list(diagnosis_categories())
    assert len(categories) == 14


def test_it_lets_a_social_worker_record_consent_for_a_domain_which_the_partner_then_sees(client, login_as):
    worker = login_as("gops.mirzec")
    person = make_person("Zofia", "Zgodna")
    case = make_case(person=person, lead=worker, kind=CaseKind.PERSON)
    school = _school()
    take_part(case, school)
    assess(worker, case, person, levels={"income": 2})
    url = reverse("cases:consent_new", kwargs={"person_id": person.public_id})

    form = client.get(url).content.decode()
    assert 'value="diagnosis:income"' in form

    response = client.post(
        url,
        {
            "institution": str(school.public_id),
            "sector": "",
            "categories": [ConsentCategory.IDENTITY, "diagnosis:income"],
            "basis": ConsentBasis.CONSENT,
            "guardian_name": "",
            "legal_reference": "",
            "valid_from": timezone.localdate().isoformat(),
            "valid_until": "",
        },
    )
    assert response.status_code == 302
    assert Consent.objects.get(person=person).categories == ["identity", "diagnosis:income"]

    login_as("szkola.mirzec")
    page = client.get(reverse("assessment:case", args=[case.public_id])).content.decode()
    assert "Dochody i zadłużenie" in page
    assert "Mieszkanie" not in page
