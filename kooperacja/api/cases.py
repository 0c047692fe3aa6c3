"""/api/v1/cases: the cases a token's holder may open, one case, and the persons it may name.

Everything goes through the access policy of `kooperacja.cases.policies`, as the case pages
do: the list is `visible_cases`, one case is `get_case_for_user` (404 for anyone outside its
scope, with no hint it exists). A partner institution sees a case only while it takes part in
it, and then its *shared view*: named only when every person of the case consented to share
identity with it, persons only with their own consent, and none of the owning institution's
own facts (kind, reasons for support, lead worker, summary). Listing cases is for the roles
that work on cases (analysts and administrators get 403, as on the site).

Each read writes one audit event as the pages do: the list names every person it showed, a
case the persons it named, the persons list every person it gave. PESEL is never returned in
full: the whole view gives the masked form the lists of the site show (last four digits).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from kooperacja.api.directory import GminaOut
from kooperacja.api.errors import ApiError
from kooperacja.api.lists import check_gmina_code, known_gmina, page_of
from kooperacja.api.paging import PageNumberPaging
from kooperacja.api.schemas import InstitutionRef
from kooperacja.cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    ClosingReason,
    ConsentCategory,
    Person,
    Relationship,
    Sex,
    SupportReason,
)
from kooperacja.cases.policies import (
    CASE_WORKERS,
    CaseAccess,
    get_case_for_user,
    knows_identity,
    listed_cases,
    persons_shown,
    visible_cases,
    with_seen_as,
)
from kooperacja.core import audit
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import memberships
from kooperacja.institutions.models import Institution

router = Router(tags=["cases"])

VIA = "api"


class CaseFilters(Schema):
    status: CaseStatus | None = Field(None, description="Only cases in this state.")
    gmina: str | None = Field(None, pattern=r"^\d{7}$", description="7-digit TERYT code: only cases of this gmina.")

    @field_validator("gmina", mode="before")
    @classmethod
    def _gmina_code(cls, value: Any) -> Any:
        return check_gmina_code(value)


class SupportReasonOut(Schema):
    code: SupportReason
    name: str


class CaseItemOut(Schema):
    """A case as the list shows it. Fields marked "whole view" are null (or empty) in the
    shared view of a partner institution."""

    id: UUID
    view: Literal["whole", "shared"] = Field(description="whole: the owning institution's; shared: a partner's.")
    named: bool = Field(description="Whether `title` names the person or household (else a neutral label).")
    title: str
    status: CaseStatus
    institution: InstitutionRef = Field(description="The owning institution.")
    gmina: GminaOut
    updated_at: datetime
    kind: CaseKind | None = Field(description="Whole view only.")
    reasons: list[SupportReasonOut] = Field(description="Reasons for support; whole view only.")
    lead_worker: str | None = Field(description="Whole view only.")


class CaseOut(CaseItemOut):
    closing_reason: ClosingReason | None
    opened_on: date | None = Field(description="Whole view only.")
    closed_on: date | None = Field(description="Whole view only.")
    summary: str | None = Field(description="The situation in brief; whole view only.")
    seen_as: InstitutionRef | None = Field(description="Shared view: the partner institution it is seen as.")
    shared_categories: list[str] = Field(
        description="Shared view: the consent categories every person of the case granted to that institution."
    )
    persons_named: int = Field(description="Persons of the case this view names (`/cases/{id}/persons`).")
    persons_hidden: int = Field(description="Persons of the case who did not consent to share identity.")
    version: int


class CasePage(Schema):
    items: list[CaseItemOut]
    count: int


class CasePersonOut(Schema):
    """A person of the case. The shared view gives identity and contact as the case page shows
    them to a partner (name, birth date, phone, e-mail); the rest is the whole view's."""

    id: UUID
    first_name: str
    last_name: str
    birth_date: date | None
    phone: str
    email: str
    sex: Sex | None = Field(description="Whole view only.")
    relationship: Relationship | None = Field(description="Place in the household; whole view only.")
    pesel_masked: str | None = Field(description="Last four digits of the PESEL, the rest masked; whole view only.")
    locality: str | None = Field(description="Whole view only.")
    street: str | None = Field(description="Whole view only.")
    postal_code: str | None = Field(description="Whole view only.")
    gmina: GminaOut | None = Field(description="Gmina of residence; whole view only.")


class CasePersonPage(Schema):
    items: list[CasePersonOut]
    count: int
    hidden: int = Field(description="Persons of the case who did not consent to share identity with the institution.")


# --- Presenting ------------------------------------------------------------------------------


def shared_label(institution: Institution) -> str:
    """What a case is called where its people may not be named (as on the site)."""
    return _("Case handled by %(institution)s") % {"institution": institution.short_name or institution.name}


def _institution(institution: Institution) -> InstitutionRef:
    return InstitutionRef(id=institution.public_id, name=institution.name)


def _item(case: Case, *, whole: bool, named: bool) -> dict[str, Any]:
    return {
        "id": case.public_id,
        "view": "whole" if whole else "shared",
        "named": named,
        "title": case.title if named else shared_label(case.institution),
        "status": case.status,
        "institution": _institution(case.institution),
        "gmina": {"code": case.municipality.code, "name": case.municipality.name},
        "updated_at": case.updated_at,
        "kind": case.kind if whole else None,
        # Reasons (addiction, violence…) are in no consent category: whole view only.
        "reasons": ([{"code": r.reason, "name": r.get_reason_display()} for r in case.reasons.all()] if whole else []),
        "lead_worker": (str(case.lead_worker) if case.lead_worker else None) if whole else None,
    }


def _person(person: Person, whole: bool) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": person.public_id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": person.birth_date,
        "phone": person.phone,
        "email": person.email,
        "sex": None,
        "relationship": None,
        "pesel_masked": None,
        "locality": None,
        "street": None,
        "postal_code": None,
        "gmina": None,
    }
    if whole:
        found.update(
            {
                "sex": person.sex or None,
                "relationship": person.relationship or None,
                "pesel_masked": person.pesel_masked,
                "locality": person.locality,
                "street": person.street,
                "postal_code": person.postal_code,
                "gmina": {"code": person.municipality.code, "name": person.municipality.name},
            }
        )
    return found


def _audit(request: HttpRequest, action: str, case: Case, persons: list[int], view: str) -> None:
    audit.record(
        action,
        request=request,
        obj=case,
        persons=persons,
        institution_id=case.institution_id,
        municipality_code=case.municipality.code,
        details={"view": view, "via": VIA},
    )


# --- Operations -----------------------------------------------------------------------------


@router.get("", response=CasePage, summary="The cases the token's holder may open, latest changed first")
def list_cases(
    request: HttpRequest, filters: Query[CaseFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """Cases seen whole and shared ones alike (`view`); `status` and `gmina` filter (an unknown
    gmina code answers 422). Only for roles that work on cases: others get 403."""
    user = request.user
    if not any(m.role in CASE_WORKERS for m in memberships(user)):
        raise ApiError(403)
    cases = with_seen_as(user, visible_cases(user).for_list().prefetch_related("reasons"))
    if filters.status:
        cases = cases.filter(status=filters.status)
    gmina = known_gmina(filters.gmina)
    if gmina is not None:
        cases = cases.filter(municipality=gmina)
    page, count = page_of(cases, paging)
    listed = listed_cases(user, page)
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type="cases.case",
        persons=[pid for row in listed for pid in row.persons],
        details={"page": paging.page, "via": VIA},
    )
    return {
        "items": [_item(row.case, whole=row.whole, named=row.named) for row in listed],
        "count": count,
    }


def _case(request: HttpRequest, id: UUID) -> tuple[Case, CaseAccess]:
    return get_case_for_user(request.user, id)


@router.get("/{id}", response=CaseOut, summary="One case, whole or in the partner's shared view")
def get_case(request: HttpRequest, id: UUID) -> dict[str, Any]:
    case, access = _case(request, id)
    persons = case.persons()
    named = [p for p in persons if access.sees(ConsentCategory.IDENTITY, p.pk)]
    whole = access.whole
    answer = _item(case, whole=whole, named=knows_identity(access))
    answer.update(
        {
            "closing_reason": case.closing_reason or None,
            "opened_on": case.opened_on if whole else None,
            "closed_on": case.closed_on if whole else None,
            "summary": case.summary if whole else None,
            "seen_as": _institution(access.as_institution) if access.as_institution else None,
            "shared_categories": [] if whole else sorted(access.categories_for_all()),
            "persons_named": len(named),
            "persons_hidden": len(persons) - len(named),
            "version": case.version,
        }
    )
    shown = persons_shown(access, persons, case_data_shown=whole)
    _audit(request, AuditAction.VIEW, case, shown, "whole" if whole else "shared")
    return answer


@router.get("/{id}/persons", response=CasePersonPage, summary="The persons of a case this view may name")
def case_persons(request: HttpRequest, id: UUID, paging: Query[PageNumberPaging.Input]) -> dict[str, Any]:
    """The whole view names every person of the case; a partner's shared view only those who
    consented to share identity with its institution (`hidden` counts the others)."""
    case, access = _case(request, id)
    persons = case.persons()
    named = [p for p in persons if access.sees(ConsentCategory.IDENTITY, p.pk)]
    named_here, count = page_of(named, paging)
    # Read again with their gminas: one query for the page, not one per person.
    wanted = [p.pk for p in named_here]
    page = list(Person.objects.filter(pk__in=wanted).select_related("municipality").order_by("id"))
    _audit(request, AuditAction.LIST, case, [p.pk for p in page], "persons" if access.whole else "persons shared")
    return {
        "items": [_person(person, access.whole) for person in page],
        "count": count,
        "hidden": len(persons) - len(named),
    }
