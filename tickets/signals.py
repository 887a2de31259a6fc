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

# A customer wrote in a live chat that is still with the bot (tickets.chat): the bot (knowledge) answers.
# sender=Ticket; kwargs: session_id, message_id.
chat_customer_wrote = Signal()


def send_ticket_solved_on_commit(*, ticket_id: int, actor_id: int | None) -> None:
    transaction.on_commit(lambda: ticket_solved.send(sender=Ticket, ticket_id=ticket_id, actor_id=actor_id))


def send_chat_customer_wrote_on_commit(*, session_id: int, message_id: int) -> None:
    transaction.on_commit(lambda: chat_customer_wrote.send(sender=Ticket, session_id=session_id, message_id=message_id))
