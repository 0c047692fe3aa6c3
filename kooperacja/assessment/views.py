"""Diagnosis pages: a case's diagnoses with the change from first to latest, one diagnosis, and
the form that records (or corrects) one.

Cases are fetched through `cases.policies.get_case_for_user` (404 for strangers); recording
or correcting needs `access.can_edit` (403 otherwise). A partner sees only the domains its
consent covers (`assessment.policies`). Each page that shows persons writes one audit event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kooperacja.assessment import services
from kooperacja.assessment.forms import AssessmentForm
from kooperacja.assessment.models import Assessment, Domain, Instrument, Level, LevelDescription
from kooperacja.assessment.policies import get_assessment_for_user, get_editable_assessment, visible_domain_ids
from kooperacja.cases.models import Case, ConsentCategory, Person
from kooperacja.cases.policies import CaseAccess, get_case_for_user
from kooperacja.core import audit
from kooperacja.core.forms.conflicts import put_refusal, rebound
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction

# The chart's geometry (SVG user units): each domain's name above its line of levels 1–5, so
# that the whole chart is about as wide as a phone (with the names beside the levels, a phone
# showed the names and scrolled the dots out of sight).
CHART_SIDE = 24
CHART_STEP = 80
CHART_ROW = 46
CHART_TOP = 30
CHART_DOTS_BELOW_NAME = 18


# --- Helpers ----------------------------------------------------------------------------------


def _subject_label(access: CaseAccess, person: Person | None) -> str:
    if person is None:
        return _("The household as a whole")
    if access.sees(ConsentCategory.IDENTITY, person.pk):
        return person.full_name
    return _("A person of the case")


def _case_title(case: Case, access: CaseAccess) -> str:
    """The case's title names people: whole view, or consent for identity from every person."""
    if access.sees_all(ConsentCategory.IDENTITY):
        return case.title
    return _("Case handled by %(institution)s") % {"institution": case.institution.short_name or case.institution.name}


def _subject_person_ids(assessment: Assessment, case_person_ids: list[int]) -> list[int]:
    return [assessment.person_id] if assessment.person_id is not None else case_person_ids


def _audit_read(request: AuthenticatedHttpRequest, case: Case, persons: list[int], **fields: Any) -> None:
    audit.record(
        AuditAction.VIEW,
        request=request,
        persons=persons,
        institution_id=case.institution_id,
        municipality_code=case.municipality.code,
        **fields,
    )


def _x(level: int) -> int:
    return CHART_SIDE + (level - 1) * CHART_STEP


@dataclass
class Subject:
    """The diagnoses of one person of the case (or its household as a whole), for the page."""

    key: str
    label: str
    assessments: list[Assessment] = field(default_factory=list)
    changes: list[services.Change] = field(default_factory=list)
    chart: dict[str, Any] = field(default_factory=dict)


def _chart(changes: list[services.Change], first: Assessment, latest: Assessment) -> dict[str, Any]:
    """Coordinates of a dot chart: for each domain a hollow dot at the first level, a filled
    one at the latest, joined by a line."""
    rows = []
    for index, item in enumerate(changes):
        text_y = CHART_TOP + index * CHART_ROW + 14
        start = item.first if item.first is not None else item.latest
        rows.append(
            {
                "name": item.name,
                "y": text_y + CHART_DOTS_BELOW_NAME,
                "text_y": text_y,
                "x_first": _x(start),
                "x_latest": _x(item.latest),
                "has_first": item.first is not None,
            }
        )
    up = sum(1 for c in changes if (c.difference or 0) > 0)
    down = sum(1 for c in changes if (c.difference or 0) < 0)
    same = len(changes) - up - down
    description = _(
        "Levels from 1 (crisis) to 5 (independence) in each domain, first diagnosis of "
        "%(first)s (hollow dot) and latest of %(latest)s (filled dot). Better in %(up)s domains, "
        "worse in %(down)s, unchanged in %(same)s."
    ) % {
        "first": first.assessed_on.strftime("%d.%m.%Y"),
        "latest": latest.assessed_on.strftime("%d.%m.%Y"),
        "up": up,
        "down": down,
        "same": same,
    }
    height = CHART_TOP + len(changes) * CHART_ROW + 4
    return {
        "rows": rows,
        "levels": [{"level": level, "label": label, "x": _x(level)} for level, label in Level.choices],
        "width": _x(5) + CHART_SIDE,
        "label_x": 0,
        "height": height,
        "grid_bottom": height - 4,
        "description": description,
    }


def _subjects(
    case: Case, access: CaseAccess, assessments: list[Assessment], case_person_ids: list[int]
) -> tuple[list[Subject], set[int]]:
    """The subjects assessed, each with its assessments (only those with a domain the user may
    see), the change of the visible domains and the chart; and the persons shown."""
    subjects: dict[str, Subject] = {}
    shown: set[int] = set()
    for assessment in assessments:
        visible = visible_domain_ids(access, case, assessment)
        if not visible:
            continue
        key = str(assessment.person_id or "household")
        if key not in subjects:
            subjects[key] = Subject(key, _subject_label(access, assessment.person))
        assessment.visible_domain_ids = visible  # type: ignore[attr-defined]
        assessment.need_count = sum(  # type: ignore[attr-defined]
            1 for s in assessment.scores.all() if s.domain_id in visible and s.level <= 2
        )
        subjects[key].assessments.append(assessment)
        shown.update(_subject_person_ids(assessment, case_person_ids))
    for subject in subjects.values():
        latest = subject.assessments[-1]
        visible_codes = {s.domain.code for s in latest.scores.all() if s.domain_id in latest.visible_domain_ids}  # type: ignore[attr-defined]
        subject.changes = [c for c in services.change_between(subject.assessments) if c.code in visible_codes]
        subject.chart = _chart(subject.changes, subject.assessments[0], latest)
    return list(subjects.values()), shown


# --- The case's diagnoses -------------------------------------------------------------------------


@require_safe
@login_required
def case_assessments(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request.user, public_id)
    case_person_ids = [p.pk for p in case.persons()]
    assessments = list(Assessment.objects.filter(case=case).for_case_page())
    subjects, shown = _subjects(case, access, assessments, case_person_ids)
    context = {
        "case": case,
        "access": access,
        "title": _case_title(case, access),
        "subjects": subjects,
    }
    _audit_read(
        request,
        case,
        sorted(shown),
        obj=case,
        details={"view": "diagnosis" if access.whole else "diagnosis shared"},
    )
    return render(request, "assessment/case.html", context)


# --- One diagnosis -------------------------------------------------------------------------------


@require_safe
@login_required
def assessment_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    assessment, case, access = get_assessment_for_user(request.user, public_id)
    case_person_ids = [p.pk for p in case.persons()]
    visible = visible_domain_ids(access, case, assessment)
    texts = {
        (d.domain_id, d.level): d.text
        for d in LevelDescription.objects.filter(domain__instrument_id=assessment.instrument_id)
    }
    rows: list[dict[str, Any]] = [
        {"score": score, "description": texts.get((score.domain_id, score.level), "")}
        for score in sorted(assessment.scores.all(), key=lambda s: (s.domain.position, s.domain_id))
        if score.domain_id in visible
    ]
    context = {
        "case": case,
        "access": access,
        "assessment": assessment,
        "title": _case_title(case, access),
        "subject": _subject_label(access, assessment.person),
        "rows": rows,
        "hidden": len(assessment.scores.all()) - len(rows),
        "needs": [row["score"] for row in rows if row["score"].level <= 2],
    }
    _audit_read(request, case, _subject_person_ids(assessment, case_person_ids), obj=assessment)
    return render(request, "assessment/detail.html", context)


# --- Recording and correcting ------------------------------------------------------------------


def _domains(instrument: Instrument) -> list[Domain]:
    return list(
        instrument.domains.prefetch_related(Prefetch("levels", queryset=LevelDescription.objects.order_by("level")))
    )


def _refused(form: AssessmentForm, refusal: ValidationError) -> None:
    """Put a service's refusal on the form (`put_refusal`); missing domains also on each of them."""
    put_refusal(form, refusal)
    if isinstance(refusal, services.MissingDomains):
        for domain in refusal.domains:
            form.add_error(f"level_{domain.code}", _("Choose a level."))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def assessment_new(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request.user, public_id)
    if not access.can_edit:
        raise PermissionDenied
    instrument = services.current_instrument()
    options: dict[str, Any] = {
        "instrument": instrument,
        "domains": _domains(instrument),
        "kind": case.kind,
        "persons": case.persons(),
    }
    form = AssessmentForm(request.POST if request.method == "POST" else None, **options)
    context = {"case": case, "form": form, "instrument": instrument}
    if request.method != "POST":
        return render(request, "assessment/form.html", context)
    if not form.is_valid():
        return render(request, "assessment/form.html", context, status=400)
    try:
        assessment = services.record_assessment(
            request.user,
            case,
            form.chosen_person(),
            form.scores(),
            form.cleaned_data["assessed_on"],
            form.cleaned_data["notes"],
            instrument=instrument,
        )
    except ValidationError as refusal:
        _refused(form, refusal)
        return render(request, "assessment/form.html", context, status=400)
    messages.success(request, _("The diagnosis was saved."))
    return redirect("assessment:detail", public_id=assessment.public_id)


def _conflict_rows(assessment: Assessment, form: AssessmentForm) -> list[tuple[str, str, str]]:
    """(domain, saved now, your version) for each domain whose level differs."""
    saved = {score.domain.code: score.level for score in assessment.scores.select_related("domain")}
    mine = form.scores()
    rows = []
    for domain in form.domains:
        theirs, yours = saved.get(domain.code), mine[domain.code].level
        if theirs != yours:
            rows.append((domain.name, str(theirs or "—"), str(yours or "—")))
    return rows


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def assessment_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    assessment, case, _access = get_editable_assessment(request.user, public_id)
    options: dict[str, Any] = {
        "instrument": assessment.instrument,
        "domains": _domains(assessment.instrument),
        "kind": case.kind,
        "editing": True,
    }
    if request.method != "POST":
        form = AssessmentForm(initial=AssessmentForm.initial_for(assessment), **options)
        persons = _subject_person_ids(assessment, [p.pk for p in case.persons()])
        _audit_read(request, case, persons, obj=assessment, details={"view": "edit form"})
        return render(request, "assessment/form.html", _edit_context(case, assessment, form))
    form = AssessmentForm(request.POST, **options)
    if not form.is_valid():
        return render(request, "assessment/form.html", _edit_context(case, assessment, form), status=400)
    yours = form.cleaned_data.get("version") or 0
    try:
        services.update_assessment(
            request.user,
            assessment,
            form.scores(),
            form.cleaned_data["assessed_on"],
            form.cleaned_data["notes"],
            version=yours,
        )
    except services.StaleVersion:
        assessment.refresh_from_db()
        conflict = _conflict_rows(assessment, form)
        form = rebound(AssessmentForm, request.POST, assessment.version, **options)
        context = _edit_context(case, assessment, form) | {"conflict": conflict, "yours": yours}
        return render(request, "assessment/form.html", context, status=409)
    except ValidationError as refusal:
        _refused(form, refusal)
        return render(request, "assessment/form.html", _edit_context(case, assessment, form), status=400)
    messages.success(request, _("The changes were saved."))
    return redirect("assessment:detail", public_id=assessment.public_id)


def _edit_context(case: Case, assessment: Assessment, form: AssessmentForm) -> dict[str, Any]:
    return {"case": case, "form": form, "instrument": assessment.instrument, "assessment": assessment}
