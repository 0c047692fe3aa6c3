"""The service directory, modelled on Open Referral HSDS 3.0.

An HSDS *organization* is our `Institution`; every other HSDS table we keep has its model
here, with HSDS's field names, and a UUID `public_id` that is the HSDS `id`. What the model
adds beyond HSDS (structured eligibility, capacity, free of charge) lives on `Service` and
travels in HSDS files as attributes of the `kooperacja` taxonomy (see `hsds.py`).

Two tables exist only for speed and are rebuilt from the others whenever a service changes:
`ServedMunicipality` (the gminas whose residents a service is open to, from its service
areas) and `SearchTerm` (the folded words and lemmas it is found by).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.conf import settings
from django.db import connections, models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_cte import CTE, with_cte

from kooperacja.directory import search
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import County, Municipality, Voivodeship

# The taxonomies the platform ships (data/taxonomy.csv) and reads by code.
CATEGORIES = "kooperacja-categories"
TARGET_GROUPS = "kooperacja-groups"
ACCESSIBILITY = "kooperacja-accessibility"
# Terms naming the fields of ours that HSDS lacks; they carry those fields in HSDS files.
FIELDS = "kooperacja-fields"

# HSDS attribute link types for the terms of each shipped taxonomy.
LINK_TYPES = {CATEGORIES: "category", TARGET_GROUPS: "target_group", ACCESSIBILITY: "accessibility"}


def _public_id() -> models.UUIDField:
    return models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)


class Taxonomy(models.Model):
    public_id = _public_id()
    # A stable code of ours (`kooperacja-categories`); imported taxonomies get one made from the name.
    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(_("URI"), max_length=500, blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTermQuerySet(models.QuerySet["TaxonomyTerm"]):
    def of(self, taxonomy_code: str) -> TaxonomyTermQuerySet:
        return self.filter(taxonomy__code=taxonomy_code)

    def in_use(self) -> TaxonomyTermQuerySet:
        """Terms offered for new choices: filters, forms, the resource map's columns."""
        return self.filter(is_active=True)

    def categories(self) -> TaxonomyTermQuerySet:
        return self.of(CATEGORIES)

    def target_groups(self) -> TaxonomyTermQuerySet:
        return self.of(TARGET_GROUPS)

    def accessibility_features(self) -> TaxonomyTermQuerySet:
        return self.of(ACCESSIBILITY)


class TaxonomyTerm(models.Model):
    public_id = _public_id()
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.PROTECT, related_name="terms", verbose_name=_("taxonomy"))
    # Stable within its taxonomy: URLs, filters, the need→category mapping and other
    # deployments refer to a term by its code.
    code = models.CharField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    language = models.CharField(_("language"), max_length=8, blank=True, default="pl")
    term_uri = models.URLField(_("term URI"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # A term is never deleted (services, HSDS files and other deployments refer to its code);
    # an administrator retires a mistaken or outdated one, which hides it from new choices.
    is_active = models.BooleanField(_("in use"), default=True)

    objects = TaxonomyTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy__code", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="directory_term_code_unique")]

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    # "Usługa" is feminine in Polish: the context keeps these apart from other statuses.
    ACTIVE = "active", pgettext_lazy("service status", "active")
    INACTIVE = "inactive", pgettext_lazy("service status", "inactive")
    DEFUNCT = "defunct", pgettext_lazy("service status", "defunct")
    TEMPORARILY_CLOSED = "temporarily closed", pgettext_lazy("service status", "temporarily closed")


# Statuses a resident still sees in the public directory (a temporarily closed service
# says when it reopens; an inactive or defunct one is only kept for history).
LISTED_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED)


# Entries counted when the rarest word of a search is looked for (about 10 ms, index-only);
# beyond it words are all common.
RAREST_PROBE = 100_000


def _word_condition(alternatives: set[str]) -> Q:
    """Search terms a query word matches: any alternative beginning a term, or equal to it when
    shorter than three letters. An alternative that a shorter one begins is already covered
    ("poradni" covers "poradnia"); leaving it in turns an index-only range scan into heap reads."""
    condition = Q()
    for term in sorted(alternatives):
        if any(other != term and term.startswith(other) and len(other) >= 3 for other in alternatives):
            continue
        if len(term) < 3:
            condition |= Q(term=term)
        else:
            condition |= Q(term__gte=term, term__lt=search.prefix_upper_bound(term))
    return condition


def _sized(sets: list[models.QuerySet]) -> list[int]:
    """The size of each set. On PostgreSQL the planner's estimate, which its fine-grained term
    statistics keep close (migration directory/0003; well under a millisecond where counting a
    common word takes 10 ms); elsewhere counted, index-only, as far as the smallest set so far."""
    if connections[sets[0].db].vendor == "postgresql":
        return [
            json.loads(rows.order_by().values("pk").explain(format="json"))[0]["Plan"]["Plan Rows"] for rows in sets
        ]
    sizes = []
    limit = RAREST_PROBE
    for rows in sets:
        sizes.append(rows.order_by()[:limit].count())
        limit = min(limit, sizes[-1] + 1)
    return sizes


class ServiceQuerySet(models.QuerySet["Service"]):
    def listed(self) -> ServiceQuerySet:
        """What the public directory shows: services of active institutions that are active or
        temporarily closed."""
        return self.filter(status__in=LISTED_STATUSES, institution__is_active=True)

    def for_list(self) -> ServiceQuerySet:
        return self.select_related("institution").order_by("name", "id")

    def for_detail(self) -> ServiceQuerySet:
        return self.select_related(
            "institution__municipality", "institution__county", "institution__voivodeship", "updated_by"
        ).prefetch_related(
            "attributes__taxonomy_term__taxonomy",
            "service_at_locations__location__addresses",
            "service_at_locations__location__accessibility",
            "service_at_locations__location__municipality",
            "service_at_locations__schedules",
            "schedules",
            "phones",
            "contacts__phones",
            "required_documents",
            "cost_options",
            "languages",
            "service_areas",
            "residence_municipalities",
            "fundings",
        )

    def serving(self, municipality: Municipality) -> ServiceQuerySet:
        """Services open to residents of the gmina, wherever they are delivered."""
        return self.filter(id__in=ServedMunicipality.objects.filter(municipality=municipality).values("service_id"))

    def with_term(self, term: TaxonomyTerm) -> ServiceQuerySet:
        """Services carrying the term (a category, a target group, an accessibility feature)."""
        return self.filter(id__in=ServiceAttribute.objects.filter(taxonomy_term=term).values("service_id"))

    def matching(self, query: str, gmina: Municipality | None = None) -> ServiceQuerySet:
        """Services found by every word of the query (DESIGN.md §4 search rule): each word, as
        typed or as its lemma, folded, must begin one of the service's search terms. Words of
        one or two letters must match a whole term, or "w" would find almost everything.
        With `gmina`, only the services open to its residents (as `serving`).

        The search is driven from its smallest set of services — the gmina's, or the rarest
        word's — kept apart (a MATERIALIZED CTE) so that the planner cannot walk all services
        probing each; the other sets are checked per service on the (service, term) index.
        Asked for "pomoc psychologiczna" among 200 000 services, walking the name index took
        1.6 s (bench/README.md)."""
        # The longer words first: they are usually the rarer, and then the others are counted
        # only as far as theirs. Words too common to count apart keep that order.
        words = sorted(search.query_terms(query), key=lambda alternatives: -min(map(len, alternatives)))
        sets: list[models.QuerySet] = []
        if gmina is not None:
            sets.append(ServedMunicipality.objects.filter(municipality=gmina))
        sets += [SearchTerm.objects.filter(_word_condition(alternatives)) for alternatives in words]
        if not sets:
            return self
        sizes = _sized(sets) if len(sets) > 1 else [0]
        driver = sets[sizes.index(min(sizes))]
        rows = CTE(driver.order_by().values("service_id").distinct(), name="driver", materialized=True)
        found = with_cte(rows, select=rows.join(self, id=rows.col.service_id))
        for others in sets:
            if others is not driver:
                found = found.filter(Exists(others.filter(service_id=OuterRef("pk"))))
        return found

    def due_for_verification(self, now: dt.datetime | None = None) -> ServiceQuerySet:
        """Entries nobody has confirmed for VERIFY_AFTER_DAYS (or ever, if older than that)."""
        cutoff = (now or timezone.now()) - dt.timedelta(days=Service.VERIFY_AFTER_DAYS)
        return self.exclude(status=ServiceStatus.DEFUNCT).filter(
            Q(assured_date__lt=cutoff.date()) | Q(assured_date__isnull=True, created_at__lt=cutoff)
        )

    def with_any_term(self, terms: list[TaxonomyTerm] | models.QuerySet[TaxonomyTerm]) -> ServiceQuerySet:
        """Services carrying at least one of the terms: a category or any term below it, or
        every term of a taxonomy (a queryset of terms stays one subquery)."""
        return self.filter(id__in=ServiceAttribute.objects.filter(taxonomy_term__in=terms).values("service_id"))

    def for_public_list(self) -> ServiceQuerySet:
        """A page of public results (the directory's and the services API's), by name: the
        institution, the terms in taxonomy order, and the places with their addresses — four
        queries for any page."""
        return (
            self.select_related("institution__municipality")
            .prefetch_related(
                models.Prefetch(
                    "attributes",
                    queryset=ServiceAttribute.objects.select_related("taxonomy_term__taxonomy").order_by(
                        "taxonomy_term__position", "taxonomy_term__code"
                    ),
                ),
                models.Prefetch(
                    "service_at_locations",
                    queryset=ServiceAtLocation.objects.select_related("location__municipality")
                    .prefetch_related("location__addresses")
                    .order_by("id"),
                ),
            )
            .order_by("name", "id")
        )

    def for_public_page(self) -> ServiceQuerySet:
        """A service's public page, its Informator entry and its API detail: `for_detail` and the
        hours and phones of each place."""
        return self.for_detail().prefetch_related(
            "service_at_locations__location__schedules",
            "service_at_locations__location__phones",
            "service_at_locations__phones",
        )


class Service(models.Model):
    # Staff are reminded to confirm an entry after about six months.
    VERIFY_AFTER_DAYS = 183

    public_id = _public_id()
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="services", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=250)
    alternate_name = models.CharField(_("alternate name"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    interpretation_services = models.TextField(_("interpretation services"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    assured_date = models.DateField(_("last verified"), null=True, blank=True)
    assurer_email = models.EmailField(_("verified by (e-mail)"), blank=True)
    alert = models.TextField(_("alert"), blank=True)

    # Beyond HSDS: structured eligibility, cost and capacity (carried as `kooperacja-fields`
    # attributes in HSDS files).
    free_of_charge = models.BooleanField(_("free of charge"), default=False)
    # Eligible when income per person is at most this share of the statutory income criterion
    # of social assistance; empty when income does not matter.
    income_criterion_percent = models.PositiveSmallIntegerField(
        _("income criterion (% of the statutory criterion)"), null=True, blank=True
    )
    disability_certificate_required = models.BooleanField(_("disability certificate required"), default=False)
    referral_required = models.BooleanField(_("referral required"), default=False)
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    free_places = models.PositiveIntegerField(_("free places"), null=True, blank=True)
    waiting_list = models.PositiveIntegerField(_("waiting list length"), null=True, blank=True)
    # Eligibility by residence: empty means residents of any gmina the service reaches.
    residence_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("gminas of residence served")
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="directory_service_name"),
            models.Index(fields=["institution", "status"], name="directory_service_inst"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceChange(models.Model):
    """One saved edit of a service: who, when, and each changed field's old and new value."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="changes", verbose_name=_("service"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"))
    # {"field": [old, new]} with values as shown to people; "created" / "verified" / "imported" actions have no fields.
    action = models.CharField(_("action"), max_length=20, default="updated")
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("service change")
        verbose_name_plural = _("service changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.service_id} v{self.version} {self.action}"


class ServedMunicipality(models.Model):
    """A gmina whose residents a service reaches: derived from its service areas (a gmina, a
    powiat's gminas, a voivodeship's gminas), or, without areas, from where it is delivered."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="served_municipalities")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "service"], name="directory_served_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} → {self.municipality_id}"


class SearchTerm(models.Model):
    """A folded word or lemma a service is found by (kooperacja.directory.search)."""

    # Indexed (service, term) below instead of by service alone: checking a service's other
    # query words then reads the index only.
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_terms", db_index=False)
    term = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "service"], name="directory_term_unique")]
        indexes = [models.Index(fields=["service", "term"], name="directory_searchterm_service")]

    def __str__(self) -> str:
        return self.term


class ServiceAttribute(models.Model):
    """HSDS attribute: a taxonomy term attached to a service (its categories, target groups and
    accessibility features)."""

    public_id = _public_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes", verbose_name=_("term")
    )
    link_type = models.CharField(_("link type"), max_length=80)
    value = models.CharField(_("value"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "taxonomy_term", "link_type"], name="directory_attribute_unique"
            ),
        ]
        indexes = [models.Index(fields=["taxonomy_term", "service"], name="directory_attribute_term")]

    def __str__(self) -> str:
        return f"{self.link_type}: {self.taxonomy_term_id}"


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("physical")
    POSTAL = "postal", _("postal")
    VIRTUAL = "virtual", _("virtual")


class Location(models.Model):
    public_id = _public_id()
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("institution"),
    )
    location_type = models.CharField(
        _("location type"), max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = models.URLField(_("website"), max_length=500, blank=True)
    name = models.CharField(_("name"), max_length=250, blank=True)
    alternate_name = models.CharField(_("alternate name"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("getting there"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    external_identifier = models.CharField(_("external identifier"), max_length=200, blank=True)
    external_identifier_type = models.CharField(_("external identifier type"), max_length=100, blank=True)
    # Ours: the gmina the location lies in (territory key, proximity).
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("gmina")
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="directory_location_latitude",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="directory_location_longitude",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.public_id)


class Address(models.Model):
    public_id = _public_id()
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(_("for the attention of"), max_length=250, blank=True)
    address_1 = models.CharField(_("street and number"), max_length=250)
    address_2 = models.CharField(_("address, second line"), max_length=250, blank=True)
    city = models.CharField(_("locality"), max_length=100)
    region = models.CharField(_("county"), max_length=100, blank=True)
    state_province = models.CharField(_("voivodeship"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=20)
    country = models.CharField(_("country"), max_length=2, default="PL")
    address_type = models.CharField(
        _("address type"), max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )

    def __str__(self) -> str:
        return f"{self.address_1}, {self.postal_code} {self.city}"


class Accessibility(models.Model):
    public_id = _public_id()
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(_("description"), blank=True)
    details = models.TextField(_("details"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)

    def __str__(self) -> str:
        return self.description


class ServiceAtLocation(models.Model):
    public_id = _public_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="directory_sal_unique")]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class Contact(models.Model):
    public_id = _public_id()
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    def __str__(self) -> str:
        return self.name or self.email


class Phone(models.Model):
    public_id = _public_id()
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=40)
    extension = models.PositiveIntegerField(_("extension"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    """HSDS schedule: iCalendar-style recurrence (freq, byday…) with opening hours."""

    class Freq(models.TextChoices):
        WEEKLY = "WEEKLY", _("weekly")
        MONTHLY = "MONTHLY", _("monthly")

    public_id = _public_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    dtstart = models.DateField(_("first occurrence"), null=True, blank=True)
    timezone = models.SmallIntegerField(_("UTC offset"), null=True, blank=True)
    until = models.DateField(_("last occurrence"), null=True, blank=True)
    count = models.PositiveIntegerField(_("occurrences"), null=True, blank=True)
    wkst = models.CharField(_("week starts on"), max_length=3, blank=True)
    freq = models.CharField(_("frequency"), max_length=8, choices=Freq.choices, blank=True)
    interval = models.PositiveSmallIntegerField(_("interval"), null=True, blank=True)
    byday = models.CharField(_("days"), max_length=60, blank=True)
    byweekno = models.CharField(_("weeks of the year"), max_length=200, blank=True)
    bymonthday = models.CharField(_("days of the month"), max_length=200, blank=True)
    byyearday = models.CharField(_("days of the year"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_link = models.URLField(_("booking link"), max_length=500, blank=True)
    attending_type = models.CharField(_("how to attend"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    def __str__(self) -> str:
        return self.description or self.byday


class ServiceArea(models.Model):
    """Where a service is available. Ours: the TERYT unit it covers (one of gmina, powiat,
    voivodeship); a free-text area with none of them covers no gmina by itself."""

    public_id = _public_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(_("name"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    extent = models.TextField(_("extent"), blank=True)
    extent_type = models.CharField(_("extent type"), max_length=20, blank=True)
    uri = models.CharField(_("URI"), max_length=500, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    voivodeship = models.ForeignKey(Voivodeship, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return self.name


class RequiredDocument(models.Model):
    public_id = _public_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="required_documents")
    document = models.CharField(_("document"), max_length=500)

    def __str__(self) -> str:
        return self.document


class CostOption(models.Model):
    public_id = _public_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    option = models.TextField(_("conditions"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="PLN")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(_("amount details"), max_length=250, blank=True)

    def __str__(self) -> str:
        return self.option or str(self.amount)


class Language(models.Model):
    public_id = _public_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    phone = models.ForeignKey(Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    name = models.CharField(_("name"), max_length=100, blank=True)
    code = models.CharField(_("code"), max_length=10, blank=True)
    note = models.TextField(_("note"), blank=True)

    def __str__(self) -> str:
        return self.name or self.code


class Funding(models.Model):
    public_id = _public_id()
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="fundings")
    source = models.TextField(_("source"), blank=True)

    def __str__(self) -> str:
        return self.source
