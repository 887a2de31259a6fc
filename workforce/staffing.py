"""Staffing: a two-week hourly forecast per channel and the agents Erlang C says each hour needs.

The Erlang C functions are pure (no Django) so they can be checked against published
worked examples (tests/workforce/test_staffing.py). The data (contacts per channel and hour,
measured handle times, service targets, expected events, the roster) comes from
workforce.selectors in a fixed number of queries. Hours are in the desk time zone
(settings.TIME_ZONE).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from tickets.models import Channel
from workforce import selectors
from workforce.selectors import HandleTime, ServiceTarget


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


@dataclass(frozen=True)
class ChannelLoad:
    """One channel's forecast for a period: contacts, handle time and service target."""

    contacts: float
    aht_seconds: float
    target_level: float
    target_seconds: float
    real_time: bool


def blended_agents(loads: list[ChannelLoad], *, period_seconds: float, occupancy: float) -> int:
    """Agents on contacts (before shrinkage) for one period when the same agents take chats and calls and work email.

    The real-time channels (a caller waiting: chat, phone) are one pooled Erlang C queue — traffic-weighted
    handle time, the strictest target — so two quiet real-time channels do not each claim a whole agent.
    Asynchronous work (email, portal: targets of hours) waits in a queue and fills the time those agents
    are not on a call, as long as nobody is busier than `occupancy`. The answer is the larger of the two:
    agents for the real-time service level, and agents for all the work at that occupancy.
    """
    real_time = [load for load in loads if load.real_time and load.contacts > 0]
    on_calls = 0
    if real_time:
        contacts = sum(load.contacts for load in real_time)
        on_calls = agents_needed(
            contacts=contacts,
            period_seconds=period_seconds,
            aht_seconds=sum(load.contacts * load.aht_seconds for load in real_time) / contacts,
            target_level=max(load.target_level for load in real_time),
            target_seconds=min(load.target_seconds for load in real_time),
        )
    workload = sum(load.contacts * load.aht_seconds for load in loads) / period_seconds
    # Rounded to micro-Erlangs first so 2.0000000001 agents of work is 2, not 3.
    return max(on_calls, math.ceil(round(workload / occupancy, 6)))


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that `agents` are available after breaks, training, absence (shrinkage share)."""
    return math.ceil(agents / (1 - shrinkage)) if agents else 0


# History and forecast ------------------------------------------------------------------

DAYS_IN_WEEK = 7
HOURS_IN_DAY = 24


@dataclass(frozen=True)
class ForecastHour:
    start: datetime
    contacts: float
    required: int
    scheduled: int
    events: tuple[str, ...] = ()

    @property
    def gap(self) -> int:
        return self.scheduled - self.required


@dataclass(frozen=True)
class ChannelPlan:
    """What the forecast used for one channel, and its history as weekday × hour averages per week."""

    channel: str
    handle_time: HandleTime
    target: ServiceTarget
    history_contacts: int
    history: tuple[tuple[float, ...], ...]

    @property
    def label(self) -> str:
        return Channel(self.channel).label if self.channel in Channel.values else self.channel


@dataclass(frozen=True)
class StaffingPlan:
    hours: list[ForecastHour]
    channels: list[ChannelPlan]
    history_weeks: int
    shrinkage: float
    history_total: tuple[tuple[float, ...], ...] = field(default=())


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


def _averages(weekday_hour: dict[tuple[int, int], int], weeks: int) -> tuple[tuple[float, ...], ...]:
    return tuple(
        tuple(round(weekday_hour[(weekday, hour)] / weeks, 1) for hour in range(HOURS_IN_DAY))
        for weekday in range(DAYS_IN_WEEK)
    )


def _channel_order(channel: str) -> int:
    return Channel.values.index(channel) if channel in Channel.values else len(Channel.values)


def staffing_plan(*, today: date, days: int = 14, channel: str = "") -> StaffingPlan:
    """Per hour from tomorrow: contacts forecast per channel and the agents to schedule for them.

    Each channel's baseline is its weekday×hour average over the last STAFFING_HISTORY_WEEKS
    weeks, scaled by its weekly trend and by (1 + uplift) of every expected event running in
    that hour. The agents of an hour come from blended_agents (real-time channels pooled in
    one Erlang C queue, asynchronous work filling their idle time up to
    STAFFING_TARGET_OCCUPANCY), grossed up for shrinkage.
    """
    weeks = settings.STAFFING_HISTORY_WEEKS
    history_start = today - timedelta(weeks=weeks)
    weekday_hour: dict[str, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    weekly_totals: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    for (contact_channel, day, hour), contacts in selectors.contact_history(
        start=history_start, end=today, channel=channel
    ).items():
        weekday_hour[contact_channel][(day.weekday(), hour)] += contacts
        weekly_totals[contact_channel][(day - history_start).days // 7] += contacts
    channels = [channel] if channel else sorted(weekday_hour, key=_channel_order)
    handle_times = selectors.handle_times(start=history_start, end=today)
    targets = selectors.service_targets(channels)
    trends = {name: _trend_per_week(weekly_totals[name]) for name in channels}

    zone = timezone.get_default_timezone()
    first_hour = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min), zone)
    last_hour = timezone.make_aware(datetime.combine(today + timedelta(days=days + 1), time.min), zone)
    events = selectors.events_between(start=first_hour, end=last_hour, channel=channel)
    scheduled = selectors.scheduled_by_hour(channel)
    hours = []
    for offset in range(1, days + 1):
        day = today + timedelta(days=offset)
        # Weeks from the middle of the history (its weeks indexed 0..weeks-1) to this day's week.
        weeks_ahead = (day - history_start).days // 7 - (weeks - 1) / 2
        for hour in range(HOURS_IN_DAY):
            start = timezone.make_aware(datetime.combine(day, time(hour)), zone)
            running = [
                event for event in events if event.starts_at < start + timedelta(hours=1) and event.ends_at > start
            ]
            loads = []
            for name in channels:
                contacts = weekday_hour[name][(day.weekday(), hour)] / weeks * max(0.0, 1 + trends[name] * weeks_ahead)
                for event in running:
                    if event.channel in ("", name):
                        contacts *= event.factor
                loads.append(
                    ChannelLoad(
                        contacts=contacts,
                        aht_seconds=handle_times[name].seconds,
                        target_level=targets[name].level,
                        target_seconds=targets[name].seconds,
                        real_time=not targets[name].is_deferred,
                    )
                )
            total_contacts = sum((load.contacts for load in loads), 0.0)
            agents = blended_agents(
                loads, period_seconds=selectors.PLANNING_PERIOD_SECONDS, occupancy=settings.STAFFING_TARGET_OCCUPANCY
            )
            hours.append(
                ForecastHour(
                    start=start,
                    contacts=round(total_contacts, 1),
                    required=with_shrinkage(agents, settings.STAFFING_SHRINKAGE),
                    scheduled=scheduled[(day.weekday(), hour)],
                    events=tuple(event.name for event in running),
                )
            )
    combined: dict[tuple[int, int], int] = defaultdict(int)
    for name in channels:
        for key, contacts in weekday_hour[name].items():
            combined[key] += contacts
    return StaffingPlan(
        hours=hours,
        channels=[
            ChannelPlan(
                channel=name,
                handle_time=handle_times[name],
                target=targets[name],
                history_contacts=sum(weekly_totals[name]),
                history=_averages(weekday_hour[name], weeks),
            )
            for name in channels
        ],
        history_weeks=weeks,
        shrinkage=settings.STAFFING_SHRINKAGE,
        history_total=_averages(combined, weeks) if len(channels) > 1 else (),
    )
