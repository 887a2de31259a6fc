"""Inbound mail: store the raw bytes first, then thread into a ticket through tickets.services.

Order of work for every mail, whatever its source (file, stdin, IMAP):
1. `inbound_email_receive` stores the raw source once per Message-ID (a second
   import of the same mail creates nothing) and commits it, so nothing is lost.
2. `inbound_email_process` parses it and, in one transaction, becomes a new
   ticket, a customer reply or an internal note — only through the services
   (customer_get_or_create, ticket_create, ticket_customer_reply,
   ticket_add_system_note), which apply the same upload limits and content rules
   as every other channel. Any failure rolls that back and puts the mail in
   quarantine with the reason; an admin action processes it again.

Threading (tickets.email.selectors.ticket_for_inbound_email): only onto a
ticket of the sender's own customer record, so knowing a reference is not enough
to write into someone else's ticket. A ticket the customer may no longer write on
(closed, or solved longer ago than the reopen window: tickets.selectors.customer_can_reply,
the rule of every channel) gets a new ticket instead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.kit.text import MAX_BODY_LENGTH
from tickets import services
from tickets.attachments import safe_filename, validate_upload
from tickets.email import loops
from tickets.email.models import InboundEmail, InboundKind, InboundResult, InboundStatus, OutboundEmail
from tickets.email.parsing import (
    SUBJECT_REFERENCE,
    ParsedAttachment,
    ParsedEmail,
    dedup_key,
    parse_email,
    peek_headers,
    strip_quoted_reply,
)
from tickets.email.selectors import ticket_for_inbound_email
from tickets.email.services import outbound
from tickets.models import Channel, Ticket, TicketMessage
from tickets.safety.scrubbing import kind_labels
from tickets.safety.services import intake as safety_intake
from tickets.selectors import customer_can_reply

logger = logging.getLogger(__name__)

ERROR_NOT_REPROCESSABLE = "inbound_not_reprocessable"

_REPROCESSABLE = (InboundStatus.RECEIVED, InboundStatus.QUARANTINED)
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Machine-written text copied into a note (bounce reports, out-of-office bodies) is cut here.
_NOTE_EXCERPT = 4000
_SUBJECT_MAX = Ticket._meta.get_field("subject").max_length


@dataclass
class _Outcome:
    status: str
    result: str = InboundResult.NONE
    ticket: Ticket | None = None
    message: TicketMessage | None = None
    notes: str = ""


# Entry points -------------------------------------------------------------------


def inbound_email_receive(*, raw: bytes, source: str) -> tuple[InboundEmail, bool]:
    """Store and process one raw mail. Returns (record, created); created is False for a duplicate.

    What is stored has passed the wallet-safety gate first: a mail carrying a secret is
    kept as its headers only, and processed from the bytes in hand.
    """
    summary = peek_headers(raw)
    key = dedup_key(summary.message_id, raw)
    existing = InboundEmail.objects.without_raw().filter(dedup_key=key).first()
    if existing is not None:
        return existing, False
    stored, kinds = safety_intake.gate_raw_email(raw)
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                dedup_key=key,
                message_id=summary.message_id[:500],
                source=source,
                from_address=safety_intake.gate_text(summary.from_address)[:254],
                subject=safety_intake.gate_text(summary.subject),
                raw=stored,
                size=len(raw),
            )
    except IntegrityError:
        # The same mail arrived concurrently (two pollers, a re-run import).
        return InboundEmail.objects.without_raw().get(dedup_key=key), False
    inbound = inbound_email_process(inbound=inbound, raw=raw)
    if kinds:
        _note_secret_removed(inbound, kinds)
    return inbound, True


def inbound_email_process(*, inbound: InboundEmail, raw: bytes | None = None) -> InboundEmail:
    """Turn a stored mail into a ticket, reply or note; on any failure, quarantine it with the reason.

    `raw` is the mail as received when it is processed on arrival (the stored copy may be headers only).
    """
    try:
        with transaction.atomic():
            locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
            if locked.status not in _REPROCESSABLE:
                return locked
            parsed = parse_email(raw if raw is not None else bytes(locked.raw))
            outcome = _route(parsed)
            _record(locked, parsed, outcome)
            return locked
    except Exception as error:  # noqa: BLE001 - whatever goes wrong, the mail must land in quarantine
        return _quarantine(inbound.pk, error)


def inbound_email_reprocess(*, inbound: InboundEmail) -> InboundEmail:
    """Admin action: try a quarantined mail again (after a fix, or a changed limit)."""
    if inbound.status not in _REPROCESSABLE:
        raise ValidationError(
            _("Only quarantined mail can be processed again (%(subject)s).") % {"subject": inbound},
            code=ERROR_NOT_REPROCESSABLE,
        )
    return inbound_email_process(inbound=inbound)


# Recording ----------------------------------------------------------------------


def _record(inbound: InboundEmail, parsed: ParsedEmail, outcome: _Outcome) -> None:
    inbound.status = outcome.status
    inbound.kind = parsed.kind
    inbound.result = outcome.result
    inbound.ticket = outcome.ticket
    inbound.ticket_message = outcome.message
    inbound.notes = outcome.notes
    inbound.error = ""
    inbound.from_address = safety_intake.gate_text(parsed.from_address)[:254]
    inbound.subject = safety_intake.gate_text(parsed.subject)[:255]
    inbound.attempts += 1
    inbound.processed_at = timezone.now()
    inbound.save(
        update_fields=[
            "status", "kind", "result", "ticket", "ticket_message", "notes", "error", "from_address", "subject",
            "attempts", "processed_at",
        ]
    )  # fmt: skip


def _note_secret_removed(inbound: InboundEmail, kinds: list[str]) -> None:
    removed = _("Body removed: it contained a %(kinds)s.") % {"kinds": kind_labels(kinds)}
    inbound.notes = "\n".join(filter(None, [inbound.notes, removed]))
    inbound.save(update_fields=["notes"])


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return f"{error.code or 'invalid'}: {'; '.join(error.messages)}"
    return f"{type(error).__name__}: {error}"[:4000]


def _quarantine(pk: int, error: Exception) -> InboundEmail:
    reason = safety_intake.gate_text(_describe(error))
    logger.warning("Inbound email %s quarantined: %s", pk, reason)
    inbound = InboundEmail.objects.without_raw().get(pk=pk)
    inbound.status = InboundStatus.QUARANTINED
    inbound.error = reason
    inbound.attempts += 1
    inbound.processed_at = timezone.now()
    inbound.save(update_fields=["status", "error", "attempts", "processed_at"])
    return inbound


# Routing ------------------------------------------------------------------------


def _route(parsed: ParsedEmail) -> _Outcome:
    if loops.is_own_address(parsed.from_address) or (
        parsed.message_id and OutboundEmail.objects.filter(message_id=parsed.message_id).exists()
    ):
        return _Outcome(status=InboundStatus.IGNORED, notes=_("Sent from our own address: not processed."))
    if parsed.kind == InboundKind.BOUNCE:
        return _file_bounce(parsed)
    customer, _created = services.customer_get_or_create(
        email=parsed.from_address, name=parsed.from_name, language=_guess_language(parsed)
    )
    ticket = ticket_for_inbound_email(parsed, customer_id=customer.pk)
    if ticket is not None and not customer_can_reply(ticket=ticket):
        ticket = None
    if parsed.kind == InboundKind.AUTO_REPLY and ticket is not None:
        # An out-of-office must not reopen the ticket or count as the customer's answer.
        note = services.ticket_add_system_note(
            ticket=ticket,
            body=_("Automatic reply from %(address)s:") % {"address": parsed.from_address}
            + "\n\n"
            + (parsed.text[:_NOTE_EXCERPT] or parsed.subject),
        )
        return _Outcome(status=InboundStatus.PROCESSED, result=InboundResult.NOTE, ticket=ticket, message=note)
    uploads, refused = _uploads(parsed.attachments)
    notes = "\n".join(refused)
    if ticket is not None:
        message = services.ticket_customer_reply(
            ticket=ticket,
            body=_body(strip_quoted_reply(parsed.text), parsed, refused, has_uploads=bool(uploads)),
            via=Channel.EMAIL,
            attachments=uploads,
        )
        return _Outcome(InboundStatus.PROCESSED, InboundResult.REPLY, ticket, message, notes)
    ticket = services.ticket_create(
        customer=customer,
        subject=_ticket_subject(parsed.subject),
        body=_body(parsed.text, parsed, refused, has_uploads=bool(uploads)),
        channel=Channel.EMAIL,
        attachments=uploads,
    )
    if parsed.kind == InboundKind.AUTO_REPLY:
        outbound.outbound_email_suppress_acknowledgement(
            ticket=ticket, reason="the mail that opened the ticket was automatic"
        )
    return _Outcome(InboundStatus.PROCESSED, InboundResult.NEW_TICKET, ticket, ticket.messages.first(), notes)


def _file_bounce(parsed: ParsedEmail) -> _Outcome:
    """A bounce goes onto the ticket whose mail bounced, as an internal note; that mail is marked bounced."""
    bounced = outbound.outbound_email_mark_bounced(
        message_ids=parsed.bounced_ids, error=parsed.text[:2000] or parsed.subject
    )
    if bounced is None:
        return _Outcome(status=InboundStatus.IGNORED, notes=_("Bounce of a mail we did not send."))
    note = services.ticket_add_system_note(
        ticket=bounced.ticket,
        body=_("Our email to %(address)s could not be delivered:") % {"address": bounced.to_address}
        + "\n\n"
        + (parsed.text[:_NOTE_EXCERPT] or parsed.subject),
    )
    return _Outcome(status=InboundStatus.PROCESSED, result=InboundResult.NOTE, ticket=bounced.ticket, message=note)


# Content ------------------------------------------------------------------------


def _guess_language(parsed: ParsedEmail) -> str | None:
    """A first-time sender writing Chinese gets Chinese notifications."""
    return "zh-hans" if _HAN.search(parsed.subject + parsed.text[:2000]) else None


def _ticket_subject(subject: str) -> str:
    cleaned = " ".join(SUBJECT_REFERENCE.sub("", subject).split()) or _("(no subject)")
    return cleaned if len(cleaned) <= _SUBJECT_MAX else cleaned[: _SUBJECT_MAX - 1] + "…"


def _uploads(attachments: list[ParsedAttachment]) -> tuple[list[SimpleUploadedFile], list[str]]:
    """Attachments that pass the upload limits, and one line per refused file (the raw mail keeps them)."""
    accepted, refused = [], []
    for attachment in attachments:
        upload = SimpleUploadedFile(
            safe_filename(attachment.filename), attachment.data, content_type=attachment.content_type
        )
        if len(accepted) >= settings.ATTACHMENT_MAX_FILES:
            refused.append(_("%(name)s: too many attachments.") % {"name": upload.name})
            continue
        try:
            validate_upload(upload)
        except ValidationError as error:
            refused.append(" ".join(error.messages))
            continue
        accepted.append(upload)
    return accepted, refused


def _body(text: str, parsed: ParsedEmail, refused: list[str], *, has_uploads: bool) -> str:
    body = text.strip()
    if not body:
        body = _("(No text: see the attachments.)") if has_uploads else parsed.subject or _("(Empty message.)")
    if len(body) > MAX_BODY_LENGTH - 1000:
        body = body[: MAX_BODY_LENGTH - 1000] + "\n\n" + _("[Truncated: the full text is in the raw email.]")
    if refused:
        body += "\n\n" + _("[Attachments not accepted:]") + "\n" + "\n".join(f"- {line}" for line in refused)
    return body
