"""The ticket page's collision panel: who else is here, the version the page was loaded at, @mentions.

It adds no query to the page: the version is the loaded ticket's `updated_at`, and presence and the
@mention autocomplete run in the browser (static/tickets/notifications/presence.js, mentions.js). Only
after a save was refused as stale (a POST whose version is older than the ticket's) does it read what
changed, to list it beside the error; the form then carries the current version, so saving again sends
anyway.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from tickets.admin.panels import TicketPanel, register_ticket_panel
from tickets.models import Ticket
from tickets.services import versions
from tickets.versions import version_time, version_token

# Just above the reply box (FORM_CONTROLS_ORDER), under the conversation.
PANEL_ORDER = 240


def collision_context(request: HttpRequest, ticket: Ticket) -> dict:
    current = version_token(ticket)
    posted = request.POST.get("ticket_version") if request.method == "POST" else None
    stale = posted is not None and posted != current
    return {
        "ticket_version": current,
        "changes": versions.changes_since(ticket, version_time(posted)) if stale else [],
        "stale": stale,
        "heartbeat_seconds": settings.PRESENCE_HEARTBEAT_SECONDS,
    }


register_ticket_panel(
    TicketPanel(
        key="tickets.collision",
        template="admin/tickets/ticket/_collision.html",
        order=PANEL_ORDER,
        context=collision_context,
    )
)
