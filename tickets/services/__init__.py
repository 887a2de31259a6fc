"""Every write to customers and tickets.

Keyword-only, atomic, and each state change locks the ticket row and leaves a
timeline event (tickets.events) in the same transaction. The admin, the portal,
the API, email ingestion and tasks all call these functions; nothing else
writes tickets. Domain errors are django.core.exceptions.ValidationError with a
code from this package (or supportdesk.kit.text / tickets.attachments), so callers can
show them as field errors. One module per concern (base: the shared checks, row
lock and status move the modules build on; routing: classification and
auto-assignment inside ticket_create); every public service is importable from
here.
"""

from supportdesk.kit.validators import ERROR_INVALID_CHOICE
from tickets.services.base import (
    ERROR_ASSIGNEE_NOT_AGENT,
    ERROR_ASSIGNEE_NOT_IN_TEAM,
    ERROR_EMPTY_SUBJECT,
    ERROR_INVALID_TRANSITION,
    ERROR_MERGE_CLOSED,
    ERROR_MERGE_OTHER_CUSTOMER,
    ERROR_MERGE_SAME_CUSTOMER,
    ERROR_MERGE_SAME_TICKET,
    ERROR_REOPEN_WINDOW,
    ERROR_SUBJECT_TOO_LONG,
    ERROR_TICKET_CLOSED,
    SUBJECT_MAX_LENGTH,
)
from tickets.services.changes import (
    apply_team,
    apply_tier,
    ticket_assign,
    ticket_change_category,
    ticket_change_priority,
    ticket_change_status,
    ticket_change_team,
    ticket_change_tier,
    ticket_merge,
    ticket_set_tags,
    validate_assignee,
)
from tickets.services.customers import (
    ERROR_ALREADY_LINKED,
    ERROR_ALREADY_SOLVED,
    ERROR_LINK_EXPIRED,
    ERROR_LINK_INVALID,
    ERROR_MERGE_UNDONE,
    ERROR_UNKNOWN_LANGUAGE,
    ERROR_UNKNOWN_TIME_ZONE,
    contact_request_confirm,
    contact_request_create,
    contact_request_from_token,
    contact_request_token,
    customer_find_by_email,
    customer_get_or_create,
    customer_link_by_code,
    customer_link_user,
    customer_merge,
    customer_merge_undo,
    customer_set_language,
    customer_update_profile,
    ticket_customer_reopen,
    ticket_customer_solve,
)
from tickets.services.escalation import (
    ERROR_REASON_REQUIRED,
    ticket_escalate,
    ticket_escalate_breached,
)
from tickets.services.language import ticket_change_language
from tickets.services.messages import (
    ticket_add_chat_message,
    ticket_add_note,
    ticket_add_system_note,
    ticket_create,
    ticket_customer_reply,
    ticket_reply,
)
from tickets.services.versions import ERROR_STALE_VERSION, StaleTicketError, ticket_require_version

__all__ = [
    "ERROR_ALREADY_LINKED",
    "ERROR_ALREADY_SOLVED",
    "ERROR_ASSIGNEE_NOT_AGENT",
    "ERROR_ASSIGNEE_NOT_IN_TEAM",
    "ERROR_EMPTY_SUBJECT",
    "ERROR_INVALID_CHOICE",
    "ERROR_INVALID_TRANSITION",
    "ERROR_LINK_EXPIRED",
    "ERROR_LINK_INVALID",
    "ERROR_MERGE_CLOSED",
    "ERROR_MERGE_OTHER_CUSTOMER",
    "ERROR_MERGE_SAME_CUSTOMER",
    "ERROR_MERGE_SAME_TICKET",
    "ERROR_MERGE_UNDONE",
    "ERROR_REASON_REQUIRED",
    "ERROR_REOPEN_WINDOW",
    "ERROR_STALE_VERSION",
    "ERROR_SUBJECT_TOO_LONG",
    "ERROR_TICKET_CLOSED",
    "ERROR_UNKNOWN_LANGUAGE",
    "ERROR_UNKNOWN_TIME_ZONE",
    "SUBJECT_MAX_LENGTH",
    "StaleTicketError",
    "apply_team",
    "apply_tier",
    "contact_request_confirm",
    "contact_request_create",
    "contact_request_from_token",
    "contact_request_token",
    "customer_find_by_email",
    "customer_get_or_create",
    "customer_link_by_code",
    "customer_link_user",
    "customer_merge",
    "customer_merge_undo",
    "customer_set_language",
    "customer_update_profile",
    "ticket_add_chat_message",
    "ticket_add_note",
    "ticket_add_system_note",
    "ticket_assign",
    "ticket_change_category",
    "ticket_change_language",
    "ticket_change_priority",
    "ticket_change_status",
    "ticket_change_team",
    "ticket_change_tier",
    "ticket_create",
    "ticket_customer_reopen",
    "ticket_customer_reply",
    "ticket_customer_solve",
    "ticket_escalate",
    "ticket_escalate_breached",
    "ticket_merge",
    "ticket_reply",
    "ticket_require_version",
    "ticket_set_tags",
    "validate_assignee",
]
