"""django-q2 tasks of the connectors: thin and idempotent."""

from tickets.connectors.services import outbound


def send_channel_message(outbound_id: int) -> str:
    """Enqueued on commit for every queued text; a duplicate run finds the row already sent."""
    return outbound.channel_message_send(outbound_id=outbound_id)


def send_due_channel_messages() -> int:
    """Scheduled every minute: retries whose backoff has passed."""
    return outbound.channel_message_send_due()
