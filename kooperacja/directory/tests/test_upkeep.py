"""Keeping directory entries (kooperacja.directory.upkeep): adding, editing with optimistic
locking, confirming, places and their hours, and the reminder to confirm old entries."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from kooperacja.core.models import Notification
from kooperacja.core.tasks import SCHEDULES
from kooperacja.directory import upkeep
from kooperacja.directory.models import (
    Schedule,
    ServedMunicipality,
    Service,
    ServiceStatus,
    TaxonomyTerm,
)
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import County, Municipality

MIRZEC = "2611032"


def institution(short_name: str) -> Institution:
    return Institution.objects.get(short_name=short_name)


def place(**changes: Any) -> dict[str, Any]:
    """A complete place in Mirzec, open on weekdays."""
    values: dict[str, Any] = {
        "name": "Siedziba",
        "address_1": "Mirzec-Majorat 1",
        "postal_code": "27-220",
        "city": "Mirzec",
        "municipality": Municipality.objects.get(code=MIRZEC),
        "phone": "41 000 10 01",
        "email": "porady@gops.mirzec.example",
        "hours": {day: (dt.time(7, 30), dt.time(15, 30)) for day in ("MO", "TU", "WE", "TH", "FR")},
        "accessibility": "Podjazd od parkingu.",
        "transportation": "",
    }
    values.update(changes)
    return values


def add_service(actor: Any, where: str = "GOPS Mirzec", **fields: Any) -> Service:
    return upkeep.create_service(actor, institution(where), {"name": "Poradnictwo rodzinne", **fields}, place())


def in_polish(text: str) -> str:
    with translation.override("pl"):
        return translation.gettext(text)


def status_in_polish(status: str) -> str:
    with translation.override("pl"):
        return str(ServiceStatus(status).label)


def term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(code=code)


pytestmark = pytest.mark.django_db


# --- adding -----------------------------------------------------------------------------------


def test_it_adds_a_service_with_its_place_hours_and_history(persona):
    leader = persona("lider.mirzec")

    service = add_service(leader, categories=[term("family-counselling")], required_documents=["Dowód osobisty"])

    assert service.version == 1
    assert service.updated_by == leader
    sal = service.service_at_locations.get()
    address = sal.location.addresses.get()
    assert (address.address_1, address.postal_code, address.city) == ("Mirzec-Majorat 1", "27-220", "Mirzec")
    assert address.state_province == "świętokrzyskie"
    assert list(sal.phones.values_list("number", flat=True)) == ["41 000 10 01"]
    assert list(service.contacts.values_list("email", flat=True)) == ["porady@gops.mirzec.example"]
    schedule = sal.schedules.get()
    assert (schedule.freq, schedule.byday, schedule.opens_at, schedule.closes_at) == (
        "WEEKLY",
        "MO,TU,WE,TH,FR",
        dt.time(7, 30),
        dt.time(15, 30),
    )
    assert [(change.action, change.version) for change in service.changes.all()] == [("created", 1)]
    assert [document.document for document in service.required_documents.all()] == ["Dowód osobisty"]


def test_it_makes_a_new_service_findable_at_once(persona):
    service = add_service(persona("lider.mirzec"), name="Klub Seniora Złota Jesień")

    assert service in Service.objects.matching("zlota jesien")
    assert ServedMunicipality.objects.filter(service=service, municipality__code=MIRZEC).exists()


@pytest.mark.parametrize("username", ["gops.mirzec", "asystent.mirzec", "szkola.mirzec", "rops.kielce"])
def test_it_refuses_adding_for_anyone_but_the_keepers(persona, username):
    before = Service.objects.count()

    with pytest.raises(PermissionDenied):
        add_service(persona(username))

    assert Service.objects.count() == before


def test_it_adds_nothing_when_the_place_is_wrong(persona):
    before = Service.objects.count()

    with pytest.raises(ValidationError) as refusal:
        upkeep.create_service(
            persona("lider.mirzec"), institution("GOPS Mirzec"), {"name": "Porady"}, place(postal_code="27220")
        )

    assert "postal_code" in refusal.value.error_dict
    assert Service.objects.count() == before


# --- editing ----------------------------------------------------------------------------------


def test_it_records_each_changed_field_as_people_read_it(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)

    upkeep.update_service(
        leader,
        service,
        {
            "name": "Poradnictwo rodzinne i psychologiczne",
            "status": ServiceStatus.TEMPORARILY_CLOSED,
            "free_of_charge": True,
            "categories": [term("family-counselling"), term("psychological-counselling")],
        },
        version=1,
    )

    change = service.changes.all()[0]
    assert (change.action, change.version, service.version) == ("updated", 2, 2)
    assert change.changes == {
        "name": ["Poradnictwo rodzinne", "Poradnictwo rodzinne i psychologiczne"],
        "status": [status_in_polish(ServiceStatus.ACTIVE), status_in_polish(ServiceStatus.TEMPORARILY_CLOSED)],
        "free_of_charge": [in_polish("no"), in_polish("yes")],
        "categories": ["", "Poradnictwo psychologiczne, Poradnictwo rodzinne"],
    }


def test_it_refuses_an_edit_made_on_an_older_version_and_keeps_the_newer(persona):
    leader, admin = persona("lider.mirzec"), persona("admin")
    service = add_service(leader)
    opened_by_leader = Service.objects.get(pk=service.pk)
    upkeep.update_service(admin, service, {"name": "Zmienione przez administratora"}, version=1)

    with pytest.raises(upkeep.StaleVersion):
        upkeep.update_service(leader, opened_by_leader, {"name": "Zmienione przez kierownika"}, version=1)

    service.refresh_from_db()
    assert (service.name, service.version) == ("Zmienione przez administratora", 2)
    assert service.changes.count() == 2


def test_it_saves_nothing_of_an_edit_with_bad_data(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)

    with pytest.raises(ValidationError) as refusal:
        upkeep.update_service(
            leader,
            service,
            {"minimum_age": 18, "maximum_age": 6, "places": 5, "free_places": 9, "target_groups": [term("seniors")]},
            version=1,
        )

    assert {"maximum_age", "free_places"} <= set(refusal.value.error_dict)
    service.refresh_from_db()
    assert (service.minimum_age, service.free_places, service.version) == (None, None, 1)
    assert not service.attributes.exists()
    assert service.changes.count() == 1


def test_it_keeps_the_version_when_nothing_changed(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader, categories=[term("meals")])

    upkeep.update_service(leader, service, {"name": "Poradnictwo rodzinne", "categories": [term("meals")]}, version=1)

    assert service.version == 1
    assert service.changes.count() == 1


def test_it_keeps_terms_of_other_taxonomies_and_the_ids_of_kept_terms(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader, categories=[term("meals")], target_groups=[term("seniors")])
    meals = service.attributes.get(taxonomy_term__code="meals")

    upkeep.update_service(leader, service, {"categories": [term("meals"), term("shelter")]}, version=1)

    assert set(service.attributes.values_list("taxonomy_term__code", flat=True)) == {"meals", "shelter", "seniors"}
    assert service.attributes.get(taxonomy_term__code="meals").public_id == meals.public_id


def test_it_sets_the_service_area_from_teryt_units(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)
    county = County.objects.get(code="2611")

    upkeep.update_service(leader, service, {"area_counties": [county]}, version=1)

    area = service.service_areas.get()
    assert (area.county, area.name) == (county, in_polish("powiat %(name)s") % {"name": county.name})
    served = set(ServedMunicipality.objects.filter(service=service).values_list("municipality__code", flat=True))
    assert served == set(Municipality.objects.filter(county=county).values_list("code", flat=True))


def test_it_marks_a_service_defunct_instead_of_deleting_it(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)

    upkeep.change_status(leader, service, ServiceStatus.DEFUNCT, version=1)

    assert Service.objects.filter(pk=service.pk).exists()
    assert service not in Service.objects.listed()


def test_it_refuses_an_edit_by_a_colleague_who_may_not_keep_services(persona):
    service = add_service(persona("lider.mirzec"))

    with pytest.raises(PermissionDenied):
        upkeep.update_service(persona("gops.mirzec"), service, {"name": "Inna"}, version=1)


# --- confirming ---------------------------------------------------------------------------------


def test_it_confirms_an_entry_with_today_and_the_keepers_address(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)

    upkeep.verify_service(leader, service, version=1)

    assert service.assured_date == timezone.localdate()
    assert service.assurer_email == leader.email
    assert service.changes.all()[0].action == "verified"
    assert service not in Service.objects.due_for_verification(timezone.now() + dt.timedelta(days=100))


def test_it_refuses_confirming_an_entry_that_changed_since_it_was_shown(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)
    upkeep.update_service(leader, service, {"name": "Nowa nazwa"}, version=1)

    Service.objects.filter(pk=service.pk).update(assured_date=dt.date(2020, 1, 1))

    with pytest.raises(upkeep.StaleVersion):
        upkeep.verify_service(leader, service, version=1)

    service.refresh_from_db()
    assert service.assured_date == dt.date(2020, 1, 1)


def test_it_counts_adding_an_entry_as_confirming_it(persona):
    leader = persona("lider.mirzec")

    service = add_service(leader)

    assert (service.assured_date, service.assurer_email) == (timezone.localdate(), leader.email)
    assert not upkeep.is_due_for_verification(service)
    assert service not in Service.objects.due_for_verification()


# --- places -----------------------------------------------------------------------------------


def test_it_changes_a_place_and_records_what_changed(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)
    sal = service.service_at_locations.get()
    hours = {"MO": (dt.time(8), dt.time(16)), "TU": (dt.time(8), dt.time(16)), "SA": (dt.time(9), dt.time(12))}

    upkeep.update_location(leader, service, sal, place(phone="41 000 10 99", hours=hours), version=1)

    change = service.changes.all()[0]
    assert change.action == "location_updated"
    assert change.changes["phone"] == ["41 000 10 01", "41 000 10 99"]
    assert change.changes["location"] == ["Siedziba", "Siedziba"]
    assert sorted(sal.schedules.values_list("byday", "opens_at")) == [("MO,TU", dt.time(8)), ("SA", dt.time(9))]
    assert upkeep.location_values(service, sal)["hours"] == hours


def test_it_keeps_schedules_the_form_does_not_manage(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)
    sal = service.service_at_locations.get()
    monthly = Schedule.objects.create(service_at_location=sal, freq="MONTHLY", bymonthday="1", description="Dyżur")

    upkeep.update_location(leader, service, sal, place(hours={}), version=1)

    assert list(sal.schedules.all()) == [monthly]


def test_it_edits_hours_and_phone_where_an_imported_entry_keeps_them(persona):
    """The demo and HSDS imports put weekly hours and the phone on the service itself."""
    leader = persona("lider.mirzec")
    service = add_service(leader)
    sal = service.service_at_locations.get()
    sal.schedules.all().delete()
    sal.phones.all().delete()
    Schedule.objects.create(
        service=service, freq="WEEKLY", byday="MO", opens_at=dt.time(12), closes_at=dt.time(18), description="prawnik"
    )
    Schedule.objects.create(
        service=service,
        freq="WEEKLY",
        byday="TU,TH",
        opens_at=dt.time(8),
        closes_at=dt.time(15),
        description="psycholog",
    )
    service.phones.create(number="41 000 00 00")
    assert upkeep.location_values(service, sal)["phone"] == "41 000 00 00"

    hours = {"MO": (dt.time(12), dt.time(18)), "TH": (dt.time(8), dt.time(15))}
    upkeep.update_location(leader, service, sal, place(hours=hours, phone="41 000 00 01"), version=1)

    assert sorted(service.schedules.values_list("byday", "description")) == [("MO", "prawnik"), ("TH", "psycholog")]
    assert not sal.schedules.exists()
    assert list(service.phones.values_list("number", flat=True)) == ["41 000 00 01"]
    assert not sal.phones.exists()


def test_it_leaves_a_second_interval_on_a_day_alone(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)
    sal = service.service_at_locations.get()
    afternoon = Schedule.objects.create(
        service_at_location=sal, freq="WEEKLY", byday="MO", opens_at=dt.time(16), closes_at=dt.time(18)
    )

    upkeep.update_location(leader, service, sal, place(hours={"MO": (dt.time(8), dt.time(12))}), version=1)

    assert sal.schedules.filter(pk=afternoon.pk).exists()
    assert upkeep.location_values(service, sal)["hours"] == {"MO": (dt.time(8), dt.time(12))}


def test_it_adds_and_removes_places_but_never_the_last(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)
    first = service.service_at_locations.get()

    second = upkeep.add_location(leader, service, place(name="Filia", address_1="Gadka 5"), version=1)
    upkeep.remove_location(leader, service, first, version=2)

    assert list(service.service_at_locations.all()) == [second]
    with pytest.raises(ValidationError):
        upkeep.remove_location(leader, service, second, version=3)
    assert [change.action for change in service.changes.all()] == ["location_removed", "location_added", "created"]


def test_it_refuses_a_place_with_bad_hours(persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)

    with pytest.raises(ValidationError) as refusal:
        upkeep.add_location(leader, service, place(hours={"MO": (dt.time(16), dt.time(8))}), version=1)

    assert "hours_MO" in refusal.value.error_dict
    assert service.service_at_locations.count() == 1


times = st.times().map(lambda moment: moment.replace(second=0, microsecond=0))
weekly_hours = st.dictionaries(
    st.sampled_from(upkeep.WEEKDAYS),
    st.tuples(times, times).filter(lambda pair: pair[0] < pair[1]),
)


@given(weekly_hours)
def test_it_reads_back_the_weekly_hours_it_writes(hours):
    assert upkeep.hours_of(upkeep.weekly_schedules(hours)) == hours


def test_it_writes_hours_as_people_read_them():
    hours = {day: (dt.time(8), dt.time(16)) for day in ("MO", "TU", "WE", "TH", "FR")}
    hours["SA"] = (dt.time(9), dt.time(12, 30))

    with translation.override("en"):
        assert upkeep.format_hours(hours) == "Mon–Fri 8:00–16:00, Sat 9:00–12:30"


# --- the reminder -----------------------------------------------------------------------------


def _old_service(actor: Any, where: str, days: int = 200, **fields: Any) -> Service:
    """An entry added `days` ago that nobody confirmed (an import's, or one older than the rule
    that adding an entry confirms it)."""
    service = add_service(actor, where, **fields)
    Service.objects.filter(pk=service.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days), assured_date=None, assurer_email=""
    )
    return service


def reminded(service: Service) -> list[str]:
    url = upkeep.reminder_url(service)
    return sorted(
        Notification.objects.filter(kind=upkeep.REMINDER_KIND, url=url).values_list("recipient__username", flat=True)
    )


def test_it_reminds_the_keepers_of_an_unconfirmed_entry_once(persona, make_keeper):
    school = _old_service(persona("szkola.mirzec"), "PSP Mirzec")
    manager = make_keeper("PSP Mirzec", "manager")

    assert upkeep.remind_unverified() == 2
    assert upkeep.remind_unverified() == 0

    assert reminded(school) == sorted(["szkola.mirzec", manager.username])


def test_it_reminds_again_after_thirty_days(persona):
    service = _old_service(persona("lider.mirzec"), "GOPS Mirzec")
    upkeep.remind_unverified()

    later = timezone.now() + dt.timedelta(days=upkeep.REMINDER_EVERY_DAYS - 1)
    assert upkeep.remind_unverified(later.isoformat()) == 0
    Notification.objects.filter(kind=upkeep.REMINDER_KIND).update(
        created_at=timezone.now() - dt.timedelta(days=upkeep.REMINDER_EVERY_DAYS + 1)
    )
    assert upkeep.remind_unverified() == 1
    assert reminded(service) == ["lider.mirzec", "lider.mirzec"]


def test_it_does_not_remind_about_recent_confirmed_or_defunct_entries(persona):
    leader = persona("lider.mirzec")
    _old_service(leader, "GOPS Mirzec", days=30)
    confirmed = _old_service(leader, "GOPS Mirzec")
    upkeep.verify_service(leader, confirmed)
    _old_service(leader, "GOPS Mirzec", status=ServiceStatus.DEFUNCT)

    assert upkeep.remind_unverified() == 0


def test_it_never_reminds_staff_who_do_not_keep_entries(persona):
    _old_service(persona("lider.mirzec"), "GOPS Mirzec")

    upkeep.remind_unverified()

    recipients = set(
        Notification.objects.filter(kind=upkeep.REMINDER_KIND).values_list("recipient__username", flat=True)
    )
    assert recipients == {"lider.mirzec"}


def test_it_tells_a_listed_entry_is_due_by_the_same_rule_as_the_reminder(persona):
    leader = persona("lider.mirzec")
    fresh = add_service(leader, name="Świeża")
    never = _old_service(leader, "GOPS Mirzec", name="Nigdy niepotwierdzona")
    long_ago = _old_service(leader, "GOPS Mirzec", days=400, name="Potwierdzona dawno")
    Service.objects.filter(pk=long_ago.pk).update(assured_date=timezone.localdate() - dt.timedelta(days=200))
    recently = _old_service(leader, "GOPS Mirzec", days=400, name="Potwierdzona niedawno")
    Service.objects.filter(pk=recently.pk).update(assured_date=timezone.localdate() - dt.timedelta(days=10))
    defunct = _old_service(leader, "GOPS Mirzec", name="Zlikwidowana", status=ServiceStatus.DEFUNCT)
    services = Service.objects.filter(pk__in=[s.pk for s in (fresh, never, long_ago, recently, defunct)])

    due = {service.name for service in services if upkeep.is_due_for_verification(service)}

    assert due == {"Nigdy niepotwierdzona", "Potwierdzona dawno"}
    assert due == set(services.due_for_verification().values_list("name", flat=True))


def test_it_registers_the_daily_reminder():
    jobs = {job.func: job for job in SCHEDULES}

    job = jobs["kooperacja.directory.upkeep.remind_unverified"]
    assert job.daily_at == dt.time(6, 0)


def test_it_registers_the_reminder_as_soon_as_the_platform_starts():
    """`ensure_schedules` removes the jobs nobody registered, and a worker started with
    call_command loads no URLs: the directory app must import upkeep when it is ready."""
    code = (
        "import django; django.setup(); from kooperacja.core.tasks import SCHEDULES; "
        "print(' '.join(job.name for job in SCHEDULES))"
    )
    started = subprocess.run(  # noqa: S603 - our own interpreter and fixed code
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kooperacja.settings"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert "directory-verification-reminders" in started.stdout.split()


@pytest.fixture
def make_keeper(db):
    """make_keeper("PSP Mirzec", role) -> a new user with that role there."""
    from django.contrib.auth import get_user_model

    from kooperacja.institutions.models import Membership

    def make(where: str, role: str) -> Any:
        user = get_user_model().objects.create_user(username=f"{role}.test", email=f"{role}@test.example")
        Membership.objects.create(user=user, institution=institution(where), role=role)
        return user

    return make
