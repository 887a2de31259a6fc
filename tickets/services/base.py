"""Shared pieces of the ticket services: error codes, validation, row locks and the status move."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.kit.validators import check_choice, field_error
from tickets import events
from tickets.models import AgentProfile, Status, Team, Ticket
from tickets.signals import send_ticket_solved_on_commit
from tickets.sla.services import clocks as sla_clocks

ERROR_INVALID_TRANSITION = "invalid_transition"
ERROR_ASSIGNEE_NOT_IN_TEAM = "assignee_not_in_team"
ERROR_ASSIGNEE_NOT_AGENT = "assignee_not_agent"
ERROR_EMPTY_SUBJECT = "empty_subject"
ERROR_SUBJECT_TOO_LONG = "subject_too_long"
ERROR_TICKET_CLOSED = "ticket_closed"
ERROR_REOPEN_WINDOW = "reopen_window_passed"
ERROR_MERGE_SAME_TICKET = "merge_same_ticket"
ERROR_MERGE_OTHER_CUSTOMER = "merge_other_customer"
ERROR_MERGE_CLOSED = "merge_closed"
ERROR_MERGE_SAME_CUSTOMER = "merge_same_customer"

SUBJECT_MAX_LENGTH = Ticket._meta.get_field("subject").max_length


def clean_subject(subject: str) -> str:
    cleaned = " ".join((subject or "").split())
    if not cleaned:
        raise field_error("subject", _("Please give the request a subject."), ERROR_EMPTY_SUBJECT)
    if len(cleaned) > SUBJECT_MAX_LENGTH:
        raise field_error(
            "subject",
            _("The subject is too long (at most %(limit)d characters).") % {"limit": SUBJECT_MAX_LENGTH},
            ERROR_SUBJECT_TOO_LONG,
        )
    return cleaned


def lock_ticket(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock (no-op on SQLite, which serialises writers)."""
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def apply_status(ticket: Ticket, new_status: str, actor, note: str = "", *, reopen_closed: bool = False) -> bool:
    """Move `ticket` (already locked) to `new_status`; return whether it changed.

    `reopen_closed` allows the one move out of closed: the customer's reply to a ticket the desk closed
    because they did not answer (tickets.selectors.customer_can_reply decides when that applies).
    """
    check_choice(new_status, Status, "status")
    if new_status == ticket.status:
        return False
    reopening = reopen_closed and ticket.status == Status.CLOSED and new_status == Status.OPEN
    if not reopening and new_status not in ticket.allowed_next_statuses():
        raise field_error(
            "status",
            _("A ticket cannot go from %(old)s to %(new)s.")
            % {"old": Status(ticket.status).label, "new": Status(new_status).label},
            ERROR_INVALID_TRANSITION,
        )
    old_status = ticket.status
    now = timezone.now()
    ticket.status = new_status
    fields = ["status", "updated_at"]
    if new_status == Status.SOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    elif new_status == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
        if ticket.resolved_at is None:
            ticket.resolved_at = now
            fields.append("resolved_at")
    elif old_status in (Status.SOLVED, Status.CLOSED):
        ticket.resolved_at = None
        fields.append("resolved_at")
        if old_status == Status.CLOSED:
            ticket.closed_at = None
            fields.append("closed_at")
    ticket.save(update_fields=fields)
    events.status_changed(ticket=ticket, actor=actor, before=old_status, after=new_status, note=note)
    sla_clocks.status_changed(ticket=ticket, old_status=old_status, new_status=new_status, at=now)
    if new_status == Status.SOLVED and ticket.merged_into_id is None:
        send_ticket_solved_on_commit(ticket_id=ticket.pk, actor_id=actor.pk if actor else None)
    return True


def is_team_member(user, team: Team) -> bool:
    return AgentProfile.objects.filter(user=user, teams=team).exists()
