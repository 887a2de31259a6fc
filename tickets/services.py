"""Every write to customers and tickets.

Keyword-only, atomic, and each state change locks the ticket row and leaves a
TicketEvent in the same transaction. The admin, the portal, the API, email
ingestion and tasks all call these functions; nothing else writes tickets.
Domain errors are django.core.exceptions.ValidationError with a code from
this module (or tickets.text / tickets.attachments), so callers can show them
as field errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import routing
from tickets.attachments import safe_filename, validate_upload, validate_uploads
from tickets.email import outbound as email_outbound
from tickets.models import (
    AgentProfile,
    Attachment,
    AuthorKind,
    Category,
    Channel,
    Customer,
    CustomerEmail,
    EventKind,
    Priority,
    Status,
    Tag,
    Team,
    Ticket,
    TicketEvent,
    TicketMessage,
    Tier,
    WalletAddress,
)
from tickets.safety import intake, verification
from tickets.signals import send_ticket_solved_on_commit
from tickets.sla import clocks as sla_clocks
from tickets.text import clean_body, html_to_text, normalise_email, sanitise_html

ERROR_INVALID_TRANSITION = "invalid_transition"
ERROR_ASSIGNEE_NOT_IN_TEAM = "assignee_not_in_team"
ERROR_ASSIGNEE_NOT_AGENT = "assignee_not_agent"
ERROR_EMPTY_SUBJECT = "empty_subject"
ERROR_SUBJECT_TOO_LONG = "subject_too_long"
ERROR_TICKET_CLOSED = "ticket_closed"
ERROR_MERGE_SAME_TICKET = "merge_same_ticket"
ERROR_MERGE_OTHER_CUSTOMER = "merge_other_customer"
ERROR_MERGE_CLOSED = "merge_closed"
ERROR_MERGE_SAME_CUSTOMER = "merge_same_customer"
ERROR_INVALID_CHOICE = "invalid_choice"

SUBJECT_MAX_LENGTH = Ticket._meta.get_field("subject").max_length


def _field_error(field: str, message: str, code: str) -> ValidationError:
    # ValidationError({field: message}, code=...) silently drops the code: it must sit on the inner error.
    return ValidationError({field: ValidationError(message, code=code)})


# Customers -----------------------------------------------------------------


def customer_find_by_email(email: str) -> Customer | None:
    address = normalise_email(email)
    return Customer.objects.filter(Q(email=address) | Q(other_emails__email=address)).order_by("id").first()


def customer_get_or_create(
    *, email: str, name: str = "", language: str | None = None, user=None
) -> tuple[Customer, bool]:
    """The customer with this address (primary or other), or a new one.

    Addresses are compared trimmed and lower-cased, so "  Alice@Example.COM "
    finds alice@example.com.
    """
    address = normalise_email(email)
    existing = customer_find_by_email(address)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                email=address, name=(name or "").strip()[:200], language=language or "en", user=user
            )
    except IntegrityError:
        # A concurrent request created the same address first.
        return Customer.objects.get(email=address), False
    return customer, True


@transaction.atomic
def customer_link_user(*, user, email: str, language: str | None = None) -> Customer | None:
    """Attach a portal user to the customer with this address, or to a new customer.

    Call only with an address the user has verified: every ticket sent from it
    becomes visible to them. Staff accounts are never customers, and a customer
    already linked to another user stays with them (None is returned).
    """
    if user.is_staff:
        return None
    linked = Customer.objects.filter(user=user).first()
    if linked is not None:
        return linked
    customer, created = customer_get_or_create(email=email, name=user.get_full_name(), language=language, user=user)
    if created:
        return customer
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.user_id is None:
        customer.user = user
        customer.save(update_fields=["user", "updated_at"])
    return customer if customer.user_id == user.pk else None


@transaction.atomic
def customer_merge(*, primary: Customer, duplicate: Customer, actor) -> Customer:
    """Fold `duplicate` into `primary`: tickets, addresses and wallets move, the duplicate goes.

    The duplicate's primary address stays reachable as one of the primary's
    other emails, so mail from it still lands on the right customer.
    """
    if primary.pk == duplicate.pk:
        raise ValidationError(_("A customer cannot be merged into itself."), code=ERROR_MERGE_SAME_CUSTOMER)
    locked = {
        customer.pk: customer
        for customer in Customer.objects.select_for_update().filter(pk__in=[primary.pk, duplicate.pk]).order_by("pk")
    }
    primary, duplicate = locked[primary.pk], locked[duplicate.pk]
    moved_ticket_ids = list(duplicate.tickets.values_list("id", flat=True))
    Ticket.objects.filter(customer=duplicate).update(customer=primary, updated_at=timezone.now())
    TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket_id=ticket_id, kind=EventKind.CUSTOMER_MERGE, actor=actor, before=duplicate.email, after=primary.email
        )
        for ticket_id in moved_ticket_ids
    )
    duplicate_addresses = [duplicate.email, *duplicate.other_emails.values_list("email", flat=True)]
    known_wallets = set(primary.wallet_addresses.values_list("chain", "address"))
    wallets = [
        WalletAddress(customer=primary, chain=w.chain, address=w.address, label=w.label)
        for w in duplicate.wallet_addresses.all()
        if (w.chain, w.address) not in known_wallets
    ]
    duplicate_user = duplicate.user
    update_fields = ["updated_at"]
    if duplicate.notes:
        primary.notes = "\n\n".join(filter(None, [primary.notes, duplicate.notes]))
        update_fields.append("notes")
    if duplicate.is_vip and not primary.is_vip:
        primary.is_vip = True
        update_fields.append("is_vip")
    for field in ("name", "phone", "country"):
        if not getattr(primary, field) and getattr(duplicate, field):
            setattr(primary, field, getattr(duplicate, field))
            update_fields.append(field)
    duplicate.delete()
    CustomerEmail.objects.bulk_create(CustomerEmail(customer=primary, email=email) for email in duplicate_addresses)
    WalletAddress.objects.bulk_create(wallets)
    if primary.user_id is None and duplicate_user is not None:
        primary.user = duplicate_user
        update_fields.append("user")
    primary.save(update_fields=update_fields)
    return primary


# Tickets: creation and messages -------------------------------------------


def _clean_subject(subject: str) -> str:
    cleaned = " ".join((subject or "").split())
    if not cleaned:
        raise _field_error("subject", _("Please give the request a subject."), ERROR_EMPTY_SUBJECT)
    if len(cleaned) > SUBJECT_MAX_LENGTH:
        raise _field_error(
            "subject",
            _("The subject is too long (at most %(limit)d characters).") % {"limit": SUBJECT_MAX_LENGTH},
            ERROR_SUBJECT_TOO_LONG,
        )
    return cleaned


def _check_choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise _field_error(field, _("Unknown value: %(value)s.") % {"value": value}, ERROR_INVALID_CHOICE)
    return value


def _event(ticket: Ticket, kind: str, actor, *, before: str = "", after: str = "", note: str = "") -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor=actor, before=str(before)[:255], after=str(after)[:255], note=note[:255]
    )


def _store_attachments(
    message: TicketMessage, files: Sequence[UploadedFile], scrubber: intake.Scrubber
) -> list[Attachment]:
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
        )
        attachment.file.save(attachment.filename, upload, save=False)
        attachment.save()
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
    scrubber: intake.Scrubber | None = None,
) -> TicketMessage:
    # Wallet secrets are removed before anything is stored (tickets.safety).
    scrubber = scrubber or intake.Scrubber(from_customer=author_kind == AuthorKind.CUSTOMER)
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
    )
    _store_attachments(message, attachments, scrubber)
    intake.record_exposure(ticket=ticket, message=message, scrubber=scrubber, actor=author)
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
    """
    scrubber = intake.Scrubber(from_customer=True)
    clean_subject = scrubber.text(_clean_subject(subject), "subject")[:SUBJECT_MAX_LENGTH]
    _check_choice(channel, Channel, "channel")
    language = language or customer.language
    if priority:
        _check_choice(priority, Priority, "priority")
    text = f"{clean_subject}\n{body or html_to_text(body_html)}"
    route = routing.plan_route(
        text=text, channel=channel, category=category, priority=priority, language=language, team=team
    )
    ticket = Ticket.objects.create(
        subject=clean_subject,
        customer=customer,
        channel=channel,
        category=route.category,
        priority=route.priority,
        tier=route.tier,
        language=language,
        team=route.team,
        app_version=app_version.strip()[:50],
        device=device.strip()[:100],
        os=os.strip()[:100],
        browser=browser.strip()[:100],
        chain=chain.strip()[:32],
        asset=asset.strip()[:32],
        amount=amount,
        tx_hash=tx_hash.strip()[:128],
        from_address=from_address.strip()[:128],
        to_address=to_address.strip()[:128],
        tx_time=tx_time,
        account_email=account_email.strip()[:254],
    )
    is_staff = actor is not None and actor.is_staff
    _event(ticket, EventKind.CREATED, actor, after=channel, note=route.summary())
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
        routing.auto_assign(ticket, route)
    sla_clocks.ticket_created(ticket)
    email_outbound.notify_ticket_created(ticket=ticket)
    return ticket


def _lock(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock (no-op on SQLite, which serialises writers)."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _require_staff_access(actor, ticket: Ticket) -> None:
    if actor is None or not actor.is_staff or not Ticket.objects.visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied(_("You cannot work on this ticket."))


def _apply_status(ticket: Ticket, new_status: str, actor, note: str = "") -> bool:
    """Move `ticket` (already locked) to `new_status`; return whether it changed."""
    _check_choice(new_status, Status, "status")
    if new_status == ticket.status:
        return False
    if new_status not in ticket.allowed_next_statuses():
        raise _field_error(
            "status",
            _("A ticket cannot go from %(old)s to %(new)s.")
            % {"old": Status(ticket.status).label, "new": Status(new_status).label},
            ERROR_INVALID_TRANSITION,
        )
    old_status = ticket.status
    now = timezone.now()
    ticket.status = new_status
    fields = ["status", "updated_at"]
    if new_status == Status.SOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    elif new_status == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
        if ticket.resolved_at is None:
            ticket.resolved_at = now
            fields.append("resolved_at")
    elif old_status == Status.SOLVED:
        ticket.resolved_at = None
        fields.append("resolved_at")
    ticket.save(update_fields=fields)
    _event(ticket, EventKind.STATUS, actor, before=old_status, after=new_status, note=note)
    sla_clocks.status_changed(ticket, old_status=old_status, new_status=new_status, at=now)
    if new_status == Status.SOLVED and ticket.merged_into_id is None:
        send_ticket_solved_on_commit(ticket_id=ticket.pk, actor_id=actor.pk if actor else None)
    return True


def ticket_reply(
    *,
    ticket: Ticket,
    body: str,
    actor,
    internal: bool = False,
    body_html: str = "",
    attachments: Sequence[UploadedFile] = (),
    new_status: str | None = None,
) -> TicketMessage:
    """An agent's public reply (or internal note) on a ticket.

    A first public reply stamps first_response_at and opens a new ticket;
    `new_status` (e.g. pending customer) is applied in the same transaction.
    A public reply that asks for a wallet secret is refused, and the attempt
    recorded, before that transaction opens.
    """
    _require_staff_access(actor, ticket)
    if not internal:
        intake.refuse_secret_requests(ticket=ticket, body=body, body_html=body_html, actor=actor)
    return _ticket_reply(
        ticket=ticket,
        body=body,
        actor=actor,
        internal=internal,
        body_html=body_html,
        attachments=attachments,
        new_status=new_status,
    )


@transaction.atomic
def _ticket_reply(
    *, ticket: Ticket, body: str, actor, internal: bool, body_html: str, attachments, new_status: str | None
) -> TicketMessage:
    ticket = _lock(ticket)
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
    )
    _event(ticket, EventKind.NOTE if internal else EventKind.REPLY, actor)
    fields = ["updated_at"]
    if not internal and ticket.first_response_at is None:
        ticket.first_response_at = message.created_at
        fields.append("first_response_at")
    ticket.save(update_fields=fields)
    if not internal:
        sla_clocks.agent_replied(ticket, at=message.created_at)
    target = new_status or (Status.OPEN if not internal and ticket.status == Status.NEW else None)
    if target:
        _apply_status(ticket, target, actor)
    email_outbound.notify_agent_reply(message=message, previous_status=previous_status)
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
    """The customer writes on their ticket; a pending or solved ticket reopens."""
    ticket = _lock(ticket)
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("This request is closed. Please open a new request."), code=ERROR_TICKET_CLOSED)
    body, body_html = verification.consume_code_in_reply(ticket=ticket, body=body, body_html=body_html, user=user)
    message = _add_message(
        ticket=ticket,
        author_kind=AuthorKind.CUSTOMER,
        author=user,
        body=body,
        body_html=body_html,
        via=_check_choice(via, Channel, "via"),
        attachments=attachments,
    )
    _event(ticket, EventKind.CUSTOMER_MESSAGE, user)
    if ticket.status in (Status.PENDING_CUSTOMER, Status.SOLVED, Status.ON_HOLD):
        _apply_status(ticket, Status.OPEN, user, note=_("customer replied"))
    else:
        ticket.save(update_fields=["updated_at"])
    sla_clocks.customer_wrote(ticket, at=message.created_at)
    return message


@transaction.atomic
def ticket_add_system_note(*, ticket: Ticket, body: str, via: str = Channel.EMAIL) -> TicketMessage:
    """An internal note written by the system (a bounce, an automatic reply): no author, no status change."""
    ticket = _lock(ticket)
    message = _add_message(ticket=ticket, author_kind=AuthorKind.SYSTEM, author=None, body=body, internal=True, via=via)
    _event(ticket, EventKind.NOTE, None)
    ticket.save(update_fields=["updated_at"])
    return message


# Tickets: state changes ----------------------------------------------------


@transaction.atomic
def ticket_change_status(*, ticket: Ticket, status: str, actor, note: str = "") -> Ticket:
    _require_staff_access(actor, ticket)
    ticket = _lock(ticket)
    previous_status = ticket.status
    _apply_status(ticket, status, actor, note)
    email_outbound.notify_status_change(ticket=ticket, previous_status=previous_status)
    return ticket


@transaction.atomic
def ticket_change_priority(*, ticket: Ticket, priority: str, actor) -> Ticket:
    _require_staff_access(actor, ticket)
    _check_choice(priority, Priority, "priority")
    ticket = _lock(ticket)
    if ticket.priority != priority:
        _event(ticket, EventKind.PRIORITY, actor, before=ticket.priority, after=priority)
        ticket.priority = priority
        ticket.save(update_fields=["priority", "updated_at"])
    return ticket


@transaction.atomic
def ticket_change_category(*, ticket: Ticket, category: Category | None, actor) -> Ticket:
    _require_staff_access(actor, ticket)
    ticket = _lock(ticket)
    if ticket.category_id != (category.pk if category else None):
        old = ticket.category.name if ticket.category else ""
        _event(ticket, EventKind.CATEGORY, actor, before=old, after=category.name if category else "")
        ticket.category = category
        ticket.save(update_fields=["category", "updated_at"])
    return ticket


@transaction.atomic
def ticket_change_tier(*, ticket: Ticket, tier: str, actor, reason: str = "") -> Ticket:
    """Escalate (or de-escalate) between L1, L2 and L3, with the reason on the timeline."""
    _require_staff_access(actor, ticket)
    _check_choice(tier, Tier, "tier")
    ticket = _lock(ticket)
    apply_tier(ticket, tier, actor, reason)
    return ticket


def apply_tier(ticket: Ticket, tier: str, actor, reason: str = "") -> None:
    """Change the tier of a ticket the caller has locked (also used by tickets.escalation)."""
    if ticket.tier != tier:
        _event(ticket, EventKind.TIER, actor, before=ticket.tier, after=tier, note=reason)
        ticket.tier = tier
        ticket.save(update_fields=["tier", "updated_at"])


def _is_team_member(user, team: Team) -> bool:
    return AgentProfile.objects.filter(user=user, teams=team).exists()


@transaction.atomic
def ticket_change_team(*, ticket: Ticket, team: Team | None, actor) -> Ticket:
    """Move the ticket to another team; an assignee who is not in it is removed."""
    _require_staff_access(actor, ticket)
    ticket = _lock(ticket)
    apply_team(ticket, team, actor)
    return ticket


def apply_team(ticket: Ticket, team: Team | None, actor, note: str = "") -> None:
    """Move a ticket the caller has locked to `team` (also used by tickets.escalation)."""
    if ticket.team_id == (team.pk if team else None):
        return
    _event(
        ticket,
        EventKind.TEAM,
        actor,
        before=ticket.team.name if ticket.team else "",
        after=team.name if team else "",
        note=note,
    )
    ticket.team = team
    fields = ["team", "updated_at"]
    if ticket.assignee_id and (team is None or not _is_team_member(ticket.assignee, team)):
        _event(
            ticket, EventKind.ASSIGNMENT, actor, before=ticket.assignee.get_username(), note=_("not in the new team")
        )
        ticket.assignee = None
        fields.append("assignee")
    ticket.save(update_fields=fields)


def validate_assignee(*, ticket: Ticket, assignee) -> None:
    """An assignee must be an agent, and a member of the ticket's team when it has one."""
    if assignee is None:
        return
    if not assignee.is_active or not assignee.is_staff or not AgentProfile.objects.filter(user=assignee).exists():
        raise _field_error(
            "assignee", _("%(user)s is not an agent.") % {"user": assignee.get_username()}, ERROR_ASSIGNEE_NOT_AGENT
        )
    if ticket.team_id and not _is_team_member(assignee, ticket.team):
        raise _field_error(
            "assignee",
            _("%(user)s is not a member of the team %(team)s.")
            % {"user": assignee.get_username(), "team": ticket.team.name},
            ERROR_ASSIGNEE_NOT_IN_TEAM,
        )


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee, actor, reason: str = "") -> Ticket:
    """Assign (or, with None, unassign) a ticket.

    Agents may take tickets of their teams and hand them to teammates;
    re-assigning a ticket someone else holds needs tickets.assign_any_ticket.
    """
    _require_staff_access(actor, ticket)
    ticket = _lock(ticket)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    held_by_other = ticket.assignee_id not in (None, actor.pk)
    if held_by_other and not actor.has_perm("tickets.assign_any_ticket"):
        raise PermissionDenied(_("Only a supervisor can take a ticket away from its assignee."))
    validate_assignee(ticket=ticket, assignee=assignee)
    _event(
        ticket,
        EventKind.ASSIGNMENT,
        actor,
        before=ticket.assignee.get_username() if ticket.assignee else "",
        after=assignee.get_username() if assignee else "",
        note=reason,
    )
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    if assignee is not None:
        AgentProfile.objects.filter(user=assignee).update(last_assigned_at=timezone.now())
    return ticket


@transaction.atomic
def ticket_set_tags(*, ticket: Ticket, tags: Iterable[Tag], actor) -> Ticket:
    _require_staff_access(actor, ticket)
    ticket = _lock(ticket)
    new = sorted({tag.name for tag in tags})
    old = sorted(ticket.tags.values_list("name", flat=True))
    if new != old:
        ticket.tags.set(Tag.objects.filter(name__in=new))
        _event(ticket, EventKind.TAGS, actor, before=", ".join(old), after=", ".join(new))
        ticket.save(update_fields=["updated_at"])
    return ticket


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor) -> Ticket:
    """Merge a duplicate `source` into `target`: its messages move, it is closed with a pointer.

    Both tickets must belong to the same customer, so no one ever sees another
    customer's messages on their ticket.
    """
    _require_staff_access(actor, source)
    _require_staff_access(actor, target)
    if source.pk == target.pk:
        raise ValidationError(_("A ticket cannot be merged into itself."), code=ERROR_MERGE_SAME_TICKET)
    first, second = sorted([source.pk, target.pk])
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if source.customer_id != target.customer_id:
        raise ValidationError(_("Only tickets of the same customer can be merged."), code=ERROR_MERGE_OTHER_CUSTOMER)
    if source.status == Status.CLOSED or target.status == Status.CLOSED:
        raise ValidationError(_("Closed tickets cannot be merged."), code=ERROR_MERGE_CLOSED)
    moved = source.messages.update(ticket=target)
    _event(
        target,
        EventKind.MERGE,
        actor,
        before=source.reference,
        after=target.reference,
        note=_("%(count)d messages moved in") % {"count": moved},
    )
    _event(
        source,
        EventKind.MERGE,
        actor,
        before=source.reference,
        after=target.reference,
        note=_("merged into %(reference)s") % {"reference": target.reference},
    )
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    _apply_status(source, Status.CLOSED, actor, note=_("merged"))
    target.save(update_fields=["updated_at"])
    return target
