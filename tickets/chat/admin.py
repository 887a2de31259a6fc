"""The chats in the back office: the list of chats, and the agents' live chat console (a custom admin view).

The console page is the admin's own frame (each_context, admin styles and dark mode); its live part
is static/tickets/chat/console.js over the console socket (tickets.chat.consumers). Beside the chat it
shows the customer's profile, recent requests and wallets (the side view), and the knowledge app's
reply tools panel (macros, article links) through the ticket page's panel hook.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.admin_actions import ReadOnlyAdminMixin
from tickets.access import has_staff_permission
from tickets.admin.links import ticket_admin_link
from tickets.admin.panels import ticket_panels
from tickets.chat import selectors
from tickets.chat.models import ChatSession
from tickets.models import Team, Ticket

# The reply tools of the ticket page (knowledge) work on the console's reply box as well.
CONSOLE_PANELS = ("knowledge.reply_tools",)
RECENT_TICKETS = 5


@admin.register(ChatSession)
class ChatSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "customer", "state", "team", "agent", "language", "created_at", "queued_at",
                    "accepted_at", "ended_at", "ticket_link"]  # fmt: skip
    list_filter = ["state", "team", "language"]
    list_select_related = ["ticket", "customer", "team", "agent"]
    search_fields = ["customer__email", "customer__name", "ticket__subject"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = ["ticket", "customer", "user", "state", "language", "origin", "team", "agent", "offered_to",
                       "queued_at", "accepted_at", "ended_at", "customer_read_id", "agent_read_id"]  # fmt: skip
    exclude = ["key"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        visible = Ticket.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(ticket__in=visible)

    @admin.display(description=_("ticket"))
    def ticket_link(self, obj: ChatSession) -> str:
        return ticket_admin_link(obj.ticket_id, obj.ticket.reference if obj.ticket_id else "")

    def get_urls(self):
        own = [
            path("console/", self.admin_site.admin_view(self.console_view), name="tickets_chatsession_console"),
            path("console/<id:pk>/side/", self.admin_site.admin_view(self.side_view), name="tickets_chatsession_side"),
        ]
        return own + super().get_urls()

    def console_view(self, request: HttpRequest) -> HttpResponse:
        if not has_staff_permission(request.user, "tickets.work_chats"):
            raise PermissionDenied
        agents = (
            get_user_model()
            .objects.filter(is_active=True, is_staff=True, chat_status__isnull=False)
            .exclude(pk=request.user.pk)
            .order_by("username")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Chat console"),
            "opts": self.model._meta,
            "teams": Team.objects.filter(is_active=True),
            "agents": agents,
            "supervisor": request.user.has_perm("tickets.supervise_chats"),
        }
        return TemplateResponse(request, "admin/tickets/chat/console.html", context)

    def side_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The customer beside the chat: profile, recent requests, wallets, and the reply tools."""
        if not has_staff_permission(request.user, "tickets.work_chats"):
            raise PermissionDenied
        session = selectors.chat_for_agent(session_id=pk, user=request.user)
        if session is None:
            raise Http404
        customer = session.customer
        ticket = Ticket.objects.select_related("customer").get(pk=session.ticket_id)
        panels = []
        for panel in ticket_panels():
            if panel.key in CONSOLE_PANELS:
                extra = panel.context(request, ticket)
                if extra is not None:
                    # A macro picked here goes into the console's reply box (it is not applied on the ticket page).
                    panel_context = {"ticket": ticket, **extra, "macro_insert": True}
                    panels.append(render_to_string(panel.template, panel_context, request=request))
        context = {
            "chat": session,
            "customer": customer,
            "recent": Ticket.objects.visible_to(request.user)
            .filter(customer=customer)
            .exclude(pk=session.ticket_id)
            .order_by("-created_at")[:RECENT_TICKETS],
            "wallets": customer.wallet_addresses.all()[:10],
            "panels": panels,
        }
        return TemplateResponse(request, "admin/tickets/chat/side.html", context)
