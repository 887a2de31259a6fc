"""Inbound channel deliveries: record once per provider id, then thread into a ticket through tickets.services.

Order of work for each authenticated webhook delivery (tickets.connectors.views):
1. a delivery too large or unreadable is recorded as quarantined (`channel_delivery_quarantine`),
   its payload passed through the wallet-safety gate first, and answered 400: nothing is lost;
2. each event is recorded once per (connector, provider id) (`channel_event_receive`): a retried
   webhook finds its row and creates nothing;
3. in one transaction the event becomes a new ticket or a customer message on the handle's open
   ticket, only through the services (ticket_create, ticket_customer_reply), which run the intake
   gate (secret scan first), SLA, routing and assignment like every other channel. Any failure rolls
   that back and quarantines the delivery with the reason.

What the services said to the customer (the wallet-safety warning after a secret was removed) is
sent back through the channel, as are the acknowledgement and the /start welcome; email to the
customer's placeholder address is never sent (tickets.email.addresses).
"""

from __future__ import annotations

import hashlib
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from supportdesk.kit.text import MAX_BODY_LENGTH
from tickets import services
from tickets.attachments import UploadRefused, safe_filename, screen_uploads, too_large_message
from tickets.connectors.base import Connector, InboundEvent, MediaRef, ProviderError
from tickets.connectors.models import (
    ChannelIdentity,
    InboundChannelMessage,
    InboundKind,
    InboundStatus,
    OutboundKind,
)
from tickets.connectors.services import calls
from tickets.connectors.services.identities import channel_identity_for
from tickets.connectors.services.outbound import channel_message_queue
from tickets.email.selectors import surviving_ticket
from tickets.email.services import outbound_email_suppress_acknowledgement
from tickets.models import AuthorKind, Ticket, TicketMessage
from tickets.safety.services import intake as safety_intake
from tickets.selectors import customer_can_reply, first_reply_promise

logger = logging.getLogger(__name__)

_SUBJECT_LENGTH = 80


def _payload(raw: bytes) -> str:
    return safety_intake.gate_text(raw[: settings.CONNECTOR_MAX_PAYLOAD_BYTES].decode("utf-8", errors="replace"))


def channel_delivery_quarantine(*, connector_name: str, raw: bytes, reason: str) -> InboundChannelMessage:
    """An authenticated delivery that cannot be processed (too large, unreadable): kept for an agent to read."""
    key = "sha256:" + hashlib.sha256(raw).hexdigest()
    note = safety_intake.gate_text(reason)[:2000]
    record, _created = InboundChannelMessage.objects.get_or_create(
        connector=connector_name,
        dedup_key=key,
        defaults={
            "status": InboundStatus.QUARANTINED,
            "payload": _payload(raw),
            "size": len(raw),
            "error": note,
            "attempts": 1,
            "processed_at": timezone.now(),
        },
    )
    logger.warning("%s delivery quarantined: %s", connector_name, note)
    return record


def channel_event_receive(
    *, connector: Connector, event: InboundEvent, raw: bytes
) -> tuple[InboundChannelMessage, bool]:
    """Record and process one event. Returns (record, created); created is False for a replayed delivery."""
    existing = InboundChannelMessage.objects.filter(connector=connector.name, dedup_key=event.message_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            record = InboundChannelMessage.objects.create(
                connector=connector.name,
                dedup_key=event.message_id,
                kind=event.kind,
                payload=_payload(raw),
                size=len(raw),
            )
    except IntegrityError:
        # The provider retried while the first delivery was still being processed.
        return InboundChannelMessage.objects.get(connector=connector.name, dedup_key=event.message_id), False
    return _process(record, connector, event), True


def _process(record: InboundChannelMessage, connector: Connector, event: InboundEvent) -> InboundChannelMessage:
    try:
        with transaction.atomic():
            locked = InboundChannelMessage.objects.select_for_update().get(pk=record.pk)
            _route(locked, connector, event)
            locked.attempts += 1
            locked.processed_at = timezone.now()
            locked.save()
            return locked
    except Exception as error:  # noqa: BLE001 - whatever goes wrong, the delivery must land in quarantine
        reason = safety_intake.gate_text(_describe(error))
        logger.warning("%s delivery %s quarantined: %s", connector.name, record.pk, reason)
        InboundChannelMessage.objects.filter(pk=record.pk).update(
            status=InboundStatus.QUARANTINED, error=reason, attempts=record.attempts + 1, processed_at=timezone.now()
        )
        record.refresh_from_db()
        return record


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return f"{error.code or 'invalid'}: {'; '.join(error.messages)}"
    return f"{type(error).__name__}: {error}"[:4000]


def _route(record: InboundChannelMessage, connector: Connector, event: InboundEvent) -> None:
    if event.kind == InboundKind.OTHER or not event.handle:
        record.status, record.notes = InboundStatus.IGNORED, _("Not a customer message: nothing to do.")
        return
    if not event.private:
        record.status, record.notes = InboundStatus.IGNORED, _("Group message: support answers in private only.")
        return
    identity = channel_identity_for(connector_name=connector.name, channel=connector.channel, event=event)
    record.identity = identity
    if event.kind == InboundKind.CALL:
        call = calls.phone_call_record(connector=connector, identity=identity, details=event.call)
        record.ticket, record.status = call.ticket, InboundStatus.PROCESSED
        return
    if event.command == "start":
        _welcome(connector, identity)
        record.status, record.notes = InboundStatus.PROCESSED, _("Welcome and official-contact warning sent.")
        return
    ticket = _open_ticket(identity)
    uploads, refused = _uploads(connector, event.media)
    body = _body(event.text, refused, has_uploads=bool(uploads))
    if ticket is None:
        ticket = services.ticket_create(
            customer=identity.customer,
            # From the gated text: cut to a subject's length, a phrase would be too short to be recognised there.
            subject=_subject(safety_intake.gate_text(event.text), connector),
            body=body,
            channel=connector.channel,
            attachments=uploads,
        )
        message = ticket.messages.order_by("created_at", "id").first()
        _acknowledge(connector, identity, ticket)
    else:
        message = services.ticket_customer_reply(ticket=ticket, body=body, via=connector.channel, attachments=uploads)
    _forward_safety_notices(connector, identity, ticket, after=message)
    record.ticket, record.ticket_message = ticket, message
    record.status, record.notes = InboundStatus.PROCESSED, "\n".join(refused)


def _open_ticket(identity: ChannelIdentity) -> Ticket | None:
    """The ticket this handle last wrote on, if the customer may still write on it (the rule of every channel)."""
    last = (
        InboundChannelMessage.objects.filter(identity=identity, ticket__isnull=False)
        .exclude(kind=InboundKind.CALL)
        .select_related("ticket")
        .order_by("-received_at", "-id")
        .first()
    )
    ticket = surviving_ticket(last.ticket) if last else None
    if ticket is None or ticket.customer_id != identity.customer_id or not customer_can_reply(ticket=ticket):
        return None
    return ticket


def _subject(text: str, connector: Connector) -> str:
    first_line = " ".join((text.strip().splitlines() or [""])[0].split())
    if not first_line:
        return _("Message via %(connector)s") % {"connector": connector.name.title()}
    return first_line if len(first_line) <= _SUBJECT_LENGTH else first_line[: _SUBJECT_LENGTH - 1] + "…"


def _body(text: str, refused: list[str], *, has_uploads: bool) -> str:
    body = text.strip() or (_("(No text: see the attachments.)") if has_uploads else _("(Empty message.)"))
    body = body[: MAX_BODY_LENGTH - 1000]
    if refused:
        body += "\n\n" + _("[Attachments not accepted:]") + "\n" + "\n".join(f"- {line}" for line in refused)
    return body


def _uploads(connector: Connector, media: tuple[MediaRef, ...]) -> tuple[list[UploadedFile], list[str]]:
    """Fetched files that pass the upload checks, and one line per file refused or not fetched."""
    return screen_uploads((safe_filename(item.filename), partial(_fetch, connector, item)) for item in media)


def _fetch(connector: Connector, item: MediaRef) -> SimpleUploadedFile:
    name = safe_filename(item.filename)
    if item.size and item.size > settings.ATTACHMENT_MAX_BYTES:
        raise UploadRefused(too_large_message(name, item.size))
    try:
        return SimpleUploadedFile(name, connector.download(item))
    except ProviderError as error:
        logger.warning("%s: could not fetch %s: %s", connector.name, name, error)
        raise UploadRefused(_("%(name)s: could not be fetched from the channel.") % {"name": name}) from error


# What the channel tells the customer -----------------------------------------------


def _send(connector: Connector, identity: ChannelIdentity, body: str, kind: str, ticket=None, message=None) -> None:
    channel_message_queue(
        connector_name=connector.name,
        recipient=identity.handle,
        body=body,
        kind=kind,
        ticket=ticket,
        ticket_message=message,
    )


def official_contact_warning() -> str:
    verify_url = settings.SITE_URL.rstrip("/") + reverse("safety:verify_contact")
    return _(
        "Official support will never message you first and never asks for your recovery phrase, private key "
        "or password. Anyone who does is an impersonator. Check any other contact at %(url)s"
    ) % {"url": verify_url}


def _welcome(connector: Connector, identity: ChannelIdentity) -> None:
    if not connector.answers_in_text:
        return
    with translation.override(identity.customer.language):
        body = (
            _(
                "Hello! This is the official support of %(name)s. Write your question here and an agent will "
                "answer in this chat."
            )
            % {"name": settings.SUPPORT_EMAIL_NAME}
            + "\n\n"
            + official_contact_warning()
        )
    _send(connector, identity, body, OutboundKind.SAFETY)


def _acknowledge(connector: Connector, identity: ChannelIdentity, ticket: Ticket) -> None:
    """The acknowledgement goes where the customer wrote; the email one is not sent."""
    outbound_email_suppress_acknowledgement(ticket=ticket, reason=f"acknowledged through {connector.name}")
    with translation.override(identity.customer.language):
        body = (
            _("We received your request %(reference)s.") % {"reference": ticket.reference}
            + " "
            + first_reply_promise(ticket=ticket)
            + "\n\n"
            + official_contact_warning()
        )
    _send(connector, identity, body, OutboundKind.ACKNOWLEDGEMENT, ticket=ticket)


def _forward_safety_notices(
    connector: Connector, identity: ChannelIdentity, ticket: Ticket, *, after: TicketMessage
) -> None:
    """Public system messages the services added after the customer's message (the secret warning) go out too."""
    notices = TicketMessage.objects.filter(
        ticket=ticket, author_kind=AuthorKind.SYSTEM, is_internal=False, pk__gt=after.pk
    ).order_by("pk")
    for notice in notices:
        _send(connector, identity, notice.body, OutboundKind.SAFETY, ticket=ticket, message=notice)
