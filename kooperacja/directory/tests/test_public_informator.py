"""The printable Informator of a gmina: /directory/gminas/<teryt>/informator.pdf (WeasyPrint).

Needs Pango (libpango-1.0-0, libpangoft2-1.0-0) and fonts-dejavu-core, which `make test`
checks for. The PDF's text is read back from its outline (the bookmarks WeasyPrint makes of
the headings) and from the laid-out pages of the same HTML.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from kooperacja.core import pdf
from kooperacja.directory import informator
from kooperacja.directory.models import Phone, ServiceStatus
from kooperacja.directory.tests.test_public_factories import MIRZEC, OKSA, gops, make_service
from kooperacja.territory.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_pdfs() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def informator_url(code: str) -> str:
    return reverse("directory:informator", kwargs={"teryt": code})


def _pdf_string(raw: bytes) -> str:
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode())
        return data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode("latin-1")
    text = raw[1:-1]
    text = re.sub(rb"\\([()\\])", rb"\1", text)
    return text.decode("latin-1")


def outline_titles(pdf: bytes) -> list[str]:
    """The titles of the PDF's bookmarks, from the file itself (objects may sit in compressed
    streams, so every Flate stream is opened too)."""
    blobs = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            blobs.append(zlib.decompress(match[1]))
        except zlib.error:
            continue
    title = re.compile(rb"/Title\s*(<[0-9a-fA-F]*>|\((?:\\.|[^\\)])*\))")
    return [_pdf_string(raw) for blob in blobs for raw in title.findall(blob)]


def page_text(gmina_code: str) -> str:
    """The text of every laid-out page of the gmina's Informator."""
    request = RequestFactory().get("/")
    with translation.override("pl"):
        html = informator.informator_html(request, Municipality.objects.with_parents().get(code=gmina_code))
    document = informator.informator_document(html, base_url="http://testserver/")
    words: list[str] = []

    def walk(box: object) -> None:
        text = getattr(box, "text", None)
        if isinstance(text, str):
            words.append(text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(" ".join(words).split())


def title_of(gmina: str) -> str:
    with translation.override("pl"):
        return translation.gettext("Informator on services — gmina %(name)s") % {"name": gmina}


def test_it_serves_a_pdf_with_the_gminas_services(client):
    make_service("Klub Seniora Jaskier", categories=["club"], free_of_charge=True)

    response = client.get(informator_url(MIRZEC))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="informator-{MIRZEC}.pdf"'
    assert response.content.startswith(b"%PDF-")
    titles = outline_titles(response.content)
    assert title_of("Mirzec") in titles
    assert "Klub Seniora Jaskier" in titles
    assert "Pakiet socjalny" in titles  # the section of its category ("club")


def test_it_lists_only_listed_services_open_to_the_gminas_residents(client):
    make_service("Usługa Jaskier w Mircu")
    make_service("Usługa Jaskier w Oksie", gmina=OKSA, institution=gops(OKSA))
    make_service("Usługa Jaskier zamknięta na stałe", status=ServiceStatus.DEFUNCT)
    make_service("Usługa Jaskier czasowo nieczynna", status=ServiceStatus.TEMPORARILY_CLOSED)

    titles = outline_titles(client.get(informator_url(MIRZEC)).content)

    assert "Usługa Jaskier w Mircu" in titles
    assert "Usługa Jaskier czasowo nieczynna" in titles
    assert "Usługa Jaskier w Oksie" not in titles
    assert "Usługa Jaskier zamknięta na stałe" not in titles


def test_it_prints_contact_hours_and_how_to_apply(client):
    service = make_service(
        "Poradnia Jaskier",
        application_process="Zadzwoń i umów wizytę.",
        categories=["family-counselling", "therapy"],
    )
    Phone.objects.create(service=service, number="41 274 10 00")

    text = page_text(MIRZEC)

    assert "Poradnia Jaskier" in text
    assert "Zadzwoń i umów wizytę." in text
    assert "41 274 10 00" in text
    assert "8:00–16:00" in text
    assert "ul. Kolejowa 1, 27-220 Mirzec" in text


def test_it_prints_markup_in_a_name_as_text(client):
    make_service("<b>Jaskier</b> & <script>alert(1)</script>")

    assert "<b>Jaskier</b> & <script>alert(1)</script>" in page_text(MIRZEC)


def test_it_prints_a_gmina_without_services(client):
    from kooperacja.territory.models import County

    empty = Municipality.objects.create(
        code="2602999", name="Pustkowo", kind="2", county=County.objects.get(code="2602")
    )

    response = client.get(informator_url(empty.code))

    assert response.status_code == 200
    assert title_of("Pustkowo") in outline_titles(response.content)


@pytest.mark.parametrize("code", ["9999999", "26110", "abcdefg", "2611"])
def test_it_answers_404_for_what_is_not_a_gmina(client, code):
    assert client.get(f"/directory/gminas/{code}/informator.pdf").status_code == 404


def test_it_refuses_to_change_anything(client):
    assert client.post(informator_url(MIRZEC)).status_code == 405


def test_it_renders_once_for_the_same_services_and_again_after_a_change(client, monkeypatch):
    renders: list[str] = []
    real = informator.render_informator_pdf

    def counting(html: str, base_url: str) -> bytes:
        renders.append(html)
        return real(html, base_url)

    monkeypatch.setattr(informator, "render_informator_pdf", counting)
    client.get(informator_url(MIRZEC))
    client.get(informator_url(MIRZEC))
    make_service("Nowa usługa Jaskier")
    client.get(informator_url(MIRZEC))

    assert len(renders) == 2
    assert "Nowa usługa Jaskier" in renders[1]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://fonts.example.com/dejavu.woff2",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "//example.com/x.css",
    ],
)
def test_it_never_fetches_anything_but_local_files(url):
    assert not informator.is_local_resource(url)
    with pytest.raises(ValueError, match="local files only"):
        informator.local_only_fetcher().fetch(url)


def test_it_reads_its_own_stylesheet_and_the_system_fonts():
    from django.contrib.staticfiles import finders

    css = finders.find(informator.INFORMATOR_CSS)

    assert informator.is_local_resource(f"file://{css}")
    assert informator.is_local_resource("file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    assert informator.is_local_resource("data:image/png;base64,iVBORw0KGgo=")


def test_it_renders_html_with_a_remote_image_without_a_network_request(monkeypatch):
    import socket

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the Informator tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)

    pdf = informator.render_informator_pdf(
        '<html><body><h1>Test</h1><img src="http://192.0.2.1/logo.png" alt=""></body></html>',
        base_url="http://testserver/",
    )

    assert pdf.startswith(b"%PDF-")


@pytest.mark.parametrize("count", [1, 8])
def test_it_reads_the_services_in_a_fixed_number_of_queries(count, django_assert_max_num_queries):
    gmina = Municipality.objects.create(
        code="2602998", name="Testowo", kind="2", county=Municipality.objects.get(code=OKSA).county
    )
    for number in range(count):
        make_service(f"Usługa Jaskier {number}", gmina=gmina.code, city="Testowo")

    with django_assert_max_num_queries(25):
        context = informator.informator_context(RequestFactory().get("/"), gmina)

    assert context["service_count"] == count


def _sections(gmina_code: str) -> dict[str, tuple[list[str], list[str]]]:
    """Section title -> (names of its full entries, names it points to elsewhere)."""
    gmina = Municipality.objects.with_parents().get(code=gmina_code)
    context = informator.informator_context(RequestFactory().get("/"), gmina)
    return {
        section.category.name if section.category else "": (
            [shown.service.name for shown in section.entries],
            [shown.service.name for shown in section.see_also],
        )
        for section in context["sections"]
    }


def test_it_prints_a_service_once_and_points_to_it_from_its_other_sections():
    # family-counselling lies under "Pomoc społeczna", club under "Pakiet socjalny".
    make_service("Usługa Jaskier w dwóch działach", categories=["family-counselling", "club"])
    make_service("Usługa Jaskier bez kategorii", categories=[])

    sections = _sections(MIRZEC)

    holding = [title for title, (entries, _) in sections.items() if "Usługa Jaskier w dwóch działach" in entries]
    pointing = [title for title, (_, see_also) in sections.items() if "Usługa Jaskier w dwóch działach" in see_also]
    assert len(holding) == 1 and len(pointing) == 1
    assert {holding[0], pointing[0]} == {"Pomoc społeczna", "Pakiet socjalny"}
    assert list(sections)[-1] == ""  # services without a category come last
    assert sections[""][0] == ["Usługa Jaskier bez kategorii"]


def test_it_prints_who_may_ask_and_costs_as_the_service_page_does(client):
    from decimal import Decimal

    from kooperacja.directory.models import CostOption

    service = make_service("Poradnia Jaskier", minimum_age=60, income_criterion_percent=150)
    CostOption.objects.create(service=service, option="Konsultacja", amount=Decimal("40.00"), currency="EUR")

    text = page_text(MIRZEC)

    with translation.override("pl"):
        ages = translation.ngettext("aged %(min)s year or more", "aged %(min)s years or more", 60) % {"min": 60}
    assert ages.capitalize() in text
    assert "150%" in text
    assert "Konsultacja: 40,00 EUR" in text
    assert "zł" not in text.split("Konsultacja")[1][:20]


def laid_out_lines(gmina_code: str) -> list[str]:
    """The text of every line WeasyPrint laid out in the gmina's Informator."""
    from weasyprint.formatting_structure.boxes import LineBox

    request = RequestFactory().get("/")
    with translation.override("pl"):
        html = informator.informator_html(request, Municipality.objects.with_parents().get(code=gmina_code))
    document = informator.informator_document(html, base_url="http://testserver/")
    lines: list[str] = []

    def text(box: object) -> str:
        own = getattr(box, "text", None)
        return own if isinstance(own, str) else "".join(text(child) for child in getattr(box, "children", []) or [])

    def walk(box: object) -> None:
        if isinstance(box, LineBox):
            lines.append(" ".join(text(box).split()))
            return
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return lines


# Sentences that nearly fill the line beside "Jak skorzystać": WeasyPrint broke them after the
# first word ("Szkoła, / klub seniora…") while the template left whitespace before </dd>.
NEARLY_FULL = [
    "Szkoła, klub seniora lub sołtys uzgadnia termin spotkania z komendantem posterunku.",
    "Zapisz się w bibliotece lub telefonicznie; zajęcia ruszają, gdy zbierze się grupa 8 osób.",
]


def test_it_breaks_no_line_after_its_first_word():
    for number, sentence in enumerate(NEARLY_FULL):
        make_service(f"Usługa Jaskier {number}", application_process=sentence)
    make_service("Usługa Jaskier ze skierowaniem", application_process=NEARLY_FULL[0], referral_required=True)

    lines = laid_out_lines(MIRZEC)

    for sentence in NEARLY_FULL:
        first_word = sentence.split()[0]
        assert first_word not in lines, f"“{first_word}” stands alone on a line"
        assert sentence in lines


def test_it_removes_only_whitespace_that_ends_a_block_or_comes_before_a_line_break():
    html = "<dd>\n  Szkoła,  klub\n  </dd><p>tekst <b>pogrubiony</b> dalej \n</p>a <br> b<span>x </span>y"

    assert pdf.without_trailing_whitespace(html) == (
        "<dd>\n  Szkoła,  klub</dd><p>tekst <b>pogrubiony</b> dalej</p>a<br> b<span>x </span>y"
    )
