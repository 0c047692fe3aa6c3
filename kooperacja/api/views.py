"""Pages to manage API access.

Personal tokens: any signed-in user. API clients of an institution: its managers (and
platform administrators); another institution's manager gets 404, a member without the
manager role 403. Bad input answers 400 with the form's errors.

A token's secret is shown once, after POST-redirect-GET: the form's answer redirects to the
page, and the page's next GET takes the secret out of the session and shows it. Reloading
then shows no secret and issues nothing. In the session (stored in the database) the secret
rests sealed with FIELD_ENCRYPTION_KEY, and only until that next GET.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kooperacja.api.forms import ApiClientForm, TokenForm
from kooperacja.core.crypto import SealBroken, seal, unseal
from kooperacja.institutions.models import ApiClient, ApiToken, ApiTokenQuerySet, Institution
from kooperacja.institutions.policies import get_institution_for_staff_management
from kooperacja.institutions.tokens import (
    client_tokens_of,
    clients_for_page,
    clients_visible_to,
    create_api_client,
    issue_client_token,
    issue_personal_token,
    personal_tokens_of,
    revoke_api_client,
    revoke_token,
    token_status,
    tokens_visible_to,
)

# The pages answer HEAD like every other page; anything but these methods gets 405.
_PAGE_METHODS = ["GET", "HEAD", "POST"]


def _rows(tokens: Iterable[ApiToken]) -> list[dict[str, Any]]:
    now = timezone.now()
    return [{"token": token, "status": token_status(token, now)} for token in tokens]


def _posted(request: HttpRequest) -> Any:
    # An empty POST is still a submission: it must show the form's errors, not a blank form.
    return request.POST if request.method == "POST" else None


def _secret_key(request: HttpRequest) -> str:
    # One slot per page, so a secret issued on one client's page is never shown on another's.
    return f"api_access:new_secret:{request.path}"


def _keep_secret_for_display(request: HttpRequest, token: ApiToken, secret: str) -> None:
    request.session[_secret_key(request)] = seal({"token": str(token.public_id), "secret": secret})


def _take_secret(request: HttpRequest) -> tuple[str, str] | None:
    """The (token public id, secret) waiting to be shown on this page, removed from the session.

    Only a GET takes it: a HEAD (a link checker, a prefetch) must not spend the one display.
    """
    if request.method != "GET":
        return None
    sealed = request.session.pop(_secret_key(request), None)
    if not sealed:
        return None
    try:
        kept = unseal(sealed)
    except SealBroken:
        return None  # sealed with a key rotated since: the secret is lost, as if already shown
    return str(kept["token"]), str(kept["secret"])


def _token_form_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    listing: ApiTokenQuerySet,
    issue: Callable[..., tuple[ApiToken, str]],
) -> HttpResponse:
    """A list of tokens with the form that issues one: 400 with the errors on bad input; a new
    token redirects to the page, whose next GET shows the secret once, on an answer no browser
    or proxy keeps."""
    form = TokenForm(_posted(request))
    if form.is_bound and form.is_valid():
        try:
            token, secret = issue(
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _keep_secret_for_display(request, token, secret)
            return redirect(request.path)
    rows = _rows(listing)
    new_token, new_secret = None, None
    waiting = _take_secret(request)
    if waiting is not None:
        token_id, new_secret = waiting
        new_token = next((row["token"] for row in rows if str(row["token"].public_id) == token_id), None)
        if new_token is None:
            new_secret = None  # the token is no longer listed here: nothing to show the secret for
    response = render(
        request,
        template,
        {**context, "form": form, "rows": rows, "new_secret": new_secret, "new_token": new_token},
        status=400 if form.is_bound and form.errors else 200,
    )
    if new_secret:
        add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(_PAGE_METHODS)
def tokens(request: HttpRequest) -> HttpResponse:
    def issue(**fields: Any) -> tuple[ApiToken, str]:
        return issue_personal_token(request.user, **fields)

    return _token_form_page(request, "api/tokens.html", {}, listing=personal_tokens_of(request.user), issue=issue)


@login_required
@require_http_methods(_PAGE_METHODS)
def token_revoke(request: HttpRequest, token_id: UUID) -> HttpResponse:
    token = get_object_or_404(personal_tokens_of(request.user), public_id=token_id)
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
@require_http_methods(_PAGE_METHODS)
def clients(request: HttpRequest, institution_id: UUID) -> HttpResponse:
    institution = get_institution_for_staff_management(request.user, institution_id)
    form = ApiClientForm(request.user, institution, _posted(request))
    if form.is_bound and form.is_valid():
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
    return render(
        request,
        "api/clients.html",
        {"institution": institution, "form": form, "clients": clients_for_page(request.user, institution)},
        status=400 if form.is_bound and form.errors else 200,
    )


def _client(request: HttpRequest, institution_id: UUID, client_id: UUID) -> tuple[Institution, ApiClient]:
    institution = get_institution_for_staff_management(request.user, institution_id)
    client = get_object_or_404(clients_visible_to(request.user), institution=institution, public_id=client_id)
    return institution, client


@login_required
@require_http_methods(_PAGE_METHODS)
def client(request: HttpRequest, institution_id: UUID, client_id: UUID) -> HttpResponse:
    institution, api_client = _client(request, institution_id, client_id)

    def issue(**fields: Any) -> tuple[ApiToken, str]:
        return issue_client_token(request.user, api_client, **fields)

    return _token_form_page(
        request,
        "api/client.html",
        {"institution": institution, "client": api_client},
        listing=client_tokens_of(request.user, api_client),
        issue=issue,
    )


@login_required
@require_http_methods(_PAGE_METHODS)
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
@require_http_methods(_PAGE_METHODS)
def client_token_revoke(request: HttpRequest, institution_id: UUID, client_id: UUID, token_id: UUID) -> HttpResponse:
    institution, api_client = _client(request, institution_id, client_id)
    token = get_object_or_404(tokens_visible_to(request.user), client=api_client, public_id=token_id)
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
