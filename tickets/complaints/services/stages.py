"""The complaint's stage map: due dates, moves (each recorded, a final one announced after commit)
and the staff member's stage change with the guards of the target stage."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from supportdesk.kit.validators import check_choice
from tickets import events
from tickets.complaints.models import FINAL_STAGES, Complaint, RemedyStatus, Stage
from tickets.complaints.services.base import (
    ERROR_APPROVAL_PENDING,
    ERROR_INVALID_STAGE_TRANSITION,
    ERROR_NO_REMEDY,
    ERROR_NO_RESOLUTION_SUMMARY,
    ERROR_REASON_REQUIRED,
    domain_error,
    lock_complaint,
    require_staff,
    touch_tickets,
)
from tickets.signals import complaint_closed

# Moves that undo or end work must say why; the forward path may carry a reason but need not.
_FORWARD_MOVES = {
    (Stage.INTAKE, Stage.INVESTIGATION),
    (Stage.REOPENED, Stage.INVESTIGATION),
    (Stage.INVESTIGATION, Stage.RESOLUTION_PROPOSED),
    (Stage.RESOLUTION_PROPOSED, Stage.AWAITING_CONFIRMATION),
}


def stage_due_at(stage: str, start: datetime) -> datetime | None:
    if stage == Stage.AWAITING_CONFIRMATION:
        return start + timedelta(days=settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS)
    hours = settings.COMPLAINT_STAGE_DUE_HOURS.get(stage)
    return start + timedelta(hours=hours) if hours else None


def send_closed_on_commit(complaint: Complaint) -> None:
    complaint_id, ticket_id, stage = complaint.pk, complaint.ticket_id, complaint.stage
    transaction.on_commit(
        lambda: complaint_closed.send(sender=Complaint, complaint_id=complaint_id, ticket_id=ticket_id, stage=stage)
    )


def _check_move(complaint: Complaint, stage: str) -> None:
    if stage not in complaint.allowed_next_stages():
        raise domain_error(
            _("A complaint cannot go from %(old)s to %(new)s.")
            % {"old": Stage(complaint.stage).label, "new": Stage(stage).label},
            ERROR_INVALID_STAGE_TRANSITION,
            "stage",
        )


def move_stage(complaint: Complaint, stage: str, actor, reason: str, *, now: datetime | None = None) -> None:
    """Move a locked complaint along the stage map and record it."""
    _check_move(complaint, stage)
    now = now or timezone.now()
    before = complaint.stage
    complaint.stage = stage
    complaint.stage_entered_at = now
    complaint.stage_due_at = stage_due_at(stage, now)
    fields = ["stage", "stage_entered_at", "stage_due_at", "updated_at"]
    if stage in FINAL_STAGES:
        complaint.closed_at = now
        fields.append("closed_at")
    complaint.save(update_fields=fields)
    events.complaint_stage_changed(ticket=complaint.ticket_id, actor=actor, before=before, after=stage, note=reason)
    touch_tickets([complaint.ticket_id])
    if stage in FINAL_STAGES:
        send_closed_on_commit(complaint)


def _check_can_propose(complaint: Complaint) -> None:
    if not complaint.remedies.exclude(status=RemedyStatus.REJECTED).exists():
        raise domain_error(_("Add at least one remedy before proposing a resolution."), ERROR_NO_REMEDY, "stage")


def _check_can_communicate(complaint: Complaint) -> None:
    if not complaint.resolution_summary:
        raise domain_error(
            _("Write the resolution for the customer before communicating it."),
            ERROR_NO_RESOLUTION_SUMMARY,
            "resolution_summary",
        )
    remedies = complaint.remedies.all()
    if remedies.pending_approval().exists():
        raise domain_error(_("A remedy is still awaiting approval."), ERROR_APPROVAL_PENDING, "stage")
    if not remedies.granted().exists():
        raise domain_error(_("No approved remedy to communicate."), ERROR_NO_REMEDY, "stage")


@transaction.atomic
def complaint_change_stage(*, complaint: Complaint, stage: str, actor, reason: str = "") -> Complaint:
    """A staff member moves the complaint; the guards of the target stage apply.

    Communicating the resolution (→ awaiting confirmation) emails the customer a
    confirmation link after commit.
    """
    check_choice(stage, Stage, "stage")
    require_staff(actor, complaint.ticket_id)
    complaint = lock_complaint(complaint)
    _check_move(complaint, stage)
    reason = (reason or "").strip()
    if (complaint.stage, stage) not in _FORWARD_MOVES and not reason:
        raise domain_error(_("Please give a reason for this change."), ERROR_REASON_REQUIRED, "reason")
    if stage == Stage.RESOLUTION_PROPOSED:
        _check_can_propose(complaint)
    now = timezone.now()
    if stage == Stage.AWAITING_CONFIRMATION:
        _check_can_communicate(complaint)
        complaint.resolution_communicated_at = now
        complaint.reminder_sent_at = None
        complaint.save(update_fields=["resolution_communicated_at", "reminder_sent_at", "updated_at"])
        complaint_id = complaint.pk
        transaction.on_commit(
            lambda: async_task("tickets.complaints.tasks.send_confirmation_request", complaint_id, False)
        )
    if stage == Stage.CLOSED_CONFIRMED:
        # The customer confirmed outside the portal (phone, chat): the agent records it.
        complaint.customer_resolved = True
        complaint.customer_answered_at = now
        complaint.save(update_fields=["customer_resolved", "customer_answered_at", "updated_at"])
    move_stage(complaint, stage, actor, reason, now=now)
    return complaint
