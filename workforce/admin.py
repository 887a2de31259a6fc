"""Back office of staffing: the shift roster, expected events and the forecast page (chart, tables, CSV).

Staffing planners (workforce.plan_staffing: supervisors and managers) edit the roster and the
events and see the forecast; everyone else with a view permission only reads the roster and events.
Writes go through workforce.services; the numbers come from workforce.staffing.
"""

from __future__ import annotations

import csv
from itertools import groupby

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportdesk.kit.admin_forms import SafeAutocompleteMixin
from supportdesk.kit.admin_links import app_list_link
from supportdesk.kit.choices import Weekday
from supportdesk.kit.spreadsheets import escape_cell
from tickets.models import Channel
from workforce import services, staffing
from workforce.models import STAFFING_PERMISSION, ForecastEvent, Shift

CHART_BAR_WIDTH = 4
DAYS_IN_WEEK = 7


class StaffingPlannerPermissions:
    """Staffing planners edit; a model view permission (agents: their roster) still lets others read."""

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm(STAFFING_PERMISSION) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(STAFFING_PERMISSION)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm(STAFFING_PERMISSION)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm(STAFFING_PERMISSION)


@admin.register(ForecastEvent)
class ForecastEventAdmin(StaffingPlannerPermissions, admin.ModelAdmin):
    list_display = ["name", "kind", "channel", "starts_at", "ends_at", "uplift_percent", "created_by"]
    list_select_related = ["created_by"]
    list_filter = ["kind", "channel"]
    search_fields = ["name", "notes"]
    date_hierarchy = "starts_at"
    readonly_fields = ["created_by"]

    def get_fields(self, request, obj=None):
        fields = ["name", "kind", "channel", ("starts_at", "ends_at"), "uplift_percent", "notes"]
        return fields if obj is None else [*fields, "created_by"]

    def save_model(self, request, obj, form, change) -> None:
        services.forecast_event_save(event=obj, actor=request.user)


@admin.register(Shift)
class ShiftAdmin(SafeAutocompleteMixin, StaffingPlannerPermissions, admin.ModelAdmin):
    list_display = ["agent", "team", "channel", "weekday", "start_hour", "end_hour"]
    list_select_related = ["agent", "team"]
    list_filter = ["weekday", "team", "channel"]
    search_fields = ["agent__username", "agent__first_name", "agent__last_name", "team__name"]
    autocomplete_fields = ["agent", "team"]

    def save_model(self, request, obj, form, change) -> None:
        services.shift_save(shift=obj)

    def get_urls(self):
        return [
            path("staffing/", self.admin_site.admin_view(self.staffing_view), name="workforce_shift_staffing"),
            *super().get_urls(),
        ]

    def app_list_links(self, request: HttpRequest) -> list[dict]:
        if not request.user.has_perm(STAFFING_PERMISSION):
            return []
        url = reverse("admin:workforce_shift_staffing")
        return [app_list_link(key="staffing", name=gettext_lazy("Staffing forecast"), url=url, model=self.model)]

    def staffing_view(self, request: HttpRequest) -> HttpResponse:
        """Next two weeks per hour: forecast contacts, agents needed (Erlang C), agents on the roster."""
        if not request.user.has_perm(STAFFING_PERMISSION):
            raise PermissionDenied
        channel = request.GET.get("channel", "")
        if channel not in Channel.values:
            channel = ""
        plan = staffing.staffing_plan(today=timezone.localdate(), channel=channel)
        if request.GET.get("format") == "csv":
            return _staffing_csv(plan.hours)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext_lazy("Staffing forecast"),
            "opts": self.model._meta,
            "plan": plan,
            "hours": plan.hours,
            "channels": Channel.choices,
            "channel": channel,
            "gaps": sum(1 for hour in plan.hours if hour.gap < 0),
            "peaks": sum(1 for hour in plan.hours if hour.events),
            "shrinkage": round(100 * plan.shrinkage),
            "occupancy": round(100 * settings.STAFFING_TARGET_OCCUPANCY),
            "min_aht_samples": settings.STAFFING_MIN_AHT_SAMPLES,
            "default_handle_time": _minutes_and_seconds(settings.STAFFING_DEFAULT_AHT_SECONDS),
            "channel_rows": [(item, _minutes_and_seconds(item.handle_time.seconds)) for item in plan.channels],
            "measured_channels": sum(1 for item in plan.channels if item.handle_time.measured),
            "days": _forecast_days(plan.hours),
            "history_blocks": _history_blocks(plan),
            "hours_of_day": range(staffing.HOURS_IN_DAY),
            "querystring": request.GET.urlencode(),
            **_chart(plan.hours),
        }
        return TemplateResponse(request, "admin/workforce/staffing.html", context)


def _chart(hours: list[staffing.ForecastHour]) -> dict:
    """SVG geometry: a bar per hour for the agents needed (peaks marked), a line for the roster."""
    peak = max((hour.required for hour in hours), default=0) or 1
    return {
        "bars": [
            {
                "x": index * CHART_BAR_WIDTH,
                "y": round(100 - 100 * hour.required / peak, 1),
                "height": round(100 * hour.required / peak, 1),
                "peak": bool(hour.events),
            }
            for index, hour in enumerate(hours)
        ],
        "roster_points": " ".join(
            f"{index * CHART_BAR_WIDTH + 1.5},{round(100 - 100 * min(hour.scheduled, peak) / peak, 1)}"
            for index, hour in enumerate(hours)
        ),
        "chart_width": len(hours) * CHART_BAR_WIDTH,
        "chart_peak": max((hour.required for hour in hours), default=0),
    }


def _forecast_days(hours: list[staffing.ForecastHour]) -> list[dict]:
    """The forecast grouped by day (desk time zone) with a one-line summary each, for the table and the chart."""
    zone = timezone.get_default_timezone()
    days, first_bar = [], 0
    for index, (day, day_hours) in enumerate(groupby(hours, key=lambda hour: hour.start.astimezone(zone).date())):
        day_hours = list(day_hours)
        days.append(
            {
                "date": day,
                "week": index // DAYS_IN_WEEK + 1,
                "starts_week": index % DAYS_IN_WEEK == 0,
                "x": first_bar * CHART_BAR_WIDTH,
                "hours": day_hours,
                "contacts": round(sum(hour.contacts for hour in day_hours), 1),
                "peak": max((hour.required for hour in day_hours), default=0),
                "short": sum(1 for hour in day_hours if hour.gap < 0),
                "events": list(dict.fromkeys(name for hour in day_hours for name in hour.events)),
            }
        )
        first_bar += len(day_hours)
    return days


def _minutes_and_seconds(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return _("%(seconds)d s") % {"seconds": rest}
    if not rest:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": rest}


def _history_blocks(plan: staffing.StaffingPlan) -> list[dict]:
    """The weekday × hour history table: one block per channel, and their sum when there are several."""
    blocks = [(channel_plan.label, channel_plan.history) for channel_plan in plan.channels]
    if plan.history_total:
        blocks.append((_("All channels"), plan.history_total))
    return [
        {
            "label": label,
            "rows": [
                {"weekday": Weekday(weekday).label, "cells": cells, "total": round(sum(cells), 1)}
                for weekday, cells in enumerate(grid)
            ],
        }
        for label, grid in blocks
    ]


def _staffing_csv(hours: list[staffing.ForecastHour]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="staffing-forecast.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [_("hour"), _("forecast contacts"), _("agents needed"), _("agents scheduled"), _("gap"), _("expected events")]
    )
    zone = timezone.get_default_timezone()
    for hour in hours:
        writer.writerow(
            [
                hour.start.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                hour.contacts,
                hour.required,
                hour.scheduled,
                hour.gap,
                escape_cell("; ".join(hour.events)),
            ]
        )
    return response
