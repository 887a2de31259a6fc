"""Legal holds: set and released by an administrator or supervisor; retention and erasure ask before touching data."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.models import LegalHold
from tickets.models import Customer, Ticket

ERROR_ALREADY_RELEASED = "hold_already_released"
ERROR_NO_TARGET = "hold_without_target"


@transaction.atomic
def legal_hold_set(*, reason: str, actor, customer: Customer | None = None, ticket: Ticket | None = None) -> LegalHold:
    if (customer is None) == (ticket is None):
        raise ValidationError(_("A legal hold is on one customer or one ticket."), code=ERROR_NO_TARGET)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the legal hold."), code="hold_without_reason")
    return LegalHold.objects.create(customer=customer, ticket=ticket, reason=reason.strip(), set_by=actor)


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, actor) -> LegalHold:
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise ValidationError(_("This legal hold was already released."), code=ERROR_ALREADY_RELEASED)
    hold.released_by, hold.released_at = actor, timezone.now()
    hold.save(update_fields=["released_by", "released_at"])
    return hold


def held_customer_ids() -> QuerySet:
    """Customers under an active hold, directly or through one of their tickets."""
    active = LegalHold.objects.active()
    return Customer.objects.filter(
        Q(pk__in=active.filter(customer__isnull=False).values("customer_id"))
        | Q(tickets__in=active.filter(ticket__isnull=False).values("ticket_id"))
    ).values("pk")


def held_ticket_ids() -> QuerySet:
    """Tickets under an active hold, directly or because their customer is held."""
    active = LegalHold.objects.active()
    return Ticket.objects.filter(
        Q(pk__in=active.filter(ticket__isnull=False).values("ticket_id"))
        | Q(customer_id__in=active.filter(customer__isnull=False).values("customer_id"))
    ).values("pk")


def customer_is_held(customer: Customer) -> bool:
    active = LegalHold.objects.active()
    return active.filter(Q(customer=customer) | Q(ticket__customer=customer)).exists()
