"""Reads for complaint pages: portal, admin panel, approvals queue and the monthly summary.

Visibility comes from Ticket.objects.visible_to (through ComplaintQuerySet.visible_to):
a complaint the user may not see is not found.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.complaints import tokens
from tickets.complaints.models import (
    Complaint,
    ComplaintSubject,
    ConfirmationToken,
    Remedy,
    RemedyStatus,
    RootCause,
    Stage,
)
from tickets.models import EventKind, Ticket, TicketEvent
from tickets.selectors import tickets_customer_can_reply


def complaint_for_user(*, user, pk: int) -> Complaint:
    """The complaint if `user` may see its ticket, else Http404 (existence is not disclosed)."""
    try:
        return Complaint.objects.visible_to(user).for_list().get(pk=pk)
    except (Complaint.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such complaint.") from error


def complaints_for_portal(*, user) -> list[Complaint]:
    return list(Complaint.objects.visible_to(user).select_related("ticket").order_by("-created_at", "-id"))


def confirmation_token_lookup(*, token: str, for_update: bool = False) -> ConfirmationToken:
    """The stored token of a customer's confirmation link, or a ValidationError saying why the link cannot be
    used (the portal's answer page; the answering service locks the row with for_update)."""
    tokens.check_signature(token)
    rows = ConfirmationToken.objects.select_related("complaint", "complaint__ticket", "complaint__ticket__customer")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    stored = rows.filter(token_hash=tokens.token_hash(token)).first()
    if stored is None:
        raise ValidationError(_("This link is not valid."), code=tokens.ERROR_LINK_INVALID)
    if stored.used_at is not None or stored.complaint.stage != Stage.AWAITING_CONFIRMATION:
        raise ValidationError(_("This link has already been used."), code=tokens.ERROR_LINK_USED)
    if stored.expires_at <= timezone.now():
        raise ValidationError(_("This link has expired."), code=tokens.ERROR_LINK_EXPIRED)
    return stored


def tickets_that_can_become_complaints(*, user) -> QuerySet:
    """The customer's requests that are not complaints yet and they may still write on (for "complain about a
    request"): complaint_file adds the complaint as the customer's message, under the one customer-reply rule."""
    return (
        tickets_customer_can_reply(user=user)
        .filter(complaint__isnull=True)
        .only("id", "subject")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class StageStep:
    at: datetime
    stage: str

    @property
    def label(self) -> str:
        return Stage(self.stage).label


@dataclass(frozen=True)
class PortalComplaint:
    """What the customer may see: no findings, root cause, fault or decision reasons."""

    complaint: Complaint
    steps: list[StageStep]
    remedies: list[Remedy]


def complaint_portal_detail(*, user, pk: int) -> PortalComplaint:
    complaint = complaint_for_user(user=user, pk=pk)
    events = TicketEvent.objects.filter(
        ticket_id=complaint.ticket_id, kind__in=(EventKind.COMPLAINT, EventKind.COMPLAINT_STAGE)
    ).order_by("created_at", "id")
    steps = [
        StageStep(at=event.created_at, stage=Stage.INTAKE if event.kind == EventKind.COMPLAINT else event.after)
        for event in events.only("created_at", "kind", "after")
    ]
    # Remedies become the customer's business once the resolution has been communicated.
    remedies = list(complaint.remedies.granted()) if complaint.resolution_communicated_at else []
    return PortalComplaint(complaint=complaint, steps=steps, remedies=remedies)


# Admin ----------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintPanel:
    complaint: Complaint
    remedies: list[Remedy]


def complaint_panel(*, ticket: Ticket) -> ComplaintPanel | None:
    """The complaint summary shown on the ticket page, or None when the ticket is not a complaint."""
    # The ticket page loads the complaint with the ticket (select_related), so most tickets pay nothing here.
    try:
        complaint = ticket.complaint
    except Complaint.DoesNotExist:
        return None
    remedies = list(complaint.remedies.select_related("proposed_by", "decided_by"))
    return ComplaintPanel(complaint=complaint, remedies=remedies)


def remedies_awaiting_approval(*, user) -> QuerySet:
    return (
        Remedy.objects.visible_to(user)
        .pending_approval()
        .select_related("complaint", "complaint__ticket", "complaint__ticket__customer", "proposed_by")
        .order_by("proposed_at", "id")
    )


# Monthly summary ------------------------------------------------------------


@dataclass(frozen=True)
class PaidByAsset:
    asset: str
    count: int
    total: Decimal


@dataclass
class MonthlySummary:
    month: date
    opened: int = 0
    closed: int = 0
    company_at_fault: int = 0
    by_subject: list[tuple[str, int]] = field(default_factory=list)
    by_root_cause: list[tuple[str, int]] = field(default_factory=list)
    median_hours_by_stage: list[tuple[str, float, int]] = field(default_factory=list)
    paid_by_asset: list[PaidByAsset] = field(default_factory=list)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) of a calendar month in the current time zone."""
    start = timezone.make_aware(datetime(month.year, month.month, 1))
    following = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
    return start, timezone.make_aware(datetime(following.year, following.month, 1))


def _stage_durations(ticket_ids: QuerySet, start: datetime, end: datetime) -> dict[str, list[float]]:
    """Hours spent in each stage, for every stage that was left during [start, end).

    One query: the complaint-opened and stage events (up to `end`) of complaints
    that changed stage in the month; consecutive events bound each stay.
    """
    events = (
        TicketEvent.objects.filter(ticket_id__in=ticket_ids, created_at__lt=end)
        .filter(kind__in=(EventKind.COMPLAINT, EventKind.COMPLAINT_STAGE))
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "kind", "after", "created_at")
    )
    durations: dict[str, list[float]] = defaultdict(list)
    current: dict[int, tuple[str, datetime]] = {}
    for ticket_id, kind, after, at in events:
        stage = Stage.INTAKE if kind == EventKind.COMPLAINT else after
        if ticket_id in current:
            previous_stage, since = current[ticket_id]
            if at >= start:
                durations[previous_stage].append((at - since).total_seconds() / 3600)
        current[ticket_id] = (stage, at)
    return durations


def complaint_monthly_summary(*, user, month: date) -> MonthlySummary:
    """Counts by subject and root cause (complaints opened in the month), median hours per stage
    (stays that ended in the month) and remedies paid in the month per asset. Five queries."""
    start, end = month_bounds(month)
    visible = Complaint.objects.visible_to(user)
    opened = visible.filter(created_at__gte=start, created_at__lt=end)
    totals = opened.aggregate(opened=Count("id"), at_fault=Count("id", filter=Q(company_at_fault=True)))
    subject_counts = Counter(dict(opened.order_by().values_list("subject").annotate(n=Count("id"))))
    cause_counts = Counter(dict(opened.order_by().values_list("root_cause").annotate(n=Count("id"))))
    moved_in_month = TicketEvent.objects.filter(
        kind=EventKind.COMPLAINT_STAGE, created_at__gte=start, created_at__lt=end, ticket__complaint__in=visible
    ).values("ticket_id")
    durations = _stage_durations(moved_in_month, start, end)
    closed = visible.filter(closed_at__gte=start, closed_at__lt=end).count()
    paid = (
        Remedy.objects.filter(complaint__in=visible, status=RemedyStatus.PAID, paid_at__gte=start, paid_at__lt=end)
        .order_by("asset")
        .values("asset")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    return MonthlySummary(
        month=start.date(),
        opened=totals["opened"],
        closed=closed,
        company_at_fault=totals["at_fault"],
        by_subject=[(label, subject_counts.get(value, 0)) for value, label in ComplaintSubject.choices],
        by_root_cause=[
            *((label, cause_counts.get(value, 0)) for value, label in RootCause.choices),
            (_("Not determined yet"), cause_counts.get("", 0)),
        ],
        median_hours_by_stage=[
            (Stage(stage).label, round(statistics.median(durations[stage]), 1), len(durations[stage]))
            for stage in Stage.values
            if durations.get(stage)
        ],
        paid_by_asset=[PaidByAsset(asset=row["asset"], count=row["n"], total=row["total"]) for row in paid],
    )
