"""The matching page of a case and "why not" for one service, as the case team sees them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.assessment.tests.helpers import assess
from kooperacja.cases.tests.factories import make_case, make_household, make_person
from kooperacja.core.models import AuditEvent
from kooperacja.directory.tests.test_public_factories import OKSA, make_service
from kooperacja.plans.models import CaseNeed, Need
from kooperacja.territory.models import Municipality
from tests.personas import COLLEAGUE, GOPS_MIRZEC, SCHOOL

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(persona):
    lead = persona(GOPS_MIRZEC)
    person = make_person("Jan", "Dopasowany", birth_date=dt.date(1980, 1, 1))
    case = make_case(lead=lead, person=person)
    assess(lead, case, person, levels={"legal": 1})
    return case


def page(client, case, **query):
    return client.get(reverse("plans:matching", kwargs={"public_id": case.public_id}), query, HTTP_ACCEPT_LANGUAGE="pl")


def test_it_suggests_services_for_each_need_with_their_reasons(client, login_as, case):
    login_as(GOPS_MIRZEC)
    make_service("Porady prawne w Mirzcu", categories=["legal-counselling"], free_of_charge=True, free_places=3)
    make_service("Porady dla seniorów", categories=["legal-counselling"], minimum_age=60)

    response = page(client, case)

    text = response.content.decode()
    assert response.status_code == 200
    assert "Sprawy prawne" in text
    assert "Porady prawne w Mirzcu" in text
    assert "bezpłatna, wolne miejsca: 3" in text
    assert "w tej samej gminie" in text
    assert "Porady dla seniorów" not in text
    assert AuditEvent.objects.filter(object_id=str(case.public_id), details__view="matching").exists()


def test_it_says_when_the_case_has_no_open_plan_and_offers_only_referral(client, login_as, case):
    login_as(GOPS_MIRZEC)
    service = make_service("Porady prawne", categories=["legal-counselling"])

    text = page(client, case).content.decode()

    assert "Sprawa nie ma otwartego planu" in text
    assert reverse("plans:case_plan", kwargs={"public_id": case.public_id}) in text
    assert f"?service={service.public_id}" in text


def test_it_shows_five_suggestions_and_more_on_request(client, login_as, case):
    login_as(GOPS_MIRZEC)
    for number in range(7):
        make_service(f"Porady {number}", categories=["legal-counselling"])

    first = page(client, case).content.decode()
    shown_more = re.search(r"Pokaż jeszcze (\d+) usług", first)
    assert shown_more is not None
    hidden = int(shown_more.group(1))

    assert first.count("<h3>") == 5
    assert hidden >= 2
    more = re.search(r'href="\?more=([^"#]+)#', first)
    assert more is not None
    assert page(client, case, more=more.group(1)).content.decode().count("<h3>") == 5 + hidden


def test_it_hides_matching_from_a_partner(client, login_as, case, persona):
    from kooperacja.cases.tests.factories import take_part
    from kooperacja.institutions.models import Institution

    take_part(case, Institution.objects.get(memberships__user=persona(SCHOOL)))
    login_as(SCHOOL)

    assert page(client, case).status_code == 404


def test_it_adds_and_resolves_a_need_by_hand(client, login_as, case):
    login_as(GOPS_MIRZEC)
    url = reverse("plans:matching_need_add", kwargs={"public_id": case.public_id})

    response = client.post(url, {"need": "food", "note": "Do końca miesiąca"})

    assert response.status_code == 302
    assert "Żywność i posiłki" in page(client, case).content.decode()
    resolve = reverse("plans:matching_need_resolve", kwargs={"public_id": case.public_id})
    assert client.post(resolve, {"need": "food", "person": ""}).status_code == 302
    assert not CaseNeed.objects.filter(case=case, resolved_at__isnull=True).exists()


def test_it_refuses_a_need_form_without_a_need_and_saves_nothing(client, login_as, case):
    login_as(GOPS_MIRZEC)
    url = reverse("plans:matching_need_add", kwargs={"public_id": case.public_id})

    response = client.post(url, {"need": "no-such-need"}, HTTP_ACCEPT_LANGUAGE="pl")

    assert response.status_code == 400
    assert "Wybierz potrzebę." in response.content.decode()
    assert not CaseNeed.objects.filter(case=case).exists()


def test_it_lets_a_colleague_read_but_not_add_needs(client, login_as, case):
    login_as(COLLEAGUE)
    url = reverse("plans:matching_need_add", kwargs={"public_id": case.public_id})

    assert page(client, case).status_code == 200
    assert 'id="add-need"' not in page(client, case).content.decode()
    assert client.post(url, {"need": "food"}).status_code == 403
    assert not CaseNeed.objects.filter(case=case, need=Need.objects.get(code="food")).exists()


def test_it_explains_why_a_service_is_not_suggested(client, login_as, case):
    login_as(GOPS_MIRZEC)
    service = make_service("Porady w Oksie", categories=["legal-counselling"], gmina=OKSA, minimum_age=60)
    url = reverse("plans:matching_why_not", kwargs={"public_id": case.public_id})

    response = client.get(url, {"service": str(service.public_id)}, HTTP_ACCEPT_LANGUAGE="pl")

    text = response.content.decode()
    assert response.status_code == 200
    assert "nie jest proponowana" in text
    assert "Usługa jest dla osób w wieku co najmniej 60 lat" in text
    assert "Usługa nie obejmuje gminy Mirzec" in text
    assert Municipality.objects.get(code=OKSA).name  # the service's gmina exists


def test_it_finds_services_to_explain_by_search_and_refuses_an_unknown_one(client, login_as, case):
    login_as(GOPS_MIRZEC)
    make_service("Poradnia prawna „Tęcza”", categories=["legal-counselling"])
    url = reverse("plans:matching_why_not", kwargs={"public_id": case.public_id})

    assert "Poradnia prawna „Tęcza”" in client.get(url, {"q": "tęcza"}).content.decode()
    response = client.get(url, {"service": "not-a-uuid"}, HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 400
    assert "Tej usługi nie ma w katalogu." in response.content.decode()


def test_it_audits_the_why_not_page_also_before_a_service_is_chosen(client, login_as, case):
    login_as(GOPS_MIRZEC)
    url = reverse("plans:matching_why_not", kwargs={"public_id": case.public_id})

    page = client.get(url, {"q": "poradnia"}, HTTP_ACCEPT_LANGUAGE="pl").content.decode()

    assert "Jan Dopasowany" in page
    event = AuditEvent.objects.get(object_id=str(case.public_id), details__view="matching why not")
    assert event.persons == [case.person_id]


def test_it_reads_the_page_in_as_many_queries_for_few_and_many_services(
    client, login_as, case, django_assert_max_num_queries
):
    login_as(GOPS_MIRZEC)
    make_service("Porady 0", categories=["legal-counselling"])
    with django_assert_max_num_queries(30) as few:
        page(client, case)
    for number in range(1, 15):
        make_service(f"Porady {number}", categories=["legal-counselling", "mediation"], access=["remote"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page(client, case)


@pytest.fixture
def household_case(persona):
    """A household of a father of 45 and a son of 13, its physical health in crisis."""
    lead = persona(GOPS_MIRZEC)
    household = make_household("Rodzina Dopasowanych")
    today = timezone.localdate()
    make_person("Marek", "Dopasowany", household=household, birth_date=dt.date(today.year - 45, 1, 1))
    make_person("Jakub", "Dopasowany", household=household, birth_date=dt.date(today.year - 13, 1, 1))
    case = make_case(lead=lead, household=household)
    assess(lead, case, levels={"physical_health": 1})
    return case


def test_it_matches_a_household_need_against_its_members(client, login_as, household_case):
    login_as(GOPS_MIRZEC)
    make_service("Dowóz seniorów", categories=["primary-care"], minimum_age=65)
    make_service("Gimnastyka dla dzieci", categories=["primary-care"], maximum_age=14)
    make_service("Przychodnia", categories=["primary-care"])

    text = page(client, household_case).content.decode()

    assert "Zdrowie fizyczne" in text
    assert "Z diagnozy: poziom 1 (kryzys)." in text
    assert "Dowóz seniorów" not in text
    assert "dla: Jakub" in text
    assert "dla: Marek, Jakub" in text


def test_it_says_for_each_member_why_a_household_need_gets_no_service(client, login_as, household_case):
    login_as(GOPS_MIRZEC)
    service = make_service("Dowóz seniorów", categories=["primary-care"], minimum_age=65)
    url = reverse("plans:matching_why_not", kwargs={"public_id": household_case.public_id})

    text = client.get(url, {"service": str(service.public_id)}, HTTP_ACCEPT_LANGUAGE="pl").content.decode()

    assert "nie jest proponowana" in text
    assert "Marek: Usługa jest dla osób w wieku co najmniej 65 lat; osoba ma 45 lat." in text
    assert "Jakub: Usługa jest dla osób w wieku co najmniej 65 lat; osoba ma 13 lat." in text
    assert "Nic, co wiadomo o osobie, nie przeczy kryteriom" not in text


def test_it_shows_a_need_added_for_a_member_beside_the_same_need_of_the_household(client, login_as, household_case):
    login_as(GOPS_MIRZEC)
    jakub = household_case.persons()[1]
    url = reverse("plans:matching_need_add", kwargs={"public_id": household_case.public_id})

    response = client.post(url, {"need": "physical_health", "person": str(jakub.public_id)}, HTTP_ACCEPT_LANGUAGE="pl")

    assert response.status_code == 302
    text = page(client, household_case).content.decode()
    assert text.count('<h2 id="need-physical_health') == 2
    assert "Zdrowie fizyczne: Jakub Dopasowany" in text
    assert "Potrzeba osoby: Jakub Dopasowany." in text
