"""Signals the tickets core sends to other apps.

Sent only from transaction.on_commit inside a service, so receivers never see
uncommitted rows and a rolled-back change never notifies anyone.
"""

from django.dispatch import Signal

# A complaint reached a final stage (closed confirmed/unconfirmed or withdrawn).
# sender=Complaint; kwargs: complaint_id, ticket_id, stage.
complaint_closed = Signal()
