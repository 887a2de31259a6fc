"""Per-team intervals of progress updates and reminders, and the ledger of what the sweep sent.

Imported at the end of tickets.models, so these are models of the `tickets` app. Rows of FollowUpSent are
written by tickets.followups.services only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.organisation import Team
from tickets.models.tickets import Ticket, TicketMessage

_DAYS = [MinValueValidator(1), MaxValueValidator(365)]


class FollowUpPolicy(models.Model):
    """A team's progress-update interval and its waiting-on-customer sequence.

    A team without a row (and a ticket without a team) follows the defaults below: an unsaved
    FollowUpPolicy() is the default policy.
    """

    team = models.OneToOneField(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="follow_up_policy")
    progress_updates = models.BooleanField(
        _("send progress updates"),
        default=True,
        help_text=_("Complaints under way and escalated tickets: tell the customer which step the case is at."),
    )
    progress_interval_days = models.PositiveSmallIntegerField(
        _("progress update every (days)"),
        default=3,
        validators=_DAYS,
        help_text=_("Only when nobody wrote to the customer within this many days."),
    )
    reminders = models.BooleanField(
        _("remind customers we wait for"),
        default=True,
        help_text=_("Tickets pending the customer: two reminders, then closed (a reply reopens them)."),
    )
    first_reminder_days = models.PositiveSmallIntegerField(
        _("first reminder after (days)"), default=3, validators=_DAYS
    )
    second_reminder_days = models.PositiveSmallIntegerField(
        _("second reminder after (days)"), default=7, validators=_DAYS
    )
    close_after_days = models.PositiveSmallIntegerField(_("close after (days)"), default=14, validators=_DAYS)

    class Meta:
        ordering = ["team__name"]
        verbose_name = _("follow-up policy")
        verbose_name_plural = _("follow-up policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_reminder_days__lt=models.F("second_reminder_days"))
                & models.Q(second_reminder_days__lt=models.F("close_after_days")),
                name="follow_up_days_in_order",
            )
        ]

    def __str__(self) -> str:
        return str(self.team) if self.team_id else str(_("Default"))

    def clean(self) -> None:
        super().clean()
        if not self.first_reminder_days < self.second_reminder_days < self.close_after_days:
            raise ValidationError(
                _("The first reminder must come before the second, and the second before the close."),
                code="follow_up_days_order",
            )

    @property
    def intervals(self) -> tuple[int, int, int, int]:
        """What groups teams in the sweep: teams with the same numbers are swept in one query."""
        return (self.progress_interval_days, self.first_reminder_days, self.second_reminder_days, self.close_after_days)


class FollowUpStep(models.TextChoices):
    PROGRESS = "progress", _("Progress update")
    FIRST_REMINDER = "reminder_1", _("First reminder")
    SECOND_REMINDER = "reminder_2", _("Second reminder")
    AUTO_CLOSE = "auto_close", _("Closed for no reply")


class FollowUpSent(models.Model):
    """One step the sweep took on a ticket.

    `anchor` is the moment the step counts from: the start of the wait on the customer (reminders, close) or
    the last time the customer heard from us (progress). A step is taken once per anchor (the unique
    constraint), so a second sweep in the same window, or two sweeps at once, send nothing twice.
    """

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="follow_ups")
    step = models.CharField(_("step"), max_length=12, choices=FollowUpStep.choices)
    anchor = models.DateTimeField(_("counted from"))
    message = models.ForeignKey(
        TicketMessage, verbose_name=_("message"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run = models.UUIDField(_("sweep run"), editable=False)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("follow-up sent")
        verbose_name_plural = _("follow-ups sent")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "step", "anchor"], name="follow_up_once_per_anchor"),
        ]
        indexes = [models.Index(fields=["run"], name="follow_up_run")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} @ {self.sent_at:%Y-%m-%d %H:%M}"
