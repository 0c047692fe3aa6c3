"""Who sees which part of a diagnosis (DESIGN.md §1, issue #6 points 5–6).

Assessments are reached only through their case (`cases.policies.get_case_for_user`). Whoever
sees the case whole sees every domain. A partner taking part sees a domain only when consent
in force covers `diagnosis:<domain code>` for the assessed person, or, for an assessment of the
household as a whole, for every person of the case. Assessments in which a partner sees no
domain are "not found" for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from kooperacja.assessment.models import Assessment, Domain, Instrument
from kooperacja.cases.models import Case
from kooperacja.cases.policies import CaseAccess, case_access, visible_cases


def diagnosis_categories() -> Iterator[tuple[str, str]]:
    """The consent categories of the diagnosis, one per domain of each instrument in force,
    as (`diagnosis:<code>`, label); registered with `cases.consent` and read on each call."""
    seen: set[str] = set()
    domains = Domain.objects.filter(instrument__in=Instrument.objects.current()).order_by(
        "instrument__code", "position", "id"
    )
    for domain in domains:
        if domain.consent_category not in seen:
            seen.add(domain.consent_category)
            yield domain.consent_category, _("Diagnosis: %(domain)s") % {"domain": domain.name}


def sees_domain(access: CaseAccess, assessment: Assessment, domain: Domain) -> bool:
    """A domain of a person's assessment needs that person's consent; of the household's as a
    whole, the consent of every person of the case (`CaseAccess.sees_all`)."""
    if assessment.person_id is not None:
        return access.sees(domain.consent_category, assessment.person_id)
    return access.sees_all(domain.consent_category)


def visible_domain_ids(access: CaseAccess, case: Case, assessment: Assessment) -> set[int]:
    """The domains of the assessment the user may read (its scores prefetched with domains)."""
    return {score.domain_id for score in assessment.scores.all() if sees_domain(access, assessment, score.domain)}


def get_assessment_for_user(user: Any, public_id: UUID) -> tuple[Assessment, Case, CaseAccess]:
    """(assessment, its case, access) for a user who sees at least one of its domains; 404 for
    anyone else."""
    try:
        assessment = (
            Assessment.objects.filter(case__in=visible_cases(user))
            .for_case_page()
            .select_related(
                "case__person", "case__household", "case__institution", "case__municipality", "case__lead_worker"
            )
            .get(public_id=public_id)
        )
    except (Assessment.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    case = assessment.case
    access = case_access(user, case)
    if access is None or not visible_domain_ids(access, case, assessment):
        raise Http404
    return assessment, case, access


def get_editable_assessment(user: Any, public_id: UUID) -> tuple[Assessment, Case, CaseAccess]:
    """As `get_assessment_for_user`, and 403 unless the user may edit the case."""
    assessment, case, access = get_assessment_for_user(user, public_id)
    if not access.can_edit:
        raise PermissionDenied
    return assessment, case, access
