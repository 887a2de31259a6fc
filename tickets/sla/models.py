"""Business calendars and SLA policies, edited by administrators in the admin.

Imported by tickets.models (so they belong to the tickets app). Arithmetic is
in tickets.sla.calendar; these rows only describe the calendar.
"""

from __future__ import annotations

import zoneinfo
from datetime import time, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.choices import Weekday
from supportdesk.kit.validators import validate_time_zone
from tickets.choices import Channel, Priority, Tier
from tickets.models.organisation import Category
from tickets.sla.calendar import Calendar, weekly_hours


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone], help_text=_("e.g. Asia/Shanghai")
    )
    is_24_7 = models.BooleanField(_("open 24/7"), default=False, help_text=_("Weekly hours are then ignored."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name

    def to_calendar(self) -> Calendar:
        """The arithmetic view of this calendar (uses prefetched hours and holidays when present)."""
        weekly: dict[int, list[tuple[time, time]]] = {}
        for interval in self.hours.all():
            weekly.setdefault(interval.weekday, []).append((interval.opens, interval.closes))
        holidays = list(self.holidays.all())
        return Calendar(
            time_zone=zoneinfo.ZoneInfo(self.time_zone),
            weekly=weekly_hours(weekly),
            holidays=frozenset(h.date for h in holidays if not h.recurring),
            recurring_holidays=frozenset((h.date.month, h.date.day) for h in holidays if h.recurring),
            always_open=self.is_24_7,
        )


class BusinessHours(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")) | Q(closes=time(0)), name="business_hours_closes_after_opens"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens is not None and self.closes is not None and time(0) != self.closes <= self.opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})

    def seconds(self) -> tuple[int, int]:
        """(opens, closes) in seconds after midnight; closing at 00:00 is the end of the day."""
        closes = self.closes.hour * 3600 + self.closes.minute * 60 + self.closes.second
        return self.opens.hour * 3600 + self.opens.minute * 60 + self.opens.second, closes or 24 * 3600


class Holiday(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    recurring = models.BooleanField(_("every year"), default=False, help_text=_("Closed on this day and month yearly."))

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="unique_calendar_holiday")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


class SLAPolicyQuerySet(models.QuerySet):
    def for_matching(self) -> SLAPolicyQuerySet:
        return self.filter(is_active=True).order_by("position", "id")


class SLAPolicy(models.Model):
    """Response and resolution targets; the first active policy (by position) whose conditions all match applies."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Lower is tried first."))
    is_active = models.BooleanField(_("active"), default=True)
    match_priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, blank=True, help_text=_("Empty: any.")
    )
    match_category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: any."),
    )
    match_channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, blank=True, help_text=_("Empty: any.")
    )
    match_vip = models.BooleanField(
        _("VIP customer"),
        null=True,
        blank=True,
        choices=[(None, _("Any")), (True, _("VIP only")), (False, _("Non-VIP only"))],
    )
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("business calendar"), on_delete=models.PROTECT, related_name="policies"
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response target (business minutes)"), null=True, blank=True, help_text=_("Empty: no clock.")
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response target (business minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(_("resolution target (business minutes)"), null=True, blank=True)
    warning_percent = models.PositiveSmallIntegerField(
        _("warn at percent of target"), default=80, help_text=_("The clock turns 'at risk' once this share has passed.")
    )
    warning_minutes = models.PositiveIntegerField(
        _("or warn minutes before due"),
        default=0,
        help_text=_("Warn this many business minutes before due, if that is earlier. 0: only the percentage."),
    )
    escalate_to_tier = models.CharField(
        _("escalate on breach to"),
        max_length=2,
        choices=Tier.choices,
        blank=True,
        help_text=_("The sweep escalates a breached ticket to this tier's team (never down)."),
    )

    objects = SLAPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(warning_percent__gte=1, warning_percent__lte=100), name="sla_policy_warning_percent_range"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def target(self, clock: str) -> timedelta | None:
        minutes = getattr(self, f"{clock}_minutes")
        return None if minutes is None else timedelta(minutes=minutes)

    def warning_lead(self, target: timedelta) -> timedelta:
        """How long before due the clock turns 'at risk' (never longer than the target)."""
        by_percent = target * (100 - self.warning_percent) / 100
        return min(target, max(by_percent, timedelta(minutes=self.warning_minutes)))

    def matches(self, *, priority: str, category_id: int | None, channel: str, is_vip: bool) -> bool:
        return (
            self.match_priority in ("", priority)
            and self.match_category_id in (None, category_id)
            and self.match_channel in ("", channel)
            and self.match_vip in (None, is_vip)
        )
