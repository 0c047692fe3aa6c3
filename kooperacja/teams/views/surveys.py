"""Partner survey pages: a team's rounds with the results over time (a chart and the same
figures in a table), opening a round, and a round's page with the answer form and its results.

Every page fetches its team or round through `teams.policies` (404 outside the user's teams);
opening a round needs `TeamAccess.runs` and answering a named current membership (403 otherwise).
What is shown of the answers follows `teams.surveys` (closed rounds, at least MIN_ANSWERS).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.core.forms.conflicts import put_refusal
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest
from kooperacja.teams import policies, surveys
from kooperacja.teams.forms.surveys import AnswerForm, OpenSurveyForm
from kooperacja.teams.models import SURVEY_ITEMS, Survey, SurveyReceipt, Team
from kooperacja.teams.policies import TeamAccess, get_survey_for_user, get_team_for_user
from kooperacja.teams.views.common import team_tabs

# The chart shows the latest rounds only, so that their dates stay readable; the table has all.
CHART_ROUNDS = 6
# The chart's geometry (SVG user units): one small panel per statement, one under another.
CHART_WIDTH = 520
CHART_LEFT = 44
# Room for half a date at each end of the line, so the first and last dates are not cut off.
PLOT_INSET = 36
CHART_RIGHT = 40
PANEL_TITLE = 36
PANEL_PLOT = 64
PANEL_HEIGHT = PANEL_TITLE + PANEL_PLOT + 16
DATES_BELOW = 24
# Refusals of an answer that correcting the form would not change.
FINAL_REFUSALS = frozenset({"answered", "closed", "not_a_member"})


def _team_context(team: Team, access: TeamAccess) -> dict[str, Any]:
    return {"team": team, "access": access, "tabs": team_tabs(team, access), "current": "surveys"}


def _state(survey: Survey, today: dt.date) -> str:
    if survey.opens_on > today:
        return "upcoming"
    return "closed" if surveys.is_closed(survey, today) else "open"


# --- A team's rounds and the results over time -------------------------------------------------


@require_safe
@login_required
def survey_list(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = get_team_for_user(request.user, public_id)
    today = timezone.localdate()
    rounds = list(team.surveys.annotate(answers=Count("responses")).order_by("-opens_on", "-id"))
    answered = set(
        SurveyReceipt.objects.filter(survey__team=team, user=request.user).values_list("survey_id", flat=True)
    )
    for survey in rounds:
        survey.state = _state(survey, today)  # type: ignore[attr-defined]
        survey.answered = survey.pk in answered  # type: ignore[attr-defined]
    history = surveys.history(team, today) if surveys.sees_results(access) else []
    context = {
        **_team_context(team, access),
        "rounds": rounds,
        "history": history,
        "chart": _chart(history[-CHART_ROUNDS:]) if history else None,
        "item_names": [surveys.ITEM_NAMES[key] for key in SURVEY_ITEMS],
        "sees_results": surveys.sees_results(access),
        "min_answers": surveys.MIN_ANSWERS,
    }
    return render(request, "teams/survey/list.html", context)


def _chart(rounds: list[surveys.RoundSummary]) -> dict[str, Any]:
    """Coordinates of the chart over time: for each statement a panel with its name above a
    line through the round means (1 at the bottom, 5 at the top), the rounds' closing days below.
    Coordinates are strings: the template would write numbers with a Polish decimal comma."""
    plot_left, plot_right = CHART_LEFT + PLOT_INSET, CHART_WIDTH - CHART_RIGHT
    step = (plot_right - plot_left) / (len(rounds) - 1) if len(rounds) > 1 else 0
    xs = [_svg(plot_left + i * step if step else (plot_left + plot_right) / 2) for i in range(len(rounds))]
    panels = []
    for index, key in enumerate(SURVEY_ITEMS):
        top = index * PANEL_HEIGHT
        points = [
            {"x": x, "y": _svg(_level_y(top, summary.means[key])), "mean": summary.means[key]}
            for x, summary in zip(xs, rounds, strict=True)
        ]
        panels.append(
            {
                "name": surveys.ITEM_NAMES[key],
                "title_y": top + 15,
                "grid": [{"level": level, "y": _svg(_level_y(top, level))} for level in (1, 3, 5)],
                "points": points,
                "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    bottom = len(SURVEY_ITEMS) * PANEL_HEIGHT
    dates = [
        {"x": x, "label": summary.survey.closes_on.strftime("%d.%m.%Y")} for x, summary in zip(xs, rounds, strict=True)
    ]
    return {
        "width": CHART_WIDTH,
        "height": bottom + DATES_BELOW,
        "left": CHART_LEFT,
        "right": plot_right,
        "axis_x": CHART_LEFT - 8,
        "panels": panels,
        "dates": dates,
        "dates_y": bottom + 8,
        "description": _chart_description(rounds),
    }


def _level_y(panel_top: int, level: float) -> float:
    return panel_top + PANEL_TITLE + (5 - level) / 4 * PANEL_PLOT


def _svg(value: float) -> str:
    return f"{value:.1f}"


def _chart_description(rounds: list[surveys.RoundSummary]) -> str:
    """The chart in words: the span of rounds, then each statement's first and latest mean."""
    first, latest = rounds[0], rounds[-1]
    changes = "; ".join(
        _("%(name)s from %(first)s to %(latest)s")
        % {
            "name": surveys.ITEM_NAMES[key],
            "first": number_format(first.means[key], 1),
            "latest": number_format(latest.means[key], 1),
        }
        for key in SURVEY_ITEMS
    )
    return _(
        "Mean agreement from 1 (strongly disagree) to 5 (strongly agree) in %(count)s rounds closed from "
        "%(first)s to %(latest)s: %(changes)s."
    ) % {
        "count": len(rounds),
        "first": first.survey.closes_on.strftime("%d.%m.%Y"),
        "latest": latest.survey.closes_on.strftime("%d.%m.%Y"),
        "changes": changes,
    }


# --- Opening a round ---------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def survey_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = get_team_for_user(request.user, public_id)
    policies.require_runs(access)
    if request.method != "POST":
        today = timezone.localdate()
        initial = {
            "title": _("Partner survey %(month)s") % {"month": today.strftime("%m.%Y")},
            "opens_on": today,
            "closes_on": today + dt.timedelta(days=14),
        }
        return _create_page(request, team, access, OpenSurveyForm(initial=initial))
    form = OpenSurveyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            survey = surveys.open_survey(
                request.user, team, title=data["title"], opens_on=data["opens_on"], closes_on=data["closes_on"]
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The survey round was opened and the named members were told."))
            return redirect("teams:survey", public_id=survey.public_id)
    return _create_page(request, team, access, form, status=400)


def _create_page(
    request: AuthenticatedHttpRequest, team: Team, access: TeamAccess, form: OpenSurveyForm, *, status: int = 200
) -> HttpResponse:
    context = {**_team_context(team, access), "form": form, "min_answers": surveys.MIN_ANSWERS}
    return render(request, "teams/survey/new.html", context, status=status)


# --- A round: answering and its results --------------------------------------------------------


@require_safe
@login_required
def survey_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    survey, access = get_survey_for_user(request.user, public_id)
    return _round_page(request, survey, access, None)


@require_POST
@login_required
def survey_answer(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    survey, access = get_survey_for_user(request.user, public_id)
    if not access.is_named_member:
        raise PermissionDenied
    try:
        surveys.check_may_answer(request.user, survey)
    except ValidationError as refusal:
        return _refusal_page(request, survey, access, refusal)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            surveys.answer(request.user, survey, form.scores(), form.cleaned_data["comment"])
        except ValidationError as refusal:
            if getattr(refusal, "code", None) in FINAL_REFUSALS:
                return _refusal_page(request, survey, access, refusal)
            put_refusal(form, refusal)
        else:
            messages.success(request, _("Thank you. Your answer was saved without your name."))
            return redirect("teams:survey", public_id=survey.public_id)
    return _round_page(request, survey, access, form, status=400)


def _refusal_page(
    request: AuthenticatedHttpRequest, survey: Survey, access: TeamAccess, refusal: ValidationError
) -> HttpResponse:
    """An answer that no correction could make acceptable (given already, or outside the days of
    the round) gets the reason and the way back, not the form to fill in again."""
    context = {**_team_context(survey.team, access), "survey": survey, "reasons": refusal.messages}
    return render(request, "teams/survey/refused.html", context, status=400)


def _round_page(
    request: AuthenticatedHttpRequest,
    survey: Survey,
    access: TeamAccess,
    form: AnswerForm | None,
    *,
    status: int = 200,
) -> HttpResponse:
    """The round's page. An answer refused for what the member can correct (a missing score, a
    comment too long) comes back with its form and the reasons; other refusals have their own
    page (`_refusal_page`)."""
    today = timezone.localdate()
    state = _state(survey, today)
    answered = access.is_named_member and surveys.has_answered(request.user, survey)
    may_answer = access.is_named_member and state == "open" and not answered
    if form is None and may_answer:
        form = AnswerForm()
    sees_results = surveys.sees_results(access)
    context = {
        **_team_context(survey.team, access),
        "survey": survey,
        "state": state,
        "answered": answered,
        "form": form,
        "count": surveys.answer_count(survey),
        "min_answers": surveys.MIN_ANSWERS,
        "sees_results": sees_results,
        "results": surveys.results(survey, today) if sees_results else None,
    }
    return render(request, "teams/survey/detail.html", context, status=status)


urls: list[URLPattern] = [
    path("<uuid:public_id>/surveys/", survey_list, name="surveys"),
    path("<uuid:public_id>/surveys/new/", survey_create, name="survey_create"),
    path("surveys/<uuid:public_id>/", survey_detail, name="survey"),
    path("surveys/<uuid:public_id>/answer/", survey_answer, name="survey_answer"),
]
