"""Certificates as their holders and the public see them: my learning, the PDF (holder,
organisers; audited), revoking, and the public verification page, which answers an exact code
only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kooperacja.core.models import AuditEvent
from kooperacja.learning import certificates
from kooperacja.learning import trainings as service
from kooperacja.learning.models import Certificate, EnrolmentStatus
from kooperacja.learning.tests.training_factories import enrolled, fill, make_staff, make_training, mark
from tests.personas import ADMIN, COLLEAGUE, GOPS_MIRZEC, ROPS_KIELCE, ROPS_RZESZOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(client) -> None:
    """Messages are checked by their English msgids (the Polish comes with the merged catalogue)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _certificate(holder, *, revoked: bool = False) -> Certificate:
    training = make_training(days=(-3, -2), hours=7, title="Szkoła kooperacji – moduł I")
    one = enrolled(training, holder)
    mark(training, one, 0, 1)
    certificate = service.issue_certificates(None, training).issued[0].certificate
    assert certificate is not None
    if revoked:
        service.revoke_certificate(None, certificate, "Wystawione omyłkowo")
        certificate.refresh_from_db()
    return certificate


def _verify(code: str) -> str:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("learning:verify"), {"code": code})
    assert response.status_code == 200
    return response.content.decode()


# --- Public verification -----------------------------------------------------------------------


def test_it_verifies_a_valid_code_with_the_holder_title_hours_date_and_issuer(persona):
    certificate = _certificate(persona(GOPS_MIRZEC))
    page = _verify(certificate.code.lower().replace("-", " "))
    assert "This certificate is valid." in page
    assert certificate.holder_name in page
    assert "Szkoła kooperacji – moduł I" in page
    assert "14.0" in page
    assert certificate.issued_by in page
    assert certificate.issued_on.strftime("%d.%m.%Y") in page


def test_it_says_a_revoked_code_was_revoked_and_when(persona):
    certificate = _certificate(persona(GOPS_MIRZEC), revoked=True)
    page = _verify(certificate.code)
    assert "was revoked on" in page
    assert certificate.revoked_at is not None
    assert certificate.revoked_at.strftime("%d.%m.%Y") in page
    assert certificate.holder_name not in page


@pytest.mark.parametrize("code", ["KOOP-2222-2222", "KOOP-ABCD", "nonsense!", "K" * 500])
def test_it_finds_no_certificate_for_an_unknown_or_malformed_code(code):
    page = _verify(code)
    assert "No certificate with this code was found." in page


def test_it_finds_nothing_for_a_part_of_a_real_code(persona):
    certificate = _certificate(persona(GOPS_MIRZEC))
    assert "No certificate with this code was found." in _verify(certificate.code[:-1])


def test_it_shows_only_the_form_without_a_code():
    response = Client().get(reverse("learning:verify"))
    assert response.status_code == 200
    assert "No certificate" not in response.content.decode()


def test_it_refuses_a_post_to_the_verification_page():
    assert Client().post(reverse("learning:verify"), {"code": "x"}).status_code == 405


# --- The PDF -----------------------------------------------------------------------------------


def test_it_gives_the_holder_the_pdf_and_audits_the_print(client, login_as):
    holder = login_as(GOPS_MIRZEC)
    certificate = _certificate(holder)
    response = client.get(reverse("learning:certificate_pdf", args=[certificate.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="print", object_id=str(certificate.public_id), actor=holder).exists()


def test_it_names_the_holder_the_code_and_the_verification_address_in_the_pdf(persona):
    from django.template.loader import render_to_string
    from django.utils import translation

    certificate = _certificate(persona(GOPS_MIRZEC))
    with translation.override("pl"):
        html = render_to_string(
            "learning/certificates/pdf.html",
            {
                "certificate": certificate,
                "training": certificate.training,
                "verify_url": f"https://example.org/learning/verify/?code={certificate.code}",
            },
        )
    assert certificate.holder_name in html
    assert certificate.code in html
    assert f"https://example.org/learning/verify/?code={certificate.code}" in html


def test_it_lets_the_organiser_read_the_pdf_and_tells_others_it_does_not_exist(client, login_as, persona):
    certificate = _certificate(persona(GOPS_MIRZEC))
    url = reverse("learning:certificate_pdf", args=[certificate.public_id])
    login_as(COLLEAGUE)
    assert client.get(url).status_code == 404
    login_as(ROPS_RZESZOW)
    assert client.get(url).status_code == 404
    login_as(ROPS_KIELCE)
    assert client.get(url).status_code == 200


# --- Revoking ----------------------------------------------------------------------------------


def test_it_lets_the_organiser_revoke_with_a_reason(client, login_as, persona):
    certificate = _certificate(persona(GOPS_MIRZEC))
    url = reverse("learning:certificate_revoke", args=[certificate.public_id])
    login_as(GOPS_MIRZEC)
    assert client.post(url, {"reason": "x"}).status_code == 403
    login_as(ROPS_KIELCE)
    assert client.post(url, {"reason": ""}).status_code == 400
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert client.post(url, {"reason": "Błędne nazwisko"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Błędne nazwisko"
    login_as(ADMIN)
    assert client.post(url, {"reason": "Znowu"}).status_code == 400


# --- My learning -------------------------------------------------------------------------------


def test_it_shows_my_enrolments_with_my_place_and_my_certificates(client, login_as):
    user = login_as(GOPS_MIRZEC)
    waiting_on = make_training(capacity=1, title="Negocjacje – tura jesienna")
    fill(waiting_on, 1)
    make_staff()
    service.enrol(make_staff(), waiting_on)
    service.enrol(user, waiting_on)
    certificate = _certificate(user)
    page = client.get(reverse("learning:my_certificates")).content.decode()
    assert "Negocjacje – tura jesienna" in page
    assert "place 2 in the queue" in page
    assert certificate.code in page
    assert reverse("learning:certificate_pdf", args=[certificate.public_id]) in page


def test_it_lists_course_certificates_in_my_learning_too(client, login_as):
    from kooperacja.learning.models import Course

    user = login_as(GOPS_MIRZEC)
    course = Course.objects.create(title="Kurs e-learningowy o modelu", topic="model", is_published=True)
    certificates.issue(user, course=course, hours=Decimal("2.0"), issued_by="Platforma Kooperacja")
    assert "Kurs e-learningowy o modelu" in client.get(reverse("learning:my_certificates")).content.decode()


def test_it_shows_my_learning_in_the_same_number_of_queries_for_2_and_12(
    client, login_as, django_assert_max_num_queries
):
    user = login_as(GOPS_MIRZEC)

    def add(count: int) -> None:
        for _ in range(count):
            training = make_training(capacity=1)
            fill(training, 1)
            enrolled(training, user, status=EnrolmentStatus.WAITING)
            _certificate(user)

    add(2)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("learning:my_certificates")).status_code == 200
    add(10)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("learning:my_certificates")).status_code == 200
