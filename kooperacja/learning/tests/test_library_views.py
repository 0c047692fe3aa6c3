"""The materials library as users meet it: who sees which materials, searching and filtering,
downloading, uploading with the file checked by its content, editing and deleting, and bad
input refused with nothing stored."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kooperacja.learning.models import Material
from kooperacja.learning.tests.library_factories import make_material, pdf_upload

pytestmark = pytest.mark.django_db

LIST = reverse("learning:materials")
UPLOAD = reverse("learning:material_upload")


def _text(response) -> str:
    return response.content.decode()


def _in_english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _url(name: str, material: Material) -> str:
    return reverse(f"learning:{name}", args=[material.public_id])


@pytest.fixture
def levels(persona):
    kielce = persona("rops.kielce")
    return {
        "public": make_material(kielce, title="Model kooperacji publiczny", access_level="public"),
        "staff": make_material(kielce, title="Wzór porozumienia dla kadr", access_level="staff"),
        "region": make_material(kielce, title="Prezentacja świętokrzyska", access_level="region"),
        "other_region": make_material(
            persona("rops.rzeszow"), title="Prezentacja podkarpacka", access_level="region", voivodeship="18"
        ),
    }


# --- Who sees what ------------------------------------------------------------------------------


def test_it_shows_anonymous_visitors_only_public_materials(client, levels):
    page = _text(client.get(LIST))
    assert "Model kooperacji publiczny" in page
    assert "Wzór porozumienia dla kadr" not in page
    assert "Prezentacja świętokrzyska" not in page
    assert _url("material_file", levels["public"]) in page


def test_it_shows_staff_the_staff_materials_and_those_of_their_voivodeship_only(client, login_as, levels):
    login_as("gops.oksa")
    page = _text(client.get(LIST))
    assert "Wzór porozumienia dla kadr" in page
    assert "Prezentacja świętokrzyska" in page
    assert "Prezentacja podkarpacka" not in page


def test_it_shows_administrators_every_material(client, login_as, levels):
    login_as("admin")
    page = _text(client.get(LIST))
    assert "Prezentacja świętokrzyska" in page and "Prezentacja podkarpacka" in page


def test_each_row_says_who_may_open_it_its_size_and_date(client, login_as, levels):
    login_as("gops.mirzec")
    _in_english(client)
    page = _text(client.get(LIST))
    assert "staff of institutions in the voivodeship" in page
    assert "every signed-in user" in page
    assert levels["staff"].uploaded_at.strftime("%d.%m.%Y") in page
    assert "bytes" in page or "KB" in page


def test_it_offers_edit_links_only_for_the_materials_a_user_keeps(client, login_as, levels):
    login_as("rops.kielce")
    page = _text(client.get(LIST))
    assert _url("material_edit", levels["region"]) in page
    login_as("gops.mirzec")
    page = _text(client.get(LIST))
    assert _url("material_edit", levels["region"]) not in page
    assert reverse("learning:material_upload") not in page


def test_the_list_asks_the_same_queries_for_few_or_many_materials(
    client, login_as, persona, django_assert_max_num_queries
):
    kielce = persona("rops.kielce")
    make_material(kielce, access_level="region")
    login_as("gops.mirzec")
    client.get(LIST)
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200
    for index in range(12):
        make_material(kielce, title=f"Materiał {index}", access_level="public" if index % 2 else "region")
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


def test_the_public_list_stays_light(client, persona):
    kielce = persona("rops.kielce")
    for index in range(50):
        make_material(
            kielce, title=f"Publiczny materiał numer {index}", access_level="public", description="Opis " * 20
        )
    response = client.get(LIST)
    assert len(response.content) < 50_000


# --- Search and filters -------------------------------------------------------------------------


def test_it_finds_materials_by_an_inflected_word_without_polish_letters(client, persona):
    kielce = persona("rops.kielce")
    make_material(kielce, title="Poradnia rodzinna — zasady", access_level="public")
    make_material(kielce, title="Szkolenie z negocjacji", access_level="public", description="Łódź i okolice")
    assert "Poradnia rodzinna" in _text(client.get(LIST, {"q": "poradni"}))
    found = _text(client.get(LIST, {"q": "lodz"}))
    assert "Szkolenie z negocjacji" in found and "Poradnia rodzinna" not in found


def test_it_finds_a_material_by_other_forms_of_its_words(client, persona):
    make_material(persona("rops.kielce"), title="Poradnia rodzinna — informator", access_level="public")
    for query in ("poradni", "informatorze", "poradnia rodzinna"):
        assert "Poradnia rodzinna — informator" in _text(client.get(LIST, {"q": query})), query
    assert "Poradnia rodzinna — informator" not in _text(client.get(LIST, {"q": "szkoła"}))


def test_it_filters_by_topic_and_kind(client, persona):
    kielce = persona("rops.kielce")
    make_material(kielce, title="Raport diagnozy", access_level="public", kind="report", topic="diagnosis")
    make_material(kielce, title="Przewodnik negocjacji", access_level="public", kind="guide", topic="negotiation")
    page = _text(client.get(LIST, {"topic": "diagnosis"}))
    assert "Raport diagnozy" in page and "Przewodnik negocjacji" not in page
    page = _text(client.get(LIST, {"kind": "guide"}))
    assert "Przewodnik negocjacji" in page and "Raport diagnozy" not in page


def test_an_unknown_filter_value_is_named_and_left_out(client, persona):
    make_material(persona("rops.kielce"), title="Raport diagnozy", access_level="public")
    _in_english(client)
    response = client.get(LIST, {"kind": "nonsense"})
    assert response.status_code == 400
    assert "Select a valid choice" in _text(response)
    assert "Raport diagnozy" in _text(response)


def test_a_search_that_finds_nothing_says_so(client):
    _in_english(client)
    assert "No material matches the search" in _text(client.get(LIST, {"q": "zzzyyyxxx"}))


# --- Download -----------------------------------------------------------------------------------


def test_anyone_downloads_a_public_material(client, levels):
    response = client.get(_url("material_file", levels["public"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_anonymous_visitors_are_sent_to_sign_in_for_a_staff_material(client, levels):
    response = client.get(_url("material_file", levels["staff"]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_region_material_of_another_voivodeship_is_not_found(client, login_as, levels):
    login_as("rops.rzeszow")
    assert client.get(_url("material_file", levels["region"])).status_code == 404
    login_as("gops.mirzec")
    assert client.get(_url("material_file", levels["other_region"])).status_code == 404
    assert client.get(_url("material_file", levels["region"])).status_code == 200


def test_an_unknown_material_is_not_found_for_signed_in_users(client, login_as):
    login_as("gops.mirzec")
    url = reverse("learning:material_file", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 405


# --- Upload -------------------------------------------------------------------------------------


def _upload_post(**changes):
    data = {
        "title": "Nowy poradnik",
        "description": "Opis",
        "kind": "guide",
        "topic": "model",
        "access_level": "region",
        "voivodeship": "26",
        "file": pdf_upload("poradnik.pdf"),
    }
    return data | changes


def test_an_analyst_uploads_a_region_material_of_their_voivodeship(client, login_as):
    user = login_as("rops.kielce")
    response = client.post(UPLOAD, _upload_post())
    assert response.status_code == 302
    material = Material.objects.get(title="Nowy poradnik")
    assert material.voivodeship is not None and material.voivodeship.code == "26"
    assert material.content_type == "application/pdf"
    assert material.filename == "poradnik.pdf"
    assert material.uploaded_by == user
    assert material.size > 0


def test_an_analysts_public_material_stays_in_their_region_to_keep(client, login_as):
    login_as("rops.kielce")
    assert client.post(UPLOAD, _upload_post(access_level="public", voivodeship="")).status_code == 302
    material = Material.objects.get(title="Nowy poradnik")
    assert material.voivodeship is not None and material.voivodeship.code == "26"


def test_an_analyst_cannot_give_a_material_another_voivodeship(client, login_as):
    login_as("rops.kielce")
    _in_english(client)
    response = client.post(UPLOAD, _upload_post(voivodeship="18"))
    assert response.status_code == 400
    assert "Select a valid choice" in _text(response)
    assert not Material.objects.filter(title="Nowy poradnik").exists()


def test_a_region_material_needs_a_voivodeship(client, login_as):
    login_as("admin")
    _in_english(client)
    response = client.post(UPLOAD, _upload_post(voivodeship=""))
    assert response.status_code == 400
    assert "Choose the voivodeship whose staff may open the material." in _text(response)
    assert not Material.objects.filter(title="Nowy poradnik").exists()


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(client, login_as, tmp_path):
    login_as("rops.kielce")
    _in_english(client)
    stored_before = Material.objects.count()
    fake = SimpleUploadedFile("poradnik.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(UPLOAD, _upload_post(file=fake))
    assert response.status_code == 400
    assert "its content is not a PDF file" in _text(response)
    assert Material.objects.count() == stored_before


def test_an_executable_is_refused(client, login_as):
    login_as("rops.kielce")
    _in_english(client)
    response = client.post(UPLOAD, _upload_post(file=SimpleUploadedFile("run.exe", b"MZ\x90\x00\x03\x00")))
    assert response.status_code == 400
    assert "This kind of file is not accepted." in _text(response)
    assert not Material.objects.filter(title="Nowy poradnik").exists()


def test_an_upload_without_a_file_or_title_is_refused(client, login_as):
    login_as("admin")
    response = client.post(UPLOAD, {"title": "", "kind": "guide", "topic": "model", "access_level": "staff"})
    assert response.status_code == 400
    assert not Material.objects.filter(title="").exists()


def test_staff_who_are_not_analysts_may_not_upload(client, login_as):
    login_as("lider.mirzec")
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, _upload_post()).status_code == 403
    assert not Material.objects.filter(title="Nowy poradnik").exists()


# --- Edit and delete ----------------------------------------------------------------------------


def _edit_post(**changes):
    data = {"title": "Nowy tytuł", "description": "", "kind": "report", "topic": "model", "access_level": "staff"}
    return data | {"voivodeship": "26", "version": "1"} | changes


def test_an_analyst_of_the_voivodeship_edits_what_is_said_about_a_material(client, login_as, levels):
    login_as("rops.kielce")
    assert client.get(_url("material_edit", levels["region"])).status_code == 200
    response = client.post(_url("material_edit", levels["region"]), _edit_post())
    assert response.status_code == 302
    levels["region"].refresh_from_db()
    assert (levels["region"].title, levels["region"].access_level) == ("Nowy tytuł", "staff")


def test_an_edit_made_on_a_stale_page_shows_the_conflict_and_changes_nothing(client, login_as, levels):
    login_as("rops.kielce")
    assert client.post(_url("material_edit", levels["region"]), _edit_post(title="Pierwsza zmiana")).status_code == 302
    response = client.post(_url("material_edit", levels["region"]), _edit_post(title="Druga zmiana"))
    assert response.status_code == 409
    assert "Pierwsza zmiana" in _text(response)
    levels["region"].refresh_from_db()
    assert (levels["region"].title, levels["region"].version) == ("Pierwsza zmiana", 2)


def test_an_analyst_of_another_voivodeship_may_not_edit_what_they_see(client, login_as, levels):
    login_as("rops.rzeszow")
    assert client.post(_url("material_edit", levels["staff"]), _edit_post()).status_code == 403
    levels["staff"].refresh_from_db()
    assert levels["staff"].title == "Wzór porozumienia dla kadr"


def test_bad_input_in_an_edit_changes_nothing(client, login_as, levels):
    login_as("admin")
    _in_english(client)
    response = client.post(_url("material_edit", levels["region"]), _edit_post(access_level="region", voivodeship=""))
    assert response.status_code == 400
    assert "Choose the voivodeship" in _text(response)
    levels["region"].refresh_from_db()
    assert levels["region"].title == "Prezentacja świętokrzyska"


def test_deleting_asks_first_then_removes_the_material_and_its_file(client, login_as, levels):
    login_as("admin")
    material = levels["staff"]
    storage, name = material.file.storage, material.file.name
    page = client.get(_url("material_delete", material))
    assert page.status_code == 200 and material.title in _text(page)
    assert Material.objects.filter(pk=material.pk).exists()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())
        response = client.post(_url("material_delete", material))
    assert response.status_code == 302
    assert not Material.objects.filter(pk=material.pk).exists()
    assert not storage.exists(name)


def test_a_reader_may_not_delete(client, login_as, levels):
    login_as("gops.mirzec")
    assert client.post(_url("material_delete", levels["staff"])).status_code == 403
    assert Material.objects.filter(pk=levels["staff"].pk).exists()
