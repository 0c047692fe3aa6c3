"""A service's public page: /directory/services/<uuid>/ — what a resident needs to get help."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from kooperacja.directory.models import (
    Accessibility,
    Contact,
    CostOption,
    Language,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceStatus,
)
from kooperacja.directory.tests.test_public_factories import MIRZEC, OKSA, make_service
from kooperacja.directory.tests.test_public_search import page_weight, text_of
from kooperacja.directory.wording import describe_schedule
from kooperacja.institutions.tests.conftest import polish
from kooperacja.territory.models import Municipality

pytestmark = pytest.mark.django_db


def url(service: Service) -> str:
    return reverse("directory:service", kwargs={"public_id": service.public_id})


def in_polish(text: str) -> str:
    """What the page shows for an already formatted message (HTML entities undone)."""
    from html import unescape

    return unescape(text)


@pytest.fixture
def full_service() -> Service:
    """A service with every part a resident may read."""
    service = make_service(
        "Poradnictwo rodzinne Jaskier",
        categories=["family-counselling"],
        groups=["families", "seniors"],
        access=["step-free", "sign-language"],
        description="Rozmowy z psychologiem i terapeutą rodzinnym.",
        application_process="Zadzwoń i umów się na pierwszą rozmowę.",
        eligibility_description="Rodziny przeżywające trudności.",
        minimum_age=16,
        maximum_age=99,
        income_criterion_percent=150,
        disability_certificate_required=True,
        referral_required=True,
        free_of_charge=False,
        fees_description="Pierwsza konsultacja bezpłatna.",
        places=12,
        free_places=3,
        waiting_list=4,
        email="poradnia@gops.mirzec.pl",
        url="https://gops.mirzec.pl/poradnia",
        assured_date=dt.date(2026, 3, 12),
        interpretation_services="Tłumacz PJM po wcześniejszym zgłoszeniu.",
    )
    service.residence_municipalities.set(Municipality.objects.filter(code__in=[MIRZEC, OKSA]))
    Phone.objects.create(service=service, number="41 274 10 00", extension=12, description="sekretariat")
    contact = Contact.objects.create(
        service=service, name="Anna Kowalska", title="psycholog", email="a.kowalska@gops.mirzec.pl"
    )
    Phone.objects.create(contact=contact, number="600 100 200")
    RequiredDocument.objects.create(service=service, document="Dowód osobisty")
    CostOption.objects.create(service=service, option="Kolejne spotkanie", amount=Decimal("50.00"))
    Language.objects.create(service=service, name="ukraiński", code="uk")
    location = service.service_at_locations.get().location
    location.transportation = "Przystanek PKS Mirzec-Centrum, 100 m."
    location.save()
    Accessibility.objects.create(location=location, description="Podjazd dla wózków", details="od ul. Kolejowej")
    return service


def test_it_shows_how_to_get_help(client, full_service):
    response = client.get(url(full_service))

    assert response.status_code == 200
    text = text_of(response)
    for expected in (
        "Poradnictwo rodzinne Jaskier",
        "Gminny Ośrodek Pomocy Społecznej w Mircu",
        "Rozmowy z psychologiem i terapeutą rodzinnym.",
        "Zadzwoń i umów się na pierwszą rozmowę.",
        "Rodziny przeżywające trudności.",
        "Rodziny z dziećmi",
        "Seniorzy",
        "Dowód osobisty",
        "Dla mieszkańców: gmina Mirzec, gmina Oksa",
    ):
        assert expected in text, expected
    with translation.override("pl"):
        assert (
            translation.ngettext("aged %(min)s to %(max)s year", "aged %(min)s to %(max)s years", 99)
            % {
                "min": 16,
                "max": 99,
            }
            in text.lower()
        )
    assert in_polish(polish("A disability certificate is required")) in text
    assert "150%" in text


def test_it_shows_how_to_contact_the_service(client, full_service):
    html = client.get(url(full_service)).content.decode()

    assert '<a href="tel:412741000">41 274 10 00</a>' in html
    assert '<a href="tel:600100200">600 100 200</a>' in html
    assert '<a href="mailto:poradnia@gops.mirzec.pl">' in html
    assert '<a href="https://gops.mirzec.pl/poradnia">' in html
    assert "Anna Kowalska" in html and "psycholog" in html


def test_it_shows_where_when_and_how_accessible(client, full_service):
    response = client.get(url(full_service))
    text = text_of(response)

    schedule = Schedule.objects.get(service_at_location__service=full_service)
    with translation.override("pl"):
        hours = describe_schedule(schedule)
    assert hours in text
    assert "ul. Kolejowa 1" in text and "27-220 Mirzec" in text
    assert "Przystanek PKS Mirzec-Centrum, 100 m." in text
    assert "Podjazd dla wózków — od ul. Kolejowej" in text
    assert "Wejście bez schodów" in text and "Tłumacz języka migowego" in text
    assert "Tłumacz PJM po wcześniejszym zgłoszeniu." in text


def test_it_shows_cost_capacity_languages_and_when_the_data_was_confirmed(client, full_service):
    text = text_of(client.get(url(full_service)))

    assert "Pierwsza konsultacja bezpłatna." in text
    assert "Kolejne spotkanie: 50,00 zł" in text
    assert in_polish(polish("Free places: %(free)s of %(places)s", free=3, places=12)) in text
    assert "ukraiński" in text
    assert "12 marca 2026" in text


def test_it_falls_back_to_the_institutions_contact(client):
    service = make_service("Usługa Jaskier bez kontaktu")
    institution = service.institution
    institution.phone = "41 271 00 00"
    institution.save()

    html = client.get(url(service)).content.decode()

    assert '<a href="tel:412710000">41 271 00 00</a>' in html


def test_it_warns_that_a_service_is_temporarily_closed(client):
    service = make_service(
        "Klub Jaskier", status=ServiceStatus.TEMPORARILY_CLOSED, alert="Remont do 30 czerwca; zajęcia od 1 lipca."
    )

    response = client.get(url(service))

    assert response.status_code == 200
    html = response.content.decode()
    assert in_polish(polish("This service is temporarily closed")) in text_of(response)
    assert "Remont do 30 czerwca; zajęcia od 1 lipca." in html
    assert 'class="alert alert-closed" role="note"' in html


@pytest.mark.parametrize("status", [ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT])
def test_it_answers_410_with_a_way_on_for_a_service_that_no_longer_runs(client, status):
    service = make_service("Usługa Jaskier", status=status, categories=["mediation"])

    response = client.get(url(service))

    assert response.status_code == 410
    text = text_of(response)
    assert in_polish(polish("This service is no longer offered")) in text
    assert "Usługa Jaskier" in text
    assert service.institution.name in text
    html = response.content.decode()
    assert f'href="{reverse("directory:search")}?gmina={MIRZEC}&amp;category=mediation"' in html
    # Nothing of how to get help: the details may no longer hold.
    assert "ul. Kolejowa 1" not in html


def test_it_answers_410_for_a_service_of_an_inactive_institution(client):
    service = make_service("Usługa Jaskier")
    service.institution.is_active = False
    service.institution.save()

    response = client.get(url(service))

    assert response.status_code == 410
    assert in_polish(polish("This service is no longer offered")) in text_of(response)


def test_it_links_a_gone_service_without_a_category_or_place_to_the_whole_directory(client):
    service = make_service("Usługa Jaskier", status=ServiceStatus.DEFUNCT, categories=[], gmina=None)

    response = client.get(url(service))

    assert response.status_code == 410
    assert f'href="{reverse("directory:search")}"' in response.content.decode()


def test_it_answers_404_for_an_unknown_service(client):
    assert client.get(reverse("directory:service", kwargs={"public_id": uuid.uuid4()})).status_code == 404
    assert client.get("/directory/services/not-a-uuid/").status_code == 404


def test_it_refuses_to_change_anything(client):
    assert client.post(url(make_service("Usługa Jaskier"))).status_code == 405


def test_it_escapes_markup_and_never_links_a_script_address(client):
    service = make_service("<script>alert(1)</script>", description="<img src=x onerror=alert(2)>")
    Service.objects.filter(pk=service.pk).update(url="javascript:alert(3)")

    html = client.get(url(service)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "javascript:" not in html


@pytest.mark.parametrize("places", [1, 6])
def test_it_reads_a_service_in_a_fixed_number_of_queries(client, full_service, places, django_assert_max_num_queries):
    for number in range(places - 1):
        extra = make_service(f"Filia {number}", index=False)
        sal = extra.service_at_locations.get()
        sal.service = full_service
        sal.save()
        Schedule.objects.create(location=sal.location, byday="SA", opens_at=dt.time(9))
        Phone.objects.create(location=sal.location, number=f"41 000 00 0{number}")

    with django_assert_max_num_queries(23):
        response = client.get(url(full_service))

    assert len(response.context["shown"].places) == places


def test_it_keeps_the_page_with_its_css_and_js_under_50_kb(client, full_service):
    sizes = page_weight(client.get(url(full_service)))

    assert sum(sizes.values()) <= 50 * 1024, sizes
