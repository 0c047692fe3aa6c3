"""Cases: the people a case is about, the case itself, who works on it, consent and the timeline.

Every table here holds personal data and carries its gmina (`municipality`) and owning
institution from the start (DESIGN.md §3, territory keys): every query filters by one of
them, which keeps access rules simple and lets the data shard by territory later.

Who sees what is decided in `policies.py`, never by a bare `objects.get`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kooperacja.cases import pesel as pesel_rules
from kooperacja.core import crypto
from kooperacja.directory.models import TaxonomyTerm
from kooperacja.institutions.models import Institution, Sector
from kooperacja.territory.models import Municipality

PESEL_HASH_PURPOSE = "pesel"


def _public_id() -> models.UUIDField:
    return models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


class DisabilityDegree(models.TextChoices):
    """Stopień niepełnosprawności (the act on vocational and social rehabilitation)."""

    LIGHT = "light", _("light")
    MODERATE = "moderate", _("moderate")
    SIGNIFICANT = "significant", _("significant")


class Relationship(models.TextChoices):
    """A person's place in the household, relative to its head."""

    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse or partner")
    CHILD = "child", _("child")
    PARENT = "parent", pgettext_lazy("household relationship", "parent")
    GRANDCHILD = "grandchild", _("grandchild")
    GRANDPARENT = "grandparent", _("grandparent")
    SIBLING = "sibling", _("brother or sister")
    OTHER_RELATIVE = "relative", _("other relative")
    OTHER = "other", _("other person")


# --- Households and persons -----------------------------------------------------------------


class Household(models.Model):
    """Gospodarstwo domowe: people living and keeping house together."""

    public_id = _public_id()
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="households", verbose_name=_("registered by")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="households", verbose_name=_("gmina")
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("How the team refers to it, e.g. Nowak family."))
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["institution", "name"]), models.Index(fields=["municipality", "name"])]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    def for_list(self) -> PersonQuerySet:
        return self.select_related("household", "municipality").order_by("last_name", "first_name", "id")

    def with_pesel(self, value: str) -> PersonQuerySet:
        """Exact lookup by PESEL through its keyed hash; the number itself is stored encrypted."""
        return self.filter(pesel_hash=crypto.keyed_hash(PESEL_HASH_PURPOSE, value.replace(" ", "")))

    def named(self, text: str) -> PersonQuerySet:
        """People whose first or last name begins with each word of `text`."""
        found = self
        for word in text.split():
            found = found.filter(Q(first_name__istartswith=word) | Q(last_name__istartswith=word))
        return found


class Person(models.Model):
    public_id = _public_id()
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="persons", verbose_name=_("registered by")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="persons", verbose_name=_("gmina of residence")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    relationship = models.CharField(
        _("place in the household"), max_length=20, choices=Relationship.choices, blank=True
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    # The PESEL is sealed with FIELD_ENCRYPTION_KEY; its keyed hash finds it by exact value.
    pesel_sealed = models.TextField(blank=True, editable=False)
    pesel_hash = models.CharField(max_length=64, blank=True, editable=False)
    pesel_last_digits = models.CharField(max_length=4, blank=True, editable=False)
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    disability_degree = models.CharField(
        _("degree of disability"), max_length=20, choices=DisabilityDegree.choices, blank=True
    )
    income_per_person = models.DecimalField(
        _("income per person (zł a month)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    accessibility_needs = models.ManyToManyField(
        TaxonomyTerm,
        blank=True,
        related_name="+",
        verbose_name=_("accessibility needs"),
        help_text=_("Terms of the accessibility taxonomy; the matching of services reads them."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Set when the person's identity was removed (GDPR); the row stays for aggregates.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("merged into")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(
                fields=["pesel_hash"], condition=~Q(pesel_hash=""), name="cases_person_pesel_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "last_name", "first_name"]),
            models.Index(fields=["municipality", "last_name", "first_name"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def pesel(self) -> str:
        """The PESEL in full: only for a detail view that audits the read."""
        return str(crypto.unseal(self.pesel_sealed)) if self.pesel_sealed else ""

    @property
    def pesel_masked(self) -> str:
        """What lists show: the last four digits only."""
        return f"•••••••{self.pesel_last_digits}" if self.pesel_last_digits else ""

    def set_pesel(self, value: str) -> None:
        """Store a PESEL (validated by `pesel.validate`) sealed, with its keyed hash; "" clears it."""
        cleaned = pesel_rules.validate(value) if value else ""
        self.pesel_sealed = crypto.seal(cleaned) if cleaned else ""
        self.pesel_hash = crypto.keyed_hash(PESEL_HASH_PURPOSE, cleaned) if cleaned else ""
        self.pesel_last_digits = cleaned[-4:]


# --- Cases ----------------------------------------------------------------------------------


class CaseKind(models.TextChoices):
    PERSON = "person", _("person")
    HOUSEHOLD = "household", _("family or household")
    GROUP = "group", _("community group")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "open")
    ACTIVE = "active", pgettext_lazy("case status", "active")
    ON_HOLD = "on_hold", pgettext_lazy("case status", "on hold")
    CLOSED = "closed", pgettext_lazy("case status", "closed")


class ClosingReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("goals achieved, the family manages on its own")
    NO_COOPERATION = "no_cooperation", _("the family stopped cooperating")
    MOVED = "moved", _("moved away")
    DIED = "died", _("death")
    OTHER_HELP = "other_help", _("help continues elsewhere")
    OTHER = "other", _("other reason")


class SupportReason(models.TextChoices):
    """The reasons for support of art. 7 of the Polish social assistance act."""

    POVERTY = "poverty", _("poverty")
    ORPHANHOOD = "orphanhood", _("orphanhood")
    HOMELESSNESS = "homelessness", _("homelessness")
    UNEMPLOYMENT = "unemployment", _("unemployment")
    DISABILITY = "disability", _("disability")
    LONG_TERM_ILLNESS = "illness", _("long-term or serious illness")
    DOMESTIC_VIOLENCE = "violence", _("domestic violence")
    TRAFFICKING = "trafficking", _("need to protect a victim of human trafficking")
    MATERNITY = "maternity", _("need to protect maternity or a large family")
    HELPLESSNESS = "helplessness", _("helplessness in care and upbringing and in running a household")
    CARE_LEAVERS = "care_leavers", _("difficulty of a young person leaving care in becoming independent")
    INTEGRATION = "integration", _("difficulty in integrating (foreigners, refugees)")
    AFTER_PRISON = "after_prison", _("difficulty in adapting to life after leaving prison")
    ALCOHOL = "alcohol", _("alcohol addiction")
    DRUGS = "drugs", _("drug addiction, including new psychoactive substances")
    CRISIS = "crisis", _("a random event or crisis situation")
    DISASTER = "disaster", _("natural or ecological disaster")


class CaseQuerySet(models.QuerySet["Case"]):
    def for_list(self) -> CaseQuerySet:
        return self.select_related("person", "household", "institution", "municipality", "lead_worker").order_by(
            "-updated_at", "-id"
        )

    def open(self) -> CaseQuerySet:
        return self.exclude(status=CaseStatus.CLOSED)


class Case(models.Model):
    """Sprawa / środowisko: the shared record of one person, family or community group."""

    public_id = _public_id()
    kind = models.CharField(_("case of"), max_length=20, choices=CaseKind.choices, default=CaseKind.HOUSEHOLD)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("person")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("household"),
    )
    group_name = models.CharField(_("community group"), max_length=200, blank=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="cases", verbose_name=_("owning institution")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="cases", verbose_name=_("gmina")
    )
    lead_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_led",
        verbose_name=_("lead worker"),
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closing_reason = models.CharField(_("reason for closing"), max_length=30, choices=ClosingReason.choices, blank=True)
    opened_on = models.DateField(_("opened on"), default=dt.date.today)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    summary = models.TextField(_("situation in brief"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["institution", "status", "-updated_at"]),
            models.Index(fields=["municipality", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="person", person__isnull=False)
                    | Q(kind="household", household__isnull=False)
                    | Q(kind="group") & ~Q(group_name="")
                ),
                name="cases_case_subject_given",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.kind == CaseKind.PERSON and self.person is not None:
            return self.person.full_name
        if self.kind == CaseKind.HOUSEHOLD and self.household is not None:
            return self.household.name
        return self.group_name

    def persons(self) -> list[Person]:
        """The people the case is about: its person, or every member of its household."""
        if self.kind == CaseKind.PERSON and self.person is not None:
            return [self.person]
        if self.kind == CaseKind.HOUSEHOLD and self.household is not None:
            return list(self.household.members.order_by("id"))
        return []


class CaseReason(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reasons", verbose_name=_("case"))
    reason = models.CharField(_("reason for support"), max_length=20, choices=SupportReason.choices)

    class Meta:
        verbose_name = _("reason for support")
        verbose_name_plural = _("reasons for support")
        constraints = [models.UniqueConstraint(fields=["case", "reason"], name="cases_reason_once")]
        indexes = [models.Index(fields=["reason", "case"])]

    def __str__(self) -> str:
        return str(self.get_reason_display())


# --- Who works on a case --------------------------------------------------------------------


class ParticipationKind(models.TextChoices):
    CASE_TEAM = "case_team", _("case team")
    REFERRAL = "referral", _("referral")
    BASKET_ITEM = "basket_item", _("basket of services")
    CASE_CONFERENCE = "case_conference", _("case conference")


class ParticipationQuerySet(models.QuerySet["Participation"]):
    def active(self, on: dt.datetime | None = None) -> ParticipationQuerySet:
        moment = on or timezone.now()
        return self.filter(started_at__lte=moment).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=moment))


class Participation(models.Model):
    """Udział: an institution taking part in a case, and why. The one table every access rule
    for partners reads (DESIGN.md §2); later apps add rows for referrals, basket items and case
    conferences, pointing at their object through `source_type`/`source_id`."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participations", verbose_name=_("case"))
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="participations", verbose_name=_("institution")
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("gmina"))
    kind = models.CharField(_("through"), max_length=20, choices=ParticipationKind.choices)
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(_("since"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        indexes = [models.Index(fields=["institution", "case"]), models.Index(fields=["case", "institution"])]

    def __str__(self) -> str:
        return f"{self.institution} ({self.get_kind_display()})"


class CaseTeamRole(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinator")
    MEMBER = "member", _("member")


class CaseTeamMemberQuerySet(models.QuerySet["CaseTeamMember"]):
    def current(self) -> CaseTeamMemberQuerySet:
        return self.filter(left_at__isnull=True)


class CaseTeamMember(models.Model):
    """A person in the case team (zespół zadaniowy); joining records a `Participation` of
    the member's institution."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team", verbose_name=_("case"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams", verbose_name=_("worker")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="case_team_members", verbose_name=_("institution")
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("gmina"))
    role = models.CharField(_("role"), max_length=20, choices=CaseTeamRole.choices, default=CaseTeamRole.MEMBER)
    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CaseTeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("case team member")
        verbose_name_plural = _("case team members")
        indexes = [models.Index(fields=["user", "case"]), models.Index(fields=["case", "user"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the receiving institution")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


class CaseTransfer(models.Model):
    """A case handed to another institution (a family moved gmina): it moves only when the
    receiving institution accepts."""

    public_id = _public_id()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("case"))
    from_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("from institution")
    )
    to_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="incoming_transfers", verbose_name=_("to institution")
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("gmina"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_note = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        indexes = [models.Index(fields=["to_institution", "status"])]

    def __str__(self) -> str:
        return f"{self.from_institution} → {self.to_institution}"


# --- Consent --------------------------------------------------------------------------------


class ConsentCategory(models.TextChoices):
    """What a consent lets another institution see. Each diagnosis domain is a category of its
    own, named `diagnosis:<domain code>` (the domains are data of the instrument)."""

    IDENTITY = "identity", _("identity and contact")
    PLAN = "plan", _("plan and referrals")
    NOTES = "notes", _("notes marked as shareable")
    DOCUMENTS = "documents", _("documents marked as shareable")


DIAGNOSIS_PREFIX = "diagnosis:"


class ConsentBasis(models.TextChoices):
    CONSENT = "consent", _("consent of the person")
    GUARDIAN = "guardian", _("consent of the legal guardian")
    STATUTE = "statute", _("statutory basis")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self, on: dt.date | None = None) -> ConsentQuerySet:
        """Consents that count on a day: begun, not ended, not withdrawn."""
        day = on or timezone.localdate()
        return self.filter(valid_from__lte=day, withdrawn_at__isnull=True).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def for_institution(self, institution: Institution) -> ConsentQuerySet:
        """Consents naming the institution itself or its whole sector."""
        return self.filter(Q(institution=institution) | Q(institution__isnull=True, sector=institution.sector))


class Consent(models.Model):
    """Zgoda (RODO): a person (or legal guardian) lets an institution, or every institution of a
    sector, see chosen categories of the person's data from one day to another; or a statutory
    basis recorded with its legal reference. Withdrawal takes effect at once."""

    public_id = _public_id()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("gmina"))
    recorded_by_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by institution")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_received",
        verbose_name=_("for institution"),
    )
    sector = models.CharField(
        _("for every institution of the sector"), max_length=32, choices=Sector.choices, blank=True
    )
    categories = models.JSONField(_("categories"), default=list)
    basis = models.CharField(_("basis"), max_length=20, choices=ConsentBasis.choices, default=ConsentBasis.CONSENT)
    guardian_name = models.CharField(_("legal guardian"), max_length=200, blank=True)
    legal_reference = models.CharField(_("legal reference"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"), default=dt.date.today)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    signed_scan = models.ForeignKey(
        "Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("signed scan")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["person", "institution"]), models.Index(fields=["institution", "person"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False, sector="") | Q(institution__isnull=True) & ~Q(sector=""),
                name="cases_consent_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="cases_consent_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.institution or self.get_sector_display()}"

    def covers(self, category: str) -> bool:
        return category in self.categories


# --- Timeline, notes, documents -------------------------------------------------------------


class TimelineKind(models.TextChoices):
    OPENED = "opened", _("case opened")
    STATUS = "status", _("status changed")
    TEAM = "team", _("case team changed")
    HANDOVER = "handover", _("handed over")
    NOTE = "note", _("note")
    DOCUMENT = "document", _("document")
    CONSENT = "consent", _("consent")
    ASSESSMENT = "assessment", _("diagnosis")
    PLAN = "plan", _("plan")
    REFERRAL = "referral", _("referral")
    MEETING = "meeting", _("meeting")


class TimelineEntryQuerySet(models.QuerySet["TimelineEntry"]):
    def for_case(self, case: Case) -> TimelineEntryQuerySet:
        return self.filter(case=case).select_related("actor", "institution").order_by("-occurred_at", "-id")


class TimelineEntry(models.Model):
    """One thing that happened on a case. Later apps (plans, referrals, meetings) add entries;
    `category` is the consent category a partner needs to see it ("" = the owning
    institution's team only), `source_type`/`source_id` point at the object it tells of."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("case"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("gmina"))
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("institution")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TimelineKind.choices)
    title = models.CharField(_("what happened"), max_length=300)
    category = models.CharField(_("shared as"), max_length=60, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)

    objects = TimelineEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["case", "-occurred_at"])]

    def __str__(self) -> str:
        return self.title


class Note(models.Model):
    """A note on a case: internal to the author's institution unless marked shareable."""

    public_id = _public_id()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("gmina"))
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    shareable = models.BooleanField(
        _("shareable"), default=False, help_text=_("Partners of the case with consent for notes see it.")
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [models.Index(fields=["case", "-created_at"])]

    def __str__(self) -> str:
        return self.text[:60]


def _document_storage() -> Any:
    """The private store of case documents (settings STORAGES["documents"]), outside the web root."""
    return storages["documents"]


def _document_path(document: Document, filename: str) -> str:
    # The stored name says nothing about the person or the original file name.
    return f"{document.municipality_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A file attached to a case, kept outside the web root and served only through the
    access policy; its type is checked from its content, not its name."""

    public_id = _public_id()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents", verbose_name=_("case"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("gmina"))
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=_document_path, storage=_document_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    shareable = models.BooleanField(
        _("shareable"), default=False, help_text=_("Partners of the case with consent for documents see it.")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title
