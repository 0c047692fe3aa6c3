"""The demo support for teams: the 2018 focus research and exchange visit, ROPS Kielce's advice of
2019–2020, last month's animator support, loaded twice the same and nothing in the future."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.cases.demo import demo_uuid
from kooperacja.learning import demo_support
from kooperacja.learning.models import SupportActivity, SupportKind
from kooperacja.learning.tests.support_factories import pcpr, rops_kielce, team

pytestmark = pytest.mark.django_db


def _load_twice() -> int:
    demo_support.load(print)
    first = SupportActivity.objects.count()
    demo_support.load(print)
    assert SupportActivity.objects.count() == first
    return first


def _demo(key: str) -> SupportActivity:
    return SupportActivity.objects.get(public_id=demo_uuid("support", key))


def test_loading_twice_creates_nothing_new():
    assert _load_twice() >= 8


def test_the_focus_research_of_2018_names_the_problems_and_its_participants():
    _load_twice()
    focus = _demo("focus-2018")
    assert (focus.kind, focus.provided_by, focus.team) == (SupportKind.FOCUS, rops_kielce(), team())
    assert focus.starts_on.year == 2018
    assert "wspólnej bazy danych" in focus.findings and "Lidera" in focus.findings
    participants = set(focus.participants.all())
    assert pcpr() in participants and len(participants) >= 9


def test_the_exchange_visit_of_2018_lasts_three_days():
    _load_twice()
    visit = _demo("exchange-2018")
    assert (visit.ends_on - visit.starts_on).days == 2
    assert pcpr() in set(visit.participants.all())


def test_the_advice_of_2019_and_2020_and_last_months_animator_support_are_there_and_none_is_future():
    _load_twice()
    advisory = SupportActivity.objects.filter(team=team(), kind=SupportKind.ADVISORY, provided_by=rops_kielce())
    assert {a.starts_on.year for a in advisory} >= {2019, 2020}
    animator = _demo("animator-last-month")
    today = timezone.localdate()
    assert animator.provided_by == pcpr()
    assert today - dt.timedelta(days=40) <= animator.starts_on < today
    assert not SupportActivity.objects.filter(ends_on__gt=today).exists()


def test_the_demo_list_opens_for_a_member_of_g_pzk_mirzec(client, login_as):
    _load_twice()
    login_as("szkola.mirzec")
    page = client.get(reverse("learning:support")).content.decode()
    assert "Badanie fokusowe" in page and "Sielpia Wielka" not in page  # the place is on its own page
    page = client.get(reverse("learning:support_detail", args=[_demo("exchange-2018").public_id])).content.decode()
    assert "Sielpia Wielka" in page
