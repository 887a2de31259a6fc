"""Satisfaction surveys, their answers and follow-ups, and customers' suggestions.

Models hold data, constraints and QuerySet methods only; every write goes
through feedback.services and every report through feedback.reports.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.choices import LANGUAGE_CHOICES
from tickets.models import Category, Channel, Customer, Team, Ticket, ticket_reference

RATING_MIN, RATING_MAX = 1, 5


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating 1–5")
    YES_NO = "yes_no", _("Yes / no")
    TEXT = "text", _("Free text")


class Dimension(models.TextChoices):
    """What an answer feeds in the reports; custom questions are kept but not aggregated."""

    OVERALL = "overall", _("Overall satisfaction")
    ATTITUDE = "attitude", _("Attitude")
    SPEED = "speed", _("Speed")
    PROFESSIONALISM = "professionalism", _("Professionalism")
    SOLVED = "solved", _("Problem solved")
    COMMENT = "comment", _("Comment")
    CUSTOM = "custom", _("Custom question")


RATED_DIMENSIONS = (Dimension.OVERALL, Dimension.ATTITUDE, Dimension.SPEED, Dimension.PROFESSIONALISM)
# The kind each built-in dimension must have (custom questions may use any kind).
DIMENSION_KIND = {
    **dict.fromkeys(RATED_DIMENSIONS, QuestionKind.RATING),
    Dimension.SOLVED: QuestionKind.YES_NO,
    Dimension.COMMENT: QuestionKind.TEXT,
}


class SurveyTemplateQuerySet(models.QuerySet):
    def for_ticket(self, ticket: Ticket) -> SurveyTemplate | None:
        """The most specific active template: the ticket's category, then its channel, then the default."""
        candidates = self.filter(is_active=True).filter(
            Q(category_id=ticket.category_id, category__isnull=False) | Q(channel=ticket.channel) | Q(is_default=True)
        )

        def specificity(template: SurveyTemplate) -> tuple[int, int]:
            return (
                2 * (template.category_id is not None and template.category_id == ticket.category_id)
                + (template.channel == ticket.channel),
                -template.pk,
            )

        return max(candidates, key=specificity, default=None)


class SurveyTemplate(models.Model):
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used when no template matches the ticket's category or channel.")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = SurveyTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_survey"),
        ]

    def __str__(self) -> str:
        return self.name


class SurveyQuestion(models.Model):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    dimension = models.CharField(_("reports as"), max_length=20, choices=Dimension.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question (English)"), max_length=255)
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text=_('Text per language code, e.g. {"zh-hans": "…"}.')
    )
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["template", "position", "id"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [
            # A built-in dimension appears once per template: its answer has one column in the response.
            models.UniqueConstraint(
                fields=["template", "dimension"], condition=~Q(dimension="custom"), name="one_question_per_dimension"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        expected = DIMENSION_KIND.get(self.dimension)
        if expected and self.kind != expected:
            raise ValidationError(
                {"kind": _("%(dimension)s must be asked as: %(kind)s.")
                 % {"dimension": Dimension(self.dimension).label, "kind": QuestionKind(expected).label}}
            )  # fmt: skip

    def label(self, language: str | None = None) -> str:
        return self.translations.get(language or get_language() or "en") or self.text

    @property
    def field_name(self) -> str:
        return self.dimension if self.dimension != Dimension.CUSTOM else f"custom_{self.pk}"


class InvitationReason(models.TextChoices):
    TICKET_SOLVED = "ticket_solved", _("Ticket solved")
    COMPLAINT_CLOSED = "complaint_closed", _("Complaint closed")


class SurveyInvitationQuerySet(models.QuerySet):
    def pending(self) -> SurveyInvitationQuerySet:
        return self.filter(answered_at__isnull=True, expires_at__gt=timezone.now())

    def for_customer_user(self, user) -> SurveyInvitationQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(customer__user=user)


class SurveyInvitation(models.Model):
    """One survey sent for one resolution of a ticket.

    Who handled the ticket (agent, team, category, channel, language) is copied
    here when it is sent, so later reassignments do not move old answers.
    """

    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=InvitationReason.choices)
    resolved_at = models.DateTimeField(_("resolution time"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = SurveyInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "resolved_at"], name="one_survey_per_resolution"),
        ]
        indexes = [
            # report period filter and the invitations changelist, newest first
            models.Index(fields=["-created_at", "-id"], name="invitation_created_desc"),
            # throttle: the customer's latest invitation
            models.Index(fields=["customer", "-created_at"], name="invitation_customer_created"),
            # report filters by agent / team over a period
            models.Index(fields=["agent", "created_at"], name="invitation_agent_created"),
            models.Index(fields=["team", "created_at"], name="invitation_team_created"),
        ]

    def __str__(self) -> str:
        return f"{ticket_reference(self.ticket_id)} ({self.created_at:%Y-%m-%d})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


def _rating_field(label) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )


class SurveyResponseQuerySet(models.QuerySet):
    def for_list(self) -> SurveyResponseQuerySet:
        return self.select_related(
            "invitation__ticket", "invitation__agent", "invitation__team", "invitation__category"
        )

    def visible_to(self, user) -> SurveyResponseQuerySet:
        """Report readers see every answer; an agent only those about their own work."""
        if not user.is_authenticated or not user.is_staff:
            return self.none()
        if user.has_perm("feedback.view_reports"):
            return self
        return self.filter(invitation__agent=user)


class AnsweredVia(models.TextChoices):
    CUSTOMER_LINK = "customer_link", _("Customer's emailed link (not signed in)")
    SIGNED_IN = "signed_in", _("Customer's signed-in account")


class SurveyResponse(models.Model):
    """The customer's answers. Written once by feedback.services.survey_response_submit, never changed."""

    invitation = models.OneToOneField(
        SurveyInvitation, verbose_name=_("invitation"), on_delete=models.PROTECT, related_name="response"
    )
    overall = _rating_field(_("overall"))
    attitude = _rating_field(_("attitude"))
    speed = _rating_field(_("speed"))
    professionalism = _rating_field(_("professionalism"))
    problem_solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    other_answers = models.JSONField(_("other answers"), default=dict, blank=True)
    answered_via = models.CharField(
        _("answered via"), max_length=16, choices=AnsweredVia.choices, default=AnsweredVia.CUSTOMER_LINK
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        permissions = [
            ("view_reports", _("Can see satisfaction reports and every agent's scorecard")),
            ("export_reports", _("Can export survey responses and reports")),
            ("view_scorecard", _("Can see their own agent scorecard")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{field}__isnull": True})
                | Q(**{f"{field}__gte": RATING_MIN, f"{field}__lte": RATING_MAX}),
                name=f"response_{field}_range",
            )
            for field in ("overall", "attitude", "speed", "professionalism")
        ]
        indexes = [
            # responses changelist, newest first
            models.Index(fields=["-submitted_at", "-id"], name="response_submitted_desc"),
        ]

    def __str__(self) -> str:
        return _("Response to %(invitation)s") % {"invitation": self.invitation}


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class SurveyFollowUp(models.Model):
    """A supervisor's task after a low rating: call the customer back, coach the agent."""

    response = models.OneToOneField(
        SurveyResponse, verbose_name=_("response"), on_delete=models.PROTECT, related_name="follow_up"
    )
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_follow_ups",
    )
    status = models.CharField(_("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    notified_at = models.DateTimeField(_("supervisor notified"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("low-rating follow-up")
        verbose_name_plural = _("low-rating follow-ups")
        indexes = [
            # "my open follow-ups"
            models.Index(fields=["supervisor", "status"], name="followup_supervisor_status"),
        ]

    def __str__(self) -> str:
        return _("Follow-up on %(ticket)s") % {"ticket": ticket_reference(self.ticket_id)}


class SuggestionCategory(models.TextChoices):
    PRODUCT_FEATURE = "product_feature", _("Product: new feature")
    USABILITY = "usability", _("Product: ease of use")
    ASSETS_NETWORKS = "assets_networks", _("Product: assets and networks")
    SECURITY = "security", _("Product: security")
    FEES = "fees", _("Service: fees")
    SUPPORT_SERVICE = "support_service", _("Service: customer support")
    OTHER = "other", _("Other")


class SuggestionStatus(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    DECLINED = "declined", _("Declined")
    DONE = "done", _("Done")


class SuggestionQuerySet(models.QuerySet):
    def originals(self) -> SuggestionQuerySet:
        """Suggestions that were not folded into another as duplicates."""
        return self.filter(duplicate_of__isnull=True)


class Suggestion(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("suggestion"))
    category = models.CharField(_("category"), max_length=20, choices=SuggestionCategory.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.NEW
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en")
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    votes = models.PositiveIntegerField(
        _("votes"), default=1, help_text=_("How many people asked for it (duplicates add theirs).")
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triage_note = models.TextField(_("triage note"), blank=True)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        indexes = [
            # triage queue and the weekly summary: by status, newest first
            models.Index(fields=["status", "-created_at"], name="suggestion_status_created"),
            models.Index(fields=["-created_at", "-id"], name="suggestion_created_desc"),
        ]

    def __str__(self) -> str:
        return self.title


class SuggestionMonthlySummary(models.Model):
    """A month's suggestions grouped by similarity, built once by the monthly job (feedback.tasks).

    The figures are stored, not the wording: the page, the email and the CSV label them in the
    reader's language. `groups` holds feedback.trends.SuggestionGroup.as_record() items, biggest first.
    """

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month summarised."))
    total = models.PositiveIntegerField(_("suggestions"), default=0)
    votes = models.PositiveIntegerField(_("votes"), default=0)
    by_category = models.JSONField(_("by category"), default=dict, blank=True)
    groups = models.JSONField(_("groups"), default=list, blank=True)
    built_at = models.DateTimeField(_("built"), default=timezone.now)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly suggestion summary")
        verbose_name_plural = _("monthly suggestion summaries")

    def __str__(self) -> str:
        return _("Suggestions of %(month)s") % {"month": self.month.strftime("%Y-%m")}

    @property
    def group_count(self) -> int:
        return len(self.groups)
