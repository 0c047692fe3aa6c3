"""Learning and improving the model: trainings and the „Szkoła kooperacji” with sessions,
enrolment, attendance and certificates; self-paced e-learning courses with lessons, quizzes and
progress; a materials library; good practices of gminas; advisory, animator, focus and
exchange-visit support; and the consultations of the model, whose remarks become
recommendations gathered in the versioned Księga Rekomendacji.

Nothing here is about a person of a case. Learners are staff (users); a certificate keeps the
holder's name as printed, so that its public verification page can show it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kooperacja.community.models import Programme
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import Municipality, Voivodeship


def _public_id() -> models.UUIDField:
    return models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)


def _private_storage() -> Any:
    return storages["documents"]


def _file_path(instance: models.Model, filename: str) -> str:
    # The stored name tells nothing about the file; its own name is kept in `filename`.
    return f"learning/{instance._meta.model_name}/{uuid.uuid4().hex}"


def _user() -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )


class Topic(models.TextChoices):
    """What a training or course teaches (the topics the programme offered, and more)."""

    COMMUNICATION = "communication", _("social and interpersonal communication")
    NEGOTIATION = "negotiation", _("negotiation")
    COOPERATION = "cooperation", _("building effective cooperation")
    FAMILY_WORK = "family_work", _("methods of work with a family or a group")
    SUPERVISION = "supervision", _("group supervision")
    MODEL = "model", _("the cooperation model and the platform")
    DIAGNOSIS = "diagnosis", _("diagnosis and planning")
    OTHER = "other", pgettext_lazy("topic", "other")


# --- Trainings and the Szkoła kooperacji -------------------------------------------------------


class TrainingKind(models.TextChoices):
    TRAINING = "training", pgettext_lazy("training kind", "training")
    SCHOOL = "school", _("Szkoła kooperacji course")
    WORKSHOP = "workshop", _("workshop")


class Training(models.Model):
    """A training or a „Szkoła kooperacji” course: one or more sessions, a capacity, enrolment
    with a waiting list, attendance and certificates. Organised by an institution (a ROPS, a
    PCPR…), optionally for one cooperation team or within a programme."""

    public_id = _public_id()
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices, default=TrainingKind.TRAINING)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for the team"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("programme")
    )
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    enrolment_closes_on = models.DateField(_("enrolment closes on"), null=True, blank=True)
    # A certificate is issued to whoever attended at least this share of the sessions.
    required_attendance = models.PositiveSmallIntegerField(_("attendance required for a certificate (%)"), default=100)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = _user()
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="learning_training_capacity"),
            models.CheckConstraint(
                condition=Q(required_attendance__gte=1, required_attendance__lte=100),
                name="learning_training_attendance_share",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    """One day (or part of a day) of a training."""

    public_id = _public_id()
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="learning_session_times")]

    def __str__(self) -> str:
        return self.title or str(self.training)


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("enrolled")
    WAITING = "waiting", _("on the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("enrolment", "cancelled")


class Enrolment(models.Model):
    """A user's place on a training, or on its waiting list (in the order they asked)."""

    public_id = _public_id()
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
    )
    status = models.CharField(_("status"), max_length=20, choices=EnrolmentStatus.choices)
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["asked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["training", "user"], name="learning_enrolment_once")]

    def __str__(self) -> str:
        return f"{self.training_id}:{self.user_id}"


class SessionAttendance(models.Model):
    """Whether an enrolled person was present at one session."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=False)
    recorded_by = _user()
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="learning_attendance_once")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.enrolment_id}"


# --- E-learning ------------------------------------------------------------------------------


class Course(models.Model):
    """A self-paced e-learning course of ordered lessons; finishing every lesson (and passing
    its quiz, where it has one) earns a completion certificate."""

    public_id = _public_id()
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    minutes = models.PositiveIntegerField(_("estimated time (minutes)"), default=30)
    # The share of a lesson's quiz questions answered right that passes it.
    pass_mark = models.PositiveSmallIntegerField(_("quiz pass mark (%)"), default=60)
    is_published = models.BooleanField(_("published"), default=False)
    created_by = _user()
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("e-learning course")
        verbose_name_plural = _("e-learning courses")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="learning_course_pass_mark")
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    public_id = _public_id()
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=300)
    # Plain text; a blank line starts a new paragraph.
    body = models.TextField(_("text"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.title


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("image in the lesson")
    DOWNLOAD = "download", _("material to download")


class LessonAttachment(models.Model):
    """An image shown in a lesson (with its text alternative) or a material to download."""

    public_id = _public_id()
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    title = models.CharField(_("title"), max_length=300)
    alt_text = models.CharField(_("text alternative"), max_length=500, blank=True)
    file = models.FileField(upload_to=_file_path, storage=_private_storage, max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("lesson attachment")
        verbose_name_plural = _("lesson attachments")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.title


class QuizQuestion(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("question"), max_length=500)

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["lesson", "position", "id"]

    def __str__(self) -> str:
        return self.text


class QuizChoice(models.Model):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")
        ordering = ["question", "id"]

    def __str__(self) -> str:
        return self.text


class LessonProgress(models.Model):
    """A learner's progress in one lesson: read, and (when it has a quiz) their best result."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(_("best quiz result (%)"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="learning_progress_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.lesson_id}"


class QuizAttempt(models.Model):
    """One submitted quiz. The form carries a one-time `token`: the same submission sent twice
    (a double click, a resent form) is recorded once and shows the first result."""

    public_id = _public_id()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attempts")
    token = models.UUIDField(_("form token"))
    answers = models.JSONField(_("answers"), default=dict)
    score = models.PositiveSmallIntegerField(_("result (%)"))
    passed = models.BooleanField(_("passed"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="learning_attempt_once")]

    def __str__(self) -> str:
        return f"{self.lesson_id}:{self.score}%"


# --- Certificates --------------------------------------------------------------------------------


class Certificate(models.Model):
    """A certificate of a training attended or a course completed. Its code is printed on the
    PDF and checked on the public verification page; the holder's name and the title are kept as
    printed."""

    public_id = _public_id()
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    holder_name = models.CharField(_("holder"), max_length=300)
    title = models.CharField(_("title"), max_length=300)
    training = models.ForeignKey(Training, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates")
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    issued_by = models.CharField(_("issued by"), max_length=300)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(training__isnull=False) & Q(course__isnull=True))
                | (Q(training__isnull=True) & Q(course__isnull=False)),
                name="learning_certificate_of_one",
            ),
            models.UniqueConstraint(
                fields=["user", "training"],
                condition=Q(training__isnull=False),
                name="learning_certificate_training_once",
            ),
            models.UniqueConstraint(
                fields=["user", "course"], condition=Q(course__isnull=False), name="learning_certificate_course_once"
            ),
        ]

    def __str__(self) -> str:
        return self.code


# --- Materials library and good practices ------------------------------------------------------


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("everyone, also without signing in")
    STAFF = "staff", _("every signed-in user")
    REGION = "region", _("staff of institutions in the voivodeship")


class MaterialKind(models.TextChoices):
    GUIDE = "guide", _("guide")
    PRESENTATION = "presentation", _("presentation")
    TEMPLATE = "template", _("document template")
    REPORT = "report", _("report")
    OTHER = "other", pgettext_lazy("material", "other")


class Material(models.Model):
    public_id = _public_id()
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # Lowercase unaccented lemmas of the title and the description, for search.
    search_text = models.TextField(default="", blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=MaterialKind.choices)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    access_level = models.CharField(_("who may open it"), max_length=10, choices=AccessLevel.choices)
    voivodeship = models.ForeignKey(
        Voivodeship, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("voivodeship")
    )
    file = models.FileField(upload_to=_file_path, storage=_private_storage, max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = _user()
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(access_level="region") | Q(voivodeship__isnull=False), name="learning_material_region"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PracticeTag(models.Model):
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GoodPractice(models.Model):
    """A practice a gmina found worth repeating, described for others to find."""

    public_id = _public_id()
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("gmina"))
    institution = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("institution")
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("in one sentence"), max_length=500)
    description = models.TextField(_("what was done"))
    results = models.TextField(_("what it changed"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    tags = models.ManyToManyField(PracticeTag, blank=True, related_name="practices", verbose_name=_("tags"))
    is_published = models.BooleanField(_("published"), default=False)
    # Lowercase unaccented lemmas of the texts, for search.
    search_text = models.TextField(default="", blank=True, editable=False)
    created_by = _user()
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


# --- Support: advisory, animator, focus research, exchange visits ----------------------------------


class SupportKind(models.TextChoices):
    ADVISORY = "advisory", _("advisory support")
    ANIMATOR = "animator", _("animator support")
    FOCUS = "focus", _("focus research")
    EXCHANGE = "exchange", _("partner exchange visit")


class SupportActivity(models.Model):
    """Support given to a cooperation team or a gmina: an advisory or animator consultation, a
    focus research session with its findings, or a partner exchange visit."""

    public_id = _public_id()
    kind = models.CharField(_("kind"), max_length=20, choices=SupportKind.choices)
    team = models.ForeignKey(
        "teams.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    voivodeship = models.ForeignKey(
        Voivodeship, on_delete=models.PROTECT, related_name="+", verbose_name=_("voivodeship")
    )
    provided_by = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("provided by")
    )
    participants = models.ManyToManyField(
        Institution, blank=True, related_name="+", verbose_name=_("participating institutions")
    )
    participant_count = models.PositiveIntegerField(_("people taking part"), default=0)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    subject = models.CharField(_("subject"), max_length=300)
    findings = models.TextField(_("findings and agreed next steps"), blank=True)
    recorded_by = _user()
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("support activity")
        verbose_name_plural = _("support activities")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="learning_support_dates")]

    def __str__(self) -> str:
        return self.subject


# --- Consultations of the model and recommendations ----------------------------------------------


class Consultation(models.Model):
    """A consultation meeting of the model (Sandomierz 25 Jan 2019, …), organised by a ROPS or
    MCPS, with who took part and the remarks raised."""

    public_id = _public_id()
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=300)
    organiser = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("programme")
    )
    summary = models.TextField(_("summary"), blank=True)
    created_by = _user()
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ConsultationParticipant(models.Model):
    """Who took part: an institution of the platform, or a group described in words (for
    example „pracownicy GOPS-ów”), with how many people."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="participants")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("institution")
    )
    description = models.CharField(_("who"), max_length=300, blank=True)
    people = models.PositiveIntegerField(_("people"), default=1)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False) | ~Q(description=""), name="learning_participant_named"
            )
        ]

    def __str__(self) -> str:
        return self.description or str(self.institution_id)


class RemarkTopic(models.TextChoices):
    DEMOGRAPHY = "demography", _("demographic change")
    INTEGRATION = "integration", _("integration and social control")
    INSTRUMENTS = "instruments", _("missing instruments of cooperation")
    RESOURCES = "resources", _("institutions' knowledge of their own resources")
    GOALS = "goals", _("goals and mutual expectations")
    OVERLOAD = "overload", _("overload and gratification")
    DISSEMINATION = "dissemination", _("dissemination and experience of other teams")
    EVALUATION = "evaluation", _("evaluation")
    LEGAL = "legal", _("legal change")
    FUNDING = "funding", _("funding")
    OTHER = "other", pgettext_lazy("remark topic", "other")


class Remark(models.Model):
    """One remark raised at a consultation."""

    public_id = _public_id()
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="remarks")
    topic = models.CharField(_("topic"), max_length=20, choices=RemarkTopic.choices)
    text = models.TextField(_("remark"))
    raised_by = models.CharField(_("raised by"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("remark")
        verbose_name_plural = _("remarks")
        ordering = ["consultation", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class RecommendationKind(models.TextChoices):
    MODEL_CHANGE = "model_change", _("change of the model")
    LEGAL_CHANGE = "legal_change", _("proposal of a legal change")
    EVALUATION = "evaluation", _("evaluation instrument")
    TRAINING = "training", _("training need")


class RecommendationStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("recommendation", "proposed")
    ACCEPTED = "accepted", pgettext_lazy("recommendation", "accepted")
    PARTLY = "partly", pgettext_lazy("recommendation", "partly accepted")
    REJECTED = "rejected", pgettext_lazy("recommendation", "rejected")
    IMPLEMENTED = "implemented", pgettext_lazy("recommendation", "implemented")


class Recommendation(models.Model):
    """A recommendation drawn from remarks, kept by a region (its ROPS or MCPS) and decided
    with a reason. It applies to one or more variants of the model (rural, urban-rural, city),
    which are the sections of the Księga Rekomendacji."""

    public_id = _public_id()
    region = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("region (ROPS or MCPS)")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("recommendation"))
    kind = models.CharField(_("kind"), max_length=20, choices=RecommendationKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RecommendationStatus.choices, default=RecommendationStatus.PROPOSED
    )
    reason = models.TextField(_("reason for the decision"), blank=True)
    for_rural = models.BooleanField(_("rural gminas"), default=True)
    for_urban_rural = models.BooleanField(_("urban-rural gminas"), default=False)
    for_city = models.BooleanField(_("cities"), default=False)
    remarks = models.ManyToManyField(Remark, blank=True, related_name="recommendations", verbose_name=_("remarks"))
    decided_by = _user()
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_by = _user()
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(for_rural=True) | Q(for_urban_rural=True) | Q(for_city=True),
                name="learning_recommendation_variant",
            )
        ]

    def __str__(self) -> str:
        return self.title


class RecommendationBook(models.Model):
    """One published version of the Księga Rekomendacji: the PDF as it was generated, kept so
    that every earlier version can still be read."""

    public_id = _public_id()
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("programme")
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    note = models.TextField(_("what changed"), blank=True)
    recommendation_count = models.PositiveIntegerField(_("recommendations"), default=0)
    file = models.FileField(upload_to=_file_path, storage=_private_storage, max_length=300)
    size = models.PositiveIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64)
    published_by = _user()
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("Księga Rekomendacji version")
        verbose_name_plural = _("Księga Rekomendacji versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="learning_book_number_once")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"
