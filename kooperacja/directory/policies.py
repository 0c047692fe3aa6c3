"""Who may keep which service directory entries, and who extends the taxonomy (DESIGN.md §1).

An institution's managers and partner staff keep its services (add, edit, confirm, mark
inactive); a platform administrator keeps everyone's. Nobody else edits an entry: the public
directory is where everyone reads them. The rule for staff pages, as everywhere on the
platform: a service (or institution) outside the user's scope is "not found" (404, no hint it
exists); one of the user's own institution that the user may not edit is "forbidden" (403).
Taxonomies are public data: only platform administrators change them, and nobody changes the
fields taxonomy.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kooperacja.core.policies import institution_ids_with_role, is_platform_admin, memberships
from kooperacja.core.roles import Role
from kooperacja.directory.models import FIELDS, Service, ServiceAtLocation, ServiceQuerySet, Taxonomy
from kooperacja.institutions.models import Institution
from kooperacja.institutions.policies import is_member

# The roles that keep their own institution's directory entries.
KEEPER_ROLES = (Role.MANAGER, Role.PARTNER_STAFF)
# Its codes name fields of ours that HSDS files carry and the code reads: a new term there
# would mean nothing.
READ_ONLY_TAXONOMIES = frozenset({FIELDS})


def kept_institution_ids(user: Any) -> set[int]:
    """The institutions whose entries the user keeps as a manager or partner staff."""
    return institution_ids_with_role(user, *KEEPER_ROLES)


def can_keep_services(user: Any) -> bool:
    """Whether the staff pages of the directory are for this user at all: administrators,
    managers and partner staff. Other roles read the public directory and never edit it."""
    return is_platform_admin(user) or bool(kept_institution_ids(user))


def can_edit_services_of(user: Any, institution: Institution) -> bool:
    """An institution's managers and partner staff edit its services; administrators any."""
    return is_platform_admin(user) or institution.pk in kept_institution_ids(user)


def can_edit_service(user: Any, service: Service) -> bool:
    """A service is edited by its institution's managers and partner staff, and by administrators."""
    return is_platform_admin(user) or service.institution_id in kept_institution_ids(user)


def kept_institutions(user: Any) -> list[Institution]:
    """The institutions the user keeps the entries of, by name (what "add a service" offers)."""
    kept = kept_institution_ids(user)
    found = {membership.institution_id: membership.institution for membership in memberships(user)}
    return sorted((found[pk] for pk in kept if pk in found), key=lambda institution: institution.name)


def services_for_manage_list(user: Any) -> ServiceQuerySet:
    """The entries on the user's "my services" list: every service for an administrator, the
    services of the institutions the user keeps otherwise (none for other roles)."""
    services = Service.objects.for_list()
    if is_platform_admin(user):
        return services
    return services.filter(institution_id__in=kept_institution_ids(user))


def _is_member_or_admin(user: Any, institution: Institution) -> bool:
    return is_platform_admin(user) or is_member(user, institution)


def get_institution_for_service_add(user: Any, public_id: UUID) -> Institution:
    """The institution the user adds a service to: 404 outside the user's institutions, 403 for
    a member whose role does not keep services."""
    institution = Institution.objects.with_territory().filter(public_id=public_id).first()
    if institution is None or not _is_member_or_admin(user, institution):
        raise Http404
    if not can_edit_services_of(user, institution):
        raise PermissionDenied
    return institution


def get_service_for_user(user: Any, public_id: UUID) -> tuple[Service, bool]:
    """(service, may the user edit it) for staff pages and the API.

    An administrator or a member of the service's institution gets the service; anyone else
    404, whether or not it exists. Reading a service publicly goes through
    `Service.objects.listed()`, not through this helper.
    """
    service = (
        Service.objects.select_related("institution__voivodeship", "updated_by").filter(public_id=public_id).first()
    )
    if service is None or not _is_member_or_admin(user, service.institution):
        raise Http404
    return service, can_edit_service(user, service)


def get_service_for_edit(user: Any, public_id: UUID) -> Service:
    """The service the user changes: 404 outside their institutions, 403 for a member who may not edit it."""
    service, can_edit = get_service_for_user(user, public_id)
    if not can_edit:
        raise PermissionDenied
    return service


def get_place_for_edit(user: Any, public_id: UUID, location_id: UUID) -> tuple[Service, ServiceAtLocation]:
    """The service the user changes and one of its places: as `get_service_for_edit`, and 404
    for a place that is not the service's (whoever's it is)."""
    service = get_service_for_edit(user, public_id)
    place = (
        ServiceAtLocation.objects.select_related("location__municipality")
        .filter(service=service, location__public_id=location_id)
        .first()
    )
    if place is None:
        raise Http404
    return service, place


def is_editable_taxonomy(taxonomy: Taxonomy) -> bool:
    """Whether the taxonomy's terms may be added and edited at all (every one but the fields taxonomy)."""
    return taxonomy.code not in READ_ONLY_TAXONOMIES


def can_edit_taxonomy(user: Any, taxonomy: Taxonomy) -> bool:
    """Platform administrators add and edit the terms of every editable taxonomy; nobody else."""
    return is_platform_admin(user) and is_editable_taxonomy(taxonomy)
