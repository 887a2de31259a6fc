"""Staff roles: which Django permissions each group carries.

Roles are plain auth Groups so administrators can see them in the admin; this
table is the single source of truth and `sync_role_groups` (run by migrations
and by `manage.py sync_roles`) makes the database match it. Patterns use
fnmatch syntax over "app_label.codename".

What a role may *see* is decided by permissions, not group names, so Django's
per-request permission cache answers it: `tickets.view_all_tickets` lifts the
team restriction that applies to agents (see tickets.models.TicketQuerySet).
"""

from fnmatch import fnmatch

AGENT = "Agent"
SENIOR_AGENT = "Senior agent"
SUPERVISOR = "Supervisor"
MANAGER = "Manager"
ADMINISTRATOR = "Administrator"
SECURITY_OFFICER = "Security officer"
STAFF_ROLES = (AGENT, SENIOR_AGENT, SUPERVISOR, MANAGER, ADMINISTRATOR, SECURITY_OFFICER)

_AGENT_PERMISSIONS = (
    "tickets.view_ticket",
    "tickets.add_ticket",
    "tickets.change_ticket",
    "tickets.view_ticketmessage",
    "tickets.add_ticketmessage",
    "tickets.view_attachment",
    "tickets.add_attachment",
    "tickets.view_ticketevent",
    "tickets.view_outboundemail",
    # The quarantine: held mail and the mail of tickets they may see, and making a ticket of held mail.
    "tickets.make_ticket_from_inbound_email",
    "tickets.view_customer",
    "tickets.add_customer",
    "tickets.change_customer",
    # Other addresses are read-only for agents: a login verified on any address of a customer is linked to it.
    "tickets.view_customeremail",
    "tickets.view_walletaddress",
    "tickets.add_walletaddress",
    "tickets.change_walletaddress",
    "tickets.view_team",
    "tickets.view_agentprofile",
    "tickets.view_category",
    "tickets.view_tag",
    "tickets.add_tag",
    "tickets.view_complaint",
    "tickets.add_complaint",
    "tickets.change_complaint",
    "tickets.view_remedy",
    "tickets.add_remedy",
    "tickets.view_explorerlink",
    "tickets.view_officialcontact",
    "tickets.view_identityverification",
    # Social and phone channels: the handles customers write from, texts sent to them, calls (agents log theirs).
    "tickets.view_channelidentity",
    "tickets.view_outboundchannelmessage",
    "tickets.view_phonecall",
    "tickets.add_phonecall",
    # Live chat (issue 21): the console, and the chats of the tickets they may see.
    "tickets.work_chats",
    "tickets.view_chatsession",
    # Saved views of the ticket list (tickets.workspace): their own, and shared with their teams.
    "tickets.view_savedview",
    "tickets.add_savedview",
    "tickets.change_savedview",
    # Feedback: log suggestions heard on calls, see answers about their own work and their own scorecard
    # (feedback.view_reports — every agent's numbers — is for supervisors and managers).
    "feedback.view_suggestion",
    "feedback.add_suggestion",
    "feedback.view_surveyresponse",
    "feedback.view_scorecard",
    "knowledge.view_*",
    # Their own training records and awards, the roster and the expected events (read only).
    "training.view_*",
    "workforce.view_*",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    AGENT: _AGENT_PERMISSIONS,
    # L2/L3 casework: sends escalated tickets back down, keeps the macros the team replies with.
    SENIOR_AGENT: (
        *_AGENT_PERMISSIONS,
        "tickets.deescalate_ticket",
        "knowledge.add_macro",
        "knowledge.change_macro",
        "knowledge.add_macrovariant",
        "knowledge.change_macrovariant",
        "knowledge.delete_macrovariant",
    ),
    SUPERVISOR: (
        *_AGENT_PERMISSIONS,
        "tickets.*",
        "feedback.*",
        "knowledge.*",
        "training.*",
        "workforce.*",
        # The read audit (who saw which customer record); security officers hold it too.
        "supportdesk.view_auditentry",
        # Legal holds, erasure and access requests, retention policies (issue 26).
        "privacy.*",
    ),
    MANAGER: (
        "tickets.view_*",
        "tickets.view_all_tickets",
        "feedback.view_*",
        "feedback.export_*",
        "knowledge.view_*",
        "training.view_*",
        "workforce.view_*",
        # Training records of every agent and the staffing forecast (issue 11).
        "training.coach_agents",
        "workforce.plan_staffing",
        "django_q.view_*",
        "privacy.view_*",
    ),
    ADMINISTRATOR: ("*",),
    # Works security cases wherever they are, is alerted at once when a customer exposes a secret, keeps the
    # official-contact list customers check impersonators against, and may read raw inbound mail (phishing evidence).
    SECURITY_OFFICER: (
        *_AGENT_PERMISSIONS,
        "tickets.view_all_tickets",
        "tickets.deescalate_ticket",
        "tickets.receive_security_alerts",
        "tickets.add_officialcontact",
        "tickets.change_officialcontact",
        "tickets.view_inboundemail",
        "tickets.view_inboundchannelmessage",
        "tickets.download_raw_email",
        "tickets.view_keywordrule",
        # the read audit: who saw which customer record
        "supportdesk.view_auditentry",
    ),
}

# Supervisors work every ticket but never delete history or customers.
_SUPERVISOR_EXCLUDED = (
    "tickets.delete_ticket",
    "tickets.delete_ticketmessage",
    "tickets.delete_ticketevent",
    "tickets.delete_attachment",
    "tickets.change_ticketmessage",
    "tickets.change_ticketevent",
    "tickets.delete_customer",
    "tickets.delete_complaint",
    "tickets.delete_remedy",
    "tickets.delete_confirmationtoken",
    "privacy.delete_legalhold",
    "privacy.delete_erasurerequest",
    "privacy.delete_erasurestep",
    "privacy.delete_consentrecord",
    "privacy.delete_retentionrun",
)


def permission_matches(role: str, permission_key: str) -> bool:
    if role == SUPERVISOR and permission_key in _SUPERVISOR_EXCLUDED:
        return False
    return any(fnmatch(permission_key, pattern) for pattern in ROLE_PERMISSIONS[role])


def sync_role_groups(group_model, permission_model) -> None:
    """Create the role groups and set exactly the permissions the table grants.

    Takes the models as arguments so data migrations can pass historical ones.
    """
    permissions = list(
        permission_model.objects.select_related("content_type").only("id", "codename", "content_type__app_label")
    )
    for role in STAFF_ROLES:
        group, _created = group_model.objects.get_or_create(name=role)
        granted = [
            permission.id
            for permission in permissions
            if permission_matches(role, f"{permission.content_type.app_label}.{permission.codename}")
        ]
        group.permissions.set(granted)
