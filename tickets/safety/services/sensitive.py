"""Account-sensitive actions: allowed only for a requester who proved their identity recently.

The rule lives here, in the services, so the admin, the API and any job meet the same refusal:
changing a customer's contact address or phone, helping with account recovery, paying a refund to
an address, or disclosing account details needs an identity verification (tickets.safety.services.
verification) of that customer that succeeded within SAFETY_SENSITIVE_ACTION_WINDOW_MINUTES.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets import access, events
from tickets.models import Customer, Ticket
from tickets.safety.models import IdentityVerification, VerificationStatus

ERROR_VERIFICATION_REQUIRED = "verification_required"


class SensitiveAction(models.TextChoices):
    CONTACT_CHANGE = "contact_change", gettext_lazy("Change of contact address or phone")
    ACCOUNT_RECOVERY = "account_recovery", gettext_lazy("Account-recovery help")
    REFUND_TO_ADDRESS = "refund_to_address", gettext_lazy("Refund to an address")
    ACCOUNT_DISCLOSURE = "account_disclosure", gettext_lazy("Disclosure of account details")


@dataclass(frozen=True)
class VerificationState:
    verified_at: datetime | None
    valid_until: datetime | None

    @property
    def is_valid(self) -> bool:
        return self.valid_until is not None and self.valid_until > timezone.now()


def verification_state(*, customer: Customer) -> VerificationState:
    """The customer's latest successful verification (any of their tickets) and until when it counts."""
    verified_at = (
        IdentityVerification.objects.filter(ticket__customer=customer, status=VerificationStatus.VERIFIED)
        .order_by("-verified_at")
        .values_list("verified_at", flat=True)
        .first()
    )
    return verification_state_at(verified_at)


def verification_state_at(verified_at: datetime | None) -> VerificationState:
    """The state for a known latest successful verification time (e.g. annotated on the ticket page's ticket)."""
    if verified_at is None:
        return VerificationState(verified_at=None, valid_until=None)
    window = timedelta(minutes=settings.SAFETY_SENSITIVE_ACTION_WINDOW_MINUTES)
    return VerificationState(verified_at=verified_at, valid_until=verified_at + window)


def require_recent_verification(*, customer: Customer, action: str) -> VerificationState:
    """Raise a ValidationError (code verification_required) unless the customer verified within the window."""
    state = verification_state(customer=customer)
    if not state.is_valid:
        raise ValidationError(
            _(
                "%(action)s needs the customer's identity verified within the last %(minutes)d minutes. "
                "Send a verification code and wait for the customer to enter it."
            )
            % {"action": SensitiveAction(action).label, "minutes": settings.SAFETY_SENSITIVE_ACTION_WINDOW_MINUTES},
            code=ERROR_VERIFICATION_REQUIRED,
        )
    return state


@transaction.atomic
def sensitive_action_record(*, ticket: Ticket, action: str, actor, note: str = "") -> None:
    """An agent helps with account recovery or discloses account details: verified first, then recorded."""
    access.require_ticket_permission(actor, ticket.pk)
    if action not in (SensitiveAction.ACCOUNT_RECOVERY, SensitiveAction.ACCOUNT_DISCLOSURE):
        raise ValidationError(_("Unknown sensitive action."), code="invalid_action")
    require_recent_verification(customer=ticket.customer, action=action)
    events.verification_changed(
        ticket=ticket, actor=actor, status=action, note=note[:255] or str(SensitiveAction(action).label)
    )


@transaction.atomic
def customer_change_contact(*, customer: Customer, actor, email: str | None = None, phone: str | None = None) -> None:
    """Change the customer's primary email and/or phone: only for a recently verified customer."""
    access.require_permission(actor, "tickets.change_customer")
    require_recent_verification(customer=customer, action=SensitiveAction.CONTACT_CHANGE)
    fields = []
    if email is not None and email != customer.email:
        customer.email = email
        fields.append("email")
    if phone is not None and phone != customer.phone:
        customer.phone = phone
        fields.append("phone")
    if fields:
        customer.save(update_fields=[*fields, "updated_at"])
