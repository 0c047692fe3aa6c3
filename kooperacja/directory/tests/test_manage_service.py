"""Adding and editing a service, confirming it and reading its history (the keeper's pages)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.forms import BaseForm
from django.urls import reverse
from django.utils import timezone

from kooperacja.directory.manage_forms import LocationForm, ServiceForm
from kooperacja.directory.models import Service, ServiceChange, ServiceStatus, TaxonomyTerm
from kooperacja.directory.tests.test_upkeep import add_service, institution
from kooperacja.institutions.tests.conftest import polish
from kooperacja.territory.models import Municipality

pytestmark = pytest.mark.django_db


def posted(form: BaseForm) -> dict[str, Any]:
    """What a browser posts for the form as it was shown (every field with its value)."""
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or value == "" or value == []:
            continue
        key = form.add_prefix(name)
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = str(value)
    return data


def edit_data(service: Service, **changes: Any) -> dict[str, Any]:
    service = Service.objects.get(pk=service.pk)
    data = posted(ServiceForm(instance=service, institution=service.institution))
    data.update(changes)
    return data


def add_data(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Grupa wsparcia dla rodziców",
        "status": ServiceStatus.ACTIVE,
        "categories": [str(TaxonomyTerm.objects.get(code="family-counselling").pk)],
        "minimum_age": "18",
        "required_documents": "Dowód osobisty\n\nSkierowanie z GOPS\n",
        "languages": ["pl", "uk"],
        "other_languages": "czeski",
        "place-name": "Siedziba GOPS",
        "place-address_1": "Mirzec-Majorat 1",
        "place-postal_code": "27-220",
        "place-city": "Mirzec",
        "place-municipality": str(Municipality.objects.get(code="2611032").pk),
        "place-phone": "41 000 10 01",
        "place-opens_MO": "08:00",
        "place-closes_MO": "16:00",
        "place-opens_WE": "08:00",
        "place-closes_WE": "16:00",
    }
    data.update(changes)
    return data


def gops_add_url() -> str:
    return reverse("directory:service_add", args=[institution("GOPS Mirzec").public_id])


def edit_url(service: Service) -> str:
    return reverse("directory:service_edit", args=[service.public_id])


# --- adding -----------------------------------------------------------------------------------


def test_it_shows_the_keeper_an_empty_form_for_a_new_service(client, login_as):
    login_as("lider.mirzec")

    response = client.get(gops_add_url())

    assert response.status_code == 200
    assert isinstance(response.context["place"], LocationForm)
    assert response.context["place"]["municipality"].value() == institution("GOPS Mirzec").municipality_id


def test_it_adds_a_service_from_the_form(client, login_as):
    login_as("lider.mirzec")

    response = client.post(gops_add_url(), add_data())

    service = Service.objects.get(name="Grupa wsparcia dla rodziców")
    assert response.status_code == 302
    assert response["Location"] == edit_url(service)
    assert service.institution == institution("GOPS Mirzec")
    assert list(service.required_documents.values_list("document", flat=True)) == [
        "Dowód osobisty",
        "Skierowanie z GOPS",
    ]
    languages = dict(service.languages.values_list("code", "name"))
    assert languages == {"pl": polish("Polish"), "uk": polish("Ukrainian"), "": "czeski"}
    sal = service.service_at_locations.get()
    assert sal.schedules.get().byday == "MO,WE"
    assert service.minimum_age == 18


def test_it_answers_bad_input_with_polish_errors_and_saves_nothing(client, login_as):
    login_as("lider.mirzec")
    before = Service.objects.count()

    response = client.post(
        gops_add_url(),
        add_data(
            name="",
            minimum_age="65",
            maximum_age="18",
            places="3",
            free_places="5",
            **{"place-postal_code": "27220", "place-phone": "zadzwoń", "place-closes_WE": "07:00"},
        ),
    )

    assert response.status_code == 400
    assert Service.objects.count() == before
    form, place = response.context["form"], response.context["place"]
    assert {"name", "maximum_age", "free_places"} <= set(form.errors)
    assert {"postal_code", "phone", "closes_WE"} <= set(place.errors)
    page = response.content.decode()
    assert polish("The form has errors: nothing was saved. Correct the fields marked below.") in page
    assert polish("Write the postal code as NN-NNN, for example 27-220.") in page
    assert polish("The maximum age cannot be lower than the minimum age.") in page
    assert polish("There cannot be more free places than places.") in page


def test_it_refuses_a_place_without_an_address(client, login_as):
    login_as("lider.mirzec")

    response = client.post(gops_add_url(), add_data(**{"place-address_1": "", "place-city": ""}))

    assert response.status_code == 400
    assert {"address_1", "city"} <= set(response.context["place"].errors)


@pytest.mark.parametrize(
    ("username", "status"),
    [("gops.mirzec", 403), ("asystent.mirzec", 403), ("szkola.mirzec", 404), ("gops.oksa", 404)],
)
def test_it_keeps_others_from_adding_services_to_an_institution(client, login_as, username, status):
    login_as(username)

    assert client.get(gops_add_url()).status_code == status
    assert client.post(gops_add_url(), add_data()).status_code == status
    assert not Service.objects.filter(name="Grupa wsparcia dla rodziców").exists()


def test_it_answers_an_unknown_institution_as_not_found(client, login_as):
    login_as("admin")

    assert client.get(reverse("directory:service_add", args=[uuid.uuid4()])).status_code == 404


# --- editing ----------------------------------------------------------------------------------


def test_it_shows_the_entry_in_its_form(client, login_as, persona):
    service = add_service(persona("lider.mirzec"), description="Spotkania raz w tygodniu.")
    login_as("lider.mirzec")

    response = client.get(edit_url(service))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["description"].value() == "Spotkania raz w tygodniu."
    assert form["version"].value() == 1
    assert [title for _sal, title in response.context["places"]] == ["Siedziba"]


def test_it_saves_an_edit_and_records_it_in_the_history(client, login_as, persona):
    service = add_service(persona("lider.mirzec"))
    login_as("lider.mirzec")

    response = client.post(edit_url(service), edit_data(service, name="Poradnictwo dla rodzin", status="inactive"))

    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name, service.status, service.version) == ("Poradnictwo dla rodzin", "inactive", 2)
    change = service.changes.all()[0]
    assert set(change.changes) == {"name", "status"}


def test_it_keeps_what_the_form_did_not_change(client, login_as, persona):
    leader = persona("lider.mirzec")
    seniors = TaxonomyTerm.objects.get(code="seniors")
    service = add_service(leader, target_groups=[seniors], required_documents=["Dowód"], languages=[("pl", "polski")])
    login_as("lider.mirzec")

    client.post(edit_url(service), edit_data(service, name="Nowa nazwa"))

    service.refresh_from_db()
    assert list(service.attributes.values_list("taxonomy_term", flat=True)) == [seniors.pk]
    assert list(service.required_documents.values_list("document", flat=True)) == ["Dowód"]
    assert list(service.languages.values_list("code", flat=True)) == ["pl"]
    assert set(service.changes.all()[0].changes) == {"name"}


def test_it_refuses_a_concurrent_edit_with_a_clear_message_and_overwrites_nothing(client, login_as, persona):
    service = add_service(persona("lider.mirzec"))
    seen_by_leader = edit_data(service, name="Wersja kierownika")
    login_as("admin")
    client.post(edit_url(service), edit_data(service, name="Wersja administratora"))
    login_as("lider.mirzec")

    response = client.post(edit_url(service), seen_by_leader)

    assert response.status_code == 409
    assert response.context["form"]["name"].value() == "Wersja kierownika"
    service.refresh_from_db()
    assert (service.name, service.version) == ("Wersja administratora", 2)


def test_it_says_first_that_someone_else_saved_and_shows_what_they_changed(client, login_as, persona):
    service = add_service(persona("lider.mirzec"), minimum_age=16)
    seen_by_leader = edit_data(service, name="Wersja kierownika", description="Opis kierownika")
    login_as("admin")
    client.post(edit_url(service), edit_data(service, name="Wersja administratora", minimum_age="18"))
    login_as("lider.mirzec")

    response = client.post(edit_url(service), seen_by_leader)

    html = response.content.decode()
    # Right after the heading, before anything else of the page; focused on load (tabindex -1 +
    # the directory's focus script), and not the "correct the marked fields" summary.
    assert re.search(r'</h1>\s*<div class="error-summary conflict" id="conflict" role="alert" tabindex="-1"', html)
    assert "directory/focus-errors" in html
    assert polish("Someone else saved this entry while you were editing it") in html
    assert polish("The form has errors: nothing was saved. Correct the fields marked below.") not in html
    assert not response.context["form"].errors
    form = response.context["form"]
    rows = {(row.label, row.saved, row.typed) for row in response.context["conflict"]}
    # What the administrator changed, against the leader's values; not the leader's own changes.
    assert rows == {
        (form.fields["name"].label, "Wersja administratora", "Wersja kierownika"),
        (form.fields["minimum_age"].label, "18", "16"),
    }
    assert polish("Saved now") in html and polish("Your version") in html
    assert str(persona("admin")) in html


def test_it_saves_the_editors_version_when_they_save_again_after_the_refusal(client, login_as, persona):
    service = add_service(persona("lider.mirzec"))
    seen_by_leader = edit_data(service, name="Wersja kierownika")
    login_as("admin")
    client.post(edit_url(service), edit_data(service, name="Wersja administratora"))
    login_as("lider.mirzec")
    refused = client.post(edit_url(service), seen_by_leader)

    # The same tab posts the form it now shows: the editor's values with the version saved now.
    again = client.post(edit_url(service), posted(refused.context["form"]))

    assert again.status_code == 302
    service.refresh_from_db()
    assert (service.name, service.version) == ("Wersja kierownika", 3)
    assert [change.changes["name"] for change in service.changes.filter(action="updated").order_by("version")] == [
        ["Poradnictwo rodzinne", "Wersja administratora"],
        ["Wersja administratora", "Wersja kierownika"],
    ]


def test_it_tells_when_the_other_save_changed_nothing_the_form_shows(client, login_as, persona):
    service = add_service(persona("lider.mirzec"))
    seen_by_leader = edit_data(service, name="Wersja kierownika")
    client.force_login(persona("admin"))
    client.post(verify_url(service), {"version": "1"})
    login_as("lider.mirzec")

    response = client.post(edit_url(service), seen_by_leader)

    assert response.status_code == 409
    assert response.context["conflict"] == []
    assert (
        polish("They changed nothing that this form shows (for example, they confirmed the entry or changed a place).")
        in response.content.decode()
    )


def test_it_keeps_a_place_typed_during_someone_elses_save_for_a_second_try(client, login_as, persona):
    service = add_service(persona("lider.mirzec"))
    add_url = reverse("directory:location_add", args=[service.public_id])
    login_as("lider.mirzec")
    shown = posted(client.get(add_url).context["form"])
    shown.update({"address_1": "Mirzec 12", "postal_code": "27-220", "city": "Mirzec"})
    client.post(edit_url(service), edit_data(service, name="Zmieniona w międzyczasie"))

    refused = client.post(add_url, shown)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert re.search(r'</h1>\s*<div class="error-summary" id="conflict"', html)
    assert refused.context["form"]["address_1"].value() == "Mirzec 12"
    assert client.post(add_url, posted(refused.context["form"])).status_code == 302
    assert service.service_at_locations.count() == 2


def test_it_answers_bad_input_to_an_edit_and_changes_nothing(client, login_as, persona):
    service = add_service(persona("lider.mirzec"))
    login_as("lider.mirzec")

    response = client.post(
        edit_url(service), edit_data(service, name="", status="deleted", income_criterion_percent="0", url="nie adres")
    )

    assert response.status_code == 400
    assert {"name", "status", "income_criterion_percent", "url"} <= set(response.context["form"].errors)
    service.refresh_from_db()
    assert (service.name, service.version) == ("Poradnictwo rodzinne", 1)


@pytest.mark.parametrize(
    ("username", "status"), [("kolega.mirzec", 403), ("policja.mirzec", 404), ("rops.kielce", 404)]
)
def test_it_keeps_others_from_the_edit_page(client, login_as, persona, username, status):
    service = add_service(persona("lider.mirzec"))
    login_as(username)

    assert client.get(edit_url(service)).status_code == status
    assert client.post(edit_url(service), edit_data(service, name="Przejęta")).status_code == status
    service.refresh_from_db()
    assert service.name == "Poradnictwo rodzinne"


def test_it_answers_an_unknown_service_as_not_found(client, login_as):
    login_as("admin")

    assert client.get(reverse("directory:service_edit", args=[uuid.uuid4()])).status_code == 404


def test_it_refuses_other_methods_on_the_edit_page(client, login_as, persona):
    service = add_service(persona("lider.mirzec"))
    login_as("lider.mirzec")

    assert client.delete(edit_url(service)).status_code == 405


def test_it_sends_an_anonymous_visitor_to_sign_in(client, persona):
    service = add_service(persona("lider.mirzec"))

    response = client.get(edit_url(service))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- confirming -------------------------------------------------------------------------------


def verify_url(service: Service) -> str:
    return reverse("directory:service_verify", args=[service.public_id])


def test_it_confirms_the_entry_is_up_to_date(client, login_as, persona):
    service = add_service(persona("szkola.mirzec"), "PSP Mirzec")
    school = login_as("szkola.mirzec")

    response = client.post(verify_url(service), {"version": "1"})

    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.assured_date, service.assurer_email) == (timezone.localdate(), school.email)


def test_it_refuses_to_confirm_an_entry_changed_since_it_was_shown(client, login_as, persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)
    client.force_login(leader)
    client.post(edit_url(service), edit_data(service, name="Zmieniona"))

    Service.objects.filter(pk=service.pk).update(assured_date=dt.date(2020, 1, 1))

    response = client.post(verify_url(service), {"version": "1"})

    assert response.status_code == 409
    service.refresh_from_db()
    assert service.assured_date == dt.date(2020, 1, 1)


def test_it_confirms_only_by_posting(client, login_as, persona):
    service = add_service(persona("lider.mirzec"))
    login_as("lider.mirzec")

    assert client.get(verify_url(service)).status_code == 405


@pytest.mark.parametrize(("username", "status"), [("gops.mirzec", 403), ("szkola.mirzec", 404)])
def test_it_lets_only_keepers_confirm(client, login_as, persona, username, status):
    service = add_service(persona("lider.mirzec"))
    Service.objects.filter(pk=service.pk).update(assured_date=dt.date(2020, 1, 1))
    login_as(username)

    assert client.post(verify_url(service)).status_code == status
    service.refresh_from_db()
    assert service.assured_date == dt.date(2020, 1, 1)


# --- history ----------------------------------------------------------------------------------


def test_it_lists_the_changes_newest_first_with_old_and_new_values(client, login_as, persona):
    leader = persona("lider.mirzec")
    service = add_service(leader)
    client.force_login(leader)
    client.post(edit_url(service), edit_data(service, name="Poradnictwo dla rodzin"))
    client.post(verify_url(service))

    response = client.get(reverse("directory:service_history", args=[service.public_id]))

    assert response.status_code == 200
    actions = [entry.change.action for entry in response.context["entries"]]
    assert actions == ["verified", "updated", "created"]
    updated = response.context["entries"][1]
    assert [(old, new) for _label, old, new in updated.fields] == [("Poradnictwo rodzinne", "Poradnictwo dla rodzin")]
    assert "Poradnictwo dla rodzin" in response.content.decode()


def test_it_shows_the_history_only_to_keepers(client, login_as, persona):
    service = add_service(persona("lider.mirzec"))
    url = reverse("directory:service_history", args=[service.public_id])

    login_as("kolega.mirzec")
    assert client.get(url).status_code == 403
    login_as("gops.oksa")
    assert client.get(url).status_code == 404


def test_it_pages_a_long_history_with_constant_queries(client, login_as, persona, django_assert_max_num_queries):
    leader = persona("lider.mirzec")
    service = add_service(leader)
    ServiceChange.objects.bulk_create(
        ServiceChange(service=service, actor=leader, version=1, changes={"name": ["a", "b"]}) for _ in range(80)
    )
    login_as("lider.mirzec")

    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:service_history", args=[service.public_id]))

    assert len(response.context["entries"]) == 50


# --- one error summary, who confirmed, a new entry is confirmed ----------------------------


def test_it_lists_the_errors_of_the_service_and_its_place_in_one_summary(client, login_as):
    login_as("lider.mirzec")

    response = client.post(gops_add_url(), add_data(name="", **{"place-postal_code": "27220"}))

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="error-summary"') == 1
    summary = html[html.index('id="form-errors"') : html.index("</div>", html.index('id="form-errors"'))]
    assert 'href="#id_name"' in summary
    assert 'href="#id_place-postal_code"' in summary
    assert "directory/focus-errors" in html


def test_it_names_who_confirmed_the_entry_rather_than_their_e_mail(client, login_as, persona):
    school = persona("szkola.mirzec")
    service = add_service(school, "PSP Mirzec")
    login_as("szkola.mirzec")
    client.post(verify_url(service), {"version": "1"})

    html = client.get(edit_url(service)).content.decode()

    assert str(school) != school.email
    assert str(school) in html
    assert school.email not in html


def test_it_shows_the_e_mail_of_a_confirmation_by_nobody_it_knows(client, login_as, persona):
    service = add_service(persona("lider.mirzec"))
    Service.objects.filter(pk=service.pk).update(assurer_email="import@example.org")
    login_as("lider.mirzec")

    assert "import@example.org" in client.get(edit_url(service)).content.decode()


def test_it_counts_adding_an_entry_as_confirming_it(client, login_as):
    leader = login_as("lider.mirzec")

    client.post(gops_add_url(), add_data())

    service = Service.objects.get(name="Grupa wsparcia dla rodziców")
    assert (service.assured_date, service.assurer_email) == (timezone.localdate(), leader.email)
    public = client.get(reverse("directory:service", args=[service.public_id])).content.decode()
    assert polish("The institution has not confirmed these details yet.") not in public


# --- retired terms ---------------------------------------------------------------------------


def retire(code: str) -> TaxonomyTerm:
    TaxonomyTerm.objects.filter(code=code).update(is_active=False)
    return TaxonomyTerm.objects.get(code=code)


def offered(form: ServiceForm, name: str) -> set[str]:
    return {str(option.data["value"]) for option in form[name].subwidgets}


def test_it_offers_no_retired_term_to_an_entry_without_it(client, login_as, persona):
    service = add_service(persona("lider.mirzec"))
    mediation, seniors = retire("mediation"), retire("seniors")
    login_as("lider.mirzec")

    form = client.get(edit_url(service)).context["form"]

    assert str(mediation.pk) not in offered(form, "categories")
    assert str(seniors.pk) not in offered(form, "target_groups")
    assert str(TaxonomyTerm.objects.get(code="therapy").pk) in offered(form, "categories")
    response = client.post(edit_url(service), edit_data(service, categories=[str(mediation.pk)]))
    assert response.status_code == 400
    assert "categories" in response.context["form"].errors
    assert not service.attributes.filter(taxonomy_term=mediation).exists()


def test_it_keeps_a_retired_term_the_entry_carries_until_the_editor_unticks_it(client, login_as, persona):
    service = add_service(persona("lider.mirzec"), categories=[TaxonomyTerm.objects.get(code="mediation")])
    mediation = retire("mediation")
    login_as("lider.mirzec")

    page = client.get(edit_url(service))
    assert str(mediation.pk) in offered(page.context["form"], "categories")
    assert polish("%(name)s (retired: untick to remove it)") % {"name": mediation.name} in page.content.decode()

    client.post(edit_url(service), edit_data(service, name="Zmiana nazwy"))
    assert service.attributes.filter(taxonomy_term=mediation).exists()

    client.post(edit_url(service), edit_data(service, categories=[str(TaxonomyTerm.objects.get(code="therapy").pk)]))
    assert not service.attributes.filter(taxonomy_term=mediation).exists()
    assert str(mediation.pk) not in offered(client.get(edit_url(service)).context["form"], "categories")
