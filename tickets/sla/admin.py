"""Admin for calendars, SLA policies and keyword rules; the SLA columns of the ticket changelist and
the supervisor's page (mixed into tickets.admin.tickets.TicketAdmin); the SLA panel of the ticket page
(tickets.admin.panels).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.admin_forms import SafeAutocompleteMixin
from supportdesk.kit.choices import Weekday
from tickets.admin.panels import SIDE, TicketPanel, register_ticket_panel
from tickets.models import ClockState, KeywordRule, SLAClock, Ticket
from tickets.sla import selectors
from tickets.sla.deadline import is_met
from tickets.sla.models import BusinessCalendar, BusinessHours, Holiday, SLAPolicy

CLOCK_ABBREVIATIONS = {
    SLAClock.FIRST_RESPONSE: _("1st"),
    SLAClock.NEXT_RESPONSE: _("next"),
    SLAClock.RESOLUTION: _("resol."),
}
# Colours carry the state (the .sd-sla-<state> classes in supportdesk/static/supportdesk/admin.css); the text
# says it too (colour-blind users, print).


def _state_text(ticket: Ticket, clock: str, now) -> str:
    state = getattr(ticket, f"{clock}_state")
    due = getattr(ticket, f"{clock}_due")
    if state in (ClockState.ON_TRACK, ClockState.WARNING) and is_met(at=now, due=due):
        return _("due in %(time)s") % {"time": timeuntil(due, now, depth=1)} if due > now else _("due now")
    if state in (ClockState.ON_TRACK, ClockState.WARNING):
        # Late, and the sweep has not recorded it yet: say so now, by the same boundary.
        return _("overdue %(time)s") % {"time": timesince(due, now, depth=1)}
    if state == ClockState.BREACHED and getattr(ticket, f"{clock}_seconds") is None:
        return _("overdue %(time)s") % {"time": timesince(due, now, depth=1)}
    if state == ClockState.BREACHED:
        return _("answered late")
    return ClockState(state).label


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


def _seconds_text(seconds: int | None) -> str:
    return "" if seconds is None else str(timedelta(seconds=seconds))


class SLAStateFilter(admin.SimpleListFilter):
    title = _("SLA")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [
            ("breaching", _("Breaching (overdue, unanswered)")),
            ("at_risk", _("At risk")),
            ("on_track", _("On track")),
            ("paused", _("Paused")),
            ("breached_ever", _("Breached at some point")),
            ("none", _("No SLA")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "breaching":
            return queryset.filter(selectors.breaching_q())
        if value == "at_risk":
            return queryset.filter(selectors.state_q(ClockState.WARNING))
        if value == "on_track":
            return queryset.filter(selectors.state_q(ClockState.ON_TRACK)).exclude(
                selectors.breaching_q() | selectors.state_q(ClockState.WARNING)
            )
        if value == "paused":
            return queryset.filter(selectors.state_q(ClockState.PAUSED))
        if value == "breached_ever":
            return queryset.filter(selectors.state_q(ClockState.BREACHED))
        if value == "none":
            return queryset.filter(sla_policy__isnull=True)
        return queryset


class TicketSLAAdminMixin:
    """SLA columns and the supervisor page, for TicketAdmin.

    The changelist queryset must be annotated with selectors.with_next_due (sorting by due).
    """

    @admin.display(description=_("SLA"), ordering="sla_next_due")
    def sla_badges(self, obj: Ticket) -> SafeString | str:
        now = timezone.now()
        clocks = [clock for clock in SLAClock.values if getattr(obj, f"{clock}_state")]
        return format_html_join(
            "",
            '<span class="sd-sla sd-sla-{}" title="{}">{} · {}</span>',
            (
                (
                    getattr(obj, f"{clock}_state"),
                    f"{SLAClock(clock).label}: {ClockState(getattr(obj, f'{clock}_state')).label}",
                    CLOCK_ABBREVIATIONS[clock],
                    _state_text(obj, clock, now),
                )
                for clock in clocks
            ),
        ) or _("–")

    # Supervisor page ---------------------------------------------------------

    def get_urls(self):
        supervisor = path(
            "supervisor/", self.admin_site.admin_view(self.supervisor_view), name="tickets_ticket_supervisor"
        )
        return [supervisor, *super().get_urls()]

    def supervisor_view(self, request: HttpRequest) -> TemplateResponse:
        """Queues per team, breaching and at-risk tickets, agent load, oldest unassigned: 7 queries."""
        if not request.user.has_perm("tickets.view_all_tickets"):
            raise PermissionDenied
        user = request.user
        context = {
            **self.admin_site.each_context(request),
            "title": _("Supervisor view"),
            "opts": self.model._meta,
            "queues": selectors.team_queues(user=user),
            "breaching": selectors.tickets_breaching(user=user),
            "at_risk": selectors.tickets_at_risk(user=user),
            "oldest_unassigned": selectors.oldest_unassigned(user=user),
            "agents": selectors.agent_loads(),
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/tickets/ticket/supervisor.html", context)


@dataclass(frozen=True)
class ClockRow:
    label: str
    state: str
    state_text: str
    due: str
    time_taken: str


def sla_panel_context(request: HttpRequest, ticket: Ticket) -> dict:
    """The ticket's policy and each running or finished clock: state, due, business time taken."""
    if ticket.sla_policy_id is None:
        return {"policy": None}
    now = timezone.now()
    clocks = [
        ClockRow(
            label=SLAClock(clock).label,
            state=getattr(ticket, f"{clock}_state"),
            state_text=_state_text(ticket, clock, now),
            due=_when(getattr(ticket, f"{clock}_due")),
            time_taken=_seconds_text(getattr(ticket, f"{clock}_seconds")),
        )
        for clock in SLAClock.values
        if getattr(ticket, f"{clock}_state")
    ]
    return {"policy": ticket.sla_policy, "paused_since": _when(ticket.sla_paused_at), "clocks": clocks}


register_ticket_panel(
    TicketPanel(
        key="tickets.sla", template="admin/tickets/sla/_panel.html", order=500, context=sla_panel_context, column=SIDE
    )
)


class BusinessHoursFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        spans: dict[int, list[tuple[int, int]]] = {}
        for form in self.forms:
            data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
            if not data or data.get("DELETE") or form.errors:
                continue
            hours = BusinessHours(weekday=data["weekday"], opens=data["opens"], closes=data["closes"])
            spans.setdefault(hours.weekday, []).append(hours.seconds())
        for weekday, intervals in spans.items():
            intervals.sort()
            if any(later[0] < earlier[1] for earlier, later in pairwise(intervals)):
                raise ValidationError(
                    _("Opening hours overlap on %(day)s.") % {"day": Weekday(weekday).label}, code="hours_overlap"
                )


class BusinessHoursInline(admin.TabularInline):
    model = BusinessHours
    formset = BusinessHoursFormSet
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "is_24_7", "opening_hours", "policy_names"]
    search_fields = ["name"]
    list_filter = ["is_24_7"]
    inlines = [BusinessHoursInline, HolidayInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("hours", "policies")

    @admin.display(description=_("opening hours"))
    def opening_hours(self, obj: BusinessCalendar) -> str:
        if obj.is_24_7:
            return str(_("24/7"))
        return "; ".join(str(hours) for hours in obj.hours.all())

    @admin.display(description=_("used by"))
    def policy_names(self, obj: BusinessCalendar) -> str:
        return ", ".join(policy.name for policy in obj.policies.all())


@admin.register(SLAPolicy)
class SLAPolicyAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = [
        "name", "position", "is_active", "match_priority", "match_category", "match_channel", "match_vip",
        "calendar", "first_response_minutes", "next_response_minutes", "resolution_minutes", "escalate_to_tier",
    ]  # fmt: skip
    list_editable = ["position", "is_active"]
    list_select_related = ["calendar", "match_category"]
    list_filter = ["is_active", "calendar", "match_channel", "match_priority"]
    search_fields = ["name"]
    autocomplete_fields = ["match_category", "calendar"]
    fieldsets = [
        (None, {"fields": ["name", "position", "is_active"]}),
        (_("Applies to (first matching policy wins)"),
         {"fields": ["match_priority", "match_category", "match_channel", "match_vip"]}),
        (_("Targets in business time"),
         {"fields": ["calendar", "first_response_minutes", "next_response_minutes", "resolution_minutes"]}),
        (_("Warnings and escalation"), {"fields": ["warning_percent", "warning_minutes", "escalate_to_tier"]}),
    ]  # fmt: skip


@admin.register(KeywordRule)
class KeywordRuleAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "position", "is_active", "category", "priority", "tier", "applies_always", "keyword_list"]
    list_editable = ["position", "is_active"]
    list_select_related = ["category"]
    list_filter = ["is_active", "applies_always", "category", "tier"]
    search_fields = ["name", "keywords"]
    autocomplete_fields = ["category"]

    @admin.display(description=_("keywords"))
    def keyword_list(self, obj: KeywordRule) -> str:
        return ", ".join(obj.phrases())
