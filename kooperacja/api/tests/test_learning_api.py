"""/api/v1/trainings: trainings with their sessions and free places, for every token's holder;
no other person's enrolment."""

from __future__ import annotations

from typing import Any

import pytest

from kooperacja.api.tests.conftest import bearer
from kooperacja.institutions import tokens
from kooperacja.institutions.models import TokenScope
from kooperacja.learning.models import Topic
from kooperacja.learning.tests.training_factories import fill, make_training
from kooperacja.teams.tests.factories import user

pytestmark = pytest.mark.django_db

API = "/api/v1"


def token(who: Any) -> dict[str, str]:
    holder = user(who) if isinstance(who, str) else who
    return bearer(tokens.issue_personal_token(holder, name="t", scope=TokenScope.READ)[1])


def listed(client: Any, query: str = "") -> dict[str, dict[str, Any]]:
    answer = client.get(f"{API}/trainings?page_size=200{query}", **token("szkola.mirzec"))
    assert answer.status_code == 200
    return {item["id"]: item for item in answer.json()["items"]}


def test_it_lists_trainings_with_free_places_and_filters(client: Any) -> None:
    coming = make_training(days=(5, 6), capacity=12, topic=Topic.NEGOTIATION)
    fill(coming, 2)
    over = make_training(days=(-10,))
    found = listed(client)
    assert found[str(coming.public_id)]["free_places"] == 10
    assert found[str(coming.public_id)]["session_count"] == 2
    assert found[str(coming.public_id)]["organiser"]["name"] == coming.organiser.name
    upcoming = listed(client, "&when=upcoming")
    assert str(coming.public_id) in upcoming and str(over.public_id) not in upcoming
    past = listed(client, "&when=past")
    assert str(over.public_id) in past and str(coming.public_id) not in past
    assert set(listed(client, "&topic=negotiation")) >= {str(coming.public_id)}
    assert {item["topic"] for item in listed(client, "&topic=negotiation").values()} == {"negotiation"}


@pytest.mark.parametrize("query", ["when=soon", "topic=cooking", "kind=party", "page=0"])
def test_it_refuses_a_filter_that_is_not_a_choice(client: Any, query: str) -> None:
    answer = client.get(f"{API}/trainings?{query}", **token("gops.mirzec"))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == query.split("=")[0]


def test_it_gives_the_sessions_and_only_the_holders_own_enrolment(client: Any) -> None:
    training = make_training(days=(3, 4), capacity=2)
    first, second, waiting = fill(training, 3)
    answer = client.get(f"{API}/trainings/{training.public_id}", **token(waiting))
    assert answer.status_code == 200
    body = answer.json()
    assert [session["place"] for session in body["sessions"]] == ["Kielce, ul. Witosa 86"] * 2
    assert body["free_places"] == 0 and body["waiting"] == 1
    assert body["my_enrolment"] == {"status": "waiting", "waiting_place": 1}
    page = answer.content.decode()
    for other in (first, second):
        assert other.username not in page and other.last_name not in page
    outsider = client.get(f"{API}/trainings/{training.public_id}", **token("gops.oksa")).json()
    assert outsider["my_enrolment"] is None


def test_it_answers_404_for_an_unknown_training(client: Any) -> None:
    answer = client.get(f"{API}/trainings/8c6b2a52-5d7e-4a3e-9d6f-0c1b2a3d4e5f", **token("gops.mirzec"))
    assert answer.status_code == 404


TRAINING_LIST_QUERIES = 5


def test_it_lists_few_and_many_trainings_with_the_same_queries(client: Any, django_assert_max_num_queries: Any) -> None:
    auth = token("gops.mirzec")
    make_training(days=(2,))
    with django_assert_max_num_queries(TRAINING_LIST_QUERIES):
        assert client.get(f"{API}/trainings", **auth).status_code == 200
    for day in range(3, 13):
        fill(make_training(days=(day, day + 1)), 1)
    with django_assert_max_num_queries(TRAINING_LIST_QUERIES):
        assert client.get(f"{API}/trainings", **auth).status_code == 200
