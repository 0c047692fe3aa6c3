"""The institution pages: list, add, edit, detail — who may, and what bad input gets."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.institutions.policies import get_institution_for_edit
from kooperacja.institutions.tests.conftest import polish
from kooperacja.territory.models import Municipality, Voivodeship

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [institution.name for institution in response.context["page"].object_list]


# --- list -----------------------------------------------------------------------------------


def test_it_lists_every_institution_to_the_administrator(client, login_as):
    login_as("admin")

    response = client.get(reverse("institutions:list"))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == Institution.objects.count()


def test_it_lists_only_their_own_institution_to_a_manager(client, login_as):
    login_as("lider.mirzec")

    response = client.get(reverse("institutions:list"))

    assert names(response) == ["Gminny Ośrodek Pomocy Społecznej w Mircu"]


@pytest.mark.parametrize("username", ["gops.mirzec", "asystent.mirzec", "szkola.mirzec", "rops.kielce"])
def test_it_forbids_the_list_to_other_roles(client, login_as, username):
    login_as(username)

    assert client.get(reverse("institutions:list")).status_code == 403


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("institutions:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_posting_to_the_list(client, login_as):
    login_as("admin")

    assert client.post(reverse("institutions:list")).status_code == 405


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {"gmina": "2602052"},
            {"Gminny Ośrodek Pomocy Społecznej w Oksie", "Powiatowe Centrum Pomocy Rodzinie w Jędrzejowie"},
        ),
        ({"county": "2611", "kind": InstitutionKind.PUP}, {"Powiatowy Urząd Pracy w Starachowicach"}),
        ({"voivodeship": "18"}, {"Regionalny Ośrodek Polityki Społecznej w Rzeszowie"}),
        ({"sector": "police"}, {"Posterunek Policji w Mircu"}),
        ({"q": "przedszkole mircu"}, {"Publiczne Przedszkole w Mircu"}),
    ],
)
def test_it_filters_the_list(client, login_as, query, expected):
    login_as("admin")

    response = client.get(reverse("institutions:list"), query)

    assert set(names(response)) == expected


def test_it_explains_invalid_filters_and_shows_nothing(client, login_as):
    login_as("admin")

    response = client.get(reverse("institutions:list"), {"voivodeship": "99", "kind": "castle"})

    assert response.status_code == 400
    assert names(response) == []
    assert response.context["form"].errors.keys() == {"voivodeship", "kind"}


def test_it_keeps_a_manager_to_their_own_institutions_whatever_the_filters(client, login_as):
    login_as("lider.mirzec")

    response = client.get(reverse("institutions:list"), {"gmina": "2602052"})

    assert names(response) == []


@pytest.mark.parametrize("extra", [0, 60])
def test_it_needs_as_many_queries_for_many_institutions_as_for_few(
    client, login_as, make_institution, make_member, django_assert_max_num_queries, extra
):
    for _ in range(extra):
        make_member(make_institution(), Role.MANAGER)
    login_as("admin")

    # Session, user, two-factor devices, memberships and the shell's own queries come first.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("institutions:list"), {"county": "2611"})

    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 30])
def test_it_needs_as_many_queries_for_a_manager_of_many_institutions(
    client, login_as, persona, make_institution, django_assert_max_num_queries, extra
):
    leader = persona("lider.mirzec")
    for _ in range(extra):
        leader.memberships.create(institution=make_institution(), role=Role.MANAGER)
    login_as("lider.mirzec")

    with django_assert_max_num_queries(16):
        response = client.get(reverse("institutions:list"))

    assert response.context["page"].paginator.count == extra + 1


# --- add --------------------------------------------------------------------------------------


def new_institution_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Stowarzyszenie Razem dla Mirca",
        "kind": InstitutionKind.NGO,
        "voivodeship": Voivodeship.objects.get(code="26").pk,
        "municipality": Municipality.objects.get(code="2611032").pk,
        "postal_code": "27-220",
        "locality": "Mirzec",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_it_adds_an_institution_for_the_administrator(client, login_as):
    login_as("admin")

    response = client.post(reverse("institutions:create"), new_institution_data())

    institution = Institution.objects.get(name="Stowarzyszenie Razem dla Mirca")
    assert response.status_code == 302
    assert response["Location"] == reverse("institutions:detail", args=[institution.public_id])
    assert institution.county is not None
    assert (institution.sector, institution.county.code) == ("ngo", "2611")


def test_it_keeps_the_form_and_saves_nothing_on_bad_input(client, login_as):
    login_as("admin")

    response = client.post(reverse("institutions:create"), new_institution_data(regon="123456786"))

    assert response.status_code == 400
    assert response.context["form"].errors["regon"]
    assert polish("This REGON number has a wrong check digit: check for a mistyped digit.") in response.content.decode()
    assert not Institution.objects.filter(name="Stowarzyszenie Razem dla Mirca").exists()


@pytest.mark.parametrize("username", ["lider.mirzec", "gops.mirzec"])
def test_it_forbids_adding_to_anyone_but_the_administrator(client, login_as, username):
    login_as(username)

    assert client.get(reverse("institutions:create")).status_code == 403
    assert client.post(reverse("institutions:create"), new_institution_data()).status_code == 403
    assert not Institution.objects.filter(name="Stowarzyszenie Razem dla Mirca").exists()


def test_it_refuses_deleting_through_the_add_page(client, login_as):
    login_as("admin")

    assert client.delete(reverse("institutions:create")).status_code == 405


# --- edit -------------------------------------------------------------------------------------


def edit_data(institution: Institution, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": institution.name,
        "short_name": institution.short_name,
        "kind": institution.kind,
        "sector": institution.sector,
        "voivodeship": institution.voivodeship_id,
        "county": institution.county_id or "",
        "municipality": institution.municipality_id or "",
        "serves": list(institution.serves.values_list("pk", flat=True)),
        "street": institution.street,
        "postal_code": institution.postal_code,
        "locality": institution.locality,
        "email": institution.email,
        "phone": institution.phone,
        "is_active": "on",
        "version": institution.version,
    }
    data.update(changes)
    return data


def test_it_saves_an_edit_for_the_administrator(client, login_as, gops_mirzec):
    login_as("admin")

    response = client.post(
        reverse("institutions:edit", args=[gops_mirzec.public_id]), edit_data(gops_mirzec, phone="41 000 77 77")
    )

    assert response.status_code == 302
    gops_mirzec.refresh_from_db()
    assert gops_mirzec.phone == "41 000 77 77"


def test_it_shows_the_current_version_in_the_edit_form(client, login_as, gops_mirzec):
    login_as("admin")

    response = client.get(reverse("institutions:edit", args=[gops_mirzec.public_id]))

    assert f'name="version" value="{gops_mirzec.version}"' in response.content.decode()


def test_it_detects_a_concurrent_edit_and_overwrites_nothing(client, login_as, gops_mirzec):
    login_as("admin")
    url = reverse("institutions:edit", args=[gops_mirzec.public_id])
    first = edit_data(gops_mirzec, phone="41 000 11 11")
    second = edit_data(gops_mirzec, phone="41 000 22 22")
    client.post(url, first)

    response = client.post(url, second)

    assert response.status_code == 409
    assert (
        polish(
            "Someone else saved changes to this institution after you opened the form. Nothing was saved: open "
            "the institution again to see the current data, then repeat your changes."
        )
        in response.content.decode()
    )
    gops_mirzec.refresh_from_db()
    assert gops_mirzec.phone == "41 000 11 11"


def test_it_refuses_a_bad_edit_and_saves_nothing(client, login_as, gops_mirzec):
    login_as("admin")

    response = client.post(
        reverse("institutions:edit", args=[gops_mirzec.public_id]), edit_data(gops_mirzec, postal_code="27220")
    )

    assert response.status_code == 400
    gops_mirzec.refresh_from_db()
    assert gops_mirzec.postal_code == "27-220"


def test_it_forbids_editing_to_a_member_and_hides_other_institutions(client, login_as, gops_mirzec, gops_oksa):
    login_as("lider.mirzec")

    assert client.get(reverse("institutions:edit", args=[gops_mirzec.public_id])).status_code == 403
    assert (
        client.post(
            reverse("institutions:edit", args=[gops_mirzec.public_id]), edit_data(gops_mirzec, phone="0")
        ).status_code
        == 403
    )
    assert client.get(reverse("institutions:edit", args=[gops_oksa.public_id])).status_code == 404
    gops_mirzec.refresh_from_db()
    assert gops_mirzec.phone != "0"


def test_it_gives_the_institution_to_edit_only_to_the_administrator(persona, gops_mirzec, gops_oksa):
    assert get_institution_for_edit(persona("admin"), gops_mirzec.public_id) == gops_mirzec
    with pytest.raises(PermissionDenied):
        get_institution_for_edit(persona("lider.mirzec"), gops_mirzec.public_id)
    with pytest.raises(Http404):
        get_institution_for_edit(persona("lider.mirzec"), gops_oksa.public_id)
    with pytest.raises(Http404):
        get_institution_for_edit(persona("admin"), uuid.uuid4())


def test_it_answers_not_found_for_an_unknown_institution(client, login_as):
    login_as("admin")

    assert client.get(reverse("institutions:edit", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("institutions:detail", args=[uuid.uuid4()])).status_code == 404


# --- detail -----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["admin", "gops.mirzec", "asystent.mirzec", "lider.mirzec"])
def test_it_shows_an_institution_to_the_administrator_and_its_members(client, login_as, gops_mirzec, username):
    login_as(username)

    response = client.get(reverse("institutions:detail", args=[gops_mirzec.public_id]))

    assert response.status_code == 200
    assert "Mirzec-Majorat 1" in response.content.decode()


@pytest.mark.parametrize("username", ["gops.oksa", "szkola.mirzec", "rops.kielce", "pcpr.starachowice"])
def test_it_hides_an_institution_from_everyone_else(client, login_as, gops_mirzec, username):
    login_as(username)

    assert client.get(reverse("institutions:detail", args=[gops_mirzec.public_id])).status_code == 404


def test_it_links_the_staff_page_for_the_manager_only(client, login_as, gops_mirzec):
    staff_url = reverse("institutions:staff", args=[gops_mirzec.public_id])
    login_as("lider.mirzec")
    assert staff_url in client.get(reverse("institutions:detail", args=[gops_mirzec.public_id])).content.decode()

    login_as("gops.mirzec")
    assert staff_url not in client.get(reverse("institutions:detail", args=[gops_mirzec.public_id])).content.decode()


def test_it_refuses_posting_to_the_detail_page(client, login_as, gops_mirzec):
    login_as("admin")

    assert client.post(reverse("institutions:detail", args=[gops_mirzec.public_id])).status_code == 405


@pytest.mark.parametrize("served", [1, 40])
def test_it_needs_as_many_queries_for_an_institution_serving_many_gminas_as_few(
    client, login_as, gops_mirzec, django_assert_max_num_queries, served
):
    county = gops_mirzec.county
    gminas = [
        Municipality.objects.create(code=f"2611{n + 50:02d}2", name=f"Gmina {n}", kind="2", county=county)
        for n in range(served)
    ]
    gops_mirzec.serves.set(gminas)
    login_as("lider.mirzec")

    # Session, user, two-factor devices, memberships and the shell's own queries come first.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("institutions:detail", args=[gops_mirzec.public_id]))

    assert len(response.context["served"]) == served
