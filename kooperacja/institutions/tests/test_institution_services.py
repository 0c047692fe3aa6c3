"""Creating and editing institutions: form checks, sector defaults, and concurrent edits detected."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.institutions.forms import InstitutionForm
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.institutions.services import (
    StaleVersion,
    create_institution,
    set_served_gminas,
    update_institution,
)
from kooperacja.territory.models import County, Municipality, Voivodeship

pytestmark = pytest.mark.django_db


def form_data(**changes: Any) -> dict[str, Any]:
    mirzec = Municipality.objects.get(code="2611032")
    data: dict[str, Any] = {
        "name": "Stowarzyszenie Razem dla Mirca",
        "kind": InstitutionKind.NGO,
        "sector": "",
        "voivodeship": Voivodeship.objects.get(code="26").pk,
        "county": "",
        "municipality": mirzec.pk,
        "postal_code": "27-220",
        "locality": "Mirzec",
        "regon": "",
        "krs": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_it_accepts_a_valid_institution_and_fills_its_county_and_sector():
    form = InstitutionForm(form_data(kind=InstitutionKind.GOPS, regon="123 456 785"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["county"].code == "2611"
    assert form.cleaned_data["sector"] == Sector.SOCIAL_ASSISTANCE
    assert form.cleaned_data["regon"] == "123456785"
    assert [g.code for g in form.cleaned_data["serves"]] == ["2611032"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"regon": "123456786"}, "regon"),
        ({"regon": "12345"}, "regon"),
        ({"krs": "12345"}, "krs"),
        ({"postal_code": "27220"}, "postal_code"),
        ({"kind": InstitutionKind.POLICE_POST, "sector": Sector.EDUCATION}, "sector"),
        ({"kind": InstitutionKind.GOPS, "municipality": ""}, "municipality"),
        ({"kind": InstitutionKind.PCPR, "municipality": ""}, "county"),
        ({"name": ""}, "name"),
    ],
)
def test_it_refuses_bad_input_with_a_message_on_the_field(changes, field):
    form = InstitutionForm(form_data(**changes))

    assert not form.is_valid()
    assert form.errors[field]


def test_it_refuses_a_gmina_outside_the_chosen_county():
    form = InstitutionForm(form_data(county=County.objects.get(code="2602").pk))

    assert not form.is_valid()
    assert form.errors["municipality"]


def test_it_refuses_a_county_outside_the_chosen_voivodeship():
    form = InstitutionForm(
        form_data(
            municipality="",
            county=County.objects.get(code="2611").pk,
            voivodeship=Voivodeship.objects.get(code="18").pk,
        )
    )

    assert not form.is_valid()
    assert form.errors["county"]


def test_it_lets_an_ngo_work_in_any_sector():
    form = InstitutionForm(form_data(sector=Sector.HOUSING))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["sector"] == Sector.HOUSING


def test_it_lets_only_an_administrator_create_an_institution(persona):
    form = InstitutionForm(form_data())
    assert form.is_valid()

    with pytest.raises(PermissionDenied):
        create_institution(persona("lider.mirzec"), form.institution_fields(), form.cleaned_data["serves"])

    institution = create_institution(persona("admin"), form.institution_fields(), form.cleaned_data["serves"])
    assert institution.serves.get().code == "2611032"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(institution.public_id)).exists()


def test_it_saves_an_edit_and_raises_the_version(persona, gops_mirzec):
    version = gops_mirzec.version

    update_institution(persona("admin"), gops_mirzec, {"phone": "41 000 99 99"}, version=version)

    gops_mirzec.refresh_from_db()
    assert (gops_mirzec.phone, gops_mirzec.version) == ("41 000 99 99", version + 1)


def test_it_refuses_an_edit_made_on_a_stale_version_and_saves_nothing(persona, gops_mirzec):
    admin = persona("admin")
    seen = gops_mirzec.version
    update_institution(admin, gops_mirzec, {"phone": "41 000 11 11"}, version=seen)

    with pytest.raises(StaleVersion) as error:
        update_institution(
            admin, gops_mirzec, {"phone": "41 000 22 22"}, version=seen, serves=Municipality.objects.none()
        )

    gops_mirzec.refresh_from_db()
    assert gops_mirzec.phone == "41 000 11 11"
    assert gops_mirzec.serves.exists()
    assert error.value.code == "stale_version"


def test_it_refuses_to_set_fields_that_are_the_platforms_own(persona, gops_mirzec):
    with pytest.raises(ValueError):
        update_institution(persona("admin"), gops_mirzec, {"version": 99}, version=gops_mirzec.version)


def test_it_lets_only_an_administrator_edit(persona, gops_mirzec):
    with pytest.raises(PermissionDenied):
        update_institution(persona("lider.mirzec"), gops_mirzec, {"phone": "1"}, version=gops_mirzec.version)


def test_it_sets_the_served_gminas(persona):
    pcpr = Institution.objects.get(short_name="PCPR Starachowice")
    mirzec = Municipality.objects.get(code="2611032")

    set_served_gminas(persona("admin"), pcpr, [mirzec])

    assert list(pcpr.serves.values_list("code", flat=True)) == ["2611032"]
    with pytest.raises(PermissionDenied):
        set_served_gminas(persona("gops.mirzec"), pcpr, [])
