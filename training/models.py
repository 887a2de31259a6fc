"""Agent training (courses, assignments and their history) and monthly awards.

The tables were created by the knowledge app and keep their names (Meta.db_table; see migrations/0001_initial.py).
Writes go through training.services; reads through the QuerySet methods here and training.selectors.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.roles import STAFF_ROLES
from tickets.models import Team, Tier

COACH_PERMISSION = "training.coach_agents"


class TrainingTopic(models.TextChoices):
    PRODUCT = "product", _("Product knowledge")
    COMMUNICATION = "communication", _("Communication skills")
    SECURITY = "security", _("Security")
    NEW_TECHNOLOGY = "new_technology", _("New technology (DeFi, …)")
    COMPLIANCE = "compliance", _("Compliance")
    OTHER = "other", _("Other")


class TrainingFormat(models.TextChoices):
    SELF_STUDY = "self_study", _("Self-study")
    WORKSHOP = "workshop", _("Workshop")
    QUIZ = "quiz", _("Quiz")


class RatedDimension(models.TextChoices):
    # The survey dimensions a course can coach (feedback.models.RATED_DIMENSIONS).
    ATTITUDE = "attitude", _("Attitude")
    SPEED = "speed", _("Speed")
    PROFESSIONALISM = "professionalism", _("Professionalism")


class TrainingCourse(models.Model):
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=20, choices=TrainingTopic.choices)
    format = models.CharField(_("format"), max_length=20, choices=TrainingFormat.choices)
    description = models.TextField(_("description"), blank=True)
    articles = models.ManyToManyField(
        "knowledge.Article", verbose_name=_("help-centre articles"), blank=True, related_name="training_courses"
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    pass_score = models.PositiveSmallIntegerField(
        _("pass score"), null=True, blank=True, help_text=_("Quizzes and workshops: the lowest passing score (0–100).")
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Empty: the certification never expires.")
    )
    is_mandatory = models.BooleanField(_("mandatory"), default=False)
    mandatory_teams = models.ManyToManyField(
        Team,
        verbose_name=_("mandatory for teams"),
        blank=True,
        related_name="mandatory_courses",
        help_text=_("Empty: mandatory for agents of every team."),
    )
    mandatory_roles = models.ManyToManyField(
        "auth.Group",
        verbose_name=_("mandatory for roles"),
        blank=True,
        related_name="mandatory_courses",
        limit_choices_to={"name__in": STAFF_ROLES},
        help_text=_("Empty: mandatory for every support role (agents, supervisors, …)."),
    )
    mandatory_tier = models.CharField(
        _("mandatory for tier"),
        max_length=2,
        choices=Tier.choices,
        blank=True,
        help_text=_("Empty: mandatory for every tier."),
    )
    coaches_dimension = models.CharField(
        _("coaches dimension"),
        max_length=20,
        choices=RatedDimension.choices,
        blank=True,
        help_text=_("Assigned automatically to agents whose rolling rating on this dimension is low."),
    )
    due_days = models.PositiveSmallIntegerField(_("days to complete"), default=14)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title"]
        db_table = "knowledge_trainingcourse"
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")

    def __str__(self) -> str:
        return self.title


class AssignmentReason(models.TextChoices):
    MANUAL = "manual", _("Assigned by a supervisor")
    ONBOARDING = "onboarding", _("Onboarding")
    MANDATORY = "mandatory", _("Mandatory course")
    LOW_RATING = "low_rating", _("Low rating on a dimension")
    REFRESHER = "refresher", _("Refresher before expiry")


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    OVERDUE = "overdue", _("Overdue")


OPEN_STATUSES = (AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.OVERDUE)

ASSIGNMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AssignmentStatus.ASSIGNED: frozenset(
        {AssignmentStatus.IN_PROGRESS, AssignmentStatus.COMPLETED, AssignmentStatus.FAILED, AssignmentStatus.OVERDUE}
    ),
    AssignmentStatus.IN_PROGRESS: frozenset(
        {AssignmentStatus.COMPLETED, AssignmentStatus.FAILED, AssignmentStatus.OVERDUE}
    ),
    AssignmentStatus.OVERDUE: frozenset(
        {AssignmentStatus.IN_PROGRESS, AssignmentStatus.COMPLETED, AssignmentStatus.FAILED}
    ),
    AssignmentStatus.COMPLETED: frozenset(),
    AssignmentStatus.FAILED: frozenset(),
}


class TrainingAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> TrainingAssignmentQuerySet:
        """Coaches (supervisors, managers) see every agent's records; everyone else only their own."""
        if user.has_perm(COACH_PERMISSION):
            return self
        return self.filter(agent_id=user.pk)

    def open(self) -> TrainingAssignmentQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def past_due(self, today: date) -> TrainingAssignmentQuerySet:
        return self.filter(status__in=(AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS), due_date__lt=today)

    def valid_on(self, today: date) -> TrainingAssignmentQuerySet:
        """Completed and not expired: a current certification."""
        return self.filter(status=AssignmentStatus.COMPLETED).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )

    def expiring_within(self, today: date, days: int) -> TrainingAssignmentQuerySet:
        return self.filter(
            status=AssignmentStatus.COMPLETED, expires_on__gte=today, expires_on__lte=today + timedelta(days=days)
        )


class TrainingAssignment(models.Model):
    """One course for one agent: the assignment and, once finished, the training record."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="training"
    )
    course = models.ForeignKey(
        TrainingCourse, verbose_name=_("course"), on_delete=models.PROTECT, related_name="assignments"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=AssignmentReason.choices)
    dimension = models.CharField(
        _("weak dimension"), max_length=20, choices=RatedDimension.choices, blank=True, editable=False
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: assigned by the daily training rules."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    due_date = models.DateField(_("due date"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    expires_on = models.DateField(_("certification expires"), null=True, blank=True)
    notes = models.TextField(_("evidence / notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = TrainingAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        db_table = "knowledge_trainingassignment"
        verbose_name = _("training assignment")
        verbose_name_plural = _("training assignments")
        permissions = [("coach_agents", "Can see every agent's training and record quiz/workshop results")]
        constraints = [
            # The rules' idempotency, enforced by the database: one open assignment per agent and course.
            models.UniqueConstraint(
                fields=["agent", "course"],
                condition=Q(status__in=["assigned", "in_progress", "overdue"]),
                name="training_one_open_per_course",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="training_status_due")]

    def __str__(self) -> str:
        return f"{self.course} – {self.agent}"


class TrainingEvent(models.Model):
    """Append-only history of an assignment (assigned, started, completed, failed, overdue)."""

    assignment = models.ForeignKey(
        TrainingAssignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=AssignmentStatus.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        db_table = "knowledge_trainingevent"
        verbose_name = _("training event")
        verbose_name_plural = _("training events")

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.status}"


class AgentAwardQuerySet(models.QuerySet):
    def visible_to(self, user) -> AgentAwardQuerySet:
        """Coaches see every award; everyone else only their own."""
        if user.has_perm(COACH_PERMISSION):
            return self
        return self.filter(agent_id=user.pk)

    def standing(self) -> AgentAwardQuerySet:
        return self.filter(revoked_at__isnull=True)


class AgentAward(models.Model):
    """A monthly "top agent" recognition a coach confirmed from the ranking (training.selectors.top_agents).

    The figures are a snapshot of the ranking when it was confirmed: later survey answers do not change them.
    """

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="awards"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month the award is for."))
    rank = models.PositiveSmallIntegerField(_("rank"))
    csat = models.FloatField(_("CSAT (%)"))
    responses = models.PositiveIntegerField(_("rated answers"))
    tickets = models.PositiveIntegerField(_("tickets solved"))
    citation = models.TextField(_("citation / notes"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), default=timezone.now, editable=False)
    # A revoked award stays on the record with who revoked it and why (it cannot be confirmed again).
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=255, blank=True)

    objects = AgentAwardQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "rank", "id"]
        db_table = "knowledge_agentaward"
        verbose_name = _("agent award")
        verbose_name_plural = _("agent awards")
        constraints = [models.UniqueConstraint(fields=["agent", "month"], name="award_one_per_agent_month")]

    def __str__(self) -> str:
        return f"{self.agent} – {self.month:%Y-%m} #{self.rank}"
