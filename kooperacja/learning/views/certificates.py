"""Certificate pages: my learning (my enrolments and all my certificates), a certificate's PDF,
revoking one, and the public verification page.

The verification page is open to anyone and answers only an exact code: no list, no partial
match, and the same answer for a code that does not exist and one that cannot exist, so that
it cannot be used to enumerate certificates."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Min
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kooperacja.core import audit
from kooperacja.core.forms.conflicts import put_refusal
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing
from kooperacja.core.models import AuditAction
from kooperacja.core.pdf import REPORT_CSS, render_pdf
from kooperacja.learning import certificates
from kooperacja.learning import training_policies as policies
from kooperacja.learning import trainings as service
from kooperacja.learning.forms.trainings import RevokeForm, VerifyForm
from kooperacja.learning.models import Certificate, Enrolment, EnrolmentStatus, Training, TrainingSession

FORM_TEMPLATE = "teams/team/form.html"


# --- My learning -------------------------------------------------------------------------------


@require_safe
@login_required
def my_learning(request: AuthenticatedHttpRequest) -> HttpResponse:
    enrolments = list(
        Enrolment.objects.filter(user=request.user)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("training__organiser", "institution")
        .order_by("-asked_at")
    )
    training_ids = [one.training_id for one in enrolments]
    edges: dict[int, dict[str, Any]] = {
        row["training"]: dict(row)
        for row in TrainingSession.objects.filter(training__in=training_ids)
        .values("training")
        .annotate(first=Min("starts_at"), last=Max("ends_at"))
    }
    waiting = [one for one in enrolments if one.status == EnrolmentStatus.WAITING]
    now = timezone.now()
    for one in enrolments:
        edge = edges.get(one.training_id, {})
        one.first_start, one.last_end = edge.get("first"), edge.get("last")  # type: ignore[attr-defined]
        one.started = one.first_start is not None and one.first_start <= now  # type: ignore[attr-defined]
        one.place = None  # type: ignore[attr-defined]
    if waiting:
        # Each waiting place in one query: how many of the same training asked earlier.
        queues: dict[int, list[tuple[Any, int]]] = {}
        for row in (
            Enrolment.objects.filter(training__in=[one.training_id for one in waiting], status=EnrolmentStatus.WAITING)
            .order_by("asked_at", "id")
            .values_list("training_id", "asked_at", "id")
        ):
            queues.setdefault(row[0], []).append((row[1], row[2]))
        for one in waiting:
            order = [pk for _asked, pk in queues.get(one.training_id, [])]
            one.place = order.index(one.pk) + 1 if one.pk in order else None  # type: ignore[attr-defined]
    mine = list(Certificate.objects.filter(user=request.user).select_related("training__organiser", "course"))
    context = {"enrolments": enrolments, "certificates": mine}
    return render(request, "learning/certificates/my.html", context)


# --- One certificate ---------------------------------------------------------------------------


def verification_url(request: Any, code: str) -> str:
    return request.build_absolute_uri(reverse("learning:verify")) + "?" + urlencode({"code": code})


def _dates(training: Training | None) -> tuple[Any, Any]:
    if training is None:
        return None, None
    edge = training.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    first = timezone.localtime(edge["first"]).date() if edge["first"] else None
    last = timezone.localtime(edge["last"]).date() if edge["last"] else None
    return first, last


CERTIFICATE_CSS = """
@page { size: A4; margin: 22mm 20mm; @bottom-right { content: none; } }
body { font-size: 11pt; }
.kind { text-align: center; letter-spacing: 0.3em; text-transform: uppercase; font-size: 10pt; margin-top: 20mm; }
h1 { text-align: center; font-size: 26pt; margin: 4mm 0 10mm; }
.holder { text-align: center; font-size: 18pt; font-weight: bold; margin: 4mm 0; }
.lead { text-align: center; margin: 2mm 0; }
.title { text-align: center; font-size: 14pt; font-weight: bold; margin: 4mm 10mm 8mm; }
dl { margin: 10mm 0 0; grid-template-columns: 55mm auto; }
.revoked { border: 1.5pt solid #000; padding: 3mm; text-align: center; font-weight: bold; margin-top: 6mm; }
.verify { margin-top: 16mm; font-size: 9pt; border-top: 0.5pt solid #777; padding-top: 3mm; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 12pt; font-weight: bold; }
"""


@require_safe
@login_required
def certificate_pdf(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    certificate, _access = policies.get_certificate_for_user(request.user, public_id)
    first, last = _dates(certificate.training)
    context = {
        "certificate": certificate,
        "training": certificate.training,
        "course": certificate.course,
        "first": first,
        "last": last,
        "verify_url": verification_url(request, certificate.code),
    }
    # A Polish document, whatever language the holder reads the platform in.
    with translation.override("pl"):
        html = render_to_string("learning/certificates/pdf.html", context)
    pdf = render_pdf(html, css=REPORT_CSS + CERTIFICATE_CSS)
    audit.record(
        AuditAction.PRINT,
        request=request,
        obj=certificate,
        institution_id=certificate.training.organiser_id if certificate.training else None,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="zaswiadczenie-{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(GET_POST)
@login_required
def certificate_revoke(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    certificate, access = policies.get_certificate_for_user(request.user, public_id)
    if not access.revokes:
        raise PermissionDenied
    back = (
        reverse("learning:training_certificates", args=[certificate.training.public_id])
        if certificate.training
        else reverse("learning:my_certificates")
    )
    heading = _("Revoke the certificate %(code)s") % {"code": certificate.code}
    form = RevokeForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {
        "heading": heading,
        "back": back,
        "intro": _("%(holder)s, %(title)s.") % {"holder": certificate.holder_name, "title": certificate.title},
        "submit": _("Revoke the certificate"),
        "conflict": None,
        "form": form,
    }
    if request.method != "POST":
        return render(request, FORM_TEMPLATE, context)
    if form.is_valid():
        try:
            service.revoke_certificate(request.user, certificate, form.cleaned_data["reason"])
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The certificate was revoked."))
            if certificate.training:
                return landing("learning:training_certificates", "main", public_id=certificate.training.public_id)
            return landing("learning:my_certificates")
    return render(request, FORM_TEMPLATE, context, status=400)


# --- Public verification -----------------------------------------------------------------------


@require_safe
def verify(request: Any) -> HttpResponse:
    """Anyone checks a certificate by its exact code: valid (holder, title, hours, date, issuer),
    revoked (with the date), or not found — a 200 page in each case, with the form to try again."""
    asked = "code" in request.GET
    form = VerifyForm(request.GET if asked else None)
    found: Certificate | None = None
    if asked and form.is_valid():
        found = certificates.find_by_code(form.cleaned_data["code"][:100])
    context = {"form": form, "asked": asked, "certificate": found}
    return render(request, "learning/certificates/verify.html", context)


urls: list[URLPattern] = [
    path("my/", my_learning, name="my_certificates"),
    path("certificates/<uuid:public_id>/certificate.pdf", certificate_pdf, name="certificate_pdf"),
    path("certificates/<uuid:public_id>/revoke/", certificate_revoke, name="certificate_revoke"),
    path("verify/", verify, name="verify"),
]
