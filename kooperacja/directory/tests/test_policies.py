"""Who keeps which directory entries (kooperacja.directory.policies, DESIGN.md §1)."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kooperacja.directory.policies import (
    can_keep_services,
    get_institution_for_service_add,
    get_service_for_edit,
    get_service_for_user,
    services_for_manage_list,
)
from kooperacja.directory.tests.test_upkeep import add_service, institution
from kooperacja.institutions.models import Institution

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "keeps"),
    [
        ("admin", True),
        ("lider.mirzec", True),
        ("szkola.mirzec", True),
        ("policja.mirzec", True),
        ("gops.mirzec", False),
        ("asystent.mirzec", False),
        ("pcpr.starachowice", False),
        ("rops.kielce", False),
    ],
)
def test_it_gives_the_directory_pages_to_keepers_only(persona, username, keeps):
    assert can_keep_services(persona(username)) is keeps


@pytest.mark.parametrize(
    ("username", "can_edit"),
    [("admin", True), ("lider.mirzec", True), ("gops.mirzec", False), ("asystent.mirzec", False)],
)
def test_it_gives_members_and_the_administrator_the_service_saying_who_may_edit(persona, username, can_edit):
    service = add_service(persona("lider.mirzec"))

    found, may_edit = get_service_for_user(persona(username), service.public_id)

    assert (found, may_edit) == (service, can_edit)


@pytest.mark.parametrize("username", ["szkola.mirzec", "gops.oksa", "pcpr.starachowice", "rops.kielce"])
def test_it_hides_another_institutions_service(persona, username):
    service = add_service(persona("lider.mirzec"))

    with pytest.raises(Http404):
        get_service_for_user(persona(username), service.public_id)


def test_it_answers_an_unknown_service_as_not_found_even_to_the_administrator(persona):
    with pytest.raises(Http404):
        get_service_for_user(persona("admin"), uuid.uuid4())


def test_it_forbids_editing_to_a_member_who_may_not(persona):
    service = add_service(persona("lider.mirzec"))

    with pytest.raises(PermissionDenied):
        get_service_for_edit(persona("kolega.mirzec"), service.public_id)


def test_it_lets_an_institution_be_added_to_by_its_keepers_only(persona):
    gops = institution("GOPS Mirzec")

    assert get_institution_for_service_add(persona("lider.mirzec"), gops.public_id) == gops
    with pytest.raises(PermissionDenied):
        get_institution_for_service_add(persona("gops.mirzec"), gops.public_id)
    with pytest.raises(Http404):
        get_institution_for_service_add(persona("szkola.mirzec"), gops.public_id)


def test_it_lists_each_keeper_their_own_institutions_entries(persona):
    gops_service = add_service(persona("lider.mirzec"))
    school_service = add_service(persona("szkola.mirzec"), "PSP Mirzec")

    leaders = services_for_manage_list(persona("lider.mirzec"))
    schools = services_for_manage_list(persona("szkola.mirzec"))

    assert gops_service in leaders and school_service not in leaders
    assert school_service in schools and gops_service not in schools
    assert {service.institution.short_name for service in leaders} == {"GOPS Mirzec"}
    assert {gops_service, school_service} <= set(services_for_manage_list(persona("admin")))
    assert not services_for_manage_list(persona("gops.mirzec")).exists()


def test_it_ends_the_rights_of_staff_of_an_institution_that_stopped_working(persona):
    service = add_service(persona("szkola.mirzec"), "PSP Mirzec")
    Institution.objects.filter(short_name="PSP Mirzec").update(is_active=False)
    school = persona("szkola.mirzec")

    assert not can_keep_services(school)
    with pytest.raises(Http404):
        get_service_for_user(school, service.public_id)
