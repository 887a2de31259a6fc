"""The conversation on the ticket page, a panel of tickets' own: messages and events in one timeline.

The page shows the newest TIMELINE_RECENT entries; ?timeline=all shows every one.
"""

from __future__ import annotations

from django.http import HttpRequest

from tickets import selectors
from tickets.admin.panels import TicketPanel, register_ticket_panel
from tickets.models import Ticket

TIMELINE_RECENT = 50
TIMELINE_VAR = "timeline"


def conversation_context(request: HttpRequest, ticket: Ticket) -> dict:
    if request.GET.get(TIMELINE_VAR) == "all":
        return {"timeline": selectors.ticket_timeline(ticket=ticket, include_internal=True)}
    recent = selectors.ticket_timeline_recent(ticket=ticket, include_internal=True, limit=TIMELINE_RECENT)
    return {"timeline": recent.entries, "timeline_has_older": recent.has_older, "timeline_all_var": TIMELINE_VAR}


register_ticket_panel(
    TicketPanel(
        key="tickets.conversation",
        template="admin/tickets/ticket/_conversation.html",
        order=200,
        context=conversation_context,
    )
)
