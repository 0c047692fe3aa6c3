"""Creating and editing institutions: form checks, sector defaults, and concurrent edits detected."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.institutions.forms import InstitutionForm
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.institutions.services import (
    StaleVersion,
    create_institution,
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
    fields = form.institution_fields()
    assert fields["county"].code == "2611"
    assert fields["sector"] == Sector.SOCIAL_ASSISTANCE
    assert fields["regon"] == "123456785"
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
    assert form.institution_fields()["sector"] == Sector.HOUSING


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


def test_it_sets_the_served_gminas_with_an_audited_edit(persona):
    pcpr = Institution.objects.get(short_name="PCPR Starachowice")
    mirzec = Municipality.objects.get(code="2611032")
    version = pcpr.version

    update_institution(persona("admin"), pcpr, {}, version=version, serves=[mirzec])

    assert list(pcpr.serves.values_list("code", flat=True)) == ["2611032"]
    assert pcpr.version == version + 1
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(pcpr.public_id)).exists()
    with pytest.raises(PermissionDenied):
        update_institution(persona("gops.mirzec"), pcpr, {}, version=pcpr.version, serves=[])


# --- the services hold callers that skip the form to the same rules ------------------------


def service_fields(**changes: Any) -> dict[str, Any]:
    mirzec = Municipality.objects.with_parents().get(code="2611032")
    fields: dict[str, Any] = {
        "name": "Gminny Ośrodek Pomocy Społecznej w Próbie",
        "kind": InstitutionKind.GOPS,
        "voivodeship": mirzec.county.voivodeship,
        "municipality": mirzec,
    }
    fields.update(changes)
    return fields


def polish_errors(error: ValidationError) -> dict[str, list[str]]:
    with translation.override("pl"):
        return {field: [str(message) for message in messages] for field, messages in error.message_dict.items()}


def test_it_fills_in_the_county_of_the_gmina_and_the_usual_sector_of_the_kind(persona):
    institution = create_institution(persona("admin"), service_fields())

    institution.refresh_from_db()
    assert institution.county is not None
    assert (institution.county.code, institution.sector) == ("2611", Sector.SOCIAL_ASSISTANCE)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"municipality": None},
            "municipality",
            "A social assistance centre (GOPS) needs its gmina.",
        ),
        (
            {"kind": InstitutionKind.PCPR, "municipality": None},
            "county",
            "A powiat institution (PCPR, PUP) needs its county.",
        ),
        (
            {"county_code": "2602"},
            "municipality",
            "This gmina lies in another county than the one chosen.",
        ),
        (
            {"municipality": None, "kind": InstitutionKind.SCHOOL, "county_code": "2611", "voivodeship_code": "18"},
            "county",
            "This county lies in another voivodeship than the one chosen.",
        ),
        ({"sector": Sector.EDUCATION}, "sector", None),
        ({"kind": "castle"}, "kind", None),
        ({"name": ""}, "name", None),
    ],
)
def test_it_refuses_to_create_an_institution_breaking_the_rules_and_saves_nothing(persona, changes, field, message):
    if "county_code" in changes:
        changes["county"] = County.objects.get(code=changes.pop("county_code"))
    if "voivodeship_code" in changes:
        changes["voivodeship"] = Voivodeship.objects.get(code=changes.pop("voivodeship_code"))
    before = Institution.objects.count()

    with pytest.raises(ValidationError) as error:
        create_institution(persona("admin"), service_fields(**changes))

    errors = polish_errors(error.value)
    assert field in errors
    if message is not None:
        with translation.override("pl"):
            assert errors[field] == [translation.gettext(message)]
    assert Institution.objects.count() == before


def test_it_names_the_kind_and_its_sectors_in_polish():
    with pytest.raises(ValidationError) as error:
        Institution(
            name="Posterunek",
            kind=InstitutionKind.POLICE_POST,
            sector=Sector.EDUCATION,
            voivodeship=Voivodeship.objects.get(code="26"),
        ).full_clean()

    assert polish_errors(error.value)["sector"] == [
        "Dla instytucji rodzaju „posterunek policji” wybierz sektor: policja."
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"municipality_code": "2602052"}, "municipality"),
        ({"kind": InstitutionKind.POLICE_POST}, "sector"),
        ({"municipality": None}, "municipality"),
        ({"voivodeship_code": "18"}, "county"),
    ],
)
def test_it_refuses_an_edit_breaking_the_rules_and_saves_nothing(persona, gops_mirzec, changes, field):
    if "municipality_code" in changes:
        changes["municipality"] = Municipality.objects.get(code=changes.pop("municipality_code"))
    if "voivodeship_code" in changes:
        changes["voivodeship"] = Voivodeship.objects.get(code=changes.pop("voivodeship_code"))
    changes["county"] = gops_mirzec.county
    version = gops_mirzec.version
    events = AuditEvent.objects.filter(action=AuditAction.UPDATE).count()

    with pytest.raises(ValidationError) as error:
        update_institution(persona("admin"), gops_mirzec, changes, version=version)

    assert field in error.value.message_dict
    gops_mirzec.refresh_from_db()
    assert (gops_mirzec.version, gops_mirzec.kind, gops_mirzec.municipality.code) == (version, "gops", "2611032")
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE).count() == events


def test_it_checks_an_edit_against_the_saved_row_not_the_callers_copy(persona, gops_mirzec):
    # The caller's copy lost its gmina; the saved row still has it, so changing the phone is fine.
    gops_mirzec.municipality = None

    update_institution(persona("admin"), gops_mirzec, {"phone": "41 000 33 33"}, version=gops_mirzec.version)

    gops_mirzec.refresh_from_db()
    assert (gops_mirzec.phone, gops_mirzec.municipality.code) == ("41 000 33 33", "2611032")
