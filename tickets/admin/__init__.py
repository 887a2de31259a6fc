"""The tickets app's back office, one module per noun.

Importing this package registers every ModelAdmin of tickets, those of its sub-areas included:

    tickets.py       TicketAdmin: the agents' queue and the ticket page
    panels.py        the ticket page's panel hook, for other apps and sub-areas (documented there)
    conversation.py  the ticket page's conversation panel
    filters.py       the queue and assignee filters of the ticket list
    actions.py       bulk actions of the ticket list
    forms.py         the ticket page's work form, the add form and the actions' forms
    links.py         the link to a ticket's page that every list of ticket records shows
    customers.py, teams.py, agents.py, categories.py, tags.py, events.py: the other records of tickets
    tickets.chat.admin (chats, chat console), tickets.complaints.admin, tickets.sla.admin, tickets.safety.admin,
    tickets.email.admin, tickets.connectors.admin, tickets.notifications.admin (staff notifications, the ticket
    page's presence panel), tickets.onchain.admin (the transaction's on-chain status), tickets.followups.admin
    (follow-up policies): the sub-areas
"""

# Imported for their @admin.register and register_ticket_panel calls.
from tickets.admin import agents, categories, conversation, customers, events, tags, teams, tickets  # noqa: F401
from tickets.chat import admin as chat_admin  # noqa: F401
from tickets.complaints import admin as complaints_admin  # noqa: F401
from tickets.connectors import admin as connectors_admin  # noqa: F401
from tickets.email import admin as email_admin  # noqa: F401
from tickets.followups import admin as followups_admin  # noqa: F401
from tickets.notifications import admin as notifications_admin  # noqa: F401
from tickets.notifications import panels as notifications_panels  # noqa: F401
from tickets.onchain import admin as onchain_admin  # noqa: F401
from tickets.safety import admin as safety_admin  # noqa: F401
from tickets.sla import admin as sla_admin  # noqa: F401
from tickets.workspace import admin as workspace_admin  # noqa: F401
