"""The list of cases (cases:list): filters, "my cases", search, paging, the partner's shared
rows, one audit event, pinned query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import pgettext

from kooperacja.cases.models import CaseReason, CaseStatus, SupportReason
from kooperacja.cases.tests.factories import (
    consent,
    make_case,
    make_household,
    make_person,
    person_case,
    take_part,
)
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.institutions.models import Institution

pytestmark = pytest.mark.django_db

URL = reverse("cases:list")


def titles(response) -> list[str]:
    return [str(row["title"]) for row in response.context["rows"]]


def school() -> Institution:
    return Institution.objects.get(short_name="PSP Mirzec")


def test_it_lists_the_cases_of_the_workers_institution(client, login_as, persona):
    lead = persona("gops.mirzec")
    person_case(lead=lead, person=make_person("Zenon", "Listowy"))
    login_as("kolega.mirzec")

    response = client.get(URL, {"q": "Listowy"})

    assert response.status_code == 200
    assert titles(response) == ["Zenon Listowy"]
    assert "Zenon Listowy" in response.content.decode()


def test_it_filters_by_status_and_reason(client, login_as, persona):
    lead = persona("gops.mirzec")
    open_case = person_case(lead=lead, person=make_person("Ola", "Filtrowa"))
    CaseReason.objects.create(case=open_case, reason=SupportReason.POVERTY)
    person_case(lead=lead, person=make_person("Ela", "Filtrowa"), status=CaseStatus.ON_HOLD)
    login_as("gops.mirzec")

    assert titles(client.get(URL, {"q": "Filtrowa", "status": "on_hold"})) == ["Ela Filtrowa"]
    assert titles(client.get(URL, {"q": "Filtrowa", "reason": "poverty"})) == ["Ola Filtrowa"]


def test_it_shows_my_cases_only_when_asked(client, login_as, persona):
    person_case(lead=persona("gops.mirzec"), person=make_person("Adam", "Mojsprawa"))
    person_case(lead=persona("kolega.mirzec"), person=make_person("Iza", "Mojsprawa"))
    login_as("kolega.mirzec")

    assert sorted(titles(client.get(URL, {"q": "Mojsprawa"}))) == ["Adam Mojsprawa", "Iza Mojsprawa"]
    assert titles(client.get(URL, {"q": "Mojsprawa", "mine": "on"})) == ["Iza Mojsprawa"]


def test_it_finds_a_case_by_exact_pesel_of_a_household_member(client, login_as, persona):
    household = make_household("Rodzina Peselowa")
    member = make_person("Kuba", "Peselowy", household=household, with_pesel=True)
    make_case(lead=persona("gops.mirzec"), household=household)
    login_as("gops.mirzec")

    assert titles(client.get(URL, {"q": member.pesel})) == ["Rodzina Peselowa"]
    other = "44051401359" if member.pesel != "44051401359" else "02070803628"
    assert titles(client.get(URL, {"q": other})) == []


def test_it_pages_twenty_cases_at_a_time(client, login_as, persona):
    lead = persona("gops.mirzec")
    for number in range(21):
        person_case(lead=lead, person=make_person(f"N{number}", "Stronicowy"))
    login_as("gops.mirzec")

    first = client.get(URL, {"q": "Stronicowy"})
    second = client.get(URL, {"q": "Stronicowy", "page": 2})

    assert len(first.context["rows"]) == 20
    assert len(second.context["rows"]) == 1


def test_it_records_one_audit_event_naming_every_person_shown(client, login_as, persona):
    household = make_household("Rodzina Audytowa")
    a = make_person("Jan", "Audytowy", household=household)
    b = make_person("Ewa", "Audytowa", household=household)
    make_case(lead=persona("gops.mirzec"), household=household)
    single = make_person("Zofia", "Audytowa")
    person_case(lead=persona("gops.mirzec"), person=single)
    login_as("gops.mirzec")
    before = AuditEvent.objects.count()

    client.get(URL, {"q": "Audytow"})

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == AuditAction.LIST
    assert set(event.persons) == {a.pk, b.pk, single.pk}


def test_it_labels_a_partners_case_as_shared_without_a_name_until_identity_is_consented(client, login_as, persona):
    lead = persona("gops.mirzec")
    person = make_person("Tomasz", "Dzielony")
    case = person_case(lead=lead, person=person)
    take_part(case, school())
    login_as("szkola.mirzec")

    rows = [row for row in client.get(URL).context["rows"] if row["case"].pk == case.pk]
    assert len(rows) == 1 and not rows[0]["whole"]
    assert "Dzielony" not in rows[0]["title"] and "GOPS" in rows[0]["title"]
    assert pgettext("case", "shared") in client.get(URL).content.decode()

    consent(person, school(), recorded_by=lead)
    rows = [row for row in client.get(URL).context["rows"] if row["case"].pk == case.pk]
    assert rows[0]["title"] == "Tomasz Dzielony"


def test_it_does_not_search_a_partners_shared_cases_by_name(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"), person=make_person("Ryszard", "Ukryty"))
    take_part(case, school())
    login_as("szkola.mirzec")

    assert titles(client.get(URL, {"q": "Ukryty"})) == []


@pytest.mark.parametrize("username", ["admin", "rops.kielce"])
def test_it_forbids_the_list_to_roles_that_see_no_case(client, login_as, username):
    login_as(username)

    assert client.get(URL).status_code == 403


def test_it_answers_a_bad_filter_with_400(client, login_as):
    login_as("gops.mirzec")

    assert client.get(URL, {"status": "nonsense"}).status_code == 400


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")


def test_it_refuses_post(client, login_as):
    login_as("gops.mirzec")

    assert client.post(URL).status_code == 405


@pytest.mark.parametrize("count", [1, 25])
def test_it_lists_cases_in_a_fixed_number_of_queries(client, login_as, persona, count, django_assert_max_num_queries):
    lead = persona("gops.mirzec")
    for number in range(count):
        household = make_household(f"Rodzina Liczona {number}")
        make_person("A", f"Liczony{number}", household=household)
        case = make_case(lead=lead, household=household)
        CaseReason.objects.create(case=case, reason=SupportReason.POVERTY)
    login_as("gops.mirzec")

    with django_assert_max_num_queries(14):
        response = client.get(URL)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 25])
def test_it_lists_shared_cases_in_a_fixed_number_of_queries(
    client, login_as, persona, count, django_assert_max_num_queries
):
    lead = persona("gops.mirzec")
    for number in range(count):
        person = make_person("B", f"Dzielony{number}")
        case = person_case(lead=lead, person=person)
        take_part(case, school())
        consent(person, school(), recorded_by=lead)
    login_as("szkola.mirzec")

    with django_assert_max_num_queries(14):
        response = client.get(URL)

    assert response.status_code == 200


def test_it_never_shows_or_filters_a_shared_cases_reasons_for_support(client, login_as, persona):
    """Reasons such as addiction or violence are in no consent category: a partner sees none,
    even with consent for identity, and cannot find them out by filtering."""
    lead = persona("gops.mirzec")
    person = make_person("Roman", "Powodowy")
    case = person_case(lead=lead, person=person)
    CaseReason.objects.create(case=case, reason=SupportReason.ALCOHOL)
    take_part(case, school())
    consent(person, school(), recorded_by=lead)
    login_as("szkola.mirzec")

    listed = client.get(URL)
    filtered = client.get(URL, {"reason": SupportReason.ALCOHOL})

    rows = [row for row in listed.context["rows"] if row["case"].pk == case.pk]
    assert rows and rows[0]["reasons"] == []
    assert case.pk not in [row["case"].pk for row in filtered.context["rows"]]
