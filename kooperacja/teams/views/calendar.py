"""The calendar of meetings (a month grid and a list), the settings of the personal iCalendar
feed, and the feed itself.

The calendar shows the meetings of every team the user sees (`policies.visible_meetings`),
a month at a time, optionally of one team. It works without JavaScript: the months are plain
links and the grid is a table with a caption and day headers. The feed needs no sign-in: its
secret address is the key, and a revoked or unknown one answers 404.
"""

from __future__ import annotations

import calendar as calendars
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest
from kooperacja.teams import feeds
from kooperacja.teams.ics import calendar_ics, public_summary
from kooperacja.teams.models import Meeting, MeetingStatus, Team
from kooperacja.teams.policies import uses_teams, visible_meetings, visible_teams

VIEWS = ("month", "list")
# The years the calendar shows: far wider than any team's life, and far enough inside what
# dates can hold that a month before or after (and the days of its first and last weeks) exist.
FIRST_YEAR, LAST_YEAR = 1900, 2999
# A month's name inside a sentence ("Previous month: October 2026"): Polish writes it in lower
# case there, while Django's month names ("F") are capitalised for headings.
MONTHS_IN_SENTENCE = {
    1: pgettext_lazy("month in a sentence", "January"),
    2: pgettext_lazy("month in a sentence", "February"),
    3: pgettext_lazy("month in a sentence", "March"),
    4: pgettext_lazy("month in a sentence", "April"),
    5: pgettext_lazy("month in a sentence", "May"),
    6: pgettext_lazy("month in a sentence", "June"),
    7: pgettext_lazy("month in a sentence", "July"),
    8: pgettext_lazy("month in a sentence", "August"),
    9: pgettext_lazy("month in a sentence", "September"),
    10: pgettext_lazy("month in a sentence", "October"),
    11: pgettext_lazy("month in a sentence", "November"),
    12: pgettext_lazy("month in a sentence", "December"),
}


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    meetings: list[Meeting]


@dataclass(frozen=True)
class Choice:
    """What the calendar was asked to show, and what in the request was not understood."""

    month: dt.date  # its first day
    view: str
    team: Team | None
    problems: list[str]


def _parse_month(raw: str | None, today: dt.date) -> dt.date | None:
    """The first day of the month asked for; None when it is not a month at all. A month
    outside the calendar's years is a problem of its own (`_out_of_range`)."""
    if not raw:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in raw.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return None


def _out_of_range(month: dt.date) -> bool:
    return not FIRST_YEAR <= month.year <= LAST_YEAR


def _choice(query: QueryDict, teams: list[Team], today: dt.date) -> Choice:
    problems = []
    month = _parse_month(query.get("month"), today)
    if month is None:
        problems.append(_("The month was not understood (write it as YYYY-MM): the current month is shown."))
        month = today.replace(day=1)
    elif _out_of_range(month):
        problems.append(
            _("The calendar shows the years %(first)s–%(last)s: the current month is shown.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
        month = today.replace(day=1)
    view = query.get("view") or "month"
    if view not in VIEWS:
        problems.append(_("Choose the month view or the list: the month view is shown."))
        view = "month"
    team = None
    if raw_team := query.get("team"):
        team = next((team for team in teams if str(team.public_id) == raw_team), None)
        if team is None:
            problems.append(_("That team is not one of your teams: the meetings of all your teams are shown."))
    return Choice(month, view, team, problems)


def month_in_sentence(month: dt.date) -> str:
    """The month and year as written inside a sentence: "październik 2026"."""
    return f"{MONTHS_IN_SENTENCE[month.month]} {month.year}"


def _shift(month: dt.date, by: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + by
    return dt.date(index // 12, index % 12 + 1, 1)


def _neighbour(choice: Choice, by: int) -> tuple[str, str] | None:
    """The month before or after as named in a sentence, with its link; None past the years
    the calendar shows."""
    month = _shift(choice.month, by)
    if not FIRST_YEAR <= month.year <= LAST_YEAR:
        return None
    return month_in_sentence(month), _link(choice, month)


def _link(choice: Choice, month: dt.date, view: str | None = None) -> str:
    query = QueryDict(mutable=True)
    query["view"] = view or choice.view
    query["month"] = f"{month:%Y-%m}"
    if choice.team is not None:
        query["team"] = str(choice.team.public_id)
    return f"{reverse('teams:calendar')}?{query.urlencode()}"


def _meetings(user: Any, choice: Choice, first: dt.date, last: dt.date) -> list[Meeting]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    meetings = visible_meetings(user).filter(starts_at__gte=start, starts_at__lt=end)
    if choice.team is not None:
        meetings = meetings.filter(team=choice.team)
    return list(meetings.select_related("team").order_by("starts_at", "id"))


def _days(weeks: list[list[dt.date]], meetings: list[Meeting], month: dt.date, today: dt.date) -> list[list[Day]]:
    by_day: dict[dt.date, list[Meeting]] = {}
    for meeting in meetings:
        by_day.setdefault(timezone.localtime(meeting.starts_at).date(), []).append(meeting)
    return [[Day(day, day.month == month.month, day == today, by_day.get(day, [])) for day in week] for week in weeks]


@require_safe
@login_required
def calendar_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not uses_teams(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    teams = list(visible_teams(request.user).order_by("name", "id"))
    choice = _choice(request.GET, teams, today)
    weeks = calendars.Calendar(firstweekday=0).monthdatescalendar(choice.month.year, choice.month.month)
    meetings = _meetings(request.user, choice, weeks[0][0], weeks[-1][-1])
    days = _days(weeks, meetings, choice.month, today)
    in_month = [day for week in days for day in week if day.in_month and day.meetings]
    for meeting in meetings:
        meeting.summary = public_summary(meeting)  # type: ignore[attr-defined]
    context = {
        "choice": choice,
        "teams": teams,
        "weeks": days,
        "list_days": in_month,
        "weekdays": [(WEEKDAYS[number], WEEKDAYS_ABBR[number]) for number in range(7)],
        "month_in_sentence": month_in_sentence(choice.month),
        "previous": _neighbour(choice, -1),
        "next": _neighbour(choice, 1),
        "this_month": _link(choice, today.replace(day=1)),
        "month_view": _link(choice, choice.month, "month"),
        "list_view": _link(choice, choice.month, "list"),
        "show_team": choice.team is None and len(teams) > 1,
        "cancelled": MeetingStatus.CANCELLED,
    }
    return render(request, "teams/calendar/calendar.html", context, status=400 if choice.problems else 200)


# --- The personal feed ------------------------------------------------------------------------

MADE = {
    "create": gettext_lazy("Your calendar address is ready."),
    "replace": gettext_lazy("A new address was made; the old one no longer works."),
}


# Where a new address waits, in the server-side session, for the one page that shows it.
NEW_ADDRESS_SESSION_KEY = "teams_new_feed_address"


def _feed_page(request: AuthenticatedHttpRequest, *, status: int = 200, problem: str = "") -> HttpResponse:
    """The settings page. Only the hash of an address is kept, so the full address is shown
    once: on the first page after making or replacing it, taken out of the session there."""
    token = request.session.pop(NEW_ADDRESS_SESSION_KEY, "")
    address = request.build_absolute_uri(reverse("teams:feed", args=[token])) if token else ""
    context = {
        "feed": feeds.live_feed(request.user),
        "address": address,
        "problem": problem,
        "days_back": feeds.FEED_DAYS_BACK,
    }
    response = render(request, "teams/calendar/feed.html", context, status=status)
    if address:
        response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(GET_POST)
@login_required
def feed_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not uses_teams(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _feed_page(request)
    action = request.POST.get("action", "")
    if action == "revoke":
        feeds.revoke_feed(request.user)
        messages.success(request, _("The address was revoked: it no longer works."))
        return redirect("teams:feed_settings")
    if action not in MADE:
        return _feed_page(request, status=400, problem=_("Choose what to do with the address: nothing was changed."))
    _feed, token = feeds.create_feed(request.user)
    messages.success(request, MADE[action])
    # Shown by the next page only (a reload of it does not make another address).
    request.session[NEW_ADDRESS_SESSION_KEY] = token
    return redirect("teams:feed_settings")


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = feeds.feed_for_token(token)
    if found is None:
        raise Http404
    feeds.mark_used(found)
    body = calendar_ics(feeds.feed_meetings(found), name=_("Meetings of cooperation teams"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kooperacja.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


urls: list[URLPattern] = [
    path("calendar/", calendar_page, name="calendar"),
    path("calendar/feed/", feed_settings, name="feed_settings"),
    path("calendar/feed/<str:token>.ics", feed, name="feed"),
]
