"""Opening tickets and adding messages: customer intake, agent replies and notes, system notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.kit.text import clean_body, html_to_text, sanitise_html
from supportdesk.kit.validators import check_choice
from tickets import access, events, reply_timer
from tickets.attachments import safe_filename, validate_upload, validate_uploads
from tickets.connectors.services import outbound as connector_outbound
from tickets.email.services import outbound as email_outbound
from tickets.models import (
    Attachment,
    AuthorKind,
    Category,
    Channel,
    Customer,
    Priority,
    Status,
    Team,
    Ticket,
    TicketMessage,
)
from tickets.notifications import services as notifications
from tickets.safety.scrubbing import Scrubber
from tickets.safety.services import intake, verification
from tickets.selectors import customer_can_reply
from tickets.services import previews, routing, versions
from tickets.services.base import (
    ERROR_REOPEN_WINDOW,
    ERROR_TICKET_CLOSED,
    SUBJECT_MAX_LENGTH,
    apply_status,
    clean_subject,
    lock_ticket,
)
from tickets.services.language import language_for_new_ticket
from tickets.sla.services import clocks as sla_clocks


def _store_attachments(message: TicketMessage, files: Sequence[UploadedFile], scrubber: Scrubber) -> list[Attachment]:
    stored = []
    for upload in files:
        content_type = validate_upload(upload)
        upload = scrubber.upload(upload, content_type)
        upload.seek(0)
        digest = Attachment.digest(upload.chunks())
        upload.seek(0)
        attachment = Attachment(
            message=message,
            filename=scrubber.text(safe_filename(upload.name or ""), "attachment name"),
            content_type=content_type,
            size=upload.size,
            sha256=digest,
            preview_state=previews.initial_preview_state(content_type),
        )
        attachment.file.save(attachment.filename, upload, save=False)
        attachment.save()
        previews.attachment_thumbnail_enqueue(attachment)
        stored.append(attachment)
    return stored


def _message_body(body: str, body_html: str) -> tuple[str, str]:
    safe_html = sanitise_html(body_html) if body_html else ""
    return clean_body(body or html_to_text(safe_html)), safe_html


def _add_message(
    *,
    ticket: Ticket,
    author_kind: str,
    author,
    body: str,
    body_html: str = "",
    internal: bool = False,
    via: str,
    attachments: Sequence[UploadedFile] = (),
    scrubber: Scrubber | None = None,
    handle_seconds: int | None = None,
) -> TicketMessage:
    # Wallet secrets are removed before anything is stored (tickets.safety).
    scrubber = scrubber or Scrubber(from_customer=author_kind == AuthorKind.CUSTOMER)
    text, safe_html = _message_body(body, body_html)
    validate_uploads(attachments)
    message = TicketMessage.objects.create(
        ticket=ticket,
        author_kind=author_kind,
        author=author,
        body=scrubber.text(text),
        body_html=scrubber.html(safe_html),
        is_internal=internal,
        via=via,
        handle_seconds=handle_seconds,
    )
    _store_attachments(message, attachments, scrubber)
    intake.secret_exposure_record(ticket=ticket, message=message, scrubber=scrubber, actor=author)
    return message


@transaction.atomic
def ticket_create(
    *,
    customer: Customer,
    subject: str,
    body: str,
    channel: str,
    actor=None,
    body_html: str = "",
    category: Category | None = None,
    priority: str | None = None,
    language: str | None = None,
    team: Team | None = None,
    attachments: Sequence[UploadedFile] = (),
    app_version: str = "",
    device: str = "",
    os: str = "",
    browser: str = "",
    chain: str = "",
    asset: str = "",
    amount: Decimal | None = None,
    tx_hash: str = "",
    from_address: str = "",
    to_address: str = "",
    tx_time: datetime | None = None,
    account_email: str = "",
) -> Ticket:
    """Open a ticket with the customer's first message.

    `actor` is the staff member recording it (phone notes, agent-created) or
    the customer's own portal user; None for channels without a login (email).
    Staff need tickets.add_ticket.
    """
    if actor is not None and actor.is_staff:
        access.require_permission(actor, "tickets.add_ticket")
    scrubber = Scrubber(from_customer=True)
    # Every free-text field passes the wallet-safety gate before the ticket is written.
    text_fields = intake.gate(
        {
            "subject": clean_subject(subject),
            "app_version": app_version.strip(),
            "device": device.strip(),
            "os": os.strip(),
            "browser": browser.strip(),
            "chain": chain.strip(),
            "asset": asset.strip(),
            "from_address": from_address.strip(),
            "to_address": to_address.strip(),
            "account_email": account_email.strip(),
        },
        scrubber=scrubber,
    )
    cleaned_subject = text_fields["subject"][:SUBJECT_MAX_LENGTH]
    check_choice(channel, Channel, "channel")
    if priority:
        check_choice(priority, Priority, "priority")
    text = f"{cleaned_subject}\n{body or html_to_text(body_html)}"
    language = language or language_for_new_ticket(customer=customer, text=text)
    route = routing.plan_route(
        text=text, channel=channel, category=category, priority=priority, language=language, team=team
    )
    ticket = Ticket.objects.create(
        subject=cleaned_subject,
        customer=customer,
        channel=channel,
        category=route.category,
        priority=route.priority,
        tier=route.tier,
        language=language,
        team=route.team,
        app_version=text_fields["app_version"][:50],
        device=text_fields["device"][:100],
        os=text_fields["os"][:100],
        browser=text_fields["browser"][:100],
        chain=text_fields["chain"][:32],
        asset=text_fields["asset"][:32],
        amount=amount,
        # A transaction hash looks like a bare private key: only certain secrets are removed, nothing is flagged.
        tx_hash=intake.gate_text(tx_hash.strip())[:128],
        from_address=text_fields["from_address"][:128],
        to_address=text_fields["to_address"][:128],
        tx_time=tx_time,
        account_email=text_fields["account_email"][:254],
        created_by=actor if actor is not None and actor.is_staff else None,
    )
    is_staff = actor is not None and actor.is_staff
    events.created(ticket=ticket, actor=actor, channel=channel, note=route.summary())
    _add_message(
        ticket=ticket,
        author_kind=AuthorKind.AGENT if is_staff else AuthorKind.CUSTOMER,
        author=actor,
        body=body,
        body_html=body_html,
        via=channel,
        attachments=attachments,
        scrubber=scrubber,
    )
    if not ticket.secret_exposed:
        # An exposed secret sent the ticket to the security team: the planned route no longer applies.
        routing.ticket_auto_assign(ticket=ticket, route=route)
    sla_clocks.ticket_created(ticket=ticket)
    if channel != Channel.CHAT:
        # A chat tells its reference in the conversation; mailing an unconfirmed visitor's address is not ours to do.
        email_outbound.outbound_email_queue_acknowledgement(ticket=ticket)
    return ticket


def ticket_reply(
    *,
    ticket: Ticket,
    body: str,
    actor,
    internal: bool = False,
    body_html: str = "",
    attachments: Sequence[UploadedFile] = (),
    new_status: str | None = None,
    opened_at: datetime | None = None,
    expected_version: str | None = None,
) -> TicketMessage:
    """An agent's public reply (or internal note) on a ticket.

    A first public reply stamps first_response_at and opens a new ticket;
    `new_status` (e.g. pending customer) is applied in the same transaction.
    A public reply that asks for a wallet secret is refused, and the attempt
    recorded, before that transaction opens. `opened_at` (when the agent opened
    the reply box, from tickets.reply_timer) times the reply for staffing's
    handle time; without it the reply is not measured. `expected_version` (the
    version the agent's page or API client loaded, tickets.services.versions)
    refuses a reply to a ticket that changed since; the people @mentioned in an
    internal note are notified.
    """
    access.require_ticket_permission(actor, ticket.pk, "tickets.add_ticketmessage")
    if new_status:
        access.require_ticket_permission(actor, ticket.pk)
    if not internal:
        intake.secret_request_refuse(ticket=ticket, body=body, body_html=body_html, actor=actor)
    return _ticket_reply(
        ticket=ticket,
        body=body,
        actor=actor,
        internal=internal,
        body_html=body_html,
        attachments=attachments,
        new_status=new_status,
        opened_at=opened_at,
        expected_version=expected_version,
    )


@transaction.atomic
def _ticket_reply(
    *,
    ticket: Ticket,
    body: str,
    actor,
    internal: bool,
    body_html: str,
    attachments,
    new_status: str | None,
    opened_at: datetime | None,
    expected_version: str | None,
) -> TicketMessage:
    ticket = lock_ticket(ticket)
    versions.check_version(ticket, expected_version)
    previous_status = ticket.status
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("This ticket is closed."), code=ERROR_TICKET_CLOSED)
    message = _add_message(
        ticket=ticket,
        author_kind=AuthorKind.AGENT,
        author=actor,
        body=body,
        body_html=body_html,
        internal=internal,
        via=Channel.AGENT,
        attachments=attachments,
        handle_seconds=reply_timer.handle_seconds(opened_at=opened_at, sent_at=timezone.now()),
    )
    if internal:
        events.note_added(ticket=ticket, actor=actor)
        notifications.on_commit(notifications.notify_mentions, message_id=message.pk)
    else:
        events.reply_sent(ticket=ticket, actor=actor)
    fields = ["updated_at"]
    if not internal and ticket.first_response_at is None:
        ticket.first_response_at = message.created_at
        fields.append("first_response_at")
    ticket.save(update_fields=fields)
    if not internal:
        sla_clocks.agent_replied(ticket=ticket, at=message.created_at)
    target = new_status or (Status.OPEN if not internal and ticket.status == Status.NEW else None)
    if target:
        apply_status(ticket, target, actor)
    email_outbound.outbound_email_queue_reply(message=message, previous_status=previous_status)
    # A ticket that came in through Telegram or SMS is answered there (the email copy is then suppressed).
    connector_outbound.channel_queue_reply(message=message, previous_status=previous_status)
    notifications.ticket_changed_on_commit(ticket=ticket, actor=actor)
    return message


def ticket_add_note(*, ticket: Ticket, body: str, actor, attachments: Sequence[UploadedFile] = ()) -> TicketMessage:
    """An internal note: visible to staff only, never sent to the customer."""
    return ticket_reply(ticket=ticket, body=body, actor=actor, internal=True, attachments=attachments)


@transaction.atomic
def ticket_customer_reply(
    *,
    ticket: Ticket,
    body: str,
    via: str,
    user=None,
    body_html: str = "",
    attachments: Sequence[UploadedFile] = (),
) -> TicketMessage:
    """The customer writes on their ticket; a pending, solved or closed-for-no-reply ticket reopens.

    Every channel (portal, API, email, complaints) comes here, so one rule decides
    (tickets.selectors.customer_can_reply): a closed ticket, or one solved longer
    ago than PORTAL_REOPEN_WINDOW_DAYS, refuses the message. `user` is the
    customer's login when they are signed in (None for email): it must be theirs.
    """
    ticket = lock_ticket(ticket)
    if user is not None and (not user.is_authenticated or ticket.customer.user_id != user.pk):
        raise PermissionDenied(_("This is not your request."))
    if not customer_can_reply(ticket=ticket):
        if ticket.status == Status.CLOSED:
            raise ValidationError(_("This request is closed. Please open a new request."), code=ERROR_TICKET_CLOSED)
        raise ValidationError(
            _("This request was solved too long ago to be reopened. Please submit a new request."),
            code=ERROR_REOPEN_WINDOW,
        )
    body, body_html = verification.verification_consume_reply_code(
        ticket=ticket, body=body, body_html=body_html, user=user
    )
    message = _add_message(
        ticket=ticket,
        author_kind=AuthorKind.CUSTOMER,
        author=user,
        body=body,
        body_html=body_html,
        via=check_choice(via, Channel, "via"),
        attachments=attachments,
    )
    events.customer_message_added(ticket=ticket, actor=user)
    if ticket.status == Status.CLOSED:
        # Only a ticket closed for want of an answer gets here (customer_can_reply).
        apply_status(
            ticket, Status.OPEN, user, note=_("customer replied after the automatic close"), reopen_closed=True
        )
    elif ticket.status in (Status.PENDING_CUSTOMER, Status.SOLVED, Status.ON_HOLD):
        apply_status(ticket, Status.OPEN, user, note=_("customer replied"))
    else:
        ticket.save(update_fields=["updated_at"])
    sla_clocks.customer_wrote(ticket=ticket, at=message.created_at)
    notifications.on_commit(notifications.notify_customer_replied, ticket_id=ticket.pk)
    notifications.ticket_changed_on_commit(ticket=ticket, actor=None)
    return message


def ticket_add_chat_message(
    *,
    ticket: Ticket,
    body: str,
    author_kind: str,
    author=None,
    attachments: Sequence[UploadedFile] = (),
) -> tuple[TicketMessage, bool]:
    """A live-chat line on a chat ticket (tickets.chat): the customer's, the agent's or the bot's (system).

    Nothing is mailed: the conversation is live. The customer's line passes the intake gate and runs the
    SLA clocks as a customer message; the agent's first line is the first response (and is refused, like
    any reply, when it asks for a secret). Returns the message and whether a wallet secret was removed.
    """
    if author_kind == AuthorKind.AGENT:
        access.require_ticket_permission(author, ticket.pk, "tickets.add_ticketmessage")
        intake.secret_request_refuse(ticket=ticket, body=body, body_html="", actor=author)
    return _ticket_add_chat_message(
        ticket=ticket, body=body, author_kind=author_kind, author=author, attachments=attachments
    )


@transaction.atomic
def _ticket_add_chat_message(
    *, ticket: Ticket, body: str, author_kind: str, author, attachments: Sequence[UploadedFile]
) -> tuple[TicketMessage, bool]:
    ticket = lock_ticket(ticket)
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("This request is closed. Please open a new request."), code=ERROR_TICKET_CLOSED)
    scrubber = Scrubber(from_customer=author_kind == AuthorKind.CUSTOMER)
    message = _add_message(
        ticket=ticket,
        author_kind=author_kind,
        author=author,
        body=body,
        via=Channel.CHAT,
        attachments=attachments,
        scrubber=scrubber,
    )
    fields = ["updated_at"]
    if author_kind == AuthorKind.CUSTOMER:
        events.customer_message_added(ticket=ticket, actor=author)
        sla_clocks.customer_wrote(ticket=ticket, at=message.created_at)
        notifications.on_commit(notifications.notify_customer_replied, ticket_id=ticket.pk)
    elif author_kind == AuthorKind.AGENT:
        events.reply_sent(ticket=ticket, actor=author)
        if ticket.first_response_at is None:
            ticket.first_response_at = message.created_at
            fields.append("first_response_at")
        sla_clocks.agent_replied(ticket=ticket, at=message.created_at)
    ticket.save(update_fields=fields)
    if author_kind == AuthorKind.AGENT and ticket.status == Status.NEW:
        apply_status(ticket, Status.OPEN, author)
    return message, bool(scrubber.certain)


@transaction.atomic
def ticket_add_system_note(*, ticket: Ticket, body: str, via: str = Channel.EMAIL) -> TicketMessage:
    """An internal note written by the system (a bounce, an automatic reply): no author, no status change."""
    ticket = lock_ticket(ticket)
    message = _add_message(ticket=ticket, author_kind=AuthorKind.SYSTEM, author=None, body=body, internal=True, via=via)
    events.note_added(ticket=ticket, actor=None)
    ticket.save(update_fields=["updated_at"])
    return message
