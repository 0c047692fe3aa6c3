"""Who sees which part of a diagnosis (DESIGN.md §1, issue #6 points 5–6).

Assessments are reached only through their case (`cases.policies.get_case_for_user`). Whoever
sees the case whole sees every domain. A partner taking part sees a domain only when consent
in force covers `diagnosis:<domain code>` for the assessed person, or, for an assessment of the
household as a whole, for every person of the case. Assessments in which a partner sees no
domain are "not found" for it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kooperacja.assessment.models import Assessment, Domain
from kooperacja.cases.models import Case
from kooperacja.cases.policies import CaseAccess, get_case_for_user, visible_cases


def sees_domain(access: CaseAccess, case_person_ids: list[int], assessment: Assessment, domain: Domain) -> bool:
    if access.whole:
        return True
    category = domain.consent_category
    subject = [assessment.person_id] if assessment.person_id is not None else case_person_ids
    return bool(subject) and all(access.sees(category, person_id) for person_id in subject)


def visible_domain_ids(access: CaseAccess, case: Case, assessment: Assessment) -> set[int]:
    """The domains of the assessment the user may read (its scores prefetched with domains)."""
    person_ids = list(access.shared) if not access.whole else []
    return {
        score.domain_id
        for score in assessment.scores.all()
        if sees_domain(access, person_ids, assessment, score.domain)
    }


def get_assessment_for_user(user: Any, public_id: UUID) -> tuple[Assessment, Case, CaseAccess]:
    """(assessment, its case, access) for a user who sees at least one of its domains; 404 for
    anyone else."""
    try:
        assessment = (
            Assessment.objects.filter(case__in=visible_cases(user))
            .for_case_page()
            .select_related("case")
            .get(public_id=public_id)
        )
    except (Assessment.DoesNotExist, ValueError):
        raise Http404 from None
    case, access = get_case_for_user(user, assessment.case.public_id)
    if not visible_domain_ids(access, case, assessment):
        raise Http404
    return assessment, case, access


def get_editable_assessment(user: Any, public_id: UUID) -> tuple[Assessment, Case, CaseAccess]:
    """As `get_assessment_for_user`, and 403 unless the user may edit the case."""
    assessment, case, access = get_assessment_for_user(user, public_id)
    if not access.can_edit:
        raise PermissionDenied
    return assessment, case, access
