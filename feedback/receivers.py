"""Receivers of the ticket core's custom signals (connected in FeedbackConfig.ready)."""

from django.conf import settings
from django.urls import reverse

from feedback import services
from feedback.models import InvitationReason
from feedback.tokens import survey_token
from tickets.chat import services as chat_services
from tickets.complaints.models import Complaint, Stage
from tickets.models import Channel, Ticket

# A withdrawn complaint was never resolved: there is nothing to rate.
_SURVEYED_COMPLAINT_STAGES = (Stage.CLOSED_CONFIRMED, Stage.CLOSED_UNCONFIRMED)


def on_ticket_solved(sender, *, ticket_id: int, actor_id: int | None, **kwargs) -> None:
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return
    invitation = services.survey_invitation_create(ticket=ticket)
    if invitation is not None and ticket.channel == Channel.CHAT:
        # The customer is still looking at the chat: the survey is offered there too.
        url = settings.SITE_URL + reverse("feedback:survey", args=[survey_token(invitation.key)])
        chat_services.chat_offer_survey(ticket_id=ticket.pk, url=url)


def on_complaint_closed(sender, *, complaint_id: int, ticket_id: int, stage: str, **kwargs) -> None:
    complaint = Complaint.objects.select_related("ticket").filter(pk=complaint_id).first()
    if complaint is not None and stage in _SURVEYED_COMPLAINT_STAGES and complaint.closed_at is not None:
        services.survey_invitation_create(
            ticket=complaint.ticket, reason=InvitationReason.COMPLAINT_CLOSED, resolved_at=complaint.closed_at
        )
