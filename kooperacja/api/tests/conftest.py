"""People and institutions for the API tests, created here so they do not depend on the demo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from kooperacja.core.models import User
from kooperacja.core.roles import Role
from kooperacja.institutions import tokens
from kooperacja.institutions.models import Institution, InstitutionKind, Membership, Sector, TokenScope
from kooperacja.territory.models import Voivodeship


@pytest.fixture(autouse=True)
def _forget_refused_tokens() -> None:
    """Each test starts with no refused tokens counted against its address (the counter that
    throttles guessing lives in the cache, which outlives a test)."""
    cache.clear()


@pytest.fixture
def voivodeship(db: None) -> Voivodeship:
    return Voivodeship.objects.get_or_create(code="26", defaults={"name": "świętokrzyskie"})[0]


@pytest.fixture
def make_institution(voivodeship: Voivodeship) -> Callable[..., Institution]:
    def make(name: str, kind: str = InstitutionKind.GOPS, sector: str = Sector.SOCIAL_ASSISTANCE) -> Institution:
        return Institution.objects.create(name=name, kind=kind, sector=sector, voivodeship=voivodeship)

    return make


@pytest.fixture
def gops(make_institution: Callable[..., Institution]) -> Institution:
    return make_institution("GOPS w Testowie")


@pytest.fixture
def other_gops(make_institution: Callable[..., Institution]) -> Institution:
    return make_institution("GOPS w Innowie")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, *memberships: tuple[Institution, str], **fields: Any) -> User:
        user = User.objects.create_user(username=username, password="not-used-0123", **fields)
        for institution, role in memberships:
            Membership.objects.create(user=user, institution=institution, role=role)
        return user

    return make


@pytest.fixture
def manager(make_user: Callable[..., User], gops: Institution) -> User:
    return make_user("t.manager", (gops, Role.MANAGER))


@pytest.fixture
def worker(make_user: Callable[..., User], gops: Institution) -> User:
    return make_user("t.worker", (gops, Role.SOCIAL_WORKER), first_name="Ewa", last_name="Nowak")


@pytest.fixture
def other_manager(make_user: Callable[..., User], other_gops: Institution) -> User:
    return make_user("t.other-manager", (other_gops, Role.MANAGER))


@pytest.fixture
def platform_admin(make_user: Callable[..., User], make_institution: Callable[..., Institution]) -> User:
    operator = make_institution("Operator platformy", kind=InstitutionKind.OTHER, sector=Sector.OTHER)
    return make_user("t.admin", (operator, Role.ADMIN))


@pytest.fixture
def outsider(make_user: Callable[..., User]) -> User:
    return make_user("t.outsider")


@pytest.fixture
def personal_token(worker: User) -> Callable[..., tuple[Any, str]]:
    """personal_token(scope=...) -> (token, secret) of the social worker."""

    def issue(scope: str = TokenScope.READ_WRITE, user: User | None = None, **kwargs: Any) -> tuple[Any, str]:
        return tokens.issue_personal_token(user or worker, name="Test", scope=scope, **kwargs)

    return issue


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
