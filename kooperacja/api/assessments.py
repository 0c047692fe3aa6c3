"""/api/v1/cases/{id}/assessments: a case's diagnoses, as far as the token's holder may read them.

The case is fetched through `cases.policies.get_case_for_user` (404 outside its scope). Whoever
sees the case whole reads every domain; a partner institution taking part reads a domain only
when consent covers `diagnosis:<domain>` (`assessment.policies.visible_domain_ids`), and an
assessment in which it may read no domain is left out, as on the diagnosis page. The person
assessed is named only with consent for identity. One audit event names the persons whose
diagnoses were given, as the case's diagnosis page writes.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kooperacja.api.lists import page_of
from kooperacja.api.paging import PageNumberPaging
from kooperacja.assessment.models import Assessment, Level, Priority
from kooperacja.assessment.policies import visible_domain_ids
from kooperacja.cases.models import ConsentCategory
from kooperacja.cases.policies import get_case_for_user
from kooperacja.core import audit
from kooperacja.core.models import AuditAction

router = Router(tags=["assessments"])


class InstrumentRefOut(Schema):
    code: str
    name: str
    version: int


class AssessedPersonOut(Schema):
    id: UUID
    first_name: str
    last_name: str


class DomainScoreOut(Schema):
    domain: str = Field(description="Code of the instrument's domain (stable across versions).")
    name: str
    level: Level = Field(description="1 (crisis) to 5 (independence).")
    strengths: str
    priority: Priority | None


class AssessmentOut(Schema):
    id: UUID
    assessed_on: date
    subject: Literal["person", "household"] = Field(description="One person of the case, or its household as a whole.")
    person: AssessedPersonOut | None = Field(
        description="The person assessed, when the view may name them (whole view, or consent for identity)."
    )
    instrument: InstrumentRefOut
    assessed_by: str
    notes: str | None = Field(description="Whole view only.")
    scores: list[DomainScoreOut] = Field(description="The domains this view may read, in the instrument's order.")
    hidden_domains: int = Field(description="Domains of the assessment not shared with the partner institution.")


class AssessmentPage(Schema):
    items: list[AssessmentOut]
    count: int


@router.get(
    "/{id}/assessments", response=AssessmentPage, summary="A case's diagnoses (oldest first) with their domain levels"
)
def case_assessments(request: HttpRequest, id: UUID, paging: Query[PageNumberPaging.Input]) -> dict[str, Any]:
    case, access = get_case_for_user(request.user, id)
    case_person_ids = [p.pk for p in case.persons()]
    readable: list[tuple[Assessment, set[int]]] = []
    for assessment in Assessment.objects.filter(case=case).for_case_page():
        visible = visible_domain_ids(access, case, assessment)
        if visible:
            readable.append((assessment, visible))
    page, count = page_of(readable, paging)
    items = []
    shown: set[int] = set()
    for assessment, visible in page:
        person = assessment.person
        named = person is not None and access.sees(ConsentCategory.IDENTITY, person.pk)
        scores = sorted(assessment.scores.all(), key=lambda s: (s.domain.position, s.domain_id))
        items.append(
            {
                "id": assessment.public_id,
                "assessed_on": assessment.assessed_on,
                "subject": "person" if person is not None else "household",
                "person": (
                    {"id": person.public_id, "first_name": person.first_name, "last_name": person.last_name}
                    if person is not None and named
                    else None
                ),
                "instrument": {
                    "code": assessment.instrument.code,
                    "name": assessment.instrument.name,
                    "version": assessment.instrument.version,
                },
                "assessed_by": str(assessment.assessed_by),
                "notes": assessment.notes if access.whole else None,
                "scores": [
                    {
                        "domain": score.domain.code,
                        "name": score.domain.name,
                        "level": score.level,
                        "strengths": score.strengths,
                        "priority": score.priority or None,
                    }
                    for score in scores
                    if score.domain_id in visible
                ],
                "hidden_domains": len(scores) - len(visible),
            }
        )
        # A person's diagnosis concerns that person; the household's, every person of the case.
        shown.update([assessment.person_id] if assessment.person_id is not None else case_person_ids)
    audit.record(
        AuditAction.VIEW,
        request=request,
        obj=case,
        persons=sorted(shown),
        institution_id=case.institution_id,
        municipality_code=case.municipality.code,
        details={"view": "diagnosis" if access.whole else "diagnosis shared", "via": "api"},
    )
    return {"items": items, "count": count}
