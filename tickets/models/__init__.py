"""The tickets app's models, one module per noun.

The core (base, organisation, customers, tickets, intake) lives in this package; the models of the
tickets app's areas live beside their code (complaints, email channel, wallet safety, SLA) and import
the core from its modules, never from this package, so there is no import circle. Importing them here
registers them with the app; `from tickets.models import Ticket` is how the rest of the code reads them.
"""

from tickets.chat.models import AgentChatStatus, ChatMessageKey, ChatSession, ChatState
from tickets.choices import (
    OPEN_STATUSES,
    STATUS_TRANSITIONS,
    AuthorKind,
    Channel,
    ClockState,
    EventKind,
    ExposureStep,
    Priority,
    SLAClock,
    Status,
    Tier,
)
from tickets.complaints.models import Complaint, ConfirmationToken, Remedy
from tickets.connectors.models import (
    ChannelIdentity,
    InboundChannelMessage,
    OutboundChannelMessage,
    PhoneCall,
)
from tickets.followups.models import FollowUpPolicy, FollowUpSent, FollowUpStep
from tickets.models.base import TimeStampedModel, ticket_reference
from tickets.models.customers import Customer, CustomerEmail, CustomerMerge, WalletAddress
from tickets.models.intake import ContactRequest, KeywordRule
from tickets.models.organisation import AgentProfile, Category, Tag, Team
from tickets.models.tickets import (
    Attachment,
    PreviewState,
    Ticket,
    TicketEvent,
    TicketEventQuerySet,
    TicketMessage,
    TicketMessageQuerySet,
    TicketQuerySet,
    attachment_upload_to,
    team_ids_of,
)
from tickets.notifications.models import DigestFrequency, Notification, NotificationKind, NotificationSettings
from tickets.onchain.models import ChainLookup
from tickets.safety.models import ExplorerLink, IdentityVerification, ImpersonatorReport, OfficialContact
from tickets.sla.models import BusinessCalendar, BusinessHours, Holiday, SLAPolicy
from tickets.workspace.models import SavedView

__all__ = [
    "OPEN_STATUSES",
    "STATUS_TRANSITIONS",
    "AgentChatStatus",
    "AgentProfile",
    "Attachment",
    "AuthorKind",
    "BusinessCalendar",
    "BusinessHours",
    "Category",
    "ChainLookup",
    "Channel",
    "ChannelIdentity",
    "ChatMessageKey",
    "ChatSession",
    "ChatState",
    "ClockState",
    "Complaint",
    "ConfirmationToken",
    "ContactRequest",
    "Customer",
    "CustomerEmail",
    "CustomerMerge",
    "DigestFrequency",
    "EventKind",
    "ExplorerLink",
    "ExposureStep",
    "FollowUpPolicy",
    "FollowUpSent",
    "FollowUpStep",
    "Holiday",
    "IdentityVerification",
    "ImpersonatorReport",
    "InboundChannelMessage",
    "InboundEmail",
    "KeywordRule",
    "Notification",
    "NotificationKind",
    "NotificationSettings",
    "OfficialContact",
    "OutboundChannelMessage",
    "OutboundEmail",
    "PhoneCall",
    "PreviewState",
    "Priority",
    "Remedy",
    "SLAClock",
    "SLAPolicy",
    "SavedView",
    "Status",
    "Tag",
    "Team",
    "Ticket",
    "TicketEvent",
    "TicketEventQuerySet",
    "TicketMessage",
    "TicketMessageQuerySet",
    "TicketQuerySet",
    "Tier",
    "TimeStampedModel",
    "WalletAddress",
    "attachment_upload_to",
    "team_ids_of",
    "ticket_reference",
]
