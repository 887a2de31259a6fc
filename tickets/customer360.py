"""Customer 360: everything the desk knows about one customer, read for the admin's customer overview page.

The page shows the profile, verified channels, wallets, open SLA clocks and a timeline merged from
several sources (tickets, complaints, identity checks, secret exposures, and what other apps register:
feedback adds the ratings). Each source runs one query for a page, whatever the size of the history:
to show page N a source returns its newest N × PAGE_SIZE + 1 entries and the merge keeps the page's
slice. Every source reads only tickets the user may see (Ticket.objects.visible_to).

Other apps register a source once, when their admin module is imported::

    register_timeline_source("feedback.ratings", ratings_entries)

where ``ratings_entries(*, user, tickets, limit)`` gets the viewing user and the customer's tickets
that user may see (a QuerySet), and returns at most ``limit`` TimelineEntry, newest first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from tickets.models import (
    OPEN_STATUSES,
    Complaint,
    Customer,
    EventKind,
    IdentityVerification,
    Ticket,
    TicketEvent,
)
from tickets.safety.models import VerificationStatus
from tickets.sla.selectors import with_next_due

PAGE_SIZE = 20
# Deep pages cost a source PAGE_SIZE rows per page: past this, agents search the ticket list instead.
MAX_PAGE = 50
RECENT_VERIFICATIONS = 5
OPEN_CLOCKS_SHOWN = 10


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    ticket_id: int | None = None


TimelineSource = Callable[..., list[TimelineEntry]]

_sources: dict[str, TimelineSource] = {}


def register_timeline_source(key: str, source: TimelineSource) -> TimelineSource:
    if key in _sources:
        raise ImproperlyConfigured(f"The customer timeline source {key!r} is already registered.")
    _sources[key] = source
    return source


def _ticket_entries(*, user, tickets: QuerySet, limit: int) -> list[TimelineEntry]:
    rows = tickets.select_related("category").order_by("-created_at", "-id")[:limit]
    return [
        TimelineEntry(
            at=ticket.created_at,
            kind=_("ticket"),
            title=str(ticket),
            detail=" · ".join(
                part
                for part in (ticket.get_channel_display(), ticket.get_status_display(), str(ticket.category or ""))
                if part
            ),
            ticket_id=ticket.pk,
        )
        for ticket in rows
    ]


def _complaint_entries(*, user, tickets: QuerySet, limit: int) -> list[TimelineEntry]:
    rows = Complaint.objects.filter(ticket__in=tickets.values("id")).order_by("-created_at", "-id")[:limit]
    return [
        TimelineEntry(
            at=complaint.created_at,
            kind=_("complaint"),
            title=complaint.get_subject_display(),
            detail=f"{complaint.get_stage_display()} · {complaint.get_severity_display()}",
            ticket_id=complaint.ticket_id,
        )
        for complaint in rows
    ]


def _exposure_entries(*, user, tickets: QuerySet, limit: int) -> list[TimelineEntry]:
    rows = TicketEvent.objects.filter(ticket__in=tickets.values("id"), kind=EventKind.SECRET_EXPOSED).order_by(
        "-created_at", "-id"
    )[:limit]
    return [
        TimelineEntry(
            at=event.created_at, kind=_("secret exposed"), title=event.note or event.after, ticket_id=event.ticket_id
        )
        for event in rows
    ]


def _verification_entries(*, user, tickets: QuerySet, limit: int) -> list[TimelineEntry]:
    rows = IdentityVerification.objects.filter(
        ticket__in=tickets.values("id"), status=VerificationStatus.VERIFIED
    ).order_by("-verified_at", "-id")[:limit]
    return [
        TimelineEntry(
            at=verification.verified_at,
            kind=_("identity verified"),
            title=verification.channels,
            detail=verification.verified_through,
            ticket_id=verification.ticket_id,
        )
        for verification in rows
    ]


register_timeline_source("tickets.tickets", _ticket_entries)
register_timeline_source("tickets.complaints", _complaint_entries)
register_timeline_source("tickets.exposures", _exposure_entries)
register_timeline_source("tickets.verifications", _verification_entries)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def customer_tickets(*, user, customer: Customer) -> QuerySet:
    return Ticket.objects.visible_to(user).filter(customer=customer)


def customer_timeline(*, user, customer: Customer, page: int = 1) -> TimelinePage:
    """One page of the customer's history, newest first: one query per registered source."""
    page = min(max(page, 1), MAX_PAGE)
    tickets = customer_tickets(user=user, customer=customer)
    wanted = page * PAGE_SIZE + 1
    merged = sorted(
        (entry for source in _sources.values() for entry in source(user=user, tickets=tickets, limit=wanted)),
        key=lambda entry: entry.at,
        reverse=True,
    )
    start = (page - 1) * PAGE_SIZE
    return TimelinePage(
        entries=merged[start : start + PAGE_SIZE],
        number=page,
        has_next=len(merged) > page * PAGE_SIZE and page < MAX_PAGE,
    )


@dataclass(frozen=True)
class CustomerOverview:
    customer: Customer
    other_emails: list
    wallets: list
    verifications: list
    ticket_total: int
    open_total: int
    open_clocks: list


def customer_overview(*, user, customer: Customer) -> CustomerOverview:
    """The page's header: profile, addresses, wallets, recent identity checks, counts and open SLA clocks."""
    tickets = customer_tickets(user=user, customer=customer)
    counts = tickets.aggregate(total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES)))
    clocks = with_next_due(tickets.filter(status__in=OPEN_STATUSES, sla_policy__isnull=False)).order_by(
        "sla_next_due", "pk"
    )[:OPEN_CLOCKS_SHOWN]
    return CustomerOverview(
        customer=customer,
        other_emails=list(customer.other_emails.all()),
        wallets=list(customer.wallet_addresses.all()),
        verifications=list(
            IdentityVerification.objects.filter(ticket__in=tickets.values("id"), status=VerificationStatus.VERIFIED)
            .select_related("ticket")
            .order_by("-verified_at", "-id")[:RECENT_VERIFICATIONS]
        ),
        ticket_total=counts["total"],
        open_total=counts["open"],
        open_clocks=list(clocks),
    )
