"""Every write of the email channel: inbound.py stores, threads and quarantines incoming
mail (through tickets.services); outbound.py queues, sends and retries notifications.
Parsing (tickets.email.parsing) and loop detection (tickets.email.loops) are pure modules."""

from tickets.email.services.inbound import (
    ERROR_NOT_REPROCESSABLE,
    inbound_email_process,
    inbound_email_receive,
    inbound_email_reprocess,
)
from tickets.email.services.outbound import (
    mark_bounced,
    notify_agent_reply,
    notify_security_warning,
    notify_status_change,
    notify_ticket_created,
    outbound_email_retry_now,
    outbound_email_send,
    outbound_email_send_due,
    queue_prepared_mail,
    suppress_acknowledgement,
)

__all__ = [
    "ERROR_NOT_REPROCESSABLE",
    "inbound_email_process",
    "inbound_email_receive",
    "inbound_email_reprocess",
    "mark_bounced",
    "notify_agent_reply",
    "notify_security_warning",
    "notify_status_change",
    "notify_ticket_created",
    "outbound_email_retry_now",
    "outbound_email_send",
    "outbound_email_send_due",
    "queue_prepared_mail",
    "suppress_acknowledgement",
]
