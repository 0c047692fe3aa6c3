"""Break-glass: a platform administrator opens one case in an emergency, giving a reason
(kooperacja.cases.breakglass).

Who may: platform administrators only, for any case that exists (404 for an unknown id).
Everyone else gets what the case's access policy says about them: a user who may open the
case (its institution's staff, a partner taking part) is in scope but not allowed (403);
anyone else gets 404, with no hint that the case exists (DESIGN.md §1).
"""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kooperacja.cases import breakglass
from kooperacja.cases.models import Case
from kooperacja.cases.policies import get_case_for_user
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.policies import is_platform_admin


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you need to open this case?"),
        help_text=gettext_lazy(
            "The reason is recorded in the audit log and the managers of the institution that owns the case "
            "are told you opened it."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=500,
        error_messages={
            "required": gettext_lazy("Give the reason for opening the case."),
            "max_length": gettext_lazy("The reason may have at most %(limit_value)d characters."),
        },
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < breakglass.REASON_MIN_LENGTH:
            raise forms.ValidationError(
                _("Describe the reason in at least %(count)d characters.") % {"count": breakglass.REASON_MIN_LENGTH}
            )
        return reason


def _case(request: AuthenticatedHttpRequest, public_id: UUID) -> Case:
    if is_platform_admin(request.user):
        return breakglass.case_for_break_glass(request.user, public_id)
    get_case_for_user(request.user, public_id)  # 404 for whoever may not even know of the case
    raise PermissionDenied


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def break_glass(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The reason form; on a valid reason, the administrator sees the case for a while."""
    case = _case(request, public_id)
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        until = breakglass.open_case(request, case, form.cleaned_data["reason"])
        messages.success(
            request,
            _("You may see this case until %(time)s. The opening is recorded and the institution is told.")
            % {"time": formats.time_format(timezone.localtime(until), "H:i")},
        )
        return redirect(breakglass.case_url(case))
    return render(
        request,
        "cases/breakglass/form.html",
        {
            "case": case,
            "form": form,
            "until": breakglass.active_until(request.session, case),
            "minutes": breakglass.BREAK_GLASS_MINUTES,
        },
        status=400 if form.is_bound else 200,
    )


urls: list[URLPattern] = [
    path("<uuid:public_id>/break-glass/", break_glass, name="break_glass"),
]
