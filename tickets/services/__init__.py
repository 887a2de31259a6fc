"""Every write to customers and tickets.

Keyword-only, atomic, and each state change locks the ticket row and leaves a
TicketEvent in the same transaction. The admin, the portal, the API, email
ingestion and tasks all call these functions; nothing else writes tickets.
Domain errors are django.core.exceptions.ValidationError with a code from
this package (or supportdesk.kit.text / tickets.attachments), so callers can show them
as field errors. One module per concern; everything is importable from here.
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
    ERROR_SUBJECT_TOO_LONG,
    ERROR_TICKET_CLOSED,
    SUBJECT_MAX_LENGTH,
    apply_status,
    clean_subject,
    lock_ticket,
    require_staff_access,
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
    customer_find_by_email,
    customer_get_or_create,
    customer_link_user,
    customer_merge,
)
from tickets.services.messages import (
    ticket_add_note,
    ticket_add_system_note,
    ticket_create,
    ticket_customer_reply,
    ticket_reply,
)

__all__ = [
    "ERROR_ASSIGNEE_NOT_AGENT",
    "ERROR_ASSIGNEE_NOT_IN_TEAM",
    "ERROR_EMPTY_SUBJECT",
    "ERROR_INVALID_CHOICE",
    "ERROR_INVALID_TRANSITION",
    "ERROR_MERGE_CLOSED",
    "ERROR_MERGE_OTHER_CUSTOMER",
    "ERROR_MERGE_SAME_CUSTOMER",
    "ERROR_MERGE_SAME_TICKET",
    "ERROR_SUBJECT_TOO_LONG",
    "ERROR_TICKET_CLOSED",
    "SUBJECT_MAX_LENGTH",
    "apply_status",
    "apply_team",
    "apply_tier",
    "clean_subject",
    "customer_find_by_email",
    "customer_get_or_create",
    "customer_link_user",
    "customer_merge",
    "lock_ticket",
    "require_staff_access",
    "ticket_add_note",
    "ticket_add_system_note",
    "ticket_assign",
    "ticket_change_category",
    "ticket_change_priority",
    "ticket_change_status",
    "ticket_change_team",
    "ticket_change_tier",
    "ticket_create",
    "ticket_customer_reply",
    "ticket_merge",
    "ticket_reply",
    "ticket_set_tags",
    "validate_assignee",
]
