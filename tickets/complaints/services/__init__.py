"""Every write to complaints and remedies, one module per step of the workflow.

Keyword-only and atomic like tickets.services: each change locks the complaint
(or remedy) row, checks the stage map, and leaves a TicketEvent on the ticket in
the same transaction. Emails and the `complaint_closed` signal go out after commit.
intake.py opens, investigation.py records findings, stages.py moves along the
stage map, remedies.py proposes/decides/pays, follow_up.py takes the customer's
answer and runs the daily sweep; base.py holds their shared checks and error codes.
"""

from tickets.complaints.services.base import (
    ERROR_ALREADY_A_COMPLAINT,
    ERROR_AMOUNT_NOT_ALLOWED,
    ERROR_AMOUNT_REQUIRED,
    ERROR_APPROVAL_PENDING,
    ERROR_COMPLAINT_FINAL,
    ERROR_EVIDENCE_OTHER_TICKET,
    ERROR_INVALID_AMOUNT,
    ERROR_INVALID_STAGE_TRANSITION,
    ERROR_NO_REMEDY,
    ERROR_NO_RESOLUTION_SUMMARY,
    ERROR_NOT_AWAITING_CONFIRMATION,
    ERROR_OWNER_NOT_STAFF,
    ERROR_REASON_REQUIRED,
    ERROR_REMEDY_NOT_PAYABLE,
    ERROR_REMEDY_NOT_PENDING,
    ERROR_REMEDY_STAGE,
    ERROR_SAME_APPROVER,
    ERROR_TICKET_CLOSED,
)
from tickets.complaints.services.follow_up import (
    FollowUpResult,
    complaint_follow_up_sweep,
    complaint_respond,
    complaint_respond_with_link,
    confirmation_link_issue,
)
from tickets.complaints.services.intake import COMPLAINT_CATEGORY_SLUG, complaint_file, complaint_open
from tickets.complaints.services.investigation import complaint_update
from tickets.complaints.services.remedies import (
    approval_threshold,
    remedy_approve,
    remedy_mark_paid,
    remedy_propose,
    remedy_reject,
)
from tickets.complaints.services.stages import complaint_change_stage, stage_due_at

__all__ = [
    "COMPLAINT_CATEGORY_SLUG",
    "ERROR_ALREADY_A_COMPLAINT",
    "ERROR_AMOUNT_NOT_ALLOWED",
    "ERROR_AMOUNT_REQUIRED",
    "ERROR_APPROVAL_PENDING",
    "ERROR_COMPLAINT_FINAL",
    "ERROR_EVIDENCE_OTHER_TICKET",
    "ERROR_INVALID_AMOUNT",
    "ERROR_INVALID_STAGE_TRANSITION",
    "ERROR_NOT_AWAITING_CONFIRMATION",
    "ERROR_NO_REMEDY",
    "ERROR_NO_RESOLUTION_SUMMARY",
    "ERROR_OWNER_NOT_STAFF",
    "ERROR_REASON_REQUIRED",
    "ERROR_REMEDY_NOT_PAYABLE",
    "ERROR_REMEDY_NOT_PENDING",
    "ERROR_REMEDY_STAGE",
    "ERROR_SAME_APPROVER",
    "ERROR_TICKET_CLOSED",
    "FollowUpResult",
    "approval_threshold",
    "complaint_change_stage",
    "complaint_file",
    "complaint_follow_up_sweep",
    "complaint_open",
    "complaint_respond",
    "complaint_respond_with_link",
    "complaint_update",
    "confirmation_link_issue",
    "remedy_approve",
    "remedy_mark_paid",
    "remedy_propose",
    "remedy_reject",
    "stage_due_at",
]
