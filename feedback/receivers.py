"""Receivers of the ticket core's custom signals (connected in FeedbackConfig.ready)."""

from feedback import services
from feedback.models import InvitationReason
from tickets.complaints.models import Complaint, Stage
from tickets.models import Ticket

# A withdrawn complaint was never resolved: there is nothing to rate.
_SURVEYED_COMPLAINT_STAGES = (Stage.CLOSED_CONFIRMED, Stage.CLOSED_UNCONFIRMED)


def on_ticket_solved(sender, *, ticket_id: int, actor_id: int | None, **kwargs) -> None:
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is not None:
        services.survey_invitation_create(ticket=ticket)


def on_complaint_closed(sender, *, complaint_id: int, ticket_id: int, stage: str, **kwargs) -> None:
    complaint = Complaint.objects.select_related("ticket").filter(pk=complaint_id).first()
    if complaint is not None and stage in _SURVEYED_COMPLAINT_STAGES and complaint.closed_at is not None:
        services.survey_invitation_create(
            ticket=complaint.ticket, reason=InvitationReason.COMPLAINT_CLOSED, resolved_at=complaint.closed_at
        )
