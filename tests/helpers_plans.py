"""Building plans (IPW), goals and basket items for the plans tests and access rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kooperacja.cases.models import Case, CaseKind
from kooperacja.cases.tests.factories import consent, make_case, make_person, take_part
from kooperacja.institutions.models import Institution
from kooperacja.plans import services
from kooperacja.plans.models import BasketItem, CooperationPlan, Goal


def school_of(user: Any) -> Institution:
    return Institution.objects.get(memberships__user=user, memberships__revoked_at__isnull=True)


def plan_case(lead: Any, *, team: tuple[Any, ...] = (), partner: Any = None, categories: tuple[str, ...] = ()) -> Case:
    """A person's case of GOPS Mirzec led by `lead`; `partner` (a user) takes part with consent
    for `categories` (identity always)."""
    person = make_person("Anna", "Planowa")
    case = make_case(lead=lead, person=person, team=team, kind=CaseKind.PERSON)
    if partner is not None:
        institution = school_of(partner)
        take_part(case, institution)
        consent(person, institution, ("identity", *categories), recorded_by=lead)
    return case


def make_plan(actor: Any, case: Case, *, status: str = "draft", starts_on: dt.date | None = None) -> CooperationPlan:
    """A plan of the case brought to `status` through the services; beyond a draft it has one
    goal (a plan without goals cannot be agreed), achieved when the plan is completed."""
    today = timezone.localdate()
    plan = services.create_plan(actor, case, title="IPW 2026", starts_on=starts_on or today - dt.timedelta(days=30))
    if status == "draft":
        return plan
    goal = add_goal(actor, plan, "Uregulowanie zadłużenia")
    services.agree_plan(actor, plan, version=plan.version, agreed_on=today, method="signed")
    if status == "agreed":
        return plan
    services.start_plan(actor, plan, version=plan.version)
    if status == "in_progress":
        return plan
    if status == "completed":
        services.record_progress(actor, goal, institution=case.institution, value="spłacone", status="achieved")
        return services.complete_plan(actor, plan, version=plan.version)
    return services.end_plan(actor, plan, version=plan.version, reason="Rodzina wyprowadziła się.")


def add_goal(actor: Any, plan: CooperationPlan, title: str = "Podjęcie pracy", **fields: Any) -> Goal:
    data = {
        "title": title,
        "indicator": "Umowa o pracę",
        "baseline": "bez pracy",
        "target": "zatrudnienie",
        "due_on": plan.starts_on + dt.timedelta(days=90),
        "responsible_institution": plan.case.institution,
        **fields,
    }
    return services.add_goal(actor, plan, services.GoalData(**data))


def add_item(actor: Any, plan: CooperationPlan, institution: Institution | None = None, **fields: Any) -> BasketItem:
    if "service" not in fields:
        fields.setdefault("action", "Konsultacje z pedagogiem")
        fields.setdefault("institution", institution or plan.case.institution)
    return services.add_basket_item(actor, plan, **fields)
