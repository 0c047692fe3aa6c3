"""A new referral (plans:referral_new): whom to (an institution, or a service that fixes it),
the person, the reason, the categories to share (only those the consent covers can be ticked),
the eligibility override, a draft or sent; every refusal says why in Polish and saves nothing."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from kooperacja.cases.models import ConsentCategory
from kooperacja.cases.tests.factories import gops, make_person
from kooperacja.directory.models import Service, ServiceStatus
from kooperacja.plans.models import Referral, ReferralStatus
from kooperacja.plans.tests.factories import allow, make_service, referral_case, school

pytestmark = pytest.mark.django_db


def pl(msgid: str, **params: object) -> str:
    with translation.override("pl"):
        text = translation.gettext(msgid)
    return text % params if params else text


def shows(response, text: str) -> bool:
    """Does the page show the text (as a template writes it, or escaped as a form error)?"""
    html = response.content.decode()
    return text in html or escape(text) in html


def reaching_service(**fields: Any) -> Service:
    """A service of the school reaching the gmina Mirzec (the school's own)."""
    return make_service(**fields)


def url(case, **query: object) -> str:
    path = reverse("plans:referral_new", kwargs={"public_id": case.public_id})
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return path


def a_case(persona, **consented):
    case = referral_case(persona("gops.mirzec"), person=make_person("Kamil", "Skierowany"))
    allow(case, school(), consented.get("categories", ()))
    return case


def post(client, case, **fields):
    data = {
        "institution": school().public_id,
        "person": case.person.public_id,
        "submit_key": uuid.uuid4(),
        "reason": "Trudności w nauce, potrzebne zajęcia wyrównawcze.",
        "shared_categories": [ConsentCategory.IDENTITY],
        "send": "1",
    }
    data.update(fields)
    return client.post(url(case), {key: value for key, value in data.items() if value is not None})


def checkbox(html: str, value: str) -> str:
    found = re.search(rf'<input type="checkbox" name="shared_categories" value="{re.escape(value)}"[^>]*>', html)
    assert found, f"no checkbox for {value}"
    return found.group(0)


def test_it_starts_by_asking_whom_to_refer_to(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = client.get(url(case))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="institution"' in html and 'name="service"' in html
    assert school().name in html
    assert gops().name not in html.split('name="institution"')[1].split("</select>")[0], "not to the own institution"


def test_the_first_step_says_what_is_missing(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = client.get(url(case, chosen=1))

    assert response.status_code == 400
    assert shows(response, pl("Choose the institution or a service of the directory."))


def test_it_enables_only_the_categories_the_consent_covers(client, login_as, persona):
    case = a_case(persona)  # identity and the plan, nothing more
    login_as("gops.mirzec")

    response = client.get(url(case, institution=school().public_id, person=case.person.public_id))

    assert response.status_code == 200
    html = response.content.decode()
    assert "disabled" not in checkbox(html, ConsentCategory.IDENTITY)
    assert "checked" in checkbox(html, ConsentCategory.IDENTITY)
    assert "disabled" not in checkbox(html, ConsentCategory.PLAN)
    assert "disabled" in checkbox(html, ConsentCategory.NOTES)
    with translation.override("pl"):
        notes = str(ConsentCategory.NOTES.label)
    assert pl("%(category)s — no consent", category=notes) in html  # "… — brak zgody"


def test_it_sends_a_referral_and_shows_it(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = post(client, case, shared_categories=[ConsentCategory.IDENTITY, ConsentCategory.PLAN])

    referral = Referral.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:referral", kwargs={"public_id": referral.public_id})
    assert referral.status == ReferralStatus.SENT
    assert referral.to_institution == school()
    assert set(referral.shared_categories) == {ConsentCategory.IDENTITY, ConsentCategory.PLAN}
    page = client.get(response["Location"]).content.decode()
    assert pl("The referral was sent. You will see every step here.") in page


def test_it_saves_a_draft_when_asked(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    post(client, case, send=None, draft="1")

    assert Referral.objects.get(case=case).status == ReferralStatus.DRAFT


def test_a_service_fixes_its_institution_and_prefills_the_form(client, login_as, persona):
    case = a_case(persona)
    service = reaching_service(name="Świetlica szkolna")
    login_as("gops.mirzec")

    # A case of one person: the service is enough to reach the second step.
    response = client.get(url(case, service=service.public_id))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Świetlica szkolna" in html
    assert f'name="institution" value="{school().public_id}"' in html
    post(client, case, service=service.public_id)
    assert Referral.objects.get(case=case).service == service


def test_a_double_submit_creates_one_referral(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")
    key = uuid.uuid4()

    first = post(client, case, submit_key=key)
    second = post(client, case, submit_key=key)

    assert Referral.objects.filter(case=case).count() == 1
    assert first["Location"] == second["Location"]


def test_it_refuses_a_referral_without_categories(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = post(client, case, shared_categories=[])

    assert response.status_code == 400
    assert "To pole jest wymagane." in response.content.decode()
    assert not Referral.objects.filter(case=case).exists()


def test_it_refuses_a_referral_without_identity(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = post(client, case, shared_categories=[ConsentCategory.PLAN])

    assert response.status_code == 400
    assert shows(response, pl("Identity and contact are shared with every referral: tick them."))
    assert not Referral.objects.filter(case=case).exists()


def test_it_refuses_a_category_the_consent_does_not_cover(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = post(client, case, shared_categories=[ConsentCategory.IDENTITY, ConsentCategory.NOTES])

    assert response.status_code == 400
    with translation.override("pl"):
        label = str(ConsentCategory.NOTES.label)
    expected = pl("The consent for this institution does not cover: %(categories)s.", categories=label)
    assert shows(response, expected)
    assert not Referral.objects.filter(case=case).exists()


def test_it_refuses_the_own_institution(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = post(client, case, institution=gops().public_id)

    assert response.status_code == 400
    expected = pl("Choose an active institution of the case's gmina or powiat, other than your own.")
    assert shows(response, expected)
    assert not Referral.objects.filter(case=case).exists()


def test_it_refuses_an_inactive_service(client, login_as, persona):
    case = a_case(persona)
    service = reaching_service(name="Zamknięta pracownia", status=ServiceStatus.INACTIVE)
    login_as("gops.mirzec")

    response = post(client, case, service=service.public_id)

    assert response.status_code == 400
    assert shows(response, pl("This service is not offered now: choose another one."))
    assert not Referral.objects.filter(case=case).exists()


def test_it_refuses_a_referral_without_a_reason(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = post(client, case, reason="")

    assert response.status_code == 400
    assert "To pole jest wymagane." in response.content.decode()
    assert not Referral.objects.filter(case=case).exists()


def test_an_eligibility_mismatch_asks_for_the_override_reason(client, login_as, persona):
    case = a_case(persona)  # born in 1980
    service = reaching_service(name="Zajęcia dla dzieci", minimum_age=6, maximum_age=12)
    login_as("gops.mirzec")

    page = client.get(url(case, service=service.public_id)).content.decode()
    refused = post(client, case, service=service.public_id)
    overridden = post(client, case, service=service.public_id, eligibility_override="Zajęcia rodzinne z dzieckiem.")

    assert pl("The person may not meet the service's criteria") in page
    assert refused.status_code == 400
    assert shows(refused, pl("The person does not meet the service's criteria: say why you refer anyway."))
    assert overridden.status_code == 302
    assert Referral.objects.get(case=case).eligibility_override == "Zajęcia rodzinne z dzieckiem."


def test_only_those_who_edit_the_case_refer(client, login_as, persona):
    case = a_case(persona)

    login_as("kolega.mirzec")
    assert client.get(url(case)).status_code == 403
    assert post(client, case).status_code == 403
    login_as("szkola.mirzec")
    assert client.get(url(case)).status_code == 404
    login_as("gops.oksa")
    assert client.get(url(case)).status_code == 404
    assert not Referral.objects.filter(case=case).exists()
