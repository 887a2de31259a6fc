"""Agent profiles in the back office: tier, teams, languages, capacity and current load."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.admin_forms import SafeAutocompleteMixin
from tickets.models import OPEN_STATUSES, AgentProfile, Ticket


@admin.register(AgentProfile)
class AgentProfileAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["__str__", "tier", "team_names", "languages", "max_open_tickets", "open_tickets", "is_available"]
    list_select_related = ["user"]
    list_filter = ["tier", "is_available", "teams"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["teams", "skills"]

    def get_queryset(self, request):
        open_assigned = Ticket.objects.filter(status__in=OPEN_STATUSES)
        return (
            super()
            .get_queryset(request)
            .prefetch_related("teams")
            .annotate(
                open_total=Coalesce(
                    Subquery(
                        open_assigned.filter(assignee=OuterRef("user"))
                        .order_by()
                        .values("assignee")
                        .annotate(n=Count("pk"))
                        .values("n")
                    ),
                    0,
                )
            )
        )

    @admin.display(description=_("teams"))
    def team_names(self, obj: AgentProfile) -> str:
        return ", ".join(team.name for team in obj.teams.all())

    @admin.display(description=_("open tickets"), ordering="open_total")
    def open_tickets(self, obj: AgentProfile) -> int:
        return obj.open_total
