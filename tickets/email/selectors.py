"""Reads of the email channel: which ticket an inbound mail answers, a mail's thread, acknowledgement counts."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tickets.email import loops
from tickets.email.models import (
    DeliveryStatus,
    EmailAddressStatus,
    InboundEmail,
    InboundKind,
    InboundStatus,
    OutboundEmail,
    OutboundKind,
)
from tickets.email.parsing import SUBJECT_REFERENCE, ParsedEmail
from tickets.models import Ticket

_PLUS_REFERENCE = re.compile(r"^sd-0*(\d{1,12})$", re.IGNORECASE)
_MAX_MERGE_HOPS = 10
# References carries the first message of the thread plus the latest ones (RFC 5322 allows trimming).
MAX_REFERENCES = 10


def _ticket_by_message_ids(ids: list[str]) -> int | None:
    if not ids:
        return None
    by_outbound = (
        OutboundEmail.objects.filter(message_id__in=ids).order_by("-created_at").values_list("ticket_id", flat=True)
    )
    by_inbound = (
        InboundEmail.objects.filter(message_id__in=ids, ticket__isnull=False)
        .order_by("-received_at")
        .values_list("ticket_id", flat=True)
    )
    return by_outbound.first() or by_inbound.first()


def _ticket_by_plus_address(recipients: list[str]) -> int | None:
    for address in recipients:
        if not loops.is_own_address(address):
            continue
        local = address.rpartition("@")[0]
        match = _PLUS_REFERENCE.match(local.partition("+")[2])
        if match:
            return int(match.group(1))
    return None


def _ticket_by_subject(subject: str) -> int | None:
    match = SUBJECT_REFERENCE.search(subject)
    return int(match.group(1)) if match else None


def surviving_ticket(ticket: Ticket | None) -> Ticket | None:
    """The ticket a merged ticket was merged into (followed through further merges)."""
    for _hop in range(_MAX_MERGE_HOPS):
        if ticket is None or ticket.merged_into_id is None:
            break
        ticket = ticket.merged_into
    return ticket


def ticket_for_inbound_email(parsed: ParsedEmail, *, customer_id: int) -> Ticket | None:
    """The ticket this mail answers, if it belongs to the sender's customer record (merges followed).

    Our Message-IDs in In-Reply-To/References first, then the plus-address
    (support+SD-000123@…), then the [SD-000123] subject reference.
    """
    ticket_id = (
        _ticket_by_message_ids(parsed.reply_ids)
        or _ticket_by_plus_address(parsed.recipients)
        or _ticket_by_subject(parsed.subject)
    )
    ticket = surviving_ticket(Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None)
    if ticket is None or ticket.customer_id != customer_id:
        return None
    return ticket


def thread_headers(outbound: OutboundEmail) -> tuple[str, list[str]]:
    """In-Reply-To (the customer's latest mail) and References (the thread before this mail), oldest first."""
    inbound = list(
        InboundEmail.objects.filter(
            ticket_id=outbound.ticket_id, kind=InboundKind.MESSAGE, status=InboundStatus.PROCESSED
        )
        .exclude(message_id="")
        .order_by("received_at", "id")
        .values_list("received_at", "message_id")
    )
    earlier = list(
        OutboundEmail.objects.filter(ticket_id=outbound.ticket_id, pk__lt=outbound.pk)
        .exclude(status=DeliveryStatus.SUPPRESSED)
        .order_by("created_at", "id")
        .values_list("created_at", "message_id")
    )
    thread = [message_id for _at, message_id in sorted(inbound + earlier, key=lambda row: row[0])]
    if len(thread) > MAX_REFERENCES:
        thread = [thread[0], *thread[-(MAX_REFERENCES - 1) :]]
    return (inbound[-1][1] if inbound else ""), thread


def acknowledgements_recently_sent(address: str) -> int:
    """Acknowledgements this address got within SUPPORT_EMAIL_ACK_WINDOW_MINUTES (suppressed ones do not count)."""
    since = timezone.now() - timedelta(minutes=settings.SUPPORT_EMAIL_ACK_WINDOW_MINUTES)
    return (
        OutboundEmail.objects.filter(to_address=address, kind=OutboundKind.ACKNOWLEDGEMENT, created_at__gte=since)
        .exclude(status=DeliveryStatus.SUPPRESSED)
        .count()
    )


def address_is_bouncing(address: str) -> bool:
    return EmailAddressStatus.objects.bouncing().filter(address=address.lower()).exists()


def latest_outbound_to(*, ticket: Ticket, address: str) -> OutboundEmail | None:
    """Our latest mail on the ticket to `address`: what an automatic answer threaded only by ticket answers."""
    return OutboundEmail.objects.filter(ticket=ticket, to_address=address).order_by("-created_at", "-id").first()


def outbound_answered_by(ids: list[str]) -> OutboundEmail | None:
    """Our mail that an automatic answer or bounce refers to by Message-ID (In-Reply-To, References, the report)."""
    if not ids:
        return None
    return OutboundEmail.objects.filter(message_id__in=ids).select_related("ticket").order_by("-created_at").first()
