"""The weekly shift roster, and the expected events that lift (or lower) the staffing forecast.

The tables were created by the knowledge app and keep their names (Meta.db_table; see migrations/0001_initial.py).
Writes go through workforce.services; the forecast reads them in workforce.selectors.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.choices import Weekday
from tickets.models import Channel, Team

STAFFING_PERMISSION = "workforce.plan_staffing"

UPLIFT_MIN_PERCENT = -90
UPLIFT_MAX_PERCENT = 1000


class Shift(models.Model):
    """A weekly recurring shift: the roster staffing compares with the forecast (desk time zone, whole hours)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="shifts"
    )
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="shifts")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_hour = models.PositiveSmallIntegerField(_("start (hour)"))
    end_hour = models.PositiveSmallIntegerField(_("end (hour)"), help_text=_("Exclusive, 1–24."))

    class Meta:
        db_table = "knowledge_shift"
        ordering = ["weekday", "start_hour", "agent_id"]
        verbose_name = _("shift")
        verbose_name_plural = _("shift roster")
        permissions = [("plan_staffing", "Can see the staffing forecast and edit the shift roster")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_hour__lt=models.F("end_hour"), end_hour__lte=24), name="shift_hours_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_hour:02d}–{self.end_hour:02d}"

    def clean(self) -> None:
        if self.end_hour is not None and not 0 < self.end_hour <= 24:
            raise ValidationError({"end_hour": _("The end hour is between 1 and 24.")})
        if self.start_hour is not None and self.end_hour is not None and self.start_hour >= self.end_hour:
            raise ValidationError({"end_hour": _("A shift ends after it starts (split a night shift in two).")})


class ForecastEventKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("Announcement")
    NETWORK_INCIDENT = "network_incident", _("Network incident")
    PROMOTION = "promotion", _("Promotion")
    OTHER = "other", _("Other")


class ForecastEventQuerySet(models.QuerySet):
    def overlapping(self, start: datetime, end: datetime, channel: str = "") -> ForecastEventQuerySet:
        """Events running at some time in [start, end); for a channel, its own and those for every channel."""
        events = self.filter(starts_at__lt=end, ends_at__gt=start)
        if channel:
            events = events.filter(channel__in=[channel, ""])
        return events


class ForecastEvent(models.Model):
    """A period when contacts are expected to differ from the usual pattern by `uplift_percent`."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ForecastEventKind.choices, default=ForecastEventKind.OTHER
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, blank=True, help_text=_("Empty: every channel.")
    )
    uplift_percent = models.IntegerField(
        _("uplift (%)"),
        validators=[MinValueValidator(UPLIFT_MIN_PERCENT), MaxValueValidator(UPLIFT_MAX_PERCENT)],
        help_text=_(
            "Change in contacts while it lasts, from -90 to 1000: 50 means 50 percent more, -30 means 30 percent fewer."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ForecastEventQuerySet.as_manager()

    class Meta:
        db_table = "knowledge_forecastevent"
        ordering = ["-starts_at", "id"]
        verbose_name = _("expected event")
        verbose_name_plural = _("expected events (forecast)")
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="forecast_event_period")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="forecast_event_ends_after"),
            models.CheckConstraint(
                condition=Q(uplift_percent__gte=UPLIFT_MIN_PERCENT, uplift_percent__lte=UPLIFT_MAX_PERCENT),
                name="forecast_event_uplift_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def factor(self) -> float:
        return 1 + self.uplift_percent / 100

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("An event ends after it starts.")}, code="ends_before_start")
