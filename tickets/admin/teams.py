"""Teams in the back office, with their agent and open-ticket counts."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tickets.admin.counts import count_subquery
from tickets.models import OPEN_STATUSES, AgentProfile, Team, Ticket


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = [
        "name", "languages", "time_zone", "auto_assign", "handles_security", "handles_triage", "is_active",
        "agent_count", "open_tickets", "business_calendar", "publish_hours",
    ]  # fmt: skip
    list_filter = ["is_active", "auto_assign", "handles_security", "handles_triage", "publish_hours"]
    list_select_related = ["business_calendar"]
    autocomplete_fields = ["business_calendar"]
    search_fields = ["name"]
    filter_horizontal = ["categories"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                agent_total=count_subquery(AgentProfile.teams.through.objects.all(), "team"),
                open_total=count_subquery(Ticket.objects.filter(status__in=OPEN_STATUSES), "team"),
            )
        )

    @admin.display(description=_("agents"), ordering="agent_total")
    def agent_count(self, obj: Team) -> int:
        return obj.agent_total

    @admin.display(description=_("open tickets"), ordering="open_total")
    def open_tickets(self, obj: Team) -> int:
        return obj.open_total
