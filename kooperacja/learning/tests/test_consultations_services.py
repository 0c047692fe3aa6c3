"""The rules of consultations, their participants and remarks, and the demo: what the service
records and what it refuses (nothing is saved on a refusal)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kooperacja.institutions.models import Institution
from kooperacja.learning import consultations as service
from kooperacja.learning import demo_consultations
from kooperacja.learning.models import Consultation, ConsultationParticipant, Recommendation, Remark
from kooperacja.learning.tests.consultation_factories import (
    make_consultation,
    make_recommendation,
    make_remark,
    region,
)

pytestmark = pytest.mark.django_db


def _data(**changes: Any) -> service.ConsultationData:
    values: dict[str, Any] = {
        "title": "Konsultacje",
        "held_on": dt.date(2019, 1, 25),
        "place": "Sandomierz",
        "organiser": region(),
    }
    return service.ConsultationData(**(values | changes))


def test_it_records_a_consultation_of_a_regional_centre():
    consultation = service.create_consultation(None, _data(title="  Konsultacje w Sandomierzu "))
    assert consultation.title == "Konsultacje w Sandomierzu"
    assert consultation.organiser.short_name == "ROPS Kielce"
    assert consultation.version == 1


def test_it_refuses_a_consultation_without_title_or_place_or_organised_by_a_gops():
    gops = Institution.objects.get(kind="gops", municipality__name="Mirzec")
    before = Consultation.objects.count()
    for bad in (_data(title=" "), _data(place=""), _data(organiser=gops)):
        with pytest.raises(ValidationError):
            service.create_consultation(None, bad)
    assert Consultation.objects.count() == before


def test_it_refuses_a_stale_edit_of_a_consultation():
    consultation = make_consultation()
    service.update_consultation(None, consultation, 1, _data(place="Kielce"))
    with pytest.raises(service.StaleConsultation):
        service.update_consultation(None, consultation, 1, _data(place="Opatów"))
    consultation.refresh_from_db()
    assert (consultation.place, consultation.version) == ("Kielce", 2)


def test_it_lists_a_participant_as_an_institution_or_a_described_group_once():
    consultation = make_consultation()
    service.add_participant(None, consultation, institution=region(), description="", people=3)
    service.add_participant(None, consultation, institution=None, description="pracownicy GOPS-ów", people=18)
    with pytest.raises(ValidationError, match="already listed"):
        service.add_participant(None, consultation, institution=region(), description="", people=1)
    with pytest.raises(ValidationError, match="describe who took part"):
        service.add_participant(None, consultation, institution=None, description="  ", people=1)
    with pytest.raises(ValidationError):
        service.add_participant(None, consultation, institution=None, description="PCPR", people=0)
    assert service.consultation_page(consultation).people == 21


def test_it_removes_a_participant_of_this_consultation_only():
    consultation, other = make_consultation(), make_consultation()
    participant = service.add_participant(None, other, institution=None, description="GOPS", people=2)
    with pytest.raises(ValidationError, match="no longer listed"):
        service.remove_participant(None, consultation, participant.pk)
    service.remove_participant(None, other, participant.pk)
    assert not ConsultationParticipant.objects.filter(pk=participant.pk).exists()


def test_it_refuses_a_remark_without_text_or_topic():
    consultation = make_consultation()
    for topic, text in (("goals", "  "), ("nonsense", "Uwaga")):
        with pytest.raises(ValidationError):
            service.add_remark(None, consultation, topic=topic, text=text)
    assert not consultation.remarks.exists()


def test_a_remark_that_fed_a_recommendation_cannot_be_deleted_and_another_can():
    linked, loose = make_remark(), make_remark(text="Inna uwaga")
    make_recommendation(remarks=(linked,))
    with pytest.raises(ValidationError, match="cannot be deleted"):
        service.delete_remark(None, linked)
    service.delete_remark(None, loose)
    assert Remark.objects.filter(pk=linked.pk).exists()
    assert not Remark.objects.filter(pk=loose.pk).exists()


def test_the_page_groups_remarks_by_topic_in_the_topics_order_with_what_they_fed():
    consultation = make_consultation()
    make_remark(consultation, topic="legal", text="Zmiana przepisów")
    first = make_remark(consultation, topic="demography", text="Starzenie się")
    make_remark(consultation, topic="demography", text="Niepełnosprawność")
    recommendation = make_recommendation(remarks=(first,))
    page = service.consultation_page(consultation)
    assert [(group.topic, len(group.remarks)) for group in page.topics] == [("demography", 2), ("legal", 1)]
    assert list(page.topics[0].remarks[0].recommendations.all()) == [recommendation]
    assert page.remark_count == 3


# --- The demo ---------------------------------------------------------------------------------


def _counts() -> tuple[int, int, int, int]:
    return (
        Consultation.objects.count(),
        ConsultationParticipant.objects.count(),
        Remark.objects.count(),
        Recommendation.objects.count(),
    )


def test_the_demo_records_the_three_meetings_the_seeds_remarks_and_kielces_recommendations_once():
    demo_consultations.load(print)
    after = _counts()
    demo_consultations.load(print)
    assert _counts() == after
    demo = Consultation.objects.filter(organiser__short_name="ROPS Kielce", programme__name="Liderzy kooperacji")
    assert demo.count() == 3
    assert Remark.objects.filter(consultation__in=demo).count() == 13
    assert 8 <= Recommendation.objects.filter(region__short_name="ROPS Kielce", programme__isnull=False).count() <= 10
    assert sorted((c.held_on, c.place) for c in demo) == [
        (dt.date(2019, 1, 25), "Sandomierz"),
        (dt.date(2019, 1, 29), "Skarżysko-Kamienna"),
        (dt.date(2019, 2, 6), "Kielce"),
    ]
    texts = set(Remark.objects.filter(consultation__in=demo).values_list("text", flat=True))
    assert "Brak wspólnej bazy danych." in texts
    assert any("Lidera" in text for text in texts)


def test_the_demo_recommendations_have_every_kind_mixed_statuses_and_a_reason_for_each_decision():
    demo_consultations.load(print)
    recommendations = Recommendation.objects.filter(region__short_name="ROPS Kielce", programme__isnull=False)
    assert {r.kind for r in recommendations} == {"model_change", "legal_change", "evaluation", "training"}
    assert {r.status for r in recommendations} >= {"proposed", "accepted", "partly", "rejected", "implemented"}
    for recommendation in recommendations:
        decided = recommendation.status != "proposed"
        assert bool(recommendation.reason) == decided
        assert (recommendation.decided_at is not None) == decided
        assert recommendation.remarks.exists()
    assert sum(r.for_rural for r in recommendations) == len(recommendations)
    database = recommendations.get(title__startswith="Wspólna baza danych")
    assert database.status == "implemented" and "Kooperacja" in database.reason
