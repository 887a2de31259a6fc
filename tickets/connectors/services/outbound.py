"""Text sent through a connector: queued in the caller's transaction, sent by a django-q2 task after commit.

Every row gets its idempotency key when it is queued (the provider sees the same key on every
attempt) and is claimed before each attempt, so two workers never send it at once and a row that
reached SENT is never sent again. Errors worth retrying (timeouts, 5xx, 429) wait
CONNECTOR_RETRY_BASE_SECONDS × 2^(attempt−1), capped, up to CONNECTOR_MAX_ATTEMPTS; the
every-minute sweep (`channel_message_send_due`) picks them up, and a task lost with a broker outage too.

The reply hook (`channel_queue_reply`) is called by tickets.services for every public reply: a ticket
that came in through a connector is answered there, and the email copy is suppressed.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from tickets.connectors.base import ProviderError, connector
from tickets.connectors.models import (
    DeliveryStatus,
    InboundChannelMessage,
    InboundStatus,
    OutboundChannelMessage,
    OutboundKind,
)
from tickets.email.models import DeliveryStatus as EmailStatus
from tickets.email.models import OutboundEmail
from tickets.email.models import OutboundKind as EmailKind
from tickets.models import Status

logger = logging.getLogger(__name__)

SEND_LEASE = timedelta(minutes=5)
_STATUS_NOTICES = {Status.SOLVED: EmailKind.SOLVED, Status.PENDING_CUSTOMER: EmailKind.PENDING_CUSTOMER}
_TASK = "tickets.connectors.tasks.send_channel_message"


def channel_message_queue(
    *, connector_name: str, recipient: str, body: str, kind: str, ticket=None, ticket_message=None
) -> OutboundChannelMessage:
    """Queue one text; it is sent after the surrounding transaction commits."""
    outbound = OutboundChannelMessage.objects.create(
        connector=connector_name,
        kind=kind,
        recipient=recipient,
        body=body,
        idempotency_key=uuid.uuid4().hex,
        ticket=ticket,
        ticket_message=ticket_message,
        next_attempt_at=timezone.now(),
    )
    # robust: a broker outage must not fail the committed request; the sweep sends it later.
    transaction.on_commit(partial(async_task, _TASK, outbound.pk), robust=True)
    return outbound


def ticket_thread(ticket) -> InboundChannelMessage | None:
    """The latest delivery that wrote on this ticket through a connector that answers in text."""
    return (
        InboundChannelMessage.objects.filter(ticket=ticket, status=InboundStatus.PROCESSED, identity__isnull=False)
        .exclude(kind="call")
        .select_related("identity")
        .order_by("-received_at", "-id")
        .first()
    )


def channel_queue_reply(*, message, previous_status: str) -> OutboundChannelMessage | None:
    """Hook of tickets.services: a public reply on a ticket that came through a connector goes back there
    (an internal note may still have changed the status the customer hears about)."""
    if message.is_internal:
        return channel_queue_status_change(ticket=message.ticket, previous_status=previous_status)
    thread = ticket_thread(message.ticket)
    if thread is None or connector(thread.connector) is None:
        return None
    author = message.author
    name = (author.first_name or author.get_username()) if author is not None else ""
    with translation.override(message.ticket.customer.language):
        body = f"{message.body}\n\n— {name}, {message.ticket.reference}" if name else message.body
    outbound = channel_message_queue(
        connector_name=thread.connector,
        recipient=thread.identity.handle,
        body=body,
        kind=OutboundKind.REPLY,
        ticket=message.ticket,
        ticket_message=message,
    )
    OutboundEmail.objects.filter(ticket_message=message, kind=EmailKind.REPLY, status=EmailStatus.QUEUED).update(
        status=EmailStatus.SUPPRESSED, next_attempt_at=None, last_error=f"answered through {thread.connector}"
    )
    return outbound


def _status_text(ticket) -> str:
    if ticket.status == Status.SOLVED:
        return _("Your request %(reference)s is solved. If you still need help, just reply here.") % {
            "reference": ticket.reference
        }
    return _("We are waiting for your answer on request %(reference)s: please reply here.") % {
        "reference": ticket.reference
    }


def channel_queue_status_change(*, ticket, previous_status: str) -> OutboundChannelMessage | None:
    """Hook of tickets.services: "solved" and "waiting for you" reach a channel customer where they wrote
    (the email notification, if the customer has an address, is then suppressed)."""
    if ticket.status == previous_status or ticket.status not in _STATUS_NOTICES:
        return None
    customer = ticket.customer
    wanted = customer.notify_on_status if ticket.status == Status.SOLVED else customer.notify_on_reply
    thread = ticket_thread(ticket)
    if not wanted or thread is None or connector(thread.connector) is None:
        return None
    with translation.override(customer.language):
        body = _status_text(ticket)
    outbound = channel_message_queue(
        connector_name=thread.connector,
        recipient=thread.identity.handle,
        body=body,
        kind=OutboundKind.NOTIFICATION,
        ticket=ticket,
    )
    OutboundEmail.objects.filter(ticket=ticket, kind=_STATUS_NOTICES[ticket.status], status=EmailStatus.QUEUED).update(
        status=EmailStatus.SUPPRESSED, next_attempt_at=None, last_error=f"told through {thread.connector}"
    )
    return outbound


# Sending ---------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    seconds = settings.CONNECTOR_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.CONNECTOR_RETRY_MAX_SECONDS))


def _claim(outbound_id: int) -> bool:
    now = timezone.now()
    return bool(
        OutboundChannelMessage.objects.due(now)
        .filter(pk=outbound_id)
        .update(status=DeliveryStatus.SENDING, next_attempt_at=now + SEND_LEASE, attempts=F("attempts") + 1)
    )


def channel_message_send(*, outbound_id: int) -> str:
    """One delivery attempt (idempotent: a sent, failed or not-yet-due row is left alone)."""
    if not _claim(outbound_id):
        return OutboundChannelMessage.objects.filter(pk=outbound_id).values_list("status", flat=True).first() or ""
    outbound = OutboundChannelMessage.objects.get(pk=outbound_id)
    provider = connector(outbound.connector)
    try:
        if provider is None:
            raise ProviderError(f"connector {outbound.connector!r} is not configured", retryable=False)
        provider_id = provider.send(
            recipient=outbound.recipient, text=outbound.body, idempotency_key=outbound.idempotency_key
        )
    except ProviderError as error:
        return _record_failure(outbound, error)
    outbound.status, outbound.sent_at, outbound.next_attempt_at = DeliveryStatus.SENT, timezone.now(), None
    outbound.provider_message_id, outbound.last_error = provider_id[:128], ""
    outbound.save(update_fields=["status", "sent_at", "next_attempt_at", "provider_message_id", "last_error"])
    return outbound.status


def _record_failure(outbound: OutboundChannelMessage, error: ProviderError) -> str:
    outbound.last_error = str(error)[:2000]
    if not error.retryable or outbound.attempts >= settings.CONNECTOR_MAX_ATTEMPTS:
        outbound.status, outbound.next_attempt_at = DeliveryStatus.FAILED, None
        logger.error(
            "Giving up on %s message %s after %s attempts: %s",
            outbound.connector,
            outbound.pk,
            outbound.attempts,
            error,
        )
    else:
        delay = retry_delay(outbound.attempts)
        if error.retry_after:
            delay = max(delay, timedelta(seconds=error.retry_after))
        outbound.status, outbound.next_attempt_at = DeliveryStatus.RETRYING, timezone.now() + delay
        logger.warning(
            "%s message %s failed (attempt %s): %s", outbound.connector, outbound.pk, outbound.attempts, error
        )
    outbound.save(update_fields=["status", "next_attempt_at", "last_error"])
    return outbound.status


def channel_message_send_due() -> int:
    """The retry sweep: one attempt for every due row. Returns how many were attempted."""
    due_ids = list(OutboundChannelMessage.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:200])
    for outbound_id in due_ids:
        channel_message_send(outbound_id=outbound_id)
    return len(due_ids)


@transaction.atomic
def channel_message_retry_now(*, outbound_ids: list[int]) -> int:
    """Admin action: a failed or waiting message gets one more attempt now (never one already sent)."""
    retried = list(
        OutboundChannelMessage.objects.filter(
            status__in=[DeliveryStatus.FAILED, DeliveryStatus.RETRYING], pk__in=outbound_ids
        ).values_list("pk", flat=True)
    )
    OutboundChannelMessage.objects.filter(pk__in=retried).update(
        status=DeliveryStatus.RETRYING, next_attempt_at=timezone.now()
    )
    for outbound_id in retried:
        transaction.on_commit(partial(async_task, _TASK, outbound_id), robust=True)
    return len(retried)
