"""Reads of SLA state: the expected first reply, alerts, the supervisor's view.

Every function runs a fixed number of queries whatever the number of tickets.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from django.db.models import Case, Count, DateTimeField, F, Min, Q, QuerySet, Value, When
from django.db.models.functions import Least
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from tickets.models import OPEN_STATUSES, AgentProfile, ClockState, SLAClock, Status, Ticket

# Sorts after every real due date; shown as "no SLA".
FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)


def owed_breached(clock: str) -> Q:
    return Q(**{f"{clock}_state": ClockState.BREACHED, f"{clock}_seconds__isnull": True})


def breaching_q() -> Q:
    """Some clock is past due and still unanswered."""
    q = Q()
    for clock in SLAClock.values:
        q |= owed_breached(clock)
    return q


def state_q(state: str) -> Q:
    q = Q()
    for clock in SLAClock.values:
        q |= Q(**{f"{clock}_state": state})
    return q


def with_next_due(queryset: QuerySet) -> QuerySet:
    """Annotate `sla_next_due`: the earliest due date of a clock that runs or is breached and owed."""
    dues = [
        Case(
            When(
                Q(**{f"{clock}_state__in": [ClockState.ON_TRACK, ClockState.WARNING]}) | owed_breached(clock),
                then=F(f"{clock}_due"),
            ),
            default=Value(FAR_FUTURE),
            output_field=DateTimeField(),
        )
        for clock in SLAClock.values
    ]
    return queryset.annotate(sla_next_due=Least(*dues))


def expected_first_reply(ticket: Ticket) -> datetime | None:
    """When the customer can expect the first reply (UTC), or None when no first reply is owed on a clock.

    For acknowledgements (portal page, e-mail) right after ticket_create; the
    due date already follows the policy's business calendar.
    """
    if ticket.first_response_state in (ClockState.ON_TRACK, ClockState.WARNING, ClockState.BREACHED):
        return ticket.first_response_due if ticket.first_response_seconds is None else None
    return None


def customer_time_zone(ticket: Ticket) -> tzinfo:
    """The customer's own zone (portal profile), else the zone of the policy's calendar, else UTC."""
    user = ticket.customer.user
    zone_name = (user.time_zone if user is not None else "") or (
        ticket.sla_policy.calendar.time_zone if ticket.sla_policy_id else "UTC"
    )
    try:
        return zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def expected_first_reply_text(ticket: Ticket, *, language: str | None = None, zone: tzinfo | None = None) -> str:
    """ "We will reply by Saturday 23 May 2026, 17:30 (Asia/Shanghai)." in the customer's language and zone.

    Empty when no first reply is on a clock (then say nothing about timing).
    """
    due = expected_first_reply(ticket)
    if due is None:
        return ""
    zone = zone or customer_time_zone(ticket)
    with translation.override(language or ticket.language):
        local = timezone.localtime(due, zone)
        return _("We will reply by %(weekday)s, %(when)s (%(zone)s).") % {
            "weekday": formats.date_format(local, "l"),
            "when": formats.date_format(local, "DATETIME_FORMAT"),
            "zone": str(zone),
        }


def sla_alerts(*, user, limit: int = 10) -> list[Ticket]:
    """The signed-in agent's notice: open tickets they hold or supervise that are breaching or at risk."""
    alerts = (
        Ticket.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(assignee=user) | Q(team__supervisor=user))
        .filter(breaching_q() | state_q(ClockState.WARNING))
    )
    return list(with_next_due(alerts.for_list()).order_by("sla_next_due", "pk")[:limit])


@dataclass(frozen=True)
class TeamQueue:
    team_id: int | None
    name: str
    open: int
    unassigned: int
    pending: int
    breaching: int
    at_risk: int
    oldest_unassigned: datetime | None


def team_queues(*, user) -> list[TeamQueue]:
    """Open tickets per team (None: not routed) with the figures a shift lead steers by; one query."""
    rows = (
        Ticket.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("team_id", "team__name")
        .annotate(
            open=Count("pk"),
            unassigned=Count("pk", filter=Q(assignee__isnull=True)),
            pending=Count("pk", filter=Q(status__in=[Status.PENDING_CUSTOMER, Status.ON_HOLD])),
            breaching=Count("pk", filter=breaching_q()),
            at_risk=Count("pk", filter=state_q(ClockState.WARNING)),
            oldest_unassigned=Min("created_at", filter=Q(assignee__isnull=True)),
        )
    )
    queues = [
        TeamQueue(
            team_id=row["team_id"],
            name=row["team__name"] or _("(no team)"),
            open=row["open"],
            unassigned=row["unassigned"],
            pending=row["pending"],
            breaching=row["breaching"],
            at_risk=row["at_risk"],
            oldest_unassigned=row["oldest_unassigned"],
        )
        for row in rows
    ]
    return sorted(queues, key=lambda queue: (-queue.breaching, -queue.at_risk, queue.name))


def tickets_breaching(*, user, limit: int = 20) -> list[Ticket]:
    qs = Ticket.objects.visible_to(user).filter(status__in=OPEN_STATUSES).filter(breaching_q())
    return list(with_next_due(qs.for_list()).order_by("sla_next_due", "pk")[:limit])


def tickets_at_risk(*, user, limit: int = 20) -> list[Ticket]:
    qs = Ticket.objects.visible_to(user).filter(status__in=OPEN_STATUSES).filter(state_q(ClockState.WARNING))
    return list(with_next_due(qs.exclude(breaching_q()).for_list()).order_by("sla_next_due", "pk")[:limit])


def oldest_unassigned(*, user, limit: int = 10) -> list[Ticket]:
    qs = Ticket.objects.visible_to(user).filter(status__in=OPEN_STATUSES, assignee__isnull=True)
    return list(with_next_due(qs.for_list()).order_by("created_at", "pk")[:limit])


def agent_loads() -> list[AgentProfile]:
    """Every agent with `open_total` (open tickets held), `pending_total` and their teams; two queries."""
    open_count = Count("user__assigned_tickets", filter=Q(user__assigned_tickets__status__in=OPEN_STATUSES))
    pending_count = Count(
        "user__assigned_tickets",
        filter=Q(user__assigned_tickets__status__in=[Status.PENDING_CUSTOMER, Status.ON_HOLD]),
    )
    return list(
        AgentProfile.objects.filter(user__is_active=True)
        .select_related("user")
        .prefetch_related("teams")
        .annotate(open_total=open_count, pending_total=pending_count)
        .order_by("-is_available", "-open_total", "user__username")
    )
