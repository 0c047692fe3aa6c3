"""Cases in a real browser, as the social worker of GOPS Mirzec, the school and a colleague see
them: the list with its filters, a case with its team, notes and timeline, opening a case and
writing a note without JavaScript, people, a consent, a document; the school's shared view; a
colleague's view without edit buttons; the case page by keyboard alone."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kooperacja.cases.demo import demo_uuid
from kooperacja.cases.models import Case, Consent, Document, Note
from tests.personas import COLLEAGUE, GOPS_MIRZEC, SCHOOL

BOTH_VIEWPORTS = pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)

# Demo households of Mirzec: the school takes part in 1–3 (with consent), the colleague works on 6.
SCHOOL_CASE = demo_uuid("case", "mirzec-1")
OTHER_CASE = demo_uuid("case", "mirzec-4")
SCHOOL_CASE_PERSON = demo_uuid("person", "mirzec-1", "0")
INTERNAL_NOTE = "Wizyta w miejscu zamieszkania"
SHAREABLE_NOTE = "Ustalono z pedagogiem szkolnym"

# A file whose name says PDF and whose content is an HTML page.
DISGUISED = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _width(viewport: str) -> str:
    return "360" if viewport == "mobile" else "1280"


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return translation.gettext(msgid)


def _fits(page: Page, what: str) -> None:
    assert _overflow(page) <= 0, f"{what} is {_overflow(page)}px wider than the screen"
    # No column is cut off either: a table fits its region (on a phone each row is a block).
    cut = page.evaluate(
        "Math.max(0, ...[...document.querySelectorAll('main .table-wrap')].map(w => w.scrollWidth - w.clientWidth))"
    )
    assert cut <= 0, f"a table of {what} is {cut}px wider than its region"


@pytest.fixture(autouse=True)
def _quick(page: Page) -> None:
    # A missing element fails in seconds rather than after Playwright's 30.
    page.set_default_timeout(8000)


def _submit(page: Page, form: str = "main form[method='post']") -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type='submit']").last.click()


@BOTH_VIEWPORTS
def test_it_lists_the_cases_and_filters_them(sign_in, visit, screenshot, viewport):
    sign_in(GOPS_MIRZEC)
    page = visit("/cases/")

    expect(page.locator("main h1")).to_have_text(polish("Cases"))
    rows = page.locator("main table tbody tr")
    everything = rows.count()
    assert everything > 5, "the demo's Mirzec cases are listed"
    _fits(page, "the list")
    screenshot(f"cases-list-{_width(viewport)}")

    with translation.override("pl"):
        closed = translation.pgettext("case status", "closed")
    page.locator("#id_status").select_option("closed")
    _submit(page, "main form.filters")
    expect(page.locator("main table caption")).to_be_visible()
    assert 0 < rows.count() < everything
    for status in page.locator("main table tbody td:first-of-type").all_inner_texts():
        assert status.strip() == closed
    _fits(page, "the filtered list")

    page.locator("#id_status").select_option("")
    page.locator("#id_q").fill("zzz-nikt-taki")
    _submit(page, "main form.filters")
    expect(page.locator("main .empty-state")).to_have_text(polish("No cases match these filters."))


@BOTH_VIEWPORTS
def test_it_shows_a_whole_case_with_its_team_notes_and_timeline(sign_in, visit, screenshot, viewport):
    sign_in(GOPS_MIRZEC)
    page = visit(f"/cases/{SCHOOL_CASE}/")

    expect(page.locator("main h1")).to_have_count(1)
    headings = page.locator("main h2").all_inner_texts()
    for heading in ("Persons", "Case team", "Notes", "Timeline"):
        assert polish(heading) in headings, headings
    main = page.locator("main")
    expect(main).to_contain_text(INTERNAL_NOTE)
    expect(main).to_contain_text(SHAREABLE_NOTE)
    expect(main.locator("ul").filter(has_text="PSP Mirzec")).to_have_count(1)
    expect(page.locator("main ol.timeline li")).not_to_have_count(0)
    expect(page.locator(f"main a[href='/cases/{SCHOOL_CASE}/edit/']")).to_be_visible()
    expect(page.locator(f"main a[href='/cases/people/{SCHOOL_CASE_PERSON}/']")).to_be_visible()
    _fits(page, "the case page")
    screenshot(f"cases-detail-{_width(viewport)}")

    page.locator("#kind").select_option("note")
    _submit(page, "main form.filters")
    for entry in page.locator("main ol.timeline li").all_inner_texts():
        assert "notat" in entry.lower(), entry


def test_it_opens_a_case_for_a_registered_person_and_writes_a_note_without_javascript(sign_in, visit, page, screenshot):
    sign_in(GOPS_MIRZEC)
    # The site's own scripts answer empty (axe-core still checks every page).
    page.route("**/*.js", lambda route: route.fulfill(status=200, content_type="text/javascript", body=""))
    page = visit("/cases/new/")
    screenshot("cases-new-1280")
    page.locator("input[name='kind'][value='person']").check()
    page.locator("select#id_person").select_option(str(SCHOOL_CASE_PERSON))
    page.locator("input[name='reasons']").nth(1).check()
    page.locator("#id_summary").fill("Samotna matka po utracie pracy; prosi o pomoc w znalezieniu zatrudnienia.")
    _submit(page)

    case = Case.objects.filter(person__public_id=SCHOOL_CASE_PERSON).order_by("-id").first()
    assert case is not None and case.public_id != SCHOOL_CASE
    expect(page.locator("main h1")).to_be_visible()
    assert page.url.endswith(f"/cases/{case.public_id}/")
    expect(page.locator("main")).to_contain_text("Samotna matka po utracie pracy")

    page.locator(f"main a[href='/cases/{case.public_id}/notes/new/']").click()
    page.wait_for_load_state()
    page.locator("#id_text").fill("Rozmowa telefoniczna: umówiono wizytę na czwartek.")
    screenshot("cases-note-new-1280")
    _submit(page)
    expect(page.locator("main article.note")).to_contain_text("umówiono wizytę na czwartek")
    assert Note.objects.filter(case=case).count() == 1


@BOTH_VIEWPORTS
def test_it_lists_people_and_shows_a_person(sign_in, visit, screenshot, viewport):
    sign_in(GOPS_MIRZEC)
    page = visit("/cases/people/")
    rows = page.locator("main table tbody tr")
    assert rows.count() > 5
    _fits(page, "the list of people")
    screenshot(f"cases-people-{_width(viewport)}")

    page.locator("#id_q").fill("Wróblewska")
    _submit(page, "main form[role='search']")
    page.locator(f"main a[href='/cases/people/{SCHOOL_CASE_PERSON}/']").click()
    page.wait_for_load_state()
    headings = page.locator("main h2").all_inner_texts()
    assert polish("Personal data") in headings and polish("Cases") in headings, headings
    expect(page.locator(f"main a[href='/cases/{SCHOOL_CASE}/']")).to_be_visible()
    _fits(page, "the person's page")
    screenshot(f"cases-person-{_width(viewport)}")


@pytest.mark.mobile
def test_it_refuses_a_consent_ending_before_it_starts_then_records_it(sign_in, visit, page, screenshot):
    sign_in(GOPS_MIRZEC)
    person = demo_uuid("person", "mirzec-13", "0")
    page = visit(f"/cases/people/{person}/consents/new/")
    page.locator("#id_institution").select_option(index=1)
    page.locator("input[name='categories']").first.check()
    page.locator("#id_valid_from").fill("2026-06-01")
    page.locator("#id_valid_until").fill("2026-01-31")
    _submit(page)

    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#id_valid_until']")).to_be_visible()
    expect(page.locator("#id_valid_until")).to_have_attribute("aria-invalid", "true")
    assert not Consent.objects.filter(person__public_id=person).exists()
    _fits(page, "the consent form with errors")
    screenshot("cases-consent-errors-360")

    page.locator("#id_valid_until").fill("2027-05-31")
    _submit(page)
    expect(page.locator(".message-success")).to_be_visible()
    assert Consent.objects.filter(person__public_id=person).count() == 1
    _fits(page, "the list of consents")
    screenshot("cases-consents-360")


def test_it_refuses_a_disguised_file_with_a_polish_message(sign_in, visit, page, screenshot, tmp_path):
    sign_in(GOPS_MIRZEC)
    page = visit(f"/cases/{OTHER_CASE}/")
    page.get_by_role("link", name=polish("Documents of the case")).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/cases/{OTHER_CASE}/documents/new/")
    disguised = tmp_path / "opinia.pdf"
    disguised.write_bytes(DISGUISED)
    page.locator("#id_title").fill("Opinia psychologa")
    page.locator("#id_file").set_input_files(disguised)
    _submit(page)

    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#id_file']")).to_contain_text("PDF")
    expect(page.locator("#id_file")).to_have_attribute("aria-invalid", "true")
    assert not Document.objects.filter(case__public_id=OTHER_CASE).exists()
    screenshot("cases-document-refused-1280")


@BOTH_VIEWPORTS
def test_it_shows_the_school_only_what_the_family_consented_to(sign_in, visit, screenshot, viewport):
    sign_in(SCHOOL)
    page = visit("/cases/")
    expect(page.locator("main table tbody tr")).to_have_count(3)
    page = visit(f"/cases/{SCHOOL_CASE}/")

    main = page.locator("main")
    expect(main).to_contain_text(SHAREABLE_NOTE)
    expect(main).not_to_contain_text(INTERNAL_NOTE)
    assert polish("Case team") not in page.locator("main h2").all_inner_texts()
    # The school writes notes of its own, but does not edit the case, its team or its documents.
    expect(main.locator("a[href$='/edit/'], a[href$='/team/'], a[href$='/documents/new/']")).to_have_count(0)
    expect(main.locator("h1 .badge")).to_be_visible()
    _fits(page, "the shared view")
    screenshot(f"cases-shared-school-{_width(viewport)}")


def test_it_shows_a_colleague_no_edit_buttons_on_a_case_he_does_not_work_on(sign_in, visit, screenshot):
    sign_in(COLLEAGUE)
    page = visit(f"/cases/{SCHOOL_CASE}/")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main")).to_contain_text(INTERNAL_NOTE)
    edits = "a[href$='/edit/'], a[href$='/team/'], a[href$='/notes/new/'], a[href$='/documents/new/']"
    expect(page.locator("main").locator(edits)).to_have_count(0)
    screenshot("cases-detail-colleague-1280")


def test_it_reaches_the_case_actions_by_keyboard_with_a_visible_outline(sign_in, visit, page, screenshot):
    sign_in(GOPS_MIRZEC)
    page = visit(f"/cases/{SCHOOL_CASE}/")
    wanted = {
        f"/cases/{SCHOOL_CASE}/edit/",
        f"/cases/{SCHOOL_CASE}/team/",
        f"/cases/{SCHOOL_CASE}/notes/new/",
        f"/assessment/cases/{SCHOOL_CASE}/",
    }
    reached: set[str] = set()
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href in wanted and href not in reached:
            reached.add(href)
            outline = page.evaluate(
                "(s => [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow])"
                "(getComputedStyle(document.activeElement))"
            )
            visible = (outline[0] != "none" and outline[1] >= 2) or outline[2] != "none"
            assert visible, f"{href} has no visible focus: {outline}"
            if href.endswith("/edit/"):
                screenshot("cases-detail-focus-1280")
        if reached == wanted:
            break
    assert reached == wanted, f"not reached by Tab: {wanted - reached}"
