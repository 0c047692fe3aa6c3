"""Territory pages for platform administrators: browse the TERYT units and import the TERC register."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_safe

from kooperacja.core.policies import role_required
from kooperacja.core.roles import Role
from kooperacja.territory.forms import TercUploadForm
from kooperacja.territory.models import County, Municipality, Voivodeship
from kooperacja.territory.services import TercFileRejected, decode_terc, import_terc

admin_only = role_required(Role.ADMIN)


@require_safe
@admin_only
def territory_list(request: HttpRequest) -> HttpResponse:
    voivodeships = Voivodeship.objects.with_counts().order_by("code")
    return render(request, "territory/list.html", {"voivodeships": voivodeships})


@require_safe
@admin_only
def voivodeship_detail(request: HttpRequest, code: str) -> HttpResponse:
    voivodeship = get_object_or_404(Voivodeship, code=code)
    counties = voivodeship.counties.with_counts().order_by("code")
    return render(request, "territory/voivodeship.html", {"voivodeship": voivodeship, "counties": counties})


@require_safe
@admin_only
def county_detail(request: HttpRequest, code: str) -> HttpResponse:
    county = get_object_or_404(County.objects.select_related("voivodeship"), code=code)
    gminas = Municipality.objects.for_county_page(county)
    return render(request, "territory/county.html", {"county": county, "gminas": gminas})


@require_http_methods(["GET", "HEAD", "POST"])
@admin_only
def import_register(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "territory/import.html", {"form": TercUploadForm()})
    form = TercUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "territory/import.html", {"form": form}, status=400)
    try:
        report = import_terc(request.user, decode_terc(form.cleaned_data["file"].read()), request=request)
    except TercFileRejected as rejected:
        return render(
            request,
            "territory/import.html",
            {"form": form, "problems": rejected.problems, "bad_lines": rejected.bad_lines},
            status=400,
        )
    return render(request, "territory/import.html", {"form": TercUploadForm(), "report": report})
