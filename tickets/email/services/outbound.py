"""Notifications to customers: queued in the ticket's transaction, sent by a django-q2 task after commit.

The outbound_email_queue_* hooks are called by tickets.services. Each creates an
OutboundEmail row (with its Message-ID fixed up front) in the caller's
transaction and enqueues the send on commit, so a rolled-back change sends
nothing and a lost task is still picked up by the retry sweep. The first
attempt renders the mail in the customer's language and fixes In-Reply-To and
References; they are kept, so every retry sends the same message.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from email.utils import formataddr, parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from supportdesk.kit.mail import RenderedMail, insert_customer_link
from supportdesk.kit.metrics import EMAILS_OUT
from tickets.email.addresses import is_placeholder_email
from tickets.email.models import DeliveryStatus, OutboundEmail, OutboundKind
from tickets.email.parsing import REPLY_MARKER
from tickets.email.selectors import acknowledgements_recently_sent, address_is_bouncing, thread_headers
from tickets.selectors import first_reply_promise

logger = logging.getLogger(__name__)

# Status notifications the customer cares about.
_STATUS_KINDS = {"pending_customer": OutboundKind.PENDING_CUSTOMER, "solved": OutboundKind.SOLVED}
_NO_ADDRESS = "no email address: the customer wrote through a social or phone channel (tickets.connectors)"
_BOUNCING = "the address bounces: too many permanent delivery failures (see email address statuses)"


def support_address() -> str:
    return parseaddr(settings.SUPPORT_EMAIL_ADDRESS)[1].lower()


def reply_to_address(ticket) -> str:
    """The address a customer's reply goes to: support+SD-000123@… routes it to the ticket."""
    address = support_address()
    if not settings.SUPPORT_EMAIL_PLUS_ADDRESSING:
        return address
    local, _at, domain = address.rpartition("@")
    return f"{local}+{ticket.reference}@{domain}"


def _new_message_id(ticket) -> str:
    domain = support_address().rpartition("@")[2]
    return f"{uuid.uuid4().hex}.{ticket.reference.lower()}@{domain}"


def _queue(
    *,
    ticket,
    kind: str,
    ticket_message=None,
    status: str = DeliveryStatus.QUEUED,
    note: str = "",
    to_address: str = "",
    content: RenderedMail | None = None,
):
    to_address = to_address or ticket.customer.email
    if status == DeliveryStatus.QUEUED and is_placeholder_email(to_address):
        status, note = DeliveryStatus.SUPPRESSED, _NO_ADDRESS
    if status == DeliveryStatus.QUEUED and address_is_bouncing(to_address):
        status, note = DeliveryStatus.SUPPRESSED, _BOUNCING
    outbound = OutboundEmail.objects.create(
        ticket=ticket,
        ticket_message=ticket_message,
        kind=kind,
        to_address=to_address,
        subject=content.subject[:255] if content else "",
        body_text=content.text if content else "",
        body_html=content.html if content else "",
        customer_link=content.customer_link if content else "",
        message_id=_new_message_id(ticket),
        status=status,
        next_attempt_at=timezone.now() if status == DeliveryStatus.QUEUED else None,
        last_error=note,
    )
    if status == DeliveryStatus.QUEUED:
        # robust: a broker outage must not fail the committed request; the retry sweep sends it later.
        transaction.on_commit(partial(async_task, "tickets.tasks.send_outbound_email", outbound.pk), robust=True)
    return outbound


# Hooks called by tickets.services (inside their transaction) ----------------


def outbound_email_queue_acknowledgement(*, ticket) -> OutboundEmail:
    """Acknowledge a new ticket, unless this sender already got SUPPORT_EMAIL_ACK_LIMIT of them lately."""
    if acknowledgements_recently_sent(ticket.customer.email) >= settings.SUPPORT_EMAIL_ACK_LIMIT:
        return _queue(
            ticket=ticket,
            kind=OutboundKind.ACKNOWLEDGEMENT,
            status=DeliveryStatus.SUPPRESSED,
            note="rate limit: too many acknowledgements to this address",
        )
    return _queue(ticket=ticket, kind=OutboundKind.ACKNOWLEDGEMENT)


_OPTED_OUT = "customer opted out of these emails (portal profile)"


def _queue_unless_opted_out(*, ticket, kind: str, wanted: bool, ticket_message=None) -> OutboundEmail:
    """Queue the mail, or record it as suppressed when the customer turned this kind off in the portal."""
    if wanted:
        return _queue(ticket=ticket, kind=kind, ticket_message=ticket_message)
    return _queue(
        ticket=ticket, kind=kind, ticket_message=ticket_message, status=DeliveryStatus.SUPPRESSED, note=_OPTED_OUT
    )


def outbound_email_queue_reply(*, message, previous_status: str) -> OutboundEmail | None:
    """A public reply is mailed; an internal note never is (but its status change may be)."""
    if not message.is_internal:
        return _queue_unless_opted_out(
            ticket=message.ticket,
            kind=OutboundKind.REPLY,
            ticket_message=message,
            wanted=message.ticket.customer.notify_on_reply,
        )
    return outbound_email_queue_status_change(ticket=message.ticket, previous_status=previous_status)


def outbound_email_queue_status_change(*, ticket, previous_status: str) -> OutboundEmail | None:
    """Tell the customer when we wait for them or consider the request solved.

    "Solved" follows the customer's status preference; "waiting for your reply" is part of
    the conversation and follows the reply preference.
    """
    kind = _STATUS_KINDS.get(ticket.status)
    if kind is None or ticket.status == previous_status:
        return None
    customer = ticket.customer
    wanted = customer.notify_on_status if kind == OutboundKind.SOLVED else customer.notify_on_reply
    return _queue_unless_opted_out(ticket=ticket, kind=kind, wanted=wanted)


def outbound_email_queue_prepared(*, ticket, kind: str, content: RenderedMail, to_address: str = "") -> OutboundEmail:
    """A mail about `ticket` its feature rendered itself (a survey or complaint link), on the ticket's thread:
    threading headers, retries and delivery status like every notification."""
    return _queue(ticket=ticket, kind=kind, to_address=to_address, content=content)


def outbound_email_queue_security_warning(*, message) -> OutboundEmail:
    """Mail the customer the security warning stored as system message `message`: threaded with the ticket,
    retried like every notification, and sent whatever the customer's notification preferences."""
    return _queue(ticket=message.ticket, kind=OutboundKind.SECURITY_WARNING, ticket_message=message)


def outbound_email_queue_follow_up(*, message, wanted: bool) -> OutboundEmail:
    """Mail the progress update or reminder stored as system message `message` (tickets.followups), unless the
    customer turned these mails off (`wanted`: their status or reply preference)."""
    return _queue_unless_opted_out(
        ticket=message.ticket, kind=OutboundKind.FOLLOW_UP, ticket_message=message, wanted=wanted
    )


def outbound_email_suppress_acknowledgement(*, ticket, reason: str) -> int:
    """Cancel the queued acknowledgement of `ticket` (e.g. the ticket came from an auto-responder)."""
    return OutboundEmail.objects.filter(
        ticket=ticket, kind=OutboundKind.ACKNOWLEDGEMENT, status=DeliveryStatus.QUEUED
    ).update(status=DeliveryStatus.SUPPRESSED, next_attempt_at=None, last_error=reason)


# Sending ---------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: 1, 2, 4, 8 … minutes, capped."""
    seconds = settings.SUPPORT_EMAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.SUPPORT_EMAIL_RETRY_MAX_SECONDS))


def _claim(outbound_id: int) -> bool:
    """Take the row for one attempt; False if it is not due or another worker holds it."""
    now = timezone.now()
    return bool(
        OutboundEmail.objects.due(now)
        .filter(pk=outbound_id)
        .update(
            status=DeliveryStatus.SENDING,
            # The lease: if this worker dies, the retry sweep sends the mail again once it has passed.
            next_attempt_at=now + timedelta(seconds=settings.SUPPORT_EMAIL_SEND_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    )


def _render(outbound: OutboundEmail) -> tuple[str, str, str]:
    ticket = outbound.ticket
    customer = ticket.customer
    with translation.override(customer.language):
        context = {
            "ticket": ticket,
            "customer": customer,
            "message": outbound.ticket_message,
            "agent_name": _agent_name(outbound.ticket_message),
            "reply_marker": REPLY_MARKER,
            "reply_promise": first_reply_promise(ticket=ticket),
            "support_name": settings.SUPPORT_EMAIL_NAME,
            "language_code": customer.language,
        }
        text = render_to_string(f"emails/{outbound.kind}.txt", context)
        html = render_to_string(f"emails/{outbound.kind}.html", context)
        if outbound.kind == OutboundKind.SECURITY_WARNING:
            subject = _("[%(reference)s] Important: your wallet may be at risk") % {"reference": ticket.reference}
        else:
            subject = f"[{ticket.reference}] {ticket.subject}"
    return subject[:255], text.strip() + "\n", html


def _agent_name(message) -> str:
    """Customers see the agent's first name only."""
    if message is None or message.author is None:
        return ""
    return message.author.first_name or message.author.get_username()


def build_message(outbound: OutboundEmail) -> EmailMultiAlternatives:
    headers = {"Message-ID": f"<{outbound.message_id}>", "X-SupportDesk-Ticket": outbound.ticket.reference}
    if outbound.in_reply_to:
        headers["In-Reply-To"] = f"<{outbound.in_reply_to}>"
    if outbound.references:
        headers["References"] = " ".join(f"<{ref}>" for ref in outbound.references.split())
    if outbound.kind != OutboundKind.REPLY:
        # RFC 3834: responders must not answer these; Exchange honours X-Auto-Response-Suppress.
        auto = "auto-replied" if outbound.kind == OutboundKind.ACKNOWLEDGEMENT else "auto-generated"
        headers["Auto-Submitted"] = auto
        headers["X-Auto-Response-Suppress"] = "All"
    text, html = insert_customer_link(text=outbound.body_text, html=outbound.body_html, link=outbound.customer_link)
    message = EmailMultiAlternatives(
        subject=outbound.subject,
        body=text,
        from_email=formataddr((settings.SUPPORT_EMAIL_NAME, support_address())),
        to=[outbound.to_address],
        reply_to=[reply_to_address(outbound.ticket)],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def outbound_email_send(*, outbound_id: int) -> str:
    """One delivery attempt (idempotent: a sent, suppressed or not-yet-due row is left alone)."""
    if not _claim(outbound_id):
        return OutboundEmail.objects.filter(pk=outbound_id).values_list("status", flat=True).first() or ""
    outbound = OutboundEmail.objects.select_related("ticket__customer", "ticket_message__author").get(pk=outbound_id)
    if not outbound.subject:
        # Rendered on the first attempt (prepared mails come with their content).
        outbound.subject, outbound.body_text, outbound.body_html = _render(outbound)
        outbound.save(update_fields=["subject", "body_text", "body_html"])
    if outbound.attempts == 1:
        # Fixed on the first attempt (after commit, when an inbound mail is linked to its ticket).
        outbound.in_reply_to, references = thread_headers(outbound)
        outbound.references = " ".join(references)
        outbound.save(update_fields=["in_reply_to", "references"])
    try:
        build_message(outbound).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any transport failure is recorded and retried
        return _record_failure(outbound, error)
    outbound.status, outbound.sent_at, outbound.next_attempt_at = DeliveryStatus.SENT, timezone.now(), None
    outbound.last_error = outbound.customer_link = ""
    outbound.save(update_fields=["status", "sent_at", "next_attempt_at", "last_error", "customer_link"])
    EMAILS_OUT.labels(result=outbound.status).inc()
    return outbound.status


def _record_failure(outbound: OutboundEmail, error: Exception) -> str:
    outbound.last_error = f"{type(error).__name__}: {error}"[:2000]
    if outbound.attempts >= settings.SUPPORT_EMAIL_MAX_ATTEMPTS:
        outbound.status, outbound.next_attempt_at = DeliveryStatus.FAILED, None
        logger.error("Giving up on outbound email %s after %s attempts", outbound.pk, outbound.attempts)
    else:
        outbound.status = DeliveryStatus.RETRYING
        outbound.next_attempt_at = timezone.now() + retry_delay(outbound.attempts)
        logger.warning("Outbound email %s failed (attempt %s): %s", outbound.pk, outbound.attempts, error)
    outbound.save(update_fields=["status", "next_attempt_at", "last_error"])
    EMAILS_OUT.labels(result=outbound.status).inc()
    return outbound.status


def outbound_email_send_due() -> int:
    """The retry sweep: one attempt for every due row. Returns how many were attempted."""
    due_ids = list(OutboundEmail.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:200])
    for outbound_id in due_ids:
        outbound_email_send(outbound_id=outbound_id)
    return len(due_ids)


@transaction.atomic
def outbound_email_retry_now(*, outbound_ids: list[int]) -> int:
    """Admin action: a failed or waiting mail gets one more attempt, starting now (history is kept)."""
    retried = list(
        OutboundEmail.objects.filter(
            Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.RETRYING), pk__in=outbound_ids
        ).values_list("pk", flat=True)
    )
    OutboundEmail.objects.filter(pk__in=retried).update(status=DeliveryStatus.RETRYING, next_attempt_at=timezone.now())
    for outbound_id in retried:
        transaction.on_commit(partial(async_task, "tickets.tasks.send_outbound_email", outbound_id), robust=True)
    return len(retried)


def outbound_email_mark_bounced(*, message_ids: list[str], error: str, permanent: bool = True) -> OutboundEmail | None:
    """The outbound mail a bounce refers to (None if it is not ours); a permanent failure marks it bounced,
    a temporary one only records the error (the server is still trying)."""
    outbound = OutboundEmail.objects.filter(message_id__in=message_ids).select_related("ticket").first()
    if outbound is None:
        return None
    outbound.last_error = error[:2000]
    fields = ["last_error"]
    if permanent:
        outbound.status, outbound.next_attempt_at = DeliveryStatus.BOUNCED, None
        fields += ["status", "next_attempt_at"]
    outbound.save(update_fields=fields)
    return outbound
