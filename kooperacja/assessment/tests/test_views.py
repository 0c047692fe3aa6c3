"""The diagnosis pages: the case's diagnoses with the change chart, one diagnosis, the form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.assessment.models import Assessment
from kooperacja.assessment.services import current_instrument
from kooperacja.assessment.tests.helpers import assess
from kooperacja.cases.tests.factories import consent, make_case, make_person, person_case, take_part
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.institutions.models import Institution

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def lead(persona):
    return persona("gops.mirzec")


@pytest.fixture
def case(lead, persona):
    """A case of GOPS Mirzec led by gops.mirzec, with asystent.mirzec in its team."""
    return person_case(lead=lead, person=make_person("Ewa", "Diagnozowana"), team=(persona("asystent.mirzec"),))


def _school(persona):
    return Institution.objects.get(memberships__user=persona("szkola.mirzec"))


def _form_data(level: int = 3, person: str = "", **overrides: str) -> dict[str, str]:
    data = {"person": person, "assessed_on": TODAY().isoformat(), "notes": "Wizyta w domu."}
    for domain in current_instrument().domains.all():
        data[f"level_{domain.code}"] = str(level)
        data[f"strengths_{domain.code}"] = ""
        data[f"priority_{domain.code}"] = ""
    data.update(overrides)
    return data


# --- The form ------------------------------------------------------------------------------------


def test_it_shows_a_fieldset_per_domain_with_each_level_described(client, login_as, case):
    login_as("gops.mirzec")
    response = client.get(reverse("assessment:new", args=[case.public_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<fieldset class="domain"') == 14
    assert page.count('type="radio"') == 14 * 5
    assert "Bezdomność, eksmisja w toku" in page
    assert "Ewa Diagnozowana" in page


def test_it_records_a_diagnosis_from_the_form(client, login_as, case):
    login_as("asystent.mirzec")
    data = _form_data(3, str(case.person.public_id), level_income="1", priority_income="high")
    response = client.post(reverse("assessment:new", args=[case.public_id]), data)
    assessment = Assessment.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:detail", args=[assessment.public_id])
    assert assessment.person == case.person
    assert assessment.scores.get(domain__code="income").priority == "high"


def test_it_refuses_a_form_with_missing_domains_naming_them(client, login_as, case):
    login_as("gops.mirzec")
    data = _form_data(3, str(case.person.public_id))
    del data["level_housing"]
    data["level_legal"] = ""
    response = client.post(reverse("assessment:new", args=[case.public_id]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mieszkanie, Sprawy prawne" in page
    assert 'href="#id_level_housing"' in page
    assert not Assessment.objects.filter(case=case).exists()


def test_it_refuses_a_date_in_the_future(client, login_as, case):
    login_as("gops.mirzec")
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("assessment:new", args=[case.public_id]),
        _form_data(3, str(case.person.public_id), assessed_on=tomorrow),
    )
    assert response.status_code == 400
    assert not Assessment.objects.filter(case=case).exists()


def test_it_offers_the_household_as_a_whole_in_a_household_case(client, login_as, lead):
    from kooperacja.cases.tests.factories import make_household

    household = make_household("Rodzina Formularzowa")
    make_person("Adam", "Formularzowy", household=household)
    case = make_case(lead=lead, household=household)
    login_as("gops.mirzec")
    response = client.post(reverse("assessment:new", args=[case.public_id]), _form_data(2, "household"))
    assert response.status_code == 302
    assert Assessment.objects.get(case=case).person is None


@pytest.mark.parametrize(("who", "status"), [("kolega.mirzec", 403), ("szkola.mirzec", 403), ("gops.oksa", 404)])
def test_it_lets_only_the_case_workers_record(client, login_as, persona, case, who, status):
    take_part(case, _school(persona))
    consent(case.person, _school(persona), recorded_by=persona("gops.mirzec"))
    login_as(who)
    url = reverse("assessment:new", args=[case.public_id])
    assert client.get(url).status_code == status
    assert client.post(url, _form_data(3, str(case.person.public_id))).status_code == status
    assert not Assessment.objects.filter(case=case).exists()


def test_it_answers_405_to_a_wrong_method(client, login_as, case):
    login_as("gops.mirzec")
    assert client.delete(reverse("assessment:new", args=[case.public_id])).status_code == 405
    assert client.post(reverse("assessment:case", args=[case.public_id])).status_code == 405


# --- The case's diagnoses ----------------------------------------------------------------------


def test_it_shows_the_change_as_an_accessible_chart_and_a_table(client, login_as, lead, case):
    assess(lead, case, case.person, levels={"income": 1, "work": 4}, on=TODAY() - dt.timedelta(days=120))
    assess(lead, case, case.person, levels={"income": 4, "work": 2}, on=TODAY())
    login_as("gops.mirzec")
    response = client.get(reverse("assessment:case", args=[case.public_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    description = page.split("<desc", 1)[1].split("</desc>", 1)[0]
    first_day = (TODAY() - dt.timedelta(days=120)).strftime("%d.%m.%Y")
    assert first_day in description and TODAY().strftime("%d.%m.%Y") in description and "12" in description
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert '<th scope="row">Dochody i zadłużenie</th>' in page
    assert ">+3</td>" in page and ">-2</td>" in page
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(case.public_id)).latest("id")
    assert event.persons == [case.person.pk]


def test_it_shows_a_partner_only_the_domains_its_consent_covers(client, login_as, persona, lead, case):
    school = _school(persona)
    take_part(case, school)
    consent(case.person, school, ("identity", "diagnosis:income", "diagnosis:children"), recorded_by=lead)
    assessment = assess(lead, case, case.person, levels={"income": 2, "housing": 1})
    login_as("szkola.mirzec")

    page = client.get(reverse("assessment:case", args=[case.public_id])).content.decode()
    assert "Dochody i zadłużenie" in page and "Edukacja i opieka nad dziećmi" in page
    assert "Mieszkanie" not in page and "Zdrowie psychiczne" not in page

    detail = client.get(reverse("assessment:detail", args=[assessment.public_id]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Dochody i zadłużenie" in text and "Mieszkanie" not in text
    assert "Wizyta" not in text  # notes are for the whole view


def test_it_shows_a_partner_with_identity_consent_only_no_diagnosis(client, login_as, persona, lead, case):
    school = _school(persona)
    take_part(case, school)
    consent(case.person, school, recorded_by=lead)
    assessment = assess(lead, case, case.person)
    login_as("szkola.mirzec")
    page = client.get(reverse("assessment:case", args=[case.public_id])).content.decode()
    assert "Dochody i zadłużenie" not in page
    assert client.get(reverse("assessment:detail", args=[assessment.public_id])).status_code == 404


@pytest.mark.parametrize("who", ["gops.oksa", "policja.mirzec", "rops.kielce"])
def test_it_hides_the_diagnosis_from_strangers(client, login_as, lead, case, who):
    assessment = assess(lead, case, case.person)
    login_as(who)
    assert client.get(reverse("assessment:case", args=[case.public_id])).status_code == 404
    assert client.get(reverse("assessment:detail", args=[assessment.public_id])).status_code == 404
    assert client.get(reverse("assessment:edit", args=[assessment.public_id])).status_code == 404


def _page_queries(client, django_assert_max_num_queries, case, expected):
    with django_assert_max_num_queries(expected):
        response = client.get(reverse("assessment:case", args=[case.public_id]))
    assert response.status_code == 200
    return response


QUERIES = 13


@pytest.mark.parametrize("count", [1, 10])
def test_it_reads_the_case_diagnoses_in_a_fixed_number_of_queries(
    client, login_as, lead, case, django_assert_max_num_queries, count
):
    for days in range(count):
        assess(lead, case, case.person, level=1 + days % 5, on=TODAY() - dt.timedelta(days=days))
    login_as("gops.mirzec")
    response = _page_queries(client, django_assert_max_num_queries, case, QUERIES)
    assert response.content.decode().count('href="/assessment/') >= count


# --- One diagnosis and correcting it -------------------------------------------------------------


def test_it_shows_one_diagnosis_with_needs_and_audits_the_read(client, login_as, lead, case):
    assessment = assess(lead, case, case.person, levels={"safety": 1})
    login_as("kolega.mirzec")
    response = client.get(reverse("assessment:detail", args=[assessment.public_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bezpieczeństwo i przemoc: 1" in page
    assert reverse("assessment:edit", args=[assessment.public_id]) not in page
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(assessment.public_id)).exists()


def test_it_corrects_a_diagnosis(client, login_as, lead, case):
    assessment = assess(lead, case, case.person)
    login_as("gops.mirzec")
    url = reverse("assessment:edit", args=[assessment.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, _form_data(4, version="1"))
    assert response.status_code == 302
    assert set(assessment.scores.values_list("level", flat=True)) == {4}


def test_it_shows_a_conflict_and_keeps_the_other_save(client, login_as, lead, case):
    assessment = assess(lead, case, case.person)
    login_as("gops.mirzec")
    url = reverse("assessment:edit", args=[assessment.public_id])
    assert client.post(url, _form_data(4, version="1")).status_code == 302
    response = client.post(url, _form_data(2, version="1"))
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="conflict"' in page and 'value="2"' in page
    assert set(assessment.scores.values_list("level", flat=True)) == {4}


def test_it_forbids_correcting_to_a_reader(client, login_as, lead, case):
    assessment = assess(lead, case, case.person)
    login_as("kolega.mirzec")
    url = reverse("assessment:edit", args=[assessment.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, _form_data(1, version="1")).status_code == 403
    assert set(assessment.scores.values_list("level", flat=True)) == {3}
