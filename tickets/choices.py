"""The ticket core's fixed vocabularies: channels, priorities, tiers, statuses (with the allowed
moves), SLA clocks and their states, message authors and event kinds. Importable from tickets.models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    WEB_FORM = "web_form", _("Web form")
    EMAIL = "email", _("Email")
    IN_APP = "in_app", _("In-app feedback")
    BOT = "bot", _("Bot hand-off")
    PHONE = "phone", _("Phone")
    SOCIAL = "social", _("Social media")
    SMS = "sms", _("SMS")
    AGENT = "agent", _("Created by agent")
    CHAT = "chat", _("Live chat")


class ExposureStep(models.TextChoices):
    """The agent's checklist on a ticket whose customer exposed a secret (the wallet-safety playbook)."""

    ADVISED = "advised", _("Customer advised")
    FUNDS_MOVED = "funds_moved", _("Funds moved to a new wallet")
    APPROVALS_REVOKED = "approvals_revoked", _("Token approvals revoked")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Tier(models.TextChoices):
    L1 = "l1", _("L1 – first line")
    L2 = "l2", _("L2 – technical")
    L3 = "l3", _("L3 – senior / security")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING_CUSTOMER = "pending_customer", _("Pending customer")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


# The only moves a ticket's status may make. Closed is final: a customer who
# writes again after closure gets a new, linked ticket. The one exception is not a
# move staff can make: a ticket the desk closed because the customer did not answer
# (tickets.followups) reopens when the customer replies within the reopen window.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING_CUSTOMER, Status.ON_HOLD, Status.SOLVED, Status.CLOSED}),
    Status.OPEN: frozenset({Status.PENDING_CUSTOMER, Status.ON_HOLD, Status.SOLVED, Status.CLOSED}),
    Status.PENDING_CUSTOMER: frozenset({Status.OPEN, Status.ON_HOLD, Status.SOLVED, Status.CLOSED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING_CUSTOMER, Status.SOLVED, Status.CLOSED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING_CUSTOMER, Status.ON_HOLD)


class SLAClock(models.TextChoices):
    """The three promises measured on every ticket (see tickets.sla)."""

    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class ClockState(models.TextChoices):
    """State of one SLA clock. Empty: no clock (no policy, or nothing owed)."""

    ON_TRACK = "on_track", _("On track")
    WARNING = "warning", _("At risk")
    PAUSED = "paused", _("Paused")
    BREACHED = "breached", _("Breached")
    FULFILLED = "fulfilled", _("Fulfilled")


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    ASSIGNMENT = "assignment", _("Assignment changed")
    TEAM = "team", _("Team changed")
    PRIORITY = "priority", _("Priority changed")
    CATEGORY = "category", _("Category changed")
    LANGUAGE = "language", _("Language changed")
    TIER = "tier", _("Tier changed")
    TAGS = "tags", _("Tags changed")
    MERGE = "merge", _("Merged")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    CUSTOMER_MESSAGE = "customer_message", _("Customer message")
    CUSTOMER_MERGE = "customer_merge", _("Customer merged")
    CUSTOMER_LINK = "customer_link", _("Portal login linked")
    SECRET_EXPOSED = "secret_exposed", _("Secret removed")
    SECRET_SUSPECTED = "secret_suspected", _("Possible secret")
    REPLY_BLOCKED = "reply_blocked", _("Reply blocked")
    VERIFICATION = "verification", _("Identity verification")
    CUSTOMER_WARNED = "customer_warned", _("Customer warned")
    COMPLAINT = "complaint", _("Complaint opened")
    COMPLAINT_STAGE = "complaint_stage", _("Complaint stage changed")
    COMPLAINT_UPDATE = "complaint_update", _("Complaint details changed")
    REMEDY = "remedy", _("Remedy")
    COMPLAINT_FOLLOW_UP = "complaint_follow_up", _("Complaint follow-up")
    SLA_WARNING = "sla_warning", _("SLA at risk")
    SLA_BREACH = "sla_breach", _("SLA breached")
    EXPOSURE_STEP = "exposure_step", _("Exposure checklist")
    CHAIN_STATUS = "chain_status", _("On-chain status")
    PROGRESS_UPDATE = "progress_update", _("Progress update sent")
    REMINDER = "reminder", _("Customer reminded")
    AUTO_CLOSED = "auto_closed", _("Closed for no reply")
