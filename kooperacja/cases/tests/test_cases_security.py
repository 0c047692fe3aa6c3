"""Who may not see a case (issue #6, security tests): another gmina, a partner taking part in
no case, a colleague who reads but may not edit, a family assistant, a partner whose
participation or consent ends."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.cases.models import Case, ConsentCategory, Participation, Person
from kooperacja.cases.policies import visible_cases
from kooperacja.cases.tests.factories import consent, make_person, person_case, take_part
from kooperacja.institutions.models import Institution

pytestmark = pytest.mark.django_db

CASE_PAGES = ["cases:detail", "cases:edit", "cases:team", "cases:reassign", "cases:transfer", "cases:note_new"]


def school() -> Institution:
    return Institution.objects.get(short_name="PSP Mirzec")


def mirzec_case(persona) -> Case:
    return person_case(lead=persona("gops.mirzec"), person=make_person("Wiesław", "Tajny", with_pesel=True))


def person_of(case: Case) -> Person:
    assert case.person is not None
    return case.person


def list_titles(client, **params) -> list[str]:
    return [str(row["title"]) for row in client.get(reverse("cases:list"), params).context["rows"]]


def test_gops_oksa_cannot_read_list_search_or_guess_a_mirzec_case(client, login_as, persona):
    case = mirzec_case(persona)
    login_as("gops.oksa")

    for name in CASE_PAGES:
        assert client.get(reverse(name, args=[case.public_id])).status_code == 404, name
    assert client.get(reverse("cases:detail", args=[uuid.uuid4()])).status_code == 404
    assert "Tajny" not in client.get(reverse("cases:list")).content.decode()
    assert list_titles(client, q="Tajny") == []
    assert list_titles(client, q=person_of(case).pesel) == []
    assert not visible_cases(persona("gops.oksa")).filter(pk=case.pk).exists()


def test_policja_mirzec_gets_404_on_every_case(client, login_as, persona):
    case = mirzec_case(persona)
    login_as("policja.mirzec")

    for name in CASE_PAGES:
        assert client.get(reverse(name, args=[case.public_id])).status_code == 404, name
    assert not visible_cases(persona("policja.mirzec")).exists()


def test_kolega_mirzec_reads_but_may_not_edit_a_case_it_does_not_work_on(client, login_as, persona):
    case = mirzec_case(persona)
    login_as("kolega.mirzec")

    assert client.get(reverse("cases:detail", args=[case.public_id])).status_code == 200
    assert client.get(reverse("cases:edit", args=[case.public_id])).status_code == 403
    edit = {"summary": "x", "reasons": ["poverty"], "status": "active", "version": case.version}
    assert client.post(reverse("cases:edit", args=[case.public_id]), edit).status_code == 403
    assert client.get(reverse("cases:team", args=[case.public_id])).status_code == 403
    case.refresh_from_db()
    assert case.summary == ""


def test_asystent_mirzec_sees_only_the_cases_it_is_on_the_team_of(client, login_as, persona):
    assistant = persona("asystent.mirzec")
    its = person_case(lead=persona("gops.mirzec"), person=make_person("Ida", "Asystowana"), team=(assistant,))
    other = mirzec_case(persona)
    login_as("asystent.mirzec")

    assert client.get(reverse("cases:detail", args=[its.public_id])).status_code == 200
    assert client.get(reverse("cases:detail", args=[other.public_id])).status_code == 404
    listed = {row["case"].pk for row in client.get(reverse("cases:list")).context["rows"]}
    assert its.pk in listed and other.pk not in listed
    on_team = set(Case.objects.filter(team__user=assistant, team__left_at__isnull=True).values_list("pk", flat=True))
    assert set(visible_cases(assistant).values_list("pk", flat=True)) == on_team


def test_szkola_mirzec_sees_only_the_shared_view_and_loses_it_when_participation_ends(client, login_as, persona):
    case = mirzec_case(persona)
    participation = take_part(case, school())
    consent(person_of(case), school(), (ConsentCategory.IDENTITY,), recorded_by=persona("gops.mirzec"))
    login_as("szkola.mirzec")

    response = client.get(reverse("cases:detail", args=[case.public_id]))
    assert response.status_code == 200 and not response.context["access"].whole
    assert client.get(reverse("cases:edit", args=[case.public_id])).status_code == 403

    Participation.objects.filter(pk=participation.pk).update(ended_at=timezone.now())
    assert client.get(reverse("cases:detail", args=[case.public_id])).status_code == 404
    assert case.pk not in {row["case"].pk for row in client.get(reverse("cases:list")).context["rows"]}


def test_szkola_mirzec_loses_the_names_the_moment_consent_is_withdrawn(client, login_as, persona):
    case = mirzec_case(persona)
    take_part(case, school())
    given = consent(person_of(case), school(), (ConsentCategory.IDENTITY,), recorded_by=persona("gops.mirzec"))
    login_as("szkola.mirzec")
    assert "Tajny" in client.get(reverse("cases:detail", args=[case.public_id])).content.decode()

    given.withdrawn_at = timezone.now()
    given.save(update_fields=["withdrawn_at"])

    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "Tajny" not in page
    assert "Tajny" not in client.get(reverse("cases:list")).content.decode()
