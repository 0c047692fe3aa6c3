"""The partner survey pages: the rounds with results over time, opening a round, answering
(once, anonymously) and a round's results; who sees what; bad input; query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kooperacja.core.models import AuditEvent
from kooperacja.teams import surveys
from kooperacja.teams.models import SURVEY_ITEMS, Survey, SurveyReceipt, SurveyResponse
from kooperacja.teams.tests.factories import make_team
from kooperacja.teams.tests.test_surveys import TODAY, add_answers, close, make_survey, scores

pytestmark = pytest.mark.django_db


ANONYMITY_NOTE = (
    "Your answer is saved without your name, your institution and the time you sent it, apart from the note "
    "that you have answered, so that nobody answers twice. The platform shows no one, the leader included, "
    "what you answered: only the results of a closed round that at least %(min)s member answered."
)
ANONYMITY_NOTE_PLURAL = ANONYMITY_NOTE.replace("%(min)s member answered", "%(min)s members answered")


def anonymity_note():
    """The page's promise as a Polish member reads it (the English until translated)."""
    with translation.override("pl"):
        text = translation.ngettext(ANONYMITY_NOTE, ANONYMITY_NOTE_PLURAL, surveys.MIN_ANSWERS)
    return text % {"min": surveys.MIN_ANSWERS}


def found(pattern, text):
    match = re.search(pattern, text, re.S)
    assert match is not None, pattern
    return match.group(0)


def polish(text):
    with translation.override("pl"):
        return str(_(text))


def answer_form(score=4, comment=""):
    return {**{key: str(score) for key in SURVEY_ITEMS}, "comment": comment}


@pytest.fixture
def team():
    return make_team()


# --- A team's rounds --------------------------------------------------------------------------


def test_the_leader_sees_the_rounds_and_a_link_to_open_one(client, login_as, team):
    make_survey(team, title="Jesień")
    login_as("lider.mirzec")
    page = client.get(reverse("teams:surveys", args=[team.public_id])).content.decode()
    assert "Jesień" in page
    assert reverse("teams:survey_create", args=[team.public_id]) in page


def test_a_member_sees_the_rounds_without_a_link_to_open_one(client, login_as, team):
    make_survey(team, title="Jesień")
    login_as("policja.mirzec")
    page = client.get(reverse("teams:surveys", args=[team.public_id])).content.decode()
    assert "Jesień" in page
    assert reverse("teams:survey_create", args=[team.public_id]) not in page


def test_results_over_time_are_an_svg_chart_with_the_same_figures_in_a_table(client, login_as, team):
    spring = make_survey(team, opens=-100, closes=-90, title="Wiosna")
    add_answers(spring, *[scores(communication=2)] * 5)
    autumn = make_survey(team, opens=-30, closes=-20, title="Jesień")
    add_answers(autumn, *[scores(communication=4)] * 3, *[scores(communication=5)] * 3)
    login_as("lider.mirzec")
    page = client.get(reverse("teams:surveys", args=[team.public_id])).content.decode()
    svg = found(r"<svg.*?</svg>", page)
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert svg.count("<polyline") == len(SURVEY_ITEMS)
    table = page[page.index("</svg>") :]
    assert "Wiosna" in table
    assert "Jesień" in table
    # Means in Polish format, in the description and in the table alike.
    assert "4,5" in table
    assert "2,0" in table
    desc = found(r"<desc[^>]*>.*?</desc>", svg)
    assert "2,0" in desc
    assert "4,5" in desc


def test_staff_not_named_in_the_team_see_no_results(client, login_as, team):
    closed = make_survey(team, opens=-30, closes=-20, title="Jesień")
    add_answers(closed, *[scores(communication=1)] * 5)
    login_as("gops.mirzec")
    page = client.get(reverse("teams:surveys", args=[team.public_id])).content.decode()
    assert "<svg" not in page
    detail = client.get(reverse("teams:survey", args=[closed.public_id])).content.decode()
    assert "1,0" not in detail


def test_the_rounds_page_asks_the_same_number_of_queries_for_few_and_many_rounds(
    client, login_as, team, django_assert_num_queries
):
    login_as("lider.mirzec")
    url = reverse("teams:surveys", args=[team.public_id])

    def add_round(n):
        survey = make_survey(team, opens=-20 * n - 10, closes=-20 * n, title=f"Runda {n}")
        add_answers(survey, *[scores()] * 5)

    add_round(1)
    client.get(url)  # sessions and caches warmed
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(2, 9):
        add_round(n)
    with django_assert_num_queries(len(few)):
        assert client.get(url).status_code == 200


# --- Opening a round --------------------------------------------------------------------------


def test_the_leader_opens_a_round(client, login_as, team):
    login_as("lider.mirzec")
    url = reverse("teams:survey_create", args=[team.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Jesień",
            "opens_on": TODAY().isoformat(),
            "closes_on": (TODAY() + dt.timedelta(days=14)).isoformat(),
        },
    )
    survey = Survey.objects.get(team=team)
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:survey", args=[survey.public_id])


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "opens_on": "2030-01-01", "closes_on": "2030-01-10"},
        {"title": "A", "opens_on": "2030-01-10", "closes_on": "2030-01-01"},
        {"title": "A", "opens_on": "31.02.2030", "closes_on": "2030-01-01"},
        {"title": "A", "opens_on": "2020-01-01", "closes_on": "2020-01-10"},
    ],
    ids=["no title", "closes before it opens", "no such day", "already over"],
)
def test_bad_dates_or_title_are_refused_with_a_message_and_open_nothing(client, login_as, team, data):
    login_as("lider.mirzec")
    response = client.post(reverse("teams:survey_create", args=[team.public_id]), data)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not Survey.objects.filter(team=team).exists()


def test_an_overlapping_round_is_refused_naming_the_other_round(client, login_as, team):
    make_survey(team, opens=0, closes=10, title="Trwająca")
    login_as("pcpr.starachowice")
    response = client.post(
        reverse("teams:survey_create", args=[team.public_id]),
        {"title": "Nowa", "opens_on": TODAY().isoformat(), "closes_on": TODAY().isoformat()},
    )
    assert response.status_code == 400
    assert "Trwająca" in response.content.decode()
    assert Survey.objects.filter(team=team).count() == 1


def test_a_member_who_does_not_run_the_team_may_not_open_a_round(client, login_as, team):
    login_as("policja.mirzec")
    response = client.post(
        reverse("teams:survey_create", args=[team.public_id]),
        {"title": "A", "opens_on": TODAY().isoformat(), "closes_on": TODAY().isoformat()},
    )
    assert response.status_code == 403
    assert not Survey.objects.filter(team=team).exists()


# --- Answering --------------------------------------------------------------------------------


def test_the_answer_form_has_a_labelled_scale_in_a_fieldset_per_statement_and_says_it_is_anonymous(
    client, login_as, team
):
    survey = make_survey(team)
    login_as("policja.mirzec")
    page = client.get(reverse("teams:survey", args=[survey.public_id])).content.decode()
    form = page[page.index('action="' + reverse("teams:survey_answer", args=[survey.public_id])) :]
    assert form.count("<fieldset") == len(SURVEY_ITEMS)
    assert form.count("<legend") == len(SURVEY_ITEMS)
    assert form.count('type="radio"') == 5 * len(SURVEY_ITEMS)
    assert polish("1 — strongly disagree") in form
    assert polish("5 — strongly agree") in form
    for statement in SURVEY_ITEMS.values():
        with translation.override("pl"):
            assert str(statement) in form
    assert anonymity_note() in page


def test_a_member_answers_once_and_then_sees_no_form(client, login_as, team):
    survey = make_survey(team)
    login_as("policja.mirzec")
    response = client.post(reverse("teams:survey_answer", args=[survey.public_id]), answer_form(4, "Dobrze."))
    assert response.status_code == 302
    assert SurveyResponse.objects.get(survey=survey).comment == "Dobrze."
    page = client.get(reverse("teams:survey", args=[survey.public_id])).content.decode()
    assert "teams:survey_answer" not in page
    assert reverse("teams:survey_answer", args=[survey.public_id]) not in page


def test_answering_twice_is_refused_with_a_clear_message_and_changes_nothing(client, login_as, team):
    survey = make_survey(team)
    login_as("policja.mirzec")
    url = reverse("teams:survey_answer", args=[survey.public_id])
    client.post(url, answer_form(4, "Pierwsza"))
    response = client.post(url, answer_form(1, "Druga"))
    assert response.status_code == 400
    with translation.override("pl"):
        assert str(surveys.ALREADY_ANSWERED) in response.content.decode()
    assert list(SurveyResponse.objects.filter(survey=survey).values_list("comment", "goals")) == [("Pierwsza", 4)]
    assert SurveyReceipt.objects.filter(survey=survey).count() == 1


def test_a_second_answer_gets_only_the_reason_and_the_way_back_not_the_form(client, login_as, team):
    survey = make_survey(team)
    login_as("policja.mirzec")
    url = reverse("teams:survey_answer", args=[survey.public_id])
    client.post(url, answer_form(4))

    page = client.post(url, answer_form(1)).content.decode()

    assert f'action="{url}' not in page
    assert 'name="goals"' not in page
    assert polish("Your answer was not saved: correct the form.") not in page
    assert f'href="{reverse("teams:survey", args=[survey.public_id])}"' in page
    assert polish("Back to the round") in page


def test_a_second_answer_with_a_score_missing_also_gets_the_reason_not_the_form(client, login_as, team):
    survey = make_survey(team)
    login_as("policja.mirzec")
    url = reverse("teams:survey_answer", args=[survey.public_id])
    client.post(url, answer_form(4))

    response = client.post(url, {"comment": "Bez ocen"})

    assert response.status_code == 400
    page = response.content.decode()
    with translation.override("pl"):
        assert str(surveys.ALREADY_ANSWERED) in page
    assert 'name="goals"' not in page
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_the_answer_form_does_not_send_the_member_to_the_error_box_after_a_good_answer(client, login_as, team):
    survey = make_survey(team)
    login_as("policja.mirzec")

    page = client.get(reverse("teams:survey", args=[survey.public_id])).content.decode()

    assert f'action="{reverse("teams:survey_answer", args=[survey.public_id])}"' in page


def test_an_open_round_says_once_that_it_takes_answers(client, login_as, team):
    survey = make_survey(team)
    login_as("policja.mirzec")

    page = client.get(reverse("teams:survey", args=[survey.public_id])).content.decode()

    assert page.lower().count(polish("open for answers").lower()) == 1
    assert polish("Dates of the round") in page


@pytest.mark.parametrize(
    "change",
    [{"goals": "0"}, {"goals": "6"}, {"goals": "dużo"}, {"goals": ""}, {"comment": "x" * 2001}],
    ids=["zero", "six", "text", "missing", "comment too long"],
)
def test_bad_scores_are_refused_with_a_message_and_save_nothing(client, login_as, team, change):
    survey = make_survey(team)
    login_as("policja.mirzec")
    response = client.post(reverse("teams:survey_answer", args=[survey.public_id]), {**answer_form(), **change})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not SurveyReceipt.objects.filter(survey=survey).exists()
    assert not SurveyResponse.objects.filter(survey=survey).exists()


@pytest.mark.parametrize(("opens", "closes"), [(1, 7), (-10, -1)], ids=["not yet open", "closed"])
def test_an_answer_outside_the_open_days_is_refused_with_the_days(client, login_as, team, opens, closes):
    survey = make_survey(team, opens=opens, closes=closes)
    login_as("policja.mirzec")
    page = client.get(reverse("teams:survey", args=[survey.public_id])).content.decode()
    assert reverse("teams:survey_answer", args=[survey.public_id]) not in page
    response = client.post(reverse("teams:survey_answer", args=[survey.public_id]), answer_form())
    assert response.status_code == 400
    assert survey.closes_on.strftime("%d.%m.%Y") in response.content.decode()
    assert not SurveyResponse.objects.filter(survey=survey).exists()


@pytest.mark.parametrize(("username", "status"), [("gops.mirzec", 403), ("admin", 403), ("gops.oksa", 404)])
def test_someone_not_named_in_the_team_cannot_answer(client, login_as, team, username, status):
    survey = make_survey(team)
    login_as(username)
    response = client.post(reverse("teams:survey_answer", args=[survey.public_id]), answer_form())
    assert response.status_code == status
    assert not SurveyResponse.objects.filter(survey=survey).exists()


def test_answering_leaves_no_trace_linking_the_member_to_the_answer(client, login_as, team):
    survey = make_survey(team)
    login_as("policja.mirzec")
    client.post(reverse("teams:survey_answer", args=[survey.public_id]), answer_form(2))
    response = SurveyResponse.objects.get(survey=survey)
    assert not AuditEvent.objects.filter(object_id=str(response.pk)).exists()
    assert not AuditEvent.objects.filter(object_type="teams.surveyresponse").exists()


# --- A round's results ------------------------------------------------------------------------


def test_a_closed_round_with_fewer_than_five_answers_shows_only_the_count(client, login_as, team):
    survey = make_survey(team)
    add_answers(survey, *[scores(communication=1)] * 4, comments=["Tajna uwaga"])
    close(survey)
    login_as("lider.mirzec")
    page = client.get(reverse("teams:survey", args=[survey.public_id])).content.decode()
    assert "(now: 4)" in page or "(teraz: 4)" in page
    assert "Tajna uwaga" not in page
    assert "1,0" not in page


def test_a_closed_round_with_five_answers_shows_means_distribution_and_comments(client, login_as, team):
    survey = make_survey(team)
    add_answers(
        survey,
        *[scores(communication=5)] * 4,
        scores(communication=3),
        comments=["Więcej spotkań w szkole."],
    )
    close(survey)
    login_as("lider.mirzec")
    page = client.get(reverse("teams:survey", args=[survey.public_id])).content.decode()
    assert "4,6" in page
    assert "4 (80%)" in page
    assert "Więcej spotkań w szkole." in page


def test_an_open_round_shows_no_results_even_with_many_answers(client, login_as, team):
    survey = make_survey(team)
    add_answers(survey, *[scores(communication=1)] * 7, comments=["Tajna uwaga"])
    login_as("lider.mirzec")
    page = client.get(reverse("teams:survey", args=[survey.public_id])).content.decode()
    assert "(now: 7)" in page or "(teraz: 7)" in page
    assert "Tajna uwaga" not in page


def test_named_members_see_the_results_once_the_round_closes(client, login_as, team):
    survey = make_survey(team)
    add_answers(survey, *[scores()] * 5, comments=["Uwaga członka"])
    close(survey)
    login_as("szkola.mirzec")
    page = client.get(reverse("teams:survey", args=[survey.public_id])).content.decode()
    assert "Uwaga członka" in page
