"""Writes to customers, and the writes customers make themselves.

Find or create a customer by address, link a portal user, merge duplicates;
the customer's own profile and requests (solve, reopen, from the portal);
requests from the public contact form.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from supportdesk.kit.text import clean_body, normalise_email
from supportdesk.kit.validators import is_time_zone
from tickets import access, events
from tickets.models import (
    Category,
    Channel,
    ContactRequest,
    Customer,
    CustomerEmail,
    CustomerMerge,
    Status,
    Ticket,
    WalletAddress,
)
from tickets.safety.services import intake, verification
from tickets.selectors import customer_can_reopen, customer_for_user
from tickets.services.base import (
    ERROR_MERGE_SAME_CUSTOMER,
    ERROR_REOPEN_WINDOW,
    apply_status,
    clean_subject,
    lock_ticket,
)
from tickets.services.messages import ticket_create

ERROR_ALREADY_SOLVED = "already_solved"
ERROR_UNKNOWN_LANGUAGE = "unknown_language"
ERROR_UNKNOWN_TIME_ZONE = "unknown_time_zone"
ERROR_LINK_INVALID = "contact_link_invalid"
ERROR_LINK_EXPIRED = "contact_link_expired"
ERROR_ALREADY_LINKED = "customer_already_linked"
ERROR_MERGE_UNDONE = "merge_already_undone"

_CONTACT_SALT = "tickets.contact-request"


# Customers -------------------------------------------------------------------


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
    linked = customer_for_user(user=user)
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


# What a merge keeps of the deleted duplicate, and what it may change on the kept customer.
_DUPLICATE_FIELDS = (
    "email",
    "name",
    "phone",
    "language",
    "country",
    "notes",
    "is_vip",
    "notify_on_reply",
    "notify_on_status",
    "secret_exposed_at",
    "secret_exposed_channel",
)
# A field the kept customer lacks is filled from the duplicate (an exposed secret stays flagged).
_FILLED_FROM_DUPLICATE = ("name", "phone", "country", "secret_exposed_at", "secret_exposed_channel")
_RESTORABLE = (*_FILLED_FROM_DUPLICATE, "notes", "is_vip")


@transaction.atomic
def customer_merge(*, primary: Customer, duplicate: Customer, actor) -> Customer:
    """Fold `duplicate` into `primary`: tickets, addresses and wallets move, the duplicate goes.

    The duplicate's primary address stays reachable as one of the primary's
    other emails, so mail from it still lands on the right customer. A portal
    login never moves with a merge (that would hand the primary's requests to
    whoever holds the duplicate's login): the duplicate's login is left
    unlinked until its owner proves an address again. Needs tickets.merge_customers.
    """
    access.require_permission(actor, "tickets.merge_customers")
    if primary.pk == duplicate.pk:
        raise ValidationError(_("A customer cannot be merged into itself."), code=ERROR_MERGE_SAME_CUSTOMER)
    locked = {
        customer.pk: customer
        for customer in Customer.objects.select_for_update().filter(pk__in=[primary.pk, duplicate.pk]).order_by("pk")
    }
    primary, duplicate = locked[primary.pk], locked[duplicate.pk]
    moved_ticket_ids = list(duplicate.tickets.values_list("id", flat=True))
    Ticket.objects.filter(customer=duplicate).update(customer=primary, updated_at=timezone.now())
    events.record_many(
        events.build_customer_merged(
            ticket=ticket_id, actor=actor, duplicate_email=duplicate.email, primary_email=primary.email
        )
        for ticket_id in moved_ticket_ids
    )
    duplicate_addresses = [duplicate.email, *duplicate.other_emails.values_list("email", flat=True)]
    known_wallets = set(primary.wallet_addresses.values_list("chain", "address"))
    duplicate_wallets = list(duplicate.wallet_addresses.all())
    wallets = [
        WalletAddress(customer=primary, chain=w.chain, address=w.address, label=w.label)
        for w in duplicate_wallets
        if (w.chain, w.address) not in known_wallets
    ]
    record = CustomerMerge(
        primary=primary,
        duplicate_email=duplicate.email,
        duplicate={
            **{field: getattr(duplicate, field) for field in _DUPLICATE_FIELDS},
            "user_id": duplicate.user_id,
            "other_emails": duplicate_addresses[1:],
            "wallets": [[w.chain, w.address, w.label] for w in duplicate_wallets],
        },
        moved_ticket_ids=moved_ticket_ids,
        added_emails=duplicate_addresses,
        added_wallets=[[w.chain, w.address] for w in wallets],
        merged_by=actor,
    )
    before = {field: getattr(primary, field) for field in _RESTORABLE}
    update_fields = ["updated_at"]
    if duplicate.notes:
        primary.notes = "\n\n".join(filter(None, [primary.notes, duplicate.notes]))
        update_fields.append("notes")
    if duplicate.is_vip and not primary.is_vip:
        primary.is_vip = True
        update_fields.append("is_vip")
    for field in _FILLED_FROM_DUPLICATE:
        if not getattr(primary, field) and getattr(duplicate, field):
            setattr(primary, field, getattr(duplicate, field))
            update_fields.append(field)
    duplicate.delete()
    CustomerEmail.objects.bulk_create(CustomerEmail(customer=primary, email=email) for email in duplicate_addresses)
    WalletAddress.objects.bulk_create(wallets)
    primary.save(update_fields=update_fields)
    # Only what the merge changed is restored by an undo; later edits of the kept customer stay.
    record.primary_before = {field: before[field] for field in update_fields if field in before}
    record.save()
    return primary


@transaction.atomic
def customer_merge_undo(*, merge: CustomerMerge, actor) -> Customer:
    """Bring a merged customer back: its row, addresses, wallets and tickets; the kept customer's own fields.

    Needs tickets.merge_customers (supervisors). Tickets the kept customer opened since stay with it;
    the duplicate's portal login is linked back only if it has not been linked to anyone since.
    """
    access.require_permission(actor, "tickets.merge_customers")
    merge = CustomerMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None or merge.primary_id is None:
        raise ValidationError(
            _("This merge was already undone, or its kept customer is gone."), code=ERROR_MERGE_UNDONE
        )
    primary = Customer.objects.select_for_update().get(pk=merge.primary_id)
    CustomerEmail.objects.filter(customer=primary, email__in=merge.added_emails).delete()
    snapshot = merge.duplicate
    user_id = snapshot["user_id"]
    if user_id is not None and Customer.objects.filter(user_id=user_id).exists():
        user_id = None
    restored = Customer.objects.create(**{field: snapshot[field] for field in _DUPLICATE_FIELDS}, user_id=user_id)
    CustomerEmail.objects.bulk_create(
        CustomerEmail(customer=restored, email=email) for email in snapshot["other_emails"]
    )
    for chain, address in merge.added_wallets:
        WalletAddress.objects.filter(customer=primary, chain=chain, address=address).delete()
    WalletAddress.objects.bulk_create(
        WalletAddress(customer=restored, chain=chain, address=address, label=label)
        for chain, address, label in snapshot["wallets"]
    )
    moved_back = list(
        Ticket.objects.filter(pk__in=merge.moved_ticket_ids, customer=primary).values_list("id", flat=True)
    )
    Ticket.objects.filter(pk__in=moved_back).update(customer=restored, updated_at=timezone.now())
    events.record_many(
        events.build_customer_merged(
            ticket=ticket_id, actor=actor, duplicate_email=primary.email, primary_email=restored.email,
            note=_("merge undone"),
        )
        for ticket_id in moved_back
    )  # fmt: skip
    for field, value in merge.primary_before.items():
        setattr(primary, field, value)
    primary.save(update_fields=[*merge.primary_before, "updated_at"])
    merge.undone_by = actor
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_by", "undone_at"])
    return restored


@transaction.atomic
def customer_link_by_code(*, user, ticket_id: int, code: str) -> str:
    """Link a signed-in portal login to the customer of a ticket, once it proves control of their address or phone.

    The proof is the identity verification code (tickets.safety.services.verification) that
    staff send from the ticket to the email and phone on the customer record: staff can start
    the flow, only the person who receives the code can complete it, and never on a staff login.
    Returns the verification result; only VERIFIED links. A customer record that already has a
    login keeps it. The timeline records the link with the login's address.
    """
    if user is None or not user.is_authenticated or user.is_staff:
        raise PermissionDenied(_("Only a customer's own portal login can be linked."))
    if customer_for_user(user=user) is not None:
        raise ValidationError(_("Your sign-in is already linked to a customer record."), code=ERROR_ALREADY_LINKED)
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return verification.NOTHING_PENDING
    result = verification.verification_check(ticket=ticket, code=code, through="portal link", actor=user)
    if result != verification.VERIFIED:
        return result
    customer = Customer.objects.select_for_update().get(pk=ticket.customer_id)
    if customer.user_id is not None:
        raise ValidationError(
            _("This customer record already has a portal login. Please contact us."), code=ERROR_ALREADY_LINKED
        )
    customer.user = user
    customer.save(update_fields=["user", "updated_at"])
    events.customer_linked(
        ticket=ticket, actor=user, login=user.email or user.get_username(), note=_("verification code")
    )
    return result


# The customer's own profile and requests -----------------------------------


def _require_owner(ticket: Ticket, user) -> None:
    if user is None or not user.is_authenticated or ticket.customer.user_id != user.pk:
        raise PermissionDenied(_("This is not your request."))


@transaction.atomic
def customer_update_profile(
    *,
    customer: Customer,
    name: str,
    language: str,
    time_zone: str,
    notify_on_reply: bool,
    notify_on_status: bool,
) -> Customer:
    """Save what the customer may change about themselves; the time zone lives on their login."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": ValidationError(_("Unknown language."), code=ERROR_UNKNOWN_LANGUAGE)})
    if time_zone and not is_time_zone(time_zone):
        raise ValidationError({"time_zone": ValidationError(_("Unknown time zone."), code=ERROR_UNKNOWN_TIME_ZONE)})
    gated = intake.gate_standalone({"name": " ".join(name.split())}, channel="profile", customer=customer)
    customer.name = gated.values["name"][:200]
    customer.language = language
    customer.notify_on_reply = notify_on_reply
    customer.notify_on_status = notify_on_status
    customer.save(update_fields=["name", "language", "notify_on_reply", "notify_on_status", "updated_at"])
    user = customer.user
    if user is not None and user.time_zone != time_zone:
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
    return customer


@transaction.atomic
def customer_set_language(*, customer: Customer, language: str) -> Customer:
    """The customer's preferred language (the portal's language switcher, a detected first message)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": ValidationError(_("Unknown language."), code=ERROR_UNKNOWN_LANGUAGE)})
    if customer.language != language:
        customer.language = language
        customer.save(update_fields=["language", "updated_at"])
    return customer


@transaction.atomic
def ticket_customer_solve(*, ticket: Ticket, user) -> Ticket:
    """The customer says their problem is solved."""
    _require_owner(ticket, user)
    ticket = lock_ticket(ticket)
    if ticket.status in (Status.SOLVED, Status.CLOSED):
        raise ValidationError(_("This request is already solved."), code=ERROR_ALREADY_SOLVED)
    apply_status(ticket, Status.SOLVED, user, note=_("marked solved by the customer"))
    return ticket


@transaction.atomic
def ticket_customer_reopen(*, ticket: Ticket, user) -> Ticket:
    """The customer reopens a solved request, within PORTAL_REOPEN_WINDOW_DAYS of its solution."""
    _require_owner(ticket, user)
    ticket = lock_ticket(ticket)
    if not customer_can_reopen(ticket=ticket):
        raise ValidationError(
            _("This request can no longer be reopened. Please submit a new request."), code=ERROR_REOPEN_WINDOW
        )
    apply_status(ticket, Status.OPEN, user, note=_("reopened by the customer"))
    return ticket


# Public contact form -------------------------------------------------------


def contact_request_token(contact_request: ContactRequest) -> str:
    return signing.dumps(contact_request.pk, salt=_CONTACT_SALT)


@transaction.atomic
def contact_request_create(
    *, email: str, name: str, subject: str, body: str, category: Category | None, language: str, site_url: str
) -> ContactRequest:
    """Hold a request from someone without an account and mail them a link to confirm it.

    `site_url` is the absolute root of the portal the link points to.
    """
    gated = intake.gate_standalone(
        {"name": " ".join(name.split()), "subject": clean_subject(subject), "body": clean_body(body)},
        channel=Channel.WEB_FORM,
    )
    contact_request = ContactRequest.objects.create(
        email=normalise_email(email),
        name=gated.values["name"][:200],
        subject=gated.values["subject"],
        body=gated.values["body"],
        category=category,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        secret_kinds=gated.kinds,
    )
    transaction.on_commit(
        lambda: async_task("tickets.tasks.contact_request_send_confirmation", contact_request.pk, site_url)
    )
    return contact_request


def contact_request_from_token(token: str) -> ContactRequest:
    """The request a confirmation link names; ValidationError (with a code) if it is forged or too old."""
    try:
        pk = signing.loads(token, salt=_CONTACT_SALT, max_age=settings.PORTAL_CONTACT_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(
            _("This link has expired. Please send the form again."), code=ERROR_LINK_EXPIRED
        ) from error
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid."), code=ERROR_LINK_INVALID) from error
    contact_request = ContactRequest.objects.select_related("ticket").filter(pk=pk).first()
    if contact_request is None:
        raise ValidationError(_("This link is not valid."), code=ERROR_LINK_INVALID)
    return contact_request


@transaction.atomic
def contact_request_confirm(*, contact_request: ContactRequest) -> Ticket | None:
    """The sender proved the address: the request becomes a web-form ticket (once, however often they click)."""
    contact_request = ContactRequest.objects.select_for_update().get(pk=contact_request.pk)
    if contact_request.confirmed_at is not None:
        return contact_request.ticket
    customer, _created = customer_get_or_create(
        email=contact_request.email, name=contact_request.name, language=contact_request.language
    )
    ticket = ticket_create(
        customer=customer,
        subject=contact_request.subject,
        body=contact_request.body,
        channel=Channel.WEB_FORM,
        category=contact_request.category,
        language=contact_request.language,
    )
    if contact_request.secret_kinds:
        intake.secret_exposure_record_earlier(
            ticket=ticket, kinds=contact_request.secret_kinds, where=_("contact form"), actor=None
        )
    contact_request.confirmed_at = timezone.now()
    contact_request.ticket = ticket
    contact_request.save(update_fields=["confirmed_at", "ticket"])
    return ticket
