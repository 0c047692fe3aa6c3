"""The pages at /api-access/: personal tokens for everyone signed in, API clients for managers."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.core.roles import Role
from kooperacja.institutions import tokens
from kooperacja.institutions.models import ApiClient, ApiToken, TokenScope

pytestmark = pytest.mark.django_db

TOKENS = reverse("api_access:tokens")
ROLE_REFUSED = "Choose one of the listed roles: a client may act only in a role you could give a member of staff."


def _in_polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


def _secret_in(html: str) -> str | None:
    found = re.search(r"kop_[A-Za-z0-9_-]{40}", html)
    return found.group(0) if found else None


def _clients_url(institution):
    return reverse("api_access:clients", args=[institution.public_id])


def _client_url(api_client):
    return reverse("api_access:client", args=[api_client.institution.public_id, api_client.public_id])


# --- Personal tokens --------------------------------------------------------


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(TOKENS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["worker", "outsider", "manager", "platform_admin"])
def test_it_gives_any_signed_in_user_personal_tokens(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(TOKENS)
    assert response.status_code == 200
    assert 'name="name"' in response.content.decode()


def test_it_answers_head_like_get(client, worker, manager, gops):
    client.force_login(worker)
    assert client.head(TOKENS).status_code == 200
    client.force_login(manager)
    assert client.head(_clients_url(gops)).status_code == 200


def _stored_anywhere(text: str) -> list[str]:
    """The database tables (sessions and audit log included) holding `text` in any column."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from introspection)
            if any(text in str(value) for row in cursor.fetchall() for value in row):
                found.append(table)
    return found


def test_it_redirects_after_creating_a_token_and_shows_the_secret_once(client, worker):
    client.force_login(worker)
    response = client.post(TOKENS, {"name": "Arkusz kalkulacyjny", "scope": "read", "days": "30"})

    assert response.status_code == 302
    assert response["Location"] == TOKENS
    assert _secret_in(response.content.decode()) is None
    token = ApiToken.objects.get(user=worker)
    assert token.name == "Arkusz kalkulacyjny"
    assert token.scope == TokenScope.READ

    shown = client.get(TOKENS)
    assert shown.status_code == 200
    html = shown.content.decode()
    secret = _secret_in(html)
    assert secret is not None
    assert html.count(secret) == 1
    assert tokens.authenticate(secret) == token
    assert "no-store" in shown["Cache-Control"]
    assert escape(_in_polish("Copy it now: it is shown only this once and cannot be shown again.")) in html

    again = client.get(TOKENS)
    assert again.status_code == 200
    html = again.content.decode()
    assert _secret_in(html) is None
    assert "Arkusz kalkulacyjny" in html
    assert f"kop_{token.prefix}" in html
    assert ApiToken.objects.filter(user=worker).count() == 1


def test_it_keeps_the_secret_out_of_the_database_and_the_audit_log(client, worker):
    client.force_login(worker)
    client.post(TOKENS, {"name": "Arkusz", "scope": "read", "days": "30"})
    # Waiting in the session for its one display, the secret rests sealed, not in clear.
    secret = _secret_in(client.get(TOKENS).content.decode())
    assert secret is not None

    assert AuditEvent.objects.filter(details__event="token_issued").exists()
    assert _stored_anywhere(secret) == []
    assert _stored_anywhere(secret[4:]) == []


def test_it_keeps_the_secret_for_a_get_not_for_a_head(client, worker):
    client.force_login(worker)
    client.post(TOKENS, {"name": "Arkusz", "scope": "read", "days": "30"})
    assert client.head(TOKENS).status_code == 200
    assert _secret_in(client.get(TOKENS).content.decode()) is not None


def test_it_shows_the_secret_only_on_the_page_that_issued_it(client, manager, api_client):
    client.force_login(manager)
    client.post(_client_url(api_client), {"name": "Produkcja", "scope": "read", "days": "30"})
    assert _secret_in(client.get(TOKENS).content.decode()) is None
    assert _secret_in(client.get(_client_url(api_client)).content.decode()) is not None


def test_it_does_not_issue_a_second_token_when_the_form_is_sent_again_after_bad_input(client, worker):
    client.force_login(worker)
    client.post(TOKENS, {"name": "Arkusz", "scope": "read", "days": "30"})
    refused = client.post(TOKENS, {"name": "", "scope": "read", "days": "30"})
    assert refused.status_code == 400
    assert _secret_in(refused.content.decode()) is None
    assert ApiToken.objects.filter(user=worker).count() == 1
    # The refused form did not spend the display of the first token's secret.
    assert _secret_in(client.get(TOKENS).content.decode()) is not None


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scope": "read", "days": "30"},
        {"name": "Arkusz", "scope": "everything", "days": "30"},
        {"name": "Arkusz", "scope": "read", "days": "0"},
        {"name": "Arkusz", "scope": "read", "days": "366"},
        {"name": "Arkusz", "scope": "read", "days": "dużo"},
        {"name": "Arkusz", "scope": "read"},
        {},
    ],
)
def test_it_explains_bad_input_and_creates_nothing(client, worker, data):
    client.force_login(worker)
    response = client.post(TOKENS, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="errorlist' in html
    assert _secret_in(html) is None
    assert not ApiToken.objects.exists()


def test_it_lists_only_the_users_own_tokens(client, worker, manager):
    tokens.issue_personal_token(manager, name="Token kierownika", scope=TokenScope.READ)
    tokens.issue_personal_token(worker, name="Mój token", scope=TokenScope.READ)
    client.force_login(worker)
    html = client.get(TOKENS).content.decode()
    assert "Mój token" in html
    assert "Token kierownika" not in html


def test_it_revokes_a_token_after_confirmation(client, worker):
    token, secret = tokens.issue_personal_token(worker, name="Arkusz", scope=TokenScope.READ)
    url = reverse("api_access:token_revoke", args=[token.public_id])
    client.force_login(worker)

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Arkusz" in confirmation.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert tokens.authenticate(secret) is None


def test_it_hides_another_users_token_from_revoking(client, worker, manager):
    token, _ = tokens.issue_personal_token(manager, name="Cudzy", scope=TokenScope.READ)
    client.force_login(worker)
    url = reverse("api_access:token_revoke", args=[token.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_answers_405_to_a_wrong_method(client, worker):
    client.force_login(worker)
    assert client.put(TOKENS).status_code == 405
    token, _ = tokens.issue_personal_token(worker, name="Arkusz", scope=TokenScope.READ)
    assert client.delete(reverse("api_access:token_revoke", args=[token.public_id])).status_code == 405


def test_it_lists_few_and_many_tokens_with_the_same_queries(client, worker, django_assert_max_num_queries):
    client.force_login(worker)
    tokens.issue_personal_token(worker, name="Jeden", scope=TokenScope.READ)
    with django_assert_max_num_queries(12) as few:
        response = client.get(TOKENS)
    assert response.status_code == 200
    assert "Jeden" in response.content.decode()
    for i in range(20):
        tokens.issue_personal_token(worker, name=f"Token {i}", scope=TokenScope.READ)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(TOKENS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jeden" in html
    assert "Token 19" in html


# --- API clients of an institution ------------------------------------------


def test_it_sends_anonymous_visitors_of_clients_to_sign_in(client, gops):
    response = client.get(_clients_url(gops))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("platform_admin", 200), ("worker", 403), ("other_manager", 404), ("outsider", 404)],
)
def test_it_shows_clients_only_to_managers_of_the_institution(client, request, gops, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_clients_url(gops)).status_code == status


def test_it_answers_404_for_an_unknown_institution(client, manager):
    client.force_login(manager)
    assert client.get(reverse("api_access:clients", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


def test_it_lets_a_manager_create_a_client_and_issue_it_a_token(client, manager, gops):
    client.force_login(manager)
    response = client.post(_clients_url(gops), {"name": "Dziennik szkolny", "role": Role.SOCIAL_WORKER})
    api_client = ApiClient.objects.get(institution=gops)
    assert response.status_code == 302
    assert response["Location"] == _client_url(api_client)
    assert api_client.created_by == manager

    issued = client.post(_client_url(api_client), {"name": "Produkcja", "scope": "read_write", "days": "90"})
    assert issued.status_code == 302
    assert issued["Location"] == _client_url(api_client)
    shown = client.get(_client_url(api_client))
    assert shown.status_code == 200
    secret = _secret_in(shown.content.decode())
    assert secret is not None
    assert "no-store" in shown["Cache-Control"]
    token = tokens.authenticate(secret)
    assert token is not None and token.client == api_client and token.scope == TokenScope.READ_WRITE
    assert _secret_in(client.get(_client_url(api_client)).content.decode()) is None
    assert api_client.tokens.count() == 1
    assert _stored_anywhere(secret) == []

    listing = client.get(_clients_url(gops)).content.decode()
    assert "Dziennik szkolny" in listing


def _role_options(html: str) -> set[str]:
    select = re.search(r'<select name="role".*?</select>', html, flags=re.S)
    assert select is not None
    return set(re.findall(r'<option value="([^"]+)"', select.group(0)))


def test_it_offers_a_manager_only_the_roles_it_could_give_a_person(client, manager, gops):
    client.force_login(manager)
    offered = _role_options(client.get(_clients_url(gops)).content.decode())
    # The roles of a social assistance centre, as the manager could give them to a person.
    assert offered == {Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER}


def test_it_offers_an_administrator_the_roles_of_the_institution_but_never_administrator(client, platform_admin, gops):
    client.force_login(platform_admin)
    offered = _role_options(client.get(_clients_url(gops)).content.decode())
    assert offered == {Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.REGIONAL_ANALYST])
def test_it_refuses_a_manager_a_client_with_more_rights_than_it_could_grant(client, manager, gops, role):
    client.force_login(manager)
    response = client.post(_clients_url(gops), {"name": "System", "role": role})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="errorlist' in html
    assert escape(_in_polish(ROLE_REFUSED)) in html
    assert not ApiClient.objects.exists()


def test_it_lets_an_administrator_create_a_client_but_never_an_administrator_one(client, platform_admin, gops):
    client.force_login(platform_admin)
    assert client.post(_clients_url(gops), {"name": "Raporty", "role": Role.MANAGER}).status_code == 302
    assert client.post(_clients_url(gops), {"name": "Root", "role": Role.ADMIN}).status_code == 400
    assert client.post(_clients_url(gops), {"name": "Analityk", "role": Role.REGIONAL_ANALYST}).status_code == 400
    assert list(ApiClient.objects.values_list("name", "role")) == [("Raporty", Role.MANAGER)]


@pytest.mark.parametrize("data", [{"name": "  ", "role": Role.SOCIAL_WORKER}, {"name": "System"}, {}])
def test_it_explains_bad_client_input_and_creates_nothing(client, manager, gops, data):
    client.force_login(manager)
    response = client.post(_clients_url(gops), data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not ApiClient.objects.exists()


def test_it_forbids_a_member_who_is_not_manager_to_create_clients(client, worker, gops):
    client.force_login(worker)
    assert client.post(_clients_url(gops), {"name": "System", "role": Role.SOCIAL_WORKER}).status_code == 403
    assert not ApiClient.objects.exists()


@pytest.fixture
def api_client(manager, gops):
    return tokens.create_api_client(manager, gops, name="Dziennik szkolny", role=Role.SOCIAL_WORKER)


@pytest.mark.parametrize(
    ("who", "status"), [("manager", 200), ("platform_admin", 200), ("worker", 403), ("other_manager", 404)]
)
def test_it_shows_a_client_only_to_managers(client, request, api_client, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_client_url(api_client)).status_code == status


def test_it_hides_a_client_from_another_institutions_manager(client, other_manager, api_client):
    client.force_login(other_manager)
    response = client.post(_client_url(api_client), {"name": "Obcy", "scope": "read", "days": "30"})
    assert response.status_code == 404
    assert not api_client.tokens.exists()


def test_it_does_not_find_another_institutions_client_under_this_one(client, manager, other_manager, other_gops, gops):
    foreign = tokens.create_api_client(other_manager, other_gops, name="Obcy", role=Role.SOCIAL_WORKER)
    client.force_login(manager)
    url = reverse("api_access:client", args=[gops.public_id, foreign.public_id])
    assert client.get(url).status_code == 404


def test_it_explains_bad_token_input_for_a_client_and_changes_nothing(client, manager, api_client):
    client.force_login(manager)
    response = client.post(_client_url(api_client), {"name": "Produkcja", "scope": "read", "days": "400"})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not api_client.tokens.exists()


def test_it_lets_a_manager_revoke_a_client_token(client, manager, api_client):
    token, secret = tokens.issue_client_token(manager, api_client, name="Produkcja", scope=TokenScope.READ)
    url = reverse(
        "api_access:client_token_revoke", args=[api_client.institution.public_id, api_client.public_id, token.public_id]
    )
    client.force_login(manager)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert tokens.authenticate(secret) is None
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_CHANGE, object_id=str(token.public_id), details__event="token_revoked"
    ).exists()


def test_it_lets_a_manager_revoke_a_client_with_its_tokens(client, manager, api_client):
    _, secret = tokens.issue_client_token(manager, api_client, name="Produkcja", scope=TokenScope.READ)
    url = reverse("api_access:client_revoke", args=[api_client.institution.public_id, api_client.public_id])
    client.force_login(manager)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    api_client.refresh_from_db()
    assert api_client.revoked_at is not None
    assert tokens.authenticate(secret) is None

    page = client.get(_client_url(api_client)).content.decode()
    assert 'name="days"' not in page  # no new tokens for a revoked client
    refused = client.post(_client_url(api_client), {"name": "Nowy", "scope": "read", "days": "30"})
    assert refused.status_code == 400
    assert _secret_in(refused.content.decode()) is None
    assert api_client.tokens.filter(revoked_at__isnull=True).count() == 0


def test_it_forbids_a_member_who_is_not_manager_to_revoke(client, worker, api_client):
    url = reverse("api_access:client_revoke", args=[api_client.institution.public_id, api_client.public_id])
    client.force_login(worker)
    assert client.post(url).status_code == 403
    api_client.refresh_from_db()
    assert api_client.revoked_at is None


def test_it_shows_few_and_many_clients_and_tokens_with_the_same_queries(
    client, manager, gops, api_client, django_assert_max_num_queries
):
    client.force_login(manager)
    tokens.issue_client_token(manager, api_client, name="Pierwszy", scope=TokenScope.READ)
    with django_assert_max_num_queries(15) as list_few:
        listing = client.get(_clients_url(gops))
    with django_assert_max_num_queries(15) as detail_few:
        detail = client.get(_client_url(api_client))
    assert listing.status_code == 200
    assert "Dziennik szkolny" in listing.content.decode()
    assert detail.status_code == 200
    assert "Pierwszy" in detail.content.decode()
    for i in range(10):
        extra = tokens.create_api_client(manager, gops, name=f"System {i}", role=Role.SOCIAL_WORKER)
        tokens.issue_client_token(manager, extra, name="A", scope=TokenScope.READ)
        tokens.issue_client_token(manager, api_client, name=f"Drugi {i}", scope=TokenScope.READ)
    with django_assert_max_num_queries(len(list_few.captured_queries)):
        listing = client.get(_clients_url(gops))
    with django_assert_max_num_queries(len(detail_few.captured_queries)):
        detail = client.get(_client_url(api_client))
    assert listing.status_code == 200
    assert "System 9" in listing.content.decode()
    assert detail.status_code == 200
    assert "Drugi 9" in detail.content.decode()


def test_it_answers_an_oversized_request_in_the_error_shape(client, settings, persona):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    many = client.get("/api/v1/services", {f"x{n}": "1" for n in range(20)})
    assert many.status_code == 400 and many.json()["detail"] == "Żądanie ma zbyt wiele parametrów."
    _, secret = tokens.issue_personal_token(persona("szkola.mirzec"), name="t", scope="read_write")
    big = client.post(
        f"/api/v1/referrals/{uuid.uuid4()}/accept",
        "x" * 5000,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert big.status_code == 413 and big.json()["detail"] == "Żądanie jest zbyt duże."
