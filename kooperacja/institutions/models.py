"""Institutions, their staff memberships, invitations, and API clients and tokens."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kooperacja.core.roles import Role
from kooperacja.institutions.validators import validate_krs, validate_phone, validate_postal_code, validate_regon
from kooperacja.territory.models import County, Municipality, Voivodeship


class Sector(models.TextChoices):
    SOCIAL_ASSISTANCE = "social_assistance", _("social assistance")
    FAMILY_SUPPORT = "family_support", _("family support")
    EMPLOYMENT = "employment", _("employment")
    EDUCATION = "education", _("education")
    HEALTH = "health", _("health")
    POLICE = "police", _("police")
    JUSTICE = "justice", _("justice")
    CULTURE = "culture", _("culture")
    SPORT_RECREATION = "sport_recreation", _("sport and recreation")
    LOCAL_GOVERNMENT = "local_government", _("local government")
    NGO = "ngo", _("non-governmental organisation")
    HOUSING = "housing", _("housing")
    OTHER = "other", _("other")


class InstitutionKind(models.TextChoices):
    GOPS = "gops", _("social assistance centre (GOPS/MOPS)")
    PCPR = "pcpr", _("county family support centre (PCPR)")
    ROPS = "rops", _("regional social policy centre (ROPS)")
    PUP = "pup", _("county employment office (PUP)")
    SCHOOL = "school", _("school")
    KINDERGARTEN = "kindergarten", _("kindergarten")
    HEALTH_CENTRE = "health_centre", _("health centre")
    POLICE_POST = "police_post", _("police post")
    COURT = "court", _("court / probation service")
    LIBRARY_CULTURE = "library_culture", _("library / culture centre")
    LOCAL_GOVERNMENT = "local_government", _("local government office")
    NGO = "ngo", _("NGO")
    OTHER = "other", _("other")


# The sectors an institution of each kind belongs to; the first is the default. Kinds not
# listed may work in any sector.
KIND_SECTORS: dict[str, tuple[str, ...]] = {
    InstitutionKind.GOPS: (Sector.SOCIAL_ASSISTANCE,),
    InstitutionKind.PCPR: (Sector.FAMILY_SUPPORT, Sector.SOCIAL_ASSISTANCE),
    InstitutionKind.ROPS: (Sector.SOCIAL_ASSISTANCE,),
    InstitutionKind.PUP: (Sector.EMPLOYMENT,),
    InstitutionKind.SCHOOL: (Sector.EDUCATION,),
    InstitutionKind.KINDERGARTEN: (Sector.EDUCATION,),
    InstitutionKind.HEALTH_CENTRE: (Sector.HEALTH,),
    InstitutionKind.POLICE_POST: (Sector.POLICE,),
    InstitutionKind.COURT: (Sector.JUSTICE,),
    InstitutionKind.LIBRARY_CULTURE: (Sector.CULTURE, Sector.SPORT_RECREATION),
    InstitutionKind.LOCAL_GOVERNMENT: (Sector.LOCAL_GOVERNMENT,),
    InstitutionKind.NGO: (Sector.NGO,),
}
# Kinds whose sector is free: an NGO may run housing, sport or health work.
FREE_SECTOR_KINDS = frozenset({InstitutionKind.NGO, InstitutionKind.OTHER})
# The roles staff of each kind of institution work in (DESIGN.md §1); every partner
# institution (school, police post, PUP, NGO…) has its partner staff and its manager. The
# platform operator, of kind "other", also holds the administrators.
PARTNER_ROLES: tuple[str, ...] = (Role.PARTNER_STAFF, Role.MANAGER)
KIND_ROLES: dict[str, tuple[str, ...]] = {
    InstitutionKind.GOPS: (Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER),
    InstitutionKind.PCPR: (Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER, Role.ANIMATOR),
    InstitutionKind.ROPS: (Role.REGIONAL_ANALYST, Role.MANAGER),
    InstitutionKind.OTHER: (*PARTNER_ROLES, Role.ADMIN),
}
# A GOPS is a gmina's centre; a PCPR and a PUP are a powiat's.
KINDS_NEEDING_GMINA = frozenset({InstitutionKind.GOPS})
KINDS_NEEDING_COUNTY = frozenset({InstitutionKind.PCPR, InstitutionKind.PUP})

# What an administrator sets on an institution, in the form's order; the rest (public id,
# version, created) is the platform's own. The served gminas are set apart, being many.
EDITABLE_FIELDS = (
    "name",
    "short_name",
    "description",
    "kind",
    "sector",
    "voivodeship",
    "county",
    "municipality",
    "street",
    "postal_code",
    "locality",
    "email",
    "phone",
    "website",
    "regon",
    "krs",
    "is_active",
)


DUPLICATE_NAME = "duplicate_name"
SAME_NAME_IN_GMINA = _(
    "An institution with this name already exists in this gmina. Find it on the list instead of adding it "
    "again, or give the full name that tells them apart."
)
SAME_NAME_IN_COUNTY = _(
    "An institution with this name already exists in this county. Find it on the list instead of adding it "
    "again, or give the full name that tells them apart."
)
SAME_NAME_IN_VOIVODESHIP = _(
    "An institution with this name already exists in this voivodeship. Find it on the list instead of adding "
    "it again, or give the full name that tells them apart."
)


def default_sector(kind: str) -> str:
    return KIND_SECTORS.get(kind, (Sector.OTHER,))[0]


def kind_roles(kind: str) -> tuple[str, ...]:
    """The roles staff of an institution of this kind may have."""
    return KIND_ROLES.get(kind, PARTNER_ROLES)


class InstitutionQuerySet(models.QuerySet["Institution"]):
    def with_territory(self) -> InstitutionQuerySet:
        return self.select_related("municipality", "county", "voivodeship")

    def for_list(self) -> InstitutionQuerySet:
        return self.with_territory().order_by("name")

    def with_staff_count(self) -> InstitutionQuerySet:
        """Each institution's `staff_count`: its active memberships."""
        return self.annotate(
            staff_count=Count("memberships", filter=Q(memberships__revoked_at__isnull=True), distinct=True)
        )


class Institution(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=250)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    # What the institution does, in a sentence or two: shown in the service directory (the
    # HSDS organization description).
    description = models.TextField(_("description"), blank=True)
    # Left blank, clean() gives the usual sector of the kind.
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    # Territory keys: a gmina institution has its gmina (and its powiat and voivodeship);
    # a powiat institution (PCPR, PUP) has no gmina; a ROPS has only its voivodeship.
    voivodeship = models.ForeignKey(
        Voivodeship, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("voivodeship")
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
        verbose_name=_("county"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
        verbose_name=_("gmina"),
    )
    serves = models.ManyToManyField(Municipality, blank=True, related_name="served_by", verbose_name=_("gminas served"))
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True, validators=[validate_postal_code])
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    website = models.URLField(_("website"), blank=True)
    regon = models.CharField(_("REGON"), max_length=14, blank=True, validators=[validate_regon])
    krs = models.CharField(_("KRS"), max_length=10, blank=True, validators=[validate_krs])
    is_active = models.BooleanField(_("active"), default=True)
    # A referral not answered within this many working days expires (Polish public holidays
    # do not count).
    referral_response_days = models.PositiveSmallIntegerField(
        _("answers referrals within (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        indexes = [models.Index(fields=["municipality", "kind"]), models.Index(fields=["county", "kind"])]
        # One institution, one entry: a REGON names one entity, and a name is unique where the
        # institution works (its gmina; a powiat institution's county; a ROPS's voivodeship).
        # clean() checks names first, ignoring case in every alphabet (SQLite's LOWER() folds
        # ASCII only); these constraints hold when two saves race.
        constraints = [
            models.UniqueConstraint(
                fields=["regon"],
                condition=~Q(regon=""),
                name="institution_unique_regon",
                # "unique" on a single field: validation reports it on the REGON field.
                violation_error_code="unique",
                violation_error_message=_(
                    "Another institution on the platform already has this REGON number. Check the number, "
                    "or find that institution on the list instead of adding it again."
                ),
            ),
            models.UniqueConstraint(
                Lower("name"),
                "municipality",
                condition=Q(municipality__isnull=False),
                name="institution_unique_name_in_gmina",
                violation_error_code=DUPLICATE_NAME,
                violation_error_message=SAME_NAME_IN_GMINA,
            ),
            models.UniqueConstraint(
                Lower("name"),
                "county",
                condition=Q(municipality__isnull=True, county__isnull=False),
                name="institution_unique_name_in_county",
                violation_error_code=DUPLICATE_NAME,
                violation_error_message=SAME_NAME_IN_COUNTY,
            ),
            models.UniqueConstraint(
                Lower("name"),
                "voivodeship",
                condition=Q(municipality__isnull=True, county__isnull=True),
                name="institution_unique_name_in_voivodeship",
                violation_error_code=DUPLICATE_NAME,
                violation_error_message=SAME_NAME_IN_VOIVODESHIP,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The rules of an institution's kind and territory, for the form and the services alike.

        Fills in what the data implies (the county of its gmina, the usual sector of its kind),
        then refuses a gmina outside the chosen county, a county outside the chosen
        voivodeship, a sector foreign to the kind, a GOPS without its gmina and a PCPR or PUP
        without its county.
        """
        errors: dict[str, ValidationError] = {}
        # "GOPS  Mirzec" and "GOPS Mirzec" are one name; the uniqueness checks compare them alike.
        self.name = " ".join(self.name.split())
        if self.kind:
            self.sector = self.sector or default_sector(self.kind)
            allowed = KIND_SECTORS.get(self.kind)
            if self.kind not in FREE_SECTOR_KINDS and allowed and self.sector not in allowed:
                errors["sector"] = ValidationError(
                    _("An institution of the kind “%(kind)s” belongs to the sector: %(sectors)s.")
                    % {
                        "kind": InstitutionKind(self.kind).label,
                        "sectors": ", ".join(str(Sector(sector).label) for sector in allowed),
                    },
                    code="sector_of_kind",
                )
        errors.update(self._territory_errors())
        if "name" not in errors and (duplicate := self._same_name_error()):
            errors["name"] = duplicate
        if errors:
            raise ValidationError(errors)

    def _same_name_error(self) -> ValidationError | None:
        """Another institution of the same name where this one works, whatever the letters' case."""
        if self.municipality_id is not None:
            where, message = Q(municipality_id=self.municipality_id), SAME_NAME_IN_GMINA
        elif self.county_id is not None:
            where, message = Q(municipality__isnull=True, county_id=self.county_id), SAME_NAME_IN_COUNTY
        elif self.voivodeship_id is not None:
            where = Q(municipality__isnull=True, county__isnull=True, voivodeship_id=self.voivodeship_id)
            message = SAME_NAME_IN_VOIVODESHIP
        else:
            return None
        name = self.name.casefold()
        others = Institution.objects.filter(where).exclude(pk=self.pk).values_list("name", flat=True)
        if any(" ".join(other.split()).casefold() == name for other in others):
            return ValidationError(message, code=DUPLICATE_NAME)
        return None

    def _territory_errors(self) -> dict[str, ValidationError]:
        gmina, county = self.municipality, self.county
        if gmina is not None:
            if county is not None and gmina.county_id != county.pk:
                return {
                    "municipality": ValidationError(
                        _("This gmina lies in another county than the one chosen."), code="gmina_outside_county"
                    )
                }
            county = self.county = gmina.county
        # voivodeship_id: a voivodeship the form refused is absent, not a reason to fail here.
        if county is not None and self.voivodeship_id is not None and county.voivodeship_id != self.voivodeship_id:
            return {
                "county": ValidationError(
                    _("This county lies in another voivodeship than the one chosen."),
                    code="county_outside_voivodeship",
                )
            }
        errors: dict[str, ValidationError] = {}
        if self.kind in KINDS_NEEDING_GMINA and gmina is None:
            errors["municipality"] = ValidationError(
                _("A social assistance centre (GOPS) needs its gmina."), code="gmina_required"
            )
        if self.kind in KINDS_NEEDING_COUNTY and county is None:
            errors["county"] = ValidationError(
                _("A powiat institution (PCPR, PUP) needs its county."), code="county_required"
            )
        return errors


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(revoked_at__isnull=True)

    def for_list(self) -> MembershipQuerySet:
        return self.select_related("user", "institution").order_by("user__last_name", "user__first_name")

    def for_staff_change(self) -> MembershipQuerySet:
        """With what a role change or revocation reads: the person and the institution's gmina (audit)."""
        return self.select_related("user", "institution__municipality")


class Membership(models.Model):
    """A user's role in an institution. All rights on the platform come from these rows."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("institution")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution", "role"],
                condition=models.Q(revoked_at__isnull=True),
                name="membership_unique_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.institution}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("invitation status", "waiting")
    EXPIRED = "expired", pgettext_lazy("invitation status", "expired")
    ACCEPTED = "accepted", pgettext_lazy("invitation status", "accepted")
    CANCELLED = "cancelled", pgettext_lazy("invitation status", "cancelled")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Neither accepted nor cancelled (possibly expired)."""
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True)

    def pending(self) -> InvitationQuerySet:
        return self.open().filter(expires_at__gt=timezone.now())

    def for_staff_page(self, institution: Institution) -> InvitationQuerySet:
        """The institution's open invitations, newest first, with who sent each."""
        return self.open().filter(institution=institution).select_related("invited_by").order_by("-created_at")


class Invitation(models.Model):
    """A one-time link by which a manager brings a new member of staff in."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("e-mail"))
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("institution")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.cancelled_at is not None:
            return InvitationStatus.CANCELLED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    def get_status_display(self) -> str:
        return str(self.status.label)


class ApiClient(models.Model):
    """An institution's machine client: its tokens act for the institution and survive staff changes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="api_clients", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("acts as"), max_length=32, choices=Role.choices, default=Role.PARTNER_STAFF)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TokenScope(models.TextChoices):
    READ = "read", _("read only")
    READ_WRITE = "read_write", _("read and write")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A bearer token: personal (acts as its user) or of an API client (acts for its institution).

    Only a SHA-256 hash of the secret is kept; the secret is shown once, when created.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    client = models.ForeignKey(
        ApiClient,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tokens",
        verbose_name=_("API client"),
    )
    scope = models.CharField(_("scope"), max_length=16, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, client__isnull=True)
                | models.Q(user__isnull=True, client__isnull=False),
                name="api_token_owner_is_user_xor_client",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
