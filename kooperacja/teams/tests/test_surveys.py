"""The partner survey's rules: opening a round, answering once and anonymously, and results
that appear only for closed rounds with at least five answers."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models
from django.utils import timezone

from kooperacja.core.models import AuditEvent, Notification
from kooperacja.teams import surveys
from kooperacja.teams.models import SURVEY_ITEMS, Survey, SurveyReceipt, SurveyResponse
from kooperacja.teams.tests.factories import add_member, make_team, user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
ALL_FOURS = dict.fromkeys(SURVEY_ITEMS, 4)


def make_survey(team, *, opens=-3, closes=7, title="Ankieta partnerska"):
    """A round of the team, opening and closing the given number of days from today."""
    return Survey.objects.create(
        team=team,
        title=title,
        opens_on=TODAY() + dt.timedelta(days=opens),
        closes_on=TODAY() + dt.timedelta(days=closes),
    )


def add_answers(survey, *score_rows, comments=()):
    """Answers stored as the service stores them (without receipts), for the results' tests."""
    comments = list(comments) + [""] * (len(score_rows) - len(comments))
    for scores, comment in zip(score_rows, comments, strict=True):
        SurveyResponse.objects.create(id=surveys._random_id(), survey=survey, comment=comment, **scores)


def close(survey, days_ago=1):
    Survey.objects.filter(pk=survey.pk).update(closes_on=TODAY() - dt.timedelta(days=days_ago))
    survey.refresh_from_db()
    return survey


def shown(survey):
    """The round's results, which the test expects to be there."""
    found = surveys.results(survey)
    assert found is not None
    return found


@pytest.fixture
def team():
    return make_team()


# --- Opening a round --------------------------------------------------------------------------


def test_it_opens_a_round_and_tells_the_named_members_but_not_the_one_who_opened_it(team):
    survey = surveys.open_survey(
        user("lider.mirzec"), team, title="  Wiosna  2025 ", opens_on=TODAY(), closes_on=TODAY() + dt.timedelta(days=14)
    )
    assert survey.title == "Wiosna 2025"
    told = Notification.objects.filter(kind=surveys.NOTIFICATION_KIND, url__contains=str(survey.public_id))
    assert {n.recipient.username for n in told} == {"pcpr.starachowice", "policja.mirzec", "szkola.mirzec"}
    title = told.get(recipient__username="policja.mirzec").title
    assert team.name in title
    assert "lider" not in title.lower()
    assert AuditEvent.objects.filter(object_id=str(survey.public_id), action="create").exists()


@pytest.mark.parametrize(
    ("opens", "closes", "field"),
    [(5, 2, "closes_on"), (-10, -1, "closes_on")],
    ids=["closes before it opens", "already over"],
)
def test_it_refuses_a_round_with_impossible_dates_and_opens_nothing(team, opens, closes, field):
    with pytest.raises(ValidationError) as refusal:
        surveys.open_survey(
            user("lider.mirzec"),
            team,
            title="Ankieta",
            opens_on=TODAY() + dt.timedelta(days=opens),
            closes_on=TODAY() + dt.timedelta(days=closes),
        )
    assert field in refusal.value.error_dict
    assert not Survey.objects.filter(team=team).exists()


def test_it_refuses_a_round_overlapping_another_round_of_the_team(team):
    make_survey(team, opens=0, closes=10)
    with pytest.raises(ValidationError):
        surveys.open_survey(
            user("lider.mirzec"),
            team,
            title="Druga",
            opens_on=TODAY() + dt.timedelta(days=10),
            closes_on=TODAY() + dt.timedelta(days=20),
        )
    assert Survey.objects.filter(team=team).count() == 1


def test_it_opens_a_round_right_after_the_previous_one_and_in_another_team_at_the_same_time(team):
    make_survey(team, opens=0, closes=10)
    after = surveys.open_survey(
        user("lider.mirzec"),
        team,
        title="Następna",
        opens_on=TODAY() + dt.timedelta(days=11),
        closes_on=TODAY() + dt.timedelta(days=20),
    )
    other = surveys.open_survey(
        user("lider.mirzec"), make_team(), title="Inny zespół", opens_on=TODAY(), closes_on=TODAY()
    )
    assert after.pk and other.pk


# --- Answering --------------------------------------------------------------------------------


def test_it_saves_an_answer_with_a_receipt_of_who_answered_apart_from_what(team):
    survey = make_survey(team)
    response = surveys.answer(user("policja.mirzec"), survey, ALL_FOURS, "  Więcej spotkań.  ")
    assert response.comment == "Więcej spotkań."
    assert [getattr(response, key) for key in SURVEY_ITEMS] == [4] * 6
    receipt = SurveyReceipt.objects.get(survey=survey)
    assert receipt.user == user("policja.mirzec")
    assert receipt.answered_on == TODAY()


def test_an_answer_keeps_no_user_no_time_and_no_id_in_the_order_of_answering(team):
    relations = [f for f in SurveyResponse._meta.get_fields() if f.is_relation]
    assert [f.name for f in relations] == ["survey"]
    assert not [f for f in SurveyResponse._meta.get_fields() if isinstance(f, models.DateField | models.TimeField)]
    survey = make_survey(team)
    first = surveys.answer(user("policja.mirzec"), survey, ALL_FOURS)
    second = surveys.answer(user("szkola.mirzec"), survey, ALL_FOURS)
    # Random ids: the receipts' order says nothing about which answer is whose.
    assert min(first.pk, second.pk) >= 2**40
    assert abs(first.pk - second.pk) != 1


def test_it_refuses_a_second_answer_and_keeps_the_first(team):
    survey = make_survey(team)
    surveys.answer(user("policja.mirzec"), survey, ALL_FOURS, "Pierwsza")
    with pytest.raises(ValidationError) as refusal:
        surveys.answer(user("policja.mirzec"), survey, dict.fromkeys(SURVEY_ITEMS, 1), "Druga")
    assert refusal.value.code == "answered"
    assert list(SurveyResponse.objects.filter(survey=survey).values_list("comment", flat=True)) == ["Pierwsza"]
    assert SurveyReceipt.objects.filter(survey=survey).count() == 1


def test_two_answers_sent_at_once_save_only_the_first(team):
    survey = make_survey(team)
    surveys.answer(user("policja.mirzec"), survey, ALL_FOURS)
    # The second request checked before the first one's receipt was saved.
    with mock.patch.object(surveys, "has_answered", return_value=False), pytest.raises(ValidationError) as refusal:
        surveys.answer(user("policja.mirzec"), survey, ALL_FOURS)
    assert refusal.value.code == "answered"
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_the_receipt_and_the_answer_are_saved_in_separate_transactions(team):
    """On PostgreSQL rows saved in one transaction carry the same transaction id (xmin), which
    would tie who answered to what they answered."""
    survey = make_survey(team)
    blocks = {}

    def spy(model):
        create = model.objects.create

        def recording(**fields):
            blocks[model] = list(connection.savepoint_ids)
            return create(**fields)

        return mock.patch.object(model.objects, "create", side_effect=recording)

    with spy(SurveyReceipt), spy(SurveyResponse):
        surveys.answer(user("policja.mirzec"), survey, ALL_FOURS)

    receipt_block = blocks[SurveyReceipt][-1]
    assert receipt_block not in blocks[SurveyResponse]


def test_a_failed_answer_takes_its_receipt_back_so_the_member_may_answer_again(team):
    survey = make_survey(team)
    with (
        mock.patch.object(SurveyResponse.objects, "create", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        surveys.answer(user("policja.mirzec"), survey, ALL_FOURS)
    assert not SurveyReceipt.objects.filter(survey=survey).exists()

    surveys.answer(user("policja.mirzec"), survey, ALL_FOURS)

    assert SurveyReceipt.objects.filter(survey=survey).count() == 1
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


@pytest.mark.parametrize(("opens", "closes"), [(1, 7), (-10, -1)], ids=["not yet open", "closed"])
def test_it_refuses_an_answer_outside_the_open_days(team, opens, closes):
    survey = make_survey(team, opens=opens, closes=closes)
    with pytest.raises(ValidationError) as refusal:
        surveys.answer(user("policja.mirzec"), survey, ALL_FOURS)
    assert refusal.value.code == "closed"
    assert not SurveyResponse.objects.filter(survey=survey).exists()


def test_it_answers_on_the_first_and_the_last_open_day(team):
    first_day = make_survey(team, opens=0, closes=3)
    surveys.answer(user("policja.mirzec"), first_day, ALL_FOURS)
    last_day = make_survey(make_team(), opens=-3, closes=0)
    surveys.answer(user("policja.mirzec"), last_day, ALL_FOURS)


@pytest.mark.parametrize("username", ["gops.mirzec", "gops.oksa", "admin"])
def test_it_refuses_an_answer_of_anyone_not_named_in_the_team(team, username):
    survey = make_survey(team)
    with pytest.raises(ValidationError) as refusal:
        surveys.answer(user(username), survey, ALL_FOURS)
    assert refusal.value.code == "not_a_member"
    assert not SurveyReceipt.objects.filter(survey=survey).exists()


def test_it_refuses_an_answer_of_a_member_who_has_left(team):
    survey = make_survey(team)
    team.members.filter(user__username="policja.mirzec").update(left_on=TODAY())
    with pytest.raises(ValidationError):
        surveys.answer(user("policja.mirzec"), survey, ALL_FOURS)


@pytest.mark.parametrize(
    "change",
    [
        {"goals": 0},
        {"goals": 6},
        {"goals": "3"},
        {"goals": True},
        {"goals": 2.5},
        {"goals": None},
        {"mood": 3},
    ],
    ids=["zero", "six", "text", "bool", "fraction", "missing", "unknown statement"],
)
def test_it_refuses_scores_outside_one_to_five_and_saves_nothing(team, change):
    survey = make_survey(team)
    scores = {**ALL_FOURS, **change}
    scores = {key: value for key, value in scores.items() if value is not None}
    with pytest.raises(ValidationError) as refusal:
        surveys.answer(user("policja.mirzec"), survey, scores)
    assert set(refusal.value.error_dict) == set(change)
    assert not SurveyReceipt.objects.filter(survey=survey).exists()
    assert not SurveyResponse.objects.filter(survey=survey).exists()


def test_it_refuses_a_comment_too_long(team):
    survey = make_survey(team)
    with pytest.raises(ValidationError):
        surveys.answer(user("policja.mirzec"), survey, ALL_FOURS, "x" * (surveys.COMMENT_MAX_LENGTH + 1))
    assert not SurveyReceipt.objects.filter(survey=survey).exists()


# --- Results ----------------------------------------------------------------------------------


def scores(**changes):
    return {**dict.fromkeys(SURVEY_ITEMS, 3), **changes}


def test_a_closed_round_with_fewer_than_five_answers_has_no_results(team):
    survey = make_survey(team)
    add_answers(survey, *[scores()] * 4, comments=["Za mało czasu."])
    close(survey)
    assert surveys.results(survey) is None
    assert surveys.history(team) == []
    assert surveys.latest_results(team) is None


def test_an_open_round_has_no_results_however_many_answered(team):
    survey = make_survey(team)
    add_answers(survey, *[scores()] * 7)
    assert surveys.results(survey) is None


def test_a_closed_round_with_five_answers_shows_means_distribution_count_and_comments(team):
    survey = make_survey(team)
    add_answers(
        survey,
        scores(communication=1),
        scores(communication=2),
        scores(communication=4),
        scores(communication=5),
        scores(communication=5),
        comments=["Więcej spotkań.", "", "Lepszy obieg informacji."],
    )
    close(survey)
    found = shown(survey)
    assert found.count == 5
    communication = found.items[0]
    assert communication.key == "communication"
    assert communication.mean == 3.4
    assert communication.distribution == (1, 1, 0, 1, 2)
    assert communication.shares[4] == (5, 2, 40)
    assert found.items[1].distribution == (0, 0, 5, 0, 0)
    assert sorted(found.comments) == ["Lepszy obieg informacji.", "Więcej spotkań."]


def test_comments_come_in_an_order_that_does_not_follow_the_order_of_answering(team):
    survey = make_survey(team)
    comments = [f"Uwaga {n}" for n in range(8)]
    add_answers(survey, *[scores()] * 8, comments=comments)
    close(survey)
    first = shown(survey).comments
    SurveyResponse.objects.filter(survey=survey).delete()
    add_answers(survey, *[scores()] * 8, comments=list(reversed(comments)))
    assert shown(survey).comments == first
    assert sorted(first) == sorted(comments)


def test_history_lists_closed_rounds_with_results_oldest_first(team, django_assert_num_queries):
    old = make_survey(team, opens=-100, closes=-90, title="Stara")
    add_answers(old, *[scores(goals=2)] * 5)
    recent = make_survey(team, opens=-30, closes=-20, title="Nowa")
    add_answers(recent, *[scores(goals=4)] * 6)
    too_few = make_survey(team, opens=-60, closes=-50, title="Mało")
    add_answers(too_few, *[scores()] * 4)
    still_open = make_survey(team, opens=-2, closes=5, title="Trwa")
    add_answers(still_open, *[scores()] * 9)
    with django_assert_num_queries(1):
        rounds = surveys.history(team)
    assert [(r.survey.title, r.count, r.means["goals"]) for r in rounds] == [("Stara", 5, 2.0), ("Nowa", 6, 4.0)]
    latest = surveys.latest_results(team)
    assert latest is not None
    assert latest.survey == recent


def test_who_sees_results(team):
    from kooperacja.teams.policies import team_access

    def sees(username):
        access = team_access(user(username), team)
        assert access is not None
        return surveys.sees_results(access)

    seen = {
        username: sees(username)
        for username in ["admin", "lider.mirzec", "pcpr.starachowice", "policja.mirzec", "gops.mirzec", "kolega.mirzec"]
    }
    assert seen == {
        "admin": True,
        "lider.mirzec": True,
        "pcpr.starachowice": True,
        "policja.mirzec": True,
        "gops.mirzec": False,
        "kolega.mirzec": False,
    }


def test_a_newly_named_member_can_answer_and_is_told_of_the_next_round(team):
    add_member(team, "gops.mirzec")
    survey = surveys.open_survey(user("lider.mirzec"), team, title="R", opens_on=TODAY(), closes_on=TODAY())
    assert Notification.objects.filter(recipient__username="gops.mirzec", kind=surveys.NOTIFICATION_KIND).exists()
    surveys.answer(user("gops.mirzec"), survey, ALL_FOURS)
