"""The SLA sweep (every minute, django-q2 schedule "SLA sweep").

Set-based: per clock, one indexed query selects the tickets whose due (or
warning) time has passed while the clock runs, one UPDATE moves them to
breached (or at risk), and one bulk INSERT records their events; then the
assignees and supervisors are notified and breaches escalated in background
tasks. Work is done in batches so a backlog (e.g. after downtime) never holds
a huge transaction.

Safe to run twice at once: the rows are selected FOR UPDATE SKIP LOCKED, so a
concurrent sweep skips them, and once committed they no longer match (a
breached clock is not running), so every breach and warning is recorded once.
SQLite has no row locks, but its writers are serialised (IMMEDIATE
transactions), which gives the same guarantee.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tickets.models import ClockState, EventKind, SLAClock, Ticket
from tickets.sla import deadline
from tickets.sla.services import breaches
from tickets.sla.services.clocks import RUNNING

BATCH_SIZE = 5000


@dataclass
class SweepResult:
    breached: dict[str, list[int]] = field(default_factory=dict)
    warned: dict[str, list[int]] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        return {
            "breached": sum(len(ids) for ids in self.breached.values()),
            "warned": sum(len(ids) for ids in self.warned.values()),
        }


def _transition(
    *,
    clock: str,
    from_states: tuple[str, ...],
    to_state: str,
    reached: Q,
    kind: str,
    now: datetime,
    batch_size: int,
    follow_up: bool,
) -> list[int]:
    state_field = f"{clock}_state"
    touched: list[int] = []
    while True:
        with transaction.atomic():
            ids = list(
                Ticket.objects.filter(reached, **{f"{state_field}__in": from_states})
                .select_for_update(skip_locked=True)
                .order_by()
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            Ticket.objects.filter(pk__in=ids).update(**{state_field: to_state})
            breaches.record(kind=kind, clock=clock, ticket_ids=ids, at=now, follow_up=follow_up)
        touched += ids
        if len(ids) < batch_size:
            break
    return touched


def sla_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE, follow_up: bool = True) -> SweepResult:
    """Mark every running clock past its due time breached, then those past their warning time at risk.

    `follow_up=False` skips the notice and escalation tasks (the benchmark measures the database work alone).
    """
    now = now or timezone.now()
    result = SweepResult()
    # Breaches first: a clock that crossed both thresholds since the last sweep is reported once, as breached.
    for clock in SLAClock.values:
        result.breached[clock] = _transition(
            clock=clock,
            from_states=RUNNING,
            to_state=ClockState.BREACHED,
            # At the due instant itself the clock is still met (tickets.sla.deadline).
            reached=deadline.overdue(f"{clock}_due", now),
            kind=EventKind.SLA_BREACH,
            now=now,
            batch_size=batch_size,
            follow_up=follow_up,
        )
    for clock in SLAClock.values:
        result.warned[clock] = _transition(
            clock=clock,
            from_states=(ClockState.ON_TRACK,),
            to_state=ClockState.WARNING,
            reached=Q(**{f"{clock}_warn_at__lte": now}),
            kind=EventKind.SLA_WARNING,
            now=now,
            batch_size=batch_size,
            follow_up=follow_up,
        )
    return result
