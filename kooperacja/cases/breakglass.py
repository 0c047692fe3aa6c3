"""Break-glass: a platform administrator opens one case in an emergency (DESIGN.md §1).

Administrators see no case content in the normal course. When they must (a data subject's
complaint, a court order, a fault only the case shows), they give a reason; the opening is
recorded in the audit log (BREAK_GLASS, with the reason and the people of the case), the
owning institution's managers are notified, and the administrator sees that one case whole
for `BREAK_GLASS_MINUTES`. The grant lives in the administrator's session: signing out ends
it, and it never carries over to another case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kooperacja.cases.models import Case
from kooperacja.core import audit
from kooperacja.core.models import AuditAction
from kooperacja.core.notifications import notify
from kooperacja.core.policies import is_platform_admin
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Membership

BREAK_GLASS_MINUTES = 30
SESSION_KEY = "cases_break_glass"  # {case public id: ISO expiry}
NOTIFICATION_KIND = "break_glass"
REASON_MIN_LENGTH = 10


def case_for_break_glass(user: Any, public_id: UUID) -> Case:
    """The case an administrator asks to open; 404 when there is no such case. Only for
    platform administrators: everyone else must go through `policies.get_case_for_user`."""
    if not is_platform_admin(user):
        raise Http404
    case = Case.objects.select_related("institution", "municipality", "household", "person").filter(public_id=public_id)
    found = case.first()
    if found is None:
        raise Http404
    return found


def case_url(case: Case) -> str:
    """The case page, or the break-glass page while the case page is not there yet."""
    try:
        return reverse("cases:detail", args=[case.public_id])
    except NoReverseMatch:
        return reverse("cases:break_glass", args=[case.public_id])


def open_case(request: HttpRequest, case: Case, reason: str) -> dt.datetime:
    """Grant the signed-in administrator the whole view of one case for BREAK_GLASS_MINUTES,
    recording why; return when the grant ends."""
    admin = request.user
    if not is_platform_admin(admin):
        raise PermissionError("only a platform administrator breaks the glass")
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN_LENGTH:
        raise ValueError("a break-glass reason is required")
    now = timezone.now()
    until = now + dt.timedelta(minutes=BREAK_GLASS_MINUTES)
    persons = [person.pk for person in case.persons()]
    audit.record(
        AuditAction.BREAK_GLASS,
        request=request,
        obj=case,
        persons=persons,
        institution_id=case.institution_id,
        municipality_code=case.municipality.code,
        reason=reason,
        details={"until": until.isoformat(timespec="seconds")},
    )
    _notify_managers(case)
    grants = dict(request.session.get(SESSION_KEY, {}))
    grants = {key: value for key, value in grants.items() if _parse(value) > now}
    grants[str(case.public_id)] = until.isoformat()
    request.session[SESSION_KEY] = grants
    return until


def break_glass_active(request_or_session: HttpRequest | SessionBase, case: Case) -> bool:
    """Whether the administrator of this request (or session) holds an unexpired break-glass
    grant for the case. With a request, the user must still be a platform administrator."""
    if isinstance(request_or_session, HttpRequest):
        if not is_platform_admin(getattr(request_or_session, "user", None)):
            return False
        session = getattr(request_or_session, "session", None)
    else:
        session = request_or_session
    if session is None:
        return False
    return active_until(session, case) is not None


def active_until(session: SessionBase, case: Case) -> dt.datetime | None:
    """When the session's grant for the case ends, or None when it has none (or it ended)."""
    value = session.get(SESSION_KEY, {}).get(str(case.public_id))
    if not value:
        return None
    until = _parse(value)
    return until if until > timezone.now() else None


def _parse(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _notify_managers(case: Case) -> None:
    """Tell the owning institution's managers; the title names no person (notifications rule)."""
    managers = (
        Membership.objects.active()
        .filter(institution_id=case.institution_id, role=Role.MANAGER, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("A platform administrator opened a case of your institution through emergency access")
    url = case_url(case)
    notified: set[int] = set()
    for membership in managers:
        if membership.user_id in notified:
            continue
        notified.add(membership.user_id)
        notify(membership.user, kind=NOTIFICATION_KIND, title=title, url=url)
