"""The ticket page's panel hook: how other apps and sub-areas of tickets add a section to the ticket change page.

Nobody re-registers the ticket admin or overrides its template to add something to
the ticket page. The owner of the addition registers a panel instead, once, when its
admin module is imported (as ``@admin.register`` does for a ModelAdmin)::

    from tickets.admin.panels import TicketPanel, register_ticket_panel

    register_ticket_panel(
        TicketPanel(
            key="knowledge.reply_tools",
            template="admin/knowledge/_reply_tools.html",
            order=300,
            context=reply_tools_context,
        )
    )

Who may use it: any app built on tickets (knowledge adds its reply tools) and any
sub-area of tickets (complaints, SLA); the conversation, tickets' own, is a panel too.
tickets never imports the apps that register panels. Keys are "<app or sub-area>.<name>"
and unique.

What a panel gets: ``context(request, ticket)`` is called each time the change page of
an existing ticket is shown (never on the add page), to anyone allowed to view the
ticket, with the ticket as the admin loaded it. It returns the dict the panel's template
is rendered with, or None to leave the panel out for this ticket (not a complaint, a
permission the user lacks). The template gets the request's context (user, perms,
csrf_token), ``ticket`` and that dict: nothing of the admin's own context. It is the
whole panel, markup and any <style> or <script> it needs, and lives in the app that
owns the panel.

Layout: on screens 1200 px and wider the page has two columns. ``column`` says which:
MAIN (the default, left: the conversation and what the agent works with while writing)
or SIDE (right: properties, clocks, the record). Narrower screens show MAIN, then SIDE.
Within a column the sections are laid out by ``order``, smallest first. The admin's own
sections have fixed orders, so a panel can go above or below them:

    MAIN 100  complaint summary                      tickets.complaints.admin
    MAIN 150  exposure checklist (secret exposed)    tickets.safety.admin
    MAIN 160  identity for sensitive help            tickets.safety.admin
    MAIN 200  conversation                           tickets.admin.conversation
    MAIN 250  FORM_CONTROLS_ORDER: the Reply fieldset (and the save buttons)
    MAIN 300  reply tools (macros, article links)    knowledge.admin_macros
    SIDE 400  customer, link to their 360 page       tickets.admin.customers
    SIDE 450  FORM_PROPERTIES_ORDER: the Ticket fieldset (status, people, classification)
    SIDE 500  SLA clocks                             tickets.sla.admin
    SIDE 550  channel (handle, calls, texts sent)    tickets.connectors.admin
    SIDE 600  FORM_RECORD_ORDER: customer summary, Request, Environment, Transaction
    SIDE 620  on-chain status of the transaction     tickets.onchain.admin

Queries and time: the page is the agents' most used page, with a budget of 10 queries in
all (tests/tickets/admin/test_tickets.py pins the count for 1 and 30 messages). A panel
runs at most one query of its own, never one per message, remedy or other row it lists
(prefetch them), and loads anything bigger on demand (a link or a fetch when used).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from tickets.models import Ticket

FORM_CONTROLS_ORDER = 250
FORM_PROPERTIES_ORDER = 450
FORM_RECORD_ORDER = 600
MAIN = "main"
SIDE = "side"


@dataclass(frozen=True)
class TicketPanel:
    key: str
    template: str
    order: int
    context: Callable[[HttpRequest, Ticket], dict[str, Any] | None]
    column: str = MAIN

    def __post_init__(self) -> None:
        if self.column not in (MAIN, SIDE):
            raise ImproperlyConfigured(f"The ticket panel {self.key!r} has an unknown column {self.column!r}.")


@dataclass(frozen=True)
class PageSection:
    """One section of the ticket page: rendered HTML (a panel, the record) or some of the form's fieldsets."""

    order: int
    key: str = ""
    html: SafeString | str = ""
    column: str = MAIN
    # (position in the admin form, Fieldset): the position keeps the fieldsets' HTML ids unique.
    fieldsets: Sequence[tuple[int, Any]] = ()


_panels: dict[str, TicketPanel] = {}


def register_ticket_panel(panel: TicketPanel) -> TicketPanel:
    if panel.key in _panels:
        raise ImproperlyConfigured(f"The ticket panel {panel.key!r} is already registered.")
    _panels[panel.key] = panel
    return panel


def ticket_panels() -> list[TicketPanel]:
    """Every registered panel, in page order."""
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


def ticket_page_sections(
    request: HttpRequest, ticket: Ticket, *, form_sections: Sequence[PageSection]
) -> list[PageSection]:
    """The form's sections and the panels that have something to show for this ticket, in page order."""
    sections = list(form_sections)
    for panel in ticket_panels():
        context = panel.context(request, ticket)
        if context is not None:
            html = render_to_string(panel.template, {"ticket": ticket, **context}, request=request)
            sections.append(PageSection(order=panel.order, key=panel.key, html=html, column=panel.column))
    return sorted(sections, key=lambda section: section.order)
