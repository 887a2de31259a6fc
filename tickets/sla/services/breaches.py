"""Recording SLA warnings and breaches: the timeline events, then the follow-up after commit.

The sweep records the clocks it finds past their warning or due time; the clock services record a
clock found already past due when it is paused (the breach is kept, not moved by the pause).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django_q.tasks import async_task

from supportdesk.kit.metrics import SLA_EVENTS
from tickets import events
from tickets.models import EventKind

EVENT_BUILDERS = {EventKind.SLA_BREACH: events.build_sla_breached, EventKind.SLA_WARNING: events.build_sla_warned}


def _enqueue_follow_up(kind: str, clock: str, ticket_ids: list[int]) -> None:
    async_task("tickets.sla.tasks.notify_sla", kind, clock, ticket_ids)
    if kind == EventKind.SLA_BREACH:
        async_task("tickets.sla.tasks.escalate_breached", ticket_ids)


def record(*, kind: str, clock: str, ticket_ids: Sequence[int], at: datetime, follow_up: bool = True) -> None:
    """One `kind` event (SLA_WARNING or SLA_BREACH) per ticket; notices (and escalation of breaches) on commit."""
    ids = list(ticket_ids)
    events.record_many(EVENT_BUILDERS[kind](ticket=pk, clock=clock, at=at) for pk in ids)
    transaction.on_commit(lambda: SLA_EVENTS.labels(kind=kind, clock=clock).inc(len(ids)))
    if follow_up:
        transaction.on_commit(lambda: _enqueue_follow_up(kind, clock, ids))
