"""Ticket events (the timeline's rows) in the back office, as an audit log."""

from __future__ import annotations

from django.contrib import admin
from django.db import connection
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.admin_actions import HistoryAdminMixin
from supportdesk.kit.paginator import EstimatedCountPaginator
from tickets.admin.links import ticket_admin_link
from tickets.models import Ticket, TicketEvent


@admin.register(TicketEvent)
class TicketEventAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """The audit trail. Read-only for everyone: history is never edited in place."""

    list_display = ["created_at", "ticket_link", "kind", "actor", "before", "after", "note"]
    list_select_related = ["actor"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=ticket__id", "actor__username"]
    show_full_result_count = False
    # An audit log reads newest first (the model's own order is the timeline's, oldest first).
    ordering = ["-created_at", "-id"]
    paginator = EstimatedCountPaginator
    list_display_links = None

    def get_queryset(self, request):
        visible = Ticket.objects.visible_to(request.user).values("id")
        events = super().get_queryset(request)
        if connection.vendor == "sqlite":
            # SQLite would fetch every event of every visible ticket through the ticket index, then sort them all;
            # "ticket_id + 0" keeps that index out, so it walks event_created_desc newest first and stops at a page.
            return events.alias(visible_ticket_id=F("ticket_id") + 0).filter(visible_ticket_id__in=visible)
        return events.filter(Q(ticket_id__in=visible))

    @admin.display(description=_("ticket"), ordering="ticket_id")
    def ticket_link(self, obj: TicketEvent) -> str:
        return ticket_admin_link(obj.ticket_id)
