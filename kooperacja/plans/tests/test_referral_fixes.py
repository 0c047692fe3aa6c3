"""What a user tester found on the referral pages: a referral to an institution without consent
says so and links to recording it; the eligibility override is asked from the start; the forward
lists leave out the institutions it cannot go to and say which have consent; a second open
referral of a person to the same place is refused; the Polish labels and the page heading."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from kooperacja.cases.models import ConsentCategory
from kooperacja.cases.tests.factories import make_person
from kooperacja.plans import referrals
from kooperacja.plans.models import Referral, ReferralStatus
from kooperacja.plans.tests.factories import allow, make_referral, make_service, police, referral_case, school

pytestmark = pytest.mark.django_db


def pl(msgid: str, **params: object) -> str:
    with translation.override("pl"):
        text = translation.gettext(msgid)
    return text % params if params else text


def shows(response, text: str) -> bool:
    html = response.content.decode()
    return text in html or escape(text) in html


def a_case(persona):
    return referral_case(persona("gops.mirzec"), person=make_person("Kamil", "Skierowany"))


def new_url(case, **query: object) -> str:
    path = reverse("plans:referral_new", kwargs={"public_id": case.public_id})
    return path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def page_url(referral: Referral) -> str:
    return reverse("plans:referral", kwargs={"public_id": referral.public_id})


def act_url(referral: Referral, action: str) -> str:
    return reverse("plans:referral_action", kwargs={"public_id": referral.public_id, "action": action})


def consent_url(person) -> str:
    return reverse("cases:consent_new", kwargs={"person_id": person.public_id})


def send(client, case, institution, **fields):
    data = {
        "institution": institution.public_id,
        "person": case.person.public_id,
        "submit_key": uuid.uuid4(),
        "reason": "Potrzebne wsparcie.",
        "shared_categories": [ConsentCategory.IDENTITY],
        "send": "1",
        **fields,
    }
    return client.post(new_url(case), data)


def forward_options(html: str) -> dict[str, str]:
    """The forward form's institutions: public id -> label."""
    select = re.search(r'<select name="forward-to_institution".*?</select>', html, re.S)
    assert select, "no forward form"
    return dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select.group(0)))


def test_it_says_the_person_did_not_consent_and_links_to_recording_it(client, login_as, persona):
    case = a_case(persona)  # no consent for the police at all
    login_as("gops.mirzec")

    response = client.get(new_url(case, institution=police().public_id, person=case.person.public_id))

    assert response.status_code == 200
    assert shows(
        response,
        pl("The person has not consented to sharing their data with this institution (%(institution)s)")
        % {"institution": police().name},
    )
    assert consent_url(case.person) in response.content.decode()
    assert 'name="send"' not in response.content.decode()
    assert "udostępniana zawsze" not in response.content.decode()


def test_the_help_text_does_not_promise_identity_is_always_shared(client, login_as, persona):
    case = a_case(persona)
    allow(case, school())
    login_as("gops.mirzec")

    response = client.get(new_url(case, institution=school().public_id, person=case.person.public_id))

    assert 'name="send"' in response.content.decode()
    assert "zawsze" not in response.content.decode()
    assert shows(response, "zgoda osoby dla tej instytucji musi je obejmować")


def test_the_override_reason_is_asked_from_the_start_under_the_notice(client, login_as, persona):
    case = a_case(persona)  # born in 1980
    allow(case, school())
    service = make_service(name="Senior w sieci", minimum_age=60)
    login_as("gops.mirzec")

    html = client.get(new_url(case, service=service.public_id)).content.decode()

    assert pl("The person may not meet the service's criteria") in html
    assert "Osoba może nie spełniać kryteriów usługi (zob. wyżej)" in html
    assert "chyba" not in html
    assert '<textarea name="eligibility_override"' in html
    assert html.index('name="eligibility_override"') < html.index('name="reason"')


def test_the_receiver_forward_list_leaves_out_both_sides_and_says_which_have_consent(client, login_as, persona):
    referral = make_referral(case=a_case(persona))
    allow(referral.case, police())
    login_as("szkola.mirzec")

    options = forward_options(client.get(page_url(referral)).content.decode())

    assert str(referral.to_institution.public_id) not in options
    assert str(referral.from_institution.public_id) not in options
    assert options[str(police().public_id)] == escape(
        pl("%(institution)s — consent covers the shared data") % {"institution": police().name}
    )


def test_a_forward_to_an_institution_without_consent_is_refused_with_a_link(client, login_as, persona):
    referral = make_referral(case=a_case(persona), status=ReferralStatus.DECLINED)
    login_as("gops.mirzec")

    page = client.get(page_url(referral)).content.decode()
    response = client.post(
        act_url(referral, "forward"),
        {"forward-version": referral.version, "forward-to_institution": police().public_id},
    )

    assert forward_options(page)[str(police().public_id)] == escape(
        pl("%(institution)s — no consent for the shared data") % {"institution": police().name}
    )
    assert response.status_code == 400
    assert shows(response, "Żadna obowiązująca zgoda nie pozwala instytucji " + police().name)
    assert consent_url(referral.case.person) in response.content.decode()
    assert not Referral.objects.filter(previous=referral).exists()


def test_a_second_open_referral_to_the_same_place_is_refused_until_the_first_closes(client, login_as, persona):
    first = make_referral(case=a_case(persona))
    login_as("gops.mirzec")

    refused = send(client, first.case, school())
    referrals.act(persona("gops.mirzec"), first, "cancel", version=first.version, reason="Pomyłka.")
    accepted = send(client, first.case, school())

    assert refused.status_code == 400
    assert shows(refused, "Ta osoba ma już otwarte skierowanie do")
    assert page_url(first) in refused.content.decode()
    assert accepted.status_code == 302
    assert Referral.objects.filter(case=first.case).count() == 2


def test_the_page_names_the_institution_the_person_and_the_sender(client, login_as, persona):
    referral = make_referral(case=a_case(persona))
    login_as("szkola.mirzec")

    html = client.get(page_url(referral)).content.decode()

    heading = re.search(r"<h1>(.*?)<span", html, re.S)
    assert heading
    assert escape(pl("Referral to %(institution)s") % {"institution": school().name}) in heading.group(1)
    assert "Kamil Skierowany" in heading.group(1)
    assert escape(referral.from_institution.name) in html


def test_an_overdue_answer_reads_as_a_missed_deadline(client, login_as, persona):
    referral = make_referral(case=a_case(persona))
    Referral.objects.filter(pk=referral.pk).update(answer_due=dt.date(2020, 1, 2))
    login_as("gops.mirzec")

    html = client.get(reverse("plans:outbox")).content.decode()

    assert "minął termin odpowiedzi" in html
    assert "po terminie" not in html
