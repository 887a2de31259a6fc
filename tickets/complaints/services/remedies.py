"""Remedies: refunds, compensation, fee waivers, explanations and fixes; money that takes the
complaint's (or the customer's recent) running total above the asset's threshold waits for four-eyes
approval, and a paid remedy records its payment reference."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.kit.validators import check_choice
from tickets import events
from tickets.complaints.models import MONEY_REMEDIES, Complaint, Remedy, RemedyKind, RemedyStatus, Stage
from tickets.complaints.services.base import (
    ERROR_AMOUNT_NOT_ALLOWED,
    ERROR_AMOUNT_REQUIRED,
    ERROR_INVALID_AMOUNT,
    ERROR_REASON_REQUIRED,
    ERROR_REMEDY_NOT_PAYABLE,
    ERROR_REMEDY_NOT_PENDING,
    ERROR_REMEDY_STAGE,
    ERROR_SAME_APPROVER,
    domain_error,
    lock_complaint,
    require_staff,
    touch_tickets,
)
from tickets.models import Customer
from tickets.notifications import services as notifications
from tickets.safety.services.sensitive import SensitiveAction, require_recent_verification


def approval_threshold(asset: str) -> Decimal:
    thresholds = settings.COMPLAINT_REMEDY_APPROVAL_THRESHOLDS
    return Decimal(str(thresholds.get(asset.upper(), settings.COMPLAINT_REMEDY_DEFAULT_THRESHOLD)))


def _granted_or_pending_total(remedies, asset: str) -> Decimal:
    """What is already promised or asked for in `asset`: every money line except the rejected ones."""
    total = (
        remedies.filter(asset=asset, amount__isnull=False)
        .exclude(status=RemedyStatus.REJECTED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or Decimal(0)


def _needs_four_eyes(*, complaint: Complaint, amount: Decimal, asset: str) -> bool:
    """Whether a new line of `amount` needs approval: judged on running totals, not on the line alone.

    Splitting one refund into several lines under the threshold must not bypass the approval, so
    the new amount is added to what the complaint already carries in that asset, and to what the
    customer received or was offered in the last COMPLAINT_REMEDY_CUSTOMER_WINDOW_DAYS days over
    all their complaints; either total above the threshold needs a second person.
    """
    since = timezone.now() - timedelta(days=settings.COMPLAINT_REMEDY_CUSTOMER_WINDOW_DAYS)
    customer_recent = Remedy.objects.filter(
        complaint__ticket__customer_id=complaint.ticket.customer_id, proposed_at__gte=since
    )
    complaint_total = amount + _granted_or_pending_total(complaint.remedies.all(), asset)
    customer_total = amount + _granted_or_pending_total(customer_recent, asset)
    return max(complaint_total, customer_total) > approval_threshold(asset)


def _clean_amount(kind: str, amount, asset: str) -> tuple[Decimal | None, str]:
    asset = (asset or "").strip().upper()
    if kind not in MONEY_REMEDIES:
        if amount is not None or asset:
            raise domain_error(_("This kind of remedy carries no amount."), ERROR_AMOUNT_NOT_ALLOWED, "amount")
        return None, ""
    try:
        amount = Decimal(str(amount)) if amount is not None else None
    except InvalidOperation as error:
        raise domain_error(_("Enter a valid amount."), ERROR_INVALID_AMOUNT, "amount") from error
    if amount is None or not asset:
        raise domain_error(
            _("A refund, compensation or fee waiver needs an amount and an asset."), ERROR_AMOUNT_REQUIRED, "amount"
        )
    if amount <= 0 or not amount.is_finite():
        raise domain_error(_("The amount must be greater than zero."), ERROR_INVALID_AMOUNT, "amount")
    return amount, asset


@transaction.atomic
def remedy_propose(
    *, complaint: Complaint, kind: str, actor, amount: Decimal | None = None, asset: str = "", description: str = ""
) -> Remedy:
    """Add a remedy line. Money above the asset's threshold waits for four-eyes approval; the rest is approved."""
    check_choice(kind, RemedyKind, "kind")
    require_staff(actor, complaint.ticket_id, "tickets.add_remedy")
    complaint = lock_complaint(complaint)
    # Serialises proposals for one customer, so two lines on two of their complaints cannot both
    # slip under the customer's running total.
    Customer.objects.select_for_update().filter(pk=complaint.ticket.customer_id).first()
    if complaint.stage not in (Stage.INVESTIGATION, Stage.REOPENED, Stage.RESOLUTION_PROPOSED):
        raise domain_error(
            _("Remedies are proposed during the investigation, not at stage %(stage)s.")
            % {"stage": Stage(complaint.stage).label},
            ERROR_REMEDY_STAGE,
        )
    amount, asset = _clean_amount(kind, amount, asset)
    needs_approval = amount is not None and _needs_four_eyes(complaint=complaint, amount=amount, asset=asset)
    remedy = Remedy.objects.create(
        complaint=complaint,
        kind=kind,
        amount=amount,
        asset=asset,
        description=(description or "").strip(),
        status=RemedyStatus.PENDING_APPROVAL if needs_approval else RemedyStatus.APPROVED,
        needs_approval=needs_approval,
        proposed_by=actor,
    )
    events.remedy_changed(
        ticket=complaint.ticket_id,
        actor=actor,
        after=remedy.status,
        note=_("proposed: %(remedy)s") % {"remedy": remedy},
    )
    touch_tickets([complaint.ticket_id])
    if needs_approval:
        notifications.on_commit(notifications.notify_approval_needed, remedy_id=remedy.pk)
    return remedy


def _lock_remedy(remedy: Remedy) -> Remedy:
    return Remedy.objects.select_for_update().select_related("complaint").get(pk=remedy.pk)


@transaction.atomic
def _remedy_decide(*, remedy: Remedy, actor, reason: str, approve: bool) -> Remedy:
    remedy = _lock_remedy(remedy)
    require_staff(actor, remedy.complaint.ticket_id, "tickets.approve_remedy")
    if remedy.proposed_by_id == actor.pk:
        raise domain_error(_("Someone other than the proposer must decide on this remedy."), ERROR_SAME_APPROVER)
    if remedy.status != RemedyStatus.PENDING_APPROVAL:
        raise domain_error(_("This remedy is not awaiting approval."), ERROR_REMEDY_NOT_PENDING)
    reason = (reason or "").strip()
    if not reason:
        raise domain_error(_("Please give a reason for the decision."), ERROR_REASON_REQUIRED, "reason")
    remedy.status = RemedyStatus.APPROVED if approve else RemedyStatus.REJECTED
    remedy.decided_by = actor
    remedy.decided_at = timezone.now()
    remedy.decision_reason = reason[:255]
    remedy.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    events.remedy_changed(
        ticket=remedy.complaint.ticket_id,
        actor=actor,
        before=RemedyStatus.PENDING_APPROVAL,
        after=remedy.status,
        note=f"{remedy}: {reason}",
    )
    touch_tickets([remedy.complaint.ticket_id])
    return remedy


def remedy_approve(*, remedy: Remedy, actor, reason: str) -> Remedy:
    """Four-eyes approval: needs tickets.approve_remedy and must not be the proposer."""
    return _remedy_decide(remedy=remedy, actor=actor, reason=reason, approve=True)


def remedy_reject(*, remedy: Remedy, actor, reason: str) -> Remedy:
    return _remedy_decide(remedy=remedy, actor=actor, reason=reason, approve=False)


@transaction.atomic
def remedy_mark_paid(*, remedy: Remedy, actor, payment_reference: str = "") -> Remedy:
    """Record that an approved money remedy went out (the ledger's "paid" line)."""
    remedy = _lock_remedy(remedy)
    require_staff(actor, remedy.complaint.ticket_id, "tickets.change_remedy")
    if remedy.status != RemedyStatus.APPROVED or remedy.amount is None:
        raise domain_error(
            _("Only an approved refund, compensation or fee waiver can be paid."), ERROR_REMEDY_NOT_PAYABLE
        )
    if remedy.kind == RemedyKind.REFUND:
        # A refund goes out to an address the customer gives: only to a requester who proved who they are.
        require_recent_verification(customer=remedy.complaint.ticket.customer, action=SensitiveAction.REFUND_TO_ADDRESS)
    remedy.status = RemedyStatus.PAID
    remedy.paid_by = actor
    remedy.paid_at = timezone.now()
    remedy.payment_reference = (payment_reference or "").strip()[:128]
    remedy.save(update_fields=["status", "paid_by", "paid_at", "payment_reference"])
    events.remedy_changed(
        ticket=remedy.complaint.ticket_id,
        actor=actor,
        before=RemedyStatus.APPROVED,
        after=RemedyStatus.PAID,
        note=f"{remedy} {remedy.payment_reference}".strip(),
    )
    touch_tickets([remedy.complaint.ticket_id])
    return remedy
