"""Pages to manage API access.

Personal tokens: any signed-in user. API clients of an institution: its managers (and
platform administrators); another institution's manager gets 404, a member without the
manager role 403. A token's secret is shown once, on the answer to the form that issued it.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kooperacja.api.forms import ApiClientForm, TokenForm
from kooperacja.core.models import User
from kooperacja.institutions.models import ApiClient, ApiToken, Institution
from kooperacja.institutions.tokens import (
    create_api_client,
    get_institution_for_api_clients,
    issue_client_token,
    issue_personal_token,
    revoke_api_client,
    revoke_token,
    token_status,
)


def _rows(tokens: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    return [{"token": token, "status": token_status(token, now)} for token in tokens]


def _with_secret(response: HttpResponse, secret: str | None) -> HttpResponse:
    # A page that shows a secret must not be kept by the browser or a proxy.
    if secret:
        add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_secret = None
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, new_secret = issue_personal_token(
                request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenForm()
    personal = ApiToken.objects.filter(user=cast(User, request.user)).order_by("-created_at", "-id")
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "rows": _rows(personal), "new_secret": new_secret, "new_token": new_token},
    )
    return _with_secret(response, new_secret)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, token_id: UUID) -> HttpResponse:
    token = get_object_or_404(ApiToken, user=cast(User, request.user), public_id=token_id)
    if request.method == "POST":
        revoke_token(request.user, token, request=request)
        messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
        return redirect("api_access:tokens")
    return render(
        request,
        "api/confirm_revoke.html",
        {
            "question": _("Revoke the token “%(name)s”?") % {"name": token.name},
            "consequence": _("Programs that use it will lose access at once. This cannot be undone."),
            "cancel_url": reverse("api_access:tokens"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def clients(request: HttpRequest, institution_id: UUID) -> HttpResponse:
    institution = get_institution_for_api_clients(request.user, institution_id)
    form = ApiClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = create_api_client(
                request.user,
                institution,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The API client “%(name)s” has been created; issue it a token.") % {"name": client.name}
            )
            return redirect("api_access:client", institution_id=institution.public_id, client_id=client.public_id)
    now = timezone.now()
    listing = (
        institution.api_clients.annotate(
            active_tokens=Count("tokens", filter=Q(tokens__revoked_at__isnull=True, tokens__expires_at__gt=now))
        )
        .select_related("created_by")
        .order_by("revoked_at", "name")
    )
    return render(
        request,
        "api/clients.html",
        {"institution": institution, "form": form, "clients": listing},
    )


def _client(request: HttpRequest, institution_id: UUID, client_id: UUID) -> tuple[Institution, ApiClient]:
    institution = get_institution_for_api_clients(request.user, institution_id)
    client = get_object_or_404(
        ApiClient.objects.select_related("institution"), institution=institution, public_id=client_id
    )
    return institution, client


@login_required
@require_http_methods(["GET", "POST"])
def client(request: HttpRequest, institution_id: UUID, client_id: UUID) -> HttpResponse:
    institution, api_client = _client(request, institution_id, client_id)
    form = TokenForm(request.POST or None)
    new_secret = None
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, new_secret = issue_client_token(
                request.user,
                api_client,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenForm()
    client_tokens = api_client.tokens.select_related("client").order_by("-created_at", "-id")
    response = render(
        request,
        "api/client.html",
        {
            "institution": institution,
            "client": api_client,
            "form": form,
            "rows": _rows(client_tokens),
            "new_secret": new_secret,
            "new_token": new_token,
        },
    )
    return _with_secret(response, new_secret)


@login_required
@require_http_methods(["GET", "POST"])
def client_revoke(request: HttpRequest, institution_id: UUID, client_id: UUID) -> HttpResponse:
    institution, api_client = _client(request, institution_id, client_id)
    if request.method == "POST":
        revoke_api_client(request.user, api_client, request=request)
        messages.success(request, _("The API client “%(name)s” has been revoked.") % {"name": api_client.name})
        return redirect("api_access:clients", institution_id=institution.public_id)
    return render(
        request,
        "api/confirm_revoke.html",
        {
            "question": _("Revoke the API client “%(name)s”?") % {"name": api_client.name},
            "consequence": _(
                "All its tokens stop working at once and it cannot receive new ones. This cannot be undone."
            ),
            "cancel_url": reverse("api_access:client", args=[institution.public_id, api_client.public_id]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_token_revoke(request: HttpRequest, institution_id: UUID, client_id: UUID, token_id: UUID) -> HttpResponse:
    institution, api_client = _client(request, institution_id, client_id)
    token = get_object_or_404(ApiToken.objects.select_related("client"), client=api_client, public_id=token_id)
    if request.method == "POST":
        revoke_token(request.user, token, request=request)
        messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
        return redirect("api_access:client", institution_id=institution.public_id, client_id=api_client.public_id)
    return render(
        request,
        "api/confirm_revoke.html",
        {
            "question": _("Revoke the token “%(name)s” of %(client)s?")
            % {"name": token.name, "client": api_client.name},
            "consequence": _("Programs that use it will lose access at once. This cannot be undone."),
            "cancel_url": reverse("api_access:client", args=[institution.public_id, api_client.public_id]),
        },
    )
