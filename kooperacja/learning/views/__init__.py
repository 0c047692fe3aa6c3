"""Pages of the learning app, one module per area; `form_page` is the form page they share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# The one form page of the platform's keepers' forms: heading, error summary, the conflict box
# of a stale edit, the fields and a Save button.
FORM_TEMPLATE = "teams/team/form.html"


def form_page(
    request: HttpRequest,
    form: forms.Form,
    heading: str,
    back: str,
    *,
    status: int = 200,
    conflict: Any = None,
    template: str = FORM_TEMPLATE,
) -> HttpResponse:
    context = {"form": form, "heading": heading, "back": back, "conflict": conflict, "submit": _("Save")}
    return render(request, template, context, status=status)
