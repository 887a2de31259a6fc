"""Staffing: hourly contact history, a two-week forecast and the agents Erlang C says each hour needs.

The Erlang C functions are pure (no Django) so they can be checked against published
worked examples (tests/knowledge/test_staffing.py). Hours are in the desk time zone
(settings.TIME_ZONE); a contact is a new ticket.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from knowledge.training_models import Shift
from tickets.models import Ticket


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact waits (Erlang C) with `agents` agents and `traffic` Erlangs offered.

    Computed through the Erlang B recursion, which stays stable where factorials overflow.
    """
    if agents <= traffic:
        return 1.0
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, aht_seconds: float, target_seconds: float) -> float:
    """Share of contacts answered within `target_seconds`."""
    if agents <= traffic:
        return 0.0
    return 1 - erlang_c(agents, traffic) * math.exp(-(agents - traffic) * target_seconds / aht_seconds)


def average_speed_of_answer(agents: int, traffic: float, aht_seconds: float) -> float:
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * aht_seconds / (agents - traffic)


def agents_needed(
    *, contacts: float, period_seconds: float, aht_seconds: float, target_level: float, target_seconds: float
) -> int:
    """Fewest agents on the phones (before shrinkage) that reach the service level for this period's contacts."""
    if contacts <= 0:
        return 0
    traffic = contacts * aht_seconds / period_seconds
    agents = max(1, math.floor(traffic) + 1)
    while service_level(agents, traffic, aht_seconds, target_seconds) < target_level:
        agents += 1
    return agents


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that `agents` are available after breaks, training, absence (shrinkage share)."""
    return math.ceil(agents / (1 - shrinkage)) if agents else 0


# History and forecast ------------------------------------------------------------------


def hourly_history(*, start: date, end: date, channel: str = "") -> dict[tuple[date, int], int]:
    """New tickets per (local date, hour) in [start, end), one query."""
    zone = timezone.get_default_timezone()
    tickets = Ticket.objects.filter(
        created_at__gte=timezone.make_aware(datetime.combine(start, time.min), zone),
        created_at__lt=timezone.make_aware(datetime.combine(end, time.min), zone),
    )
    if channel:
        tickets = tickets.filter(channel=channel)
    rows = (
        tickets.annotate(day=TruncDate("created_at", tzinfo=zone), hour=ExtractHour("created_at", tzinfo=zone))
        .order_by()
        .values("day", "hour")
        .annotate(contacts=Count("id"))
    )
    return {(row["day"], row["hour"]): row["contacts"] for row in rows}


@dataclass(frozen=True)
class ForecastHour:
    start: datetime
    contacts: float
    required: int
    scheduled: int

    @property
    def gap(self) -> int:
        return self.scheduled - self.required


def _trend_per_week(weekly_totals: list[int]) -> float:
    """Least-squares slope of the weekly totals, as a share of their mean (0 when flat or too short)."""
    count = len(weekly_totals)
    mean = sum(weekly_totals) / count if count else 0
    if count < 2 or not mean:
        return 0.0
    centre = (count - 1) / 2
    slope = sum((week - centre) * (total - mean) for week, total in enumerate(weekly_totals)) / sum(
        (week - centre) ** 2 for week in range(count)
    )
    return slope / mean


def scheduled_by_hour(channel: str = "") -> dict[tuple[int, int], int]:
    """Agents on the roster per (weekday, hour), one query."""
    shifts = Shift.objects.all()
    if channel:
        shifts = shifts.filter(channel__in=[channel, ""])
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for weekday, start_hour, end_hour in shifts.values_list("weekday", "start_hour", "end_hour"):
        for hour in range(start_hour, end_hour):
            counts[(weekday, hour)] += 1
    return counts


def forecast(*, today: date, days: int = 14, channel: str = "") -> list[ForecastHour]:
    """Per hour from tomorrow: the weekday×hour average of the last weeks, scaled by the weekly trend.

    Required agents come from Erlang C with the configured AHT, service level and shrinkage.
    """
    weeks = settings.STAFFING_HISTORY_WEEKS
    history_start = today - timedelta(weeks=weeks)
    history = hourly_history(start=history_start, end=today, channel=channel)
    weekday_hour: dict[tuple[int, int], int] = defaultdict(int)
    weekly_totals = [0] * weeks
    for (day, hour), contacts in history.items():
        weekday_hour[(day.weekday(), hour)] += contacts
        weekly_totals[(day - history_start).days // 7] += contacts
    trend = _trend_per_week(weekly_totals)
    scheduled = scheduled_by_hour(channel)
    zone = timezone.get_default_timezone()
    hours = []
    for offset in range(1, days + 1):
        day = today + timedelta(days=offset)
        # Weeks from the middle of the history (its weeks indexed 0..weeks-1) to this day's week.
        weeks_ahead = (day - history_start).days // 7 - (weeks - 1) / 2
        factor = max(0.0, 1 + trend * weeks_ahead)
        for hour in range(24):
            contacts = weekday_hour[(day.weekday(), hour)] / weeks * factor
            raw = agents_needed(
                contacts=contacts,
                period_seconds=3600,
                aht_seconds=settings.STAFFING_DEFAULT_AHT_SECONDS,
                target_level=settings.STAFFING_SERVICE_LEVEL,
                target_seconds=settings.STAFFING_TARGET_SECONDS,
            )
            hours.append(
                ForecastHour(
                    start=timezone.make_aware(datetime.combine(day, time(hour)), zone),
                    contacts=round(contacts, 1),
                    required=with_shrinkage(raw, settings.STAFFING_SHRINKAGE),
                    scheduled=scheduled[(day.weekday(), hour)],
                )
            )
    return hours
