"""Editing a case and its status (cases:edit): closing needs a reason; a stale version is
shown side by side and saves nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kooperacja.cases.models import Case, CaseStatus, TimelineKind
from kooperacja.cases.tests.factories import gops, make_person, person_case

pytestmark = pytest.mark.django_db


def url(case) -> str:
    return reverse("cases:edit", args=[case.public_id])


def form(case, **changes) -> dict:
    data = {"summary": "Nowe podsumowanie", "reasons": ["poverty"], "status": "active", "version": case.version}
    data.update(changes)
    return data


def test_it_saves_the_summary_reasons_and_status(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    response = client.post(url(case), form(case))

    case.refresh_from_db()
    assert response.status_code == 302
    assert case.summary == "Nowe podsumowanie" and case.status == CaseStatus.ACTIVE and case.version == 2
    assert list(case.reasons.values_list("reason", flat=True)) == ["poverty"]
    assert case.timeline.filter(kind=TimelineKind.STATUS).exists()


def test_it_closes_a_case_only_with_a_reason(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    refused = client.post(url(case), form(case, status="closed"))
    case.refresh_from_db()
    assert refused.status_code == 400 and case.status == CaseStatus.OPEN
    assert "Wybierz powód zamknięcia sprawy." in str(refused.context["form"].errors)

    closed = client.post(url(case), form(case, status="closed", closing_reason="goals_achieved"))
    case.refresh_from_db()
    assert closed.status_code == 302
    assert case.status == CaseStatus.CLOSED and case.closing_reason == "goals_achieved" and case.closed_on


def test_it_shows_both_versions_when_someone_saved_meanwhile_and_saves_nothing(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"), summary="Stare")
    opened = form(case, summary="Moja wersja")
    Case.objects.filter(pk=case.pk).update(summary="Cudza wersja", version=2)
    login_as("gops.mirzec")

    response = client.post(url(case), opened)

    case.refresh_from_db()
    assert response.status_code == 409
    assert case.summary == "Cudza wersja" and case.version == 2
    page = response.content.decode()
    assert "Cudza wersja" in page and "Moja wersja" in page
    assert response.context["form"]["version"].value() == "2"


def test_it_is_403_for_a_colleague_who_does_not_work_on_the_case(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("kolega.mirzec")

    assert client.get(url(case)).status_code == 403
    assert client.post(url(case), form(case)).status_code == 403


def test_it_is_404_for_another_gmina(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.oksa")

    assert client.get(url(case)).status_code == 404


def test_it_lets_a_gops_oksa_worker_edit_their_own_case(client, login_as, persona):
    oksa = gops("Oksa")
    case = person_case(lead=persona("gops.oksa"), person=make_person(institution=oksa), institution=oksa)
    login_as("gops.oksa")

    assert client.get(url(case)).status_code == 200


def test_it_refuses_a_wrong_method(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    assert client.delete(url(case)).status_code == 405
