"""TERYT territorial units: voivodeship, county (powiat), municipality (gmina).

Codes follow the TERC register: WOJ (2 digits), WOJ+POW (4), WOJ+POW+GMI+RODZ (7).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _


class VoivodeshipQuerySet(models.QuerySet["Voivodeship"]):
    def with_counts(self) -> VoivodeshipQuerySet:
        """Each voivodeship's `county_count` and `gmina_count`."""
        return self.annotate(
            county_count=Count("counties", distinct=True),
            gmina_count=Count("counties__municipalities", distinct=True),
        )


class Voivodeship(models.Model):
    code = models.CharField(_("TERYT code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    objects = VoivodeshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("voivodeship")
        verbose_name_plural = _("voivodeships")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CountyQuerySet(models.QuerySet["County"]):
    def with_counts(self) -> CountyQuerySet:
        """Each county's `gmina_count`."""
        return self.annotate(gmina_count=Count("municipalities"))


class County(models.Model):
    code = models.CharField(_("TERYT code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    voivodeship = models.ForeignKey(
        Voivodeship, on_delete=models.PROTECT, related_name="counties", verbose_name=_("voivodeship")
    )

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("county (powiat)")
        verbose_name_plural = _("counties (powiats)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MunicipalityKind(models.TextChoices):
    URBAN = "1", _("urban gmina")
    RURAL = "2", _("rural gmina")
    URBAN_RURAL = "3", _("urban-rural gmina")


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def with_parents(self) -> MunicipalityQuerySet:
        return self.select_related("county__voivodeship")

    def for_county_page(self, county: County) -> MunicipalityQuerySet:
        """The county's gminas by code, each with its parts and its `institution_count`."""
        return (
            self.filter(county=county)
            .annotate(institution_count=Count("institutions", distinct=True))
            .prefetch_related("parts")
            .order_by("code")
        )


class Municipality(models.Model):
    code = models.CharField(_("TERYT code"), max_length=7, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=1, choices=MunicipalityKind.choices)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality (gmina)")
        verbose_name_plural = _("municipalities (gminas)")
        ordering = ["name", "code"]

    def __str__(self) -> str:
        return self.name


class MunicipalityPartKind(models.TextChoices):
    TOWN = "4", _("town of an urban-rural gmina")
    RURAL_AREA = "5", _("rural area of an urban-rural gmina")
    DISTRICT = "8", _("district of the capital city")
    CITY_DISTRICT = "9", _("district (delegation) of a city")


class MunicipalityPart(models.Model):
    """TERC rows of kind 4, 5, 8 and 9: parts of a gmina, kept beside it, never gminas themselves."""

    code = models.CharField(_("TERYT code"), max_length=7, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=1, choices=MunicipalityPartKind.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="parts", verbose_name=_("gmina")
    )

    class Meta:
        verbose_name = _("part of a gmina")
        verbose_name_plural = _("parts of gminas")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
