"""Every write of the social and phone channels: inbound.py records and threads webhook deliveries
(through tickets.services); outbound.py queues, sends and retries texts; identities.py finds and links
channel handles; calls.py records phone calls. The connectors themselves (tickets.connectors.telegram,
.twilio) only talk to providers."""

from tickets.connectors.services.calls import phone_call_log, phone_call_record
from tickets.connectors.services.contacts import official_contacts_sync_connectors
from tickets.connectors.services.identities import channel_identity_for, channel_identity_link
from tickets.connectors.services.inbound import channel_delivery_quarantine, channel_event_receive
from tickets.connectors.services.outbound import (
    channel_message_queue,
    channel_message_retry_now,
    channel_message_send,
    channel_message_send_due,
    channel_queue_reply,
)

__all__ = [
    "channel_delivery_quarantine",
    "channel_event_receive",
    "channel_identity_for",
    "channel_identity_link",
    "channel_message_queue",
    "channel_message_retry_now",
    "channel_message_send",
    "channel_message_send_due",
    "channel_queue_reply",
    "official_contacts_sync_connectors",
    "phone_call_log",
    "phone_call_record",
]
