"""The follow-up sweep: progress updates on cases we work on, reminders and closing on cases we wait on.

Set-based: per group of teams with the same intervals, one query per step finds the tickets due (oldest
first, at most FOLLOW_UP_MAX_PER_RUN in a run). Idempotent: each step is first claimed in the ledger
(FollowUpSent, unique per ticket, step and anchor) with this run's id; only the rows this run inserted are
acted on, so a second run in the same window, or two runs at once, send nothing twice. Each step leaves a
public system message on the ticket (what the customer reads in the portal), an event on the timeline, and a
delivery over the channel the ticket came from (Telegram/SMS through tickets.connectors, otherwise email).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tickets import events
from tickets.complaints.models import FINAL_STAGES, Complaint
from tickets.connectors.base import connector
from tickets.connectors.models import InboundChannelMessage, InboundKind, InboundStatus, OutboundKind
from tickets.connectors.services import outbound as connector_outbound
from tickets.email.addresses import PLACEHOLDER_DOMAIN_SUFFIX
from tickets.email.services import outbound as email_outbound
from tickets.followups import texts
from tickets.followups.models import FollowUpPolicy, FollowUpSent, FollowUpStep
from tickets.models import AuthorKind, Channel, EventKind, Status, Ticket, TicketEvent, TicketMessage
from tickets.services.base import apply_status

# privacy.services.erasure.erased_email: an erased customer's address (privacy sits above tickets).
ERASED_SUFFIX = "@erased.invalid"
WORKING_STATUSES = (Status.NEW, Status.OPEN, Status.ON_HOLD)
WAITING_STEPS = (FollowUpStep.AUTO_CLOSE, FollowUpStep.SECOND_REMINDER, FollowUpStep.FIRST_REMINDER)


@dataclass(frozen=True)
class SweepResult:
    progress: list[int]
    reminded: list[int]
    closed: list[int]


def policy_for(team_id: int | None) -> FollowUpPolicy:
    """The team's policy, or the defaults (an unsaved FollowUpPolicy) for a team without one or no team."""
    if team_id is None:
        return FollowUpPolicy()
    return FollowUpPolicy.objects.filter(team_id=team_id).first() or FollowUpPolicy()


def policy_groups(*, feature: str) -> list[tuple[FollowUpPolicy, Q]]:
    """(policy, ticket filter) per set of intervals among the teams with `feature` on; teams without a policy
    (and tickets without a team) share the defaults'."""
    configured = list(FollowUpPolicy.objects.all())
    groups: dict[tuple, tuple[FollowUpPolicy, Q]] = {}

    def add(policy: FollowUpPolicy, teams: Q) -> None:
        known = groups.get(policy.intervals)
        groups[policy.intervals] = (known[0], known[1] | teams) if known else (policy, teams)

    for policy in configured:
        if getattr(policy, feature):
            add(policy, Q(team_id=policy.team_id))
    add(FollowUpPolicy(), Q(team__isnull=True) | ~Q(team_id__in=[policy.team_id for policy in configured]))
    return list(groups.values())


def _thread_exists() -> Exists:
    return Exists(
        InboundChannelMessage.objects.filter(
            ticket_id=OuterRef("pk"), status=InboundStatus.PROCESSED, identity__isnull=False
        ).exclude(kind=InboundKind.CALL)
    )


def contactable() -> Q:
    """Tickets whose customer we can reach: not erased, and with a real address (a chat visitor's only once
    signed in) or a connector conversation to answer in."""
    by_email = ~Q(customer__email__iendswith=PLACEHOLDER_DOMAIN_SUFFIX) & ~Q(
        channel=Channel.CHAT, customer__user__isnull=True
    )
    return ~Q(customer__email__iendswith=ERASED_SUFFIX) & (by_email | Q(_thread_exists()))


def _sent(step: str, anchor: str) -> Exists:
    return Exists(FollowUpSent.objects.filter(ticket_id=OuterRef("pk"), step=step, anchor=OuterRef(anchor)))


def waiting_since() -> Coalesce:
    """When the ticket last went to pending customer (its creation if no status event says so)."""
    entered = (
        TicketEvent.objects.filter(ticket_id=OuterRef("pk"), kind=EventKind.STATUS, after=Status.PENDING_CUSTOMER)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    return Coalesce(Subquery(entered), F("created_at"))


def last_told() -> Greatest:
    """When the customer last heard from us on a case we work on: the latest public reply or system message,
    else the start of the case (the complaint, or the latest escalation)."""
    told = (
        TicketMessage.objects.filter(ticket_id=OuterRef("pk"), is_internal=False)
        .exclude(author_kind=AuthorKind.CUSTOMER)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    escalated = (
        TicketEvent.objects.filter(ticket_id=OuterRef("pk"), kind=EventKind.TIER)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    started = Case(
        When(complaint__stage__in=texts.PROGRESS_STAGES, then=F("complaint__created_at")),
        default=Coalesce(Subquery(escalated), F("created_at")),
    )
    return Greatest(started, Coalesce(Subquery(told), started))


def _waiting(teams: Q) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(teams, contactable(), status=Status.PENDING_CUSTOMER, merged_into__isnull=True)
        .annotate(anchor=waiting_since())
        .order_by("anchor", "pk")
    )


def due_waiting(*, step: str, policy: FollowUpPolicy, teams: Q, now: datetime) -> QuerySet[Ticket]:
    """Tickets of `teams` due for `step` of the waiting sequence (the latest step due; earlier ones missed
    while the sweep was down are skipped, never sent in a burst)."""
    close_at = now - timedelta(days=policy.close_after_days)
    second_at = now - timedelta(days=policy.second_reminder_days)
    open_complaint = Exists(Complaint.objects.filter(ticket_id=OuterRef("pk")).exclude(stage__in=FINAL_STAGES))
    tickets = _waiting(teams)
    if step == FollowUpStep.AUTO_CLOSE:
        # A complaint is closed through its own workflow, never for want of an answer here.
        return tickets.filter(anchor__lte=close_at).exclude(open_complaint)
    if step == FollowUpStep.SECOND_REMINDER:
        return tickets.filter(Q(anchor__gt=close_at) | Q(open_complaint), anchor__lte=second_at).exclude(
            _sent(step, "anchor")
        )
    first_at = now - timedelta(days=policy.first_reminder_days)
    return tickets.filter(anchor__gt=second_at, anchor__lte=first_at).exclude(_sent(step, "anchor"))


def due_progress(*, policy: FollowUpPolicy, teams: Q, now: datetime) -> QuerySet[Ticket]:
    """Complaints under way and escalated tickets of `teams` nobody wrote to within the interval."""
    return (
        Ticket.objects.filter(teams, contactable(), status__in=WORKING_STATUSES, merged_into__isnull=True)
        .filter(
            Q(complaint__stage__in=texts.PROGRESS_STAGES)
            # an escalated ticket whose complaint awaits the customer's confirmation is reminded by the complaint
            | Q(Q(complaint__isnull=True) | Q(complaint__stage__in=FINAL_STAGES), tier__in=texts.ESCALATED_TIERS)
        )
        .annotate(anchor=last_told())
        .filter(anchor__lte=now - timedelta(days=policy.progress_interval_days))
        .exclude(_sent(FollowUpStep.PROGRESS, "anchor"))
        .order_by("anchor", "pk")
    )


def _plan(*, now: datetime, budget: int) -> list[tuple[int, str, datetime, FollowUpPolicy]]:
    planned: list[tuple[int, str, datetime, FollowUpPolicy]] = []
    reminder_groups = policy_groups(feature="reminders")
    for step in WAITING_STEPS:
        for policy, teams in reminder_groups:
            rows = due_waiting(step=step, policy=policy, teams=teams, now=now).values_list("pk", "anchor")
            planned += [(pk, step, anchor, policy) for pk, anchor in rows[: budget - len(planned)]]
    for policy, teams in policy_groups(feature="progress_updates"):
        rows = due_progress(policy=policy, teams=teams, now=now).values_list("pk", "anchor")
        planned += [(pk, FollowUpStep.PROGRESS, anchor, policy) for pk, anchor in rows[: budget - len(planned)]]
    return planned[:budget]


def _threads(ticket_ids: Iterable[int]) -> dict[int, InboundChannelMessage]:
    """Per ticket, the latest connector conversation to answer in (one query for the batch)."""
    latest: dict[int, InboundChannelMessage] = {}
    deliveries = (
        InboundChannelMessage.objects.filter(
            ticket_id__in=list(ticket_ids), status=InboundStatus.PROCESSED, identity__isnull=False
        )
        .exclude(kind=InboundKind.CALL)
        .select_related("identity")
        .order_by("ticket_id", "-received_at", "-id")
    )
    for delivery in deliveries:
        latest.setdefault(delivery.ticket_id, delivery)
    return latest


def _deliver(message: TicketMessage, *, wanted: bool, thread: InboundChannelMessage | None) -> None:
    """Over the channel the ticket came from: its connector conversation, else email (the message is on the
    ticket, so a portal customer reads it there as well)."""
    if thread is not None and connector(thread.connector) is not None:
        connector_outbound.channel_message_queue(
            connector_name=thread.connector,
            recipient=thread.identity.handle,
            body=message.body,
            kind=OutboundKind.NOTIFICATION,
            ticket=message.ticket,
            ticket_message=message,
        )
    elif not message.ticket.customer.email.lower().endswith(PLACEHOLDER_DOMAIN_SUFFIX):
        email_outbound.outbound_email_queue_follow_up(message=message, wanted=wanted)


def _text(ticket: Ticket, step: str, anchor: datetime, policy: FollowUpPolicy, now: datetime) -> str:
    if step == FollowUpStep.PROGRESS:
        stage = getattr(getattr(ticket, "complaint", None), "stage", None)
        return texts.progress_update(ticket=ticket, complaint_stage=stage, interval_days=policy.progress_interval_days)
    if step == FollowUpStep.AUTO_CLOSE:
        return texts.auto_closed(ticket=ticket, reopen_days=settings.PORTAL_REOPEN_WINDOW_DAYS)
    left = anchor + timedelta(days=policy.close_after_days) - now
    return texts.reminder(ticket=ticket, days_left=max(1, math.ceil(left / timedelta(days=1))))


def _still_due(ticket: Ticket, step: str) -> bool:
    """Re-checked under the row lock: the customer may have answered since the plan was made."""
    if step == FollowUpStep.PROGRESS:
        return ticket.status in WORKING_STATUSES
    return ticket.status == Status.PENDING_CUSTOMER


def _event(ticket: Ticket, step: str, policy: FollowUpPolicy, now: datetime):
    if step == FollowUpStep.PROGRESS:
        told = getattr(getattr(ticket, "complaint", None), "stage", None) or f"{ticket.tier}/{ticket.status}"
        return events.build_progress_update_sent(ticket=ticket, step=told, at=now)
    if step == FollowUpStep.AUTO_CLOSE:
        note = _("no reply from the customer in %(days)d days") % {"days": policy.close_after_days}
        return events.build_auto_closed(ticket=ticket, note=note, at=now)
    return events.build_reminder_sent(ticket=ticket, step=step, at=now)


@transaction.atomic
def follow_up_sweep(*, now: datetime | None = None, limit: int | None = None) -> SweepResult:
    """Take every follow-up step due now, at most `limit` (FOLLOW_UP_MAX_PER_RUN) of them."""
    now = now or timezone.now()
    planned = _plan(now=now, budget=limit or settings.FOLLOW_UP_MAX_PER_RUN)
    run = uuid.uuid4()
    FollowUpSent.objects.bulk_create(
        [
            FollowUpSent(ticket_id=pk, step=step, anchor=anchor, run=run, sent_at=now)
            for pk, step, anchor, _p in planned
        ],
        ignore_conflicts=True,
    )
    claimed = {(row.ticket_id, row.step): row for row in FollowUpSent.objects.filter(run=run)}
    policies = {(pk, step): policy for pk, step, _anchor, policy in planned}
    tickets = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer", "complaint")
        .in_bulk([pk for pk, _step in claimed])
    )
    threads = _threads(tickets)
    result = SweepResult(progress=[], reminded=[], closed=[])
    timeline, done, dropped = [], [], []
    for (ticket_id, step), row in claimed.items():
        ticket, policy = tickets[ticket_id], policies[(ticket_id, step)]
        if not _still_due(ticket, step):
            dropped.append(row.pk)
            continue
        with translation.override(ticket.customer.language):
            body = _text(ticket, step, row.anchor, policy, now)
        row.message = TicketMessage.objects.create(
            ticket=ticket, author_kind=AuthorKind.SYSTEM, body=body, is_internal=False, via=ticket.channel
        )
        if step == FollowUpStep.AUTO_CLOSE:
            apply_status(ticket, Status.CLOSED, None, note=_("closed: no reply from the customer"))
            # The ledger row carries the close's moment: tickets.selectors.reopens_on_reply finds it by that.
            row.sent_at = ticket.closed_at
            result.closed.append(ticket_id)
        else:
            (result.progress if step == FollowUpStep.PROGRESS else result.reminded).append(ticket_id)
        timeline.append(_event(ticket, step, policy, now))
        customer = ticket.customer
        wanted = customer.notify_on_status if step == FollowUpStep.PROGRESS else customer.notify_on_reply
        _deliver(row.message, wanted=wanted, thread=threads.get(ticket_id))
        done.append(row)
    FollowUpSent.objects.filter(pk__in=dropped).delete()
    FollowUpSent.objects.bulk_update(done, ["message", "sent_at"])
    events.record_many(timeline)
    Ticket.objects.filter(pk__in=[row.ticket_id for row in done]).exclude(status=Status.CLOSED).update(updated_at=now)
    return result
