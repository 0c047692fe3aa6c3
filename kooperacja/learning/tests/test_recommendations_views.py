"""The recommendation pages: the list per region with filters and its CSV export, one
recommendation with its remarks and decision, editing with conflicts, the summary for the
project leader, refusals, and the query counts."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from kooperacja.learning.models import Recommendation
from kooperacja.learning.tests.consultation_factories import RZESZOW, make_recommendation, make_remark, region

pytestmark = pytest.mark.django_db


def _url(name: str, obj) -> str:
    return reverse(f"learning:{name}", args=[obj.public_id])


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def _in_english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- The list, the export and the summary --------------------------------------------------


def test_the_list_shows_each_recommendation_with_its_remarks_count_and_status(client, login_as):
    recommendation = make_recommendation(remarks=(make_remark(), make_remark()), title="Mapa zasobów")
    login_as("policja.mirzec")
    page = _text(client.get(reverse("learning:recommendations")))
    assert "Mapa zasobów" in page and _url("recommendation", recommendation) in page
    assert "badge-neutral" in page  # proposed
    assert reverse("learning:recommendation_create") not in page


def test_the_list_filters_by_region_and_bad_filters_show_nothing(client, login_as):
    make_recommendation(title="Z Kielc")
    make_recommendation(region_name=RZESZOW, title="Z Rzeszowa")
    login_as("rops.rzeszow")
    page = _text(client.get(reverse("learning:recommendations"), {"region": region(RZESZOW).public_id}))
    assert "Z Rzeszowa" in page and "Z Kielc" not in page
    page = _text(client.get(reverse("learning:recommendations"), {"variant": "city"}))
    assert "Z Rzeszowa" not in page
    bad = client.get(reverse("learning:recommendations"), {"status": "maybe"})
    assert bad.status_code == 400 and "Z Kielc" not in _text(bad)


def test_the_list_asks_the_same_number_of_queries_for_few_or_many(client, login_as, django_assert_max_num_queries):
    login_as("rops.kielce")
    make_recommendation(remarks=(make_remark(),))
    client.get(reverse("learning:recommendations"))
    with django_assert_max_num_queries(12):
        client.get(reverse("learning:recommendations"))
    for _index in range(8):
        make_recommendation(remarks=(make_remark(),), region_name=RZESZOW)
    with django_assert_max_num_queries(12):
        client.get(reverse("learning:recommendations"))


def test_the_csv_export_has_the_filtered_list(client, login_as):
    make_recommendation(kind="evaluation", title="=Narzędzia ewaluacji")
    make_recommendation(kind="training", title="Szkolenia")
    login_as("gops.mirzec")
    response = client.get(reverse("learning:recommendations_export"), {"kind": "evaluation"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "'=Narzędzia ewaluacji" in text  # no formula reaches the spreadsheet
    assert "Szkolenia" not in text


def test_the_summary_shows_the_tables_the_chart_and_the_silent_regions(client, login_as):
    make_recommendation(kind="legal_change", remarks=(make_remark(topic="overload"),))
    login_as("rops.rzeszow")
    page = _text(client.get(reverse("learning:recommendations_summary")))
    assert "Recommendations by region and kind" in page and "Recommendations by region and status" in page
    assert 'role="img"' in page and "The same figures are in the Total column of the table above." in page
    assert "overload and gratification" in page
    silent = page.split('id="silent"')[1].split("<h2")[0]
    assert "ROPS Lublin" in silent and "ROPS Kielce" not in silent


def test_the_summary_asks_the_same_number_of_queries_for_few_or_many(client, login_as, django_assert_max_num_queries):
    login_as("rops.rzeszow")
    make_recommendation(remarks=(make_remark(),))
    client.get(reverse("learning:recommendations_summary"))
    with django_assert_max_num_queries(12):
        client.get(reverse("learning:recommendations_summary"))
    for index in range(8):
        make_recommendation(
            remarks=(make_remark(topic=["goals", "legal"][index % 2]),),
            region_name=[RZESZOW, "ROPS Kielce"][index % 2],
            kind=["training", "evaluation", "legal_change"][index % 3],
        )
    with django_assert_max_num_queries(12):
        client.get(reverse("learning:recommendations_summary"))


# --- One recommendation ---------------------------------------------------------------------


def test_the_page_shows_the_remarks_it_is_drawn_from(client, login_as):
    remark = make_remark(text="Brak Lidera.")
    recommendation = make_recommendation(remarks=(remark,))
    login_as("pcpr.starachowice")
    page = _text(client.get(_url("recommendation", recommendation)))
    assert "Brak Lidera." in page and _url("consultation", remark.consultation) in page
    assert "Save the decision" not in page


def test_a_keeper_records_a_recommendation_and_must_choose_a_variant(client, login_as):
    remark = make_remark()
    login_as("rops.kielce")
    fields = {"region": region().public_id, "title": "Mapa zasobów", "text": "Sporządzić mapę.", "kind": "model_change"}
    refused = client.post(reverse("learning:recommendation_create"), fields)
    assert refused.status_code == 400
    assert "Choose at least one variant of the model" in _text(refused)
    assert not Recommendation.objects.filter(title="Mapa zasobów").exists()
    response = client.post(
        reverse("learning:recommendation_create"),
        fields | {"variants": ["rural", "urban_rural"], "remarks": [remark.public_id]},
    )
    recommendation = Recommendation.objects.get(title="Mapa zasobów")
    assert response.status_code == 302
    assert list(recommendation.remarks.all()) == [remark] and recommendation.for_urban_rural


def test_an_analyst_may_not_record_for_another_region(client, login_as):
    login_as("rops.rzeszow")
    response = client.post(
        reverse("learning:recommendation_create"),
        {"region": region().public_id, "title": "Cudza", "text": "x", "kind": "training", "variants": ["rural"]},
    )
    assert response.status_code == 400
    assert not Recommendation.objects.filter(title="Cudza").exists()


def test_a_decision_without_a_reason_is_refused_and_with_one_it_is_saved(client, login_as):
    recommendation = make_recommendation()
    login_as("rops.kielce")
    refused = client.post(
        _url("recommendation_decide", recommendation), {"status": "rejected", "reason": "", "version": 1}
    )
    assert refused.status_code == 400 and "Give the reason for the decision." in _text(refused)
    recommendation.refresh_from_db()
    assert recommendation.status == "proposed"
    saved = client.post(
        _url("recommendation_decide", recommendation), {"status": "rejected", "reason": "Poza Modelem.", "version": 1}
    )
    assert saved.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.reason) == ("rejected", "Poza Modelem.")
    page = _text(client.get(_url("recommendation", recommendation)))
    assert "badge-danger" in page and "Poza Modelem." in page


def test_a_decided_recommendation_shows_its_decision_and_reason_above_an_empty_reason(client, login_as):
    recommendation = make_recommendation()
    login_as("rops.kielce")
    client.post(
        _url("recommendation_decide", recommendation),
        {"status": "rejected", "reason": "Poza zakresem Modelu.", "version": 1},
    )
    page = client.get(_url("recommendation", recommendation))
    form = page.context["form"]
    assert form.initial["status"] == "rejected" and form.initial["reason"] == ""
    assert "The decision so far: rejected." in _text(page) and "Its reason:" in _text(page)
    refused = client.post(
        _url("recommendation_decide", recommendation),
        {"status": "implemented", "reason": "Poza zakresem Modelu.", "version": 2},
    )
    assert refused.status_code == 400
    assert "The decision changes: give the reason for the new decision." in _text(refused)
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.reason) == ("rejected", "Poza zakresem Modelu.")
    saved = client.post(
        _url("recommendation_decide", recommendation),
        {"status": "implemented", "reason": "Wdrożono w gminach wiejskich.", "version": 2},
    )
    assert saved.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.reason) == ("implemented", "Wdrożono w gminach wiejskich.")


def test_a_stale_decision_or_edit_gets_the_conflict_box(client, login_as):
    recommendation = make_recommendation()
    login_as("rops.kielce")
    client.post(_url("recommendation_decide", recommendation), {"status": "accepted", "reason": "Tak.", "version": 1})
    stale = client.post(
        _url("recommendation_decide", recommendation), {"status": "rejected", "reason": "Nie.", "version": 1}
    )
    assert stale.status_code == 409 and "Someone else saved this record while you were editing it" in _text(stale)
    edit = client.post(
        _url("recommendation_edit", recommendation),
        {"title": "Nowy", "text": "x", "kind": "training", "variants": ["rural"], "version": 1},
    )
    assert edit.status_code == 409
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.title, recommendation.version) == (
        "accepted",
        "Wspólna baza danych",
        2,
    )


def test_another_region_may_not_decide_or_edit_and_unknown_is_not_found(client, login_as):
    recommendation = make_recommendation()
    login_as("rops.rzeszow")
    assert client.get(_url("recommendation_edit", recommendation)).status_code == 403
    response = client.post(
        _url("recommendation_decide", recommendation), {"status": "accepted", "reason": "x", "version": 1}
    )
    assert response.status_code == 403
    recommendation.refresh_from_db()
    assert recommendation.status == "proposed"
    unknown = reverse("learning:recommendation", args=["1b4e28ba-2fa1-11d2-883f-0016d3cca427"])
    assert client.get(unknown).status_code == 404
    assert client.post(_url("recommendation", recommendation)).status_code == 405
