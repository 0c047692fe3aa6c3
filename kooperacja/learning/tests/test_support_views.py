"""The support pages as users meet them: the list with filters and totals, the CSV export, one
activity with its findings, recording and editing, refusals answered with nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from kooperacja.core.models import AuditEvent
from kooperacja.learning.models import SupportActivity, SupportKind
from kooperacja.learning.tests.support_factories import OKSA, make_activity, pcpr, rops_kielce, rops_rzeszow, team

pytestmark = pytest.mark.django_db

LIST = reverse("learning:support")
CREATE = reverse("learning:support_create")
EXPORT = reverse("learning:support_export")


def _text(response) -> str:
    return response.content.decode()


def _detail(activity: SupportActivity) -> str:
    return reverse("learning:support_detail", args=[activity.public_id])


def _edit(activity: SupportActivity) -> str:
    return reverse("learning:support_edit", args=[activity.public_id])


@pytest.fixture(autouse=True)
def _in_english(client) -> None:
    """Messages are checked by their English msgids (the Polish comes with the merged catalogue)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "advisory",
        "subject": "Doradztwo z widoku",
        "provided_by": str(rops_kielce().public_id),
        "team": str(team().public_id),
        "starts_on": "2020-02-18",
        "ends_on": "2020-02-18",
        "place": "Mirzec",
        "hours": "2,5",
        "participant_count": "7",
        "participants": [str(pcpr().public_id)],
        "findings": "Ustalono dalsze kroki.",
    }
    return data | changes


# --- The list ----------------------------------------------------------------------------------


def test_the_list_shows_the_teams_support_with_totals_per_kind(client, login_as):
    make_activity(subject="Doradztwo A", hours=Decimal("2.5"), participant_count=4)
    make_activity(subject="Fokus B", kind=SupportKind.FOCUS, hours=Decimal("4.0"), participant_count=12)
    login_as("szkola.mirzec")
    page = _text(client.get(LIST, {"team": team().public_id}))
    assert "Doradztwo A" in page and "Fokus B" in page
    assert "focus research" in page
    assert "All kinds" in page
    assert reverse("learning:support_create") not in page  # a reader records nothing


def test_the_list_is_empty_for_those_who_see_none_of_it(client, login_as):
    make_activity(subject="Doradztwo dla Mirca")
    login_as("gops.oksa")
    page = _text(client.get(LIST))
    assert "Doradztwo dla Mirca" not in page


def test_the_filters_narrow_the_list_and_its_totals(client, login_as):
    make_activity(subject="Mirzec 2019", starts_on=dt.date(2019, 4, 10), ends_on=dt.date(2019, 4, 10))
    make_activity(subject="Oksa 2020", team=team(OKSA), starts_on=dt.date(2020, 3, 2), ends_on=dt.date(2020, 3, 2))
    login_as("rops.kielce")
    page = _text(client.get(LIST, {"team": team(OKSA).public_id, "year": "2020"}))
    assert "Oksa 2020" in page and "Mirzec 2019" not in page
    page = _text(client.get(LIST, {"kind": "exchange", "team": team(OKSA).public_id}))
    assert "Oksa 2020" not in page and "No support activity matches" in page


def test_an_unknown_filter_value_is_answered_on_the_list_not_with_an_error(client, login_as):
    login_as("rops.kielce")
    assert client.get(LIST, {"team": "not-a-team", "year": "abc", "kind": "x"}).status_code == 200


def test_the_list_asks_no_more_queries_for_many_activities_than_for_few(
    client, login_as, django_assert_max_num_queries
):
    login_as("rops.kielce")
    make_activity(participants=[pcpr()])
    client.get(LIST)  # warm the session and membership caches
    with django_assert_max_num_queries(13):
        client.get(LIST)
    for index in range(12):
        make_activity(subject=f"Doradztwo {index}", team=team(OKSA) if index % 2 else team(), participants=[pcpr()])
    with django_assert_max_num_queries(13):
        client.get(LIST)


# --- The export ----------------------------------------------------------------------------------


def test_the_export_holds_the_filtered_list_and_is_audited(client, login_as):
    make_activity(subject="W eksporcie", participants=[pcpr()])
    make_activity(subject="Poza eksportem", team=team(OKSA))
    login_as("rops.kielce")
    response = client.get(EXPORT, {"team": team().public_id})
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "W eksporcie" in text and "PCPR Starachowice" in text
    assert "Poza eksportem" not in text
    assert AuditEvent.objects.filter(action="export", object_type="learning.supportactivity").exists()


def test_the_export_holds_nothing_a_user_may_not_read(client, login_as):
    make_activity(subject="Tylko dla Mirca")
    login_as("gops.oksa")
    assert "Tylko dla Mirca" not in client.get(EXPORT).content.decode("utf-8-sig")


# --- One activity -------------------------------------------------------------------------------


def test_the_page_shows_the_findings_and_participants(client, login_as):
    activity = make_activity(kind=SupportKind.FOCUS, findings="Brak wspólnej bazy danych.", participants=[pcpr()])
    login_as("policja.mirzec")
    page = _text(client.get(_detail(activity)))
    assert "Findings of the focus research" in page
    assert "Brak wspólnej bazy danych." in page
    assert "Powiatowe Centrum Pomocy Rodzinie" in page
    assert _edit(activity) not in page


def test_the_page_offers_the_edit_to_the_provider(client, login_as):
    activity = make_activity()
    login_as("rops.kielce")
    assert _edit(activity) in _text(client.get(_detail(activity)))


def test_an_activity_outside_the_users_scope_is_not_found(client, login_as):
    activity = make_activity()
    login_as("gops.oksa")
    assert client.get(_detail(activity)).status_code == 404
    assert client.get(_edit(activity)).status_code == 404


# --- Recording -------------------------------------------------------------------------------------


def test_an_analyst_records_support_with_a_polish_number_of_hours(client, login_as):
    login_as("rops.kielce")
    response = client.post(CREATE, _post(subject="Zapisane z widoku"))
    activity = SupportActivity.objects.get(subject="Zapisane z widoku")
    assert response.status_code == 302
    assert response["Location"].endswith(_detail(activity) + "#main")
    assert activity.hours == Decimal("2.5")
    assert list(activity.participants.all()) == [pcpr()]


def test_the_form_starts_from_the_team_asked_for(client, login_as):
    login_as("rops.kielce")
    listed = _text(client.get(LIST, {"team": team(OKSA).public_id}))
    assert f'href="{CREATE}?team={team(OKSA).public_id}"' in listed
    page = _text(client.get(CREATE, {"team": team(OKSA).public_id}))
    assert f'value="{team(OKSA).public_id}" selected' in page


def test_a_reader_may_not_record(client, login_as):
    login_as("lider.mirzec")
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _post(subject="Nie zapisane")).status_code == 403
    assert not SupportActivity.objects.filter(subject="Nie zapisane").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2020-02-17"}, "The end date cannot be before the start date."),
        ({"hours": "-1"}, "The hours cannot be negative."),
        ({"ends_on": "2099-01-01"}, "Support is recorded once it has happened"),
        ({"provided_by": "", "starts_on": ""}, "This field is required."),
    ],
)
def test_bad_input_is_answered_and_saves_nothing(client, login_as, changes, message):
    login_as("rops.kielce")
    response = client.post(CREATE, _post(subject="Odrzucone", **changes))
    assert response.status_code == 400
    assert message in _text(response)
    assert not SupportActivity.objects.filter(subject="Odrzucone").exists()


def test_participants_of_another_voivodeship_are_refused(client, login_as):
    login_as("admin")
    response = client.post(CREATE, _post(subject="Odrzucone", participants=[str(rops_rzeszow().public_id)]))
    assert response.status_code == 400
    assert "Only institutions of the team&#x27;s voivodeship can take part" in _text(response)
    assert not SupportActivity.objects.filter(subject="Odrzucone").exists()


def test_a_team_outside_the_users_region_is_not_offered(client, login_as):
    login_as("rops.rzeszow")
    post = _post(subject="Odrzucone", provided_by=str(rops_rzeszow().public_id), participants=[])
    response = client.post(CREATE, post)
    assert response.status_code == 400
    assert "Select a valid choice" in _text(response)
    assert not SupportActivity.objects.filter(subject="Odrzucone").exists()


def test_the_team_animator_records_animator_support_for_the_team(client, login_as):
    login_as("pcpr.starachowice")
    post = _post(subject="Wsparcie animatora z widoku", kind="animator", provided_by=str(pcpr().public_id))
    assert client.post(CREATE, post).status_code == 302
    assert SupportActivity.objects.get(subject="Wsparcie animatora z widoku").provided_by == pcpr()


def test_wrong_methods_are_refused(client, login_as):
    activity = make_activity()
    login_as("rops.kielce")
    assert client.put(CREATE).status_code == 405
    assert client.post(LIST).status_code == 405
    assert client.post(_detail(activity)).status_code == 405
    assert client.delete(_edit(activity)).status_code == 405


# --- Editing -------------------------------------------------------------------------------------


def test_the_provider_edits_an_activity(client, login_as):
    activity = make_activity()
    login_as("rops.kielce")
    assert client.get(_edit(activity)).status_code == 200
    response = client.post(_edit(activity), _post(subject="Zmienione", version="1"))
    activity.refresh_from_db()
    assert response.status_code == 302
    assert (activity.subject, activity.version) == ("Zmienione", 2)


def test_a_reader_may_not_edit(client, login_as):
    activity = make_activity()
    login_as("pcpr.starachowice")
    assert client.get(_edit(activity)).status_code == 403
    assert client.post(_edit(activity), _post(subject="Zmienione", version="1")).status_code == 403
    activity.refresh_from_db()
    assert activity.subject == "Doradztwo z testu"


def test_a_stale_edit_is_answered_with_the_conflict_box_and_saves_nothing(client, login_as):
    activity = make_activity()
    login_as("rops.kielce")
    assert client.post(_edit(activity), _post(subject="Pierwsza", version="1")).status_code == 302
    response = client.post(_edit(activity), _post(subject="Druga", version="1", place="Kielce"))
    page = _text(response)
    activity.refresh_from_db()
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing it" in page
    assert "Pierwsza" in page and "Druga" in page
    assert activity.subject == "Pierwsza"
    assert 'name="version" value="2"' in page
