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

Machine mail never opens a ticket and is never answered: a bounce or an automatic
reply is recorded against the outbound mail it answers (`answers`), as an internal
note on that mail's ticket; repeated permanent bounces mark the address bouncing
(tickets.email.services.deliverability). Quarantine holds only what has no usable
sender or is dangerous, or what a service refused; an agent can make a ticket of
it (`inbound_email_make_ticket`), naming the customer when there was no sender.

Threading (tickets.email.selectors.ticket_for_inbound_email): only onto a
ticket of the sender's own customer record, so knowing a reference is not enough
to write into someone else's ticket. A ticket the customer may no longer write on
(closed, or solved longer ago than the reopen window: tickets.selectors.customer_can_reply,
the rule of every channel) gets a new ticket instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.kit.metrics import EMAILS_IN
from supportdesk.kit.text import MAX_BODY_LENGTH
from tickets import services
from tickets.attachments import safe_filename, screen_uploads
from tickets.email import loops
from tickets.email.models import (
    BounceType,
    InboundEmail,
    InboundKind,
    InboundResult,
    InboundStatus,
    OutboundEmail,
    QuarantineReason,
)
from tickets.email.parsing import (
    SUBJECT_REFERENCE,
    ParsedAttachment,
    ParsedEmail,
    UnparseableEmail,
    dedup_key,
    parse_email,
    peek_headers,
    strip_quoted_reply,
)
from tickets.email.selectors import (
    latest_outbound_to,
    outbound_answered_by,
    surviving_ticket,
    ticket_for_inbound_email,
)
from tickets.email.services import deliverability, outbound
from tickets.language import detected_language
from tickets.models import Channel, Customer, Ticket, TicketMessage
from tickets.safety.scrubbing import kind_labels
from tickets.safety.services import intake as safety_intake
from tickets.selectors import customer_can_reply

logger = logging.getLogger(__name__)

ERROR_NOT_REPROCESSABLE = "inbound_not_reprocessable"
ERROR_NOT_CONVERTIBLE = "inbound_not_convertible"
ERROR_NEEDS_ADDRESS = "inbound_needs_address"

_REPROCESSABLE = (InboundStatus.RECEIVED, InboundStatus.QUARANTINED)
# What an agent may turn into a ticket: held mail, and machine mail that matched none of ours.
_CONVERTIBLE = (InboundStatus.QUARANTINED, InboundStatus.IGNORED)
RAW_SOURCE_NAME = "original-message.txt"
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
    answers: OutboundEmail | None = None


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
    EMAILS_IN.labels(status=inbound.status).inc()
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
            stored = bytes(locked.raw)
            parsed = parse_email(raw if raw is not None else stored)
            # The stored copy is the mail itself unless the safety gate cut it to its headers.
            outcome = _route(parsed, raw_source=stored if raw in (None, stored) else b"")
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


def inbound_email_make_ticket(*, inbound: InboundEmail, actor, customer_email: str = "") -> InboundEmail:
    """An agent's call: a quarantined (or ignored) mail becomes a new ticket, whatever held it back.

    `customer_email` names the customer when the mail has no usable sender (and may replace the sender).
    """
    with transaction.atomic():
        locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
        if locked.status not in _CONVERTIBLE:
            raise ValidationError(
                _("Only quarantined or ignored mail can be made into a ticket (%(subject)s).") % {"subject": locked},
                code=ERROR_NOT_CONVERTIBLE,
            )
        parsed = parse_email(bytes(locked.raw), trusted=True)
        address = customer_email.strip().lower() or parsed.from_address
        if not address:
            raise ValidationError(
                _("This mail has no sender: enter the customer's email address."), code=ERROR_NEEDS_ADDRESS
            )
        if loops.is_own_address(address):
            raise ValidationError(_("A ticket cannot be made for our own support address."), code=ERROR_NOT_CONVERTIBLE)
        if address != parsed.from_address:
            parsed.from_address, parsed.from_name = address, ""
        outcome = _new_ticket(parsed, raw_source=bytes(locked.raw), actor=actor)
        outcome.notes = "\n".join(
            filter(None, [_("Made into a ticket by %(agent)s.") % {"agent": actor.get_username()}, outcome.notes])
        )
        _record(locked, parsed, outcome)
        locked.quarantine_reason = ""
        locked.save(update_fields=["quarantine_reason"])
        return locked


# Recording ----------------------------------------------------------------------


def _record(inbound: InboundEmail, parsed: ParsedEmail, outcome: _Outcome) -> None:
    inbound.status = outcome.status
    inbound.kind = parsed.kind
    inbound.result = outcome.result
    inbound.ticket = outcome.ticket
    inbound.ticket_message = outcome.message
    inbound.notes = outcome.notes
    inbound.answers = outcome.answers
    inbound.bounce_type = parsed.bounce.bounce_type if parsed.bounce else ""
    inbound.error = ""
    inbound.from_address = safety_intake.gate_text(parsed.from_address)[:254]
    inbound.subject = safety_intake.gate_text(parsed.subject)[:255]
    inbound.attempts += 1
    inbound.processed_at = timezone.now()
    inbound.save(
        update_fields=[
            "status", "kind", "result", "ticket", "ticket_message", "notes", "answers", "bounce_type", "error",
            "from_address", "subject", "attempts", "processed_at",
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
    inbound.quarantine_reason = error.reason if isinstance(error, UnparseableEmail) else QuarantineReason.FAILED
    inbound.error = reason
    inbound.attempts += 1
    inbound.processed_at = timezone.now()
    inbound.save(update_fields=["status", "quarantine_reason", "error", "attempts", "processed_at"])
    return inbound


# Routing ------------------------------------------------------------------------


def _route(parsed: ParsedEmail, *, raw_source: bytes) -> _Outcome:
    if loops.is_own_address(parsed.from_address) or (
        parsed.message_id and OutboundEmail.objects.filter(message_id=parsed.message_id).exists()
    ):
        return _Outcome(status=InboundStatus.IGNORED, notes=_("Sent from our own address: not processed."))
    if parsed.kind == InboundKind.BOUNCE:
        return _file_bounce(parsed)
    if parsed.kind == InboundKind.AUTO_REPLY:
        return _file_auto_reply(parsed)
    # A mail from the address proves the mailbox works again.
    deliverability.email_address_clear_bouncing(addresses=[parsed.from_address])
    customer, language = _sender(parsed)
    ticket = ticket_for_inbound_email(parsed, customer_id=customer.pk)
    if ticket is None or not customer_can_reply(ticket=ticket):
        return _new_ticket(parsed, raw_source=raw_source, customer=customer, language=language)
    uploads, refused = _uploads(parsed, raw_source)
    message = services.ticket_customer_reply(
        ticket=ticket,
        body=_body(strip_quoted_reply(parsed.text), parsed, refused, has_uploads=bool(uploads)),
        via=Channel.EMAIL,
        attachments=uploads,
    )
    return _Outcome(InboundStatus.PROCESSED, InboundResult.REPLY, ticket, message, "\n".join(refused))


def _sender(parsed: ParsedEmail) -> tuple[Customer, str | None]:
    """The sender's customer record, and the mail's language when the record is new (it took that language).

    The language is detected only for a new customer: a known one keeps theirs, and ticket_create detects
    the language of the ticket itself when it is not given.
    """
    customer = services.customer_find_by_email(parsed.from_address)
    if customer is not None:
        return customer, None
    language = _guess_language(parsed)
    customer, created = services.customer_get_or_create(
        email=parsed.from_address, name=parsed.from_name, language=language
    )
    return customer, language if created else None


def _new_ticket(
    parsed: ParsedEmail, *, raw_source: bytes, customer=None, actor=None, language: str | None = None
) -> _Outcome:
    if customer is None:
        customer, language = _sender(parsed)
    uploads, refused = _uploads(parsed, raw_source)
    ticket = services.ticket_create(
        customer=customer,
        language=language,
        subject=_ticket_subject(parsed.subject),
        body=_body(parsed.text, parsed, refused, has_uploads=bool(uploads)),
        channel=Channel.EMAIL,
        attachments=uploads,
        actor=actor,
    )
    if parsed.kind != InboundKind.MESSAGE or parsed.wants_no_answer:
        # RFC 3834: never answer machine, list or bulk mail automatically.
        outbound.outbound_email_suppress_acknowledgement(
            ticket=ticket, reason="the mail that opened the ticket came from a machine or a mailing list"
        )
    notes = "\n".join(refused)
    return _Outcome(InboundStatus.PROCESSED, InboundResult.NEW_TICKET, ticket, ticket.messages.first(), notes)


def _file_bounce(parsed: ParsedEmail) -> _Outcome:
    """A bounce is recorded on the mail that bounced and, as an internal note, on its ticket."""
    report = parsed.bounce
    diagnostic = report.diagnostic or parsed.text[:500] or parsed.subject
    bounced = outbound.outbound_email_mark_bounced(
        message_ids=report.original_ids,
        error=f"{BounceType(report.bounce_type).label}: {diagnostic}",
        permanent=report.bounce_type == BounceType.HARD,
    )
    if bounced is None:
        return _Outcome(status=InboundStatus.IGNORED, notes=_("Bounce of a mail we did not send."))
    if report.bounce_type == BounceType.NOTICE:
        return _Outcome(status=InboundStatus.PROCESSED, ticket=bounced.ticket, answers=bounced)
    status = deliverability.email_address_record_bounce(
        address=bounced.to_address, bounce_type=report.bounce_type, diagnostic=diagnostic
    )
    if report.bounce_type == BounceType.HARD:
        headline = _("Our email to %(address)s could not be delivered:")
    else:
        headline = _("Our email to %(address)s is delayed; the mail server keeps trying:")
    body = headline % {"address": bounced.to_address} + "\n\n" + (parsed.text[:_NOTE_EXCERPT] or parsed.subject)
    if status.bouncing_since is not None:
        body += "\n\n" + _("The address now counts as bouncing: no more mail is sent to it.")
    ticket = surviving_ticket(bounced.ticket)
    note = services.ticket_add_system_note(ticket=ticket, body=body)
    return _Outcome(InboundStatus.PROCESSED, InboundResult.NOTE, ticket, note, answers=bounced)


def _file_auto_reply(parsed: ParsedEmail) -> _Outcome:
    """An out-of-office or other automatic answer: an internal note on the ticket of the mail it answers.

    It never opens a ticket, never reopens one and never counts as the customer's answer.
    """
    answered = outbound_answered_by(parsed.reply_ids)
    ticket = surviving_ticket(answered.ticket) if answered else None
    if ticket is None:
        customer = services.customer_find_by_email(parsed.from_address) if parsed.from_address else None
        ticket = ticket_for_inbound_email(parsed, customer_id=customer.pk) if customer else None
        answered = latest_outbound_to(ticket=ticket, address=parsed.from_address) if ticket else None
    if ticket is None:
        return _Outcome(
            status=InboundStatus.IGNORED, notes=_("Automatic reply that answers none of our mail: no ticket opened.")
        )
    note = services.ticket_add_system_note(
        ticket=ticket,
        body=_("Automatic reply from %(address)s:") % {"address": parsed.from_address}
        + "\n\n"
        + (parsed.text[:_NOTE_EXCERPT] or parsed.subject),
    )
    return _Outcome(InboundStatus.PROCESSED, InboundResult.NOTE, ticket, note, answers=answered)


# Content ------------------------------------------------------------------------


def _guess_language(parsed: ParsedEmail) -> str | None:
    """A first-time sender gets notifications in the language they wrote in (tickets.language)."""
    return detected_language(f"{parsed.subject}\n{parsed.text}")


def _ticket_subject(subject: str) -> str:
    cleaned = " ".join(SUBJECT_REFERENCE.sub("", subject).split()) or _("(no subject)")
    return cleaned if len(cleaned) <= _SUBJECT_MAX else cleaned[: _SUBJECT_MAX - 1] + "…"


def _attachments(parsed: ParsedEmail, raw_source: bytes) -> list[ParsedAttachment]:
    """The mail's attachments, plus its raw source when the structure had to be recovered (so agents can
    read what the parser could not). `raw_source` is empty when the safety gate kept only the headers."""
    if not parsed.recovered or not raw_source:
        return parsed.attachments
    return [*parsed.attachments, ParsedAttachment(RAW_SOURCE_NAME, "text/plain", raw_source, inline=False)]


def _uploads(parsed: ParsedEmail, raw_source: bytes) -> tuple[list[UploadedFile], list[str]]:
    """Attachments that pass the upload limits, and one line per refused file (the raw mail keeps them)."""
    return screen_uploads(
        (safe_filename(attachment.filename), partial(_upload, attachment))
        for attachment in _attachments(parsed, raw_source)
    )


def _upload(attachment: ParsedAttachment) -> SimpleUploadedFile:
    return SimpleUploadedFile(safe_filename(attachment.filename), attachment.data, content_type=attachment.content_type)


def _body(text: str, parsed: ParsedEmail, refused: list[str], *, has_uploads: bool) -> str:
    body = text.strip()
    if not body:
        body = _("(No text: see the attachments.)") if has_uploads else parsed.subject or _("(Empty message.)")
    if len(body) > MAX_BODY_LENGTH - 1000:
        body = body[: MAX_BODY_LENGTH - 1000] + "\n\n" + _("[Truncated: the full text is in the raw email.]")
    if refused:
        body += "\n\n" + _("[Attachments not accepted:]") + "\n" + "\n".join(f"- {line}" for line in refused)
    return body
