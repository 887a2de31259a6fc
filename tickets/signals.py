"""Custom signals the ticket core sends to the other apps (the only use of signals).

Each is sent from `transaction.on_commit` inside a tickets service, so receivers
only ever see committed data and a rolled-back change never notifies anyone.
"""

from django.db import transaction
from django.dispatch import Signal

from tickets.models import Ticket

# A ticket reached "solved" (not a ticket merged away). Arguments: ticket_id, actor_id (None for the system).
ticket_solved = Signal()

# A complaint reached a final stage (closed confirmed/unconfirmed or withdrawn).
# sender=Complaint; kwargs: complaint_id, ticket_id, stage.
complaint_closed = Signal()


def send_ticket_solved_on_commit(*, ticket_id: int, actor_id: int | None) -> None:
    transaction.on_commit(lambda: ticket_solved.send(sender=Ticket, ticket_id=ticket_id, actor_id=actor_id))
