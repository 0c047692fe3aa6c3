"""Agreements, their parties, obligations and evidence: the services and the pages; bad input
changes nothing; stale versions get the conflict box; query counts."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from kooperacja.core import evidence
from kooperacja.core.models import EvidenceLink
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.teams import agreements, services
from kooperacja.teams.models import (
    Agreement,
    AgreementParty,
    MeetingKind,
    MeetingStatus,
    Obligation,
    ObligationStatus,
    PartyKind,
)
from kooperacja.teams.tests.factories import institution_of, make_meeting, make_team, user
from kooperacja.territory.models import County, Municipality, Voivodeship

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TODAY = timezone.localdate
SIGNED = dt.date(2018, 8, 20)


def said(response, message: str) -> bool:
    with override("pl"):
        return escape(gettext(message)) in response.content.decode()


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def agreement(team):
    return agreements.create_agreement(
        user("lider.mirzec"), team, title="Porozumienie o współpracy", subject="Wspólne działania", signed_on=SIGNED
    )


def county_party(agreement, code: str = "2611") -> AgreementParty:
    choice = agreements.PartyChoice(kind=PartyKind.COUNTY, county=County.objects.get(code=code))
    return agreements.add_party(user("lider.mirzec"), agreement, choice)


def obligation_of(agreement, text: str = "Udostępnić salę", **fields) -> Obligation:
    party = agreement.parties.first() or county_party(agreement)
    return agreements.add_obligation(user("lider.mirzec"), agreement, party=party, text=text, **fields)


def held_meeting(team):
    return make_meeting(team, starts_at=timezone.now() - dt.timedelta(days=3), status=MeetingStatus.HELD)


def podkarpackie_gmina() -> Municipality:
    """A gmina of another voivodeship (the demo's extract holds only świętokrzyskie gminas)."""
    county, _new = County.objects.get_or_create(
        code="1816", defaults={"name": "rzeszowski", "voivodeship": Voivodeship.objects.get(code="18")}
    )
    return Municipality.objects.get_or_create(
        code="1816092", defaults={"name": "Tyczyn", "kind": "3", "county": county}
    )[0]


# --- The services ------------------------------------------------------------------------------


def test_it_records_an_agreement_with_its_scan(team):
    agreement = agreements.create_agreement(
        user("lider.mirzec"),
        team,
        title="Porozumienie z 24 sierpnia",
        signed_on=dt.date(2018, 8, 24),
        scan=SimpleUploadedFile("skan.pdf", PDF_BYTES),
    )
    assert (agreement.scan_name, agreement.scan_type) == ("skan.pdf", "application/pdf")
    assert agreement.scan.read() == PDF_BYTES


def test_it_refuses_an_agreement_signed_in_the_future_or_with_a_bad_scan(team):
    with pytest.raises(ValidationError) as refused:
        agreements.create_agreement(user("lider.mirzec"), team, title="A", signed_on=TODAY() + dt.timedelta(1))
    assert "signed_on" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        agreements.create_agreement(
            user("lider.mirzec"), team, title="A", signed_on=SIGNED, scan=SimpleUploadedFile("a.pdf", b"nie pdf")
        )
    assert "scan" in refused.value.error_dict
    assert not Agreement.objects.filter(team=team).exists()


def test_it_adds_parties_of_every_kind_from_the_teams_voivodeship(agreement):
    lead = user("lider.mirzec")
    choices = [
        agreements.PartyChoice(kind=PartyKind.VOIVODESHIP, voivodeship=Voivodeship.objects.get(code="26")),
        agreements.PartyChoice(kind=PartyKind.COUNTY, county=County.objects.get(code="2611")),
        agreements.PartyChoice(kind=PartyKind.MUNICIPALITY, municipality=Municipality.objects.get(code="2611032")),
        agreements.PartyChoice(kind=PartyKind.INSTITUTION, institution=institution_of("policja.mirzec")),
    ]
    for choice in choices:
        agreements.add_party(lead, agreement, choice)
    assert agreement.parties.count() == 4


def test_it_refuses_a_party_outside_the_territory(agreement):
    rzeszow = Institution.objects.get(kind=InstitutionKind.ROPS, voivodeship__code="18")
    outside = [
        agreements.PartyChoice(kind=PartyKind.VOIVODESHIP, voivodeship=Voivodeship.objects.get(code="18")),
        agreements.PartyChoice(kind=PartyKind.MUNICIPALITY, municipality=podkarpackie_gmina()),
        agreements.PartyChoice(kind=PartyKind.INSTITUTION, institution=rzeszow),
    ]
    for choice in outside:
        with pytest.raises(ValidationError) as refused:
            agreements.add_party(user("lider.mirzec"), agreement, choice)
        assert "świętokrzyskie" in " ".join(refused.value.messages).lower()
    assert not agreement.parties.exists()


def test_it_refuses_the_same_party_twice_and_a_kind_without_its_unit(agreement):
    county_party(agreement)
    with pytest.raises(ValidationError):
        county_party(agreement)
    with pytest.raises(ValidationError):
        agreements.add_party(user("lider.mirzec"), agreement, agreements.PartyChoice(kind=PartyKind.COUNTY))
    assert agreement.parties.count() == 1


def test_it_numbers_obligations_within_the_agreement(agreement):
    first, second = obligation_of(agreement), obligation_of(agreement, "Wyznaczyć animatora")
    assert (first.number, second.number) == (1, 2)
    assert first.status == ObligationStatus.PENDING


def test_it_refuses_an_obligation_of_another_agreements_party(team, agreement):
    other = agreements.create_agreement(user("lider.mirzec"), team, title="Inne", signed_on=SIGNED)
    party = county_party(other)
    with pytest.raises(ValidationError):
        agreements.add_obligation(user("lider.mirzec"), agreement, party=party, text="X")


def test_it_sets_the_status_and_refuses_a_stale_version(agreement):
    obligation = obligation_of(agreement)
    saved = agreements.set_obligation_status(
        user("lider.mirzec"), obligation, ObligationStatus.IN_PROGRESS, "", obligation.version
    )
    assert (saved.status, saved.version) == (ObligationStatus.IN_PROGRESS, 2)
    with pytest.raises(agreements.StaleObligation):
        agreements.set_obligation_status(user("lider.mirzec"), obligation, ObligationStatus.FULFILLED, "", 1)
    obligation.refresh_from_db()
    assert obligation.status == ObligationStatus.IN_PROGRESS


def test_it_wants_a_note_when_an_obligation_was_not_fulfilled(agreement):
    obligation = obligation_of(agreement)
    with pytest.raises(ValidationError) as refused:
        agreements.set_obligation_status(
            user("lider.mirzec"), obligation, ObligationStatus.NOT_FULFILLED, " ", obligation.version
        )
    assert "note" in refused.value.error_dict


def test_it_links_a_held_meeting_and_a_document_of_the_team_as_evidence(team, agreement):
    obligation = obligation_of(agreement)
    meeting = held_meeting(team)
    document = services.add_document(user("lider.mirzec"), team, SimpleUploadedFile("l.pdf", PDF_BYTES), title="Lista")
    agreements.add_evidence(user("lider.mirzec"), obligation, meeting, "Lista obecności")
    agreements.add_evidence(user("lider.mirzec"), obligation, document)
    shown = evidence.links_of(obligation)
    assert [one.title for one in shown][1] == "Lista"
    assert shown[0].link.note == "Lista obecności"
    agreements.remove_evidence(user("lider.mirzec"), obligation, shown[0].link.public_id)
    assert len(evidence.links_of(obligation)) == 1


def test_it_refuses_evidence_of_another_team_or_a_meeting_not_held(team, agreement):
    obligation = obligation_of(agreement)
    other = make_team()
    for wrong in (held_meeting(other), make_meeting(team), None):
        with pytest.raises(ValidationError):
            agreements.add_evidence(user("lider.mirzec"), obligation, wrong)
    assert not evidence.links_of(obligation)


def test_it_offers_only_held_meetings_and_documents_of_the_team(team):
    held, planned = held_meeting(team), make_meeting(team)
    held_elsewhere = held_meeting(make_team())
    keys = [key for key, _label in agreements.evidence_candidates(team)]
    assert f"meeting:{held.public_id}" in keys
    assert f"meeting:{planned.public_id}" not in keys
    assert f"meeting:{held_elsewhere.public_id}" not in keys
    assert agreements.find_evidence(team, f"meeting:{held_elsewhere.public_id}") is None
    assert agreements.find_evidence(team, "meeting:nonsense") is None


def test_it_offers_a_held_case_conference_without_its_own_title(team):
    conference = make_meeting(
        team,
        starts_at=timezone.now() - dt.timedelta(days=3),
        status=MeetingStatus.HELD,
        kind=MeetingKind.CASE_CONFERENCE,
        title="Narada o rodzinie Kowalskich",
    )
    labels = dict(agreements.evidence_candidates(team))
    assert "Kowalskich" not in labels[f"meeting:{conference.public_id}"]
    assert conference.listed_title in labels[f"meeting:{conference.public_id}"]


def test_it_removes_only_a_link_of_the_obligation_named_by_its_public_id(client, login_as, team, agreement):
    obligation, other = obligation_of(agreement), obligation_of(agreement, "Inny obowiązek")
    link = evidence.link(other, held_meeting(team))
    login_as("lider.mirzec")
    for wrong in (link.public_id, uuid.uuid4()):
        response = client.post(reverse("teams:evidence_remove", args=[obligation.public_id, wrong]))
        assert response.status_code == 404
    assert EvidenceLink.objects.filter(pk=link.pk).exists()


# --- The pages ---------------------------------------------------------------------------------


def test_it_records_an_agreement_through_the_form(client, login_as, team):
    login_as("pcpr.starachowice")
    url = reverse("teams:agreement_create", args=[team.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Porozumienie z 1 sierpnia",
            "signed_on": "2018-08-01",
            "place": "Mirzec",
            "subject": "Powołanie zespołu",
            "scan": SimpleUploadedFile("skan.pdf", PDF_BYTES),
        },
    )
    agreement = Agreement.objects.get(team=team)
    assert response["Location"] == reverse("teams:agreement", args=[agreement.public_id])
    login_as("szkola.mirzec")
    scan = client.get(reverse("teams:agreement_scan", args=[agreement.public_id]))
    assert b"".join(scan.streaming_content) == PDF_BYTES


def test_it_answers_404_for_a_missing_scan(client, login_as, agreement):
    login_as("lider.mirzec")
    assert client.get(reverse("teams:agreement_scan", args=[agreement.public_id])).status_code == 404


def test_it_refuses_a_party_outside_the_territory_with_a_clear_message(client, login_as, agreement):
    login_as("lider.mirzec")
    gmina = podkarpackie_gmina()
    response = client.post(
        reverse("teams:party_add", args=[agreement.public_id]), {"kind": "municipality", "municipality": gmina.code}
    )
    assert response.status_code == 400
    assert escape(gmina.name) in response.content.decode()
    assert "świętokrzyskie" in response.content.decode().lower()
    assert not agreement.parties.exists()


def test_it_adds_a_party_and_an_obligation_through_the_forms(client, login_as, agreement):
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:party_add", args=[agreement.public_id]),
        {"kind": "county", "county": "2611", "represented_by": "Starosta"},
    )
    assert response.status_code == 302
    party = agreement.parties.get()
    response = client.post(
        reverse("teams:obligation_add", args=[agreement.public_id]),
        {"party": party.pk, "text": "Zapewnić animatora", "due_on": "2018-12-31"},
    )
    assert response.status_code == 302
    page = client.get(reverse("teams:agreement", args=[agreement.public_id])).content.decode()
    assert "Zapewnić animatora" in page
    assert "Starosta" in page


def test_it_refuses_an_obligation_without_text(client, login_as, agreement):
    party = county_party(agreement)
    login_as("lider.mirzec")
    response = client.post(reverse("teams:obligation_add", args=[agreement.public_id]), {"party": party.pk})
    assert response.status_code == 400
    assert not Obligation.objects.filter(agreement=agreement).exists()


def test_it_changes_the_status_of_an_obligation(client, login_as, agreement):
    obligation = obligation_of(agreement)
    login_as("lider.mirzec")
    url = reverse("teams:obligation", args=[obligation.public_id])
    response = client.post(url, {"status": "fulfilled", "note": "", "version": obligation.version})
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.status == ObligationStatus.FULFILLED


def test_it_refuses_not_fulfilled_without_a_note(client, login_as, agreement):
    obligation = obligation_of(agreement)
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:obligation", args=[obligation.public_id]),
        {"status": "not_fulfilled", "note": "", "version": obligation.version},
    )
    assert response.status_code == 400
    assert said(response, "Say why the obligation was not fulfilled.")
    obligation.refresh_from_db()
    assert obligation.status == ObligationStatus.PENDING


def test_it_answers_a_stale_status_with_the_conflict_box(client, login_as, agreement):
    obligation = obligation_of(agreement)
    login_as("lider.mirzec")
    url = reverse("teams:obligation", args=[obligation.public_id])
    client.post(url, {"status": "in_progress", "note": "Trwa", "version": obligation.version})
    response = client.post(url, {"status": "fulfilled", "note": "", "version": obligation.version})
    assert response.status_code == 409
    assert said(response, "Someone else saved this record while you were editing it")
    obligation.refresh_from_db()
    assert obligation.status == ObligationStatus.IN_PROGRESS


def test_it_links_and_removes_evidence_through_the_forms(client, login_as, team, agreement):
    obligation = obligation_of(agreement)
    meeting = held_meeting(team)
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:evidence_add", args=[obligation.public_id]),
        {"evidence": f"meeting:{meeting.public_id}", "note": "Protokół"},
    )
    assert response.status_code == 302
    link = EvidenceLink.objects.get(evidence_id=meeting.pk, subject_id=obligation.pk)
    page = client.get(reverse("teams:obligation", args=[obligation.public_id])).content.decode()
    remove_url = reverse("teams:evidence_remove", args=[obligation.public_id, link.public_id])
    assert meeting.title in page and remove_url in page
    response = client.post(remove_url)
    assert response.status_code == 302
    assert not EvidenceLink.objects.filter(pk=link.pk).exists()


def test_it_refuses_evidence_that_is_not_offered(client, login_as, team, agreement):
    obligation = obligation_of(agreement)
    planned = make_meeting(team)
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:evidence_add", args=[obligation.public_id]), {"evidence": f"meeting:{planned.public_id}"}
    )
    assert response.status_code == 400
    assert not evidence.links_of(obligation)


def test_it_lets_members_read_but_not_change_agreements(client, login_as, agreement):
    obligation = obligation_of(agreement)
    login_as("szkola.mirzec")
    page = client.get(reverse("teams:agreement", args=[agreement.public_id]))
    assert page.status_code == 200
    assert 'name="kind"' not in page.content.decode()
    url = reverse("teams:obligation", args=[obligation.public_id])
    assert client.post(url, {"status": "fulfilled", "version": obligation.version}).status_code == 403
    login_as("gops.oksa")
    assert client.get(url).status_code == 404


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries.captured_queries)


def test_it_lists_agreements_in_a_fixed_number_of_queries(client, login_as, team, django_assert_num_queries):
    obligation_of(agreements.create_agreement(user("lider.mirzec"), team, title="A", signed_on=SIGNED))
    login_as("lider.mirzec")
    url = reverse("teams:agreements", args=[team.public_id])
    few = _queries(client, url)
    for title in ("B", "C"):
        obligation_of(agreements.create_agreement(user("lider.mirzec"), team, title=title, signed_on=SIGNED))
    with django_assert_num_queries(few):
        client.get(url)


def test_it_shows_an_agreement_in_a_fixed_number_of_queries(
    client, login_as, team, agreement, django_assert_num_queries
):
    obligation = obligation_of(agreement)
    agreements.add_evidence(user("lider.mirzec"), obligation, held_meeting(team))
    login_as("lider.mirzec")
    url = reverse("teams:agreement", args=[agreement.public_id])
    few = _queries(client, url)
    lead = user("lider.mirzec")
    party = agreements.add_party(
        lead, agreement, agreements.PartyChoice(kind=PartyKind.INSTITUTION, institution=institution_of("szkola.mirzec"))
    )
    for text in ("X", "Y"):
        more = agreements.add_obligation(lead, agreement, party=party, text=text)
        agreements.add_evidence(lead, more, held_meeting(team))
    with django_assert_num_queries(few):
        client.get(url)


# --- Round 2: official names of parties, messages per kind, where a change lands ----------------


def official(kind_msgid: str, name: str) -> str:
    """An official name as a Polish user reads it (the English msgid until translated)."""
    from django.utils.translation import pgettext

    with override("pl"):
        return pgettext("official name", kind_msgid) % {"name": name}


def test_parties_carry_their_official_names():
    kielce = County.objects.get(name="Kielce")
    with override("pl"):
        names = [
            agreements.official_name(PartyKind.VOIVODESHIP, Voivodeship.objects.get(code="26")),
            agreements.official_name(PartyKind.VOIVODESHIP, Voivodeship(name="kujawsko-pomorskie")),
            agreements.official_name(PartyKind.COUNTY, County.objects.get(code="2611")),
            agreements.official_name(PartyKind.COUNTY, kielce),
            agreements.official_name(PartyKind.MUNICIPALITY, Municipality.objects.get(code="2611032")),
            agreements.official_name(PartyKind.INSTITUTION, institution_of("policja.mirzec")),
        ]
    assert names == [
        official("Voivodeship %(name)s", "Świętokrzyskie"),
        official("Voivodeship %(name)s", "Kujawsko-Pomorskie"),
        official("Powiat %(name)s", "Starachowicki"),
        official("City %(name)s", "Kielce"),
        official("Gmina %(name)s", "Mirzec"),
        institution_of("policja.mirzec").name,
    ]


def test_the_agreement_page_names_parties_officially(client, login_as, agreement):
    lead = user("lider.mirzec")
    for choice in (
        agreements.PartyChoice(kind=PartyKind.VOIVODESHIP, voivodeship=Voivodeship.objects.get(code="26")),
        agreements.PartyChoice(kind=PartyKind.COUNTY, county=County.objects.get(code="2611")),
        agreements.PartyChoice(kind=PartyKind.MUNICIPALITY, municipality=Municipality.objects.get(code="2611032")),
    ):
        agreements.add_party(lead, agreement, choice)
    login_as("lider.mirzec")
    page = client.get(reverse("teams:agreement", args=[agreement.public_id])).content.decode()
    for name in (
        official("Voivodeship %(name)s", "Świętokrzyskie"),
        official("Powiat %(name)s", "Starachowicki"),
        official("Gmina %(name)s", "Mirzec"),
    ):
        assert f"{escape(name)}</h3>" in page
    assert "świętokrzyskie <span" not in page


def test_a_party_outside_the_voivodeship_is_named_officially_in_the_refusal(client, login_as, agreement):
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:party_add", args=[agreement.public_id]), {"kind": "voivodeship", "voivodeship": "18"}
    )
    assert response.status_code == 400
    assert escape(official("Voivodeship %(name)s", "Podkarpackie")) in response.content.decode()
    assert not agreement.parties.exists()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("voivodeship", "Choose the voivodeship."),
        ("county", "Choose the powiat."),
        ("municipality", "Choose the gmina."),
        ("institution", "Choose the institution."),
    ],
)
def test_a_kind_without_its_unit_asks_for_that_unit(client, login_as, agreement, kind, message):
    login_as("lider.mirzec")
    # The user picked a powiat (or nothing) but not the unit of the kind chosen.
    data = {"kind": kind, "county": "2611"} if kind != "county" else {"kind": kind, "municipality": "2611032"}
    response = client.post(reverse("teams:party_add", args=[agreement.public_id]), data)
    assert response.status_code == 400
    assert said(response, message)
    assert not agreement.parties.exists()


def test_the_obligation_page_is_titled_with_its_number_and_party(client, login_as, agreement):
    obligation = obligation_of(agreement)
    login_as("lider.mirzec")
    page = client.get(reverse("teams:obligation", args=[obligation.public_id])).content.decode()
    with override("pl"):
        title = gettext("Obligation no. %(number)s – %(party)s") % {
            "number": 1,
            "party": official("Powiat %(name)s", "Starachowicki"),
        }
    assert f"<h2>{escape(title)}</h2>" in page


def test_the_list_says_no_obligations_instead_of_0_of_0(client, login_as, team, agreement):
    login_as("lider.mirzec")
    response = client.get(reverse("teams:agreements", args=[team.public_id]))
    assert said(response, "no obligations")
    assert "0 z 0" not in response.content.decode() and "0 of 0" not in response.content.decode()


def test_changes_land_on_what_they_made_not_on_an_error_box(client, login_as, team, agreement):
    login_as("lider.mirzec")
    response = client.post(reverse("teams:party_add", args=[agreement.public_id]), {"kind": "county", "county": "2611"})
    party = agreement.parties.get()
    assert response["Location"] == reverse("teams:agreement", args=[agreement.public_id]) + f"#party-{party.pk}"
    response = client.post(
        reverse("teams:obligation_add", args=[agreement.public_id]), {"party": party.pk, "text": "Salę"}
    )
    obligation = agreement.obligations.get()
    assert response["Location"].endswith(f"#obligation-{obligation.public_id}")
    assert f'id="obligation-{obligation.public_id}"' in client.get(response["Location"]).content.decode()
    url = reverse("teams:obligation", args=[obligation.public_id])
    response = client.post(url, {"status": "in_progress", "note": "", "version": obligation.version})
    assert response["Location"] == url + "#main"
    meeting = held_meeting(team)
    response = client.post(
        reverse("teams:evidence_add", args=[obligation.public_id]), {"evidence": f"meeting:{meeting.public_id}"}
    )
    assert response["Location"] == url + "#evidence"
