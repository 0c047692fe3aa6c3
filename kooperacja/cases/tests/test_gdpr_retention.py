"""The retention job: persons whose cases were all closed more than CASE_RETENTION_YEARS ago
are anonymised; an open case or a recent closure keeps a person; idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kooperacja.cases import gdpr
from kooperacja.cases.models import CaseStatus, Person
from kooperacja.cases.tests.factories import make_case, make_household, make_person
from kooperacja.core.tasks import SCHEDULES

pytestmark = pytest.mark.django_db

LONG_AGO = dt.date(2005, 3, 1)


def _closed(person=None, household=None, on=LONG_AGO):
    if household is not None:
        return make_case(household=household, status=CaseStatus.CLOSED, opened_on=on, closed_on=on)
    return make_case(person=person, status=CaseStatus.CLOSED, opened_on=on, closed_on=on)


def _setting(settings):
    settings.CASE_RETENTION_YEARS = 10


def test_it_anonymises_only_persons_whose_cases_all_closed_long_ago(settings):
    _setting(settings)
    old = make_person("Stara", "Sprawa", with_pesel=True)
    _closed(old)
    still_open = make_person("Wciąż", "Otwarta")
    _closed(still_open)
    make_case(person=still_open)
    recent = make_person("Świeżo", "Zamknięta")
    _closed(recent, on=timezone.localdate() - dt.timedelta(days=365))
    no_case = make_person("Bez", "Sprawy")
    household = make_household("Rodzina Dawna")
    member = make_person("Dawny", "Członek", household=household)
    _closed(household=household)
    assert set(gdpr.retention_due()) >= {old, member}
    assert not {still_open, recent, no_case} & set(gdpr.retention_due())

    count = gdpr.apply_retention()
    assert count >= 2
    for person in (old, member):
        person.refresh_from_db()
        assert person.anonymised_at is not None and person.pesel == ""
    for person in (still_open, recent, no_case):
        person.refresh_from_db()
        assert person.anonymised_at is None
    # A second run finds nothing more.
    assert gdpr.apply_retention() == 0


def test_a_household_case_closed_recently_keeps_its_members(settings):
    _setting(settings)
    household = make_household("Rodzina Niedawna")
    member = make_person("Niedawny", "Członek", household=household)
    _closed(member)
    _closed(household=household, on=timezone.localdate() - dt.timedelta(days=30))
    assert member not in set(gdpr.retention_due())


def test_the_command_counts_in_a_dry_run_and_then_applies(settings):
    _setting(settings)
    old = make_person("Stara", "Komenda")
    _closed(old)
    due = gdpr.retention_due().count()
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert out.getvalue().startswith(f"{due} ")
    old.refresh_from_db()
    assert old.anonymised_at is None
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert out.getvalue().startswith(f"{due} ")
    assert not Person.objects.filter(pk=old.pk, anonymised_at__isnull=True).exists()


def test_the_job_is_scheduled_daily():
    assert any(job.func == "kooperacja.cases.gdpr.apply_retention" and job.daily_at for job in SCHEDULES)


def test_the_cutoff_handles_a_leap_day():
    assert gdpr.retention_cutoff(dt.date(2024, 2, 29), 10) == dt.date(2014, 2, 28)
