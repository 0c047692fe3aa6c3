"""The partner survey: rounds a team opens, anonymous answers of its named members, and results
that never let anyone work out one person's answer.

Anonymity rests on three rules:
- who answered (`SurveyReceipt`) is kept apart from what they answered (`SurveyResponse`): the
  answer holds no user, no time, and a random id, so not even the order of the rows links the two,
  and the two are written in separate transactions (see `answer`). Someone with direct access
  to the database server (its logs, its internal row data) might still match the two by when
  they were written: the promise to members is about what the platform shows, not about that;
- results are shown only for a round that has closed (a result that changes with each answer
  would let anyone comparing two views work out the latest answer) and only when at least
  `MIN_ANSWERS` members answered; below that, the page says how many answered and nothing more;
- free-text comments are shown under the same two conditions, in a shuffled order.

Who may open a round (`TeamAccess.runs`) and who sees results (`sees_results`) is decided by
the views through `policies.py` before these functions are called.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kooperacja.core import audit
from kooperacja.core.models import AuditAction
from kooperacja.core.notifications import notify
from kooperacja.teams.models import SURVEY_ITEMS, Survey, SurveyReceipt, SurveyResponse, Team, TeamMember
from kooperacja.teams.policies import TeamAccess

# Fewer answers than this and no result of the round is shown: with so few, a partner could
# recognise a colleague's answer.
MIN_ANSWERS = 5
SCORES = (1, 2, 3, 4, 5)
COMMENT_MAX_LENGTH = 2000
NOTIFICATION_KIND = "team_survey"

# Short names of the statements, for table headings and the chart (the issue's own words).
ITEM_NAMES = {
    "communication": pgettext_lazy("survey item", "Communication"),
    "goals": pgettext_lazy("survey item", "Clarity of goals"),
    "expectations": pgettext_lazy("survey item", "Mutual expectations"),
    "information": pgettext_lazy("survey item", "Information flow"),
    "benefit": pgettext_lazy("survey item", "Benefit"),
    "workload": pgettext_lazy("survey item", "Workload"),
}

ALREADY_ANSWERED = gettext_lazy(
    "You have already answered this survey. Each member answers once, so your earlier answer stays as it was."
)
NOT_A_MEMBER = gettext_lazy("Only the named members of the team answer its survey.")
SURVEY_NOT_OPEN = gettext_lazy("This survey takes answers from %(opens)s to %(closes)s; today it takes none.")
SURVEY_OPENED = gettext_lazy("Partner survey of %(team)s: answer by %(closes)s")


def _day(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


# --- The state of a round ----------------------------------------------------------------------


def is_open(survey: Survey, today: dt.date | None = None) -> bool:
    day = today or timezone.localdate()
    return survey.opens_on <= day <= survey.closes_on


def is_closed(survey: Survey, today: dt.date | None = None) -> bool:
    return survey.closes_on < (today or timezone.localdate())


def answer_count(survey: Survey) -> int:
    return SurveyResponse.objects.filter(survey=survey).count()


def has_answered(user: Any, survey: Survey) -> bool:
    return SurveyReceipt.objects.filter(survey=survey, user=user).exists()


def sees_results(access: TeamAccess) -> bool:
    """Results of closed rounds are seen by those who run the team, managers of its member
    institutions (`sees_workload`) and every named member; other staff of member institutions
    see only that rounds took place and how many answered."""
    return access.sees_workload or access.is_named_member


# --- Opening a round ---------------------------------------------------------------------------


def open_survey(actor: Any, team: Team, *, title: str, opens_on: dt.date, closes_on: dt.date) -> Survey:
    """Open a round of the survey for the team's named members and tell them.

    Refused: a round that closes before it opens or has already ended, and a round overlapping
    another round of the same team (one member could otherwise answer the same questions twice
    for the same time, and the results over time would count that time twice)."""
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Give the round a title, for example the season it is about.")})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The survey cannot close before it opens.")})
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("This round would already be over: choose a closing day from today on.")})
    with transaction.atomic():
        # One round at a time: two leaders opening rounds at once wait for each other here.
        Team.objects.select_for_update().filter(pk=team.pk).first()
        _refuse_overlap(team, opens_on, closes_on)
        survey = Survey.objects.create(team=team, title=title, opens_on=opens_on, closes_on=closes_on, created_by=actor)
        audit.record(AuditAction.CREATE, actor=actor, obj=survey)
        _tell_members(survey, actor)
    return survey


def _refuse_overlap(team: Team, opens_on: dt.date, closes_on: dt.date) -> None:
    other = (
        Survey.objects.filter(team=team, opens_on__lte=closes_on, closes_on__gte=opens_on).order_by("opens_on").first()
    )
    if other is not None:
        raise ValidationError(
            _(
                "The team already has a survey round from %(opens)s to %(closes)s (%(title)s). Rounds of one "
                "team may not overlap: choose days outside it."
            )
            % {"opens": _day(other.opens_on), "closes": _day(other.closes_on), "title": other.title}
        )


def _tell_members(survey: Survey, actor: Any) -> None:
    """Every named current member but the one who opened it hears of the round. The title names
    the team, never a person, and is written in Polish whatever the actor's language."""
    with translation.override("pl"):
        title = str(SURVEY_OPENED) % {"team": survey.team.name[:120], "closes": _day(survey.closes_on)}
    url = reverse("teams:survey", args=[survey.public_id])
    members = TeamMember.objects.current().filter(team=survey.team, user__isnull=False, user__is_active=True)
    for member in members.exclude(user=actor).select_related("user").order_by("user_id"):
        if member.user is not None:
            notify(member.user, kind=NOTIFICATION_KIND, title=title, url=url)


# --- Answering ---------------------------------------------------------------------------------


def check_may_answer(user: Any, survey: Survey, today: dt.date | None = None) -> None:
    """Refuse, whatever the answer would be: a user who is not a named current member, a day
    outside the round, and a member who answered already (codes "not_a_member", "closed",
    "answered"). A second answer sent at the same moment is still refused by the receipt."""
    day = today or timezone.localdate()
    if not TeamMember.objects.current(day).filter(team_id=survey.team_id, user=user).exists():
        raise ValidationError(NOT_A_MEMBER, code="not_a_member")
    if not is_open(survey, day):
        raise ValidationError(
            str(SURVEY_NOT_OPEN) % {"opens": _day(survey.opens_on), "closes": _day(survey.closes_on)}, code="closed"
        )
    if has_answered(user, survey):
        raise ValidationError(ALREADY_ANSWERED, code="answered")


def answer(user: Any, survey: Survey, scores: dict[str, int], comment: str = "") -> SurveyResponse:
    """Record one member's anonymous answer: first the receipt (who), then the response (what),
    each in its own transaction; when the response fails the receipt is taken back. Called
    outside any transaction (in one, both would share its id). Refused: a user who is not a named current member, a day
    outside the round, a score outside 1–5 or a missing one, and a second answer."""
    today = timezone.localdate()
    check_may_answer(user, survey, today)
    clean_scores = _checked_scores(scores)
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"comment": _("Write at most %(limit)s characters.") % {"limit": COMMENT_MAX_LENGTH}}, code="too_long"
        )
    _receipt(user, survey, today)
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(id=_random_id(), survey=survey, comment=comment, **clean_scores)
    except BaseException:
        # The answer was not saved: take the receipt back, or the member could never answer.
        SurveyReceipt.objects.filter(survey=survey, user=user).delete()
        raise


def _receipt(user: Any, survey: Survey, today: dt.date) -> None:
    """Record that the member answered, in a transaction of its own, before the answer is saved
    in another: on PostgreSQL rows written in one transaction carry the same transaction id
    (`xmin`), which would tie the receipt to the response. The receipt's uniqueness (one per
    member and round) is what refuses a second answer, also two sent at the same moment."""
    try:
        with transaction.atomic():
            SurveyReceipt.objects.create(survey=survey, user=user, answered_on=today)
    except IntegrityError:
        raise ValidationError(ALREADY_ANSWERED, code="answered") from None


def _checked_scores(scores: dict[str, Any]) -> dict[str, int]:
    errors = {}
    clean = {}
    for key in SURVEY_ITEMS:
        value = scores.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
            errors[key] = _("Choose one of 1 to 5.")
        else:
            clean[key] = value
    unknown = set(scores) - set(SURVEY_ITEMS)
    if unknown:
        errors[next(iter(sorted(unknown)))] = _("This survey has no such statement.")
    if errors:
        raise ValidationError(errors, code="bad_score")
    return clean


def _random_id() -> int:
    """A response's id is random, not the next number: numbers in order would line up the
    answers with the receipts (who answered, and on which day) and undo the anonymity."""
    return secrets.randbelow(2**62 - 2**40) + 2**40


# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemResult:
    key: str
    name: str
    statement: str
    mean: float
    # How many answered 1, 2, 3, 4 and 5.
    distribution: tuple[int, ...]

    @property
    def shares(self) -> list[tuple[int, int, int]]:
        """(score, answers, per cent of all answers) for each score 1–5."""
        total = sum(self.distribution) or 1
        return [(score, n, round(100 * n / total)) for score, n in zip(SCORES, self.distribution, strict=True)]


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    count: int
    items: list[ItemResult]
    comments: list[str]


def results(survey: Survey, today: dt.date | None = None) -> SurveyResults | None:
    """The results of a closed round with at least MIN_ANSWERS answers; None otherwise (a round
    still open, or too few answers). Two queries."""
    if not is_closed(survey, today):
        return None
    figures: dict[str, Any] = {"count": Count("id")}
    for key in SURVEY_ITEMS:
        figures[f"{key}__mean"] = Avg(key)
        figures.update({f"{key}__{score}": Count("id", filter=Q(**{key: score})) for score in SCORES})
    row = SurveyResponse.objects.filter(survey=survey).aggregate(**figures)
    if row["count"] < MIN_ANSWERS:
        return None
    items = [
        ItemResult(
            key=key,
            name=str(ITEM_NAMES[key]),
            statement=str(statement),
            mean=round(float(row[f"{key}__mean"]), 1),
            distribution=tuple(row[f"{key}__{score}"] for score in SCORES),
        )
        for key, statement in SURVEY_ITEMS.items()
    ]
    return SurveyResults(survey=survey, count=row["count"], items=items, comments=_shuffled_comments(survey))


def _shuffled_comments(survey: Survey) -> list[str]:
    """Comments in an order fixed for the round but unrelated to when they were written."""
    comments = list(SurveyResponse.objects.filter(survey=survey).exclude(comment="").values_list("comment", flat=True))
    comments.sort()
    random.Random(str(survey.public_id)).shuffle(comments)  # noqa: S311 - an order, not a secret
    return comments


@dataclass(frozen=True)
class RoundSummary:
    """One round in the results over time: its answers and the mean of each statement."""

    survey: Survey
    count: int
    means: dict[str, float]

    @property
    def item_means(self) -> list[tuple[str, float]]:
        """(short name, mean) of each statement, in the order the survey asks them."""
        return [(str(ITEM_NAMES[key]), self.means[key]) for key in SURVEY_ITEMS]


def history(team: Team, today: dt.date | None = None) -> list[RoundSummary]:
    """The team's closed rounds with at least MIN_ANSWERS answers, oldest first: one query."""
    day = today or timezone.localdate()
    rounds = (
        Survey.objects.filter(team=team, closes_on__lt=day)
        .annotate(answers=Count("responses"), **{f"mean_{key}": Avg(f"responses__{key}") for key in SURVEY_ITEMS})
        .filter(answers__gte=MIN_ANSWERS)
        .order_by("closes_on", "id")
    )
    return [
        RoundSummary(
            survey=survey,
            count=survey.answers,
            means={key: round(float(getattr(survey, f"mean_{key}")), 1) for key in SURVEY_ITEMS},
        )
        for survey in rounds
    ]


def latest_results(team: Team, today: dt.date | None = None) -> SurveyResults | None:
    """The results of the team's most recent round that has them (for the team's dashboard)."""
    day = today or timezone.localdate()
    rounds = (
        Survey.objects.filter(team=team, closes_on__lt=day)
        .annotate(answers=Count("responses"))
        .filter(answers__gte=MIN_ANSWERS)
        .order_by("-closes_on", "-id")
    )
    latest = rounds.first()
    return results(latest, day) if latest is not None else None
