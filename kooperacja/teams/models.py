"""Teams: the Gminno-Powiatowy Zespół Kooperacji (G-PZK) of a gmina with its members and
their team roles, the agreements its partners signed and the obligations they took on,
meetings with invitations, attendance, minutes and decisions, the tasks decisions become,
case conferences, personal calendar feeds and the partner survey.

Who sees and does what is decided in `policies.py`. Team data is about institutions and their
staff, not about the families of cases; the one exception, the cases a case conference
discusses, is shown only through the cases app's access rules (`MeetingCase`).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kooperacja.cases.models import Case
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import County, Municipality, Voivodeship


def _public_id() -> models.UUIDField:
    return models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)


def _gmina() -> models.ForeignKey[Municipality, Municipality]:
    return models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("gmina"))


def _private_storage() -> Any:
    """Scans and attachments live in the private store of documents, outside the web root."""
    return storages["documents"]


def _file_path(instance: Any, filename: str) -> str:
    # The stored name says nothing about the file's original name.
    return f"teams/{instance.team_id}/{uuid.uuid4().hex}"


# --- Teams and members ---------------------------------------------------------------------


class TeamRole(models.TextChoices):
    LEADER = "leader", _("leader")
    ANIMATOR = "animator", pgettext_lazy("team role", "animator")
    MEMBER = "member", pgettext_lazy("team role", "member")


# Team roles that run the team: its settings, members, agreements, meetings and tasks.
RUNNING_ROLES = (TeamRole.LEADER, TeamRole.ANIMATOR)


class TeamQuerySet(models.QuerySet["Team"]):
    def with_member_count(self, on: Any = None) -> TeamQuerySet:
        """Each team with `member_count`: its current members on a day (today by default)."""
        day = on or timezone.localdate()
        current = Q(members__joined_on__lte=day) & (Q(members__left_on__isnull=True) | Q(members__left_on__gt=day))
        return self.annotate(member_count=models.Count("members", filter=current, distinct=True))


class Team(models.Model):
    """A G-PZK: the standing partnership of the institutions of one gmina and its powiat."""

    public_id = _public_id()
    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="teams", verbose_name=_("gmina")
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="teams", verbose_name=_("powiat"))
    purpose = models.TextField(_("purpose"), blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation team")
        verbose_name_plural = _("cooperation teams")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="teams_team_name_once_per_gmina")]

    def __str__(self) -> str:
        return self.name


class TeamMemberQuerySet(models.QuerySet["TeamMember"]):
    def current(self, on: Any = None) -> TeamMemberQuerySet:
        """Members on a day (today by default): joined by then and not yet left."""
        day = on or timezone.localdate()
        return self.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))


class TeamMember(models.Model):
    """An institution in a team, through one of its staff (its representative) and a team role.
    An institution may be a member before it names a representative (`user` empty). Leaving
    sets `left_on`; the row stays as the membership history."""

    public_id = _public_id()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team"))
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="team_memberships", verbose_name=_("institution")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_memberships",
        verbose_name=_("representative"),
    )
    role = models.CharField(_("team role"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["joined_on", "id"]
        indexes = [models.Index(fields=["user", "left_on"]), models.Index(fields=["institution", "left_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(left_on__isnull=True, user__isnull=False),
                name="teams_member_once",
            ),
            models.UniqueConstraint(
                fields=["team", "institution"],
                condition=Q(left_on__isnull=True, user__isnull=True),
                name="teams_unnamed_member_once",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="teams_member_leaves_after_join",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} ({self.get_role_display()})"


# --- Agreements and obligations ------------------------------------------------------------


class Agreement(models.Model):
    """Porozumienie: a signed agreement on cooperation, kept with the team it concerns."""

    public_id = _public_id()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("team"))
    title = models.CharField(_("title"), max_length=300)
    subject = models.TextField(_("subject"), blank=True)
    signed_on = models.DateField(_("signed on"))
    place = models.CharField(_("place of signing"), max_length=200, blank=True)
    scan = models.FileField(
        _("signed scan"), upload_to=_file_path, storage=_private_storage, max_length=300, blank=True
    )
    scan_name = models.CharField(_("file name"), max_length=255, blank=True)
    scan_type = models.CharField(_("type"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["signed_on", "id"]

    def __str__(self) -> str:
        return self.title


class PartyKind(models.TextChoices):
    VOIVODESHIP = "voivodeship", _("voivodeship")
    COUNTY = "county", _("powiat")
    MUNICIPALITY = "municipality", _("gmina")
    INSTITUTION = "institution", _("institution")


class AgreementParty(models.Model):
    """One party of an agreement: a voivodeship, a powiat, a gmina or an institution (exactly
    the one its kind names)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("kind of party"), max_length=20, choices=PartyKind.choices)
    voivodeship = models.ForeignKey(
        Voivodeship, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("voivodeship")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("powiat")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("gmina")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("institution")
    )
    represented_by = models.CharField(_("represented by"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("party of an agreement")
        verbose_name_plural = _("parties of an agreement")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="voivodeship",
                        voivodeship__isnull=False,
                        county__isnull=True,
                        municipality__isnull=True,
                        institution__isnull=True,
                    )
                    | Q(
                        kind="county",
                        voivodeship__isnull=True,
                        county__isnull=False,
                        municipality__isnull=True,
                        institution__isnull=True,
                    )
                    | Q(
                        kind="municipality",
                        voivodeship__isnull=True,
                        county__isnull=True,
                        municipality__isnull=False,
                        institution__isnull=True,
                    )
                    | Q(
                        kind="institution",
                        voivodeship__isnull=True,
                        county__isnull=True,
                        municipality__isnull=True,
                        institution__isnull=False,
                    )
                ),
                name="teams_party_is_one_thing",
            )
        ]

    def __str__(self) -> str:
        return str(self.voivodeship or self.county or self.municipality or self.institution)


class ObligationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("obligation", "pending")
    IN_PROGRESS = "in_progress", pgettext_lazy("obligation", "in progress")
    FULFILLED = "fulfilled", pgettext_lazy("obligation", "fulfilled")
    NOT_FULFILLED = "not_fulfilled", pgettext_lazy("obligation", "not fulfilled")


OPEN_OBLIGATION_STATUSES = (ObligationStatus.PENDING, ObligationStatus.IN_PROGRESS)


class Obligation(models.Model):
    """A duty a party took on in an agreement; what shows it was done is linked as evidence
    (`core.evidence`)."""

    public_id = _public_id()
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="obligations")
    party = models.ForeignKey(
        AgreementParty, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("party")
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.TextField(_("obligation"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ObligationStatus.choices, default=ObligationStatus.PENDING
    )
    status_note = models.TextField(_("note on the status"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["agreement", "number", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.text[:80]


# --- Meetings ------------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    TEAM_MEETING = "team_meeting", _("team meeting")
    WORKSHOP = "workshop", _("workshop")
    CASE_CONFERENCE = "case_conference", _("case conference")
    TRAINING = "training", _("training")
    CONSULTATION = "consultation", _("consultation")
    EXCHANGE_VISIT = "exchange_visit", _("partner exchange visit")
    FOCUS_GROUP = "focus_group", _("focus group")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting", "planned")
    HELD = "held", pgettext_lazy("meeting", "held")
    CANCELLED = "cancelled", pgettext_lazy("meeting", "cancelled")


class Meeting(models.Model):
    """A meeting of a team (a case conference is a meeting kind): when and where, the agenda,
    who was invited and who came, the minutes and the decisions taken."""

    public_id = _public_id()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("team"))
    municipality = _gmina()
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.TEAM_MEETING)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    minutes_at = models.DateTimeField(_("minutes written"), null=True, blank=True)
    # The iCalendar SEQUENCE: raised on every change of time, place or status that invitees must see.
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["team", "starts_at"]), models.Index(fields=["municipality", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="teams_meeting_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def listed_title(self) -> str:
        """The title to show wherever the meeting is listed (calendars, overviews, evidence,
        summaries): a case conference's own title may name a family, so it is shown only on
        the conference's page to those who see its cases (teams/conferences.py)."""
        if self.kind == MeetingKind.CASE_CONFERENCE:
            return str(_("Case conference"))
        return self.title

    @property
    def hours(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 1)


class InvitationResponse(models.TextChoices):
    PENDING = "pending", _("no answer yet")
    ACCEPTED = "accepted", _("will come")
    DECLINED = "declined", _("will not come")


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    """The one rule of attendance that every count of a team's meetings uses (its dashboard,
    the evaluation's team activity, the API): an attendance row counts among the *invited*
    when an invitation was sent or its presence was recorded at all (a partner who came
    uninvited was still expected), and among those who *came* when it attended."""

    @staticmethod
    def invited_condition(prefix: str = "") -> Q:
        """The rule of `invited()` as a condition (for `Count(filter=…)`); `prefix` leads from
        the model queried to the attendance row (`"attendances__"` from a meeting)."""
        return Q(**{f"{prefix}invited_at__isnull": False}) | Q(**{f"{prefix}attended__isnull": False})

    @staticmethod
    def came_condition(prefix: str = "") -> Q:
        """The rule of `came()` as a condition; `prefix` as for `invited_condition`."""
        return Q(**{f"{prefix}attended": True})

    def invited(self) -> AttendanceQuerySet:
        return self.filter(self.invited_condition())

    def came(self) -> AttendanceQuerySet:
        return self.filter(self.came_condition())

    def counts(self) -> dict[str, int]:
        """`{"invited": …, "came": …}` of these rows, in one query."""
        return self.aggregate(
            invited=models.Count("pk", filter=self.invited_condition()),
            came=models.Count("pk", filter=self.came_condition()),
        )


class Attendance(models.Model):
    """One person (or an institution not yet represented by a named person) at a meeting:
    invited or not, their answer, and whether they came and for how many hours."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_attendances",
        verbose_name=_("person"),
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    response = models.CharField(
        _("answer"), max_length=20, choices=InvitationResponse.choices, default=InvitationResponse.PENDING
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    hours = models.DecimalField(_("hours given"), max_digits=4, decimal_places=1, null=True, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["institution__name", "id"]
        indexes = [models.Index(fields=["user", "attended"]), models.Index(fields=["institution", "attended"])]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="teams_attendance_person_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "institution"],
                condition=Q(user__isnull=True),
                name="teams_attendance_institution_once",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0), name="teams_attendance_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user or self.institution)


class Decision(models.Model):
    """A decision taken at a meeting; it becomes one or more tasks."""

    public_id = _public_id()
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.TextField(_("decision"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "number", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class TeamDocument(models.Model):
    """A file of a team: a meeting's attachment (`meeting` set) or a document of the team that
    may serve as evidence of an obligation."""

    public_id = _public_id()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="documents")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=_file_path, storage=_private_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("team document")
        verbose_name_plural = _("team documents")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title


class MeetingCase(models.Model):
    """A case discussed at a case conference, with the part of the minutes about it. Shown only
    to those the cases app lets see the case; the case part goes on the case's timeline."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("case"))
    municipality = _gmina()
    minutes = models.TextField(_("minutes about this case"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("case at a conference")
        verbose_name_plural = _("cases at a conference")
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="teams_case_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.case_id}"


# --- Tasks -----------------------------------------------------------------------------------


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task", "to do")
    IN_PROGRESS = "in_progress", pgettext_lazy("task", "in progress")
    DONE = "done", pgettext_lazy("task", "done")
    CANCELLED = "cancelled", pgettext_lazy("task", "cancelled")


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class TaskQuerySet(models.QuerySet["Task"]):
    def unfinished(self) -> TaskQuerySet:
        return self.filter(status__in=OPEN_TASK_STATUSES)

    def overdue(self, today: Any = None) -> TaskQuerySet:
        return self.unfinished().filter(due_on__lt=today or timezone.localdate())

    def decided_between(self, since: Any, until: Any) -> TaskQuerySet:
        """The tasks a period's decisions gave: those of decisions taken at meetings starting
        from `since` up to (not including) `until`, cancelled ones left out (no longer
        anyone's work). A team's dashboard and the evaluation's team activity count these."""
        return self.filter(decision__meeting__starts_at__gte=since, decision__meeting__starts_at__lt=until).exclude(
            status=TaskStatus.CANCELLED
        )

    @staticmethod
    def done_on_time_condition() -> Q:
        """The rule of `done_on_time()` as a condition (for `Count(filter=…)`)."""
        return Q(status=TaskStatus.DONE) & (Q(due_on__isnull=True) | Q(done_on__lte=F("due_on")))

    def done_on_time(self) -> TaskQuerySet:
        """Tasks done by their due day; a task with no due day is on time once done."""
        return self.filter(self.done_on_time_condition())


class Task(models.Model):
    """Work a team gave to an institution (and, when named, one of its people): most often
    from a decision of a meeting."""

    public_id = _public_id()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("team"))
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("decision")
    )
    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    owner_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible institution")
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_tasks",
        verbose_name=_("responsible person"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["team", "status", "due_on"]),
            models.Index(fields=["owner_user", "status", "due_on"]),
            models.Index(fields=["owner_institution", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.title


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


# --- The personal calendar feed --------------------------------------------------------------


class CalendarFeed(models.Model):
    """A secret address of a user's iCalendar feed of meetings; revoking it makes the address
    answer 404 at once (a new one can be made). Only the SHA-256 of the address's token is kept,
    like API tokens: the address is shown once, when it is made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="teams_one_live_feed_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}"


# --- The partner survey ----------------------------------------------------------------------


class Survey(models.Model):
    """A round of the partner survey of a team: open to its members between two days."""

    public_id = _public_id()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("team"))
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("open until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("partner survey")
        verbose_name_plural = _("partner surveys")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="teams_survey_closes_after_open")
        ]

    def __str__(self) -> str:
        return self.title


class SurveyReceipt(models.Model):
    """That a user answered a survey: kept apart from the answer, so answers stay anonymous
    while nobody answers twice."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answered_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="teams_survey_answered_once")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.user_id}"


def _likert(label: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(1), MaxValueValidator(5)])


# The Likert items of the survey, in the order they are asked (field name -> statement).
SURVEY_ITEMS = {
    "communication": _("Communication between the partners works well."),
    "goals": _("The goals of the team are clear to me."),
    "expectations": _("The partners know what they may expect of each other."),
    "information": _("Information reaches my institution in time."),
    "benefit": _("Working in the team benefits the people my institution supports."),
    "workload": _("The work for the team is a reasonable load next to my other duties."),
}


class SurveyResponse(models.Model):
    """One anonymous answer: a 1–5 score per statement (5 = fully agree) and free text."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    communication = _likert(SURVEY_ITEMS["communication"])
    goals = _likert(SURVEY_ITEMS["goals"])
    expectations = _likert(SURVEY_ITEMS["expectations"])
    information = _likert(SURVEY_ITEMS["information"])
    benefit = _likert(SURVEY_ITEMS["benefit"])
    workload = _likert(SURVEY_ITEMS["workload"])
    comment = models.TextField(_("what would you change?"), blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    communication__range=(1, 5),
                    goals__range=(1, 5),
                    expectations__range=(1, 5),
                    information__range=(1, 5),
                    benefit__range=(1, 5),
                    workload__range=(1, 5),
                ),
                name="teams_survey_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}"
