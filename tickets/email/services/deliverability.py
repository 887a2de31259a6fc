"""Delivery health of recipient addresses: bounces are counted, and an address that keeps failing
permanently (SUPPORT_EMAIL_HARD_BOUNCE_LIMIT) is marked bouncing so no more mail is queued for it.

A mail from the address itself, or an administrator, clears the mark: the mailbox works again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tickets.email.models import BounceType, EmailAddressStatus


@transaction.atomic
def email_address_record_bounce(*, address: str, bounce_type: str, diagnostic: str = "") -> EmailAddressStatus:
    """Count one bounce of `address`; the limit-th permanent failure marks it bouncing."""
    status, _created = EmailAddressStatus.objects.select_for_update().get_or_create(address=address.lower())
    now = timezone.now()
    if bounce_type == BounceType.HARD:
        status.hard_bounces = F("hard_bounces") + 1
    elif bounce_type == BounceType.SOFT:
        status.soft_bounces = F("soft_bounces") + 1
    status.last_bounce_at, status.last_diagnostic = now, diagnostic[:500]
    status.save(update_fields=["hard_bounces", "soft_bounces", "last_bounce_at", "last_diagnostic"])
    status.refresh_from_db(fields=["hard_bounces", "soft_bounces"])
    if status.bouncing_since is None and status.hard_bounces >= settings.SUPPORT_EMAIL_HARD_BOUNCE_LIMIT:
        status.bouncing_since = now
        status.save(update_fields=["bouncing_since"])
    return status


def email_address_clear_bouncing(*, addresses: list[str]) -> int:
    """The addresses work again (they wrote to us, or an administrator says so): count from zero."""
    return EmailAddressStatus.objects.filter(address__in=[address.lower() for address in addresses]).update(
        hard_bounces=0, soft_bounces=0, bouncing_since=None
    )
