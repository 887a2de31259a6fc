"""django-q2 tasks: thin wrappers that take ids and call the email channel's functions (all idempotent)."""

from tickets.email import imap, outbound


def send_outbound_email(outbound_id: int) -> str:
    """Enqueued on commit for every queued notification; a duplicate run finds the row already sent."""
    return outbound.outbound_email_send(outbound_id=outbound_id)


def send_due_outbound_emails() -> int:
    """Scheduled every minute: retries failed deliveries whose backoff has passed."""
    return outbound.outbound_email_send_due()


def poll_imap_mailbox() -> int:
    """Scheduled while IMAP_HOST is set: imports unseen mail from the support mailbox."""
    return imap.poll_mailbox().fetched
