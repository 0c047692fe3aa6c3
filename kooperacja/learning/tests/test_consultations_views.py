"""The consultation pages as users meet them: reading, recording a consultation, its
participants and remarks, bad input answered with nothing changed, concurrent edits, refusals
for those who may not keep it, and the query counts of the list and the page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from kooperacja.learning.models import Consultation, ConsultationParticipant, Remark
from kooperacja.learning.tests.consultation_factories import (
    make_consultation,
    make_recommendation,
    make_remark,
    region,
)

pytestmark = pytest.mark.django_db


def _url(name: str, obj) -> str:
    return reverse(f"learning:{name}", args=[obj.public_id])


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def _in_english(client) -> None:
    """Messages are checked by their English msgids (the Polish comes with the merged catalogue)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- Reading ---------------------------------------------------------------------------------


def test_every_signed_in_user_reads_the_list_with_people_and_remark_counts(client, login_as):
    consultation = make_consultation(place="Opatów")
    make_remark(consultation)
    from kooperacja.learning import consultations as service

    service.add_participant(None, consultation, institution=None, description="GOPS-y", people=17)
    login_as("szkola.mirzec")
    page = _text(client.get(reverse("learning:consultations")))
    assert "Opatów" in page and "25.01.2019" in page and ">17<" in page
    assert reverse("learning:consultation_create") not in page


def test_the_list_asks_the_same_number_of_queries_for_one_consultation_or_many(
    client, login_as, django_assert_max_num_queries
):
    login_as("rops.kielce")
    make_remark(make_consultation())
    client.get(reverse("learning:consultations"))
    with django_assert_max_num_queries(12):
        client.get(reverse("learning:consultations"))
    for _index in range(6):
        make_remark(make_consultation())
    with django_assert_max_num_queries(12):
        client.get(reverse("learning:consultations"))


def test_the_page_shows_date_place_organiser_participants_and_remarks_by_topic_with_what_they_fed(client, login_as):
    consultation = make_consultation(place="Skarżysko-Kamienna")
    from kooperacja.learning import consultations as service

    service.add_participant(None, consultation, institution=region(), description="", people=3)
    remark = make_remark(consultation, topic="goals", text="Trudno formułować cele.")
    recommendation = make_recommendation(remarks=(remark,), title="Szkolenia z celów")
    login_as("gops.oksa")
    page = _text(client.get(_url("consultation", consultation)))
    assert "Skarżysko-Kamienna" in page and "25.01.2019" in page
    assert region().name in page
    assert "goals and mutual expectations" in page and "Trudno formułować cele." in page
    assert _url("recommendation", recommendation) in page and "Szkolenia z celów" in page
    assert _url("consultation_edit", consultation) not in page  # a reader, not a keeper


def test_the_page_asks_the_same_number_of_queries_for_few_or_many_remarks(
    client, login_as, django_assert_max_num_queries
):
    login_as("rops.kielce")
    consultation = make_consultation()
    make_recommendation(remarks=(make_remark(consultation),))
    client.get(_url("consultation", consultation))
    with django_assert_max_num_queries(20):
        client.get(_url("consultation", consultation))
    for index in range(8):
        remark = make_remark(consultation, topic=["goals", "legal", "overload"][index % 3])
        make_recommendation(remarks=(remark,))
    with django_assert_max_num_queries(20):
        client.get(_url("consultation", consultation))


def test_an_unknown_consultation_is_not_found(client, login_as):
    login_as("rops.kielce")
    assert (
        client.get(reverse("learning:consultation", args=["1b4e28ba-2fa1-11d2-883f-0016d3cca427"])).status_code == 404
    )


# --- Recording a consultation ---------------------------------------------------------------


def test_an_analyst_records_a_consultation_organised_by_their_own_centre_only(client, login_as):
    login_as("rops.kielce")
    form = _text(client.get(reverse("learning:consultation_create")))
    assert str(region().public_id) in form
    assert str(region("ROPS Rzeszów").public_id) not in form
    response = client.post(
        reverse("learning:consultation_create"),
        {
            "title": "Konsultacje w Opatowie",
            "held_on": "2019-02-10",
            "place": "Opatów",
            "organiser": region().public_id,
        },
    )
    consultation = Consultation.objects.get(title="Konsultacje w Opatowie")
    assert response.status_code == 302 and response["Location"].endswith(f"{_url('consultation', consultation)}#main")
    refused = client.post(
        reverse("learning:consultation_create"),
        {"title": "Cudze", "held_on": "2019-02-10", "place": "Rzeszów", "organiser": region("ROPS Rzeszów").public_id},
    )
    assert refused.status_code == 400
    assert not Consultation.objects.filter(title="Cudze").exists()


def test_bad_input_is_answered_and_nothing_is_recorded(client, login_as):
    login_as("rops.kielce")
    before = Consultation.objects.count()
    response = client.post(reverse("learning:consultation_create"), {"title": "", "held_on": "31.02.2019"})
    assert response.status_code == 400
    assert "Nothing was saved: correct the form." in _text(response)
    assert Consultation.objects.count() == before


def test_a_stale_edit_gets_the_conflict_box_and_changes_nothing(client, login_as):
    consultation = make_consultation()
    login_as("rops.kielce")
    fields = {"title": "Nowy tytuł", "held_on": "2019-01-25", "place": "Sandomierz", "organiser": region().public_id}
    assert client.post(_url("consultation_edit", consultation), fields | {"version": 1}).status_code == 302
    response = client.post(_url("consultation_edit", consultation), fields | {"title": "Inny", "version": 1})
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing it" in _text(response)
    consultation.refresh_from_db()
    assert (consultation.title, consultation.version) == ("Nowy tytuł", 2)


def test_another_region_reads_but_may_not_keep_the_consultation(client, login_as):
    consultation = make_consultation()
    login_as("rops.rzeszow")
    assert client.get(_url("consultation", consultation)).status_code == 200
    assert client.get(_url("consultation_edit", consultation)).status_code == 403
    response = client.post(_url("consultation_remark_add", consultation), {"topic": "goals", "text": "Uwaga"})
    assert response.status_code == 403
    assert not consultation.remarks.exists()


def test_a_non_analyst_may_not_record_a_consultation(client, login_as):
    login_as("lider.mirzec")
    assert client.get(reverse("learning:consultation_create")).status_code == 403


def test_wrong_method_is_refused(client, login_as):
    consultation = make_consultation()
    login_as("rops.kielce")
    assert client.get(_url("consultation_remark_add", consultation)).status_code == 405
    assert client.delete(_url("consultation", consultation)).status_code == 405


# --- Participants and remarks --------------------------------------------------------------


def test_a_keeper_adds_and_removes_participants_and_bad_input_changes_nothing(client, login_as):
    consultation = make_consultation()
    login_as("rops.kielce")
    added = client.post(
        _url("consultation_participant_add", consultation), {"description": "pracownicy PCPR-ów", "people": "6"}
    )
    assert added.status_code == 302 and added["Location"].endswith("#participants")
    participant = ConsultationParticipant.objects.get(consultation=consultation)
    empty = client.post(_url("consultation_participant_add", consultation), {"people": "2"})
    assert empty.status_code == 400
    assert "Choose an institution or describe who took part." in _text(empty)
    assert (
        client.post(_url("consultation_participant_add", consultation), {"description": "x", "people": "0"}).status_code
        == 400
    )
    assert consultation.participants.count() == 1
    unknown = client.post(_url("consultation_participant_remove", consultation), {"participant": participant.pk + 999})
    assert unknown.status_code == 400 and "no longer listed" in _text(unknown)
    removed = client.post(_url("consultation_participant_remove", consultation), {"participant": participant.pk})
    assert removed.status_code == 302
    assert not consultation.participants.exists()


def test_a_keeper_adds_a_remark_told_never_to_name_a_person(client, login_as):
    consultation = make_consultation()
    login_as("rops.kielce")
    page = _text(client.get(_url("consultation", consultation)))
    assert "Never a person&#x27;s name." in page or "Never a person's name." in page
    response = client.post(
        _url("consultation_remark_add", consultation),
        {"topic": "overload", "text": "Przeciążenie.", "raised_by": "GOPS"},
    )
    remark = Remark.objects.get(consultation=consultation)
    assert response["Location"].endswith(f"#remark-{remark.public_id}")
    bad = client.post(_url("consultation_remark_add", consultation), {"topic": "", "text": ""})
    assert bad.status_code == 400 and "The remark was not added: correct the form." in _text(bad)
    assert consultation.remarks.count() == 1


def test_a_remark_with_recommendations_is_not_deleted_and_the_page_says_why(client, login_as):
    consultation = make_consultation()
    linked, loose = make_remark(consultation), make_remark(consultation, text="Do usunięcia")
    make_recommendation(remarks=(linked,))
    login_as("rops.kielce")
    page = _text(client.get(_url("consultation", consultation)))
    assert "It cannot be deleted: it is the evidence behind these recommendations." in page
    refused = client.post(_url("remark_delete", linked))
    assert refused.status_code == 400 and "cannot be deleted" in _text(refused)
    assert Remark.objects.filter(pk=linked.pk).exists()
    assert client.post(_url("remark_delete", loose)).status_code == 302
    assert not Remark.objects.filter(pk=loose.pk).exists()
