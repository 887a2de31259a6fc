"""Reads behind the staffing forecast, each one query whatever the size of the history.

- contacts per channel and local hour: a new ticket on its channel, plus every customer
  message on an existing ticket on the channel it came through (an email reply, a portal
  follow-up): both are work arriving in the queue;
- handle time measured by the reply box (tickets.reply_timer) per ticket channel;
- the service target per channel: configured for real-time channels, the SLA's first-response
  target for asynchronous ones;
- expected events overlapping the forecast, and the agents on the weekly roster.

Hours are in the desk time zone (settings.TIME_ZONE).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from tickets.models import AuthorKind, Priority, SLAPolicy, Ticket, TicketMessage
from workforce.models import ForecastEvent, Shift

# The forecast plans per hour.
PLANNING_PERIOD_SECONDS = 3600


class TargetSource:
    CONFIGURED = "configured"  # STAFFING_SERVICE_LEVELS gives the seconds (chat, phone)
    SLA = "sla"  # the first-response target of the channel's SLA policy (email, portal, …)
    DEFAULT = "default"  # STAFFING_TARGET_SECONDS: neither of the above


@dataclass(frozen=True)
class ServiceTarget:
    level: float
    seconds: int
    source: str
    policy: str = ""

    @property
    def is_deferred(self) -> bool:
        """Answered within the planning hour or later: work that waits in a queue, not a caller on the line."""
        return self.seconds >= PLANNING_PERIOD_SECONDS


@dataclass(frozen=True)
class HandleTime:
    """Average handle time of a channel's tickets, and whether the history had enough of them to trust."""

    seconds: int
    samples: int
    measured: bool


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def contact_history(*, start: date, end: date, channel: str = "") -> dict[tuple[str, date, int], int]:
    """Contacts per (channel, local date, hour) in [start, end): two queries.

    A ticket's opening message is the ticket itself, so a customer message counts only when
    an earlier message exists on its ticket.
    """
    zone = timezone.get_default_timezone()
    since, until = _local_midnight(start), _local_midnight(end)
    new_tickets = Ticket.objects.filter(created_at__gte=since, created_at__lt=until)
    follow_ups = TicketMessage.objects.filter(
        author_kind=AuthorKind.CUSTOMER,
        created_at__gte=since,
        created_at__lt=until,
    ).filter(Exists(TicketMessage.objects.filter(ticket=OuterRef("ticket"), id__lt=OuterRef("id"))))
    if channel:
        new_tickets = new_tickets.filter(channel=channel)
        follow_ups = follow_ups.filter(via=channel)
    counts: dict[tuple[str, date, int], int] = defaultdict(int)
    for contacts, channel_field in ((new_tickets, "channel"), (follow_ups, "via")):
        rows = (
            contacts.annotate(day=TruncDate("created_at", tzinfo=zone), hour=ExtractHour("created_at", tzinfo=zone))
            .order_by()
            .values(channel_field, "day", "hour")
            .annotate(contacts=Count("id"))
        )
        for row in rows:
            counts[(row[channel_field], row["day"], row["hour"])] += row["contacts"]
    return dict(counts)


def handle_times(*, start: date, end: date) -> dict[str, HandleTime]:
    """Average handle time per ticket channel over [start, end): one query.

    A ticket's handle time is the sum of its agents' measured replies; the average over the
    tickets with at least one is total seconds / tickets. A channel with fewer than
    STAFFING_MIN_AHT_SAMPLES such tickets uses STAFFING_DEFAULT_AHT_SECONDS (samples still reported).
    """
    rows = (
        TicketMessage.objects.filter(
            handle_seconds__isnull=False,
            author_kind=AuthorKind.AGENT,
            created_at__gte=_local_midnight(start),
            created_at__lt=_local_midnight(end),
        )
        .order_by()
        .values("ticket__channel")
        .annotate(total=Sum("handle_seconds"), tickets=Count("ticket", distinct=True))
    )
    measured = {row["ticket__channel"]: (row["total"], row["tickets"]) for row in rows}
    return defaultdict(
        _default_handle_time,
        {
            channel: HandleTime(seconds=round(total / tickets), samples=tickets, measured=True)
            if tickets >= settings.STAFFING_MIN_AHT_SAMPLES
            else HandleTime(seconds=settings.STAFFING_DEFAULT_AHT_SECONDS, samples=tickets, measured=False)
            for channel, (total, tickets) in measured.items()
        },
    )


def _default_handle_time() -> HandleTime:
    return HandleTime(seconds=settings.STAFFING_DEFAULT_AHT_SECONDS, samples=0, measured=False)


def service_targets(channels: Iterable[str]) -> dict[str, ServiceTarget]:
    """The service level each channel is planned for: one query (the SLA policies).

    A channel with seconds in STAFFING_SERVICE_LEVELS is real time (chat, phone: e.g. 80 % within
    20 s). Any other is asynchronous: its target is the first-response target of the policy a
    normal-priority, uncategorised, non-VIP ticket on that channel gets — business minutes read
    as elapsed time, which Erlang C needs — or STAFFING_TARGET_SECONDS without such a policy.
    """
    policies = list(SLAPolicy.objects.for_matching())
    targets = {}
    for channel in channels:
        entry = settings.STAFFING_SERVICE_LEVELS.get(channel) or {}
        level = float(entry.get("level", settings.STAFFING_SERVICE_LEVEL))
        if entry.get("seconds"):
            targets[channel] = ServiceTarget(level=level, seconds=int(entry["seconds"]), source=TargetSource.CONFIGURED)
            continue
        policy = next(
            (
                policy
                for policy in policies
                if policy.matches(priority=Priority.NORMAL, category_id=None, channel=channel, is_vip=False)
            ),
            None,
        )
        if policy is not None and policy.first_response_minutes:
            targets[channel] = ServiceTarget(
                level=level, seconds=policy.first_response_minutes * 60, source=TargetSource.SLA, policy=policy.name
            )
        else:
            targets[channel] = ServiceTarget(
                level=level, seconds=settings.STAFFING_TARGET_SECONDS, source=TargetSource.DEFAULT
            )
    return targets


def events_between(*, start: datetime, end: datetime, channel: str = "") -> list[ForecastEvent]:
    """Expected events running at some time in [start, end), for the channel (or any): one query."""
    return list(ForecastEvent.objects.overlapping(start, end, channel).order_by("starts_at", "id"))


def scheduled_by_hour(channel: str = "") -> dict[tuple[int, int], int]:
    """Agents on the roster per (weekday, hour), one query. A shift without a channel works every channel."""
    shifts = Shift.objects.all()
    if channel:
        shifts = shifts.filter(channel__in=[channel, ""])
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for weekday, start_hour, end_hour in shifts.values_list("weekday", "start_hour", "end_hour"):
        for hour in range(start_hour, end_hour):
            counts[(weekday, hour)] += 1
    return counts
