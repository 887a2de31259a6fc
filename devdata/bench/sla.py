"""Benchmark of the SLA sweep over many open tickets (`manage.py bench_sla`).

Creates synthetic open tickets (one bench customer, all SLA columns set),
then times the sweep when no clock, 1 % and 10 % of the clocks cross their
due time, and a second sweep right after (nothing left to do). The rows are
committed and analysed first so the planner sees realistic statistics, and
removed at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from tickets.models import Channel, ClockState, Customer, Status, Ticket, TicketEvent
from tickets.sla.models import SLAPolicy
from tickets.sla.services.sweep import sla_sweep

BENCH_EMAIL = "bench-sla@example.invalid"
INSERT_BATCH = 5000


@dataclass
class SweepTiming:
    crossing: float
    breached: int
    seconds: float
    repeat_seconds: float


@dataclass
class BenchResult:
    vendor: str
    open_tickets: int
    setup_seconds: float
    timings: list[SweepTiming] = field(default_factory=list)


def _timed(action: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    outcome = action()
    return outcome, time.perf_counter() - started


def _create_tickets(customer: Customer, count: int) -> None:
    now = timezone.now()
    policy = SLAPolicy.objects.for_matching().last()
    for offset in range(0, count, INSERT_BATCH):
        with transaction.atomic():
            Ticket.objects.bulk_create(
                Ticket(
                    subject=f"bench {offset + n}",
                    customer=customer,
                    channel=Channel.EMAIL,
                    status=Status.OPEN,
                    sla_policy=policy,
                    created_at=now,
                    first_response_state=ClockState.ON_TRACK,
                    resolution_state=ClockState.ON_TRACK,
                )
                for n in range(min(INSERT_BATCH, count - offset))
            )


def _reset(tickets, crossing_count: int) -> None:
    """All clocks running with future deadlines, except `crossing_count` first responses just past due."""
    now = timezone.now()
    with transaction.atomic():
        TicketEvent.objects.filter(ticket__in=tickets).delete()
        tickets.update(
            first_response_state=ClockState.ON_TRACK,
            first_response_due=now + timedelta(hours=8),
            first_response_warn_at=now + timedelta(hours=6),
            resolution_state=ClockState.ON_TRACK,
            resolution_due=now + timedelta(days=3),
            resolution_warn_at=now + timedelta(days=2),
        )
        crossing_ids = tickets.order_by("pk").values("pk")[:crossing_count]
        Ticket.objects.filter(pk__in=list(crossing_ids.values_list("pk", flat=True))).update(
            first_response_due=now - timedelta(seconds=30), first_response_warn_at=now - timedelta(hours=2)
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Ticket._meta.db_table}")


def run_sweep_bench(*, open_tickets: int, crossings: tuple[float, ...] = (0.0, 0.01, 0.1)) -> BenchResult:
    customer, _created = Customer.objects.get_or_create(email=BENCH_EMAIL, defaults={"name": "SLA benchmark"})
    tickets = Ticket.objects.filter(customer=customer)
    try:
        _none, setup = _timed(lambda: _create_tickets(customer, open_tickets))
        result = BenchResult(vendor=connection.vendor, open_tickets=open_tickets, setup_seconds=setup)
        for crossing in crossings:
            _reset(tickets, int(open_tickets * crossing))
            sweep, seconds = _timed(lambda: sla_sweep(follow_up=False))
            _again, repeat = _timed(lambda: sla_sweep(follow_up=False))
            result.timings.append(
                SweepTiming(
                    crossing=crossing, breached=sweep.summary()["breached"], seconds=seconds, repeat_seconds=repeat
                )
            )
        return result
    finally:
        TicketEvent.objects.filter(ticket__customer=customer).delete()
        tickets.delete()
        customer.delete()
