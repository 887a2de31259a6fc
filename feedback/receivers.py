"""Receivers of the ticket core's custom signals (connected in FeedbackConfig.ready)."""

from feedback import services
from tickets.models import Ticket


def on_ticket_solved(sender, *, ticket_id: int, actor_id: int | None, **kwargs) -> None:
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is not None:
        services.survey_invitation_create(ticket=ticket)
