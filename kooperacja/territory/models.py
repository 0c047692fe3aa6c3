"""TERYT territorial units: voivodeship, county (powiat), municipality (gmina).

Codes follow the TERC register: WOJ (2 digits), WOJ+POW (4), WOJ+POW+GMI+RODZ (7).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Voivodeship(models.Model):
    code = models.CharField(_("TERYT code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("voivodeship")
        verbose_name_plural = _("voivodeships")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class County(models.Model):
    code = models.CharField(_("TERYT code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    voivodeship = models.ForeignKey(
        Voivodeship, on_delete=models.PROTECT, related_name="counties", verbose_name=_("voivodeship")
    )

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
