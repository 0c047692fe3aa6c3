"""How the institution form reads: capitalised labels, a hint for the served gminas, checked phone numbers."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kooperacja.institutions.forms import (
    InstitutionFilterForm,
    InstitutionForm,
    InviteForm,
    NewAccountForm,
    RoleChangeForm,
)
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.institutions.services import create_institution
from kooperacja.institutions.tests.conftest import polish
from kooperacja.institutions.validators import validate_phone
from kooperacja.territory.models import Municipality, Voivodeship

pytestmark = pytest.mark.django_db

PHONE_MESSAGE = (
    "Write the phone number with digits; spaces, +, - and brackets are allowed (7 to 20 characters), "
    "for example 41 274 10 00."
)


def every_form() -> list[forms.BaseForm]:
    roles = [("social_worker", "social worker")]
    return [
        InstitutionForm(),
        InstitutionFilterForm(),
        InviteForm(roles=roles),
        RoleChangeForm(roles=roles),
        NewAccountForm(email="nowa@test.example"),
    ]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_it_starts_every_label_with_a_capital_letter(language):
    with translation.override(language):
        labels = [str(field.label) for form in every_form() for field in form.fields.values() if field.label]

    assert labels
    assert [label for label in labels if not label[0].isupper()] == []


def test_it_shows_capitalised_labels_on_the_add_page(client, login_as):
    login_as("admin")

    page = client.get(reverse("institutions:create")).content.decode()

    for label in ("Sektor", "Powiat", "Gmina", "Obsługiwane gminy"):
        assert f">{label}" in page, label


def test_it_tells_how_to_choose_several_served_gminas_grouped_by_powiat(client, login_as):
    login_as("admin")

    response = client.get(reverse("institutions:create"))

    page = response.content.decode()
    field = response.context["form"]["serves"]
    assert polish(str(field.help_text)) in page
    assert "Ctrl" in polish(str(field.help_text))
    assert f'aria-describedby="{field.auto_id}_helptext"' in page
    assert '<optgroup label="Starachowicki (2611)">' in page


def test_it_still_accepts_the_served_gminas_chosen_in_groups(client, login_as):
    login_as("admin")
    mirzec, oksa = Municipality.objects.get(code="2611032"), Municipality.objects.get(code="2602052")
    data = {
        "name": "Stowarzyszenie Dwie Gminy",
        "kind": InstitutionKind.NGO,
        "voivodeship": Voivodeship.objects.get(code="26").pk,
        "municipality": mirzec.pk,
        "serves": [mirzec.pk, oksa.pk],
        "is_active": "on",
    }

    response = client.post(reverse("institutions:create"), data)

    assert response.status_code == 302
    served = Institution.objects.get(name="Stowarzyszenie Dwie Gminy").serves.all()
    assert {gmina.code for gmina in served} == {"2611032", "2602052"}


@pytest.mark.parametrize("phone", ["41 274 10 00", "+48 41 274 10 00", "(41) 274-10-00", "412741000", "+48 (41) 274"])
def test_it_accepts_phone_numbers_as_people_write_them(phone):
    validate_phone(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "abc<script>",
        "41 274 10 00 wew. 5",
        "123456",
        "+48 (41) 27",
        "+++++++",
        "12 34",
        "4" * 21,
        "41+274",
        "１２３４５６７",
    ],
)
def test_it_refuses_what_is_not_a_phone_number(phone):
    with pytest.raises(ValidationError) as error:
        validate_phone(phone)

    assert error.value.code == "phone"


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Stowarzyszenie Razem dla Mirca",
        "kind": InstitutionKind.NGO,
        "voivodeship": Voivodeship.objects.get(code="26").pk,
        "municipality": Municipality.objects.get(code="2611032").pk,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_it_refuses_a_bad_phone_on_the_add_page_in_polish_and_saves_nothing(client, login_as):
    login_as("admin")

    response = client.post(reverse("institutions:create"), form_data(phone="abc<script>"))

    assert response.status_code == 400
    assert response.context["form"].errors["phone"]
    page = response.content.decode()
    assert polish(PHONE_MESSAGE) in page
    assert "abc<script>" not in page
    assert not Institution.objects.filter(name="Stowarzyszenie Razem dla Mirca").exists()


def test_it_refuses_a_bad_phone_through_the_services(persona):
    mirzec = Municipality.objects.with_parents().get(code="2611032")

    with pytest.raises(ValidationError) as error:
        create_institution(
            persona("admin"),
            {
                "name": "Stowarzyszenie Razem dla Mirca",
                "kind": InstitutionKind.NGO,
                "voivodeship": mirzec.county.voivodeship,
                "municipality": mirzec,
                "phone": "abc<script>",
            },
        )

    assert "phone" in error.value.message_dict
    assert not Institution.objects.filter(name="Stowarzyszenie Razem dla Mirca").exists()
