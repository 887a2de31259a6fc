"""Every write of the email channel: inbound.py stores, threads and quarantines incoming
mail (through tickets.services); outbound.py queues, sends and retries notifications.
deliverability.py counts bounces per address and marks the ones that keep failing;
schedules.py keeps the channel's django-q2 schedules in line with the settings.
Parsing (tickets.email.parsing) and loop detection (tickets.email.loops) are pure modules."""

from tickets.email.services.deliverability import email_address_clear_bouncing, email_address_record_bounce
from tickets.email.services.inbound import (
    ERROR_NOT_REPROCESSABLE,
    inbound_email_make_ticket,
    inbound_email_process,
    inbound_email_receive,
    inbound_email_reprocess,
)
from tickets.email.services.outbound import (
    outbound_email_mark_bounced,
    outbound_email_queue_acknowledgement,
    outbound_email_queue_prepared,
    outbound_email_queue_reply,
    outbound_email_queue_security_warning,
    outbound_email_queue_status_change,
    outbound_email_retry_now,
    outbound_email_send,
    outbound_email_send_due,
    outbound_email_suppress_acknowledgement,
)
from tickets.email.services.schedules import email_schedules_sync

__all__ = [
    "ERROR_NOT_REPROCESSABLE",
    "email_address_clear_bouncing",
    "email_address_record_bounce",
    "email_schedules_sync",
    "inbound_email_make_ticket",
    "inbound_email_process",
    "inbound_email_receive",
    "inbound_email_reprocess",
    "outbound_email_mark_bounced",
    "outbound_email_queue_acknowledgement",
    "outbound_email_queue_prepared",
    "outbound_email_queue_reply",
    "outbound_email_queue_security_warning",
    "outbound_email_queue_status_change",
    "outbound_email_retry_now",
    "outbound_email_send",
    "outbound_email_send_due",
    "outbound_email_suppress_acknowledgement",
]
