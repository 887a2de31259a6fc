"""Follow-up: the customer confirms or rejects the resolution (portal or emailed link), and the daily
sweep reminds customers who have not answered and closes what stays unanswered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from tickets import events
from tickets.complaints import tokens
from tickets.complaints.models import Complaint, ConfirmationToken, Stage
from tickets.complaints.selectors import confirmation_token_lookup
from tickets.complaints.services.base import (
    ERROR_NOT_AWAITING_CONFIRMATION,
    domain_error,
    lock_complaint,
    require_customer,
    touch_tickets,
)
from tickets.complaints.services.stages import move_stage, send_closed_on_commit
from tickets.safety.services import intake as safety_intake


@transaction.atomic
def confirmation_link_issue(*, complaint: Complaint) -> str:
    """A new signed, single-use link token for the customer; only its hash is stored."""
    complaint = lock_complaint(complaint)
    if complaint.stage != Stage.AWAITING_CONFIRMATION:
        raise domain_error(
            _("This complaint is not awaiting the customer's confirmation."), ERROR_NOT_AWAITING_CONFIRMATION
        )
    token = tokens.new_token()
    ConfirmationToken.objects.create(
        complaint=complaint,
        token_hash=tokens.token_hash(token),
        expires_at=timezone.now() + tokens.link_lifetime(),
    )
    return token


def _answer(complaint: Complaint, *, resolved: bool, comment: str, actor, via_link: bool = False) -> Complaint:
    if complaint.stage != Stage.AWAITING_CONFIRMATION:
        raise domain_error(_("This complaint is not awaiting your confirmation."), ERROR_NOT_AWAITING_CONFIRMATION)
    now = timezone.now()
    complaint.customer_resolved = resolved
    gated = safety_intake.gate_on_ticket({"comment": (comment or "").strip()}, ticket=complaint.ticket, actor=actor)
    complaint.customer_comment = gated["comment"]
    complaint.customer_answered_at = now
    complaint.save(update_fields=["customer_resolved", "customer_comment", "customer_answered_at", "updated_at"])
    ConfirmationToken.objects.filter(complaint=complaint, used_at__isnull=True).update(used_at=now)
    note = _("customer: resolved") if resolved else _("customer: not resolved")
    if via_link:
        # Whoever holds the emailed link answers; the timeline says it was the link, not a signed-in customer.
        note = _("%(answer)s (via customer link)") % {"answer": note}
    if complaint.customer_comment:
        note = f"{note} – {complaint.customer_comment}"
    move_stage(complaint, Stage.CLOSED_CONFIRMED if resolved else Stage.REOPENED, actor, note, now=now)
    return complaint


@transaction.atomic
def complaint_respond(*, complaint: Complaint, resolved: bool, user, comment: str = "") -> Complaint:
    """The signed-in customer confirms ("resolved") or rejects ("not resolved") the resolution in the portal."""
    require_customer(user, complaint.ticket_id)
    return _answer(lock_complaint(complaint), resolved=resolved, comment=comment, actor=user)


@transaction.atomic
def complaint_respond_with_link(*, token: str, resolved: bool, comment: str = "", user=None) -> Complaint:
    """The customer answers through the emailed link. A signed-in visitor must be that customer."""
    stored = confirmation_token_lookup(token=token, for_update=True)
    customer = stored.complaint.ticket.customer
    if user is not None and user.is_authenticated and customer.user_id != user.pk:
        raise domain_error(_("This link is not valid."), tokens.ERROR_LINK_INVALID)
    return _answer(
        lock_complaint(stored.complaint), resolved=resolved, comment=comment, actor=customer.user, via_link=True
    )


@dataclass(frozen=True)
class FollowUpResult:
    reminded: list[int]
    closed: list[int]


@transaction.atomic
def complaint_follow_up_sweep(*, now: datetime | None = None) -> FollowUpResult:
    """Daily: remind customers who have not answered after N days, close as unconfirmed after M days.

    Set-based and idempotent: a complaint is reminded once (reminder_sent_at) and
    closed once (it leaves the awaiting stage), however often the sweep runs.
    """
    now = now or timezone.now()
    awaiting = Complaint.objects.select_for_update().filter(stage=Stage.AWAITING_CONFIRMATION)
    close_cutoff = now - timedelta(days=settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS)
    remind_cutoff = now - timedelta(days=settings.COMPLAINT_REMINDER_AFTER_DAYS)

    to_close = list(awaiting.filter(resolution_communicated_at__lte=close_cutoff).values_list("pk", "ticket_id"))
    if to_close:
        Complaint.objects.filter(pk__in=[pk for pk, _ticket in to_close]).update(
            stage=Stage.CLOSED_UNCONFIRMED, stage_entered_at=now, stage_due_at=None, closed_at=now, updated_at=now
        )
        closed_ticket_ids = [ticket_id for _pk, ticket_id in to_close]
        events.record_many(
            events.build_complaint_stage_changed(
                ticket=ticket_id,
                actor=None,
                before=Stage.AWAITING_CONFIRMATION,
                after=Stage.CLOSED_UNCONFIRMED,
                note=_("no answer from the customer"),
                at=now,
            )
            for ticket_id in closed_ticket_ids
        )
        touch_tickets(closed_ticket_ids, now=now)
        for pk, ticket_id in to_close:
            send_closed_on_commit(Complaint(pk=pk, ticket_id=ticket_id, stage=Stage.CLOSED_UNCONFIRMED))

    to_remind = list(
        awaiting.filter(
            resolution_communicated_at__lte=remind_cutoff,
            resolution_communicated_at__gt=close_cutoff,
            reminder_sent_at__isnull=True,
        ).values_list("pk", "ticket_id")
    )
    if to_remind:
        Complaint.objects.filter(pk__in=[pk for pk, _ticket in to_remind]).update(reminder_sent_at=now, updated_at=now)
        reminded_ticket_ids = [ticket_id for _pk, ticket_id in to_remind]
        events.record_many(
            events.build_complaint_followed_up(
                ticket=ticket_id, step="reminder", note=_("reminder sent to the customer"), at=now
            )
            for ticket_id in reminded_ticket_ids
        )
        touch_tickets(reminded_ticket_ids, now=now)
        for pk, _ticket_id in to_remind:
            transaction.on_commit(
                lambda pk=pk: async_task("tickets.complaints.tasks.send_confirmation_request", pk, True)
            )
    return FollowUpResult(reminded=[pk for pk, _t in to_remind], closed=[pk for pk, _t in to_close])
