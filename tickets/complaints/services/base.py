"""Shared pieces of the complaint services: error codes, permission checks, the row lock,
and touching the complaint's ticket, whose timeline (tickets.events) records every change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.kit.validators import field_error
from tickets import access
from tickets import services as ticket_services
from tickets.complaints.models import Complaint
from tickets.models import Ticket

ERROR_INVALID_STAGE_TRANSITION = "invalid_stage_transition"
ERROR_ALREADY_A_COMPLAINT = "already_a_complaint"
ERROR_TICKET_CLOSED = ticket_services.ERROR_TICKET_CLOSED
ERROR_REASON_REQUIRED = "reason_required"
ERROR_NO_REMEDY = "no_remedy"
ERROR_APPROVAL_PENDING = "approval_pending"
ERROR_NO_RESOLUTION_SUMMARY = "no_resolution_summary"
ERROR_COMPLAINT_FINAL = "complaint_final"
ERROR_REMEDY_STAGE = "remedy_wrong_stage"
ERROR_AMOUNT_REQUIRED = "amount_required"
ERROR_AMOUNT_NOT_ALLOWED = "amount_not_allowed"
ERROR_INVALID_AMOUNT = "invalid_amount"
ERROR_SAME_APPROVER = "same_approver"
ERROR_REMEDY_NOT_PENDING = "remedy_not_pending"
ERROR_REMEDY_NOT_PAYABLE = "remedy_not_payable"
ERROR_NOT_AWAITING_CONFIRMATION = "not_awaiting_confirmation"
ERROR_EVIDENCE_OTHER_TICKET = "evidence_other_ticket"
ERROR_OWNER_NOT_STAFF = "owner_not_staff"


def domain_error(message: str, code: str, field: str | None = None) -> ValidationError:
    """A coded error, on `field` when given (kit.validators.field_error), else on the complaint as a whole."""
    return field_error(field, message, code) if field else ValidationError(message, code=code)


def touch_tickets(ticket_ids: Iterable[int], *, now: datetime | None = None) -> None:
    """The complaint's history is the ticket's timeline: each change leaves an event and touches the ticket."""
    Ticket.objects.filter(pk__in=list(ticket_ids)).update(updated_at=now or timezone.now())


def require_staff(actor, ticket_id: int, permission: str = "tickets.change_complaint") -> None:
    access.require_ticket_permission(actor, ticket_id, permission)


def require_customer(user, ticket_id: int) -> None:
    if user is None or user.is_staff or not Ticket.objects.visible_to(user).filter(pk=ticket_id).exists():
        raise PermissionDenied(_("This is not your complaint."))


def lock_complaint(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("ticket").get(pk=complaint.pk)
