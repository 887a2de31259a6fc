"""Who writes from a channel handle: find or create the identity, and link it to the real customer record."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _

from tickets import access, services
from tickets.connectors.base import InboundEvent
from tickets.connectors.models import ChannelIdentity
from tickets.email.addresses import is_placeholder_email, placeholder_email
from tickets.models import Channel, Customer
from tickets.safety.models import IdentityVerification, VerificationStatus
from tickets.safety.services import intake as safety_intake

ERROR_NOT_VERIFIED = "channel_identity_not_verified"
ERROR_SAME_CUSTOMER = "channel_identity_same_customer"
# How recent the verification of the customer's identity must be to link a handle to them.
LINK_VERIFICATION_WINDOW = timedelta(hours=24)


def desk_language(tag: str) -> str:
    """The desk language closest to a channel's language tag ("zh-hans", "pt-br", "id"), English otherwise."""
    try:
        return get_supported_language_variant((tag or "en").lower())
    except LookupError:
        return "en"


def normalise_phone(value: str) -> str:
    """+, then digits: "+86 138-0000 0000" → "+8613800000000"."""
    digits = "".join(character for character in value if character.isdigit())
    return f"+{digits}" if digits else ""


def customer_by_phone(phone: str) -> Customer | None:
    """The customer whose recorded phone is this number, however it was typed (spaces, dashes, brackets)."""
    number = normalise_phone(phone)
    if not number:
        return None
    # The phone is encrypted at rest: an exact match through its blind index, for each way it may have been stored.
    variants = Q()
    for variant in (number, number[1:], "00" + number[1:]):
        variants |= Q(phone__blind=variant)
    return Customer.objects.filter(variants).order_by("id").first()


def channel_identity_for(*, connector_name: str, channel: str, event: InboundEvent) -> ChannelIdentity:
    """The identity of the event's handle; a first contact gets a customer (by phone, or a new one).

    A phone number already on a customer record finds that customer, but the identity stays
    unverified: caller ids can be forged, so account-sensitive help still needs a verification code.
    """
    identity = (
        ChannelIdentity.objects.select_related("customer").filter(connector=connector_name, handle=event.handle).first()
    )
    names = {
        "display_name": safety_intake.gate_text(event.display_name)[:200],
        "username": safety_intake.gate_text(event.username)[:100],
        "language": event.language[:16],
    }
    if identity is not None:
        changed = [name for name, value in names.items() if value and getattr(identity, name) != value]
        for name in changed:
            setattr(identity, name, names[name])
        identity.last_seen_at = timezone.now()
        identity.save(update_fields=[*changed, "last_seen_at"])
        return identity
    customer = customer_by_phone(event.handle) if channel in (Channel.SMS, Channel.PHONE) else None
    if customer is None:
        customer, _created = services.customer_get_or_create(
            email=placeholder_email(connector=connector_name, handle=event.handle),
            name=names["display_name"] or (f"@{names['username']}" if names["username"] else ""),
            language=desk_language(event.language),
        )
        if channel in (Channel.SMS, Channel.PHONE) and not customer.phone:
            customer.phone = normalise_phone(event.handle)
            customer.save(update_fields=["phone", "updated_at"])
    try:
        with transaction.atomic():
            return ChannelIdentity.objects.create(
                connector=connector_name, handle=event.handle, customer=customer, **names
            )
    except IntegrityError:
        return ChannelIdentity.objects.select_related("customer").get(connector=connector_name, handle=event.handle)


@transaction.atomic
def channel_identity_link(*, identity: ChannelIdentity, customer: Customer, actor) -> ChannelIdentity:
    """Link a handle to the customer the person proved to be (a verification code on one of their tickets).

    Needs tickets.merge_customers (it changes whose requests the handle writes into). The placeholder
    customer a first contact got is merged into `customer`, so its tickets move with the handle.
    """
    access.require_permission(actor, "tickets.merge_customers")
    identity = ChannelIdentity.objects.select_for_update().select_related("customer").get(pk=identity.pk)
    if identity.customer_id == customer.pk:
        raise ValidationError(_("This handle already belongs to that customer."), code=ERROR_SAME_CUSTOMER)
    verified = IdentityVerification.objects.filter(
        ticket__customer=customer,
        status=VerificationStatus.VERIFIED,
        verified_at__gte=timezone.now() - LINK_VERIFICATION_WINDOW,
    ).exists()
    if not verified:
        raise ValidationError(
            _(
                "Verify the customer first: send a verification code from one of their tickets and have the "
                "person enter it (within the last 24 hours)."
            ),
            code=ERROR_NOT_VERIFIED,
        )
    previous = identity.customer
    identity.customer, identity.verified_at, identity.verified_by = customer, timezone.now(), actor
    identity.save(update_fields=["customer", "verified_at", "verified_by"])
    if is_placeholder_email(previous.email) and not ChannelIdentity.objects.filter(customer=previous).exists():
        services.customer_merge(primary=customer, duplicate=previous, actor=actor)
    return identity
