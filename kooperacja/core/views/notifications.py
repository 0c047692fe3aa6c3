"""The in-app inbox and notification preferences of the signed-in user."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.core import notifications as services
from kooperacja.core.forms.notifications import NotificationPreferencesForm
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.models import Notification, User

PAGE_SIZE = 25


@require_safe
@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    page = Paginator(Notification.objects.for_user(user), PAGE_SIZE).get_page(request.GET.get("page"))
    unread_count = Notification.objects.for_user(user).unread().count()
    return render(request, "core/notifications/inbox.html", {"page_obj": page, "unread_count": unread_count})


@require_POST
@login_required
def mark_read(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    user = request.user
    notification = get_object_or_404(Notification.objects.for_user(user), public_id=public_id)
    services.mark_read(user, notification)
    # Only a path of this site: a stored link must never send anyone elsewhere.
    url = notification.url
    if (
        url.startswith("/")
        and not url.startswith("//")
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=True)
    ):
        return HttpResponseRedirect(url)
    return redirect("core:notifications")


@require_POST
@login_required
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    if count:
        messages.success(
            request,
            ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("There were no unread notifications."))
    return redirect("core:notifications")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST)
        if form.is_valid():
            services.set_notification_mode(user, form.cleaned_data["mode"])
            messages.success(request, _("Notification settings saved."))
            return redirect("core:notification_preferences")
    else:
        form = NotificationPreferencesForm(initial={"mode": user.notification_mode})
    return render(request, "core/notifications/preferences.html", {"form": form})


def _user(request: HttpRequest) -> User:
    # login_required has run before any caller: the user is a signed-in User.
    return cast(User, request.user)
