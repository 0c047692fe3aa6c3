"""One institution, one entry: no second institution with the same REGON, or the same name where it works."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kooperacja.institutions import services
from kooperacja.institutions.forms import InstitutionForm
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.institutions.services import create_institution, update_institution
from kooperacja.institutions.tests.conftest import polish
from kooperacja.territory.models import County, Municipality, Voivodeship

pytestmark = pytest.mark.django_db

SAME_NAME_IN_GMINA = (
    "An institution with this name already exists in this gmina. Find it on the list instead of adding it again, "
    "or give the full name that tells them apart."
)
SAME_REGON = (
    "Another institution on the platform already has this REGON number. Check the number, or find that "
    "institution on the list instead of adding it again."
)


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


def polish_errors(form: InstitutionForm) -> dict[str, str]:
    with translation.override("pl"):
        return {field: " ".join(str(message) for message in messages) for field, messages in form.errors.items()}


def in_polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


@pytest.mark.parametrize(
    "name",
    [
        "Gminny Ośrodek Pomocy Społecznej w Mircu",
        "gminny ośrodek pomocy społecznej w mircu",
        "  Gminny  Ośrodek Pomocy Społecznej w Mircu ",
    ],
)
def test_it_refuses_a_second_institution_of_the_same_name_in_the_gmina(name):
    form = InstitutionForm(form_data(name=name, kind=InstitutionKind.GOPS))

    assert not form.is_valid()
    assert polish_errors(form)["name"] == in_polish(SAME_NAME_IN_GMINA)


def test_it_accepts_the_same_name_in_another_gmina():
    oksa = Municipality.objects.get(code="2602052")
    form = InstitutionForm(
        form_data(name="Publiczna Szkoła Podstawowa w Mircu", kind=InstitutionKind.SCHOOL, municipality=oksa.pk)
    )

    assert form.is_valid(), form.errors


def test_it_refuses_a_second_powiat_institution_of_the_same_name_in_the_county():
    form = InstitutionForm(
        form_data(
            name="Powiatowe Centrum Pomocy Rodzinie w Starachowicach",
            kind=InstitutionKind.PCPR,
            municipality="",
            county=County.objects.get(code="2611").pk,
        )
    )

    assert not form.is_valid()
    assert "name" in form.errors


def test_it_refuses_a_second_regional_centre_of_the_same_name_in_the_voivodeship():
    form = InstitutionForm(
        form_data(name="Regionalny Ośrodek Polityki Społecznej w Rzeszowie", kind=InstitutionKind.ROPS, municipality="")
        | {"voivodeship": Voivodeship.objects.get(code="18").pk}
    )

    assert not form.is_valid()
    assert "name" in form.errors


def test_it_refuses_a_regon_another_institution_has(persona, make_institution):
    make_institution(name="Szkoła z numerem REGON", regon="123456785")
    form = InstitutionForm(form_data(regon="123-456-785"))

    assert not form.is_valid()
    assert polish_errors(form)["regon"] == in_polish(SAME_REGON)


def test_it_lets_many_institutions_go_without_a_regon(make_institution):
    make_institution(regon="")
    form = InstitutionForm(form_data(regon=""))

    assert form.is_valid(), form.errors


def test_it_lets_an_institution_keep_its_own_name_and_regon_when_edited(persona, gops_mirzec):
    update_institution(persona("admin"), gops_mirzec, {"regon": "123456785"}, version=gops_mirzec.version)
    gops_mirzec.refresh_from_db()

    edited = update_institution(persona("admin"), gops_mirzec, {"phone": "41 274 10 00"}, version=gops_mirzec.version)

    assert (edited.regon, edited.phone) == ("123456785", "41 274 10 00")


def test_it_refuses_a_duplicate_through_the_services_and_saves_nothing(persona, gops_mirzec, gops_oksa):
    before = Institution.objects.count()

    with pytest.raises(ValidationError) as created:
        create_institution(
            persona("admin"),
            {
                "name": gops_mirzec.name.upper(),
                "kind": InstitutionKind.GOPS,
                "voivodeship": gops_mirzec.voivodeship,
                "municipality": gops_mirzec.municipality,
            },
        )
    with pytest.raises(ValidationError) as renamed:
        update_institution(
            persona("admin"),
            gops_oksa,
            {"name": gops_mirzec.name, "municipality": gops_mirzec.municipality, "county": None},
            version=gops_oksa.version,
        )

    assert "name" in created.value.message_dict
    assert "name" in renamed.value.message_dict
    assert Institution.objects.count() == before
    gops_oksa.refresh_from_db()
    assert gops_oksa.name == "Gminny Ośrodek Pomocy Społecznej w Oksie"


def test_it_explains_a_duplicate_saved_a_moment_earlier_instead_of_failing(persona, gops_mirzec, monkeypatch):
    """Two administrators adding the same institution at once: the database refuses the second."""
    checks = []
    real_check = services.validate_institution

    def passes_the_first_time(institution: Institution) -> None:
        checks.append(institution)
        if len(checks) > 1:
            real_check(institution)

    monkeypatch.setattr(services, "validate_institution", passes_the_first_time)
    before = Institution.objects.count()

    with pytest.raises(ValidationError) as error:
        create_institution(
            persona("admin"),
            {
                "name": gops_mirzec.name,
                "kind": InstitutionKind.GOPS,
                "voivodeship": gops_mirzec.voivodeship,
                "county": gops_mirzec.county,
                "municipality": gops_mirzec.municipality,
            },
        )

    assert "name" in error.value.message_dict
    assert Institution.objects.count() == before


def test_it_shows_the_duplicate_on_the_add_page_and_saves_nothing(client, login_as, gops_mirzec):
    login_as("admin")
    before = Institution.objects.count()

    response = client.post(reverse("institutions:create"), form_data(name=gops_mirzec.name, kind=InstitutionKind.GOPS))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert polish(SAME_NAME_IN_GMINA) in page
    assert Institution.objects.count() == before
