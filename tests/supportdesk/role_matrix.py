"""The role × route table that test_role_matrix checks: who may open each admin URL and call each API route.

Admin model URLs follow one rule, read from the role definitions (supportdesk.roles), not from the
admin: a changelist, change or history page needs the model's view (or change) permission, the add
page its add permission, the delete page its delete permission. Where an admin is stricter than
its permissions (history that is never edited, rows that only a service creates) or lets a custom
permission in, MODEL_OVERRIDES says so with the reason. Custom admin views and site pages are rows
of ADMIN_VIEWS; API operations are rows of API_ROUTES. A URL or operation that no rule or row
covers fails the test, so a new route cannot ship without saying who may use it.
"""

from __future__ import annotations

from supportdesk.roles import (
    ADMINISTRATOR,
    AGENT,
    MANAGER,
    SECURITY_OFFICER,
    SENIOR_AGENT,
    STAFF_ROLES,
    SUPERVISOR,
    permission_matches,
)

ANONYMOUS = "anonymous"
CUSTOMER = "customer"
SUBJECTS = (ANONYMOUS, CUSTOMER, *STAFF_ROLES)

# Answers. A permission string means "allowed to roles whose table grants it, 403 to other staff".
ALLOW = "allow"  # 200 (201 for a create)
DENY = "deny"  # 403
LOGIN = "login"  # admin: a redirect to the admin login; API: 401
NOT_FOUND = "not found"  # 404 (the API never says whether someone else's record exists)
INVALID = "invalid"  # 400: through the door, refused by validation
ANSWERED = "answered"  # a public page (login, logout): any answer below 500
STAFF = "staff"  # every staff role, whatever its permissions
NOBODY = "nobody"  # 403 for every role, the administrator included
POST_ONLY = "post only"  # 405 to a GET: a form's target, reached by staff who may see the page
HIDDEN = "hidden"  # admin: someone else's record is not found (a redirect to the admin index)
REDIRECTED = "redirected"  # admin: a redirect elsewhere than the login page or the index (a link followed)
OWN_ONLY = "own only"  # the record's owner (the Agent-role user) gets through; other staff are refused

MODEL_URL_ACTIONS = {
    "changelist": ("view", "change"),
    "change": ("view", "change"),
    "history": ("view", "change"),
    "add": ("add",),
    "delete": ("delete",),
}


def role_may(role: str, permissions) -> bool:
    if permissions == STAFF:
        return True
    if isinstance(permissions, str):
        permissions = (permissions,)
    return any(permission_matches(role, permission) for permission in permissions)


def model_permissions(label: str, kind: str) -> tuple[str, ...]:
    app_label, model_name = label.lower().split(".")
    return tuple(f"{app_label}.{action}_{model_name}" for action in MODEL_URL_ACTIONS[kind])


# Admins stricter (or, through a custom permission, looser) than the model permissions.
_READ_ONLY_RECORDS = (
    # history and results: written by services and the queue, never in the admin
    "tickets.TicketEvent",
    "tickets.CustomerMerge",
    "tickets.ImpersonatorReport",
    "supportdesk.AuditEntry",
    "tickets.IdentityVerification",
    "tickets.Remedy",
    "tickets.InboundEmail",
    "tickets.OutboundEmail",
    "feedback.SurveyInvitation",
    "feedback.SurveyResponse",
    "feedback.SurveyFollowUp",
    "knowledge.BotConversation",
    "knowledge.UnansweredQuestion",
    "knowledge.DeflectionEvent",
    "training.AgentAward",
    "django_q.Success",
    "django_q.Failure",
    "django_q.OrmQ",
    "tickets.Complaint",
    # channel deliveries, texts sent and handles: written by the webhooks and the send queue (tickets.connectors)
    "tickets.InboundChannelMessage",
    "tickets.OutboundChannelMessage",
    "tickets.ChannelIdentity",
    # live chats: started by customers, moved on by the console
    "tickets.ChatSession",
    "privacy.RetentionRun",
    "privacy.ConsentRecord",
    # built by the monthly job (feedback.tasks.build_monthly_suggestion_summary)
    "feedback.SuggestionMonthlySummary",
)
# records kept for the audit trail and the ledgers: nobody deletes them, the administrator included
_NEVER_DELETED = (
    "tickets.TicketEvent",
    "tickets.CustomerMerge",
    "supportdesk.AuditEntry",
    "tickets.Remedy",
    "tickets.InboundEmail",
    "tickets.OutboundEmail",
    "tickets.InboundChannelMessage",
    "feedback.SurveyInvitation",
    "feedback.SurveyResponse",
    "training.AgentAward",
    "privacy.RetentionRun",
    "privacy.ConsentRecord",
    "feedback.SuggestionMonthlySummary",
)
MODEL_OVERRIDES: dict[tuple[str, str], object] = {(label, "add"): NOBODY for label in _READ_ONLY_RECORDS} | {
    (label, "delete"): NOBODY for label in _NEVER_DELETED
}

# The roster and forecast events are edited with the staffing permission, not the model permissions.
for _label in ("workforce.Shift", "workforce.ForecastEvent"):
    for _kind in ("add", "delete"):
        MODEL_OVERRIDES[(_label, _kind)] = "workforce.plan_staffing"

# Inbound mail: agents who may make a ticket of held mail (tickets.make_ticket_from_inbound_email) see it.
for _kind in ("changelist", "change", "history"):
    MODEL_OVERRIDES[("tickets.InboundEmail", _kind)] = (
        "tickets.view_inboundemail",
        "tickets.make_ticket_from_inbound_email",
    )
# Delivery status of an address is written by bounce handling only.
MODEL_OVERRIDES[("tickets.EmailAddressStatus", "add")] = NOBODY
MODEL_OVERRIDES[("tickets.EmailAddressStatus", "delete")] = NOBODY

# Records about one agent: without the permission that lifts the scope, another agent's row is not found.
# The award and the assignment built for the matrix are the Agent-role user's own (OWN_RECORDS_OF_AGENT); the
# survey response is about a ticket nobody in the matrix holds.
OWN_RECORDS_OF_AGENT = {"training.AgentAward", "training.TrainingAssignment"}
# Every staff member's own inbox, whatever their role: another person's notification is not found.
STAFF_INBOXES = {"tickets.Notification"}
for _kind in ("changelist", "change", "history"):
    MODEL_OVERRIDES[("tickets.Notification", _kind)] = STAFF
MODEL_OVERRIDES[("tickets.Notification", "add")] = NOBODY
MODEL_OVERRIDES[("tickets.Notification", "delete")] = NOBODY
SCOPED_OBJECTS = {
    "feedback.SurveyResponse": "feedback.view_reports",
    "training.AgentAward": "training.coach_agents",
    "training.TrainingAssignment": "training.coach_agents",
}

# Custom admin views and the site's own pages: url name → who.
ADMIN_VIEWS: dict[str, object] = {
    "index": STAFF,
    "login": ANSWERED,
    "logout": ANSWERED,
    "password_change": STAFF,
    "password_change_done": STAFF,
    "autocomplete": STAFF,
    "jsi18n": STAFF,
    "view_on_site": ANSWERED,
    "auth_user_password_change": "supportdesk.change_user",
    "tickets_ticket_exposure_step": POST_ONLY,
    "tickets_ticket_send_verification": POST_ONLY,
    "tickets_savedview_my_work": "tickets.view_ticket",
    "tickets_savedview_save": POST_ONLY,
    "tickets_ticket_sensitive_action": POST_ONLY,
    "tickets_ticket_onchain_check": POST_ONLY,
    "tickets_inboundemail_make_ticket": "tickets.make_ticket_from_inbound_email",
    "tickets_complaint_approvals": "tickets.approve_remedy",
    "tickets_complaint_summary": "tickets.view_complaint",
    "tickets_ticket_supervisor": "tickets.view_all_tickets",
    "tickets_customer_360": ("tickets.view_customer", "tickets.change_customer"),
    "tickets_inboundemail_raw": "tickets.download_raw_email",
    "tickets_channelidentity_link": "tickets.merge_customers",
    "feedback_satisfaction_report": "feedback.view_reports",
    "feedback_agent_scorecard": "feedback.view_scorecard",
    "feedback_report_export": "feedback.export_reports",
    # trends (issue 24 item 9): hot topics are a report; grouped suggestions are for whoever sees suggestions
    "feedback_hot_topics": "feedback.view_reports",
    "feedback_suggestion_groups": "feedback.view_suggestion",
    "feedback_suggestionmonthlysummary_export": "feedback.export_reports",
    "knowledge_macro_apply": "tickets.change_ticket",
    # a macro's text for the chat console's reply box: the apply page's rule
    "knowledge_macro_render": "tickets.change_ticket",
    "knowledge_article_link_search": "knowledge.view_article",
    "training_agentaward_top": "training.coach_agents",
    "training_trainingassignment_matrix": "training.coach_agents",
    "training_trainingassignment_agent": "training.view_trainingassignment",
    "workforce_shift_staffing": "workforce.plan_staffing",
    "tickets_chatsession_console": "tickets.work_chats",
    "tickets_chatsession_side": "tickets.work_chats",
    # staff notifications: each person's own (opening one marks it read and follows its link)
    "tickets_notification_open": OWN_ONLY,
    "tickets_notification_feed": STAFF,
    "tickets_notification_read_all": POST_ONLY,
    "tickets_notification_settings": STAFF,
    "tickets_notification_mentions": STAFF,
    "privacy_erasurerequest_confirm": "privacy.confirm_erasure",
    "privacy_erasurerequest_certificate": "privacy.view_erasurerequest",
    "privacy_accessrequest_download": "privacy.view_accessrequest",
    "privacy_retentionrun_start": POST_ONLY,
}

# Admin actions (each ModelAdmin's `actions`): (model label, action) → the permission that offers it.
_TICKET_ACTIONS = (
    "assign_to_me",
    "assign_to",
    "change_status",
    "change_priority",
    "change_tier",
    "change_language",
    "merge_tickets",
    "request_identity_verification",
    "turn_into_complaint",
)
_SUGGESTION_ACTIONS = (
    "mark_under_review",
    "mark_planned",
    "mark_declined",
    "mark_done",
    "merge_duplicates",
    "add_vote",
)
_REPORT_STATES = ("reviewing", "confirmed", "dismissed")
ADMIN_ACTIONS: dict[tuple[str, str], object] = {
    **{("tickets.Ticket", action): "tickets.change_ticket" for action in _TICKET_ACTIONS},
    **{("feedback.Suggestion", action): "feedback.change_suggestion" for action in _SUGGESTION_ACTIONS},
    ("account.EmailAddress", "make_verified"): "account.change_emailaddress",
    ("django_q.Success", "resubmit_task"): "django_q.view_success",
    ("django_q.Failure", "resubmit_task"): "django_q.view_failure",
    ("supportdesk.ApiToken", "revoke"): "supportdesk.change_apitoken",
    **{
        ("tickets.ImpersonatorReport", f"mark_{state}"): "tickets.change_impersonatorreport" for state in _REPORT_STATES
    },
    ("tickets.Customer", "merge_customers"): "tickets.merge_customers",
    ("tickets.SavedView", "make_team_default"): "tickets.change_team",
    ("tickets.CustomerMerge", "undo_merges"): "tickets.merge_customers",
    ("tickets.Complaint", "take_ownership"): "tickets.change_complaint",
    ("tickets.Complaint", "move_stage"): "tickets.change_complaint",
    ("tickets.Remedy", "mark_paid"): "tickets.change_remedy",
    ("tickets.Notification", "mark_read"): STAFF,
    ("tickets.InboundEmail", "process_again"): "tickets.change_inboundemail",
    ("tickets.InboundEmail", "make_tickets"): "tickets.make_ticket_from_inbound_email",
    ("tickets.EmailAddressStatus", "mark_deliverable"): "tickets.change_emailaddressstatus",
    ("tickets.OutboundEmail", "retry_now"): "tickets.change_outboundemail",
    ("tickets.OutboundChannelMessage", "retry_now"): "tickets.change_outboundchannelmessage",
    ("knowledge.Article", "submit_for_review"): "knowledge.change_article",
    ("knowledge.Article", "back_to_draft"): "knowledge.change_article",
    ("knowledge.Article", "publish"): "knowledge.publish_article",
    ("knowledge.Article", "archive"): "knowledge.publish_article",
    ("knowledge.Article", "push_to_channels"): "knowledge.publish_article",
    ("training.AgentAward", "revoke"): "training.coach_agents",
    ("training.TrainingAssignment", "start"): "training.view_trainingassignment",
    ("training.TrainingAssignment", "complete_self_study"): "training.view_trainingassignment",
    ("privacy.LegalHold", "release"): "privacy.add_legalhold",
    ("privacy.ErasureRequest", "cancel"): "privacy.add_erasurerequest",
    ("privacy.ErasureRequest", "resume"): "privacy.confirm_erasure",
}


def _staff(default, **by_role):
    """Every staff role answers `default`, except those named (by the role constants' keys)."""
    roles = {"agent": AGENT, "senior": SENIOR_AGENT, "supervisor": SUPERVISOR, "manager": MANAGER}
    roles |= {"administrator": ADMINISTRATOR, "security": SECURITY_OFFICER}
    return dict.fromkeys(STAFF_ROLES, default) | {roles[key]: answer for key, answer in by_role.items()}


def _row(anonymous, customer, staff: dict) -> dict:
    return {ANONYMOUS: anonymous, CUSTOMER: customer, **staff}


# API operations (from the OpenAPI schema): (method, path) → answer per subject. Writes marked `# write`
# are sent with a valid body, in the order listed, against objects built for each subject.
API_ROUTES: dict[tuple[str, str], dict] = {
    ("GET", "/api/v1/tickets/"): _row(LOGIN, ALLOW, _staff(ALLOW)),
    ("GET", "/api/v1/tickets/{id}/"): _row(LOGIN, ALLOW, _staff(ALLOW)),
    ("GET", "/api/v1/tickets/{id}/messages/"): _row(LOGIN, ALLOW, _staff(ALLOW)),
    ("GET", "/api/v1/attachments/{id}/download/"): _row(LOGIN, ALLOW, _staff(ALLOW)),
    ("GET", "/api/v1/customers/"): _row(LOGIN, DENY, _staff(ALLOW)),
    ("GET", "/api/v1/customers/{id}/"): _row(LOGIN, DENY, _staff(ALLOW)),
    ("GET", "/api/v1/complaints/"): _row(LOGIN, ALLOW, _staff(ALLOW)),
    ("GET", "/api/v1/complaints/{id}/"): _row(LOGIN, ALLOW, _staff(ALLOW)),
    ("GET", "/api/v1/suggestions/"): _row(LOGIN, DENY, _staff(ALLOW)),
    ("GET", "/api/v1/articles/"): _row(ALLOW, ALLOW, _staff(ALLOW)),
    ("GET", "/api/v1/articles/{slug}/"): _row(ALLOW, ALLOW, _staff(ALLOW)),
    # capability links: the token is the only key, no role involved (an unknown token is not found)
    ("GET", "/api/v1/surveys/{token}/"): _row(NOT_FOUND, NOT_FOUND, _staff(NOT_FOUND)),
    ("POST", "/api/v1/surveys/{token}/responses/"): _row(NOT_FOUND, NOT_FOUND, _staff(NOT_FOUND)),
    # the wallet app's door: only an app key and a customer token open it
    ("POST", "/api/v1/app/feedback/"): _row(LOGIN, LOGIN, _staff(LOGIN)),
    # write: a customer writes on their own ticket; staff reply with tickets.add_ticketmessage
    ("POST", "/api/v1/tickets/{id}/messages/"): _row(LOGIN, ALLOW, _staff(ALLOW, manager=DENY)),
    # write: status and assignment need tickets.change_ticket
    ("POST", "/api/v1/tickets/{id}/status/"): _row(LOGIN, DENY, _staff(ALLOW, manager=DENY)),
    ("POST", "/api/v1/tickets/{id}/assign/"): _row(LOGIN, DENY, _staff(ALLOW, manager=DENY)),
    # Nobody in the matrix's world verified their identity: the service refuses with verification_required.
    ("POST", "/api/v1/tickets/{id}/sensitive-actions/"): _row(LOGIN, DENY, _staff(INVALID, manager=DENY)),
    # write: customers open their own requests; staff with tickets.add_ticket record one for a customer
    ("POST", "/api/v1/tickets/"): _row(LOGIN, ALLOW, _staff(ALLOW, manager=DENY)),
    # write: the API takes suggestions from customers only (staff log theirs in the admin)
    ("POST", "/api/v1/suggestions/"): _row(LOGIN, ALLOW, _staff(DENY)),
    # write: a customer files a complaint about their own request (staff open one in the admin)
    ("POST", "/api/v1/tickets/{id}/complaint/"): _row(LOGIN, ALLOW, _staff(DENY)),
    # write: moving the complaint needs tickets.change_complaint
    ("POST", "/api/v1/complaints/{id}/stage/"): _row(LOGIN, DENY, _staff(ALLOW, manager=DENY)),
    # write: only the customer answers the confirmation (the complaint is not awaiting it here)
    ("POST", "/api/v1/complaints/{id}/respond/"): _row(LOGIN, INVALID, _staff(DENY)),
}
