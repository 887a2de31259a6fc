"""Writes to customers: find or create by address, link a portal user, merge duplicates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.kit.text import normalise_email
from tickets import events
from tickets.models import Customer, CustomerEmail, Ticket, WalletAddress
from tickets.services.base import (
    ERROR_MERGE_SAME_CUSTOMER,
)


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
    events.record_many(
        events.build_customer_merged(
            ticket=ticket_id, actor=actor, duplicate_email=duplicate.email, primary_email=primary.email
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
