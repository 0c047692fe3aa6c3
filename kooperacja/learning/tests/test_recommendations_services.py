"""The rules of recommendations: variants, editing with a version, decisions with a reason, and
the figures of the list and the summary."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kooperacja.core.models import AuditEvent
from kooperacja.learning import consultations as service
from kooperacja.learning.models import Recommendation, RecommendationKind
from kooperacja.learning.tests.consultation_factories import RZESZOW, make_recommendation, make_remark, region

pytestmark = pytest.mark.django_db


def _data(**changes) -> service.RecommendationData:
    values = {"title": "Lider kooperacji", "text": "Wskazać Lidera.", "kind": "model_change"}
    return service.RecommendationData(**(values | changes))


@pytest.fixture(autouse=True)
def _english():
    """The refusals are matched by their English wording (the catalogue translates them)."""
    with translation.override("en"):
        yield


def test_it_records_a_proposed_recommendation_of_a_region_with_its_remarks():
    remark = make_remark()
    recommendation = service.create_recommendation(
        None, region(), _data(variants=frozenset({"rural", "city"}), remarks=(remark,))
    )
    assert recommendation.status == "proposed"
    assert (recommendation.for_rural, recommendation.for_urban_rural, recommendation.for_city) == (True, False, True)
    assert list(recommendation.remarks.all()) == [remark]


def test_it_refuses_a_recommendation_without_a_variant_title_or_kind_saving_nothing():
    before = Recommendation.objects.count()
    for bad in (_data(variants=frozenset()), _data(title=""), _data(kind="wish")):
        with pytest.raises(ValidationError):
            service.create_recommendation(None, region(), bad)
    with pytest.raises(ValidationError, match="at least one variant"):
        service.create_recommendation(None, region(), _data(variants=frozenset()))
    assert Recommendation.objects.count() == before


def test_it_edits_text_variants_and_remarks_but_refuses_a_stale_version():
    recommendation = make_recommendation(remarks=(make_remark(),))
    other = make_remark(text="Inna")
    service.update_recommendation(None, recommendation, 1, _data(variants=frozenset({"city"}), remarks=(other,)))
    recommendation.refresh_from_db()
    assert (recommendation.for_rural, recommendation.for_city, recommendation.version) == (False, True, 2)
    assert list(recommendation.remarks.all()) == [other]
    with pytest.raises(service.StaleRecommendation):
        service.update_recommendation(None, recommendation, 1, _data(title="Stara wersja"))
    recommendation.refresh_from_db()
    assert recommendation.title == "Lider kooperacji"


@pytest.mark.parametrize("status", ["accepted", "partly", "rejected", "implemented"])
def test_a_decision_needs_its_reason(status, persona):
    recommendation = make_recommendation()
    with pytest.raises(ValidationError, match="reason"):
        service.decide(persona("rops.kielce"), recommendation, 1, status=status, reason="  ")
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.version) == ("proposed", 1)
    service.decide(persona("rops.kielce"), recommendation, 1, status=status, reason="Bo tak ustalono.")
    recommendation.refresh_from_db()
    assert recommendation.status == status
    assert recommendation.decided_by == persona("rops.kielce")
    assert recommendation.decided_at is not None


def test_back_to_proposed_clears_who_decided_and_when(persona):
    recommendation = make_recommendation()
    service.decide(persona("rops.kielce"), recommendation, 1, status="accepted", reason="Przyjęto.")
    service.decide(persona("rops.kielce"), recommendation, 2, status="proposed", reason="")
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.decided_by, recommendation.decided_at) == ("proposed", None, None)


@pytest.mark.parametrize("status", ["accepted", "partly", "implemented"])
def test_a_changed_decision_needs_a_reason_of_its_own(status, persona):
    recommendation = make_recommendation()
    service.decide(persona("rops.kielce"), recommendation, 1, status="rejected", reason="Poza zakresem Modelu.")
    for stale_reason in ("Poza zakresem Modelu.", "  Poza zakresem Modelu. ", ""):
        with pytest.raises(ValidationError, match="reason") as refusal:
            service.decide(persona("rops.kielce"), recommendation, 2, status=status, reason=stale_reason)
    assert "The decision changes: give the reason for the new decision." in str(refusal.value)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.reason, recommendation.version) == (
        "rejected",
        "Poza zakresem Modelu.",
        2,
    )
    service.decide(persona("rops.kielce"), recommendation, 2, status=status, reason="Wdrożono w 2025 r.")
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.reason) == (status, "Wdrożono w 2025 r.")


def test_the_same_decision_may_keep_or_reword_its_reason(persona):
    recommendation = make_recommendation()
    service.decide(None, recommendation, 1, status="accepted", reason="Przyjęto.")
    service.decide(None, recommendation, 2, status="accepted", reason="Przyjęto.")
    service.decide(None, recommendation, 3, status="accepted", reason="Przyjęto po konsultacjach.")
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.reason, recommendation.version) == (
        "accepted",
        "Przyjęto po konsultacjach.",
        4,
    )


def test_the_audit_log_keeps_each_decision_with_old_and_new_status_and_the_reason(persona):
    recommendation = make_recommendation()
    service.decide(persona("rops.kielce"), recommendation, 1, status="rejected", reason="Poza zakresem.")
    service.decide(persona("rops.kielce"), recommendation, 2, status="implemented", reason="Wdrożono.")
    events = AuditEvent.objects.filter(object_id=str(recommendation.public_id)).order_by("id")
    decisions = [
        {key: event.details.get(key) for key in ("old_status", "status", "old_reason", "reason")}
        for event in events
        if "status" in event.details
    ]
    assert decisions == [
        {"old_status": "proposed", "status": "rejected", "old_reason": "", "reason": "Poza zakresem."},
        {"old_status": "rejected", "status": "implemented", "old_reason": "Poza zakresem.", "reason": "Wdrożono."},
    ]
    assert [event.actor for event in events][-1] == persona("rops.kielce")


def test_a_stale_decision_is_refused(persona):
    recommendation = make_recommendation()
    service.decide(None, recommendation, 1, status="rejected", reason="Poza zakresem.")
    with pytest.raises(service.StaleRecommendation):
        service.decide(None, recommendation, 1, status="accepted", reason="Przyjęto.")
    recommendation.refresh_from_db()
    assert recommendation.status == "rejected"


def test_the_list_filters_by_region_kind_status_and_variant():
    kielce = make_recommendation(kind="training", variants=frozenset({"city"}))
    rzeszow = make_recommendation(region_name=RZESZOW, kind="evaluation")
    mine = set(Recommendation.objects.filter(pk__in=[kielce.pk, rzeszow.pk]))

    def found(**chosen) -> set[Recommendation]:
        return set(service.recommendations_for_list(service.RecommendationFilter(**chosen))) & mine

    assert found(region=region(RZESZOW)) == {rzeszow}
    assert found(kind="training") == {kielce}
    assert found(variant="city") == {kielce}
    assert found(variant="rural") == {rzeszow}
    assert found(status="accepted") == set()
    assert found() == mine


def test_the_summary_counts_by_region_kind_status_and_topic_and_names_the_silent_regions():
    before = service.summary()
    remark = make_remark(topic="overload")
    make_recommendation(kind="legal_change", remarks=(remark,))
    make_recommendation(region_name=RZESZOW, kind="training")
    after = service.summary()
    rows = {row.label: row for row in after.by_kind.rows}
    previous = {row.label: row for row in before.by_kind.rows}
    legal = after.by_kind.columns.index(str(RecommendationKind.LEGAL_CHANGE.label))
    assert rows["ROPS Kielce"].cells[legal] == previous["ROPS Kielce"].cells[legal] + 1
    assert rows["ROPS Rzeszów"].total == previous["ROPS Rzeszów"].total + 1
    assert after.by_status.total == before.by_status.total + 2
    assert after.by_kind.total == sum(row.total for row in after.by_kind.rows)
    silent = {institution.short_name for institution in after.silent}
    assert "ROPS Rzeszów" not in silent and "ROPS Kielce" not in silent
    assert {"ROPS Lublin", "ROPS Białystok", "MCPS Warszawa"} <= silent
    assert after.remarks == before.remarks + 1
    assert [bar.value for bar in after.chart] == [row.total for row in after.by_kind.rows]
