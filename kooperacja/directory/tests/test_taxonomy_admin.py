"""Taxonomy administration: platform administrators extend and edit the taxonomies; codes stay
stable, terms are never deleted, cycles and concurrent edits are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.directory.models import CATEGORIES, FIELDS, SearchTerm, Taxonomy, TaxonomyTerm
from kooperacja.directory.services import CODE_MESSAGE, StaleTerm, add_term, fingerprint, update_term
from kooperacja.directory.tests.test_gaps import make_service
from tests.personas import ADMIN, GOPS_MIRZEC, LEADER, SCHOOL


def in_polish(msgid: str) -> str:
    with translation.override("pl"):
        return escape(translation.gettext(msgid))


def categories() -> Taxonomy:
    return Taxonomy.objects.get(code=CATEGORIES)


def term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.categories().get(code=code)


def add_url(taxonomy: Taxonomy) -> str:
    return reverse("directory:term_add", kwargs={"public_id": taxonomy.public_id})


def edit_url(of: TaxonomyTerm) -> str:
    return reverse("directory:term_edit", kwargs={"public_id": of.public_id})


def set_in_use(actor: Any, of: TaxonomyTerm, in_use: bool) -> TaxonomyTerm:
    """Retire the term or bring it back, leaving everything else as it is."""
    return update_term(
        actor,
        of,
        name=of.name,
        description=of.description,
        parent=of.parent,
        position=of.position,
        previous=fingerprint(of),
        is_active=in_use,
    )


def edit_data(of: TaxonomyTerm, **changes: Any) -> dict[str, Any]:
    data = {
        "name": of.name,
        "description": of.description,
        "parent": str(of.parent.public_id) if of.parent else "",
        "position": of.position,
        "previous": fingerprint(of),
    }
    if of.is_active:
        data["is_active"] = "on"
    return {name: value for name, value in (data | changes).items() if value is not None}


# --- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [GOPS_MIRZEC, LEADER, SCHOOL])
def test_it_lets_only_the_platform_administrator_change_taxonomies(client, login_as, who):
    login_as(who)
    before = TaxonomyTerm.objects.count()

    assert client.get(reverse("directory:taxonomy")).status_code == 403
    response = client.post(add_url(categories()), {"code": "new-term", "name": "Nowy"})

    assert response.status_code == 403
    assert TaxonomyTerm.objects.count() == before


def test_it_refuses_the_change_functions_to_anyone_but_the_administrator(persona):
    with pytest.raises(PermissionDenied):
        add_term(persona(LEADER), categories(), code="x", name="X")
    counselling = term("counselling")
    with pytest.raises(PermissionDenied):
        update_term(
            persona(LEADER),
            counselling,
            name="X",
            description="",
            parent=None,
            position=0,
            previous=fingerprint(counselling),
        )


def test_it_answers_404_for_a_taxonomy_or_term_that_does_not_exist(client, login_as):
    login_as(ADMIN)
    unknown = "6f1c3c8e-0000-4000-8000-000000000000"

    assert client.get(reverse("directory:taxonomy_terms", kwargs={"public_id": unknown})).status_code == 404
    assert client.get(reverse("directory:term_edit", kwargs={"public_id": unknown})).status_code == 404


# --- Lists ------------------------------------------------------------------------------------


def test_it_lists_the_taxonomies_with_their_number_of_terms(client, login_as):
    login_as(ADMIN)

    html = client.get(reverse("directory:taxonomy")).content.decode()

    count = TaxonomyTerm.objects.categories().count()
    assert f'<td class="numeric">{count}</td>' in html
    for taxonomy in Taxonomy.objects.all():
        assert escape(taxonomy.name) in html


def test_it_shows_the_terms_as_a_tree_with_their_use(client, login_as, django_assert_max_num_queries):
    make_service("Poradnia", ["legal-counselling"])
    login_as(ADMIN)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:taxonomy_terms", kwargs={"public_id": categories().public_id}))

    html = response.content.decode()
    # Social assistance > specialist counselling > legal counselling, nested lists.
    social = html.index('id="term-social-assistance"')
    specialist = html.index('id="term-specialist-counselling"')
    legal = html.index('id="term-legal-counselling"')
    assert social < specialist < legal
    assert html[specialist:legal].count('<ul class="term-tree">') == 1
    assert edit_url(term("legal-counselling")) in html


def test_it_reads_a_big_taxonomy_in_the_same_number_of_queries(client, login_as, django_assert_max_num_queries):
    taxonomy = Taxonomy.objects.create(code="imported", name="Zaimportowana")
    parent = None
    for number in range(300):
        parent = TaxonomyTerm.objects.create(
            taxonomy=taxonomy, code=f"t{number}", name=f"Termin {number}", parent=parent if number % 3 else None
        )
    login_as(ADMIN)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:taxonomy_terms", kwargs={"public_id": taxonomy.public_id}))

    assert response.content.decode().count('<li id="term-') == 300


def test_it_shows_the_fields_taxonomy_read_only(client, login_as):
    fields = Taxonomy.objects.get(code=FIELDS)
    login_as(ADMIN)

    html = client.get(reverse("directory:taxonomy_terms", kwargs={"public_id": fields.public_id})).content.decode()

    assert add_url(fields) not in html
    assert client.get(add_url(fields)).status_code == 403
    assert client.get(edit_url(fields.terms.all()[0])).status_code == 403


# --- Adding -----------------------------------------------------------------------------------


def test_it_adds_a_term_under_a_parent_and_records_it(client, login_as):
    health = term("health")
    login_as(ADMIN)

    response = client.post(
        add_url(categories()),
        {
            "code": "telemedicine",
            "name": "Teleporady",
            "description": "Porada lekarza przez telefon.",
            "parent": str(health.public_id),
        },
    )

    assert response.status_code == 302
    added = term("telemedicine")
    assert (added.name, added.parent, added.description) == ("Teleporady", health, "Porada lekarza przez telefon.")
    others = TaxonomyTerm.objects.categories().exclude(pk=added.pk)
    assert added.position == max(other.position for other in others) + 1
    assert response["Location"].endswith("#term-telemedicine")
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(added.public_id)).exists()


def test_it_preselects_the_parent_of_an_add_below_link(client, login_as):
    health = term("health")
    login_as(ADMIN)

    html = client.get(add_url(categories()), {"parent": str(health.public_id)}).content.decode()

    assert f'<option value="{health.public_id}" selected>' in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "", "name": "X"}, "code", "Enter the code of the term."),
        ({"code": "Teleporady!", "name": "X"}, "code", str(CODE_MESSAGE)),
        ({"code": "respite_care", "name": "Opieka wytchnieniowa"}, "code", str(CODE_MESSAGE)),
        ({"code": "respite--care", "name": "Opieka wytchnieniowa"}, "code", str(CODE_MESSAGE)),
        ({"code": "-respite", "name": "Opieka wytchnieniowa"}, "code", str(CODE_MESSAGE)),
        ({"code": "x", "name": ""}, "name", "Enter the name of the term."),
        (
            {"code": "health", "name": "Drugie zdrowie"},
            "code",
            "This taxonomy already has a term with this code. Choose another code.",
        ),
        ({"code": "x", "name": "X", "position": "-1"}, "position", "Enter the position as a whole number, 0 or more."),
    ],
)
def test_it_explains_a_bad_new_term_and_adds_nothing(client, login_as, data, field, message):
    login_as(ADMIN)
    before = TaxonomyTerm.objects.count()

    response = client.post(add_url(categories()), data)

    assert response.status_code == 400
    assert in_polish(message) in response.content.decode()
    assert TaxonomyTerm.objects.count() == before


def test_it_refuses_a_parent_from_another_taxonomy(client, login_as):
    group = TaxonomyTerm.objects.target_groups()[0]
    login_as(ADMIN)

    response = client.post(add_url(categories()), {"code": "x", "name": "X", "parent": str(group.public_id)})

    assert response.status_code == 400
    assert in_polish("Choose a parent from the list of this taxonomy's terms.") in response.content.decode()
    assert not TaxonomyTerm.objects.categories().filter(code="x").exists()


def test_it_allows_the_same_code_in_another_taxonomy(persona):
    group_taxonomy = TaxonomyTerm.objects.target_groups()[0].taxonomy

    added = add_term(persona(ADMIN), group_taxonomy, code="health", name="Osoby chorujące")

    assert added.taxonomy == group_taxonomy


# --- Editing ----------------------------------------------------------------------------------


def test_it_saves_a_new_name_parent_and_position_but_never_the_code(client, login_as):
    mediation = term("mediation")
    old_name, old_position = mediation.name, mediation.position
    social = term("social-assistance")
    login_as(ADMIN)

    response = client.post(
        edit_url(mediation),
        edit_data(mediation, name="Mediacje rodzinne", parent=str(social.public_id), position=5, code="changed"),
    )

    assert response.status_code == 302
    mediation.refresh_from_db()
    assert (mediation.code, mediation.name, mediation.parent, mediation.position) == (
        "mediation",
        "Mediacje rodzinne",
        social,
        5,
    )
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(mediation.public_id))
    assert event.details["changes"]["name"] == [old_name, "Mediacje rodzinne"]
    assert event.details["changes"]["position"] == [old_position, 5]


def test_it_lets_residents_find_services_by_a_renamed_category(persona):
    service = make_service("Punkt wsparcia", ["mediation"])
    mediation = term("mediation")

    update_term(
        persona(ADMIN),
        mediation,
        name="Rozjemstwo",
        description=mediation.description,
        parent=mediation.parent,
        position=mediation.position,
        previous=fingerprint(mediation),
    )

    assert SearchTerm.objects.filter(service=service, term="rozjemstwo").exists()


@pytest.mark.parametrize("below", ["specialist-counselling", "legal-counselling"])
def test_it_refuses_to_put_a_term_under_itself_or_a_term_below_it(client, login_as, below):
    specialist = term("specialist-counselling")
    login_as(ADMIN)

    response = client.post(edit_url(specialist), edit_data(specialist, parent=str(term(below).public_id)))

    assert response.status_code == 400
    specialist.refresh_from_db()
    assert specialist.parent == term("social-assistance")


def test_it_refuses_a_cycle_made_possible_by_a_move_saved_meanwhile(persona):
    counselling, therapy = term("counselling"), term("therapy")
    # The editor opened "counselling" while "therapy" was not below it; then someone moved it there.
    previous = fingerprint(counselling)
    update_term(
        persona(ADMIN),
        therapy,
        name=therapy.name,
        description="",
        parent=counselling,
        position=1,
        previous=fingerprint(therapy),
    )

    with pytest.raises(ValidationError) as refused:
        update_term(
            persona(ADMIN),
            counselling,
            name=counselling.name,
            description="",
            parent=therapy,
            position=1,
            previous=previous,
        )

    assert "parent" in refused.value.message_dict
    counselling.refresh_from_db()
    assert counselling.parent == term("social-package")


def test_it_detects_an_edit_saved_by_someone_else_meanwhile(client, login_as, persona):
    therapy = term("therapy")
    opened = edit_data(therapy, name="Terapia (moja wersja)")
    update_term(
        persona(ADMIN),
        therapy,
        name="Terapia (cudza wersja)",
        description=therapy.description,
        parent=therapy.parent,
        position=therapy.position,
        previous=fingerprint(therapy),
    )
    login_as(ADMIN)

    response = client.post(edit_url(therapy), opened)

    assert response.status_code == 409
    html = response.content.decode()
    assert in_polish(str(StaleTerm().messages[0])) in html
    # The form shows the saved name; what the editor typed is listed so it is not lost.
    assert 'value="Terapia (cudza wersja)"' in html
    assert "Terapia (moja wersja)" in html
    therapy.refresh_from_db()
    assert therapy.name == "Terapia (cudza wersja)"


def test_it_saves_nothing_and_records_nothing_when_nothing_changed(client, login_as):
    therapy = term("therapy")
    login_as(ADMIN)

    response = client.post(edit_url(therapy), edit_data(therapy))

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(therapy.public_id)).exists()


def test_it_offers_no_way_to_delete_a_term(client, login_as):
    therapy = term("therapy")
    login_as(ADMIN)

    assert client.delete(edit_url(therapy)).status_code == 405
    # A "delete" smuggled into a valid edit is ignored: the term is saved as it was.
    assert client.post(edit_url(therapy), edit_data(therapy, delete="1")).status_code == 302
    assert TaxonomyTerm.objects.filter(pk=therapy.pk, code="therapy").exists()


# --- Retiring a term ---------------------------------------------------------------------------


def test_it_retires_a_term_records_it_and_marks_it_in_the_tree(client, login_as):
    therapy = term("therapy")
    login_as(ADMIN)

    response = client.post(edit_url(therapy), edit_data(therapy, is_active=None))

    assert response.status_code == 302
    therapy.refresh_from_db()
    assert not therapy.is_active
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(therapy.public_id))
    assert event.details["changes"] == {"is_active": [True, False]}
    html = client.get(reverse("directory:taxonomy_terms", kwargs={"public_id": categories().public_id})).content
    item = html.decode().split('id="term-therapy"')[1].split("</li>")[0]
    assert in_polish("retired") in item
    # A retired term takes no new term below it.
    assert f"?parent={therapy.public_id}" not in item


def test_it_brings_a_retired_term_back(client, login_as):
    therapy = term("therapy")
    TaxonomyTerm.objects.filter(pk=therapy.pk).update(is_active=False)
    therapy.refresh_from_db()
    login_as(ADMIN)

    edit_page = client.get(edit_url(therapy)).content.decode()
    assert 'name="is_active"' in edit_page and in_polish("in use").capitalize() in edit_page

    response = client.post(edit_url(therapy), edit_data(therapy, is_active="on"))

    assert response.status_code == 302
    therapy.refresh_from_db()
    assert therapy.is_active


def test_it_refuses_to_retire_a_term_with_terms_in_use_below_it(client, login_as):
    specialist = term("specialist-counselling")
    login_as(ADMIN)

    response = client.post(edit_url(specialist), edit_data(specialist, is_active=None))

    assert response.status_code == 400
    assert "is_active" in response.context["form"].errors
    assert escape(term("legal-counselling").name) in response.content.decode()
    specialist.refresh_from_db()
    assert specialist.is_active


def test_it_retires_a_parent_once_the_terms_below_it_are_retired(persona):
    specialist = term("specialist-counselling")
    for child in TaxonomyTerm.objects.filter(parent=specialist):
        set_in_use(persona(ADMIN), child, in_use=False)

    set_in_use(persona(ADMIN), specialist, in_use=False)

    assert not term("specialist-counselling").is_active


def test_it_puts_no_term_in_use_under_a_retired_one(client, login_as, persona):
    therapy, mediation = term("therapy"), term("mediation")
    TaxonomyTerm.objects.filter(pk=therapy.pk).update(is_active=False)
    login_as(ADMIN)

    added = client.post(
        add_url(categories()), {"code": "art-therapy", "name": "Arteterapia", "parent": str(therapy.public_id)}
    )
    moved = client.post(edit_url(mediation), edit_data(mediation, parent=str(therapy.public_id)))

    assert added.status_code == moved.status_code == 400
    assert not TaxonomyTerm.objects.filter(code="art-therapy").exists()
    assert term("mediation").parent == mediation.parent
    # Nor is a retired term offered as a parent.
    assert str(therapy.public_id) not in client.get(add_url(categories())).content.decode()


def test_it_keeps_a_retired_current_parent_of_a_retired_term_on_its_form(client, login_as):
    therapy = term("therapy")
    child = TaxonomyTerm.objects.create(
        taxonomy=categories(), code="old-child", name="Stare", parent=therapy, is_active=False
    )
    TaxonomyTerm.objects.filter(pk=therapy.pk).update(is_active=False)
    login_as(ADMIN)

    response = client.post(edit_url(child), edit_data(child, description="Opis"))

    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.parent, child.description, child.is_active) == (therapy, "Opis", False)


# --- Near-duplicates ---------------------------------------------------------------------------


def test_it_refuses_a_name_that_only_differs_by_case_from_a_term_in_use(client, login_as):
    legal = term("legal-counselling")
    login_as(ADMIN)

    response = client.post(add_url(categories()), {"code": "legal-advice", "name": legal.name.upper()})

    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not TaxonomyTerm.objects.filter(code="legal-advice").exists()


def test_it_refuses_a_code_that_only_differs_by_a_hyphen_from_a_term_in_use_in_the_form(client, login_as):
    taxonomy = Taxonomy.objects.create(code="imported", name="Zaimportowana")
    TaxonomyTerm.objects.create(taxonomy=taxonomy, code="respite_care", name="Opieka (import)")
    login_as(ADMIN)

    response = client.post(add_url(taxonomy), {"code": "respite-care", "name": "Opieka wytchnieniowa"})

    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert "respite_care" in response.content.decode()


def test_it_refuses_a_code_that_only_differs_by_an_underscore_or_case_from_a_term_in_use(persona):
    taxonomy = Taxonomy.objects.create(code="imported", name="Zaimportowana")
    TaxonomyTerm.objects.create(taxonomy=taxonomy, code="respite_care", name="Opieka wytchnieniowa (import)")

    with pytest.raises(ValidationError) as refused:
        add_term(persona(ADMIN), taxonomy, code="respite-care", name="Opieka wytchnieniowa")

    assert "code" in refused.value.message_dict
    assert not TaxonomyTerm.objects.filter(code="respite-care").exists()


def test_it_adds_the_right_term_once_the_mistaken_one_is_retired(persona):
    taxonomy = Taxonomy.objects.create(code="imported", name="Zaimportowana")
    mistaken = TaxonomyTerm.objects.create(taxonomy=taxonomy, code="respite_care", name="Opieka wytchnieniowa")
    set_in_use(persona(ADMIN), mistaken, in_use=False)

    added = add_term(persona(ADMIN), taxonomy, code="respite-care", name="Opieka wytchnieniowa")

    assert added.is_active
    # Bringing the mistaken one back would make two of the same term in use.
    mistaken.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        set_in_use(persona(ADMIN), mistaken, in_use=True)
    assert "is_active" in refused.value.message_dict


def test_it_refuses_renaming_a_term_to_the_name_of_another_in_use(client, login_as):
    therapy, mediation = term("therapy"), term("mediation")
    login_as(ADMIN)

    response = client.post(edit_url(therapy), edit_data(therapy, name=f"  {mediation.name.lower()} "))

    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert term("therapy").name == therapy.name
