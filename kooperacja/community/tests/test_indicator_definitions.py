"""Indicator definitions kept by administrators (/community/indicators/definitions/)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from kooperacja.community import indicators
from kooperacja.community.models import CommunityIndicator, IndicatorDefinition, IndicatorGroup
from kooperacja.core.models import AuditEvent
from kooperacja.territory.models import Municipality
from tests.personas import ADMIN, GOPS_MIRZEC, ROPS_KIELCE

pytestmark = pytest.mark.django_db

LIST = reverse("community:indicator_definitions")
ADD = reverse("community:indicator_definition_add")


def edit_url(code: str) -> str:
    return reverse("community:indicator_definition_edit", kwargs={"code": code})


def delete_url(code: str) -> str:
    return reverse("community:indicator_definition_delete", kwargs={"code": code})


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return escape(translation.gettext(msgid))


def own(code: str = "seniors_75_plus", **fields: Any) -> IndicatorDefinition:
    """A definition an administrator added (not shipped with the platform)."""
    values = {"name": "Osoby w wieku 75+", "group": IndicatorGroup.POPULATION, "unit": "osoby", "position": 15}
    return IndicatorDefinition.objects.create(code=code, **{**values, **fields})


def form_data(definition: IndicatorDefinition | None = None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "seniors_75_plus",
        "name": "Osoby w wieku 75+",
        "group": IndicatorGroup.POPULATION,
        "unit": "osoby",
        "description": "",
        "position": 15,
        "is_active": "on",
    }
    if definition is not None:
        data.update(
            code=definition.code,
            name=definition.name,
            group=definition.group,
            unit=definition.unit,
            description=definition.description,
            position=definition.position,
            version=indicators.definition_version(definition),
        )
        if not definition.is_active:
            del data["is_active"]
    data.update(changes)
    return data


def record_figure(definition: IndicatorDefinition) -> None:
    CommunityIndicator.objects.create(
        municipality=Municipality.objects.get(code="2611032"),
        year=timezone.localdate().year - 1,
        indicator=definition,
        value=10,
    )


def test_it_lists_definitions_by_group_with_how_many_figures_record_them(client, login_as):
    added = own()
    record_figure(added)
    login_as(ADMIN)

    response = client.get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert "seniors_75_plus" in html and "Liczba mieszkańców" in html
    assert polish("population").capitalize() in html or "Population" in html
    listed = next(d for d in indicators.definitions_in_use() if d.code == "seniors_75_plus")
    assert listed.recorded == 1  # type: ignore[attr-defined]


def test_the_list_reads_in_a_fixed_number_of_queries(client, login_as, django_assert_max_num_queries):
    login_as(ADMIN)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
    for number in range(30):
        record_figure(own(f"extra_{number}"))
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200


def test_the_indicators_page_links_administrators_to_the_definitions(client, login_as):
    login_as(ADMIN)
    assert LIST in client.get(reverse("community:indicators")).content.decode()
    login_as(GOPS_MIRZEC)
    assert LIST not in client.get(reverse("community:indicators")).content.decode()


def test_an_administrator_adds_a_definition(client, login_as):
    login_as(ADMIN)

    response = client.post(ADD, form_data())

    assert response.status_code == 302
    added = IndicatorDefinition.objects.get(code="seniors_75_plus")
    assert (added.name, added.unit, added.is_active) == ("Osoby w wieku 75+", "osoby", True)
    assert AuditEvent.objects.filter(object_type="community.indicator_definition", object_id=added.code).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "Seniorzy 75+"}, "code"),
        ({"code": "population"}, "code"),
        ({"name": ""}, "name"),
        ({"group": "weather"}, "group"),
        ({"position": "-1"}, "position"),
    ],
)
def test_bad_input_adds_nothing(client, login_as, changes, field):
    login_as(ADMIN)
    before = IndicatorDefinition.objects.count()

    response = client.post(ADD, form_data(**changes))

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert IndicatorDefinition.objects.count() == before


def test_an_administrator_edits_a_definition_and_may_change_an_unused_code(client, login_as):
    added = own()
    login_as(ADMIN)

    response = client.post(edit_url(added.code), form_data(added, code="seniors_75", name="Seniorzy 75+"))

    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.code, added.name) == ("seniors_75", "Seniorzy 75+")


def test_a_definition_with_figures_keeps_its_code_but_may_be_taken_out_of_use(client, login_as):
    added = own()
    record_figure(added)
    login_as(ADMIN)

    response = client.post(edit_url(added.code), form_data(added, code="renamed", is_active=""))

    assert response.status_code == 302
    added.refresh_from_db()
    assert added.code == "seniors_75_plus"  # the locked field is not taken from the form
    assert not added.is_active


def test_the_service_refuses_a_new_code_for_a_definition_with_figures(persona):
    added = own()
    record_figure(added)

    with pytest.raises(indicators.ValidationError) as refusal:
        indicators.save_definition(
            persona(ADMIN), added, {"code": "renamed"}, version=indicators.definition_version(added)
        )

    assert "code" in refusal.value.message_dict
    added.refresh_from_db()
    assert added.code == "seniors_75_plus"


def test_a_shipped_definition_keeps_its_code(persona):
    population = IndicatorDefinition.objects.get(code="population")

    assert indicators.code_locked(population)
    with pytest.raises(indicators.ValidationError):
        indicators.delete_definition(persona(ADMIN), population)


def test_a_stale_edit_is_refused_with_both_versions(client, login_as):
    added = own()
    login_as(ADMIN)
    opened = form_data(added, name="Moja nazwa")
    IndicatorDefinition.objects.filter(pk=added.pk).update(name="Nazwa kolegi")

    response = client.post(edit_url(added.code), opened)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Nazwa kolegi" in html and "Moja nazwa" in html
    added.refresh_from_db()
    assert added.name == "Nazwa kolegi"
    # Saving again after reading the difference is the editor's confirmation.
    again = client.post(edit_url(added.code), {**opened, "version": indicators.definition_version(added)})
    assert again.status_code == 302


def test_an_edit_that_does_not_say_which_version_it_changes_is_refused(client, login_as):
    added = own()
    login_as(ADMIN)
    data = form_data(added, name="Bez wersji")
    del data["version"]

    response = client.post(edit_url(added.code), data)

    assert response.status_code == 409
    added.refresh_from_db()
    assert added.name != "Bez wersji"


def test_an_unused_definition_is_deleted_after_confirmation(client, login_as):
    added = own()
    login_as(ADMIN)

    page = client.get(delete_url(added.code))
    assert page.status_code == 200
    assert IndicatorDefinition.objects.filter(pk=added.pk).exists()

    response = client.post(delete_url(added.code))

    assert response.status_code == 302
    assert not IndicatorDefinition.objects.filter(pk=added.pk).exists()


def test_a_definition_with_figures_cannot_be_deleted(client, login_as):
    added = own()
    record_figure(added)
    login_as(ADMIN)

    page = client.get(delete_url(added.code)).content.decode()
    response = client.post(delete_url(added.code))

    assert 'id="delete-refused"' in page
    assert response.status_code == 400
    assert IndicatorDefinition.objects.filter(pk=added.pk).exists()


@pytest.mark.parametrize("username", [GOPS_MIRZEC, ROPS_KIELCE])
def test_others_may_not_change_definitions(client, login_as, username):
    added = own()
    login_as(username)

    assert client.post(ADD, form_data(code="other")).status_code == 403
    assert client.post(edit_url(added.code), form_data(added, name="X")).status_code == 403
    assert client.post(delete_url(added.code)).status_code == 403
    added.refresh_from_db()
    assert added.name == "Osoby w wieku 75+"
    assert not IndicatorDefinition.objects.filter(code="other").exists()


def test_an_unknown_code_is_not_found(client, login_as):
    login_as(ADMIN)
    assert client.get(edit_url("no-such-indicator")).status_code == 404
    assert client.post(delete_url("no-such-indicator")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_synchronisation_keeps_an_administrators_edits_of_shipped_definitions(persona):
    population = IndicatorDefinition.objects.get(code="population")
    indicators.save_definition(
        persona(ADMIN),
        population,
        {"name": "Ludność ogółem", "description": "Moja"},
        version=indicators.definition_version(population),
    )

    assert indicators.sync_definitions() == 0

    population.refresh_from_db()
    assert (population.name, population.description) == ("Ludność ogółem", "Moja")
