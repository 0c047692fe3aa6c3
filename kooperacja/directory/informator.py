"""The Informator: a printable PDF of every listed service open to a gmina's residents, for
those who have no internet (a social worker prints it).

Rendered by WeasyPrint from `directory/public/informator.html` with
`static/directory/informator.css` and the system's DejaVu fonts. Rendering never makes a
network request: the URL fetcher loads our own static files, the installed fonts and data:
URLs, and refuses every other address, whatever a service's data holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from kooperacja.core import pdf
from kooperacja.directory.models import Service, ServiceQuerySet, TaxonomyTerm
from kooperacja.directory.presentation import ServicePage, service_page
from kooperacja.territory.models import Municipality

if TYPE_CHECKING:
    from weasyprint.document import Document
    from weasyprint.urls import URLFetcher

INFORMATOR_CSS = "directory/informator.css"
# A rendered Informator is kept this long for the same services, so a crowd of visitors does
# not render it again and again; a change to a service gives a new key at once.
INFORMATOR_CACHE_SECONDS = 15 * 60


@dataclass
class InformatorSection:
    """A top-level category's services (None: services without a category)."""

    category: TaxonomyTerm | None
    entries: list[ServicePage] = field(default_factory=list)
    # Services whose full entry stands in another section (their first category's).
    see_also: list[ServicePage] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"section-{self.category.code if self.category else 'other'}"


def _root(term: TaxonomyTerm, terms_by_id: dict[int, TaxonomyTerm]) -> TaxonomyTerm:
    seen = set()
    # `seen` stops a loop of parents an admin's edit might have made.
    while term.parent_id and term.parent_id in terms_by_id and term.pk not in seen:
        seen.add(term.pk)
        term = terms_by_id[term.parent_id]
    return term


def informator_sections(pages: Sequence[ServicePage], categories: Sequence[TaxonomyTerm]) -> list[InformatorSection]:
    """Sections by top-level category, in taxonomy order. A service's full entry stands in the
    section of its first category; the other sections it belongs to point there."""
    terms_by_id = {term.pk: term for term in categories}
    roots = sorted(
        {_root(term, terms_by_id) for term in categories if term.parent_id is None},
        key=lambda term: (term.position, term.code),
    )
    sections = {root.pk: InformatorSection(category=root) for root in roots}
    other = InformatorSection(category=None)
    for shown in pages:
        own_roots: list[TaxonomyTerm] = []
        for term in shown.categories:
            root = _root(terms_by_id.get(term.pk, term), terms_by_id)
            if root not in own_roots:
                own_roots.append(root)
        if not own_roots:
            other.entries.append(shown)
            continue
        home = own_roots[0]
        sections.setdefault(home.pk, InformatorSection(category=home)).entries.append(shown)
        for root in own_roots[1:]:
            sections.setdefault(root.pk, InformatorSection(category=root)).see_also.append(shown)
    found = [section for section in sections.values() if section.entries or section.see_also]
    if other.entries:
        found.append(other)
    return found


# --- Rendering without the network ------------------------------------------------------------


def _own_folders() -> list[Path]:
    """The folder of the Informator's stylesheet: besides the fonts, all it may load files from."""
    css = finders.find(INFORMATOR_CSS)
    return [Path(str(css)).resolve().parent] if css else []


def is_local_resource(url: str) -> bool:
    """Whether the Informator may load the address: a data: URL, or a file among our own
    static files or the installed fonts. Anything else (http, https, ftp, other files) is refused."""
    return pdf.is_local_resource(url, _own_folders())


def local_only_fetcher() -> URLFetcher:
    """The Informator's URL fetcher: it refuses every address `is_local_resource` does not allow."""
    return pdf.local_only_fetcher(_own_folders())


def informator_document(html: str, base_url: str) -> Document:
    """The laid-out pages of the Informator's HTML (see kooperacja.core.pdf)."""
    css_path = finders.find(INFORMATOR_CSS)
    if not css_path:
        raise RuntimeError(f"static file {INFORMATOR_CSS} is missing")
    return pdf.document(html, stylesheet_path=str(css_path), base_url=base_url)


def render_informator_pdf(html: str, base_url: str) -> bytes:
    return bytes(informator_document(html, base_url).write_pdf() or b"")


# --- The gmina's Informator -----------------------------------------------------------------------


def informator_services(gmina: Municipality) -> ServiceQuerySet:
    """What the Informator lists: the listed services open to the gmina's residents."""
    return Service.objects.listed().serving(gmina)


def informator_context(request: HttpRequest, gmina: Municipality) -> dict[str, Any]:
    services = informator_services(gmina).for_public_page().order_by("name", "id")
    pages = [service_page(service) for service in services]
    return {
        "gmina": gmina,
        "sections": informator_sections(pages, list(TaxonomyTerm.objects.categories())),
        "service_count": len(pages),
        "today": timezone.localdate(),
        "search_url": request.build_absolute_uri(reverse("directory:search") + f"?gmina={gmina.code}"),
    }


def informator_html(request: HttpRequest, gmina: Municipality) -> str:
    return render_to_string("directory/public/informator.html", informator_context(request, gmina), request)


def informator_pdf(request: HttpRequest, gmina: Municipality) -> bytes:
    """The gmina's Informator as PDF, rendered once per INFORMATOR_CACHE_SECONDS for the same
    services, language and day (a service added, removed or changed renders it again)."""
    listed = informator_services(gmina).aggregate(count=Count("id"), changed=Max("updated_at"))
    changed = listed["changed"].isoformat() if listed["changed"] else "-"
    key = f"directory:informator:{gmina.code}:{get_language()}:{timezone.localdate()}:{listed['count']}:{changed}"
    pdf: bytes | None = cache.get(key)
    if pdf is None:
        pdf = render_informator_pdf(informator_html(request, gmina), base_url=request.build_absolute_uri("/"))
        cache.set(key, pdf, INFORMATOR_CACHE_SECONDS)
    return pdf
